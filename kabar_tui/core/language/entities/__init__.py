"""People, places and organisations in Indonesian news text.

`recognise` (recogniser.py) is the one function the pipeline calls: it runs the rules
(rules.py: gazetteer, cues, article-wide resolution) and the trained tagger (tagger.py,
features.py) and merges what they found; `recognise_many` does the same for several
articles at once, their tagger stretches decoded together.
"""

from __future__ import annotations

from kabar_tui.core.language.entities.gazetteer import gazetteer, gazetteer_entry, key_tuple
from kabar_tui.core.language.entities.recogniser import (
    find_entities,
    find_entities_many,
    recognise,
    recognise_many,
    title_and_caption_entities,
)
from kabar_tui.core.language.entities.rules import recognise as recognise_rules

__all__ = [
    "find_entities",
    "find_entities_many",
    "gazetteer",
    "gazetteer_entry",
    "key_tuple",
    "recognise",
    "recognise_many",
    "recognise_rules",
    "title_and_caption_entities",
]
