"""Quotes and passages as text a reader can paste elsewhere, with where they came from."""

from __future__ import annotations

from kabar_tui.core.model import Article, Quote
from kabar_tui.present.formatting import DEFAULT_LOCALE, format_date


def source_line(article: Article, speaker: str | None = None, locale: str = DEFAULT_LOCALE) -> str:
    """`Speaker, Outlet, 17 Sep 2023, "Title"`: the parts that are known, in that order."""
    parts = [speaker] if speaker else []
    if article.outlet:
        parts.append(article.outlet)
    if article.published is not None:
        parts.append(format_date(article.published, locale))
    parts.append(f"\u201c{article.title}\u201d")
    return ", ".join(parts)


def cite_quote(quote: Quote, article: Article, locale: str = DEFAULT_LOCALE) -> str:
    """The quoted words in quotation marks, then a dash line naming speaker and source."""
    speaker = quote.speaker_canonical or quote.speaker
    words = quote.text.strip().strip('"\u201c\u201d')
    return f"\u201c{words}\u201d\n\u2014 {source_line(article, speaker, locale)}"


def cite_passage(article: Article, paragraph: int, locale: str = DEFAULT_LOCALE) -> str:
    """One paragraph of an article followed by a dash line naming its source."""
    text = article.paragraphs[paragraph].text.strip()
    return f"{text}\n\u2014 {source_line(article, None, locale)}"
