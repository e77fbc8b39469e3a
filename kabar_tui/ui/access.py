"""Typed access to the running KabarApp from screens, widgets and palette providers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App

    from kabar_tui.ui.app import KabarApp


class _HasApp(Protocol):
    @property
    def app(self) -> App[Any]: ...


class KabarNode:
    """Mixed in first: `self.kabar` is `self.app` typed as the KabarApp it is."""

    @property
    def kabar(self: _HasApp) -> KabarApp:
        return cast("KabarApp", self.app)
