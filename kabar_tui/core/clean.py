"""Turn a raw scraped article into a clean Article (first cut: blank lines only)."""

from __future__ import annotations

from kabar_tui.core.model import Article, Paragraph, RemovedLine
from kabar_tui.core.sources import Source


def clean_source(source: Source) -> Article:
    lines = source.text.splitlines()
    paragraphs: list[Paragraph] = []
    removed: list[RemovedLine] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if len(text.split()) < 4:
            removed.append(RemovedLine(number, line, "too short"))
            continue
        paragraphs.append(Paragraph(len(paragraphs), text, number))
    title = paragraphs[0].text if paragraphs else source.id
    return Article(
        id=source.id,
        path=source.path,
        title=title,
        paragraphs=paragraphs,
        removed=removed,
        content_hash=source.content_hash,
    )
