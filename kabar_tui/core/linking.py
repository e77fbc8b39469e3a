"""Link paragraphs that say the same thing in different articles.

Two stages so the cost grows with the corpus, not with its square:
candidates come from an inverted index of sampled word 4-gram fingerprints (republished
text) and of rare lowercase content words (the same event told in other words); only
candidates are scored with rapidfuzz. `LinkIndex` adds one article at a time, so a new
article is linked without recomputing the rest.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from sys import intern

from rapidfuzz import fuzz

from kabar_tui.core.model import Article, Corpus, Link

SAME_TEXT = "same text"
SAME_QUOTE = "same quote"
SIMILAR = "similar"

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

# Indonesian function words: never evidence that two paragraphs tell the same thing.
_STOPWORD_LIST = """
    ada adalah agar akan aku anda antara apa apabila atas atau bagi bahwa baik bagaimana
    banyak bila bisa belum beberapa begitu bersama berbagai boleh bukan dalam dan dapat dari
    demikian dengan di dia dua hal hanya harus hingga ia ini itu jadi jika juga kami kamu
    karena kata ke kemudian kepada ketika kita lagi lain lalu lebih maka mana masih mereka
    namun oleh pada para pernah pula pun saat saja sama sambil sampai satu saya seperti
    sebagai sebelum sebuah secara sedang sehingga sejak sekitar selain selama semua sendiri
    serta setelah sudah supaya tak tanpa telah tentang tersebut tetapi tiga tidak untuk
    yaitu yakni yang se nya pak bu katanya ujar ujarnya tutur tuturnya menurut
    mengatakan
"""
STOPWORDS = frozenset(_STOPWORD_LIST.split())

_WORD = re.compile(r"\w+")
# a word of three or more characters written with a lowercase first letter (not a name)
_LOWERCASE_WORD = re.compile(r"(?<!\w)[a-z]\w{2,}")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]+)[\"“”«»„]")
_KIND_ORDER = {SAME_TEXT: 0, SAME_QUOTE: 1, SIMILAR: 2}
_ABSENT = object()


def fold(text: str) -> str:
    """Case-fold and drop diacritics, so "Jokowi" matches "jokowi" and "é" matches "e"."""
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def words_of(text: str) -> list[str]:
    return _WORD.findall(fold(text).casefold())


def quoted_spans(text: str) -> list[str]:
    """Text between quote marks, as normalized word strings of at least QUOTE_MIN_WORDS."""
    spans = []
    for match in _QUOTED.finditer(text):
        words = words_of(match.group(1))
        if len(words) >= QUOTE_MIN_WORDS:
            spans.append(" ".join(words))
    return spans


@dataclass(slots=True)
class _Passage:
    """What linking keeps about one paragraph: normalized text and its evidence."""

    article: str
    paragraph: int
    text: str  # normalized words joined by single spaces
    quotes: tuple[str, ...]
    content: tuple[str, ...]  # distinct content words written in lowercase (names are not)


def _passage(article_id: str, index: int, text: str, extra_quotes: list[str]) -> _Passage:
    folded = fold(text)
    words = _WORD.findall(folded.casefold())
    lowercase = {w.casefold() for w in _LOWERCASE_WORD.findall(folded)}
    content = tuple(map(intern, lowercase.difference(STOPWORDS)))
    quotes = quoted_spans(text)
    known = set(quotes)  # a set: an article of thousands of quotes stays linear
    for quote in extra_quotes:
        normalized = " ".join(words_of(quote))
        if len(normalized.split()) >= QUOTE_MIN_WORDS and normalized not in known:
            known.add(normalized)
            quotes.append(normalized)
    return _Passage(article_id, index, " ".join(words), tuple(quotes), content)


def _quote_score(a: _Passage, b: _Passage) -> float:
    """How well a quotation of one paragraph is found in the other (0 when not)."""
    best = 0.0
    padded_a, padded_b = f" {a.text} ", f" {b.text} "
    for quote in a.quotes:
        if f" {quote} " in padded_b:
            return 100.0
        for other in b.quotes:
            best = max(best, fuzz.ratio(quote, other))
    for quote in b.quotes:
        if f" {quote} " in padded_a:
            return 100.0
    return best if best >= SAME_QUOTE_MIN_RATIO else 0.0


def _shared_run_words(a: _Passage, b: _Passage, words: set[str]) -> set[str]:
    """Those of `words` that lie inside word runs both paragraphs contain."""
    wa, wb = a.text.split(), b.text.split()
    runs_b = {tuple(wb[i : i + SIMILAR_RUN]) for i in range(len(wb) - SIMILAR_RUN + 1)}
    covered: set[str] = set()
    for i in range(len(wa) - SIMILAR_RUN + 1):
        run = tuple(wa[i : i + SIMILAR_RUN])
        if run in runs_b:
            covered.update(w for w in run if w in words)
    return covered


def quotes_by_paragraph(article: Article) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for quote in article.quotes:
        found.setdefault(quote.paragraph, []).append(quote.text)
    return found


class LinkIndex:
    """Paragraph links for a growing corpus; `add_article` links one article to the rest."""

    def __init__(self) -> None:
        self._passages: list[_Passage] = []
        self._articles: set[str] = set()
        # fingerprint or word -> passage number(s); None once too common (see _post)
        self._fingerprints: dict[int, int | list[int] | None] = {}
        self._rare_words: dict[str, int | list[int] | None] = {}
        self._frequency: Counter[str] = Counter()  # paragraphs containing each content word
        self._counted = 0  # paragraphs counted in _frequency
        self._word_codes = _WordCodes()
        self.links: list[Link] = []

    @classmethod
    def build(cls, articles: list[Article]) -> LinkIndex:
        """Index and link many articles, judging word rarity on all of them at once."""
        index = cls()
        prepared = [index._prepare(article) for article in articles]
        for passages in prepared:
            index._count(passages)
        for passages in prepared:
            index.links.extend(index._add(passages))
        return index

    def __len__(self) -> int:
        return len(self._passages)

    def add_article(self, article: Article) -> list[Link]:
        """Index the article and return its links to the articles added before it."""
        passages = self._prepare(article)
        self._count(passages)
        found = self._add(passages)
        self.links.extend(found)
        return found

    def _prepare(self, article: Article) -> list[_Passage]:
        if article.id in self._articles:
            return []  # an id seen before: its paragraphs are already linked
        self._articles.add(article.id)
        quotes = quotes_by_paragraph(article)
        passages = [
            _passage(article.id, p.index, p.text, quotes.get(p.index, []))
            for p in article.paragraphs
        ]
        return [p for p in passages if p.text.count(" ") + 1 >= MIN_WORDS]

    def _count(self, passages: list[_Passage]) -> None:
        for passage in passages:
            self._frequency.update(passage.content)
        self._counted += len(passages)

    def _add(self, passages: list[_Passage]) -> list[Link]:
        found: list[Link] = []
        keys = [self._fingerprints_of(passage) for passage in passages]
        for passage, passage_keys in zip(passages, keys, strict=True):
            found.extend(self._link(passage, passage_keys))
        for passage, passage_keys in zip(passages, keys, strict=True):
            self._index(passage, passage_keys)
        return found

    def _score(self, a: _Passage, b: _Passage) -> tuple[float, str] | None:
        """The score and kind of the link between two paragraphs, None when unrelated."""
        ratio = fuzz.ratio(a.text, b.text)
        if ratio >= SAME_TEXT_MIN_RATIO:
            return round(ratio, 1), SAME_TEXT
        if (a.quotes or b.quotes) and (quote := _quote_score(a, b)):
            return round(quote, 1), SAME_QUOTE
        shared = set(a.content).intersection(b.content)
        if len(shared) < SIMILAR_MIN_SHARED_WORDS:
            return None
        limit = max(RARE_WORD_POSTING_CAP, self._counted * RARE_SHARE)
        rare = {w for w in shared if self._frequency[w] <= limit}
        if len(rare) < SIMILAR_MIN_RARE_WORDS:
            return None
        covered = _shared_run_words(a, b, shared)
        if (
            len(covered) >= SIMILAR_MIN_SHARED_WORDS
            and len(covered & rare) >= SIMILAR_MIN_RARE_WORDS
        ):
            return round(fuzz.token_set_ratio(a.text, b.text), 1), SIMILAR
        return None

    def _fingerprints_of(self, passage: _Passage) -> list[int]:
        """The key of each word 4-gram, in text order.

        Keys hash word codes (crc32), not strings: str hashes change per process, and the
        sampled subset must not. Runs of function words are not filtered out: they soon
        reach the posting cap and stop counting.
        """
        codes = list(map(self._word_codes.__getitem__, passage.text.split()))
        return list(map(hash, zip(*(codes[i:] for i in range(SHINGLE)), strict=False)))

    def _candidates(self, passage: _Passage, keys: list[int]) -> list[int]:
        shared: Counter[int] = Counter()
        for posting in map(self._fingerprints.get, keys):
            if type(posting) is int:
                shared[posting] += 1
            elif posting:
                shared.update(posting)
        rare: Counter[int] = Counter()
        for word in passage.content:
            posting = self._rare_words.get(word)
            if type(posting) is int:
                rare[posting] += 1
            elif posting:
                rare.update(posting)
        strong = {n for n, count in shared.items() if count >= STRONG_FINGERPRINTS}
        strong.update(n for n, count in rare.items() if count >= RARE_WORDS_MIN_SHARED)
        weak = [
            n
            for n, count in shared.most_common(MAX_CANDIDATES)
            if count >= WEAK_FINGERPRINTS and n not in strong
        ]
        return [*strong, *weak]

    def _link(self, passage: _Passage, keys: list[int]) -> list[Link]:
        links = []
        for number in self._candidates(passage, keys):
            other = self._passages[number]
            if other.article == passage.article:
                continue
            scored = self._score(passage, other)
            if scored:
                score, kind = scored
                links.append(
                    Link(
                        passage.article,
                        passage.paragraph,
                        other.article,
                        other.paragraph,
                        score,
                        kind,
                    )
                )
        return links

    def _index(self, passage: _Passage, keys: list[int]) -> None:
        number = len(self._passages)
        self._passages.append(passage)
        in_quote = _quote_word_positions(passage.text.split(), passage.quotes)
        short = len(keys) < SHORT_PASSAGE
        for position, key in enumerate(keys):
            if short or key % SAMPLE_MODULUS == 0 or position in in_quote:
                _post(self._fingerprints, key, number, FINGERPRINT_POSTING_CAP)
        for word in passage.content:
            _post(self._rare_words, word, number, RARE_WORD_POSTING_CAP)


class _WordCodes(dict):
    """word -> crc32 of the word, computed on first use."""

    def __missing__(self, word: str) -> int:
        code = self[word] = zlib.crc32(word.encode())
        return code


def _post(index: dict, key: object, number: int, cap: int) -> None:
    """Add to a posting: a bare int while single (most are: memory), then a list, then
    None once it reaches `cap` (too common to suggest anything)."""
    posting = index.get(key, _ABSENT)
    if posting is _ABSENT:
        index[key] = number
    elif posting is None:
        return
    elif type(posting) is int:
        if posting != number:
            index[key] = [posting, number]
    elif len(posting) >= cap:
        index[key] = None
    elif posting[-1] != number:
        posting.append(number)


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


def link_corpus(corpus: Corpus) -> list[Link]:
    """Every link in the corpus, each pair of paragraphs once."""
    return LinkIndex.build(corpus.articles).links


def related(corpus: Corpus, article_id: str, paragraph: int | None = None) -> list[Link]:
    """Links of one article (or one of its paragraphs), that article as source, best first."""
    found = []
    for link in corpus.links:
        if link.source_article == article_id:
            oriented = link
        elif link.target_article == article_id:
            oriented = Link(
                link.target_article,
                link.target_paragraph,
                link.source_article,
                link.source_paragraph,
                link.score,
                link.kind,
            )
        else:
            continue
        if paragraph is None or oriented.source_paragraph == paragraph:
            found.append(oriented)
    found.sort(key=lambda link: (_KIND_ORDER.get(link.kind, 9), -link.score, link.source_paragraph))
    return found
