"""Find people, places and organisations in Indonesian news text, with rules and gazetteers.

No model can be downloaded at run time, so recognition is: split the text into runs of
capitalised words (with name connectors and hyphens), segment each run with a gazetteer
(babel's CLDR territory and time-zone city names plus curated lists in kabar_tui/data),
cue words (titles, organisation and place heads and tails) and the lowercase words just
before the run, then label what is left from the rest of the same article.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from kabar_tui.core.lexicon import NAME_WORD, Label, reporting_verbs
from kabar_tui.core.model import Mention

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "entities"
MAX_GAZETTEER_TOKENS = 6
MAX_CONTEXT_TOKENS = 2

SENTENCE_BREAK = re.compile(r"[.!?]")
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
# `Eri: "..."`: a name before a colon that opens a quotation is a speaker.
SPEAKER_COLON = re.compile(r"\s*:\s*[“\"]")
BYLINE_GAP = re.compile(r"\s*:\s*")
# Before a multi-word name these say nothing about a place (`undangan dari Kim Jong-un`).
DIRECTIONAL_PREPOSITIONS = frozenset({"dari", "ke", "menuju"})
# The only words a Title Case headline leaves in lowercase.
HEADLINE_LOWERCASE = frozenset(
    {"yang", "dan", "di", "ke", "dari", "untuk", "dengan", "dalam", "pada", "akan", "atau"}
    | {"oleh", "bagi", "soal", "usai", "jadi", "hingga", "ini", "itu", "vs", "via"}
)
VERB_WORDS = frozenset(
    {"telah", "akan", "sudah", "juga", "tidak", "belum", "sedang", "masih", "pun", "tak"}
)


class Token:
    """One word. A plain slotted class: millions are made, so construction must be cheap."""

    __slots__ = ("acronym", "capital", "domain", "end", "key", "sentence_start", "start", "text")

    def __init__(
        self,
        text: str,
        start: int,
        end: int,
        key: str,
        capital: bool = False,
        acronym: bool = False,
        sentence_start: bool = False,
        domain: bool = False,  # part of a web address like REPUBLIKA.CO.ID
    ) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.key = key  # casefolded, hyphens as spaces
        self.capital = capital
        self.acronym = acronym
        self.sentence_start = sentence_start
        self.domain = domain


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Lookup tables, built once per process."""

    names: dict[tuple[str, ...], tuple[str, str]]  # token keys -> (label, canonical)
    short_acronyms: frozenset[str]  # "AS", "UN": match only when written in capitals
    not_entities: frozenset[str]
    person_cues: frozenset[tuple[str, ...]]
    org_context: frozenset[tuple[str, ...]]
    loc_context: frozenset[tuple[str, ...]]
    org_heads: frozenset[tuple[str, ...]]
    loc_heads: frozenset[tuple[str, ...]]
    org_tails: frozenset[str]
    org_words: frozenset[str]
    regional_titles: frozenset[tuple[str, ...]]
    directions: frozenset[tuple[str, ...]]
    loc_tails: frozenset[str]
    regional_orgs: frozenset[str]  # BPBD, DPRD: a region name follows them
    bylines: frozenset[str]  # Editor, Penulis: `Editor: Linda Agnesia` names a person


def token_key(text: str) -> str:
    return text.casefold().replace("-", " ").replace("’", "'")


def key_tuple(text: str) -> tuple[str, ...]:
    """The token keys of a phrase, as `tokenize` would give them."""
    return tuple(token_key(word) for word in NAME_WORD.findall(text))


def _data_lines(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _name_is_usable(name: str) -> bool:
    return all(ch.isalpha() or ch in " -'’." for ch in name) and not name.isdigit()


@cache
def gazetteer() -> Gazetteer:
    """Curated lists first; babel's CLDR names fill in (they never override a curated entry)."""
    import babel

    names: dict[tuple[str, ...], tuple[str, str]] = {}
    upper_keys: set[str] = set()
    for line in _data_lines("gazetteer.tsv"):
        parts = line.split("\t")
        label, name = Label(parts[0]), parts[1]
        canonical = parts[2] if len(parts) > 2 and parts[2] else name
        names[key_tuple(name)] = (label, canonical)
        if name.isupper():
            upper_keys.add(token_key(name))
    indonesian, english = babel.Locale("id"), babel.Locale("en")
    for code, name in indonesian.territories.items():
        if _name_is_usable(name):
            names.setdefault(key_tuple(name), (Label.LOC, name))
        english_name = english.territories.get(code)
        if english_name and _name_is_usable(english_name):
            names.setdefault(key_tuple(english_name), (Label.LOC, names[key_tuple(name)][1]))
    for zone in zoneinfo.available_timezones():
        if "/" not in zone or zone.startswith(("Etc/", "SystemV/", "US/")):
            continue
        city = zone.rsplit("/", 1)[1].replace("_", " ")
        if _name_is_usable(city):
            names.setdefault(key_tuple(city), (Label.LOC, city))
    for zone, data in indonesian.time_zones.items():
        city = data.get("city")
        if city and _name_is_usable(city):
            english_city = zone.rsplit("/", 1)[1].replace("_", " ")
            canonical = names.get(key_tuple(english_city), (Label.LOC, city))[1]
            names.setdefault(key_tuple(city), (Label.LOC, canonical))

    not_entities = {
        token_key(word) for line in _data_lines("not_entities.txt") for word in line.split()
    }
    for locale in (indonesian, english):
        for width in ("wide", "abbreviated"):
            not_entities.update(d.casefold() for d in locale.days["format"][width].values())
            not_entities.update(m.casefold() for m in locale.months["format"][width].values())
    for key in [k for k in names if len(k) == 1 and k[0] in not_entities]:
        del names[key]  # "Mei", "Chad" as month or word: ordinary capitalised word wins

    cues: dict[str, set[tuple[str, ...]]] = {}
    for line in _data_lines("cues.tsv"):
        kind, phrase = line.split("\t")
        cues.setdefault(kind, set()).add(key_tuple(phrase))
    short_acronyms = frozenset(key for key in upper_keys if len(key) <= 3 and " " not in key)
    return Gazetteer(
        names=names,
        short_acronyms=short_acronyms,
        not_entities=frozenset(not_entities),
        person_cues=frozenset(cues["person"] | cues["regional_title"]),
        org_context=frozenset(cues["org_context"]),
        loc_context=frozenset(cues["loc_context"]),
        org_heads=frozenset(cues["org_head"]),
        loc_heads=frozenset(cues["loc_head"]),
        org_tails=frozenset(k[0] for k in cues["org_tail"]),
        org_words=frozenset(k[0] for k in cues["org_word"]),
        regional_titles=frozenset(cues["regional_title"]),
        directions=frozenset(cues["direction"]),
        loc_tails=frozenset(k[0] for k in cues["loc_tail"]),
        regional_orgs=frozenset(k[0] for k in cues["regional_org"]),
        bylines=frozenset(k[0] for k in cues["byline"]),
    )


@lru_cache(maxsize=65536)
def gazetteer_entry(text: str) -> tuple[str, str] | None:
    """(label, canonical) for a name the gazetteer knows, else None."""
    return gazetteer().names.get(key_tuple(text))


def _in_web_address(text: str, start: int, end: int) -> bool:
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    return (len(after) == 2 and after[0] == "." and after[1].isalpha()) or (
        len(before) == 2 and before[1] == "." and before[0].isalpha()
    )


def tokenize(text: str) -> list[Token]:
    """Words with what recognition needs; only capitalised words get the costly checks."""
    tokens: list[Token] = []
    previous_end = 0
    for match in NAME_WORD.finditer(text):
        word = match.group()
        start, end = match.span()
        if word[0].isupper():
            tokens.append(
                Token(
                    word,
                    start,
                    end,
                    token_key(word),
                    capital=True,
                    acronym=len(word) >= 2 and word[1].isalpha() and word.isupper(),
                    sentence_start=not tokens
                    or SENTENCE_BREAK.search(text, previous_end, start) is not None,
                    domain=_in_web_address(text, start, end),
                )
            )
        else:
            key = word if word.islower() and "-" not in word else token_key(word)
            tokens.append(Token(word, start, end, key))
        previous_end = end
    return tokens


def _runs(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of capitalised words joined by spaces or name connectors."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(tokens)
    while i < n:
        if not tokens[i].capital:
            i += 1
            continue
        j = i + 1
        while j < n:
            gap = text[tokens[j - 1].end : tokens[j].start]
            if gap.strip():
                break
            if tokens[j].capital:
                j += 1
            elif (
                tokens[j].key in CONNECTORS
                and j + 1 < n
                and tokens[j + 1].capital
                and not text[tokens[j].end : tokens[j + 1].start].strip()
            ):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _longest(keys: Sequence[str], i: int, j: int, table: frozenset[tuple[str, ...]] | dict) -> int:
    """Length of the longest phrase from `table` starting at keys[i], within [i, j)."""
    for length in range(min(MAX_GAZETTEER_TOKENS, j - i), 0, -1):
        if tuple(keys[i : i + length]) in table:
            return length
    return 0


def _context_kind(keys: Sequence[str], tokens: list[Token], i: int, gaz: Gazetteer) -> str | None:
    """What the lowercase words just before token i say the name is."""
    for length in range(MAX_CONTEXT_TOKENS, 0, -1):
        if i - length < 0:
            continue
        phrase = tuple(keys[i - length : i])
        if any(tokens[k].capital for k in range(i - length, i)):
            continue
        if phrase in gaz.person_cues:
            return Label.PER
        if phrase in gaz.org_context:
            return Label.ORG
        if phrase in gaz.loc_context:
            return Label.LOC
    return None


def _looks_like_actor(tokens: list[Token], j: int) -> str | None:
    """What follows a single name: a reporting verb (`Guterres mengatakan`) says "speech",
    another verb-like word (`Shoigu mengunjungi`, `Shoigu telah`) says "verb"."""
    if j >= len(tokens):
        return None
    following = tokens[j]
    if following.capital:
        return None
    if following.key in reporting_verbs():
        return "speech"
    if following.key in VERB_WORDS or (
        following.key.startswith(VERB_PREFIX) and len(following.key) > 5
    ):
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


def is_headline(tokens: list[Token]) -> bool:
    """Title Case text (headlines, promo links), where capitals say nothing about names."""
    if len(tokens) < 5:
        return False
    capitals = sum(1 for t in tokens if t.capital)
    lowercase_ok = all(t.capital or t.key in HEADLINE_LOWERCASE or len(t.key) == 1 for t in tokens)
    return lowercase_ok and capitals >= 0.6 * len(tokens)


def _name_at(
    tokens: list[Token], keys: list[str], i: int, j: int, gaz: Gazetteer, known: Known
) -> tuple[int, str]:
    """(length, label) of the longest known name starting at token i within [i, j)."""
    for length in range(min(MAX_GAZETTEER_TOKENS, j - i), 0, -1):
        phrase = tuple(keys[i : i + length])
        entry = gaz.names.get(phrase)
        if entry and not (
            length == 1 and phrase[0] in gaz.short_acronyms and not tokens[i].acronym
        ):
            return length, entry[0]
        label = known.get(phrase)
        if label:
            return length, label
    return 0, ""


def _head_name_end(
    tokens: list[Token],
    keys: list[str],
    i: int,
    run_end: int,
    gaz: Gazetteer,
    known: Known,
    floor: int = 0,
) -> int:
    """Where a name opened by a head word ends: after the first known name in it
    (Partai Golkar | Airlangga Hartarto), before a person's name after ordinary
    organisation words (Badan Pangan Nasional | Arief Prasetyo Adi), else at the end
    of the capitalised run (Universitas Gadjah Mada). It never ends before `floor`, the
    last part of a name joined over `dan`."""
    j = max(i + 1, floor)
    ordinary = 0
    while j < run_end:
        length, label = _name_at(tokens, keys, j, run_end, gaz, known)
        if length:
            if label == Label.LOC:  # Pengadilan Negeri Jakarta Selatan
                length += _longest(keys, j + length, run_end, gaz.directions)
            return j + length
        if keys[j] in gaz.org_words:
            ordinary += 1
        elif (
            ordinary
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


def _segment(state: _ArticleState, paragraph: int, text: str, tokens: list[Token]) -> None:
    """Mentions of one paragraph into `state.found`; undecided single words into
    `state.pending`.

    A sentence-initial capital that the article also writes in lowercase (`vocabulary`)
    is an ordinary word, not part of a name. In a headline only known names are taken."""
    gaz, known, found, pending = state.gaz, state.known, state.found, state.pending
    headline = state.headline
    vocabulary = frozenset() if headline else state.vocabulary
    keys = [t.key for t in tokens]

    def add(i: int, j: int, label: str, basis: str) -> None:
        start, end = tokens[i].start, tokens[j - 1].end
        found.append(Mention(text[start:end], label, paragraph, start, end))
        state.bases[(paragraph, start, end)] = basis

    for run_start, run_end, floor in _join_conjoined_names(text, tokens, _runs(text, tokens), gaz):
        i = run_start
        first = tokens[i]
        if first.sentence_start and first.key in vocabulary and not gaz.names.get((first.key,)):
            i += 1  # `Artis Raffi Ahmad` when the article also writes `artis`
            if i == run_end:
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
                name_start, run_end, Label.ORG, "tail"
            )  # Indonesia Corruption Watch, Ewha Womans University
            continue
        person_cue = False
        regional = False
        after_title = -1
        while i < run_end:
            if person_cue and keys[i] == "bidang":
                # Ketua MUI Bidang Fatwa | Asrorun Niam Sholeh; at the end of the run the
                # field goes on after a comma (Bidang Politik, Hukum, dan Keamanan)
                i = i + 2 if i + 2 < run_end else run_end
                after_title = i
                continue
            token_index, token = i, tokens[i]
            length, label = _name_at(tokens, keys, i, run_end, gaz, known)
            if not length and _is_club(token, gaz):
                length, label = 1, Label.ORG  # Persib Bandung, PSM Makassar: a club and its town
                if i + 1 < run_end and gaz.names.get((keys[i + 1],), ("",))[0] == Label.LOC:
                    length = 2
                add(i, i + length, label, "club")
                i += length
                regional = False
                continue
            if length and person_cue and label == Label.PER:
                length = 0  # a title before a name: read the whole name, not a known part
            if length == 1 and label == Label.ORG:
                length += _branch_region(keys, i, run_end, gaz, known, tokens, person_cue)
            if length:
                if label == Label.LOC:  # Jakarta Timur, Asia Timur
                    length += _longest(keys, i + length, run_end, gaz.directions)
                add(i, i + length, label, "known")
                i += length
                # Presiden Rusia Vladimir Putin; Kepala BPBD Garut Satria Budi
                person_cue = person_cue and label in (Label.LOC, Label.ORG)
                regional = person_cue and label == Label.ORG and keys[i - 1] in gaz.regional_orgs
                after_title = i
                continue
            length = _longest(keys, i, run_end, gaz.person_cues)
            head_length = max(
                _longest(keys, i, run_end, gaz.org_heads), _longest(keys, i, run_end, gaz.loc_heads)
            )
            if length and length >= head_length:
                regional = bool(_longest(keys, i, run_end, gaz.regional_titles))
                i += length
                while i < run_end and keys[i] in gaz.org_words:
                    i += 1  # the rest of the title: Menteri Kesehatan, Kasat Reskrim
                person_cue = True
                after_title = i
                continue
            if token.domain or (headline and not person_cue):
                i += 1
                continue
            regional = regional and person_cue
            head_label = None
            if _longest(keys, i, run_end, gaz.org_heads):
                head_label = Label.ORG
            elif _longest(keys, i, run_end, gaz.loc_heads):
                head_label = Label.LOC
            if head_label and run_end - i > 1:
                i = _head_name_end(tokens, keys, i, run_end, gaz, known, floor)
                if (
                    i == run_end
                    and i - token_index >= 4
                    and (person_cue or _context_kind(keys, tokens, run_start, gaz) == Label.PER)
                    and _unknown_words(keys, i - 2, i, gaz)
                ):
                    i -= 2  # juru bicara Lembaga Penjamin Simpanan | Dimas Yuliharto
                    person_cue = True
                else:  # Kepala Eksekutif Pengawas Lembaga Pembiayaan OJK | Agusman
                    person_cue = person_cue and head_label == Label.ORG and i < run_end
                add(token_index, i, head_label, "head")
                after_title = i  # Kementerian Luar Negeri | Lalu Muhamad Iqbal
                continue
            opens_name = (
                i == after_title
                and i + 1 < run_end
                and keys[i + 1] not in gaz.not_entities
                and not _longest(keys, i + 1, run_end, gaz.person_cues)
            )  # Juru bicara Lalu Muhamad Iqbal: an ordinary word that opens a name
            if (
                (token.key in gaz.not_entities and not opens_name)
                or head_label
                or (token.key in gaz.org_words and not person_cue)
            ):
                # an ordinary word, or the tail of a title cut by `dan`: the name after
                # such a tail is the title's holder (dan Keamanan | Mahfud MD)
                person_cue = (
                    token.key in gaz.org_words
                    and i == run_start
                    and run_start > 0
                    and keys[run_start - 1] == "dan"
                )
                i += 1
                continue
            j = i + 1
            while (
                j < run_end
                and (keys[j] not in gaz.not_entities or (opens_name and j == i + 1))
                and (
                    not _name_at(tokens, keys, j, run_end, gaz, known)[0]
                    or _place_inside_name(tokens, keys, j, run_end, gaz, known)
                )
                and not _longest(keys, j, run_end, gaz.person_cues)
                and not _longest(keys, j, run_end, gaz.org_heads)
                and not _is_club(tokens[j], gaz)
            ):
                j += 1
            if person_cue and regional and j - i >= 3:  # Bupati Labuhanbatu Erik Ritonga
                add(i, i + 1, Label.LOC, "region")
                i += 1
            elif token.acronym and j - i > 1 and not tokens[i + 1].acronym:
                add(i, i + 1, Label.ORG, "acronym")  # Ketua Umum PSSI Erick Thohir
                i += 1
                regional = token.key in gaz.regional_orgs  # Kepala BPBD Garut | Satria Budi
                after_title = i
                continue
            if person_cue:
                tail = next((k for k in range(i + 1, j - 1) if keys[k] in gaz.org_tails), None)
                if tail is not None:
                    add(i, tail + 1, Label.ORG, "tail")  # Kiper Arema FC | Lucas Frigeri
                    i = tail + 1
            token = tokens[i]
            labelled = _label_unknown(tokens, keys, i, j, person_cue, gaz)
            if (
                i
                and keys[i - 1] in gaz.bylines
                and BYLINE_GAP.fullmatch(text, tokens[i - 1].end, tokens[i].start)
            ):
                labelled = (Label.PER, "titled")  # Editor: Linda Agnesia
            if labelled:
                add(i, j, *labelled)
            elif j - i == 1 and not token.acronym:
                pending.append(
                    _Pending(
                        paragraph,
                        token.start,
                        token.end,
                        token.text,
                        "speech"
                        if SPEAKER_COLON.match(text, token.end)
                        else _looks_like_actor(tokens, j),
                        token.sentence_start,
                    )
                )
            person_cue = False
            i = j


def _branch_region(
    keys: list[str],
    i: int,
    run_end: int,
    gaz: Gazetteer,
    known: Known,
    tokens: list[Token],
    titled: bool,
) -> int:
    """How many words after a regional branch head (Polres, Polda) name its region: those up
    to a title or the end of the name, at most two of them unknown (Kasat Reskrim Polres
    Klaten | AKP Joko Sumarsono; Polres Metro Jakarta Selatan). After a title (`titled`)
    the region must end at a rank, since the person's name follows it."""
    if keys[i] not in gaz.regional_orgs:
        return 0
    k, unknown = i + 1, 0
    while k < run_end and not _longest(keys, k, run_end, gaz.person_cues):
        if keys[k] in gaz.not_entities:
            return 0
        length, label = _name_at(tokens, keys, k, run_end, gaz, known)
        if length and label != Label.LOC:
            return 0
        if not length:
            unknown += 1
        k += max(length, 1)
    if titled and k == run_end:
        return 0  # Kepala Basarnas Padang Abdul Malik: the name follows the region
    return k - i - 1 if unknown <= 2 and k - i - 1 <= 4 else 0


CONJOINED_GAP = re.compile(r"(?:,\s*|\s+)(?:dan\s+)?$")


def _join_conjoined_names(
    text: str, tokens: list[Token], runs: list[tuple[int, int]], gaz: Gazetteer
) -> list[tuple[int, int, int]]:
    """Runs as (start, end, start of the last joined part), organisation names with `dan`
    or a comma list inside joined into one run (Pusat Vulkanologi dan Mitigasi Bencana
    Geologi; Badan Meteorologi, Klimatologi, dan Geofisika). Only when the name opens with
    a head, has no known name, and what follows `dan` is neither a known name, a head nor
    a title (Kementerian Keuangan dan Bank Indonesia stay two)."""
    keys = [t.key for t in tokens]
    joined: list[tuple[int, int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        floor = start
        head = -2  # found only once a run is followed by `dan` or a comma: most are not
        while index + 1 < len(runs):
            next_start, next_end = runs[index + 1]
            gap_tokens = next_start - end
            gap = text[tokens[end - 1].end : tokens[next_start].start]
            after_dan = gap_tokens == 1 and keys[end] == "dan"
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
    text: str, tokens: list[Token], keys: list[str], runs: list[tuple[int, int]], index: int
) -> bool:
    """Runs from `index` on are single words separated by commas, the last after `, dan`."""
    while index < len(runs):
        start, end = runs[index]
        if end - start != 1 or index + 1 >= len(runs):
            return False
        next_start = runs[index + 1][0]
        gap = text[tokens[end - 1].end : tokens[next_start].start]
        if next_start - end == 1 and keys[end] == "dan" and gap.startswith(","):
            return True
        if next_start != end or gap.strip() != ",":
            return False
        index += 1
    return False


def _place_inside_name(
    tokens: list[Token], keys: list[str], j: int, run_end: int, gaz: Gazetteer, known: Known
) -> bool:
    """A one-word place between two unknown words of a name is part of it (Hotman Paris
    Hutapea); the span before it is already unknown, so only the word after is checked."""
    k = j + 1
    return (
        _name_at(tokens, keys, j, run_end, gaz, known) == (1, Label.LOC)
        and not tokens[j].acronym
        and k < run_end
        and not tokens[k].acronym
        and keys[k] not in gaz.not_entities
        and _unknown_words(keys, k, k + 1, gaz)
        and not _name_at(tokens, keys, k, run_end, gaz, known)[0]
        and not _longest(keys, k, run_end, gaz.person_cues)
        and not _longest(keys, k, run_end, gaz.org_heads)
        and not _longest(keys, k, run_end, gaz.directions)
    )


def _unknown_words(keys: list[str], i: int, j: int, gaz: Gazetteer) -> bool:
    """No word in [i, j) is a known name or an ordinary organisation word."""
    return all((keys[k],) not in gaz.names and keys[k] not in gaz.org_words for k in range(i, j))


def _is_club(token: Token, gaz: Gazetteer) -> bool:
    """Indonesian football clubs are named Pers... or PS... (Persija, Persebaya, PSIS)."""
    return token.key not in gaz.not_entities and (
        (CLUB.match(token.text) is not None and not token.sentence_start)
        or (token.acronym and token.text.startswith("PS") and 3 <= len(token.text) <= 5)
    )


def _label_unknown(
    tokens: list[Token], keys: list[str], i: int, j: int, person_cue: bool, gaz: Gazetteer
) -> tuple[str, str] | None:
    """(label, basis) of an unknown span [i, j) from its own words and its context; None
    to defer. The basis says which: "tail", "titled", "context" (the lowercase words
    before it), or "unknown" (capitals alone)."""
    last_key = keys[j - 1]
    if last_key in gaz.org_tails and j - i > 1:
        return Label.ORG, "tail"
    if last_key in gaz.loc_tails and j - i > 1:
        return Label.LOC, "tail"
    if person_cue:
        return Label.PER, "titled"
    first = tokens[i]
    if j - i == 1 and first.acronym:
        return Label.ORG, "unknown"
    context = _context_kind(keys, tokens, i, gaz)
    if j - i > 1:
        if context == Label.ORG:
            return Label.ORG, "context"
        if context == Label.LOC and keys[i - 1] not in DIRECTIONAL_PREPOSITIONS:
            return Label.LOC, "context"  # di Kampung Melayu; not `undangan dari Kim Jong-un`
        if all(tokens[k].acronym for k in range(i, j)):
            return Label.ORG, "unknown"
        return Label.PER, "unknown"
    if first.sentence_start or context is None:
        return None
    return context, "context"


def _resolve_pending(found: list[Mention], pending: list[_Pending]) -> list[Mention]:
    """Label single unknown words from what the rest of the article says about them.

    A word the article names elsewhere takes that label; a word inside a sentence that
    acts (`bahwa Shoigu telah`) is a person. A sentence-initial word before a verb is
    too often an ordinary noun (`Banjir merendam`): it is a person only if the same
    word is one somewhere else in the article.
    """
    by_text: dict[str, str] = {}
    person_parts: set[str] = set()
    for mention in found:
        by_text.setdefault(token_key(mention.text), mention.label)
        if mention.label == Label.PER:
            person_parts.update(p for p in key_tuple(mention.text) if len(p) > 1)
    for item in pending:
        if item.actor == "speech" or (item.actor and not item.sentence_start):
            by_text.setdefault(token_key(item.text), Label.PER)
    resolved: list[Mention] = []
    for item in pending:
        key = token_key(item.text)
        label = by_text.get(key) or (Label.PER if key in person_parts else None)
        if label:
            resolved.append(Mention(item.text, label, item.paragraph, item.start, item.end))
    return resolved


@dataclass(slots=True)
class RuleResult:
    """What the rules found in one article."""

    mentions: list[Mention]  # in order of paragraph and position
    bases: dict[tuple[int, int, int], str]  # why, by (paragraph, start, end)
    headlines: list[bool]  # which paragraphs are Title Case lines


def recognise_with_bases(paragraphs: Sequence[str]) -> RuleResult:
    """Mentions in paragraphs of one article (paragraph = position in the list), and why
    each was found.

    Body text first; Title Case lines (headlines, promo links) only get names the
    gazetteer or the body already established.
    """
    tokenized = [tokenize(text) for text in paragraphs]
    headlines = [is_headline(tokens) for tokens in tokenized]
    vocabulary = frozenset(t.key for tokens in tokenized for t in tokens if not t.capital)
    state = _ArticleState(gazetteer(), vocabulary)
    for index, text in enumerate(paragraphs):
        if not headlines[index]:
            _segment(state, index, text, tokenized[index])
    for mention in _resolve_pending(state.found, state.pending):
        state.found.append(mention)
        state.bases[(mention.paragraph, mention.start, mention.end)] = "resolved"
    if any(headlines):
        state.known = {key_tuple(m.text): m.label for m in state.found}
        state.headline = True
        for index, text in enumerate(paragraphs):
            if headlines[index]:
                _segment(state, index, text, tokenized[index])
    state.found.sort(key=lambda m: (m.paragraph, m.start))
    return RuleResult(state.found, state.bases, headlines)


def recognise(paragraphs: Sequence[str]) -> list[Mention]:
    """Mentions in paragraphs of one article (paragraph = position in the list), in order."""
    return recognise_with_bases(paragraphs).mentions
