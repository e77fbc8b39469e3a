"""Navigation requests that screens, panes and the palette post; the app carries them out."""

from __future__ import annotations

from textual.message import Message


class OpenArticle(Message):
    """Open an article at a paragraph (recorded in the history)."""

    def __init__(
        self,
        article_id: str,
        paragraph: int = 0,
        terms: list[str] | None = None,
        *,
        origin: tuple[str, ...] | None = None,
    ) -> None:
        """`origin`: the screen back returns to (see `Location.origin`)."""
        self.article_id = article_id
        self.paragraph = paragraph
        self.terms = terms
        self.origin = origin
        super().__init__()


class ShowEntity(Message):
    """Show every mention of an entity across the corpus."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__()


class Compare(Message):
    """Compare an article with another of its story (the most related when None)."""

    def __init__(self, article_id: str, other_id: str | None = None) -> None:
        self.article_id = article_id
        self.other_id = other_id
        super().__init__()


class ShowList(Message):
    """Go to the article list."""
