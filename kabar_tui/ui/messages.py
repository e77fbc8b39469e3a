"""Every message of the reader, in one place.

Navigation requests that screens, panes and the palette post (the app carries them out),
and what the reader's threads hand to the event loop (kabar_tui.ui.asking: the catalog's
answers; the loading, searching and folder-watching threads: docs/ui.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from kabar_tui.core.model import Article, Problem
    from kabar_tui.core.store.catalog import ArticleHead, Catalog, Searcher
    from kabar_tui.ui.asking import Asker
    from kabar_tui.ui.listing import Listing


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


# -- from the reader's threads ----------------------------------------------------------


class Answer(Message):
    """What a question found, for `then` on the event loop (or the error it raised)."""

    def __init__(
        self, asker: Asker, then: Callable[[Any], object], found: Any, error: BaseException | None
    ) -> None:
        self.asker = asker
        self.then = then
        self.found = found
        self.error = error
        super().__init__()


class ArticlesArrived(Message):
    """The loading worker processed (or read from the cache) these articles."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = articles
        super().__init__()


class LoadProgress(Message):
    """Files indexed so far, of how many."""

    def __init__(self, done: int, total: int) -> None:
        self.done = done
        self.total = total
        super().__init__()


class FirstRows(Message):
    """The list's first screen, asked of the catalog before all its heads."""

    def __init__(self, catalog: Catalog, heads: list[ArticleHead]) -> None:
        self.catalog = catalog
        self.heads = heads
        super().__init__()


class CatalogReady(Message):
    """The final catalog: every article and the cross-article results, and the list's heads."""

    def __init__(self, catalog: Catalog, listing: Listing, problems: list[Problem]) -> None:
        self.catalog = catalog
        self.listing = listing
        self.problems = problems
        super().__init__()


class SearcherReady(Message):
    """The catalog's search index is open (or built) and answers."""

    def __init__(self, catalog: Catalog, searcher: Searcher) -> None:
        self.catalog = catalog
        self.searcher = searcher
        super().__init__()


class FoldersChecked(Message):
    """The folders were checked against the cache (at start, or after a change on disk),
    and indexed when they differed: `key` is the stored corpus they hold now (None when it
    could not be stored), `problems` what reading them said."""

    def __init__(self, key: str | None, problems: list[Problem]) -> None:
        self.key = key
        self.problems = problems
        super().__init__()


class ArticlesPreviewed(Message):
    """Files that changed on disk, processed alone while the corpus is indexed again with
    them: `articles` to list now (without links or stories yet), the ids of the rows they
    replace or whose files have gone in `gone`, both about the list of `catalog`."""

    def __init__(self, catalog: Catalog, articles: list[Article], gone: list[str]) -> None:
        self.catalog = catalog
        self.articles = articles
        self.gone = gone
        super().__init__()


class WatchNote(Message):
    """How the folders are watched, said once (polling, or not watched at all)."""

    def __init__(self, note: str) -> None:
        self.note = note
        super().__init__()
