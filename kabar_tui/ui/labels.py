"""Words the core keeps as fixed English values (exports, JSON), shown in the interface language."""

from __future__ import annotations

from kabar_tui.i18n import _


def link_kind_label(kind: str) -> str:
    """A link kind ("same text", "same quote", "similar") as the reader shows it."""
    labels = {
        "same text": _("same text"),
        "same quote": _("same quote"),
        "similar": _("similar"),
    }
    return labels.get(kind, kind)


def hit_kind_label(kind: str) -> str:
    """A search hit's kind ("passage", "quote", "title", "entity") as the reader shows it."""
    labels = {
        "passage": _("passage"),
        "quote": _("quote"),
        "title": _("title"),
        "entity": _("entity"),
    }
    return labels.get(kind, kind)
