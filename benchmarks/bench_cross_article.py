"""The cross-article stage alone (link, stories, names, quote groups) at 10k and 100k
articles, without running the per-file stage for 100k articles (issue 14).

    # once: the digests of an indexed corpus, from its cache, into a file
    KABAR_CACHE_DIR=DIR kabar index /tmp/corpus10k
    KABAR_CACHE_DIR=DIR python -m benchmarks.bench_cross_article save /tmp/corpus10k D.pickle
    # then: the stage on those digests, and on 10 mutated copies of them (100k)
    python -m benchmarks.bench_cross_article run D.pickle --copies 1 10 [--workers N]
    # the output of each stage, as a digest (sha256), to compare two versions of the code
    python -m benchmarks.bench_cross_article run D.pickle --copies 1 10 --fingerprint

Copies are not identical (identical copies would link every copy of a paragraph to every
other, and join every story): copy c > 0 renames each word of its passages, quotations and
title through a permutation of the corpus's vocabulary drawn for that copy, within blocks
of words of about the same frequency (so common words stay common, rare ones rare) and
leaving the link stopwords alone. A copy links within itself as the original does and
hardly ever to another copy, while the postings, word counts and quotation buckets
hold every copy's entries, as in a corpus ten times the size. Mentions stay as they are
(the same people are in the news every week), ids get the copy's suffix.

Each size runs in a fresh interpreter. The stages are the pipeline's, as listed there:
`quote groups` starts quotation grouping in a forked process, `resolve` waits for it
(its CPU then counts the child's). Per stage: wall and CPU seconds (CPU of this
process and of the worker processes it waited for), and the peak resident memory of this
process during that stage (VmHWM, reset before each stage: Linux only) and of its largest
worker process so far.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import pickle
import random
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kabar_tui.core.corpus.digest import ArticleDigest, CorpusDigest
from kabar_tui.core.corpus.linking import STOPWORDS, Passage
from kabar_tui.core.corpus.linking_passages import PassageBlock
from kabar_tui.core.indexing.pipeline import CORPUS_STAGES, CorpusWork

FREQUENCY_BLOCK = 50  # words of about the same frequency a copy permutes among themselves
_WORD = re.compile(r"\w+")


def save(source: Path, out: Path) -> None:
    """The digests of `source`'s corpus, read from the cache it is indexed in."""
    from kabar_tui.core.indexing.pipeline import index_corpus

    report = index_corpus([source], keep_articles=True)
    assert report.corpus_from_cache, "index SOURCE into the cache (KABAR_CACHE_DIR) first"
    digest = CorpusDigest.of(report.corpus.articles)
    with out.open("wb") as file:
        pickle.dump(digest, file, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"{len(digest.articles)} digests saved to {out}")


def word_maps(digest: CorpusDigest, copies: int) -> list[dict[str, str]]:
    """Per copy, a renaming of the words of the passages (the identity for copy 0)."""
    frequency: Counter[str] = Counter()
    for article in digest.articles:
        for passage in article.passages:
            frequency.update(passage.text.split())
    ranked = sorted((w for w in frequency if w not in STOPWORDS), key=lambda w: (-frequency[w], w))
    maps: list[dict[str, str]] = [{}]
    for copy in range(1, copies):
        rng = random.Random(copy)
        renamed: dict[str, str] = {}
        for first in range(0, len(ranked), FREQUENCY_BLOCK):
            block = ranked[first : first + FREQUENCY_BLOCK]
            shuffled = block[:]
            rng.shuffle(shuffled)
            renamed.update(zip(block, shuffled, strict=True))
        maps.append(renamed)
    return maps


def _renamed_text(text: str, renamed: dict[str, str]) -> str:
    return _WORD.sub(lambda m: renamed.get(m.group().casefold(), m.group()), text)


def _renamed_words(text: str, renamed: dict[str, str]) -> str:
    return " ".join(renamed.get(word, word) for word in text.split())


def replicated(digest: CorpusDigest, copies: int) -> CorpusDigest:
    """`digest`'s articles, then `copies - 1` renamed copies of them (module docstring),
    their passages in the digest's form (a `PassageBlock` each, as `uncoded_digest`
    makes them; digests saved before were lists)."""
    if copies == 1:
        for article in digest.articles:
            _compact(article)
        return digest
    result = CorpusDigest()
    result.forms = digest.forms
    maps = word_maps(digest, copies)
    for copy, renamed in enumerate(maps):
        for article in digest.articles:
            result.articles.append(_copy(article, copy, renamed) if copy else article)
        if copy == 0:
            for article in result.articles:
                _compact(article)
    return result


def _compact(article: ArticleDigest) -> None:
    if not isinstance(article.passages, PassageBlock):
        article.passages = PassageBlock.of(article.id, article.passages)


def _copy(article: ArticleDigest, copy: int, renamed: dict[str, str]) -> ArticleDigest:
    article_id = f"{article.id}~{copy}"
    passages = [
        Passage(
            article_id,
            p.paragraph,
            _renamed_words(p.text, renamed),
            tuple(_renamed_words(q, renamed) for q in p.quotes),
            tuple(sorted(renamed.get(w, w) for w in p.content)),
        )
        for p in article.passages
    ]
    return ArticleDigest(
        id=article_id,
        content_hash=article.content_hash,
        title=_renamed_text(article.title, renamed),
        published=article.published,
        paragraph_words=article.paragraph_words,
        passages=PassageBlock.of(article_id, passages),
        mentions=article.mentions,
        quotes=[(_renamed_text(q[0], renamed), *q[1:]) for q in article.quotes],
        abbreviations=article.abbreviations,
        caption_people=article.caption_people,
    )


def _peak_mb(field: str = "VmHWM") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def _measured(name: str, figures: dict[str, dict[str, float]]) -> Iterator[None]:
    _reset_peak()
    wall, cpu = time.perf_counter(), _cpu()
    yield
    figures[name] = {
        "wall": round(time.perf_counter() - wall, 2),
        "cpu": round(_cpu() - cpu, 2),
        "peak_mb": round(_peak_mb(), 1),
        "worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def _fingerprint(work: CorpusWork) -> str:
    """A digest of every result of the stage, in order (links, stories, names, groups)."""
    resolution = work.resolution
    assert resolution is not None
    digest = hashlib.sha256()
    for part in (
        work.links,
        work.stories,
        resolution.names,
        [codes.tolist() for codes in resolution.mention_names],
        resolution.speakers,
        resolution.entities,
        resolution.quote_groups,
    ):
        digest.update(repr(part).encode())
    return digest.hexdigest()


def quotes_one(path: Path, copies: int) -> None:
    """`quote_group_numbers` alone, in this process: CPU seconds and groups."""
    from kabar_tui.core.corpus.quote_grouping import quote_group_numbers

    with path.open("rb") as file:
        digest: CorpusDigest = pickle.load(file)
    articles = replicated(digest, copies).articles
    gc.disable()
    cpu = time.process_time()
    numbers = quote_group_numbers(articles)
    seconds = time.process_time() - cpu
    groups = max(numbers) + 1 if numbers else 0
    print(json.dumps({"articles": len(articles), "quote groups": groups, "cpu": round(seconds, 2)}))


def added_one(path: Path, copies: int, added: int) -> None:
    """Link the last `added` articles one by one (`LinkIndex.add_prepared`, what an
    incremental update runs for each new article) into the index of the others; print
    the CPU time per added article."""
    import gc
    import statistics

    from kabar_tui.core.corpus.linking import LinkIndex

    with path.open("rb") as file:
        digest: CorpusDigest = pickle.load(file)
    articles = replicated(digest, copies).articles
    kept, new = articles[:-added], articles[-added:]
    gc.disable()
    index = LinkIndex.build_prepared(((a.id, a.passages) for a in kept), 1)
    gc.enable()
    gc.collect()
    gc.freeze()  # the index is long-lived: its objects are not walked again per article
    times = []
    links = 0
    for article in new:
        cpu = time.process_time()
        links += len(index.add_prepared(article.id, article.passages))
        times.append((time.process_time() - cpu) * 1000)
    times.sort()
    print(
        json.dumps(
            {
                "articles": len(kept),
                "added": added,
                "links of the added": links,
                "cpu_ms_median": round(statistics.median(times), 3),
                "cpu_ms_p95": round(times[int(len(times) * 0.95)], 3),
                "cpu_ms_mean": round(statistics.mean(times), 3),
            }
        ),
        flush=True,
    )


def run_one(path: Path, copies: int, workers: int | None, fingerprint: bool) -> None:
    with path.open("rb") as file:
        digest: CorpusDigest = pickle.load(file)
    digest = replicated(digest, copies)
    articles = len(digest.articles)
    figures: dict[str, dict[str, float]] = {}
    work = CorpusWork(digest)
    stages = dict(CORPUS_STAGES)
    if workers is not None:
        from kabar_tui.core.corpus.linking import LinkIndex

        def link(work: CorpusWork) -> None:
            index = LinkIndex.build_prepared(
                ((a.id, a.passages) for a in work.digest.articles), workers
            )
            for article in work.digest.articles:
                article.passages = []
            work.links = index.links

        stages["link"] = link
    gc.disable()  # as finish_digest does (collector_paused)
    for name, stage in stages.items():
        with _measured(name, figures):
            stage(work)
    print(
        json.dumps(
            {
                "articles": articles,
                "links": len(work.links),
                "stories": len(work.stories),
                "quote groups": len(work.resolution.quote_groups) if work.resolution else 0,
                "stages": figures,
                "peak_mb": max(stage["peak_mb"] for stage in figures.values()),
                **({"fingerprint": _fingerprint(work)} if fingerprint else {}),
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    saving = commands.add_parser("save")
    saving.add_argument("source", type=Path)
    saving.add_argument("out", type=Path)
    running = commands.add_parser("run")
    running.add_argument("digests", type=Path)
    running.add_argument("--copies", type=int, nargs="*", default=[1, 10])
    running.add_argument("--workers", type=int, default=None, help="linking; default as indexing")
    running.add_argument("--fingerprint", action="store_true")
    running.add_argument("--quotes-only", action="store_true", help="instead: quote grouping")
    running.add_argument(
        "--added", type=int, default=0, help="instead: link this many articles one by one"
    )
    running.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.command == "save":
        save(args.source, args.out)
        return
    if args.one is not None and args.quotes_only:
        quotes_one(args.digests, args.one)
        return
    if args.one is not None and args.added:
        added_one(args.digests, args.one, args.added)
        return
    if args.one is not None:
        run_one(args.digests, args.one, args.workers, args.fingerprint)
        return
    for copies in args.copies:
        command = [sys.executable, "-m", "benchmarks.bench_cross_article", "run", str(args.digests)]
        command += ["--one", str(copies)]
        if args.workers is not None:
            command += ["--workers", str(args.workers)]
        if args.fingerprint:
            command.append("--fingerprint")
        if args.added:
            command += ["--added", str(args.added)]
        if args.quotes_only:
            command.append("--quotes-only")
        subprocess.run(command, check=True, cwd=Path(__file__).resolve().parent.parent)


if __name__ == "__main__":
    main()
