"""The key footer, compact on narrow terminals so every key fits at 80 columns."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

COMPACT_BELOW = 100  # columns; Indonesian labels overflow a roomy footer at 80


class KeyFooter(Footer):
    """A Footer that drops its padding when the terminal is narrow."""

    def on_mount(self) -> None:
        self.compact = self.app.size.width < COMPACT_BELOW

    def on_resize(self, event: events.Resize) -> None:
        self.compact = self.app.size.width < COMPACT_BELOW
