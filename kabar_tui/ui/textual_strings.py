"""Textual's own interface strings (binding descriptions, system commands), in our catalog.

Textual has no translations: the help screen passes every binding description through
`textual_text`, and the app builds the palette's system commands from these strings.
"""

from __future__ import annotations

from kabar_tui.i18n import _


def _descriptions() -> dict[str, str]:
    """English as textual writes it -> the current language (looked up at each call)."""
    return {
        "Copy selected text": _("Copy selected text"),
        "Cut selected text": _("Cut selected text"),
        "Delete all to the left": _("Delete all to the left"),
        "Delete all to the right": _("Delete all to the right"),
        "Delete character left": _("Delete character left"),
        "Delete character right": _("Delete character right"),
        "Delete left to start of word": _("Delete left to start of word"),
        "Delete right to start of word": _("Delete right to start of word"),
        "Down": _("Down"),
        "Up": _("Up"),
        "First": _("First"),
        "Last": _("Last"),
        "Focus Next": _("Focus Next"),
        "Focus Previous": _("Focus Previous"),
        "Go to end": _("Go to end"),
        "Go to start": _("Go to start"),
        "Move cursor left": _("Move cursor left"),
        "Move cursor right": _("Move cursor right"),
        "Move cursor left a word": _("Move cursor left a word"),
        "Move cursor right a word": _("Move cursor right a word"),
        "Move cursor left and select": _("Move cursor left and select"),
        "Move cursor right and select": _("Move cursor right and select"),
        "Move cursor left a word and select": _("Move cursor left a word and select"),
        "Move cursor right a word and select": _("Move cursor right a word and select"),
        "Move cursor right or accept the completion suggestion": _(
            "Move cursor right or accept the completion suggestion"
        ),
        "Page Down": _("Page Down"),
        "Page Up": _("Page Up"),
        "Page Left": _("Page Left"),
        "Page Right": _("Page Right"),
        "Paste text from the clipboard": _("Paste text from the clipboard"),
        "Quit": _("Quit"),
        "Scroll Down": _("Scroll Down"),
        "Scroll Up": _("Scroll Up"),
        "Scroll Left": _("Scroll Left"),
        "Scroll Right": _("Scroll Right"),
        "Scroll Home": _("Scroll Home"),
        "Scroll End": _("Scroll End"),
        "Select": _("Select"),
        "Select all": _("Select all"),
        "Select line end": _("Select line end"),
        "Select line start": _("Select line start"),
        "Submit": _("Submit"),
    }


def textual_text(description: str) -> str:
    """A binding description in the interface language: textual's, or one of ours written
    when the class was defined (in the language of that moment)."""
    return _descriptions().get(description) or _(description)


def part_name(class_name: str) -> str:
    """What the help screen calls the part of the screen a binding belongs to."""
    names = {
        "KabarApp": _("Everywhere"),
        "ListScreen": _("Article list"),
        "ArticleList": _("Article list"),
        "ReaderScreen": _("Reader"),
        "ArticleView": _("Article"),
        "PaneList": _("Side pane"),
        "EntityScreen": _("Entity"),
        "CompareScreen": _("Comparison"),
        "CompareView": _("Comparison"),
        "SearchScreen": _("Search"),
        "HitList": _("Search"),
        "Input": _("Text field"),
        "OptionList": _("List"),
    }
    return names.get(class_name, class_name)
