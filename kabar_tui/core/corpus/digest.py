"""What the cross-article stage needs of each article, kept compact while a corpus is indexed.

A processed `Article` holds its paragraphs, captions, removed lines, edits, a hundred
mention objects and its quotes: about 50 KB in memory, so a corpus held whole until
linking grows by 5 GB per 100k articles. Linking, stories and name resolution need far
less, and it can be taken from each article as it arrives, once it is stored:

- linking: its passages (normalized paragraph text, quotations, content words), in one
  `PassageBlock` (a few objects per article instead of several per paragraph), moved
  into the corpus's `PassageBuffer` as it arrives (`CorpusDigest.held`);
- stories: its id, title, date, and the number of words of each paragraph;
- resolution: each mention as one integer, a code into the corpus's table of distinct
  (text, label) pairs; its quotations as plain tuples; the abbreviations it defines and
  the person names in its captions, found here once (they need its texts).

`CorpusDigest` holds these for a whole corpus; `finish_digest` runs the cross-article
stage on it (pipeline.py), so the same code serves a corpus in memory and one streamed
into the cache (docs/indexing.md).

A digest is stored with its article (`pack_digest`, table `article_digests`), with the
article's search terms: a whole cross-article stage after a changed or removed file reads
them back (`unpack_digest`) instead of reading every article and digesting it again
(docs/incremental.md, "Stored digests"). In a first index, a digest lets go of what
linking does not read (`without_rest`), held packed and unpacked after linking
(`unpack_rest`): the index does not hold every article's quotations and mentions
through linking (docs/indexing.md, "The rest of the digests held packed").
"""

from __future__ import annotations

import json
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from sys import intern
from typing import TYPE_CHECKING

from kabar_tui.core.corpus.linking import prepare_passages
from kabar_tui.core.corpus.linking_passages import Passage, PassageBlock, PassageBuffer
from kabar_tui.core.model import Article

if TYPE_CHECKING:  # imported where used: starting the reader loads no numpy
    from kabar_tui.core.search.search_build import ArticleTerms

# (text, speaker, paragraph, start, end) of a quotation
QuoteRow = tuple[str, str | None, int, int, int]
MentionForm = tuple[str, str]  # (text, label) of a mention
_NO_NAMES: Counter[str] = Counter()


@dataclass(slots=True)
class ArticleDigest:
    """One article as the cross-article stage sees it (see the module's docstring)."""

    id: str
    content_hash: str
    title: str
    published: datetime | None
    paragraph_words: array[int]  # paragraph index, word count, index, count, ...
    # a PassageBlock, or once held its share of the corpus's PassageBuffer, or a list
    passages: Sequence[Passage]
    mentions: array[int]  # codes into CorpusDigest.forms, in the article's order
    quotes: list[QuoteRow]
    abbreviations: dict[str, str]  # spelling key of a short form -> of its long form
    caption_people: Counter[str]  # spelling keys of person names in the captions

    def word_counts(self) -> Iterable[tuple[int, int]]:
        """(paragraph index, words) of every paragraph, in order."""
        numbers = self.paragraph_words
        return zip(numbers[0::2], numbers[1::2], strict=True)


class CorpusDigest:
    """The digests of a corpus's articles, the distinct mention forms they point to, and
    their passages until linked."""

    def __init__(self) -> None:
        self.articles: list[ArticleDigest] = []
        self.forms: list[MentionForm] = []  # each once
        self._codes: dict[MentionForm, int] = {}
        self.passages = PassageBuffer()  # the held digests' passages

    @classmethod
    def of(cls, articles: Iterable[Article]) -> CorpusDigest:
        digest = cls()
        digest.articles = [digest.digest(article) for article in articles]
        return digest

    def digest(self, article: Article) -> ArticleDigest:
        """The digest of one article (not added: the caller puts it in corpus order)."""
        return self.coded(*uncoded_digest(article))

    def coded(self, digest: ArticleDigest, forms: Iterable[MentionForm]) -> ArticleDigest:
        """`digest` given its mentions' codes, one per (text, label) form in `forms`, and
        held (`held`)."""
        self._code(digest.mentions, forms)
        return self.held(digest)

    def held(self, digest: ArticleDigest) -> ArticleDigest:
        """`digest` with its passages moved into the corpus's buffer as it arrives: its
        block (a string, a tuple of words and a few more objects per article, each word
        its own string when made in another process) let go of at once, so its memory is
        reused by the next, and the passages of a whole corpus are a few large arrays
        (docs/indexing.md, "passagepack")."""
        digest.passages = self.passages.take(digest.id, digest.passages)
        return digest

    def drop_passages(self) -> None:
        """Let go of every digest's passages (linked: the link index holds them now)."""
        for article in self.articles:
            article.passages = []
        self.passages = PassageBuffer()

    def _code(self, mentions: array[int], forms: Iterable[MentionForm]) -> None:
        codes = self._codes
        for form in forms:
            code = codes.get(form)
            if code is None:
                code = codes[form] = len(self.forms)
                self.forms.append((intern(form[0]), intern(form[1])))
            mentions.append(code)

    def refill(self, digest: ArticleDigest, rest: StoredRest) -> None:
        """Give a digest whose rest was let go (`held_back`) its rest again, unpacked
        (`unpack_rest`), its mentions coded here."""
        quotes, abbreviations, people, forms = rest
        mentions = array("i")
        self._code(mentions, forms)
        digest.mentions = mentions
        digest.quotes = quotes
        digest.abbreviations = abbreviations
        digest.caption_people = people


# The quotations of a digest whose rest is not held (`held_back`): one object for all.
_NOT_HELD: list[QuoteRow] = []
_NO_MENTIONS = array("i")


def held_back(digest: ArticleDigest) -> bool:
    """Whether `digest` was let go of its mentions, quotations, abbreviations and
    caption names (`without_rest`): they are held packed, to be unpacked."""
    return digest.quotes is _NOT_HELD


def without_rest(digest: ArticleDigest, forms: Sequence[MentionForm]) -> bytes:
    """`digest` keeping only what linking, stories and the link state need (passages, id,
    hash, title, date, word counts); the rest (its mentions as `forms`), returned packed
    for `unpack_rest` and `CorpusDigest.refill` after linking. Held packed in memory, not
    read back from the cache: the index then does not depend on the cache staying as it
    wrote it (docs/indexing.md, "The rest of the digests held packed")."""
    packed = packed_rest(digest, forms)
    held_apart(digest)
    return packed


def held_apart(digest: ArticleDigest) -> ArticleDigest:
    """`digest` marked as let go of its rest (`held_back`), its rest dropped: also what a
    digest `without_rest` made in another process (an indexing worker) needs once
    unpickled here, where its markers arrive as new empty objects."""
    digest.mentions = _NO_MENTIONS
    digest.quotes = _NOT_HELD
    digest.abbreviations = {}
    digest.caption_people = _NO_NAMES
    return digest


def uncoded_digest(
    article: Article, people: Counter[str] | None = None
) -> tuple[ArticleDigest, list[MentionForm]]:
    """An article's digest without its mention codes, and the (text, label) form of each
    mention: everything that depends on the article alone, so the indexing workers make
    it and the process that gathers the corpus only codes the forms (`CorpusDigest.coded`).
    `people`: its `caption_people` when already found (`uncoded_digests`)."""
    from kabar_tui.core.corpus.resolve import abbreviations_defined, caption_people

    forms = [(str(mention.text), str(mention.label)) for mention in article.entities]
    words = array("l")
    for paragraph in article.paragraphs:
        words.append(paragraph.index)
        words.append(len(paragraph.text.split()))
    if people is None:
        people = caption_people(article) if article.captions else _NO_NAMES
    digest = ArticleDigest(
        id=article.id,
        content_hash=article.content_hash,
        title=article.title,
        published=article.published,
        paragraph_words=words,
        passages=PassageBlock.of(article.id, prepare_passages(article)),
        mentions=array("i"),
        quotes=[(q.text, q.speaker, q.paragraph, q.start, q.end) for q in article.quotes],
        abbreviations=abbreviations_defined(article),
        caption_people=people,
    )
    return digest, forms


# A stored digest (`pack_digest`): zlib (level 1: a third of the size, 0.05 ms per article
# to unpack) of a count of parts, each part's length (array "I"), then the parts, in
# this order: paragraph numbers and word counts (array "i"); the passages' texts; their
# paragraph numbers and ends (array "i"); their content words, space-separated (a
# content word has no space); a JSON list of the rest (`_Rest`); the search terms' words,
# space-separated (a folded word has no space); their tokens (array "I"); the words per
# document (array "I"). Nothing in it is code: packed integers, text and JSON.
_PARTS = 8
_LEVEL = 1
_ENCODING = "utf-8"
_ERRORS = "surrogatepass"  # any str, as the articles' own rows take it


class DigestUnreadable(ValueError):
    """A stored digest that does not unpack to one: the article is digested again."""


def pack_digest(digest: ArticleDigest, forms: Sequence[MentionForm], terms: ArticleTerms) -> bytes:
    """An article's digest (its mentions as `forms`, not yet coded) and search terms, as
    stored with it; `unpack_digest` gives them back equal."""
    passages = digest.passages
    if not isinstance(passages, PassageBlock):
        passages = PassageBlock.of(digest.id, passages)
    rest = [
        digest.quotes,
        digest.abbreviations,
        digest.caption_people,
        sorted((passages.quotes or {}).items()),
        forms,
        terms.outlet,
        terms.title,
    ]
    parts = [
        array("i", digest.paragraph_words).tobytes(),
        passages.texts.encode(_ENCODING, _ERRORS),
        array("i", passages.ends).tobytes(),
        " ".join(passages.content).encode(_ENCODING, _ERRORS),
        json.dumps(rest, ensure_ascii=False, separators=(",", ":")).encode(_ENCODING, _ERRORS),
        " ".join(terms.words).encode(_ENCODING, _ERRORS),
        terms.tokens,
        array("I", terms.lengths).tobytes(),
    ]
    sizes = array("I", [len(part) for part in parts])
    return zlib.compress(b"".join([bytes([_PARTS]), sizes.tobytes(), *parts]), _LEVEL)


# What `without_rest` lets go of: a digest's quotations, abbreviations, caption names
# and mention forms.
def packed_rest(digest: ArticleDigest, forms: Sequence[MentionForm]) -> bytes:
    """The rest `without_rest` lets go of (its mentions as `forms`), packed for
    `unpack_rest`; the digest keeps it."""
    rest = [digest.quotes, digest.abbreviations, digest.caption_people, forms]
    text = json.dumps(rest, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode(_ENCODING, _ERRORS), _LEVEL)


StoredRest = tuple[list[QuoteRow], dict[str, str], Counter[str], list[MentionForm]]


def _parts(data: bytes) -> list[bytes]:
    """The parts `pack_digest` joined; DigestUnreadable when `data` is not a digest."""
    whole = zlib.decompress(data)
    if not whole or whole[0] != _PARTS:
        raise DigestUnreadable("not a stored digest")
    sizes = array("I", whole[1 : 1 + 4 * _PARTS])
    if len(sizes) != _PARTS or 1 + 4 * _PARTS + sum(sizes) != len(whole):
        raise DigestUnreadable("a stored digest of the wrong length")
    parts = []
    at = 1 + 4 * _PARTS
    for size in sizes:
        parts.append(whole[at : at + size])
        at += size
    return parts


def unpack_rest(data: bytes) -> StoredRest:
    """What `without_rest` let go of, from the bytes it returned (or `unpack_held_digest`,
    which holds a stored digest's rest as stored); DigestUnreadable when `data` is not
    such bytes."""
    try:
        rest = json.loads(zlib.decompress(data).decode(_ENCODING, _ERRORS))
        if len(rest) == _STORED_REST:
            quotes, abbreviations, people, _, forms, _, _ = rest
        else:
            quotes, abbreviations, people, forms = rest
        return (
            [
                (text, speaker, paragraph, start, end)
                for text, speaker, paragraph, start, end in quotes
            ],
            dict(abbreviations),
            Counter(people) if people else _NO_NAMES,
            [(text, label) for text, label in forms],
        )
    except (zlib.error, ValueError, TypeError, OverflowError, IndexError, KeyError) as error:
        raise DigestUnreadable(f"{type(error).__name__}: {error}") from error


# items of a stored digest's JSON rest (`pack_digest`); `without_rest` holds 4
_STORED_REST = 7


def unpack_digest(
    data: bytes, article_id: str, content_hash: str, title: str, published: datetime | None
) -> tuple[ArticleDigest, list[MentionForm], ArticleTerms]:
    """The digest (mentions not coded), mention forms and search terms `pack_digest`
    stored, for the article of that id (ids depend on the corpus), hash, title and date
    (from its row). DigestUnreadable when `data` is not one."""
    digest, forms, terms, _ = _unpacked(data, article_id, content_hash, title, published, False)
    return digest, forms, terms


def unpack_held_digest(
    data: bytes, article_id: str, content_hash: str, title: str, published: datetime | None
) -> tuple[ArticleDigest, bytes, ArticleTerms]:
    """`unpack_digest` followed by `without_rest`, without making the rest's objects:
    the digest let go of its rest, the rest packed as stored (for `unpack_rest`), and the
    search terms. Its quotations and mention forms, a hundred tuples an article made
    then packed again, were most of the cost of reading the stored digests."""
    digest, _, terms, rest = _unpacked(data, article_id, content_hash, title, published, True)
    return digest, zlib.compress(rest, _LEVEL), terms


def _unpacked(
    data: bytes,
    article_id: str,
    content_hash: str,
    title: str,
    published: datetime | None,
    held: bool,
) -> tuple[ArticleDigest, list[MentionForm], ArticleTerms, bytes]:
    """`unpack_digest`, or (`held`) the digest without its rest and the rest's JSON as
    stored, its forms not made."""
    from kabar_tui.core.search.search_build import ArticleTerms

    try:
        words, texts, ends, content, rest, term_words, tokens, lengths = _parts(data)
        quotes, abbreviations, people, passage_quotes, forms, outlet, titled = json.loads(
            rest.decode(_ENCODING, _ERRORS)
        )
        paragraph_words = array("i", words)
        content_words = content.decode(_ENCODING, _ERRORS)
        found_words = term_words.decode(_ENCODING, _ERRORS)
        passages = PassageBlock(
            article_id,
            texts.decode(_ENCODING, _ERRORS),
            array("i", ends),
            tuple(content_words.split(" ")) if content_words else (),
            {slot: tuple(spans) for slot, spans in passage_quotes} or None,
        )
        quote_paragraphs = array("i", [row[2] for row in quotes])
        if held:
            digest = ArticleDigest(
                article_id,
                content_hash,
                title,
                published,
                paragraph_words,
                passages,
                _NO_MENTIONS,
                _NOT_HELD,
                {},
                _NO_NAMES,
            )
            mention_forms: list[MentionForm] = []
        else:
            digest = ArticleDigest(
                id=article_id,
                content_hash=content_hash,
                title=title,
                published=published,
                paragraph_words=paragraph_words,
                passages=passages,
                mentions=array("i"),
                quotes=[
                    (text, speaker, paragraph, start, end)
                    for text, speaker, paragraph, start, end in quotes
                ],
                abbreviations=dict(abbreviations),
                caption_people=Counter(people) if people else _NO_NAMES,
            )
            mention_forms = [(text, label) for text, label in forms]
        terms = ArticleTerms(
            id=article_id,
            outlet=outlet,
            title=bool(titled),
            paragraphs=paragraph_words[0::2],
            quote_paragraphs=quote_paragraphs,
            words=found_words.split(" ") if found_words else [],
            tokens=tokens,
            lengths=array("I", lengths),
        )
        return digest, mention_forms, terms, rest
    except DigestUnreadable:
        raise
    except (zlib.error, ValueError, TypeError, OverflowError, IndexError, KeyError) as error:
        raise DigestUnreadable(f"{type(error).__name__}: {error}") from error
