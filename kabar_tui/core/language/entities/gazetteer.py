"""The gazetteer and cue lists the entity rules and the tagger's features read.

Curated lists in kabar_tui/data/entities (names with their canonical form, cue words,
ordinary capitalised words), filled in with babel's CLDR territory names (Indonesian and
English) and time-zone cities; built once per process.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources.abc import Traversable
from itertools import chain

from kabar_tui.core.lexicon import NAME_WORD, Label, data_lines, data_value, numbered_data_lines

MAX_PHRASE_WORDS = 6  # longer phrases are never looked up
_GAZETTEER = "entities/gazetteer.tsv"
# Indonesian provinces, regencies and cities, in the gazetteer's format (`common_word_places`)
_REGIONS = "entities/regions_id.tsv"
# First-level regions of other countries (`Tennessee`, `Johor`), in the same format
_WORLD_REGIONS = "entities/regions_world.tsv"
# CLDR regions that are no named place: the world (`Piala Dunia`), an unknown region.
NOT_PLACE_TERRITORIES = frozenset({"001", "ZZ"})
# Time-zone names that are no place a reader means: Antarctic research stations named
# after people (`Antarctica/Davis`, `Casey`, `Mawson`: `Brooke Davis` is no place), and
# the old alias zones named by a compass point or a region of a country (`Australia/North`,
# `Brazil/East`, `Canada/Central`, `Mexico/General`).
NOT_PLACE_ZONE_AREAS = ("Etc/", "SystemV/", "US/", "Antarctica/")
NOT_PLACE_ZONE_CITIES = frozenset(
    {
        "North",
        "South",
        "East",
        "West",
        "Center",
        "Central",
        "Eastern",
        "Mountain",
        "General",
        "Continental",
    }
)


def _lengths_by_first_word(phrases: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for phrase in phrases:
        if 0 < len(phrase) <= MAX_PHRASE_WORDS:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
    return {word: tuple(sorted(found, reverse=True)) for word, found in lengths.items()}


class Phrases(frozenset[tuple[str, ...]]):
    """A set of phrases (tuples of token keys) with the lengths of those that start with
    each word, longest first (a one-level trie): most words open no phrase, so a look-up
    at a word ends at one dict probe, and the others build only the tuples that exist.
    `lengths` is a slot: the rules read it at every capitalised word, and a slot is read
    in about half the time of an instance dictionary's entry."""

    __slots__ = ("lengths",)
    lengths: dict[str, tuple[int, ...]]

    def __init__(self, phrases: Iterable[tuple[str, ...]] = ()) -> None:
        self.lengths = _lengths_by_first_word(self)


class Names(dict[tuple[str, ...], tuple[str, str]]):
    """Gazetteer names (token keys -> (label, canonical)), with `Phrases.lengths` (a slot,
    as there)."""

    __slots__ = ("lengths",)
    lengths: dict[str, tuple[int, ...]]

    def freeze(self) -> Names:
        """Index the lengths once every name is in: the table must not change after."""
        self.lengths = _lengths_by_first_word(self)
        return self


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Lookup tables, built once per process."""

    names: Names  # token keys -> (label, canonical)
    short_acronyms: frozenset[str]  # "AS", "UN": match only when written in capitals
    not_entities: frozenset[str]
    person_cues: Phrases
    org_context: frozenset[tuple[str, ...]]
    loc_context: frozenset[tuple[str, ...]]
    org_heads: Phrases  # with the part heads
    org_part_heads: frozenset[str]  # Fakultas: its name ends before the whole organisation's
    loc_heads: Phrases
    org_tails: frozenset[str]
    org_words: frozenset[str]
    regional_titles: Phrases
    directions: Phrases
    loc_tails: frozenset[str]
    regional_orgs: frozenset[str]  # BPBD, DPRD: a region name follows them
    bylines: frozenset[str]  # Editor, Penulis: `Editor: Linda Agnesia` names a person
    # one-word regencies and cities (`regions_id.tsv`) that are also Indonesian root words
    # (`Serang`: attack, `Palu`: hammer, `Buru`: hunt): a place only after a place cue or
    # where the tagger reads one
    common_word_places: frozenset[str]
    residents: frozenset[str]  # warga, penduduk: the place's name follows
    # `_WORLD_REGIONS`' names: also words of people's and clubs' names (`Tennessee Williams`)
    world_regions: frozenset[tuple[str, ...]]
    # the last words of the person cues and the organisation and place context phrases:
    # a name after any other word has no context (`rules._context_kind`)
    context_ends: frozenset[str]


def token_key(text: str) -> str:
    return text.casefold().replace("-", " ").replace("’", "'")


@lru_cache(maxsize=1 << 16)
def key_tuple(text: str) -> tuple[str, ...]:
    """The token keys of a phrase, as `tokenize` would give them (cached: an article
    names its people again and again)."""
    return tuple(token_key(word) for word in NAME_WORD.findall(text))


def _name_is_usable(name: str) -> bool:
    return all(ch.isalpha() or ch in " -'’." for ch in name) and not name.isdigit()


def curated_names(
    root: Traversable | None = None, name: str = _GAZETTEER
) -> list[tuple[Label, str, str]]:
    """(label, name, canonical) rows of `entities/gazetteer.tsv` (or of `name`, a file in
    its format), each label checked (an unknown one raises `DataFileError` with the file
    and line)."""
    rows = []
    for number, line in numbered_data_lines(name, root):
        parts = line.split("\t")
        label = data_value(Label, parts[0], name, number, root)
        written = parts[1]
        rows.append((label, written, parts[2] if len(parts) > 2 and parts[2] else written))
    return rows


@cache
def gazetteer() -> Gazetteer:
    """Curated lists first; babel's CLDR names fill in (they never override a curated entry)."""
    import babel

    names = Names()
    upper_keys: set[str] = set()
    for label, name, canonical in curated_names():
        names[key_tuple(name)] = (label, canonical)
        if name.isupper():
            upper_keys.add(token_key(name))
    world_regions: set[tuple[str, ...]] = set()
    for label, name, canonical in curated_names(name=_WORLD_REGIONS):
        names[key_tuple(name)] = (label, canonical)
        world_regions.add(key_tuple(name))
    roots = frozenset(data_lines("words_id.txt"))
    common_word_places: set[str] = set()
    for label, name, canonical in curated_names(name=_REGIONS):
        key = key_tuple(name)
        names[key] = (label, canonical)
        if name.isupper():
            upper_keys.add(token_key(name))
        elif len(key) == 1 and key[0] in roots:
            common_word_places.add(key[0])
    indonesian, english = babel.Locale("id"), babel.Locale("en")
    for code, name in indonesian.territories.items():
        if code in NOT_PLACE_TERRITORIES:
            continue
        if _name_is_usable(name):
            names.setdefault(key_tuple(name), (Label.LOC, name))
        english_name = english.territories.get(code)
        if english_name and _name_is_usable(english_name):
            names.setdefault(key_tuple(english_name), (Label.LOC, names[key_tuple(name)][1]))
    for zone in zoneinfo.available_timezones():
        if "/" not in zone or zone.startswith(NOT_PLACE_ZONE_AREAS):
            continue
        city = zone.rsplit("/", 1)[1].replace("_", " ")
        if _name_is_usable(city) and city not in NOT_PLACE_ZONE_CITIES:
            names.setdefault(key_tuple(city), (Label.LOC, city))
    for zone, data in indonesian.time_zones.items():
        city = data.get("city")
        if city and _name_is_usable(city) and not zone.startswith(NOT_PLACE_ZONE_AREAS):
            english_city = zone.rsplit("/", 1)[1].replace("_", " ")
            canonical = names.get(key_tuple(english_city), (Label.LOC, city))[1]
            names.setdefault(key_tuple(city), (Label.LOC, canonical))

    not_entities = {
        token_key(word) for line in data_lines("entities/not_entities.txt") for word in line.split()
    }
    for locale in (indonesian, english):
        for width in ("wide", "abbreviated"):
            not_entities.update(d.casefold() for d in locale.days["format"][width].values())
            not_entities.update(m.casefold() for m in locale.months["format"][width].values())
    for key in [k for k in names if len(k) == 1 and k[0] in not_entities]:
        del names[key]  # "Mei", "Chad" as month or word: ordinary capitalised word wins

    cues: dict[str, set[tuple[str, ...]]] = {}
    for line in data_lines("entities/cues.tsv"):
        kind, phrase = line.split("\t")
        cues.setdefault(kind, set()).add(key_tuple(phrase))
    short_acronyms = frozenset(key for key in upper_keys if len(key) <= 3 and " " not in key)
    person_cues = cues["person"] | cues["regional_title"]
    context_ends = frozenset(
        phrase[-1]
        for phrase in chain(person_cues, cues["org_context"], cues["loc_context"])
        if phrase
    )
    return Gazetteer(
        names=names.freeze(),
        short_acronyms=short_acronyms,
        not_entities=frozenset(not_entities),
        person_cues=Phrases(person_cues),
        org_context=frozenset(cues["org_context"]),
        loc_context=frozenset(cues["loc_context"]),
        org_heads=Phrases(cues["org_head"] | cues["org_part_head"]),
        org_part_heads=frozenset(k[0] for k in cues["org_part_head"]),
        loc_heads=Phrases(cues["loc_head"]),
        org_tails=frozenset(k[0] for k in cues["org_tail"]),
        org_words=frozenset(k[0] for k in cues["org_word"]),
        regional_titles=Phrases(cues["regional_title"]),
        directions=Phrases(cues["direction"]),
        loc_tails=frozenset(k[0] for k in cues["loc_tail"]),
        regional_orgs=frozenset(k[0] for k in cues["regional_org"]),
        bylines=frozenset(k[0] for k in cues["byline"]),
        common_word_places=frozenset(common_word_places),
        residents=frozenset(k[0] for k in cues["residents"]),
        world_regions=frozenset(world_regions),
        context_ends=context_ends,
    )


@lru_cache(maxsize=65536)
def gazetteer_entry(text: str) -> tuple[str, str] | None:
    """(label, canonical) for a name the gazetteer knows, else None."""
    return gazetteer().names.get(key_tuple(text))


@cache
def media_names() -> frozenset[str]:
    """News outlets a text cites, as written (`data/entities/media.txt`): names the merge
    keeps where the tagger reads them as an organisation, though they start in lowercase
    (`detikcom`) or are ordinary words (`Antara`). Not a tagger feature."""
    return frozenset(data_lines("entities/media.txt"))
