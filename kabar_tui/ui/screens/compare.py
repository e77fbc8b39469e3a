"""`d`: one story in two outlets, paragraph by paragraph; `d` again shows the next outlet."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label

from kabar_tui.core.corpus.compare import Comparison
from kabar_tui.i18n import _, ngettext
from kabar_tui.ui.access import KabarNode
from kabar_tui.ui.messages import Compare, OpenArticle
from kabar_tui.ui.widgets.compare_view import CompareView, outlet_name
from kabar_tui.ui.widgets.footer import KeyFooter


class CompareScreen(KabarNode, Screen[None]):
    BINDINGS = [
        Binding("q,escape", "app.go_back", _("Back"), id="compare.close"),
        Binding("d", "next_version", _("Other outlet"), id="compare.next"),
    ]

    def __init__(
        self, comparison: Comparison, candidates: list[str], place: tuple[int, int] = (0, 0)
    ) -> None:
        """`candidates`: the story's other articles, for `d`; `place`: the row and side
        (0 left, 1 right) to start on."""
        super().__init__()
        self.place = place
        self.comparison = comparison
        self.article_id = comparison.left.id
        self.other_id = comparison.right.id
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        yield Label(self._heading(self.place[1]), id="compare-title")
        yield CompareView(self.comparison, id="compare")
        yield KeyFooter()

    def on_mount(self) -> None:
        view = self.query_one(CompareView)
        view.focus()
        row, view.side = self.place
        self.call_after_refresh(view.set_cursor, row)

    def _heading(self, side: int) -> Text:
        comparison = self.comparison
        heading = Text()
        for number, article in enumerate((comparison.left, comparison.right)):
            if number:
                heading.append("  ⟷  ")
            name = f" {outlet_name(article)} ({len(article.paragraphs)} ¶) "
            heading.append(name, style="bold reverse" if number == side else "bold")
        aligned = comparison.aligned
        heading.append(
            "  "
            + ngettext("{n} paragraph aligned", "{n} paragraphs aligned", aligned).format(
                n=aligned
            ),
            style="dim",
        )
        heading.append("\n" + comparison.left.title, style="italic")
        return heading

    def on_compare_view_side_changed(self, event: CompareView.SideChanged) -> None:
        self.query_one("#compare-title", Label).update(self._heading(event.side))

    def on_compare_view_open(self, event: CompareView.Open) -> None:
        view = self.query_one(CompareView)
        place = (str(view.cursor), str(view.side))
        origin = ("compare", self.article_id, self.other_id, *place)
        self.kabar.post_message(OpenArticle(event.article_id, event.paragraph, origin=origin))

    def action_next_version(self) -> None:
        others = [c for c in self.candidates if c != self.article_id]
        if len(others) < 2:
            self.notify(_("No third version of this story"), timeout=2)
            return
        at = others.index(self.other_id) if self.other_id in others else -1
        following = others[(at + 1) % len(others)]
        self.kabar.post_message(Compare(self.article_id, following))
