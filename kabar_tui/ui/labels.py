"""Words the core keeps as fixed English values (exports, JSON), shown in the interface language."""

from __future__ import annotations

from collections.abc import Sequence

from kabar_tui.core.filter_values import ValueMatch
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
                _("unknown filter type:{value} — try type:quote, passage, title, entity").format(
                    value=match.typed
                )
            )
        elif not match.names and match.key == "outlet":
            notes.append(_("{filter} matches no outlet in this corpus").format(filter=typed))
        elif not match.names:
            notes.append(_("{filter} matches no speaker in this corpus").format(filter=typed))
    return notes
