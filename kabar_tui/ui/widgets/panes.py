"""The reader's side panes. Each pane is one PaneContent class: title, items, how an item
looks, where Enter on it goes; SidePane draws whichever is open with its empty and
waiting states. Adding a pane is a subclass here and a binding in the reader."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from kabar_tui.core.formatting import format_date
from kabar_tui.core.model import Article, Corpus, Link, Quote
from kabar_tui.i18n import _
from kabar_tui.ui.access import KabarNode
from kabar_tui.ui.data import entity_counts, related_links
from kabar_tui.ui.labels import link_kind_label
from kabar_tui.ui.messages import OpenArticle, ShowEntity

SNIPPET = 160
CONTEXT = 240  # characters of the paragraph shown above a full-width pane


class PaneContent:
    """What one pane lists for an article at a paragraph."""

    name: ClassVar[str]
    needs_linking: ClassVar[bool] = False  # lists cross-article results
    follows_cursor: ClassVar[bool] = False  # lists things about the current paragraph

    def __init__(self, corpus: Corpus, article: Article, paragraph: int, locale: str) -> None:
        self.corpus = corpus
        self.article = article
        self.paragraph = paragraph
        self.locale = locale
        self.items: list = self.collect()

    @staticmethod
    def title() -> str:
        raise NotImplementedError

    def empty(self) -> str:
        raise NotImplementedError

    def collect(self) -> list:
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

    def collect(self) -> list[tuple[str, str, int]]:
        return entity_counts(self.article)

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

    def collect(self) -> list[Quote]:
        return list(self.article.quotes)

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

    def collect(self) -> list[Link]:
        return related_links(self.corpus, self.article.id, self.paragraph)

    def prompt(self, item: Link) -> Text:
        other = self.corpus.article(item.target_article)
        text = Text()
        text.append(f"{item.score:>3.0f} ", style="bold")
        if other is not None:
            source = other.outlet or other.title[:40]
            text.append(f"{source} · {format_date(other.published, self.locale)}")
            text.append(f" · {link_kind_label(item.kind)}", style="dim")
            if item.target_paragraph < len(other.paragraphs):
                snippet = other.paragraphs[item.target_paragraph].text
                more = "…" if len(snippet) > SNIPPET else ""
                text.append("\n" + snippet[:SNIPPET] + more)
        return text

    def target(self, item: Link) -> Message:
        return OpenArticle(item.target_article, item.target_paragraph)


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

    def compose(self) -> ComposeResult:
        yield Label("", id="side-title")
        yield Static("", id="side-context")
        yield PaneList(id="side-list")

    @property
    def listing(self) -> PaneList:
        return self.query_one(PaneList)

    def show(self, kind: type[PaneContent], article: Article, paragraph: int) -> None:
        """Fill the pane, or say it waits for the cross-article stage."""
        listing = self.listing
        listing.clear_options()
        text = article.paragraphs[paragraph].text if article.paragraphs else ""
        context = text[:CONTEXT] + ("…" if len(text) > CONTEXT else "")
        self.query_one("#side-context", Static).update(Text(context, style="italic"))
        if kind.needs_linking and not self.kabar.linked:
            self.content = None
            self.query_one("#side-title", Label).update(kind.title())
            still = _("Still linking articles across outlets…")
            listing.add_option(Option(Text(still, style="dim"), disabled=True))
            return
        content = self.content = kind(self.kabar.corpus, article, paragraph, self.kabar.locale)
        self.query_one("#side-title", Label).update(f"{kind.title()} ({len(content.items)})")
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
