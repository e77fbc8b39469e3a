"""Every mention of one entity across the corpus, grouped by article; Enter jumps."""

from __future__ import annotations

from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from kabar_tui.core.formatting import format_date
from kabar_tui.core.model import Mention
from kabar_tui.i18n import _, ngettext
from kabar_tui.ui.access import KabarNode
from kabar_tui.ui.data import mentions_of
from kabar_tui.ui.messages import OpenArticle
from kabar_tui.ui.widgets.footer import KeyFooter

CONTEXT = 60


def mention_snippet(text: str, mention: Mention) -> Text:
    """The mention with some words around it, the mention itself in bold."""
    start = max(0, mention.start - CONTEXT)
    end = min(len(text), mention.end + CONTEXT)
    snippet = Text(("…" if start else "") + text[start:end] + ("…" if end < len(text) else ""))
    offset = 1 if start else 0
    snippet.stylize("bold reverse", mention.start - start + offset, mention.end - start + offset)
    return snippet


class EntityScreen(KabarNode, Screen[None]):
    BINDINGS = [
        Binding("q,escape", "app.go_back", _("Back"), id="entity.close"),
        Binding("j", "cursor_down", _("Down"), show=False, id="entity.down"),
        Binding("k", "cursor_up", _("Up"), show=False, id="entity.up"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.entity = name
        self.targets: list[tuple[str, int] | None] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="entity-title")
        yield OptionList(id="mentions")
        yield KeyFooter()

    def on_mount(self) -> None:
        corpus = self.kabar.corpus
        locale = self.kabar.locale
        grouped = mentions_of(corpus, self.entity)
        total = sum(len(found) for _article, found in grouped)
        title = Text(self.entity, style="bold")
        title.append(
            "  "
            + ngettext("{n} mention", "{n} mentions", total).format(n=total)
            + " · "
            + ngettext("{n} article", "{n} articles", len(grouped)).format(n=len(grouped))
        )
        self.query_one("#entity-title", Label).update(title)
        options: list[Option] = []
        for article, found in grouped:
            head = Text(f"{article.outlet or '-'} · {format_date(article.published, locale)} · ")
            head.append(article.title, style="bold")
            options.append(Option(head, disabled=True))
            self.targets.append(None)
            for mention in found:
                paragraph = article.paragraphs[mention.paragraph].text
                options.append(Option(Padding(mention_snippet(paragraph, mention), (0, 0, 0, 2))))
                self.targets.append((article.id, mention.paragraph))
        listing = self.query_one("#mentions", OptionList)
        listing.add_options(options)
        if len(options) > 1:
            listing.highlighted = 1
        listing.focus()

    def action_cursor_down(self) -> None:
        self.query_one("#mentions", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#mentions", OptionList).action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        target = self.targets[event.option_index]
        if target is not None:
            article_id, paragraph = target
            self.kabar.post_message(OpenArticle(article_id, paragraph, [self.entity]))
