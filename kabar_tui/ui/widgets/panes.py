"""The reader's side panes. Each pane is one PaneContent class: title, items, how an item
looks, where Enter on it goes; SidePane draws whichever is open with its empty and
waiting states. Adding a pane is a subclass here and a binding in the reader.

Items are collected from the catalog (`collect`), in its thread when it is stored: the
related pane reads the links of the paragraph and the passages they lead to (their
articles' heads and those paragraphs, not the whole articles)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from kabar_tui.core.model import Article, Link, Quote
from kabar_tui.core.shortening import shortened
from kabar_tui.core.store.catalog import ArticleHead, Catalog, entity_key
from kabar_tui.i18n import _
from kabar_tui.ui.access import KabarNode
from kabar_tui.ui.labels import known_source, link_kind_label
from kabar_tui.ui.messages import OpenArticle, ShowEntity

SNIPPET = 160  # characters of a related passage shown, `…` included
SOURCE_TITLE = 40  # characters of the title naming a passage's article of no known outlet
CONTEXT = 240  # characters of the paragraph shown above a full-width pane, `…` included


@dataclass(slots=True)
class Passage:
    """A related-pane item: a link, the head of the article it leads to and the linked
    paragraph's text (None and "" when that article has gone)."""

    link: Link
    other: ArticleHead | None
    text: str = ""


class PaneContent:
    """What one pane lists for an article at a paragraph."""

    name: ClassVar[str]
    needs_linking: ClassVar[bool] = False  # lists cross-article results
    follows_cursor: ClassVar[bool] = False  # lists things about the current paragraph

    def __init__(self, article: Article, paragraph: int, locale: str, items: list) -> None:
        self.article = article
        self.paragraph = paragraph
        self.locale = locale
        self.items = items

    @staticmethod
    def title() -> str:
        raise NotImplementedError

    def empty(self) -> str:
        raise NotImplementedError

    @staticmethod
    def collect(catalog: Catalog, article: Article, paragraph: int) -> list:
        """The items (asked in a worker when the catalog is stored)."""
        raise NotImplementedError

    def prompt(self, item) -> Text:
        raise NotImplementedError

    def target(self, item) -> Message:
        raise NotImplementedError


class EntitiesPane(PaneContent):
    name = "entities"
    needs_linking = True

    @staticmethod
    def title() -> str:
        return _("Entities")

    def empty(self) -> str:
        return _("No entities found in this article")

    @staticmethod
    def collect(catalog: Catalog, article: Article, paragraph: int) -> list[tuple[str, str, int]]:
        """(name, label, mentions) of the article's entities, most mentioned first."""
        counts: dict[tuple[str, str], int] = {}
        for mention in article.entities:
            key = (entity_key(mention), mention.label)
            counts[key] = counts.get(key, 0) + 1
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0].casefold()))
        return [(name, label, count) for (name, label), count in ranked]

    def prompt(self, item: tuple[str, str, int]) -> Text:
        name, label, count = item
        text = Text()
        text.append(f"{count:>3} ", style="dim")
        text.append(name, style="bold")
        text.append(f" {label}", style="dim")
        return text

    def target(self, item: tuple[str, str, int]) -> Message:
        return ShowEntity(item[0])


class QuotesPane(PaneContent):
    name = "quotes"

    @staticmethod
    def title() -> str:
        return _("Quotes")

    def empty(self) -> str:
        return _("No quotes found in this article")

    @staticmethod
    def collect(catalog: Catalog, article: Article, paragraph: int) -> list[Quote]:
        return list(article.quotes)

    def prompt(self, item: Quote) -> Text:
        speaker = item.speaker_canonical or item.speaker or _("unknown speaker")
        text = Text(speaker, style="bold")
        text.append("\n" + item.text)
        return text

    def target(self, item: Quote) -> Message:
        return OpenArticle(self.article.id, item.paragraph)


class RelatedPane(PaneContent):
    name = "related"
    needs_linking = True
    follows_cursor = True

    @staticmethod
    def title() -> str:
        return _("Related to this paragraph")

    def empty(self) -> str:
        return _("No related passages for this paragraph")

    @staticmethod
    def collect(catalog: Catalog, article: Article, paragraph: int) -> list[Passage]:
        """The links of the paragraph, each with the passage it leads to."""
        links = catalog.related(article.id, paragraph)
        found = catalog.passages((link.target_article, link.target_paragraph) for link in links)
        passages = []
        for link in links:
            other, text = found.get((link.target_article, link.target_paragraph), (None, ""))
            passages.append(Passage(link, other, text))
        return passages

    def prompt(self, item: Passage) -> Text:
        link, other = item.link, item.other
        text = Text()
        text.append(f"{link.score:>3.0f} ", style="bold")
        if other is not None:
            text.append(" · ".join(known_source(other, self.locale, SOURCE_TITLE)))
            text.append(f" · {link_kind_label(link.kind)}", style="dim")
            if item.text:
                text.append("\n" + shortened(item.text, SNIPPET))
        return text

    def target(self, item: Passage) -> Message:
        return OpenArticle(item.link.target_article, item.link.target_paragraph)


PANES: dict[str, type[PaneContent]] = {
    pane.name: pane for pane in (EntitiesPane, QuotesPane, RelatedPane)
}


class PaneList(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", _("Down"), show=False, id="pane.down"),
        Binding("k", "cursor_up", _("Up"), show=False, id="pane.up"),
    ]


class SidePane(KabarNode, Vertical):
    """Title, the paragraph it is about (when it takes the whole width), and the list."""

    class Chosen(Message):
        """Enter on an item: the navigation it asks for."""

        def __init__(self, request: Message) -> None:
            self.request = request
            super().__init__()

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content: PaneContent | None = None
        self._wanted: tuple[type[PaneContent], str, int] | None = None  # the newest request

    def compose(self) -> ComposeResult:
        yield Label("", id="side-title")
        yield Static("", id="side-context")
        yield PaneList(id="side-list")

    @property
    def listing(self) -> PaneList:
        return self.query_one(PaneList)

    def show(self, kind: type[PaneContent], article: Article, paragraph: int) -> None:
        """Fill the pane (what it showed stays until the items come), or say it waits for
        the cross-article stage."""
        listing = self.listing
        text = article.paragraphs[paragraph].text if article.paragraphs else ""
        context = shortened(text, CONTEXT)
        self.query_one("#side-context", Static).update(Text(context, style="italic"))
        self.content = None
        if kind.needs_linking and not self.kabar.linked:
            self._wanted = None
            listing.clear_options()
            self.query_one("#side-title", Label).update(kind.title())
            still = _("Still linking articles across outlets…")
            listing.add_option(Option(Text(still, style="dim"), disabled=True))
            return
        wanted = self._wanted = (kind, article.id, paragraph)

        def fill(items: list) -> None:
            if wanted == self._wanted:
                self._fill(kind(article, paragraph, self.kabar.locale, items))

        self.kabar.ask(lambda catalog: kind.collect(catalog, article, paragraph), fill, "pane")

    def _fill(self, content: PaneContent) -> None:
        listing = self.listing
        listing.clear_options()
        self.content = content
        self.query_one("#side-title", Label).update(f"{content.title()} ({len(content.items)})")
        if content.items:
            listing.add_options(Option(content.prompt(item)) for item in content.items)
            listing.highlighted = 0
        else:
            listing.add_option(Option(Text(content.empty(), style="dim"), disabled=True))

    def highlighted_item(self) -> object | None:
        index = self.listing.highlighted
        if self.content is None or index is None or index >= len(self.content.items):
            return None
        return self.content.items[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.content is not None and event.option_index < len(self.content.items):
            self.post_message(
                self.Chosen(self.content.target(self.content.items[event.option_index]))
            )
