"""Link paragraphs that say the same thing in different articles.

Two stages so the cost grows with the corpus, not with its square:
candidates come from an inverted index of sampled word 4-gram fingerprints (republished
text) and of rare lowercase content words (the same event told in other words); only
candidates are scored with rapidfuzz. `LinkIndex` adds one article at a time, so a new
article is linked without recomputing the rest.

A whole corpus is linked in two passes that give the links adding its articles one by one
would: the index is built first, keeping for each posting when it grew too common, then
every paragraph looks up what was indexed before its article. The look-ups depend on
nothing but that finished index, so they run in spawned worker processes that map it
from one file (linking_workers, docs/linking.md).

Whether a word is rare depends on the whole corpus, which grows: a similar-event verdict
is kept with the words it rests on and judged again on the current counts, so adding
articles one by one and building at once give the same links.
"""

from __future__ import annotations

import contextlib
import os
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain, compress, repeat
from operator import is_not, itemgetter
from sys import byteorder, intern
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from kabar_tui.core.corpus.linking_passages import Passage, PassageStore
from kabar_tui.core.lexicon import WORD, link_stopwords, plain_text
from kabar_tui.core.model import Article, Corpus, Link, LinkKind, link_order
from kabar_tui.core.textfold import strip_diacritics

if TYPE_CHECKING:  # numpy is imported when a whole corpus is linked, not by the reader
    from kabar_tui.core.corpus.linking_corpus import CorpusArrays

SAME_TEXT = LinkKind.SAME_TEXT
SAME_QUOTE = LinkKind.SAME_QUOTE
SIMILAR = LinkKind.SIMILAR

MIN_WORDS = 8  # shorter paragraphs (photo credits, "Baca juga") say too little to link
SAME_TEXT_MIN_RATIO = 80.0  # ratio of normalized paragraphs; 10% edited words stay above
SAME_QUOTE_MIN_RATIO = 85.0
QUOTE_MIN_WORDS = 4
SIMILAR_MIN_SHARED_WORDS = 3  # distinct lowercase content words inside shared 4-word runs,
SIMILAR_MIN_RARE_WORDS = 2  # ...of which this many are rare in the corpus
SIMILAR_RUN = 4
RARE_SHARE = 0.001  # a word in at most this share of paragraphs (or the posting cap) is rare
SHINGLE = 4  # words per fingerprint: one edited word in ten leaves two in three intact
SAMPLE_MODULUS = 4  # one in four fingerprints is indexed: memory, with recall kept...
SHORT_PASSAGE = 24  # ...except in short paragraphs (fewer fingerprints), where all are
FINGERPRINT_POSTING_CAP = 64  # a 4-gram in more paragraphs is boilerplate, not evidence
RARE_WORD_POSTING_CAP = 32  # a word in more paragraphs is too common to suggest a link
RARE_WORDS_MIN_SHARED = 3
MAX_CANDIDATES = 20  # weakly supported candidates verified per paragraph (strong: all)
WEAK_FINGERPRINTS = 2
STRONG_FINGERPRINTS = 4
# Below this many paragraphs, starting worker processes costs more than it saves.
PARALLEL_MIN_PASSAGES = 16_000
_CHUNKS_PER_WORKER = 4  # look-up ranges per worker: even finish despite uneven paragraphs
_ARRAY_BATCH = 4096  # paragraphs whose keys are arrays at once (the index build)
# Paragraphs whose gathered look-ups are arrays at once: up to 64 numbers per key, held
# in several arrays while counted (about 80 MB for 4,096 paragraphs; docs/linking.md).
_LOOKUP_BATCH = 1024
_BIG_ENDIAN = byteorder == "big"  # stored postings are little-endian (`posting_record`)

# Never evidence that two paragraphs tell the same thing (lexicon.link_stopwords).
STOPWORDS = link_stopwords()

# a word of three or more characters written with a lowercase first letter (not a name)
_LOWERCASE_WORD = re.compile(r"(?<!\w)[a-z]\w{2,}")
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]+)[\"“”«»„]")
Found = tuple[Link, tuple[str, ...]]  # a link and the words it rests on (see LinkIndex._holds)
_ABSENT = object()
_is_some = partial(is_not, None)


# Plain text (`plain_text`) is ASCII and `PLAIN_MARKS`, none of which is a word's: its
# `WORD` words are its runs of ASCII letters, digits and `_`. Its UTF-8 bytes with every
# other byte made a space split into them in C, several times faster than the regular
# expression (most of making a stored candidate's passage again: docs/incremental.md).
_NOT_WORD_BYTES = bytes(
    byte if byte < 128 and (chr(byte).isalnum() or chr(byte) == "_") else 32 for byte in range(256)
)


def _plain_words(text: str) -> str:
    """The `WORD` words of plain text, as written, joined by single spaces."""
    return b" ".join(text.encode().translate(_NOT_WORD_BYTES).split()).decode("ascii")


def words_of(text: str) -> list[str]:
    if plain_text(text):  # most news: the same words, without NFKD (textfold)
        return _plain_words(text).lower().split()
    return WORD.findall(strip_diacritics(text).casefold())


def quoted_spans(text: str) -> list[str]:
    """Text between quote marks, as normalized word strings of at least QUOTE_MIN_WORDS."""
    spans = []
    for match in _QUOTED.finditer(text):
        words = words_of(match.group(1))
        if len(words) >= QUOTE_MIN_WORDS:
            spans.append(" ".join(words))
    return spans


def _passage(article_id: str, index: int, text: str, extra_quotes: list[str]) -> Passage:
    if plain_text(text):  # most news: the same words, without NFKD (textfold)
        folded = _plain_words(text)  # its words whole, so its lowercase ones the same
        joined = folded.lower()
    else:
        folded = strip_diacritics(text)
        joined = " ".join(WORD.findall(folded.casefold()))
    lowercase = {w.casefold() for w in _LOWERCASE_WORD.findall(folded)}
    content = tuple(map(intern, lowercase.difference(STOPWORDS)))
    quotes = quoted_spans(text)
    known = set(quotes)  # a set: an article of thousands of quotes stays linear
    for quote in extra_quotes:
        normalized = " ".join(words_of(quote))
        if len(normalized.split()) >= QUOTE_MIN_WORDS and normalized not in known:
            known.add(normalized)
            quotes.append(normalized)
    return Passage(article_id, index, joined, tuple(quotes), content)


def _quote_score(a: Passage, b: Passage) -> float:
    """How well a quotation of one paragraph is found in the other (0 when not)."""
    best = 0.0
    padded_a, padded_b = f" {a.text} ", f" {b.text} "
    for quote in a.quotes:
        if f" {quote} " in padded_b:
            return 100.0
        for other in b.quotes:
            best = max(best, fuzz.ratio(quote, other, score_cutoff=SAME_QUOTE_MIN_RATIO))
    for quote in b.quotes:
        if f" {quote} " in padded_a:
            return 100.0
    return best if best >= SAME_QUOTE_MIN_RATIO else 0.0


def _shared_run_words(a: _Paragraph, b: Passage, words: frozenset[str]) -> frozenset[str]:
    """Those of `words` that lie inside word runs both paragraphs contain (`a`'s runs are
    taken once for all its candidates)."""
    shared_runs = a.runs().intersection(_runs(b.text.split()))
    return words.intersection(chain.from_iterable(shared_runs))


class _Paragraph:
    """What scoring takes of the paragraph being linked, once for all its candidates:
    its content words as a set, and its word runs when first needed (most pairs never
    need them)."""

    __slots__ = ("_runs", "content", "passage")

    def __init__(self, passage: Passage) -> None:
        self.passage = passage
        self.content = frozenset(passage.content)
        self._runs: set[tuple[str, ...]] | None = None

    def runs(self) -> set[tuple[str, ...]]:
        if self._runs is None:
            self._runs = _runs(self.passage.text.split())
        return self._runs


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return set(zip(*(words[i:] for i in range(SIMILAR_RUN)), strict=False))


def passage_of(article_id: str, index: int, text: str, quotes: list[str]) -> Passage:
    """The passage of one paragraph, from its text and the texts of its quotations (what
    `prepare_passages` makes of it): a stored paragraph's, as its packed passage in the
    link state must be (benchmarks/ready_passages.py)."""
    return _passage(article_id, index, text, quotes)


def prepare_passages(article: Article) -> list[Passage]:
    """The passages of an article's paragraphs long enough to link, in order."""
    quotes = quotes_by_paragraph(article)
    passages = [
        _passage(article.id, p.index, p.text, quotes.get(p.index, [])) for p in article.paragraphs
    ]
    return [p for p in passages if p.text.count(" ") + 1 >= MIN_WORDS]


def quotes_by_paragraph(article: Article) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for quote in article.quotes:
        found.setdefault(quote.paragraph, []).append(quote.text)
    return found


class LinkIndex:
    """Paragraph links for a growing corpus; `add_article` links one article to the rest."""

    def __init__(self) -> None:
        # every passage, numbered in order (PassageStore; after `resume`, the caller's)
        self._passages: Any = PassageStore()
        self._articles: set[str] = set()
        # fingerprint or word -> passage number(s); None once too common (see _post_all)
        # (after `build`: the same as flat arrays, made dicts when an article is added)
        self._fingerprints: Any = {}  # dict[int, int | list[int] | None] or FlatView
        self._rare_words: Any = {}  # dict[str, int | list[int] | None] or FlatView
        self._frequency: Counter[str] = Counter()  # paragraphs containing each content word
        self._counted = 0  # paragraphs counted in _frequency
        self._word_codes = _WordCodes()
        # Every link found, with the shared words a similar-event link rests on (empty for
        # the others): it holds while two of them are rare, judged when `links` is read.
        self._found: list[Found] = []
        # Pairs of passage numbers that told of the same event in shared words none of
        # which were rare yet: judged again when `links` is read after the counts change.
        self._deferred = array("q")
        self._links: tuple[tuple[int, int], list[Link]] = ((-1, -1), [])  # judged when, links
        self.workers = 1  # processes that linked the corpus in `build`

    @classmethod
    def build(cls, articles: list[Article], workers: int | None = None) -> LinkIndex:
        """Index and link many articles, judging word rarity on all of them at once.

        The links are those of adding the articles one by one in order: each paragraph
        sees what was indexed before its article. `workers` None means every core, when
        the corpus is big enough.
        """
        return cls.build_prepared(((a.id, prepare_passages(a)) for a in articles), workers)

    @classmethod
    def build_prepared(
        cls, articles: Iterable[tuple[str, Sequence[Passage]]], workers: int | None = None
    ) -> LinkIndex:
        """`build` from each article's id and `prepare_passages`, made beforehand (the
        pipeline makes them as articles arrive, and keeps no article: docs/indexing.md),
        as a list or a `PassageBlock` (kept as it is, not copied)."""
        index = cls()
        passages = index._passages
        starts = array("q")  # for each passage, the first passage of its article
        for article_id, prepared in articles:
            if article_id not in index._articles:  # an id seen before is linked already
                index._articles.add(article_id)
                starts.extend(repeat(len(passages), len(prepared)))
                passages.extend(prepared)
        from kabar_tui.core.corpus.linking_arrays import FlatView, release_free_memory
        from kabar_tui.core.corpus.linking_corpus import CorpusArrays

        arrays = CorpusArrays(index, starts)
        release_free_memory()
        index.workers = _worker_count(workers, len(starts))
        if index.workers > 1:
            parts = _link_in_workers(arrays, index.workers)
        else:
            parts = [arrays.link(0, len(starts))]
        index._fingerprints = FlatView(arrays.fingerprints)
        index._rare_words = FlatView(arrays.words, arrays.vocabulary.__getitem__)
        # The passages' arrays (70 MB at 100k articles) and what linking freed go back
        # before the parts are joined, where the main process peaked (docs/indexing.md,
        # "linkpeak").
        del arrays, starts
        release_free_memory()
        _join_parts(index, parts)
        # every pair was judged on the final counts: the deferred ones do not hold
        now = (index._counted, len(index._found))
        index._links = (now, [link for link, words in index._found if index._holds(words)])
        release_free_memory()
        return index

    def __len__(self) -> int:
        return len(self._passages)

    # What an incremental update stores and resumes from (kabar_tui.core.corpus.incremental).

    @classmethod
    def resume(
        cls,
        passages: Any,
        counted: int,
        frequency: Counter[str],
        fingerprints: dict[int, int | list[int] | None],
        rare_words: dict[str, int | list[int] | None],
    ) -> LinkIndex:
        """An index that goes on from a stored one: `passages` answers `len`, `append` and
        looking a passage up by number; the postings and counts need only hold the keys
        and words of the articles about to be added (all their look-ups touch)."""
        index = cls()
        index._passages = passages
        index._counted = counted
        index._frequency = frequency
        index._fingerprints = fingerprints
        index._rare_words = rare_words
        return index

    def keys_of(self, passage: Passage) -> list[int]:
        """The fingerprint keys a passage looks up (every word 4-gram; it posts a sample)."""
        return self._fingerprints_of(passage)

    @property
    def passages(self) -> Any:
        return self._passages

    @property
    def postings(self) -> tuple[Any, Any]:
        """Fingerprint and rare-word postings: passage number(s), None once too common
        (dicts, or after `build` a `FlatView` of each: their `items()` are the same)."""
        return self._fingerprints, self._rare_words

    @property
    def frequency(self) -> Counter[str]:
        return self._frequency

    @property
    def counted(self) -> int:
        return self._counted

    @property
    def found(self) -> list[Found]:
        """Every link found, with the words a similar-event one rests on (see `_holds`)."""
        return self._found

    @property
    def deferred(self) -> array[int]:
        """Pairs of passage numbers sharing content words not rare enough yet."""
        return self._deferred

    def drop_postings(self) -> None:
        """Let go of the postings (stored: `incremental.save_link_state`); the index
        links no more articles after, and its memory goes back to the system."""
        from kabar_tui.core.corpus.linking_arrays import release_free_memory

        self._fingerprints, self._rare_words = {}, {}
        release_free_memory()

    def drop_passages(self) -> None:
        """Let go of the passages (stored, as `drop_postings`)."""
        from kabar_tui.core.corpus.linking_arrays import release_free_memory

        self._passages = PassageStore()
        release_free_memory()

    def passage_places(self) -> Iterator[tuple[str, int]]:
        """(article, paragraph) of every passage, in number order."""
        places = getattr(self._passages, "places", None)
        if places is not None:
            return places()  # type: ignore[no-any-return]
        return ((passage.article, passage.paragraph) for passage in self._passages)

    def deferred_words(self, first: int = 0) -> Iterator[tuple[int, int, str]]:
        """Each deferred pair whose source passage is `first` or later, with the content
        words its passages share, sorted and joined by spaces (what an incremental update
        stores of it; a state written over keeps the pairs before `first`, and finding
        their words was half the cost of storing it after a removal in the middle). A
        paragraph's pairs come one after another: its words are taken once for them all."""
        passages = self._passages
        reader = getattr(passages, "content_reader", None)
        content = reader() if reader is not None else partial(_content_of, passages)
        numbers = self._deferred
        last, words = -1, frozenset[str]()
        for slot in range(0, len(numbers), 2):
            a, b = numbers[slot], numbers[slot + 1]
            if a < first:
                continue
            if a != last:
                last, words = a, frozenset(content(a))
            yield a, b, " ".join(sorted(words.intersection(content(b))))

    def posting_rows(self, state: int, full: int) -> tuple[Iterable[tuple], Iterable[tuple]]:
        """The fingerprint and rare-word postings as rows (state, key or word, last
        passage, passages: `posting_record`), one per key, `full` the last passage of a
        posting grown too common: what an incremental update stores, in the order of
        `postings`."""
        return (
            _posting_rows(self._fingerprints, state, full),
            _posting_rows(self._rare_words, state, full),
        )

    def holds(self, words: Iterable[str]) -> bool:
        """Whether a link resting on `words` holds on the counts as they are now."""
        return self._holds(tuple(words))

    def rare_count(self, words: Iterable[str]) -> int:
        return self._rare_count(words)

    def judge(self, a: Passage, b: Passage) -> tuple[float, str, tuple[str, ...]] | bool:
        """`_score` of a pair: (score, kind, words), False when unrelated, True when the
        shared words are not rare enough now."""
        return self._score(_Paragraph(a), b)

    @property
    def links(self) -> list[Link]:
        """Every link, similar-event ones judged on the word counts of the corpus as it is."""
        judged_at, links = self._links
        now = (self._counted, len(self._found))
        if judged_at != now:
            links = [link for link, words in self._found if self._holds(words)]
            links.extend(self._judge_deferred())
            self._links = (now, links)
        return links

    def _judge_deferred(self) -> Iterator[Link]:
        """The deferred pairs that two rare words now make a similar-event link."""
        numbers = self._deferred
        for slot in range(0, len(numbers), 2):
            a, b = self._passages[numbers[slot]], self._passages[numbers[slot + 1]]
            if self._rare_count(set(a.content).intersection(b.content)) < 2:
                continue
            scored = self._score(_Paragraph(a), b)
            if isinstance(scored, tuple) and self._holds(scored[2]):
                yield Link(a.article, a.paragraph, b.article, b.paragraph, *scored[:2])

    def _holds(self, words: tuple[str, ...]) -> bool:
        """A link resting on no words holds; a similar-event link needs two of them rare."""
        return not words or self._rare_count(words) >= SIMILAR_MIN_RARE_WORDS

    def _rare_count(self, words: Iterable[str]) -> int:
        limit = max(RARE_WORD_POSTING_CAP, self._counted * RARE_SHARE)
        frequency = self._frequency
        return sum(1 for word in words if frequency[word] <= limit)

    def add_article(self, article: Article) -> list[Link]:
        """Index the article and return its links to the articles added before it."""
        return self.add_prepared(article.id, self._prepare(article))

    def add_prepared(self, article_id: str, passages: Sequence[Passage]) -> list[Link]:
        """`add_article` from the article's `prepare_passages`, made beforehand (an
        incremental update keeps no article: kabar_tui.core.corpus.incremental)."""
        if article_id in self._articles:
            return []  # an id seen before: its paragraphs are already linked
        self._articles.add(article_id)
        self._as_dicts()
        self._count(passages)
        start = len(self._passages)
        keys = [self._fingerprints_of(passage) for passage in passages]
        # Every paragraph's candidates first (only the article's own postings, made after,
        # would change them), so that stored passages are read in batches (`fetch`, an
        # incremental update's) rather than one look-up each.
        chosen = [self._candidates(p, k) for p, k in zip(passages, keys, strict=True)]
        fetch = getattr(self._passages, "fetch", None)
        if fetch is not None:
            fetch([number for candidates in chosen for number in candidates])
        found: list[Found] = []
        for number, (passage, candidates) in enumerate(zip(passages, chosen, strict=True), start):
            found.extend(self._scored(passage, number, candidates, self._deferred))
        for passage, passage_keys in zip(passages, keys, strict=True):
            self._index(passage, passage_keys)
        self._found.extend(found)
        return [link for link, words in found if self._holds(words)]

    def _prepare(self, article: Article) -> list[Passage]:
        if article.id in self._articles:
            return []  # an id seen before: its paragraphs are already linked
        return prepare_passages(article)

    def _as_dicts(self) -> None:
        """Postings as dicts, which one article's look-ups and postings need (after
        `build` they are flat arrays)."""
        if not isinstance(self._fingerprints, dict):
            self._fingerprints = dict(self._fingerprints.items())
        if not isinstance(self._rare_words, dict):
            self._rare_words = dict(self._rare_words.items())

    def _count(self, passages: Sequence[Passage]) -> None:
        for passage in passages:
            self._frequency.update(passage.content)
        self._counted += len(passages)

    def _score(self, linked: _Paragraph, b: Passage) -> tuple[float, str, tuple[str, ...]] | bool:
        """The score and kind of the link between two paragraphs, and for a similar event
        the shared words it rests on (see `_holds`); False when unrelated, True when they
        share words that are not rare now but may be once the corpus has grown."""
        a = linked.passage
        # 0 below the cut-off, found sooner (most candidates are far from it)
        ratio = fuzz.ratio(a.text, b.text, score_cutoff=SAME_TEXT_MIN_RATIO)
        if ratio >= SAME_TEXT_MIN_RATIO:
            return round(ratio, 1), SAME_TEXT, ()
        if (a.quotes or b.quotes) and (quote := _quote_score(a, b)):
            return round(quote, 1), SAME_QUOTE, ()
        shared = linked.content.intersection(b.content)
        if len(shared) < SIMILAR_MIN_SHARED_WORDS:
            return False
        if self._rare_count(shared) < SIMILAR_MIN_RARE_WORDS:
            return True  # whether their runs cover enough words is looked at only then
        covered = _shared_run_words(linked, b, shared)
        if len(covered) < SIMILAR_MIN_SHARED_WORDS:
            return False
        return round(fuzz.token_set_ratio(a.text, b.text), 1), SIMILAR, tuple(sorted(covered))

    def _fingerprints_of(self, passage: Passage) -> list[int]:
        """The key of each word 4-gram, in text order.

        Keys hash word codes (crc32), not strings: str hashes change per process, and the
        sampled subset must not. Runs of function words are not filtered out: they soon
        reach the posting cap and stop counting.
        """
        codes = list(map(self._word_codes.__getitem__, passage.text.split()))
        return list(map(hash, zip(*(codes[i:] for i in range(SHINGLE)), strict=False)))

    def _candidates(self, passage: Passage, keys: list[int]) -> list[int]:
        """Passages indexed before that share enough fingerprints or rare words.

        Postings are gathered into one list and counted at once (counting in C); the order
        of first appearance, which breaks ties between weak candidates, is that of the
        keys in text order, as it always was.
        """
        shared = Counter(_gathered(keys, self._fingerprints))
        rare = Counter(_gathered(passage.content, self._rare_words))
        # most passages gathered come once: those that come more are picked out in C
        several = list(compress(shared.items(), map(WEAK_FINGERPRINTS.__le__, shared.values())))
        strong = {n for n, count in several if count >= STRONG_FINGERPRINTS}
        strong.update(compress(rare.keys(), map(RARE_WORDS_MIN_SHARED.__le__, rare.values())))
        # the best supported MAX_CANDIDATES, ties in order of appearance (most_common's)
        several.sort(key=itemgetter(1), reverse=True)
        weak = [n for n, _ in several[:MAX_CANDIDATES] if n not in strong]
        return [*strong, *weak]

    def _scored(
        self, passage: Passage, number: int, candidates: list[int], deferred: array[int]
    ) -> list[Found]:
        """The links of `passage`, numbered `number`, among its candidates (pairs
        deferred: see `_deferred`)."""
        links: list[Found] = []
        linked = _Paragraph(passage)
        for candidate in candidates:
            other = self._passages[candidate]
            if other.article == passage.article:
                continue
            scored = self._score(linked, other)
            if scored is True:
                deferred.extend((number, candidate))
            elif scored:
                score, kind, words = scored
                link = Link(
                    passage.article, passage.paragraph, other.article, other.paragraph, score, kind
                )
                links.append((link, words))
        return links

    def _index(self, passage: Passage, keys: list[int]) -> None:
        number = len(self._passages)
        self._passages.append(passage)
        if len(keys) < SHORT_PASSAGE:
            sampled = keys
        else:
            in_quote = _quote_word_positions(passage.text.split(), passage.quotes)
            sampled = [
                key
                for position, key in enumerate(keys)
                if key % SAMPLE_MODULUS == 0 or position in in_quote
            ]
        _post_all(self._fingerprints, sampled, number, FINGERPRINT_POSTING_CAP)
        _post_all(self._rare_words, passage.content, number, RARE_WORD_POSTING_CAP)


class _WordCodes(dict):
    """word -> crc32 of the word, computed on first use."""

    def __missing__(self, word: str) -> int:
        code = self[word] = zlib.crc32(word.encode())
        return code


def _post_all(index: dict, keys: Iterable[object], number: int, cap: int) -> None:
    """Add passage `number` to the posting of each key: a bare int while single (most
    are: memory), then a list, then too common (None) once another comes after `cap`
    (`linking_arrays.FlatPostings.build` makes the same postings at once)."""
    get = index.get
    for key in keys:
        posting = get(key, _ABSENT)
        if posting is _ABSENT:
            index[key] = number
        elif posting is None:
            continue
        elif type(posting) is int:
            if posting != number:
                index[key] = [posting, number]
        elif len(posting) >= cap:
            index[key] = None
        elif posting[-1] != number:
            posting.append(number)


def _content_of(passages: Any, number: int) -> tuple[str, ...]:
    return passages[number].content  # type: ignore[no-any-return]


def posting_record(posting: int | list[int] | None, full: int) -> tuple[int, bytes]:
    """A posting as the link state stores it, one row per key: its last passage (`full`
    once grown too common, None) and its passages as little-endian 32-bit numbers (none
    once too common). `FlatPostings.rows` makes the same records from arrays."""
    if posting is None:
        return full, b""
    numbers = array("i", [posting] if isinstance(posting, int) else posting)
    last = numbers[-1]
    if _BIG_ENDIAN:
        numbers.byteswap()
    return last, numbers.tobytes()


def stored_posting(last: int, members: bytes, full: int) -> int | list[int] | None:
    """The posting a record of `posting_record` holds, as `LinkIndex` keeps it; ValueError
    when the record is not one."""
    if last == full:
        return None
    numbers = array("i")
    numbers.frombytes(members)  # ValueError when not whole numbers
    if _BIG_ENDIAN:
        numbers.byteswap()
    if not numbers or numbers[-1] != last:
        raise ValueError("a stored posting does not end with its last passage")
    return numbers[0] if len(numbers) == 1 else numbers.tolist()


def _posting_rows(postings: Any, state: int, full: int) -> Iterable[tuple]:
    """`LinkIndex.posting_rows` of one set of postings: flat ones make their rows in C."""
    rows = getattr(postings, "rows", None)
    if rows is not None:
        return rows(state, full)  # type: ignore[no-any-return]
    return ((state, key, *posting_record(posting, full)) for key, posting in postings.items())


def _gathered(keys: Iterable[object], index: dict) -> list[int]:
    """The passages in the postings of `keys`, in order (all of them were indexed before
    the article looking them up)."""
    found: list[int] = []
    extend, append = found.extend, found.append
    postings: Iterable[Any] = filter(_is_some, map(index.get, keys))  # misses dropped in C
    for posting in postings:
        if type(posting) is int:
            append(posting)
        else:
            extend(posting)
    return found


def _worker_count(workers: int | None, passages: int) -> int:
    """Processes for the look-ups: `workers`, or every core for a corpus of 2k articles or
    more; one where the workers cannot share the corpus's file (not POSIX).

    The workers are spawned, not forked (linking_workers): safe beside other threads, so
    the reader's indexing uses them too.
    """
    if workers is None:
        if passages < PARALLEL_MIN_PASSAGES:
            return 1
        try:
            workers = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            workers = os.cpu_count() or 1
    if os.name != "posix":
        return 1
    return max(1, workers)


def _ranges(passages: int, parts: int) -> list[tuple[int, int]]:
    """About `parts` consecutive ranges covering passages 0..passages-1."""
    size = max(1, -(-passages // parts))
    return [(first, min(first + size, passages)) for first in range(0, passages, size)]


Linked = tuple[list[Found], "array[int]"]  # links found in a range of passages, pairs deferred


def _link_in_workers(arrays: CorpusArrays, workers: int) -> list[Linked]:
    """Link ranges of passages in this process and `workers - 1` spawned ones, which map
    the corpus's arrays from one file (linking_workers); each takes the next range when
    done with one, and the parts are joined in order. A range no worker sent back (it
    could not start, failed or died) is linked here; so is every range when the file
    cannot be written."""
    from kabar_tui.core.corpus.linking_workers import SharedCorpus, SpawnedLinks
    from kabar_tui.core.processes.spawned import ChildFailed

    passages = len(arrays.starts)
    ranges = _ranges(passages, max(workers * _CHUNKS_PER_WORKER, passages // _ARRAY_BATCH))
    try:
        shared = SharedCorpus(arrays)
    except OSError:  # no room for the file
        return [arrays.link(first, end) for first, end in ranges]
    children: list[SpawnedLinks] = []
    try:
        for _ in range(workers - 1):
            try:
                children.append(SpawnedLinks(shared, ranges))
            except OSError:  # out of memory or processes
                break
        parts = _take_ranges(arrays.link, ranges, shared.take)
        for child in children:
            with contextlib.suppress(ChildFailed):  # its ranges are linked below
                parts.update(child.result())
    finally:
        for child in children:
            child.cancel()
        shared.close()
    return [parts[n] if n in parts else arrays.link(*ranges[n]) for n in range(len(ranges))]


# Bytes of joined parts after which their memory is given back (`_join_parts`).
_JOIN_RELEASE = 4 << 20


def _join_parts(index: LinkIndex, parts: list[Linked]) -> None:
    """The parts' links and deferred pairs, in order, added to `index`'s; each part let
    go of once joined, and their memory given back every `_JOIN_RELEASE` bytes: the
    deferred pairs (89 MB at 100k articles) are not held twice, nor is the joined array
    copied into a heap still holding the parts (their sum was 187 MB of the main
    process's peak)."""
    from kabar_tui.core.corpus.linking_arrays import release_free_memory

    parts.reverse()
    joined = 0
    while parts:
        found, deferred = parts.pop()
        index._found.extend(found)
        if index._deferred:
            index._deferred.extend(deferred)
        else:  # the first part's pairs taken as they are (one process: the only part)
            index._deferred = deferred
        joined += deferred.itemsize * len(deferred)
        del found, deferred
        if joined >= _JOIN_RELEASE:
            release_free_memory()
            joined = 0


def _take_ranges(
    link: Callable[[int, int], Linked], ranges: list[tuple[int, int]], take: Callable[[], int]
) -> dict[int, Linked]:
    """Link the next range not yet taken (`take`: a counter shared between the
    processes), until none is left; the links by range number."""
    linked: dict[int, Linked] = {}
    while (number := take()) < len(ranges):
        linked[number] = link(*ranges[number])
    return linked


def _quote_word_positions(words: list[str], quotes: tuple[str, ...]) -> set[int]:
    """Word positions inside quotations: their fingerprints are all indexed, not sampled.

    Each quote is looked for where its first word occurs, resuming after the previous match
    of that word: quotes come in text order, so one paragraph of thousands of quotes costs
    about one pass over its words instead of one pass per quote.
    """
    positions: set[int] = set()
    if not quotes:
        return positions
    starts: dict[str, list[int]] = {}
    firsts = {quote.split(" ", 1)[0] for quote in quotes}
    for position, word in enumerate(words):
        if word in firsts:
            starts.setdefault(word, []).append(position)
    resume: dict[str, int] = {}
    for quote in dict.fromkeys(quotes):
        quoted = quote.split()
        if not quoted:
            continue
        candidates = starts.get(quoted[0], [])
        begin = resume.get(quoted[0], 0)
        for slot in chain(range(begin, len(candidates)), range(begin)):
            start = candidates[slot]
            if words[start : start + len(quoted)] == quoted:
                positions.update(range(start, start + len(quoted) - SHINGLE + 1))
                resume[quoted[0]] = slot + 1
                break
    return positions


def link_corpus(corpus: Corpus, workers: int | None = None) -> list[Link]:
    """Every link in the corpus, each pair of paragraphs once; `workers` as in `build`."""
    return LinkIndex.build(corpus.articles, workers).links


def related(corpus: Corpus, article_id: str, paragraph: int | None = None) -> list[Link]:
    """Links of one article (or one of its paragraphs), that article as source, best first."""
    found = []
    for link in corpus.links:
        if article_id not in (link.source_article, link.target_article):
            continue
        oriented = link.seen_from(article_id)
        if paragraph is None or oriented.source_paragraph == paragraph:
            found.append(oriented)
    return sorted(found, key=link_order)
