"""Copy text for the user: OSC 52 (through tmux/screen), or a dialog to select it by hand."""

from __future__ import annotations

import os

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from kabar_tui.i18n import _, current_language, ngettext
from kabar_tui.present.clipboard import Route, clipboard_route, copy_sequence
from kabar_tui.present.formatting import format_number


class CopyByHandScreen(ModalScreen[None]):
    """Shows text where the terminal cannot receive it, so it can be selected by hand."""

    DEFAULT_CSS = """
    CopyByHandScreen { align: center middle; }
    CopyByHandScreen > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    CopyByHandScreen Label { width: 100%; }
    CopyByHandScreen TextArea { height: auto; max-height: 18; }
    """
    BINDINGS = [Binding("escape", "dismiss", _("Close"), id="copy.close")]

    def __init__(self, text: str, reason: str) -> None:
        super().__init__()
        self.text = text
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                _("Cannot copy here ({reason}). Select the text below by hand.").format(
                    reason=self.reason
                ),
                markup=False,
            )
            yield TextArea(self.text, read_only=True, soft_wrap=True, id="copy-text")
            yield Label(_("Escape closes."), markup=False)

    def on_mount(self) -> None:
        self.query_one(TextArea).select_all()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def copy_text(app: App, text: str, route: Route | None = None) -> Route:
    """Send `text` to the user's clipboard; returns the route taken.

    Going through tmux or screen is said in a toast (it needs their settings); where
    OSC 52 cannot work the text is shown to select by hand. The callers say what they
    copied.
    """
    app._clipboard = text  # what App.copy_to_clipboard keeps for in-app paste
    if route is None:
        # Without a terminal (tests, headless runs) nobody could select text either.
        route = Route("direct") if app.is_headless else clipboard_route(os.environ, text)
    sequence = copy_sequence(text, route)
    driver = app._driver  # Textual has no public way to write a raw sequence
    if not sequence or driver is None:
        if not isinstance(app.screen, CopyByHandScreen):  # ctrl+c inside the dialog
            app.push_screen(CopyByHandScreen(text, route.reason or _("no terminal")))
        return route
    driver.write(sequence)
    if route.kind == "direct":
        return route
    count = ngettext("{count} character", "{count} characters", len(text)).format(
        count=format_number(len(text), current_language())
    )
    if route.kind == "tmux":
        message = _(
            "Copied {count} through tmux (needs `set -g allow-passthrough on` "
            "or `set -g set-clipboard on`)."
        ).format(count=count)
    else:
        message = _("Copied {count} through GNU screen.").format(count=count)
    app.notify(message, title=_("Copy"), markup=False)
    return route
