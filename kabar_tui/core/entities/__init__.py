"""People, places and organisations in Indonesian news text: the one seam the pipeline calls."""

from __future__ import annotations

from kabar_tui.core.entities.rules import find_entities, gazetteer, gazetteer_entry
from kabar_tui.core.entities.rules import recognise as recognise_rules

recognise = recognise_rules

__all__ = ["find_entities", "gazetteer", "gazetteer_entry", "recognise", "recognise_rules"]
