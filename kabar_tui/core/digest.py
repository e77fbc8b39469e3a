"""What the cross-article stage needs of each article, kept compact while a corpus is indexed.

A processed `Article` holds its paragraphs, captions, removed lines, edits, a hundred
mention objects and its quotes: about 50 KB in memory, so a corpus held whole until
linking grows by 5 GB per 100k articles. Linking, stories and name resolution need far
less, and it can be taken from each article as it arrives, once it is stored:

- linking: its passages (normalized paragraph text, quotations, content words), in one
  `PassageBlock` (a few objects per article instead of several per paragraph);
- stories: its id, title, date, and the number of words of each paragraph;
- resolution: each mention as one integer, a code into the corpus's table of distinct
  (text, label) pairs; its quotations as plain tuples; the abbreviations it defines and
  the person names in its captions, found here once (they need its texts).

`CorpusDigest` holds these for a whole corpus; `finish_digest` runs the cross-article
stage on it (pipeline.py), so the same code serves a corpus in memory and one streamed
into the cache (docs/indexing.md).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from sys import intern

from kabar_tui.core.linking import prepare_passages
from kabar_tui.core.linking_passages import Passage, PassageBlock
from kabar_tui.core.model import Article

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
    passages: Sequence[Passage]  # a PassageBlock (compact), or a list
    mentions: array[int]  # codes into CorpusDigest.forms, in the article's order
    quotes: list[QuoteRow]
    abbreviations: dict[str, str]  # spelling key of a short form -> of its long form
    caption_people: Counter[str]  # spelling keys of person names in the captions

    def word_counts(self) -> Iterable[tuple[int, int]]:
        """(paragraph index, words) of every paragraph, in order."""
        numbers = self.paragraph_words
        return zip(numbers[0::2], numbers[1::2], strict=True)


class CorpusDigest:
    """The digests of a corpus's articles, and the distinct mention forms they point to."""

    def __init__(self) -> None:
        self.articles: list[ArticleDigest] = []
        self.forms: list[MentionForm] = []  # each once
        self._codes: dict[MentionForm, int] = {}

    @classmethod
    def of(cls, articles: Iterable[Article]) -> CorpusDigest:
        digest = cls()
        digest.articles = [digest.digest(article) for article in articles]
        return digest

    def digest(self, article: Article) -> ArticleDigest:
        """The digest of one article (not added: the caller puts it in corpus order)."""
        return self.coded(*uncoded_digest(article))

    def coded(self, digest: ArticleDigest, forms: Iterable[MentionForm]) -> ArticleDigest:
        """`digest` given its mentions' codes, one per (text, label) form in `forms`.

        Made in another process, its words come unshared: the content words of its
        passages are interned again, as `prepare_passages` leaves them."""
        codes = self._codes
        mentions = digest.mentions
        for form in forms:
            code = codes.get(form)
            if code is None:
                code = codes[form] = len(self.forms)
                self.forms.append((intern(form[0]), intern(form[1])))
            mentions.append(code)
        passages = digest.passages
        if isinstance(passages, PassageBlock):
            passages.content = tuple(map(intern, passages.content))
        else:
            for passage in passages:
                passage.content = tuple(map(intern, passage.content))
        return digest


def uncoded_digest(
    article: Article, people: Counter[str] | None = None
) -> tuple[ArticleDigest, list[MentionForm]]:
    """An article's digest without its mention codes, and the (text, label) form of each
    mention: everything that depends on the article alone, so the indexing workers make
    it and the process that gathers the corpus only codes the forms (`CorpusDigest.coded`).
    `people`: its `caption_people` when already found (`uncoded_digests`)."""
    from kabar_tui.core.resolve import abbreviations_defined, caption_people

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
