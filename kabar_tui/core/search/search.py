"""Fuzzy search over passages, quotes, titles and entity names, fast enough to run per keystroke.

Two stages. An inverted index maps each word and each (hashed) word pair to a compact,
sorted posting list of document numbers; a query's words are widened to the indexed
words they could mean (typos, missing diacritics, an unfinished last word) and the rarest
postings vote for a few hundred candidates. rapidfuzz then ranks only those candidates.
Cost therefore follows the rare words of the query, not the size of the corpus.
"""

from __future__ import annotations

import heapq
import math
import re
from abc import ABC, abstractmethod
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce
from itertools import pairwise
from operator import itemgetter
from typing import Protocol, TypeVar, cast, overload

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from kabar_tui.core.model import Article, Corpus, EntityRecord
from kabar_tui.core.search.aliases import search_aliases
from kabar_tui.core.search.filter_values import ValueMatch, allowed_typos
from kabar_tui.core.search.query import FILTERS, KINDS, Filter, HitKind, Query, parse_query
from kabar_tui.core.textfold import WORD, fold

_KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
_PAIR_BASE = 1 << 32  # keys at or above are word pairs, below are word ids
_PAIR_BUCKETS = (1 << 20) - 1  # pairs are hashed into at most this many posting lists
_NO_NUMBER = -1
# Kinds indexed with words they do not show (a quote's speaker, an entity's aliases).
_MORE_THAN_SHOWN = [_KIND_CODE[HitKind.QUOTE], _KIND_CODE[HitKind.ENTITY]]

# Postings read per query before switching to membership checks: grows slowly with the
# index so recall holds up while a query stays within its time goal.
BASE_BUDGET = 40_000
VOTED = 600  # candidates kept after voting
RANKED = 100  # candidates ranked by rapidfuzz
CHECKED_LISTS = 8  # closest meanings of a common term checked per voted candidate
PREFIX_EXPANSIONS = 40  # indexed words tried for an unfinished last word
KEPT_TERM_MASKS = 12  # masks of recent terms (a byte per document each: 1.3 MB at 100k)
MAX_TERMS = 24  # words of a pasted paragraph beyond these add cost, not precision
_TEXT_BATCH = 512  # texts asked of the index at a time while checking phrases
# How close a long name is to the short one typed: a sure meaning, above a typo (0.8),
# below the word itself, so texts with the word typed rank first.
ALIAS_SIMILARITY = 0.85

_T = TypeVar("_T")


@dataclass(slots=True)
class Hit:
    """One search result; `spans` are (start, end) character ranges of `text` that matched."""

    kind: HitKind
    article_id: str | None
    paragraph: int | None
    text: str
    score: float
    spans: list[tuple[int, int]]
    label: str | None = None


@dataclass(slots=True)
class SearchPage:
    """One page of ranked hits and how many documents match the query in all; `values`:
    what each `type:`, `outlet:` and `by:` value matched (a front end says which were
    read as another name, or matched none)."""

    hits: list[Hit]
    total: int
    values: list[ValueMatch] = field(default_factory=list)


@dataclass(slots=True)
class DocumentColumns:
    """Per document: kind (index in KINDS), owning article number (-1 for an entity),
    paragraph number (-1 for none), position of its record in the article (paragraph or
    quote), and label number (-1 for none)."""

    kinds: Sequence[int]
    owners: Sequence[int]
    paragraphs: Sequence[int]
    records: Sequence[int]
    labels: Sequence[int]


class Texts(Protocol):
    """Strings by number: a list, or a table read one string at a time."""

    def __len__(self) -> int: ...

    def __getitem__(self, number: int, /) -> str: ...


class Bits(Sequence[int]):
    """A long posting list kept as one bit per document of the index: at 100k articles a
    list naming a tenth of the 1.9M documents is 760 kB as numbers, 240 kB as bits, and a
    common word's is ten times that. Marking it in a mask, testing candidates and taking
    its newest documents read the bits; its numbers are made only when asked."""

    __slots__ = ("documents", "length", "packed")

    def __init__(self, numbers: np.ndarray, documents: int) -> None:
        marks = np.zeros(documents, dtype=bool)
        marks[numbers] = True
        self.packed = np.packbits(marks)
        self.length = len(numbers)
        self.documents = documents

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, at: int) -> int: ...

    @overload
    def __getitem__(self, at: slice) -> Sequence[int]: ...

    def __getitem__(self, at: int | slice) -> int | Sequence[int]:
        found = self.numbers()[at]
        return int(found) if isinstance(at, int) else found.tolist()

    def __iter__(self) -> Iterator[int]:
        return iter(self.numbers().tolist())

    def marks(self) -> np.ndarray:
        """A bool per document, True where the list names it."""
        return np.unpackbits(self.packed, count=self.documents).view(bool)

    def numbers(self) -> np.ndarray:
        return np.flatnonzero(self.marks()).astype(np.uint32)

    def holding(self, docs: np.ndarray) -> np.ndarray:
        """For each of `docs`, whether the list names it."""
        return ((self.packed[docs >> 3] >> (7 - (docs & 7))) & 1).astype(bool)

    def newest(self, count: int) -> np.ndarray:
        """The last `count` documents of the list (all when it has fewer): its bits are
        read from the end, as many bytes as its density says hold them and a quarter
        more, wider until they do."""
        stretch = count * self.documents // max(self.length, 1) // 8 * 5 // 4 + 64
        while True:
            start = max(len(self.packed) - stretch, 0)
            bits = np.unpackbits(self.packed[start:], count=self.documents - start * 8)
            found = np.flatnonzero(bits) + start * 8
            if len(found) >= count or start == 0:
                return found[len(found) - min(count, len(found)) :].astype(np.uint32)
            stretch *= 4


def _as_numbers(posting: Sequence[int]) -> np.ndarray:
    """A posting list as numpy indices, without a copy when it is an array of uint32."""
    if isinstance(posting, np.ndarray):
        return posting
    if isinstance(posting, Bits):
        return posting.numbers()
    if isinstance(posting, array):
        return np.frombuffer(posting, dtype=np.uint32)
    return np.asarray(posting, dtype=np.int64)


def _marked(count: int, postings: Iterable[Sequence[int]]) -> np.ndarray:
    """A mask of the `count` documents, True where any of the posting lists names one:
    the lists kept as bits are joined as bits, and made a mask once."""
    mask = np.zeros(count, dtype=bool)
    joined: np.ndarray | None = None
    for posting in postings:
        if isinstance(posting, Bits):
            if joined is None:
                joined = posting.packed.copy()
            else:
                np.bitwise_or(joined, posting.packed, out=joined)
        else:
            mask[_as_numbers(posting)] = True
    if joined is not None:
        mask |= np.unpackbits(joined, count=count).view(bool)
    return mask


def _holding(posting: Sequence[int], docs: np.ndarray) -> np.ndarray:
    """For each of `docs` (ascending or not), whether the posting list names it."""
    if isinstance(posting, Bits):
        return posting.holding(docs)
    numbers = _as_numbers(posting)
    if not len(numbers):
        return np.zeros(len(docs), dtype=bool)
    at = np.minimum(np.searchsorted(numbers, docs), len(numbers) - 1)
    return np.asarray(numbers[at] == docs)


def _newest(posting: Sequence[int], count: int) -> np.ndarray:
    """The last `count` documents of a posting list."""
    if isinstance(posting, Bits):
        return posting.newest(count)
    return _as_numbers(posting)[-count:]


def _holding_codes(column: np.ndarray, codes: Collection[int]) -> np.ndarray:
    """Whether each document's value in `column` (-1: none) is one of `codes`: looked up
    in a table whose last entry, the one -1 reads, is False."""
    size = max(int(column.max(initial=-1)), max(codes, default=-1)) + 2
    table = np.zeros(size, dtype=bool)
    table[list(codes)] = True
    return table[column]


def _pair_key(first: int, second: int) -> int:
    return _PAIR_BASE + (((first * 1_000_003) ^ second) & _PAIR_BUCKETS)


def _grams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class _PhrasePattern:
    r"""A phrase's words as whole words with only non-word characters between them, in
    folded text: `(?<!\w)a\W+b(?!\w)`. Searched as written, the look-behind is tried at
    every character; searched from the first word (a literal, which the regex engine
    scans for quickly) and the look-behind checked only where that matched, it is
    18 times faster on passages and finds the same (every start is tried in turn)."""

    __slots__ = ("scan", "whole")

    def __init__(self, phrase: list[str]) -> None:
        body = r"\W+".join(map(re.escape, phrase)) + r"(?!\w)"
        self.scan = re.compile(body)
        self.whole = re.compile(r"(?<!\w)" + body)

    def held_by(self, folded: str) -> bool:
        at = 0
        while (found := self.scan.search(folded, at)) is not None:
            if self.whole.match(folded, found.start()):  # the look-behind sees before it
                return True
            at = found.start() + 1
        return False


@dataclass(slots=True)
class _Term:
    """A query word widened to the indexed words it may mean, each with a similarity 0-1;
    `alias`: the words of the long name a short one stands for (`korut`: `korea utara`),
    `alias_docs` the documents holding them side by side (pair postings, checked when
    ranked)."""

    word: str
    matches: dict[int, float]
    weight: float = 0.0
    frequency: int = 0
    alias: tuple[str, ...] = ()
    alias_docs: Sequence[int] = ()

    @property
    def found(self) -> bool:
        """Whether the word means anything indexed (its documents may be a numpy array,
        which has no truth value)."""
        return bool(self.matches) or len(self.alias_docs) > 0


class SearchEngine(ABC):
    """The search algorithm over a data-access layer: what it needs of an index is asked
    through the abstract methods below, answered from memory (`SearchIndex`) or from the
    cache database (`kabar_tui.core.search.search_store.StoredSearchIndex`) alike."""

    def __init__(self) -> None:
        self._expansions: dict[tuple[str, bool], dict[int, float]] = {}
        self._filter_masks: dict[tuple[object, ...], np.ndarray] = {}
        self._term_masks: dict[tuple[object, ...], np.ndarray] = {}
        self._label_words: list[frozenset[str]] = []  # each label's folded words, by number
        self.filters: Sequence[Filter] = FILTERS
        # what filters read once (the names they match values with), by key, and the
        # document count it was read at (an index in memory grows)
        self._filter_names: dict[str, tuple[int, object]] = {}

    # --- what an index holds ----------------------------------------------------------

    @abstractmethod
    def _document_count(self) -> int:
        """How many documents (titles, passages, quotes, entities) are indexed."""

    @abstractmethod
    def _posting(self, key: int) -> Sequence[int] | None:
        """The sorted documents of a word id or a pair key, None when there are none."""

    @abstractmethod
    def _frequency(self, word_id: int) -> int:
        """How many documents hold the word."""

    @abstractmethod
    def _word(self, word_id: int) -> str: ...

    @abstractmethod
    def _find_word(self, word: str) -> int | None: ...

    @abstractmethod
    def _word_lengths(self) -> np.ndarray:
        """Each word's length in characters, by word id (for typo candidates)."""

    @abstractmethod
    def _frequencies(self) -> np.ndarray:
        """Each word's number of documents, by word id."""

    @abstractmethod
    def _sorted_word_ids(self) -> Sequence[int]:
        """Every word id, in the order of their words (for completions)."""

    @abstractmethod
    def _gram_words(self, gram: str) -> Sequence[int]:
        """The ids of the words holding a trigram, ascending."""

    @abstractmethod
    def _documents(self) -> DocumentColumns: ...

    def _document(self, doc: int) -> tuple[int, int, int, int, int]:
        """(kind, owner, paragraph, record, label) of one document: the columns'
        values, which an index may read for this document alone."""
        columns = self._documents()
        return (
            columns.kinds[doc],
            columns.owners[doc],
            columns.paragraphs[doc],
            columns.records[doc],
            columns.labels[doc],
        )

    @abstractmethod
    def _label_texts(self) -> Texts: ...

    @abstractmethod
    def _article_outlets(self) -> Texts:
        """Each article's outlet, folded, by article number."""

    @abstractmethod
    def _texts(self, docs: Sequence[int]) -> list[str]:
        """The texts of these documents, as shown."""

    @abstractmethod
    def _article_id(self, number: int) -> str: ...

    # --- searching ------------------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Ranked hits for what the user typed: none for an empty query, and for filters
        alone (`by:putin`) what they keep, in corpus order."""
        return self.search_page(query, 0, limit).hits

    def search_page(self, query: str, offset: int = 0, limit: int = 50) -> SearchPage:
        """Hits `offset` to `offset + limit` and the number of all matching documents.

        The best-voted candidates are ranked first, as `search` does; past them the rest
        of the matching documents follow in vote order, ranked a page at a time."""
        parsed = parse_query(query, self.filters)
        page = self._page(parsed, offset, limit)
        page.values = self._value_matches(parsed)
        return page

    def _page(self, parsed: Query, offset: int, limit: int) -> SearchPage:
        if limit <= 0 or parsed.is_empty():
            return SearchPage([], 0)
        words = [*parsed.terms, *(word for phrase in parsed.phrases for word in phrase)]
        words = words[:MAX_TERMS]
        if not words:
            return self._filter_only(parsed, offset, limit)
        terms = self._terms(parsed, words)
        if not any(term.found for term in terms):
            return SearchPage([], 0)
        matching = self._matching(parsed, terms)
        votes = self._vote(terms, parsed)
        # Hash-colliding pair postings may vote for a document with none of the words.
        voted = ((doc, vote) for doc, vote in votes.items() if matching[doc])
        first = heapq.nlargest(RANKED, voted, key=itemgetter(1))
        end = offset + limit
        hits, position = self._rank(parsed, terms, first, offset, limit)
        total = int(np.count_nonzero(matching))
        if end > position and total > len(first):
            for doc, _ in first:
                matching[doc] = False
            rest = self._vote_all(terms, np.flatnonzero(matching).tolist())
            for start in range(0, len(rest), RANKED):
                if position >= end:
                    break
                skip = max(offset - position, 0)
                chunk = rest[start : start + RANKED]
                more, count = self._rank(parsed, terms, chunk, skip, end - position - skip)
                hits += more
                position += count
        return SearchPage(hits, total)

    def _posting_of(self, key: int) -> Sequence[int]:
        posting = self._posting(key)
        return () if posting is None else posting

    def _matching(self, parsed: Query, terms: list[_Term]) -> np.ndarray:
        """A mask of every document with a meaning of a query word that the filters and
        phrases keep: posting lists marked in a bitmap, counted without ranking."""
        mask = np.zeros(self._document_count(), dtype=bool)
        for term in terms:
            if term.found:
                mask |= self._term_mask(term)
        ids: dict[str, int] = {}
        for word in {word for phrase in parsed.phrases for word in phrase}:
            phrase_word = self._find_word(word)
            if phrase_word is None:
                mask[:] = False
                return mask
            ids[word] = phrase_word
            mask &= _marked(len(mask), [self._posting_of(phrase_word)])
        # A document holding a phrase holds each pair of its words side by side, which the
        # pairs' posting lists say (with a few more: keys collide, and a quote's speaker
        # follows its words): only those are read to check.
        for phrase in parsed.phrases:
            for first, second in pairwise(phrase):
                pair = self._posting_of(_pair_key(ids[first], ids[second]))
                mask &= _marked(len(mask), [pair])
        if parsed.filters:
            mask &= self._admitted(parsed)
        if parsed.phrases:
            checked = np.flatnonzero(mask)
            if all(self._shown_by_postings(phrase, ids) for phrase in parsed.phrases):
                # A title or passage is indexed under its own words and their pairs and
                # nothing else: a one-word phrase's posting list, or a two-word phrase's
                # pair list when no other pair of indexed words shares its bucket, names
                # exactly the titles and passages holding it. Quotes and entities are
                # indexed with more words than they show. A quote's are its speaker's,
                # after its text: only where the speaker has a phrase's last word may the
                # quote's own words not hold it (a quoted common word read every quote of
                # it: 1.2 s at 100k articles; a common pair, every passage: 0.4-9 s).
                columns = self._documents()
                kinds = np.asarray(columns.kinds, dtype=np.uint8)[checked]
                quotes = checked[kinds == _KIND_CODE[HitKind.QUOTE]]
                saying = self._labels_saying({phrase[-1] for phrase in parsed.phrases})
                quotes = quotes[saying[np.asarray(columns.labels, dtype=np.int64)[quotes]]]
                checked = np.union1d(quotes, checked[kinds == _KIND_CODE[HitKind.ENTITY]])
            mask[checked[~self._holding_phrases(parsed.phrases, checked)]] = False
        return mask

    def _shown_by_postings(self, phrase: list[str], ids: dict[str, int]) -> bool:
        """Whether the posting lists name exactly the titles and passages holding
        `phrase`: one word, or two whose pair's bucket no other pair of indexed words
        hashes to (pairs are hashed into 2^20 lists; a small vocabulary leaves most
        buckets to one pair, a large one shares them and its texts are read)."""
        if len(phrase) == 1:
            return True
        if len(phrase) != 2:
            return False
        words = len(self._word_lengths())
        if words > _PAIR_BUCKETS + 1:
            return False
        bucket = _pair_key(ids[phrase[0]], ids[phrase[1]]) - _PAIR_BASE
        firsts = np.arange(words, dtype=np.int64)
        seconds = ((firsts * 1_000_003) & _PAIR_BUCKETS) ^ bucket
        return int(np.count_nonzero(seconds < words)) == 1  # the phrase's own pair

    def _holding_phrases(self, phrases: list[list[str]], docs: np.ndarray) -> np.ndarray:
        """For each of `docs`, whether its text holds every phrase (word after word, as
        its folded words: a phrase's words as whole words with only non-word characters
        between them)."""
        patterns = [_PhrasePattern(phrase) for phrase in phrases]
        holding = np.ones(len(docs), dtype=bool)
        kept = docs.tolist()
        for start in range(0, len(kept), _TEXT_BATCH):
            chunk = kept[start : start + _TEXT_BATCH]
            for at, text in enumerate(self._texts(chunk), start):
                folded = fold(text)
                if not all(pattern.held_by(folded) for pattern in patterns):
                    holding[at] = False
        return holding

    def _labels_saying(self, words: set[str]) -> np.ndarray:
        """For each label number, whether its words (folded) hold one of `words`; the last
        place stands for no label (-1)."""
        texts = self._label_texts()
        known = self._label_words
        known += [frozenset(WORD.findall(fold(texts[n]))) for n in range(len(known), len(texts))]
        saying = np.zeros(len(known) + 1, dtype=bool)
        saying[:-1] = [not label.isdisjoint(words) for label in known]
        return saying

    def _term_mask(self, term: _Term) -> np.ndarray:
        """The documents holding a meaning of `term`, kept for the next keystrokes: while
        the last word is typed the others keep their meanings, and marking a common
        word's posting lists again was most of a keystroke at 100k articles."""
        count = self._document_count()
        key = (count, tuple(term.matches), term.alias)
        mask = self._term_masks.get(key)
        if mask is None:
            postings = [self._posting_of(word_id) for word_id in term.matches]
            mask = _marked(count, [*postings, term.alias_docs])
            if len(self._term_masks) >= KEPT_TERM_MASKS:
                del self._term_masks[next(iter(self._term_masks))]  # the oldest
            self._term_masks[key] = mask
        return mask

    def _vote_all(self, terms: list[_Term], docs: list[int]) -> list[tuple[int, float]]:
        """`docs` with their full vote (no budget), best first: the order of later pages.

        Each posting list's weight is added to the documents it names, list after list as
        a loop over the lists' documents added them (the same floats), but with numpy: a
        page past the best-voted candidates (a phrase they seldom hold) walked every
        document of common words' lists in Python, 0.5 s at 100k articles."""
        wanted = np.asarray(docs, dtype=np.int64)
        votes = np.zeros(len(wanted), dtype=np.float64)
        for feature in self._features(terms):
            for weight, posting in feature:
                votes[_holding(posting, wanted)] += weight
        order = np.lexsort((wanted, -votes))
        return list(zip(wanted[order].tolist(), votes[order].tolist(), strict=True))

    def _terms(self, parsed: Query, words: list[str]) -> list[_Term]:
        total = max(self._document_count(), 1)
        terms = []
        for position, word in enumerate(words):
            prefix = parsed.last_is_prefix and position == len(parsed.terms) - 1
            term = _Term(word, self._expand(word, prefix=prefix))
            self._add_alias(term)
            term.frequency = sum(self._frequency(w) for w in term.matches) + len(term.alias_docs)
            term.weight = math.log(1 + total / (1 + term.frequency)) if term.found else 0.0
            terms.append(term)
        return terms

    def _add_alias(self, term: _Term) -> None:
        """A short name the entity list knows (`korut`) also means its long name: the
        documents holding the long name's words side by side."""
        alias = search_aliases().get(term.word, ())
        ids = [word_id for word in alias if (word_id := self._find_word(word)) is not None]
        if not alias or len(ids) < len(alias):  # a word of it is in no text
            return
        docs: Sequence[int]
        if len(ids) == 1:
            docs = self._posting_of(ids[0])
        else:
            pairs = [_as_numbers(self._posting_of(_pair_key(a, b))) for a, b in pairwise(ids)]
            docs = array("I", reduce(np.intersect1d, pairs).astype(np.uint32).tobytes())
        if len(docs):
            term.alias, term.alias_docs = alias, docs

    def _expand(self, word: str, prefix: bool) -> dict[int, float]:
        """Indexed words `word` may mean: itself, near misspellings, completions."""
        cache_key = (word, prefix)
        cached = self._expansions.get(cache_key)
        if cached is not None:
            return cached
        matches: dict[int, float] = {}
        exact = self._find_word(word)
        if exact is not None:
            matches[exact] = 1.0
        typos = allowed_typos(word)
        if typos:
            for word_id in self._typo_candidates(word, typos):
                if word_id in matches:
                    continue
                distance = OSA.distance(word, self._word(word_id), score_cutoff=typos)
                if distance <= typos:
                    matches[word_id] = 0.9 - 0.1 * distance
        if prefix:
            for word_id, candidate in self._completions(word):
                if word_id not in matches:
                    matches[word_id] = 0.7 + 0.25 * len(word) / len(candidate)
        if len(self._expansions) > 4096:
            self._expansions.clear()
        self._expansions[cache_key] = matches
        return matches

    def _typo_candidates(self, word: str, typos: int) -> list[int]:
        """Words sharing enough trigrams with `word` and of a length within `typos` of
        its own (a closer word needs both), in the order their trigrams list them."""
        grams = sorted(_grams(word))  # a set's order changes between runs
        lists = [_as_numbers(self._gram_words(gram)) for gram in grams]
        if not lists:
            return []
        listed = np.concatenate(lists)
        ids, first, counts = np.unique(listed, return_index=True, return_counts=True)
        lengths = self._word_lengths()[ids].astype(np.int64)
        keep = (counts >= max(1, len(grams) - 3 * typos)) & (np.abs(lengths - len(word)) <= typos)
        ids, first = ids[keep], first[keep]
        return ids[np.argsort(first, kind="stable")].tolist()

    def _completions(self, word: str) -> list[tuple[int, str]]:
        """Indexed words `word` begins, the commonest PREFIX_EXPANSIONS when there are
        more (ties in word order)."""
        order = self._sorted_word_ids()
        start = bisect_left(order, word, key=self._word)
        end = bisect_right(order, word + "\U0010ffff", lo=start, key=self._word)
        if start < end and self._word(order[start]) == word:
            start += 1  # the word itself is no completion
        ids = _as_numbers(order[start:end])
        if len(ids) > PREFIX_EXPANSIONS:  # keep the commonest completions
            frequencies = self._frequencies()[ids].astype(np.int64)
            ids = ids[np.argsort(-frequencies, kind="stable")[:PREFIX_EXPANSIONS]]
        return [(w, self._word(w)) for w in ids.tolist()]

    def _features(self, terms: list[_Term]) -> list[list[tuple[float, Sequence[int]]]]:
        """Posting lists weighted by rarity and closeness to the typed word: one feature
        per term, one per adjacent pair of terms (either order)."""
        features = [
            [
                (term.weight * similarity, self._posting_of(w))
                for w, similarity in term.matches.items()
            ]
            + ([(term.weight * ALIAS_SIMILARITY, term.alias_docs)] if len(term.alias_docs) else [])
            for term in terms
            if term.found
        ]
        for left, right in pairwise(terms):
            if not (left.matches and right.matches):
                continue
            weight = left.weight + right.weight
            firsts = heapq.nlargest(3, left.matches.items(), key=itemgetter(1))
            seconds = heapq.nlargest(3, right.matches.items(), key=itemgetter(1))
            lists: dict[int, float] = {}
            for a, first in firsts:
                for b, second in seconds:
                    for key in (_pair_key(a, b), _pair_key(b, a)):
                        lists[key] = max(lists.get(key, 0.0), weight * min(first, second))
            feature = [
                (w, posting)
                for key, w in lists.items()
                if (posting := self._posting(key)) is not None
            ]
            if feature:
                features.append(feature)
        return features

    def _vote(self, terms: list[_Term], parsed: Query) -> dict[int, float]:
        """Candidate documents with a vote: rarest postings first, within a budget that
        grows slowly with the index; commoner features are then only checked for the
        best-voted documents.

        Summed with numpy (at 100k articles the budget is 170k postings a keystroke, too
        many for a Python loop), in the order a loop would add them, so the votes are the
        same floats; ties go to the document voted for first, as in a dict's order."""
        features = sorted(self._features(terms), key=lambda f: sum(len(p) for _, p in f))
        read = 0
        budget = BASE_BUDGET + self._document_count() // 10
        checked: list[list[tuple[float, Sequence[int]]]] = []
        admitted = self._admitted(parsed) if parsed.filters else None  # votes too
        streams: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for feature in features:
            size = sum(len(posting) for _, posting in feature)
            if read and read + size > budget:
                checked.append(feature)
                continue
            # Even the rarest feature is too common: its newest postings stand for it.
            share = max(budget // len(feature), 1)
            for weight, posting in feature:
                docs = _newest(posting, share) if size > budget else _as_numbers(posting)
                if admitted is not None:
                    docs = docs[admitted[docs]]
                streams.append(docs)
                weights.append(np.full(len(docs), weight, dtype=np.float64))
            read += size
        if not streams:
            return {}
        stream = np.concatenate(streams).astype(np.int64)
        docs, first, slots = np.unique(stream, return_index=True, return_inverse=True)
        sums = np.bincount(slots.ravel(), weights=np.concatenate(weights), minlength=len(docs))
        best = np.lexsort((first, -sums))[:VOTED]
        candidates, values = docs[best], sums[best].astype(np.float64)
        for feature in checked:
            found = np.zeros(len(candidates), dtype=bool)
            for weight, posting in heapq.nlargest(CHECKED_LISTS, feature, key=itemgetter(0)):
                holding = _holding(posting, candidates) & ~found
                values[holding] += weight
                found |= holding
        return dict(zip(candidates.tolist(), values.tolist(), strict=True))

    def _admitted(self, parsed: Query) -> np.ndarray:
        """A mask of the documents every filter of `parsed` keeps (`Filter.keeps`): the
        filters' values are matched once per name (outlet, speaker, kind), not per
        document, and the mask is kept while the user types words after them."""
        key = (self._document_count(), tuple((k, tuple(v)) for k, v in parsed.filters.items()))
        mask = self._filter_masks.get(key)
        if mask is not None:
            return mask
        mask = np.ones(self._document_count(), dtype=bool)
        matches = self._value_matches(parsed)
        for search_filter in self.filters:
            if search_filter.key in parsed.filters:
                typed = [match for match in matches if match.key == search_filter.key]
                for column, codes in search_filter.keeps(self, typed).items():
                    mask &= _holding_codes(self.column(column), codes)
        if len(self._filter_masks) > 8:
            self._filter_masks.clear()
        self._filter_masks[key] = mask
        return mask

    def _value_matches(self, parsed: Query) -> list[ValueMatch]:
        """What each filter value of the query matched: those matched as parsed (`type:`),
        then those matched with the index's names (`outlet:`, `by:`), in FILTERS' order."""
        matches = list(parsed.matched)
        for search_filter in self.filters:
            if search_filter.match is not None:
                values = parsed.filters.get(search_filter.key, [])
                matches += [search_filter.match(self, value) for value in values]
        return matches

    # --- what filters read (query.FilterSource) -------------------------------------

    def column(self, name: str) -> np.ndarray:
        """A column of the documents (`DocumentColumns`), as int64."""
        values = getattr(self._documents(), name)
        return np.asarray(values[: self._document_count()], dtype=np.int64)

    def outlets(self) -> Texts:
        return self._article_outlets()

    def label_texts(self) -> Texts:
        return self._label_texts()

    def kept(self, key: str, build: Callable[[], _T]) -> _T:
        count = self._document_count()
        found = self._filter_names.get(key)
        if found is None or found[0] != count:
            found = self._filter_names[key] = (count, build())
        return cast(_T, found[1])

    def _rank(
        self,
        parsed: Query,
        terms: list[_Term],
        candidates: list[tuple[int, float]],
        skip: int,
        limit: int,
    ) -> tuple[list[Hit], int]:
        """Score candidates 0-100: weighted words found, words found side by side, and
        rapidfuzz's character-level similarity of the query to the best-matching stretch.
        Hits are made for the `limit` after the best `skip`; the count is of all scored."""
        query_text = " ".join(term.word for term in terms)
        total_weight = sum(term.weight for term in terms) or 1.0
        pairs = max(len(terms) - 1, 1)
        meanings: dict[str, list[tuple[int, float]]] = {}
        for number, term in enumerate(terms):
            for word_id, similarity in term.matches.items():
                meanings.setdefault(self._word(word_id), []).append((number, similarity))
        phrases = [f" {' '.join(phrase)} " for phrase in parsed.phrases]
        docs = [doc for doc, _vote in candidates]
        scored = []
        for doc, text in zip(docs, self._texts(docs), strict=True):
            folded = fold(text)
            doc_words = WORD.findall(folded)
            if phrases:
                joined = f" {' '.join(doc_words)} "
                if not all(phrase in joined for phrase in phrases):
                    continue
            best = [0.0] * len(terms)
            places: list[set[int]] = [set() for _ in terms]
            for position, word in enumerate(doc_words):
                for number, similarity in meanings.get(word, ()):
                    places[number].add(position)
                    if similarity > best[number]:
                        best[number] = similarity
            for number, at in _alias_places(terms, doc_words):
                places[number].update(at)
                best[number] = max(best[number], ALIAS_SIMILARITY)
            coverage = sum(term.weight * b for term, b in zip(terms, best, strict=True))
            adjacent = sum(
                any(p + 1 in right or p - 1 in right for p in left)
                for left, right in pairwise(places)
            )
            similarity = fuzz.partial_ratio(query_text, folded)
            score = (
                50.0 * coverage / total_weight
                + (25.0 * adjacent / pairs if len(terms) > 1 else 25.0 * best[0])
                + 0.25 * similarity
            )
            scored.append((score, -doc, doc, folded, best, text))
        scored.sort(key=itemgetter(0, 1), reverse=True)
        hits = []
        for score, _, doc, folded, best, text in scored[skip : skip + limit]:
            # Mark a word only where it is the closest this text has to a typed word:
            # "gabungan" typed and present, so "hubungan" is not marked too.
            marked = {
                word
                for word, found in meanings.items()
                if any(similarity >= best[number] for number, similarity in found)
            }
            shown = parsed.phrases + [list(term.alias) for term in terms if term.alias]
            hits.append(self._hit(doc, text, score, _spans(folded, marked, shown)))
        return hits, len(scored)

    def _filter_only(self, parsed: Query, offset: int, limit: int) -> SearchPage:
        """Queries with filters but no words list matching documents in corpus order."""
        admitted = np.flatnonzero(self._admitted(parsed))
        page = admitted[offset : offset + limit].tolist()
        hits = [
            self._hit(doc, text, 100.0, [])
            for doc, text in zip(page, self._texts(page), strict=True)
        ]
        return SearchPage(hits, len(admitted))

    def _hit(self, doc: int, text: str, score: float, spans: list[tuple[int, int]]) -> Hit:
        kind, owner, paragraph, _record, label = self._document(doc)
        return Hit(
            kind=KINDS[kind],
            article_id=self._article_id(owner) if owner >= 0 else None,
            paragraph=paragraph if paragraph != _NO_NUMBER else None,
            text=text,
            score=round(min(max(score, 0.0), 100.0), 1),
            spans=spans,
            label=self._label_texts()[label] if label >= 0 else None,
        )


class SearchIndex(SearchEngine):
    """An incremental search index in memory; documents are numbered in the order they
    are added. `kabar_tui.core.search.search_store` saves one to the cache database.

    `build` numbers the articles' documents (and words, and speaker labels) first and the
    entities' after them: appending an article to a stored index then writes only its own
    postings and the entities' tail, and gives the index `build` gives (docs/search.md).
    """

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.kinds = array("B")
        self.owners = array("i")  # article number, -1 for entities
        self.paragraphs = array("i")
        self.records = array("i")
        self.label_numbers = array("i")
        self.columns = DocumentColumns(
            self.kinds, self.owners, self.paragraphs, self.records, self.label_numbers
        )
        self.labels: list[str] = []
        self._label_numbers: dict[str, int] = {}
        self.article_ids: list[str] = []
        self.article_outlets: list[str] = []  # folded
        self._article_numbers: dict[str, int] = {}
        self._entity_names: set[str] = set()
        self._word_ids: dict[str, int] = {}
        self.words: list[str] = []
        self.word_lengths = array("H")
        self._frequency_cache: np.ndarray | None = None
        self.word_grams: dict[str, array] = {}
        self.postings: dict[int, array] = {}
        self._sorted_ids: array | None = None
        # (documents, words, labels) before the first entity's document: the articles'
        # part, which appending articles extends; None while there is no entity
        self.article_part: tuple[int, int, int] | None = None
        self.appendable = True  # no article document follows an entity's
        self.mention_entities = 0  # entities' documents made from mentions, not records
        self.article_frequencies: array | None = None  # per word, the articles' documents

    @classmethod
    def build(cls, corpus: Corpus) -> SearchIndex:
        index = cls()
        for article in corpus.articles:
            index.add_article(article, mentions=False)
        index.add_entities(corpus.entities, mention_names(corpus.articles))
        return index

    def add_entities(
        self, entities: Iterable[EntityRecord], mentions: Iterable[tuple[str, str, str]]
    ) -> None:
        """The entities' documents, after the articles': the corpus's entities, then the
        `mention_names` none of them has (so mentions of their aliases add nothing)."""
        for entity in entities:
            self.add_entity(entity)
        for name, label, text in mentions:
            self.mention_entities += self._add_entity(name, label, [text])

    def article_split(self) -> tuple[int, int, int] | None:
        """(documents, words, labels) of the articles' part, None when an article's
        document follows an entity's (the index cannot be appended to)."""
        if not self.appendable:
            return None
        return self.article_part or (len(self.kinds), len(self.words), len(self.labels))

    def __len__(self) -> int:
        return len(self.kinds)

    # --- indexing -------------------------------------------------------------------

    def add_article(self, article: Article, mentions: bool = True) -> None:
        """Index the title, paragraphs and quotes of one article, and unless `mentions` is
        False the entities it names (`build` adds those after every article)."""
        if article.id in self._article_numbers:
            return
        number = len(self.article_ids)
        self.article_ids.append(article.id)
        self.article_outlets.append(fold(article.outlet or ""))
        self._article_numbers[article.id] = number
        if article.title:
            self._add_doc(HitKind.TITLE, number, _NO_NUMBER, 0, article.title)
        for position, paragraph in enumerate(article.paragraphs):
            self._add_doc(HitKind.PASSAGE, number, paragraph.index, position, paragraph.text)
        for position, quote in enumerate(article.quotes):
            speaker = quote.speaker_canonical or quote.speaker
            self._add_doc(
                HitKind.QUOTE, number, quote.paragraph, position, quote.text, speaker, speaker
            )
        if mentions:
            self.add_entities((), mention_names([article]))

    def add_entity(self, entity: EntityRecord) -> None:
        """Index an entity of the corpus (`build` adds them all before the articles)."""
        self._add_entity(entity.canonical, entity.label, entity.aliases)

    def _add_entity(self, name: str, label: str, aliases: list[str]) -> bool:
        key = fold(name)
        if not key.strip() or key in self._entity_names:
            return False
        self._entity_names.add(key)
        self._entity_names.update(fold(alias) for alias in aliases)
        extra = " ".join(alias for alias in aliases if fold(alias) != key)
        self._add_doc(HitKind.ENTITY, -1, _NO_NUMBER, 0, name, label, extra)
        return True

    def _add_doc(
        self,
        kind: HitKind,
        owner: int,
        paragraph: int,
        record: int,
        text: str,
        label: str | None = None,
        extra: str | None = None,
    ) -> int:
        doc = len(self.kinds)
        if kind == HitKind.ENTITY:
            if self.article_part is None:
                self.article_part = (doc, len(self.words), len(self.labels))
                self.article_frequencies = self.word_frequencies()
        elif self.article_part is not None:
            self.appendable = False
        self._keep_text(kind, text)
        self.kinds.append(_KIND_CODE[kind])
        self.owners.append(owner)
        self.paragraphs.append(paragraph)
        self.records.append(record)
        self.label_numbers.append(self._label_number(label) if label else -1)
        folded = fold(f"{text} {extra}" if extra else text)
        ids = [self._intern(word) for word in WORD.findall(folded)]
        keys = set(ids)
        keys.update(_pair_key(a, b) for a, b in pairwise(ids))
        self._frequency_cache = None
        self._post(doc, keys)
        return doc

    def _keep_text(self, kind: HitKind, text: str) -> None:
        """Keep a document's text, to show it (an index only saved keeps less)."""
        self.texts.append(text)

    def _post(self, doc: int, keys: set[int]) -> None:
        postings = self.postings
        for key in keys:
            posting = postings.get(key)
            if posting is None:
                posting = postings[key] = array("I")
            posting.append(doc)

    def _label_number(self, label: str) -> int:
        number = self._label_numbers.get(label)
        if number is None:
            number = self._label_numbers[label] = len(self.labels)
            self.labels.append(label)
        return number

    def _intern(self, word: str) -> int:
        word_id = self._word_ids.get(word)
        if word_id is None:
            word_id = self._word_ids[word] = len(self.words)
            self.words.append(word)
            self.word_lengths.append(min(len(word), 0xFFFF))
            for gram in _grams(word):
                grams = self.word_grams.get(gram)
                if grams is None:
                    grams = self.word_grams[gram] = array("I")
                grams.append(word_id)
            self._sorted_ids = None
            self._expansions.clear()
        return word_id

    # --- what the search asks -------------------------------------------------------

    def _document_count(self) -> int:
        return len(self.kinds)

    def _posting(self, key: int) -> array | None:
        return self.postings.get(key)

    def _frequency(self, word_id: int) -> int:
        return len(self.postings[word_id])

    def _word(self, word_id: int) -> str:
        return self.words[word_id]

    def _find_word(self, word: str) -> int | None:
        return self._word_ids.get(word)

    def _word_lengths(self) -> np.ndarray:
        return np.frombuffer(self.word_lengths, dtype=np.uint16).copy()

    def word_frequencies(self) -> array:
        """Documents per word id, as they are now."""
        return array("I", (len(self.postings[w]) for w in range(len(self.words))))

    def _frequencies(self) -> np.ndarray:
        if self._frequency_cache is None:
            postings = self.postings
            self._frequency_cache = np.fromiter(
                (len(postings[w]) for w in range(len(self.words))), np.int64, len(self.words)
            )
        return self._frequency_cache

    def _sorted_word_ids(self) -> array:
        if self._sorted_ids is None:
            self._sorted_ids = array(
                "I", sorted(range(len(self.words)), key=self.words.__getitem__)
            )
        return self._sorted_ids

    def _gram_words(self, gram: str) -> Sequence[int]:
        return self.word_grams.get(gram, ())

    def _documents(self) -> DocumentColumns:
        return self.columns

    def _label_texts(self) -> list[str]:
        return self.labels

    def _article_outlets(self) -> list[str]:
        return self.article_outlets

    def _texts(self, docs: Sequence[int]) -> list[str]:
        texts = self.texts
        return [texts[doc] for doc in docs]

    def _article_id(self, number: int) -> str:
        return self.article_ids[number]


def mention_names(articles: Iterable[Article]) -> Iterator[tuple[str, str, str]]:
    """(name, label, text) of each mention of `articles`: an entity's document when no
    entity of the corpus has that name."""
    for article in articles:
        for mention in article.entities:
            yield mention.canonical or mention.text, mention.label, mention.text


def _alias_places(terms: list[_Term], doc_words: list[str]) -> Iterator[tuple[int, range]]:
    """(term number, word positions) of each place a term's long name stands in a text."""
    for number, term in enumerate(terms):
        size = len(term.alias)
        for position in range(len(doc_words) - size + 1) if size else ():
            if tuple(doc_words[position : position + size]) == term.alias:
                yield number, range(position, position + size)


def _spans(folded: str, matched_words: set[str], phrases: list[list[str]]) -> list[tuple[int, int]]:
    """Character ranges of matched words and phrases; neighbours joined across spaces."""
    tokens = [(m.start(), m.end(), m.group()) for m in WORD.finditer(folded)]
    marked = [False] * len(tokens)
    for i, (_, _, word) in enumerate(tokens):
        if word in matched_words:
            marked[i] = True
    words = [token[2] for token in tokens]
    for phrase in phrases:
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if words[i : i + size] == phrase:
                marked[i : i + size] = [True] * size
    spans: list[tuple[int, int]] = []
    for (start, end, _), mark in zip(tokens, marked, strict=True):
        if not mark:
            continue
        if spans and not folded[spans[-1][1] : start].strip():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
