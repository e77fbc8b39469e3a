"""Where the reader has been: a browser-like list of places with a current position."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(slots=True)
class Location:
    """A place in the history: an article paragraph, or the list when article_id is None."""

    article_id: str | None
    paragraph: int = 0
    terms: list[str] | None = None
    # Opened from a screen that back returns to: ("search",), or ("compare", left id,
    # right id, row, side) with the row and side as text.
    origin: tuple[str, ...] | None = None


class History:
    """Back and forward over visited places; visiting after going back drops the rest."""

    def __init__(self) -> None:
        self.steps: list[Location] = [Location(None)]
        self.position = 0

    def __iter__(self) -> Iterator[Location]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def current(self) -> Location:
        return self.steps[self.position]

    def visit(self, location: Location) -> Location:
        del self.steps[self.position + 1 :]
        self.steps.append(location)
        self.position = len(self.steps) - 1
        return location

    def back(self) -> Location | None:
        if self.position == 0:
            return None
        self.position -= 1
        return self.current

    def forward(self) -> Location | None:
        if self.position >= len(self.steps) - 1:
            return None
        self.position += 1
        return self.current

    def remember_paragraph(self, paragraph: int) -> None:
        """The reader moved its cursor: coming back here returns to this paragraph."""
        if self.current.article_id is not None:
            self.current.paragraph = paragraph
