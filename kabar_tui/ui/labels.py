"""Words the core keeps as fixed English values (exports, JSON), shown in the interface language."""

from __future__ import annotations

from kabar_tui.core.model import LinkKind
from kabar_tui.core.query import HitKind
from kabar_tui.i18n import _


def link_kind_label(kind: str) -> str:
    """A link kind (`LinkKind`) as the reader shows it."""
    labels: dict[str, str] = {
        LinkKind.SAME_TEXT: _("same text"),
        LinkKind.SAME_QUOTE: _("same quote"),
        LinkKind.SIMILAR: _("similar"),
    }
    return labels.get(kind, kind)


def hit_kind_label(kind: str) -> str:
    """A search hit's kind (`HitKind`) as the reader shows it."""
    labels: dict[str, str] = {
        HitKind.PASSAGE: _("passage"),
        HitKind.QUOTE: _("quote"),
        HitKind.TITLE: _("title"),
        HitKind.ENTITY: _("entity"),
    }
    return labels.get(kind, kind)
