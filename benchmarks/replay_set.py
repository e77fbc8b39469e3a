"""How many paragraphs a removed article makes link again: the size of an exact
incremental removal (docs/incremental.md, "Changed and removed files").

    KABAR_CACHE_DIR=DIR python -m benchmarks.bench_cross_article save FOLDER D.pickle
    python -m benchmarks.replay_set D.pickle [--sample 200]

Linking depends on order (docs/incremental.md, "Order"): removing article c changes what
a later paragraph j saw only through the keys c posted (its sampled 4-grams and its
content words) whose postings had not grown too common by c. For `--sample` articles
drawn at random, this replays the postings of those keys over the whole corpus in order
(as `linking._post_all` makes them) and counts, among the paragraphs after c:

- candidates: those that gathered one of c's paragraphs with 2 fingerprints or more, or
  3 rare words (c was, or could have been, among their candidates: their weak top 20 may
  take another paragraph in its place);
- refilled: those looking up a key of a posting c was a member of and that grew too
  common after it, past the paragraph that filled it (without c it fills later or never:
  they would see a posting where they saw none);
- lookers: every later paragraph that looks up a key of a posting c was a member of
  (the paragraphs a replay must at least look at, found only through every 4-gram of
  every paragraph: the postings hold a sample).

The first two are what an exact update must link again; the third is what finding them
costs without an index of every 4-gram.
"""

from __future__ import annotations

import argparse
import pickle
import random
import statistics
import sys
import time
from array import array
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kabar_tui.core.corpus.digest import CorpusDigest
from kabar_tui.core.corpus.linking import (
    FINGERPRINT_POSTING_CAP,
    RARE_WORD_POSTING_CAP,
    RARE_WORDS_MIN_SHARED,
    SAMPLE_MODULUS,
    SHORT_PASSAGE,
    WEAK_FINGERPRINTS,
    LinkIndex,
    Passage,
    _quote_word_positions,
)

NEVER = 1 << 62
MASK_64 = (1 << 64) - 1  # keys are signed: their bits as an unsigned number


def sampled(passage: Passage, keys: list[int]) -> list[int]:
    """The keys a passage posts (`LinkIndex._index`)."""
    if len(keys) < SHORT_PASSAGE:
        return keys
    in_quote = _quote_word_positions(passage.text.split(), passage.quotes)
    return [k for n, k in enumerate(keys) if k % SAMPLE_MODULUS == 0 or n in in_quote]


class Posting:
    """One key's posting replayed in order: its first `cap` members, and the passage
    that found it full."""

    __slots__ = ("full_at", "members")

    def __init__(self) -> None:
        self.members: list[int] = []
        self.full_at = NEVER

    def post(self, number: int, cap: int) -> None:
        if self.full_at != NEVER or (self.members and self.members[-1] == number):
            return
        if len(self.members) >= cap:
            self.full_at = number
        else:
            self.members.append(number)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("digests", type=Path)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    with args.digests.open("rb") as file:
        digest: CorpusDigest = pickle.load(file)
    articles = digest.articles
    starts = [0]  # first passage number of each article
    for article in articles:
        starts.append(starts[-1] + len(article.passages))
    total = starts[-1]
    chosen = sorted(random.Random(args.seed).sample(range(len(articles)), args.sample))
    probe = LinkIndex()
    # the keys and words the chosen articles post, with the article posting each
    own_keys: dict[int, dict[int, list[int]]] = {}  # article -> key -> its passages posting it
    own_words: dict[int, dict[str, list[int]]] = {}
    for a in chosen:
        own_keys[a], own_words[a] = defaultdict(list), defaultdict(list)
        for number, passage in enumerate(articles[a].passages, starts[a]):
            for key in set(sampled(passage, probe.keys_of(passage))):
                own_keys[a][key].append(number)
            for word in passage.content:
                own_words[a][word].append(number)
    wanted_keys = set().union(*(k.keys() for k in own_keys.values()))
    wanted_words = set().union(*(w.keys() for w in own_words.values()))
    clock = time.perf_counter()
    keys_postings: dict[int, Posting] = defaultdict(Posting)
    word_postings: dict[str, Posting] = defaultdict(Posting)
    key_lookers: dict[int, list[int]] = defaultdict(list)  # every passage containing it
    word_lookers: dict[str, list[int]] = defaultdict(list)
    article_of: list[int] = []
    every_key = array("Q")  # every 4-gram key of every paragraph, in order: a scan's input
    number = 0
    for a, article in enumerate(articles):
        for passage in article.passages:
            article_of.append(a)
            keys = probe.keys_of(passage)
            every_key.extend(key & MASK_64 for key in keys)
            for key in wanted_keys.intersection(keys):
                key_lookers[key].append(number)
            for key in wanted_keys.intersection(sampled(passage, keys)):
                keys_postings[key].post(number, FINGERPRINT_POSTING_CAP)
            for word in wanted_words.intersection(passage.content):
                word_lookers[word].append(number)
                word_postings[word].post(number, RARE_WORD_POSTING_CAP)
            number += 1
    print(
        f"{len(articles)} articles, {total} passages; replayed {len(wanted_keys)} keys and "
        f"{len(wanted_words)} words in {time.perf_counter() - clock:.1f} s"
    )
    rows = []
    for a in chosen:
        end = starts[a + 1]
        gathered: dict[tuple[int, int], int] = defaultdict(int)  # (j, c's passage) -> keys
        shared_words: dict[tuple[int, int], int] = defaultdict(int)
        refilled: set[int] = set()
        lookers: set[int] = set()
        for kind, own, postings, everyone in (
            ("key", own_keys[a], keys_postings, key_lookers),
            ("word", own_words[a], word_postings, word_lookers),
        ):
            for key, posters in own.items():
                posting = postings[key]
                later = [j for j in everyone[key] if j >= end]
                for p in posters:
                    if p not in posting.members:
                        continue  # posted after it filled: removing c changes nothing here
                    lookers.update(later)
                    for j in later:
                        if starts[article_of[j]] <= posting.full_at:
                            counts = gathered if kind == "key" else shared_words
                            counts[j, p] += 1
                    if posting.full_at != NEVER:
                        refilled.update(j for j in later if starts[article_of[j]] > posting.full_at)
        candidates = {j for (j, _), n in gathered.items() if n >= WEAK_FINGERPRINTS}
        candidates |= {j for (j, _), n in shared_words.items() if n >= RARE_WORDS_MIN_SHARED}
        rows.append(
            (
                a,
                total - end,
                len(candidates),
                len(refilled),
                len(candidates | refilled),
                len(lookers),
            )
        )
    print("article position, passages after it, candidates, refilled, to link again, lookers")
    for row in rows[:: max(1, len(rows) // 20)]:
        print("  " + ", ".join(map(str, row)))
    for column, name in ((2, "candidates"), (3, "refilled"), (4, "to link again"), (5, "lookers")):
        values = sorted(row[column] for row in rows)
        print(
            f"{name}: median {statistics.median(values):.0f}, "
            f"p90 {values[int(0.9 * (len(values) - 1))]}, max {values[-1]}"
        )
    alone = sum(1 for row in rows if row[3] == 0)
    print(f"articles whose removal refills no posting: {alone} of {len(rows)}")
    scan(every_key, [own_keys[a] for a in chosen])


def scan(every_key: array[int], own: list[dict[int, list[int]]]) -> None:
    """What finding the paragraphs that look up one article's keys costs with a store
    of every paragraph's keys as 32-bit prefixes (false hits are only linked again for
    nothing): one `isin` over all of them in paragraph order (a removal scans only those
    after it), or the same prefixes sorted with their positions (an index of every
    4-gram as two arrays), looked up with `searchsorted`."""
    import numpy as np

    prefixes = (np.frombuffer(every_key, dtype=np.uint64) >> np.uint64(32)).astype(np.uint32)
    order = np.argsort(prefixes, kind="stable").astype(np.uint32)
    ordered = prefixes[order]
    scanned, looked_up = [], []
    for keys in own:
        wanted = np.fromiter((k & MASK_64 for k in keys), np.uint64) >> np.uint64(32)
        wanted = wanted.astype(np.uint32)
        clock = time.perf_counter()
        found = np.flatnonzero(np.isin(prefixes, wanted))
        scanned.append(time.perf_counter() - clock)
        clock = time.perf_counter()
        left = np.searchsorted(ordered, wanted, "left")
        right = np.searchsorted(ordered, wanted, "right")
        hits = np.concatenate([order[a:b] for a, b in zip(left, right, strict=True)])
        looked_up.append(time.perf_counter() - clock)
        assert len(hits) == len(found)
    megabytes = prefixes.nbytes / 1e6
    for name, seconds in (("scan", scanned), ("sorted index", looked_up)):
        print(
            f"{name} of {len(prefixes):,} keys ({megabytes:.0f} MB of 32-bit prefixes"
            f"{', as much again of positions' if name != 'scan' else ''}) for one article's "
            f"keys: median {statistics.median(seconds) * 1000:.1f} ms, "
            f"max {max(seconds) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
