"""The key footer, compact on narrow terminals so every key fits at 80 columns."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

# FooterKey is private to textual: textual<9 is pinned, and
# test_footer_keys_are_made_as_compact_as_their_footer fails if its keys change.
from textual.widgets._footer import FooterKey

COMPACT_BELOW = 100  # columns; Indonesian labels overflow a roomy footer at 80

# What a footer shows of the active bindings: per binding shown, its key, action, label,
# whether it is enabled and its tooltip.
Shown = tuple[tuple[str, str, str, bool, str], ...]


class SteadyFooter(Footer):
    """textual's Footer, its keys made with the footer's `compact` already set: textual
    makes each key compact, sets its class on mount, then unsets it from the footer's
    `compact` (False by default), each a restyle of the key (two a key on every footer
    composed: 66-81 restyles on the way to an article's first pane)."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # The palette's key is not bound to the footer's `compact`: always compact.
                compact = self.compact or widget.has_class("-command-palette")
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget


class KeyFooter(SteadyFooter):
    """A Footer that drops its padding when the terminal is narrow, and is composed again
    only when the keys it shows change (textual composes it on every change of bindings:
    a widget per key, each restyled, for the same keys when the focus moves between the
    article and its pane)."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None

    def on_mount(self) -> None:
        self.compact = self.app.size.width < COMPACT_BELOW

    def on_resize(self, event: events.Resize) -> None:
        self.compact = self.app.size.width < COMPACT_BELOW

    def bindings_changed(self, screen: Screen) -> None:
        active = screen.active_bindings
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        shown = tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for _node, binding, enabled, tooltip in active.values()
            if binding.show or (palette is not None and palette.binding is binding)
        )
        if shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # composed again below
        super().bindings_changed(screen)
