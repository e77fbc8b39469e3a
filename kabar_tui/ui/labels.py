"""Words the core keeps as fixed English values (exports, JSON), shown in the interface language."""

from __future__ import annotations

from collections.abc import Sequence

from kabar_tui.core.model import LinkKind
from kabar_tui.core.search.filter_values import ValueMatch
from kabar_tui.core.search.query import HitKind, type_values_help
from kabar_tui.core.store.catalog import ArticleHead
from kabar_tui.i18n import _
from kabar_tui.present.formatting import format_date


def link_kind_label(kind: str) -> str:
    """A link kind (`LinkKind`) as the reader shows it."""
    labels: dict[str, str] = {
        LinkKind.SAME_TEXT: _("same text"),
        LinkKind.SAME_QUOTE: _("same quote"),
        LinkKind.SIMILAR: _("similar"),
    }
    return labels.get(kind, kind)


def known_source(head: ArticleHead, locale: str, title_width: int | None = None) -> list[str]:
    """Where and when an article appeared, as far as is known: its outlet (or, given
    `title_width`, its title cut to that when the outlet is unknown) and its date. Nothing
    unknown is shown as a dash: `- · - · Title` said nothing and looked broken."""
    parts = []
    if head.outlet or title_width is not None:
        parts.append(head.outlet_or_title(title_width or 0))
    if head.published is not None:
        parts.append(format_date(head.published, locale))
    return parts


def hit_kind_label(kind: str) -> str:
    """A search hit's kind (`HitKind`) as the reader shows it."""
    labels: dict[str, str] = {
        HitKind.PASSAGE: _("passage"),
        HitKind.QUOTE: _("quote"),
        HitKind.TITLE: _("title"),
        HitKind.ENTITY: _("entity"),
    }
    return labels.get(kind, kind)


def value_notes(values: Sequence[ValueMatch]) -> list[str]:
    """What search filter values were taken as when they matched nothing as typed
    (`by:matsegra → Matsegora`, `type:qoute → quote`), and those that matched nothing."""
    notes = []
    for match in values:
        typed = f"{match.key}:{match.typed}"
        if match.taken_as is not None:
            note = f"{typed} → {match.taken_as}"
            if match.also:
                note += " " + _("(also close: {names})").format(names=", ".join(match.also))
            notes.append(note)
        elif not match.names and match.key == "type":
            notes.append(
                _("unknown filter type:{value} — try {values}").format(
                    value=match.typed, values=type_values_help()
                )
            )
        elif not match.names and match.key == "outlet":
            notes.append(_("{filter} matches no outlet in this corpus").format(filter=typed))
        elif not match.names:
            notes.append(_("{filter} matches no speaker in this corpus").format(filter=typed))
    return notes
