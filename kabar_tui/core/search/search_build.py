"""A corpus's search index built from the words its indexing workers found.

`kabar index` used to build the search index at the very end, in the main process alone:
it read every stored article back, folded and split each passage into words, and posted
every word and word pair of every document one at a time, 14 s of CPU on one core at 10k
articles while the other core waited (docs/indexing.md). Now:

- each worker, beside the article's rows and digest, sends its `ArticleTerms`: the
  article's folded words once each, and each document's words as numbers into them
  (`article_terms`, the same folding and splitting `SearchIndex._add_doc` does);
- the main process gives each distinct word a number as articles arrive
  (`SearchTerms.add`, in any order) and writes the article's word numbers to a scratch
  file;
- at the end, in corpus order, `SearchTerms.index` numbers the words as
  `SearchIndex.build` would (in the order they first occur), and makes the posting lists
  with numpy: every (key, document) of a run of documents as one 64-bit number, sorted
  and deduplicated at once, instead of a dict look-up and an append per word.

The index is `SearchIndex.build`'s, number for number (words, pairs, documents, labels,
the entities after the articles): `search_store.save_search` stores it as it stores any.
"""

from __future__ import annotations

import heapq
import io
import itertools
import sys
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, NamedTuple, Protocol

import numpy as np

from kabar_tui.core.corpus.digest import held_back
from kabar_tui.core.model import Article, EntityRecord
from kabar_tui.core.processes.scratch import read_span
from kabar_tui.core.search.query import KINDS, HitKind
from kabar_tui.core.search.search import _NO_NUMBER, _PAIR_BASE, _PAIR_BUCKETS
from kabar_tui.core.search.search_store import KEPT_POSTINGS, SavedSearchIndex
from kabar_tui.core.textfold import WORD, fold, words

if TYPE_CHECKING:
    from kabar_tui.core.corpus.digest import CorpusDigest, StoredRest
    from kabar_tui.core.store.storage import ArticleNames

_KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
_DOC_BITS = 31  # a (key, document) pair as key << _DOC_BITS | document, in 64 bits
_DOC_MASK = (1 << _DOC_BITS) - 1
_SAMPLE = 1024  # every so many pairs of a run sampled to cut the keys into ranges
_PAIR_FACTOR = 1_000_003  # search._pair_key's


def _plain(text: str) -> bool:
    """Folding `text` keeps each character where it is in any text around it: no
    character of it lower-cases to two (`fold` would then fold the whole text another
    way), so the words of "text speaker" are those of the text, then the speaker's."""
    return len(text.lower()) == len(text)


@dataclass(slots=True)
class ArticleTerms:
    """What the search index needs of one article, found where it was processed: its
    documents (title, passages, quotations, in `SearchIndex.add_article`'s order) as
    numbers into `words`, the article's folded words once each."""

    id: str
    outlet: str  # folded
    title: bool  # whether the title is a document
    paragraphs: array[int]  # each passage's paragraph number
    quote_paragraphs: array[int]
    words: list[str]
    tokens: bytes  # an array("I") of numbers into `words`, every document's in turn
    lengths: array[int]  # words per document


def article_terms(article: Article) -> ArticleTerms:
    """An article's documents split into words as `SearchIndex._add_doc` splits them, a
    quotation without its speaker (whose canonical name is known only at the end)."""
    numbers: dict[str, int] = {}
    tokens = array("I")
    lengths = array("I")

    def add(text: str) -> None:
        found = words(text)
        tokens.extend([numbers.setdefault(word, len(numbers)) for word in found])
        lengths.append(len(found))

    if article.title:
        add(article.title)
    for paragraph in article.paragraphs:
        add(paragraph.text)
    for quote in article.quotes:
        add(quote.text)
    return ArticleTerms(
        id=article.id,
        outlet=fold(article.outlet or ""),
        title=bool(article.title),
        paragraphs=array("i", [paragraph.index for paragraph in article.paragraphs]),
        quote_paragraphs=array("i", [quote.paragraph for quote in article.quotes]),
        words=list(numbers),
        tokens=tokens.tobytes(),
        lengths=lengths,
    )


class Quotations(Protocol):
    """An article's quotations as the search index takes them once names are resolved."""

    @property
    def quotes(self) -> Sequence[tuple[str, str | None, int, int, int]]:
        """(text, speaker as written, ...) of each, as in its digest."""
        ...

    @property
    def speakers(self) -> Sequence[str | None]:
        """Each one's canonical speaker, None where it has none."""
        ...


class QuotedArticle(NamedTuple):
    """An article's quotations with their resolved speakers (`Quotations`)."""

    quotes: Sequence[tuple[str, str | None, int, int, int]]
    speakers: Sequence[str | None]


# what `QuotationsRead._articles` gives of each article: its quotations, its mentions'
# (text, label), their resolved names (None: the text is the name), its speakers
ReadArticle = tuple[
    Sequence[tuple[str, str | None, int, int, int]],
    Sequence[tuple[str, str]],
    Iterable[str | None],
    Sequence[str | None],
]


class QuotationsRead:
    """What the search index reads of the articles' rests, wherever they are read from
    (`_articles`): each article's quotations with their speakers, in corpus order
    (iterated once), then the corpus's mention names, gathered on the way (`mentions`)."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str, str], None] = {}
        self._done = False

    def _articles(self) -> Iterator[ReadArticle]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[QuotedArticle]:
        found = self._found
        for quotes, mentioned, names, speakers in self._articles():
            for (text, label), name in zip(mentioned, names, strict=True):
                found[name or text, label, text] = None
            yield QuotedArticle(quotes, speakers)
        self._done = True

    def mentions(self) -> Iterator[tuple[str, str, str]]:
        """`search.mention_names` of the corpus, each once, in the order first met: what
        the search index adds as entities' documents after the corpus's entities. Read
        once every article's quotations are (`SearchTerms.index` reads them last)."""
        if not self._done:
            raise RuntimeError("mention names asked for before every article was read")
        yield from self._found


class DigestQuotations(QuotationsRead):
    """`QuotationsRead` of a corpus's digests in the main process. A rest held packed
    (`take` gives it, by the article's place) is unpacked as the index reaches its
    article and let go of after: unpacked all at once, the rests (every quotation and
    mention form) were held through the whole end of a first index, about 0.4 GB at 100k
    articles (docs/indexing.md, "endmem"). The digests themselves are not held: only
    those that hold their rest whole."""

    def __init__(
        self,
        digest: CorpusDigest,
        names: Sequence[ArticleNames],
        take: Callable[[int], StoredRest] | None,
    ) -> None:
        super().__init__()
        self._whole = [None if held_back(article) else article for article in digest.articles]
        self._forms = digest.forms
        self._names = names
        self._take = take

    def _articles(self) -> Iterator[ReadArticle]:
        forms = self._forms
        for at, (article, names) in enumerate(zip(self._whole, self._names, strict=True)):
            if article is None:
                assert self._take is not None  # held back: its rest is held
                quotes, _, _, mentioned = self._take(at)
            else:
                quotes, mentioned = article.quotes, [forms[code] for code in article.mentions]
            yield quotes, mentioned, names.mention_names(), names.speakers()


@dataclass(slots=True)
class _Gathered:
    """An article's terms once its words are numbered in the scratch file."""

    terms: ArticleTerms
    offset: int  # in words
    count: int


class SearchTerms:
    """The words of a corpus's articles as they arrive from the workers (`add`), then
    the corpus's search index (`index`)."""

    def __init__(self) -> None:
        self.words: list[str] = []  # every word met, numbered as met
        self._numbers: dict[str, int] = {}
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="kabar-terms-")  # noqa: SIM115
        self._written = 0  # words
        self._articles: dict[str, _Gathered] = {}

    @classmethod
    def received(
        cls, words: list[str], file: IO[bytes], articles: dict[str, _Gathered]
    ) -> SearchTerms:
        """The terms another process gathered (`gathered`): its words in the order met,
        its scratch file (open here too), each article's terms by path."""
        terms = cls.__new__(cls)
        terms.words = words
        terms._numbers = {word: number for number, word in enumerate(words)}
        terms._file = file
        terms._written = 0  # nothing is added to a received one
        terms._articles = articles
        return terms

    def gathered(self, paths: Sequence[str]) -> Iterator[_Gathered]:
        """Each article's terms at `paths`, in order, its word numbers written to the
        scratch file (`fileno`) for another process to read."""
        self._file.flush()
        return (self._articles[path] for path in paths)

    def fileno(self) -> int:
        return self._file.fileno()

    def add(self, path: str, terms: ArticleTerms) -> None:
        """Number the article's words and put them in the scratch file."""
        local = np.fromiter(map(self.number, terms.words), dtype=np.uint32, count=len(terms.words))
        numbers = local[np.frombuffer(terms.tokens, dtype=np.uint32)]
        self._file.write(numbers.tobytes())
        self._articles[path] = _Gathered(terms, self._written, len(numbers))
        self._written += len(numbers)
        terms.words, terms.tokens = [], b""

    def _read(self, gathered: _Gathered) -> np.ndarray:
        """An article's word numbers, read from the scratch file (not mapped: a mapped file
        read whole counts in the process's resident size, 310 MB at 100k articles)."""
        size = 4 * gathered.count
        what = "the search terms' scratch file"
        data = read_span(self._file.fileno(), 4 * gathered.offset, size, what)
        return np.frombuffer(data, dtype=np.uint32)

    def number(self, word: str) -> int:
        found = self._numbers.get(word)
        if found is None:
            found = self._numbers[word] = len(self.words)
            self.words.append(word)
        return found

    def close(self) -> None:
        self._file.close()

    def index(
        self,
        paths: Sequence[str],
        quotations: Iterable[Quotations],
        mentions: Iterable[tuple[str, str, str]],
        entities: Iterable[EntityRecord],
        kept: int = KEPT_POSTINGS,
    ) -> TermIndex:
        """What `SearchIndex.build` makes of the corpus of the articles at `paths` (in
        corpus order), given their `quotations` with resolved speakers, the corpus's
        `mention_names` and its `entities`; its postings made and read about `kept`
        numbers at a time. Once: each article's terms are let go of as they are posted."""
        self._file.flush()
        index = TermIndex(self, kept)
        run = _Run(-1)
        for path, quoted in zip(paths, quotations, strict=True):
            gathered = self._articles.pop(path)
            numbers = self._read(gathered)
            index.add_terms(gathered.terms, numbers, quoted, run)
            # words: with their pairs, and the copies `post` makes, about `kept` / 4 numbers
            if run.size >= kept // 32:
                index.post(run)
                run = _Run(-1)
        index.post(run)
        index.add_entities(entities, mentions)
        return index


@dataclass(slots=True)
class _Run:
    """Documents in a row posted together: their words (numbered as `SearchTerms` met
    them), a piece at a time, and how many each document has."""

    first: int  # the first document's number
    pieces: list[np.ndarray] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    size: int = 0  # words

    def add(self, numbers: np.ndarray, lengths: Iterable[int]) -> None:
        self.pieces.append(numbers)
        self.lengths.extend(lengths)
        self.size += len(numbers)


class TermIndex(SavedSearchIndex):
    """A `SavedSearchIndex` whose articles' documents are posted a run at a time (`post`):
    each run's (key, document) pairs sorted into a scratch file, read back a range of keys
    at a time as saved; the entities' documents are posted one at a time, as any
    `SearchIndex` posts them, and joined to the articles' lists."""

    def __init__(self, terms: SearchTerms, kept: int) -> None:
        super().__init__(kept=sys.maxsize)  # the entities' postings are few
        self._met = terms
        self._final = np.full(len(terms.words), -1, dtype=np.int64)  # each met word's id
        self._pairs = tempfile.TemporaryFile(prefix="kabar-pairs-")  # noqa: SIM115 (`close`)
        self._runs: list[tuple[int, int]] = []  # each run's pairs in `_pairs`: offset, count
        self._samples: list[np.ndarray] = []  # keys of every _SAMPLE-th pair of each run
        self._counts = np.zeros(0, dtype=np.int64)  # articles' documents per word id
        self._range = kept // 8  # (key, document) pairs read at a time (4 MB at 4M kept)

    def add_terms(
        self, terms: ArticleTerms, numbers: np.ndarray, quoted: Quotations, run: _Run
    ) -> None:
        """`add_article(article, mentions=False)` of the article whose terms these are:
        its documents' columns now, their words into `run`, posted by `post`."""
        if terms.id in self._article_numbers:
            return
        if run.first < 0:
            run.first = len(self.kinds)
        owner = len(self.article_ids)
        self.article_ids.append(terms.id)
        self.article_outlets.append(terms.outlet)
        self._article_numbers[terms.id] = owner
        if terms.title:
            self._columns(HitKind.TITLE, owner, _NO_NUMBER, 0, -1)
        for position, paragraph in enumerate(terms.paragraphs):
            self._columns(HitKind.PASSAGE, owner, paragraph, position, -1)
        lengths = terms.lengths
        before = len(lengths) - len(terms.quote_paragraphs)  # documents before the quotations
        labels = [
            canonical or quote[1]
            for canonical, quote in zip(quoted.speakers, quoted.quotes, strict=True)
        ]
        if not any(labels):  # the article's words as they are
            for position, paragraph in enumerate(terms.quote_paragraphs):
                self._columns(HitKind.QUOTE, owner, paragraph, position, -1)
            run.add(numbers, lengths)
            return
        start = sum(lengths[:before])
        run.add(numbers[:start], lengths[:before])
        for position, (label, quote) in enumerate(zip(labels, quoted.quotes, strict=True)):
            paragraph = terms.quote_paragraphs[position]
            self._columns(
                HitKind.QUOTE,
                owner,
                paragraph,
                position,
                self._label_number(label) if label else -1,
            )
            end = start + lengths[before + position]
            words = numbers[start:end]
            start = end
            if label and _plain(quote[0]) and _plain(label):
                said = [self._met.number(word) for word in WORD.findall(fold(label))]
                words = np.concatenate([words, np.array(said, dtype=np.uint32)])
            elif label:  # folded whole, as `_add_doc` folds it
                found = WORD.findall(fold(f"{quote[0]} {label}"))
                words = np.array([self._met.number(word) for word in found], dtype=np.uint32)
            run.add(words, (len(words),))

    def _columns(self, kind: HitKind, owner: int, paragraph: int, record: int, label: int) -> None:
        self.kinds.append(_KIND_CODE[kind])
        self.owners.append(owner)
        self.paragraphs.append(paragraph)
        self.records.append(record)
        self.label_numbers.append(label)

    def post(self, run: _Run) -> None:
        """Post the run's documents: number their words in the order first met (as
        `_intern` numbers them), then every word and neighbouring pair of a document,
        once, as one (key, document) number; sorted, they are the posting lists' parts."""
        if not run.lengths:
            return
        met = np.concatenate(run.pieces) if run.pieces else np.zeros(0, dtype=np.uint32)
        known = len(self._met.words)
        if known > len(self._final):
            grown = np.full(known, -1, dtype=np.int64)
            grown[: len(self._final)] = self._final
            self._final = grown
        ids = self._final[met]
        new = np.flatnonzero(ids < 0)
        if len(new):
            words = self._met.words
            for number in _first_met(met[new]).tolist():
                self._final[number] = self._intern(words[number])
            ids = self._final[met]
        docs = np.repeat(
            np.arange(run.first, run.first + len(run.lengths), dtype=np.uint64),
            np.array(run.lengths, dtype=np.int64),
        )
        keys = ids.astype(np.uint64)
        same = docs[1:] == docs[:-1]
        pairs = np.uint64(_PAIR_BASE) + (
            ((keys[:-1][same] * np.uint64(_PAIR_FACTOR)) ^ keys[1:][same])
            & np.uint64(_PAIR_BUCKETS)
        )
        shift = np.uint64(_DOC_BITS)
        codes = _distinct(
            np.concatenate([(keys << shift) | docs, (pairs << shift) | docs[1:][same]])
        )
        words_end = int(np.searchsorted(codes, np.uint64(_PAIR_BASE) << shift))
        counts = np.bincount(
            (codes[:words_end] >> shift).astype(np.int64), minlength=len(self.words)
        )
        if len(counts) > len(self._counts):
            counts[: len(self._counts)] += self._counts
            self._counts = counts
        else:
            self._counts += counts
        self._runs.append((self._pairs.tell() // 8, len(codes)))
        self._pairs.write(codes.tobytes())
        self._samples.append(codes[::_SAMPLE] >> shift)

    def word_frequencies(self) -> array:
        """Documents per word id: the articles' and the entities'."""
        counts = np.zeros(len(self.words), dtype=np.int64)
        counts[: len(self._counts)] = self._counts
        for word_id, docs in self.postings.items():
            if word_id < _PAIR_BASE:
                counts[word_id] += len(docs)
        return array("I", counts.astype(np.uint32).tobytes())

    def posting_lists(self) -> Iterator[tuple[int, array]]:
        """Every (key, documents), in key order: the articles' lists, then the entities'
        documents of the same key."""
        held = sorted(self.postings.items())
        merged = heapq.merge(self._article_lists(), held, key=lambda item: item[0])
        for key, group in itertools.groupby(merged, key=lambda item: item[0]):
            lists = [docs for _, docs in group]
            if len(lists) == 1:
                yield key, lists[0]
            else:
                docs = array("I")
                for part in lists:
                    docs.extend(part)
                yield key, docs

    def _article_lists(self) -> Iterator[tuple[int, array]]:
        """The articles' lists, a range of keys at a time: each run's part of the range
        (its pairs are sorted) read into one array, sorted together in place."""
        total = sum(count for _, count in self._runs)
        if not total:
            return
        self._pairs.flush()
        samples = np.sort(np.concatenate(self._samples))
        ranges = max(1, -(-total // max(1, self._range)))
        cuts = sorted({int(samples[len(samples) * n // ranges]) for n in range(1, ranges)})
        del samples
        shift = np.uint64(_DOC_BITS)
        edges = self._run_edges(np.array(cuts, dtype=np.uint64) << shift)
        for at in range(len(cuts) + 1):
            starts, ends = edges[:, at].tolist(), edges[:, at + 1].tolist()
            codes = np.empty(sum(ends) - sum(starts), dtype=np.uint64)
            filled = 0
            for start, end in zip(starts, ends, strict=True):
                _read_into(self._pairs, codes[filled : filled + end - start], start)
                filled += end - start
            codes.sort()  # distinct (key, document) numbers: any sort gives their one order
            yield from _lists(codes, shift)
            del codes

    def _run_edges(self, bounds: np.ndarray) -> np.ndarray:
        """Where each run's part of each range of keys starts in `_pairs` (in pairs), and
        where its last one ends: a row per run. Each run mapped alone, so that the pages
        its bisection reads leave the process's resident size with it."""
        edges = np.empty((len(self._runs), len(bounds) + 2), dtype=np.int64)
        for number, (offset, count) in enumerate(self._runs):
            edges[number] = offset
            if count:
                mapped = np.memmap(
                    self._pairs, dtype=np.uint64, mode="r", offset=8 * offset, shape=(count,)
                )
                edges[number, 1:-1] += np.searchsorted(mapped, bounds)
                del mapped
            edges[number, -1] += count
        return edges

    def close(self) -> None:
        super().close()
        self._pairs.close()


def _first_met(numbers: np.ndarray) -> np.ndarray:
    """Each number once, in the order first met (`np.unique` with `return_index` hashes
    in numpy 2, slowly)."""
    order = np.argsort(numbers, kind="stable")
    ordered = numbers[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    return numbers[np.sort(order[starts])]


def _distinct(codes: np.ndarray) -> np.ndarray:
    """Sorted, each once (`np.unique` hashes in numpy 2: twenty times slower here)."""
    codes.sort()
    kept = np.empty(len(codes), dtype=bool)
    kept[:1] = True
    np.not_equal(codes[1:], codes[:-1], out=kept[1:])
    return codes[kept]


def _read_into(pairs: io.BufferedRandom, codes: np.ndarray, start: int) -> None:
    """Fill `codes` from the pairs' scratch file, from pair number `start` on (read, not
    mapped: the pages of a mapped file read whole count in the resident size; read with
    the file object, which every platform has, unlike `os.preadv`)."""
    view = codes.data.cast("B")
    pairs.seek(8 * start)
    done = 0
    while done < len(view):
        read = pairs.readinto(view[done:])
        if not read:
            raise OSError("the search pairs' scratch file was cut short")
        done += read


def _lists(codes: np.ndarray, shift: np.uint64) -> Iterator[tuple[int, array]]:
    """(key, documents) of sorted (key, document) numbers; each list's documents made as
    it is given, not the whole range's at once."""
    if not len(codes):
        return
    keys = codes >> shift
    starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    firsts = keys[np.concatenate([[0], starts])].tolist()
    del keys
    edges = [0, *starts.tolist(), len(codes)]
    mask = np.uint64(_DOC_MASK)
    for key, (start, end) in zip(firsts, itertools.pairwise(edges), strict=True):
        yield key, array("I", (codes[start:end] & mask).astype(np.uint32).tobytes())
