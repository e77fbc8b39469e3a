"""Find people, places and organisations in Indonesian news text, with rules and gazetteers.

No model can be downloaded at run time, so recognition is: split the text into runs of
capitalised words (with name connectors and hyphens), segment each run with a gazetteer
(babel's CLDR territory and time-zone city names plus curated lists in kabar_tui/data),
cue words (titles, organisation and place heads and tails) and the lowercase words just
before the run, then label what is left from the rest of the same article. Each mention
records why it was found (`RuleResult.bases`): the recogniser (recogniser.py) lets the
curated reasons stand over the trained tagger and gives the tagger all of them as features.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import chain, compress
from operator import attrgetter, not_

from kabar_tui.core.language.entities.gazetteer import (
    MAX_PHRASE_WORDS,
    Gazetteer,
    Phrases,
    gazetteer,
    key_tuple,
    token_key,
)
from kabar_tui.core.language.entities.tokens import Tokens, is_headline, tokenize
from kabar_tui.core.lexicon import LOC, ORG, PER, Table, data_lines, reporting_verbs
from kabar_tui.core.model import Mention

MAX_CONTEXT_TOKENS = 2

# Lowercase words allowed inside a name when a capitalised word follows.
CONNECTORS = frozenset(
    {
        "of",
        "on",
        "de",
        "da",
        "dos",
        "du",
        "van",
        "von",
        "der",
        "ten",
        "bin",
        "binti",
        "al",
        "el",
        "la",
    }
)
VERB_PREFIX = "me"
CLUB = re.compile(r"Pers[a-z]{2,6}$")
# `PT Angkasa Pura II`: a numbered company or unit, not a person's name after `kepada`.
ROMAN_NUMERAL = re.compile(r"[IVX]{1,4}")
# `Eri: "..."`: a name before a colon that opens a quotation is a speaker.
SPEAKER_COLON = re.compile(r"\s*:\s*[“\"]")
BYLINE_GAP = re.compile(r"\s*:\s*")
# Between a title chain that names no person and the person it belongs to.
TITLE_COMMA = re.compile(r", +")
# Before a multi-word name these say nothing about a place (`undangan dari Kim Jong-un`).
DIRECTIONAL_PREPOSITIONS = frozenset({"dari", "ke", "menuju"})
VERB_WORDS = frozenset(
    {"telah", "akan", "sudah", "juga", "tidak", "belum", "sedang", "masih", "pun", "tak"}
)
# Place heads that open a street's name (`_head_name_end`).
STREET_HEADS = frozenset({"jalan", "jl"})
# Titles that are also words of place and organisation names (`Asrama Haji Pondok Gede`,
# `Kantor Urusan Haji`, `Jalan Haji Agus Salim`): a title only where a name opens. `Haji`
# is also the pilgrimage; `Ustaz` is a title only (`Pimpinan Ustadz Syamsi Dukha`).
NAME_WORD_TITLES = frozenset({"haji"})
# A parliament's commission named by its number (`Komisi III DPR`) is no name of its own:
# NER-UI and idner-news-2k train label the parliament only, 13 times of 13.
NUMBERED_BODIES = frozenset({"komisi"})


def _runs(text: str, tokens: Tokens) -> tuple[list[tuple[int, int, int]], bool]:
    """Index ranges [i, j) of capitalised words joined by spaces or name connectors (as
    `_join_conjoined_names` gives them: (i, j, i)), and
    whether `_join_conjoined_names` could join any: only a run of two words or more with
    the next after `dan` or a comma (most paragraphs have none)."""
    runs: list[tuple[int, int, int]] = []
    capital, starts, ends, keys = tokens.capital, tokens.starts, tokens.ends, tokens.keys
    n = len(capital)
    j = first = 0  # the end and the start of the last run
    joinable = False
    for i in compress(range(n), capital):
        if i < j:
            continue
        if (
            j - first > 1
            and i - j <= 1
            and (keys[j] == "dan" if i > j else text[ends[j - 1] : starts[i]].strip() == ",")
        ):
            joinable = True
        first, j = i, i + 1
        while j < n:
            # a gap of one space, the usual one, is blank without a call; `isspace` and
            # `strip` know the same whitespace
            gap = text[ends[j - 1] : starts[j]]
            if gap != " " and gap and not gap.isspace():
                break
            if capital[j]:
                j += 1
            elif (
                keys[j] in CONNECTORS
                and j + 1 < n
                and capital[j + 1]
                and not text[ends[j] : starts[j + 1]].strip()
            ):
                j += 2
            else:
                break
        runs.append((i, j, i))
    return runs, joinable


def _longest(keys: Sequence[str], i: int, j: int, table: Phrases) -> int:
    """Length of the longest phrase from `table` starting at keys[i], within [i, j)."""
    if i >= j:
        return 0
    lengths = table.lengths.get(keys[i])
    if lengths is not None:
        for length in lengths:
            # a one-word phrase is there: its first word has length 1
            if length <= j - i and (length == 1 or tuple(keys[i : i + length]) in table):
                return length
    return 0


def _title_at(keys: Sequence[str], k: int, run_start: int, run_end: int, gaz: Gazetteer) -> int:
    """Length of the title (person cue) at keys[k] within its run [run_start, run_end).
    A title that is also a word of names (`NAME_WORD_TITLES`) is one only at the run's
    start or right after another title (`Gubernur Haji Anies`); after any other
    capitalised word it goes on that word's name (`Asrama Haji Embarkasi Surabaya`)."""
    length = _longest(keys, k, run_end, gaz.person_cues)
    if length and keys[k] in NAME_WORD_TITLES and k > run_start:
        titled = any(
            _longest(keys, s, k, gaz.person_cues) == k - s
            for s in range(max(run_start, k - MAX_PHRASE_WORDS), k)
        )
        return length if titled else 0
    return length


def _context_kind(keys: Sequence[str], tokens: Tokens, i: int, gaz: Gazetteer) -> str | None:
    """What the lowercase words just before token i say the name is."""
    if not i or keys[i - 1] not in gaz.context_ends:
        return None  # no phrase of the three ends with the word before
    for length in range(MAX_CONTEXT_TOKENS, 0, -1):
        if i - length < 0:
            continue
        phrase = tuple(keys[i - length : i])
        if any(tokens.capital[i - length : i]):
            continue
        if phrase in gaz.person_cues:
            return PER
        if phrase in gaz.org_context:
            return ORG
        if phrase in gaz.loc_context:
            return LOC
    return None


PLACE_JOINERS = frozenset({"dan", "serta", "atau"})
AGE_GROUP = re.compile(r"u ?\d{2}")  # token keys of U-23, U19


def _capital_word_next(tokens: Tokens, i: int) -> bool:
    """Whether a capitalised word follows word i after one space (no comma or stop between)."""
    after = i + 1
    return (
        after < len(tokens.keys)
        and tokens.capital[after]
        and (tokens.starts[after] == tokens.ends[i] + 1)
    )


def _said_to_be_place(keys: Sequence[str], tokens: Tokens, i: int, gaz: Gazetteer) -> bool:
    """Whether the words around token i say it names a place: a place cue before it (`di
    Palu`), the people of a place (`warga Garut menolak`, `Warga Serang,`) unless a
    capitalised word follows, as in a headline where the name is a verb (`Warga Serang
    Petugas`), or another place it is listed with (`Garut dan Tasikmalaya`)."""
    if _context_kind(keys, tokens, i, gaz) == LOC:
        return True
    if i and keys[i - 1] in gaz.residents and not _capital_word_next(tokens, i):
        return True
    for joiner, other in ((i + 1, i + 2), (i - 1, i - 2)):
        if 0 <= other < len(keys) and keys[joiner] in PLACE_JOINERS and tokens.capital[other]:
            name = gaz.names.get((keys[other],))
            if name and name[0] == LOC and keys[other] not in gaz.common_word_places:
                return True
    return False


def _looks_like_actor(tokens: Tokens, j: int) -> str | None:
    """What follows a single name: a reporting verb (`Guterres mengatakan`) says "speech",
    another verb-like word (`Shoigu mengunjungi`, `Shoigu telah`) says "verb"."""
    if j >= len(tokens):
        return None
    if tokens.capital[j]:
        return None
    following = tokens.keys[j]
    if following in reporting_verbs():
        return "speech"
    if following in VERB_WORDS or (following.startswith(VERB_PREFIX) and len(following) > 5):
        return "verb"
    return None


@dataclass(slots=True)
class _Pending:
    """A single unknown capitalised word, labelled once the whole article is seen."""

    paragraph: int
    start: int
    end: int
    text: str
    actor: str | None  # "speech" before a reporting verb, "verb" before another verb
    sentence_start: bool


Known = dict[tuple[str, ...], str]


def _name_at(
    tokens: Tokens, keys: list[str], i: int, j: int, gaz: Gazetteer, known: Known
) -> tuple[int, str]:
    """(length, label) of the longest known name starting at token i within [i, j)."""
    if i >= j:
        return 0, ""
    lengths = gaz.names.lengths.get(keys[i], ())
    if not known and not lengths:
        return 0, ""  # the common case: no gazetteer name starts with this word
    limit = min(MAX_PHRASE_WORDS, j - i)
    if not known:  # the body: only the gazetteer's lengths
        for length in lengths:
            if length <= limit:
                entry = gaz.names.get(tuple(keys[i : i + length]))
                if entry and not (
                    length == 1 and keys[i] in gaz.short_acronyms and not tokens.acronym[i]
                ):
                    return length, entry[0]
        return 0, ""
    in_gazetteer = lengths[0] if lengths else 0  # no longer gazetteer name here
    for length in range(limit, 0, -1):
        phrase = tuple(keys[i : i + length])
        entry = gaz.names.get(phrase) if length <= in_gazetteer else None
        if entry and not (
            length == 1 and phrase[0] in gaz.short_acronyms and not tokens.acronym[i]
        ):
            return length, entry[0]
        label = known.get(phrase)
        if label:
            return length, label
    return 0, ""


def _head_name_end(
    tokens: Tokens,
    keys: list[str],
    i: int,
    run_end: int,
    gaz: Gazetteer,
    known: Known,
    floor: int = 0,
    organisation: bool = True,
) -> int:
    """Where a name opened by a head word ends: after the first known name in it
    (Partai Golkar | Airlangga Hartarto), before a person's name after ordinary
    organisation words (Badan Pangan Nasional | Arief Prasetyo Adi; an organisation's
    head only: Pasar Induk Kramat Jati is one place), else at the end
    of the capitalised run (Universitas Gadjah Mada). A part of an organisation (Fakultas
    Hukum) ends before the whole one's name. A street's name is the whole run: streets are
    named after people, places and events (Jl Medan Merdeka Selatan, Jalan Raya Bogor). It
    never ends before `floor`, the last part of a name joined over `dan`."""
    if keys[i] in STREET_HEADS:
        return run_end
    j = max(i + 1, floor)
    ordinary = 0
    part = keys[i] in gaz.org_part_heads
    while j < run_end:
        length, label = _name_at(tokens, keys, j, run_end, gaz, known)
        if part and (label == ORG or _longest(keys, j, run_end, gaz.org_heads)):
            return j
        if length:
            if label == LOC:  # Pengadilan Negeri Jakarta Selatan
                length += _longest(keys, j + length, run_end, gaz.directions)
            if organisation and j + length < run_end and AGE_GROUP.fullmatch(keys[j + length]):
                length += 1  # a team's age group is its name's: Timnas Indonesia U-23
            return j + length
        if keys[j] in gaz.org_words:
            ordinary += 1
        elif (
            ordinary
            and organisation
            and 2 <= run_end - j <= 4
            and not any(
                _name_at(tokens, keys, k, run_end, gaz, known)[0] for k in range(j, run_end)
            )
        ):
            return j  # not before a place: Suku Dinas Sumber Daya Air Jakarta Timur
        j += 1
    return run_end


@dataclass(slots=True)
class _ArticleState:
    """What recognition keeps while it reads one article."""

    gaz: Gazetteer
    vocabulary: frozenset[str]  # the article's lowercase words
    known: Known = field(default_factory=dict)  # names the body established, for headlines
    headline: bool = False  # reading Title Case lines: only known names are taken
    found: list[Mention] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    # why each mention was found, by (paragraph, start, end): see BASES
    bases: dict[tuple[int, int, int], str] = field(default_factory=dict)


# What a word's token key says to `_segment` before any look-up (`_word_classes`).
PLAIN = 1  # in no table `_segment` reads at a word, and no club's name (`_is_club`)
ORDINARY = 2  # an ordinary capitalised word (`not_entities`) and in no other such table
# A one-word name of the gazetteer that is no short acronym and no common word's place:
# alone in a run it is that name (`NAMED + _NAME_LABELS.index(label)`).
NAMED = 3
_NAME_LABELS = (LOC, ORG, PER)
# Words of a table `_segment` tests a word's key against by name, outside the lists.
_NAMED_WORDS = frozenset({"bidang"}) | NUMBERED_BODIES
# Entries of the table by key (`_word_classes`), cleared when full: about 4 MB full
# (tracemalloc, 100,000 keys; their strings are the tokens' keys, held by `Tokens` too).
WORD_CLASS_LIMIT = 100_000


def _word_classes(gaz: Gazetteer) -> Table[str, int]:
    """Token key -> PLAIN, ORDINARY, a NAMED class or 0 (any other word) in the gazetteer
    in use: a table (one look-up a word where `_segment` asked up to six), made again if
    another gazetteer is."""
    if not _WORD_CLASSES or _WORD_CLASSES[0][0] is not gaz:
        _WORD_CLASSES[:] = [(gaz, Table(partial(_classify, gaz), WORD_CLASS_LIMIT))]
    return _WORD_CLASSES[0][1]


def _classify(gaz: Gazetteer, key: str) -> int:
    entry = gaz.names.get((key,))
    if entry and key not in gaz.short_acronyms and key not in gaz.common_word_places:
        for number, label in enumerate(_NAME_LABELS):
            if entry[0] is label:
                return NAMED + number
    if (
        key in gaz.names.lengths
        or key in gaz.person_cues.lengths
        or key in gaz.org_heads.lengths
        or key in gaz.loc_heads.lengths
        or key in gaz.org_words
        or key in _NAMED_WORDS
    ):
        return 0
    if key in gaz.not_entities:
        return ORDINARY
    # a club's name opens with `Pers` or `PS`, so its key with `pers` or `ps`
    return 0 if key.startswith(("pers", "ps")) else PLAIN


_WORD_CLASSES: list[tuple[Gazetteer, Table[str, int]]] = []


def _segment(state: _ArticleState, paragraph: int, text: str, tokens: Tokens) -> None:
    """Mentions of one paragraph into `state.found`; undecided single words into
    `state.pending`.

    A sentence-initial capital that the article also writes in lowercase (`vocabulary`)
    is an ordinary word, not part of a name. In a headline only known names are taken."""
    gaz, known, found, pending = state.gaz, state.known, state.found, state.pending
    headline = state.headline
    vocabulary = frozenset() if headline else state.vocabulary
    keys, starts, ends = tokens.keys, tokens.starts, tokens.ends
    acronym, sentence_start = tokens.acronym, tokens.sentence_start
    # the first words of the tables read at each word: a word that opens none of them (most
    # do not) is answered without a call (the helpers' answer there is 0)
    name_lengths, cue_lengths = gaz.names.lengths, gaz.person_cues.lengths
    org_head_lengths, loc_head_lengths = gaz.org_heads.lengths, gaz.loc_heads.lengths
    bases = state.bases
    # outside headlines with no known names, a PLAIN or a lone ORDINARY word is passed
    # and a lone NAMED one taken without the look-ups, which answer the same there
    # (`_word_classes`)
    unnamed = not known and not headline
    word_class = _word_classes(gaz)

    def add(i: int, j: int, label: str, basis: str) -> None:
        start, end = starts[i], ends[j - 1]
        found.append(Mention(text[start:end], label, paragraph, start, end))
        bases[(paragraph, start, end)] = basis

    open_title = -1  # the first word after a title chain that ended in a unit and a comma
    runs, joinable = _runs(text, tokens)
    for run_start, run_end, floor in (
        _join_conjoined_names(text, tokens, runs, gaz) if joinable else runs
    ):
        i = run_start
        after_comma = i == open_title  # Ketua KPUD Muna, | Kubais
        open_title = -1
        if unnamed and run_end - i == 1:
            kind = word_class[keys[i]]
            if kind == ORDINARY and not tokens.domain[i]:
                continue  # `Kamis`, `Pada`: an ordinary word alone names nothing
            if kind >= NAMED and not after_comma and not (i and keys[i - 1] in STREET_HEADS):
                # `Pyongyang`, `PBB`: a known name alone (a place's direction, a branch's
                # region or a club's town would be in the run)
                add(i, run_end, _NAME_LABELS[kind - NAMED], "known")
                continue
        if sentence_start[i] and keys[i] in vocabulary and not gaz.names.get((keys[i],)):
            i += 1  # `Artis Raffi Ahmad` when the article also writes `artis`
            if i == run_end:
                continue
        if (
            i
            and keys[i - 1] in STREET_HEADS
            and not tokens.capital[i - 1]
            and text[ends[i - 1] : starts[i]].isspace()
            # `jalan` is also a way (`jalan Tuhan`, `jalan Tengah`): one word no list knows
            # is a street only where the tagger reads a name
            and (run_end - i > 1 or _name_at(tokens, keys, i, run_end, gaz, known)[0])
        ):
            add(i, run_end, LOC, "context")  # jalan Medan Merdeka Barat: a street
            continue
        name_start = i
        while name_start < run_end and keys[name_start] in gaz.not_entities:
            name_start += 1
        if (
            run_end - name_start > 1
            and keys[run_end - 1] in gaz.org_tails
            and not _longest(keys, i, run_end, gaz.person_cues)
        ):
            add(
                name_start, run_end, ORG, "tail"
            )  # Indonesia Corruption Watch, Ewha Womans University
            continue
        person_cue = after_comma
        while after_comma and i < run_end and keys[i] in gaz.org_words:
            i += 1  # the title's field goes on: Menteri Pendidikan, Kebudayaan, ...
        regional = False
        after_title = i if after_comma else -1
        while i < run_end:
            if person_cue and keys[i] == "bidang":
                # Ketua MUI Bidang Fatwa | Asrorun Niam Sholeh; at the end of the run the
                # field goes on after a comma (Bidang Politik, Hukum, dan Keamanan)
                i = i + 2 if i + 2 < run_end else run_end
                after_title = i
                continue
            token_index = i
            if unnamed and word_class[keys[i]] == PLAIN and not tokens.domain[i]:
                # a word no table knows (most of a person's name): every look-up below
                # answers nothing there (`_word_classes`), so the word goes on as an
                # unknown one with no head
                regional = regional and person_cue
                head_label = None
            else:
                length, label = (
                    _name_at(tokens, keys, i, run_end, gaz, known)
                    if known or keys[i] in name_lengths
                    else (0, "")  # most words: no gazetteer name starts with them
                )
                if not length and _is_club(tokens, i, gaz):
                    length, label = 1, ORG  # Persib Bandung, PSM Makassar: a club and its town
                    if i + 1 < run_end and gaz.names.get((keys[i + 1],), ("",))[0] == LOC:
                        length = 2
                    add(i, i + length, label, "club")
                    i += length
                    regional = False
                    continue
                if length and person_cue and label == PER:
                    length = 0  # a title before a name: read the whole name, not a known part
                if length == 1 and label == ORG:
                    comma_follows = run_end < len(keys) and bool(
                        TITLE_COMMA.fullmatch(text, ends[run_end - 1], starts[run_end])
                    )
                    length += _branch_region(
                        keys, i, run_end, gaz, known, tokens, person_cue, comma_follows
                    )
                if length:
                    if label == LOC:  # Jakarta Timur, Asia Timur
                        length += _longest(keys, i + length, run_end, gaz.directions)
                    if (
                        length == 1
                        and keys[i] in gaz.common_word_places
                        and not person_cue
                        and (keys[i],) not in known
                        and not _said_to_be_place(keys, tokens, i, gaz)
                    ):
                        # `Palu hakim diketuk`, `Israel Serang Rafah`: also a common word, so
                        # without a place cue the tagger decides (no rule tag to lean on)
                        i += 1
                        continue
                    if tuple(keys[i : i + length]) in gaz.world_regions and (
                        (
                            i == name_start == run_start
                            and not person_cue
                            and _rest_is_bare_person(tokens, keys, i + length, run_end, gaz, known)
                        )
                        or _world_region_at(tokens, keys, i + length, run_end, gaz, known)
                    ):
                        # `Johor Darul Ta'zim`: a region of another country that opens a run
                        # whose rest is a person from capitals alone may be the name's own
                        # word; one right before another such region is no place of its own
                        # (a title names one region): `Penyanyi Florida Georgia Line`. The
                        # tagger reads the run. Before its country it is the title's place:
                        # `Gubernur New Mexico | AS | Bill Richardson`.
                        break
                    add(i, i + length, label, "known")
                    i += length
                    # Presiden Rusia Vladimir Putin; Kepala BPBD Garut Satria Budi
                    person_cue = person_cue and label in (LOC, ORG)
                    regional = person_cue and label == ORG and keys[i - 1] in gaz.regional_orgs
                    if person_cue and label == ORG:
                        while i < run_end and keys[i] in gaz.org_words:
                            i += 1  # the unit in the title: General Manager PLN Unit Induk | Jabar
                    after_title = i
                    continue
                key = keys[i]
                length = _title_at(keys, i, run_start, run_end, gaz) if key in cue_lengths else 0
                org_head = (
                    _longest(keys, i, run_end, gaz.org_heads) if key in org_head_lengths else 0
                )
                loc_head = (
                    _longest(keys, i, run_end, gaz.loc_heads) if key in loc_head_lengths else 0
                )
                if length and length >= max(org_head, loc_head):
                    regional = bool(_longest(keys, i, run_end, gaz.regional_titles))
                    i += length
                    while i < run_end and keys[i] in gaz.org_words:
                        i += 1  # the rest of the title: Menteri Kesehatan, Kasat Reskrim
                    person_cue = True
                    after_title = i
                    continue
                if tokens.domain[i] or (headline and not person_cue):
                    i += 1
                    continue
                regional = regional and person_cue
                if (
                    keys[i] in NUMBERED_BODIES
                    and i + 1 < run_end
                    and ROMAN_NUMERAL.fullmatch(tokens.words[i + 1])
                ):
                    i += 2  # anggota Komisi III | DPR: the parliament is the name
                    while (
                        i + 1 < run_end
                        and keys[i] == "dan"
                        and ROMAN_NUMERAL.fullmatch(tokens.words[i + 1])
                    ):
                        i += 2  # Komisi VI dan XI
                    continue
                # `i` is where the head lengths were read
                head_label = ORG if org_head else LOC if loc_head else None
            if head_label and run_end - i > 1:
                i = _head_name_end(tokens, keys, i, run_end, gaz, known, floor, head_label == ORG)
                if (
                    i == run_end
                    and i - token_index >= 4
                    and (
                        person_cue
                        or (
                            _context_kind(keys, tokens, run_start, gaz) == PER
                            and not ROMAN_NUMERAL.fullmatch(tokens.words[i - 1])
                        )
                    )
                    and _unknown_words(keys, i - 2, i, gaz)
                ):
                    i -= 2  # juru bicara Lembaga Penjamin Simpanan | Dimas Yuliharto
                    person_cue = True
                else:  # Kepala Eksekutif Pengawas Lembaga Pembiayaan OJK | Agusman
                    # at the run's end the title chain may go on after a comma
                    person_cue = person_cue and (head_label == ORG or i == run_end)
                add(token_index, i, head_label, "head")
                after_title = i  # Kementerian Luar Negeri | Lalu Muhamad Iqbal
                continue
            opens_name = (
                i == after_title
                and i + 1 < run_end
                and keys[i + 1] not in gaz.not_entities
                and not _title_at(keys, i + 1, run_start, run_end, gaz)
            )  # Juru bicara Lalu Muhamad Iqbal: an ordinary word that opens a name
            if (
                (keys[i] in gaz.not_entities and not opens_name)
                or head_label
                or (keys[i] in gaz.org_words and not person_cue)
            ):
                # an ordinary word, or the tail of a title cut by `dan`: the name after
                # such a tail is the title's holder (dan Keamanan | Mahfud MD)
                person_cue = (
                    keys[i] in gaz.org_words
                    and i == run_start
                    and run_start > 0
                    and keys[run_start - 1] == "dan"
                )
                i += 1
                continue
            j = i + 1
            if unnamed:
                while j < run_end and word_class[keys[j]] == PLAIN:
                    j += 1  # the name goes on over words no table knows
            while (
                j < run_end
                and (keys[j] not in gaz.not_entities or (opens_name and j == i + 1))
                and (
                    (not known and keys[j] not in name_lengths)
                    or not _name_at(tokens, keys, j, run_end, gaz, known)[0]
                    or _place_inside_name(tokens, keys, j, run_end, gaz, known)
                    or tuple(keys[j:run_end]) in gaz.world_regions  # Jimmy | Wales
                    or (person_cue and _place_ends_name(tokens, keys, i, j, run_end, gaz, known))
                )
                and (keys[j] not in cue_lengths or not _title_at(keys, j, run_start, run_end, gaz))
                and (
                    keys[j] not in org_head_lengths or not _longest(keys, j, run_end, gaz.org_heads)
                )
                and not _is_club(tokens, j, gaz)
            ):
                j += 1
            if person_cue and regional and j - i >= 3:  # Bupati Labuhanbatu Erik Ritonga
                add(i, i + 1, LOC, "region")
                i += 1
            elif acronym[i] and j - i > 1 and not acronym[i + 1]:
                add(i, i + 1, ORG, "acronym")  # Ketua Umum PSSI Erick Thohir
                i += 1
                regional = keys[i] in gaz.regional_orgs  # Kepala BPBD Garut | Satria Budi
                after_title = i
                continue
            if person_cue and j == i + 1 and acronym[i] and keys[i] in gaz.regional_orgs:
                add(i, j, ORG, "acronym")  # Ketua KPUD | Muna: a branch, its region next
                i = j
                regional = True
                after_title = i
                continue
            if person_cue and j < run_end and _title_at(keys, j, run_start, run_end, gaz):
                # Kepala Dinas Penerangan TNI | AD | Brigjen Wuryanto: the words between two
                # titles are the first one's unit, not a person
                if all(acronym[i:j]):
                    add(i, j, ORG, "acronym")
                i = j
                continue
            if person_cue:
                unit = next(
                    (k for k in range(j - 3, i, -1) if acronym[k] or keys[k] in gaz.regional_orgs),
                    None,
                )
                if unit is not None and not acronym[unit + 1]:
                    # Kepala Sub Bagian Umum | BPPD | Sidoarjo | Siska Wati: the words before
                    # a unit are the title's, its region follows it, then the name
                    add(unit, unit + 1, ORG, "acronym")
                    i = unit + 1
                    if j - i >= 3 and _regional_unit(keys[unit], acronym[unit], gaz):
                        add(i, i + 1, LOC, "region")
                        i += 1
                    continue
                tail = next((k for k in range(i + 1, j - 1) if keys[k] in gaz.org_tails), None)
                if tail is not None:
                    add(i, tail + 1, ORG, "tail")  # Kiper Arema FC | Lucas Frigeri
                    i = tail + 1
            labelled = _label_unknown(tokens, keys, i, j, person_cue, gaz)
            if (
                i
                and keys[i - 1] in gaz.bylines
                and BYLINE_GAP.fullmatch(text, ends[i - 1], starts[i])
            ):
                labelled = (PER, "titled")  # Editor: Linda Agnesia
            if after_comma and i == after_title and labelled == (PER, "titled"):
                labelled = (PER, "holder")  # Ketua KPUD Muna, | Kubais
            if labelled:
                add(i, j, *labelled)
            elif j - i == 1 and not acronym[i]:
                pending.append(
                    _Pending(
                        paragraph,
                        starts[i],
                        ends[i],
                        tokens.words[i],
                        "speech"
                        if SPEAKER_COLON.match(text, ends[i])
                        else _looks_like_actor(tokens, j),
                        sentence_start[i],
                    )
                )
            person_cue = False
            i = j
        if (
            person_cue
            and run_end < len(keys)
            and TITLE_COMMA.fullmatch(text, ends[run_end - 1], starts[run_end])
        ):
            open_title = run_end  # Kepala Dinas Kesehatan Kota Bogor, | Sri Nowo Retno


def _regional_unit(key: str, is_acronym: bool, gaz: Gazetteer) -> bool:
    """A unit named with its region after it: a listed one (`Kejati`, `BPBD`) or a local
    agency's acronym ending in D for Daerah (`BPPD`, `BKD`, `BPKAD`)."""
    return key in gaz.regional_orgs or (is_acronym and key.endswith("d"))


def _branch_region(
    keys: list[str],
    i: int,
    run_end: int,
    gaz: Gazetteer,
    known: Known,
    tokens: Tokens,
    titled: bool,
    comma_follows: bool = False,
) -> int:
    """How many words after a regional branch head (Polres, Polda) name its region: those up
    to a title or the end of the name, at most two of them unknown (Kasat Reskrim Polres
    Klaten | AKP Joko Sumarsono; Polres Metro Jakarta Selatan). After a title (`titled`)
    the region must end at a rank, since the person's name follows it, unless a comma
    closes the name (`Kepala Polsek Tebet, Iptu Sudarmo`: the person is after it)."""
    if keys[i] not in gaz.regional_orgs:
        return 0
    k, unknown = i + 1, 0
    while k < run_end and not _title_at(keys, k, i, run_end, gaz):
        if keys[k] in gaz.not_entities:
            return 0
        length, label = _name_at(tokens, keys, k, run_end, gaz, known)
        if length and label != LOC:
            return 0
        if not length:
            unknown += 1
        k += max(length, 1)
    if titled and k == run_end and not comma_follows:
        return 0  # Kepala Basarnas Padang Abdul Malik: the name follows the region
    return k - i - 1 if unknown <= 2 and k - i - 1 <= 4 else 0


CONJOINED_GAP = re.compile(r"(?:,\s*|\s+)(?:dan\s+)?$")


def _join_conjoined_names(
    text: str, tokens: Tokens, runs: list[tuple[int, int, int]], gaz: Gazetteer
) -> list[tuple[int, int, int]]:
    """Runs as (start, end, start of the last joined part), organisation names with `dan`
    or a comma list inside joined into one run (Pusat Vulkanologi dan Mitigasi Bencana
    Geologi; Badan Meteorologi, Klimatologi, dan Geofisika). Only when the name opens with
    a head, has no known name, and what follows `dan` is neither a known name, a head nor
    a title (Kementerian Keuangan dan Bank Indonesia stay two)."""
    keys = tokens.keys
    joined: list[tuple[int, int, int]] = []
    index, count = 0, len(runs)
    while index < count:
        start, end, floor = runs[index]
        head = -2  # found only once a run is followed by `dan` or a comma: most are not
        while index + 1 < count:
            next_start, next_end, _ = runs[index + 1]
            gap_tokens = next_start - end
            if gap_tokens > 1:
                break  # the common case, decided without the text between
            after_dan = gap_tokens == 1 and keys[end] == "dan"
            if gap_tokens == 1 and not after_dan:
                break
            gap = text[tokens.ends[end - 1] : tokens.starts[next_start]]
            listed = gap_tokens == 0 and gap.strip() == ","
            if not (after_dan or listed) or not CONJOINED_GAP.fullmatch(gap):
                break
            if head == -2:
                head = next(
                    (k for k in range(start, end - 1) if _longest(keys, k, end, gaz.org_heads)), -1
                )
            if head < 0:
                break
            if listed and not _comma_list_ends_in_dan(text, tokens, keys, runs, index + 1):
                break  # a comma list must end in `, dan X`
            if (
                any(_name_at(tokens, keys, k, end, gaz, {})[0] for k in range(head + 1, end))
                or _name_at(tokens, keys, next_start, next_end, gaz, {})[0]
                or _longest(keys, next_start, next_end, gaz.org_heads)
                or _longest(keys, next_start, next_end, gaz.person_cues)
                or next_end - next_start > 6
            ):
                break
            floor, end = next_start, next_end
            index += 1
        joined.append((start, end, floor))
        index += 1
    return joined


def _comma_list_ends_in_dan(
    text: str, tokens: Tokens, keys: list[str], runs: list[tuple[int, int, int]], index: int
) -> bool:
    """Runs from `index` on are single words separated by commas, the last after `, dan`."""
    while index < len(runs):
        start, end, _ = runs[index]
        if end - start != 1 or index + 1 >= len(runs):
            return False
        next_start = runs[index + 1][0]
        gap = text[tokens.ends[end - 1] : tokens.starts[next_start]]
        if next_start - end == 1 and keys[end] == "dan" and gap.startswith(","):
            return True
        if next_start != end or gap.strip() != ",":
            return False
        index += 1
    return False


def _world_region_at(
    tokens: Tokens, keys: list[str], i: int, run_end: int, gaz: Gazetteer, known: Known
) -> bool:
    """The known name at token i is a first-level region of another country."""
    length, label = _name_at(tokens, keys, i, run_end, gaz, known)
    return label == LOC and tuple(keys[i : i + length]) in gaz.world_regions


def _place_inside_name(
    tokens: Tokens, keys: list[str], j: int, run_end: int, gaz: Gazetteer, known: Known
) -> bool:
    """A one-word place between two unknown words of a name is part of it (Hotman Paris
    Hutapea); the span before it is already unknown, so only the word after is checked."""
    k = j + 1
    return (
        _name_at(tokens, keys, j, run_end, gaz, known) == (1, LOC)
        and not tokens.acronym[j]
        and k < run_end
        and not tokens.acronym[k]
        and keys[k] not in gaz.not_entities
        and _unknown_words(keys, k, k + 1, gaz)
        and not _name_at(tokens, keys, k, run_end, gaz, known)[0]
        and not _title_at(keys, k, j, run_end, gaz)
        and not _longest(keys, k, run_end, gaz.org_heads)
        and not _longest(keys, k, run_end, gaz.directions)
    )


def _place_ends_name(
    tokens: Tokens, keys: list[str], i: int, j: int, run_end: int, gaz: Gazetteer, known: Known
) -> bool:
    """After a title, a one-word place right after a one-word name, ending the run, is the
    name's last word (`Komjen Pol Badrodin Haiti`): the title's own place comes before
    the name (`Presiden Rusia Vladimir Putin`)."""
    return (
        j == i + 1
        and j + 1 == run_end
        and not tokens.acronym[j]
        and _unknown_words(keys, i, j, gaz)
        and _name_at(tokens, keys, j, run_end, gaz, known) == (1, LOC)
    )


def _rest_is_bare_person(
    tokens: Tokens, keys: list[str], i: int, run_end: int, gaz: Gazetteer, known: Known
) -> bool:
    """The words [i, run_end) after a place would be a person from capitals alone: none
    known, a cue, an ordinary word or an acronym, and one word or a span read as a person."""
    return (
        i < run_end
        and _unknown_words(keys, i, run_end, gaz)
        and not any(tokens.acronym[i:run_end])
        and all(
            keys[k] not in gaz.not_entities
            and not _name_at(tokens, keys, k, run_end, gaz, known)[0]
            and not _longest(keys, k, run_end, gaz.person_cues)
            and not _longest(keys, k, run_end, gaz.org_heads)
            and not _longest(keys, k, run_end, gaz.loc_heads)
            and keys[k] not in gaz.org_tails
            and keys[k] not in gaz.loc_tails
            and not _longest(keys, k, run_end, gaz.directions)
            for k in range(i, run_end)
        )
        and (
            run_end - i == 1  # a lone word is read later as the article's person (Williams)
            or _label_unknown(tokens, keys, i, run_end, False, gaz) == (PER, "unknown")
        )
    )


def _unknown_words(keys: list[str], i: int, j: int, gaz: Gazetteer) -> bool:
    """No word in [i, j) is a known name or an ordinary organisation word."""
    return all((keys[k],) not in gaz.names and keys[k] not in gaz.org_words for k in range(i, j))


def _is_club(tokens: Tokens, i: int, gaz: Gazetteer) -> bool:
    """Indonesian football clubs are named Pers... or PS... (Persija, Persebaya, PSIS)."""
    word = tokens.words[i]
    if not word.startswith(("Pers", "PS")):
        return False  # most words, without the pattern
    return (
        tokens.keys[i] not in gaz.not_entities
        and not _longest(tokens.keys, i, i + 1, gaz.org_heads)  # Persatuan Guru ...
    ) and (
        (CLUB.match(word) is not None and not tokens.sentence_start[i])
        or (tokens.acronym[i] and word.startswith("PS") and 3 <= len(word) <= 5)
    )


def _label_unknown(
    tokens: Tokens, keys: list[str], i: int, j: int, person_cue: bool, gaz: Gazetteer
) -> tuple[str, str] | None:
    """(label, basis) of an unknown span [i, j) from its own words and its context; None
    to defer. The basis says which: "tail", "titled", "context" (the lowercase words
    before it), or "unknown" (capitals alone)."""
    last_key = keys[j - 1]
    if last_key in gaz.org_tails and j - i > 1:
        return ORG, "tail"
    if last_key in gaz.loc_tails and j - i > 1:
        return LOC, "tail"
    if person_cue:
        return PER, "titled"
    if j - i == 1 and tokens.acronym[i]:
        return ORG, "unknown"
    context = _context_kind(keys, tokens, i, gaz)
    if j - i > 1:
        if context == ORG:
            return ORG, "context"
        if context == LOC and keys[i - 1] not in DIRECTIONAL_PREPOSITIONS:
            return LOC, "context"  # di Kampung Melayu; not `undangan dari Kim Jong-un`
        if all(tokens.acronym[i:j]):
            return ORG, "unknown"
        if not NAME_WORD_TITLES.isdisjoint(keys[i + 1 : j]):
            return None  # Asrama Haji Sudiang: a title word inside names a place, not a person
        return PER, "unknown"
    if tokens.sentence_start[i] or context is None:
        return None
    return context, "context"


def _resolve_pending(
    found: list[Mention], pending: list[_Pending], vocabulary: frozenset[str]
) -> list[tuple[Mention, str, bool]]:
    """Label single unknown words from what the rest of the article says about them, with
    the basis, and whether the label is borrowed from another name of the article: "resolved"
    when the article names the word elsewhere (as that, or as part of a person's name:
    borrowed) or it speaks (`Bobby mengatakan`, `Bobby: "..."`), "actor" when
    only other verbs say it is a person (`bahwa Shoigu telah`).

    A word inside a sentence that acts (`bahwa Shoigu telah`) is a person. A
    sentence-initial word before a verb is too often an ordinary noun (`Banjir merendam`):
    it is a person only if the same word is one somewhere else in the article. A word the
    article also writes in lowercase (`vocabulary`: `Kisah ... kisah tentang`) is not a
    person for being part of a person's name (often the rules' own guess from capitals,
    `Bukan Cinta Biasa`) or for acting (`Cinta menjadi tema`), only if it speaks.
    """
    if not pending:
        return []  # many articles: nothing to label, so the names need not be read
    named: dict[str, str] = {}
    person_parts: set[str] = set()
    for mention in found:
        named.setdefault(token_key(mention.text), mention.label)
        if mention.label == PER:
            person_parts.update(p for p in key_tuple(mention.text) if len(p) > 1)
    keys = [token_key(item.text) for item in pending]
    speaking = {key for key, item in zip(keys, pending, strict=True) if item.actor == "speech"}
    acting = {
        key
        for key, item in zip(keys, pending, strict=True)
        if item.actor and not item.sentence_start and key not in vocabulary
    }
    people = (person_parts - vocabulary) | speaking
    resolved: list[tuple[Mention, str, bool]] = []
    for key, item in zip(keys, pending, strict=True):
        label = named.get(key) or (PER if key in people else None)
        basis = "resolved"
        if label is None and key in acting:
            label, basis = PER, "actor"
        if label:
            mention = Mention(item.text, label, item.paragraph, item.start, item.end)
            resolved.append((mention, basis, basis == "resolved" and key not in speaking))
    return resolved


@dataclass(slots=True)
class RuleResult:
    """What the rules found in one article."""

    mentions: list[Mention]  # in order of paragraph and position
    bases: dict[tuple[int, int, int], str]  # why, by (paragraph, start, end)
    headlines: list[bool]  # which paragraphs are Title Case lines
    # single words labelled because the article names them elsewhere (`resolved`, not
    # speaking): their label stands only while that other name does (the merge's word)
    borrowed: set[tuple[int, int, int]] = field(default_factory=set)


def recognise_with_bases(paragraphs: Sequence[str]) -> RuleResult:
    """Mentions in paragraphs of one article (paragraph = position in the list), and why
    each was found.

    Body text first; Title Case lines (headlines, promo links) only get names the
    gazetteer or the body already established.
    """
    tokenized = [tokenize(text) for text in paragraphs]
    headlines = [is_headline(tokens) for tokens in tokenized]
    vocabulary = frozenset(
        chain.from_iterable(compress(t.keys, map(not_, t.capital)) for t in tokenized)
    )
    state = _ArticleState(gazetteer(), vocabulary)
    for index, text in enumerate(paragraphs):
        if not headlines[index]:
            _segment(state, index, text, tokenized[index])
    borrowed = set()
    for mention, basis, lent in _resolve_pending(state.found, state.pending, vocabulary):
        state.found.append(mention)
        state.bases[(mention.paragraph, mention.start, mention.end)] = basis
        if lent:
            borrowed.add((mention.paragraph, mention.start, mention.end))
    if any(headlines):
        state.known = {key_tuple(m.text): m.label for m in state.found}
        state.headline = True
        for index, text in enumerate(paragraphs):
            if headlines[index]:
                _segment(state, index, text, tokenized[index])
    state.found.sort(key=attrgetter("paragraph", "start"))
    return RuleResult(state.found, state.bases, headlines, borrowed)


@cache
def known_people() -> frozenset[tuple[str, ...]]:
    """The token keys of the well-known people's full names (`data/entities/people.txt`):
    a person wherever the rules read the name from its capitals alone."""
    return frozenset(key_tuple(line) for line in data_lines("entities/people.txt"))


@cache
def known_people_words() -> frozenset[str]:
    """The capitalised words of the well-known people's names (`Putin`, `Shoigu`; not
    `bin`)."""
    return frozenset(
        token_key(word)
        for line in data_lines("entities/people.txt")
        for word in line.split()
        if word[:1].isupper() and len(word) > 2
    )


def recognise(paragraphs: Sequence[str]) -> list[Mention]:
    """Mentions in paragraphs of one article (paragraph = position in the list), in order."""
    return recognise_with_bases(paragraphs).mentions
