"""Who is speaking: the person at a reporting cue, and the person a pronoun cue means.

Indonesian news names a speaker after a cue verb (`kata Kepala Polres Bogor Ajun Komisaris
Besar Rudi Hartono`) or before a reporting verb (`Rudi mengatakan, ...`), often behind a
long chain of titles, units and ranks. The speaker is the person at the end of that chain
(Rudi Hartono), with the chain kept as the role. A chain that names no person is a role
(`kata Presiden`): it means the person the article last named with that title, else it is
kept as written, like an unnamed source (`seorang juru bicara`). A speaker is a person or
a named body; a place is one only as the subject of a reporting verb (`Pyongyang
menyebut ...`, a government speaking). A unit or rank word is never the speaker: the
person ends the chain, even when recognition merged the name into the unit. Pronoun cues
(`katanya`, `kata dia`, `Ia menambahkan`) mean the person most recently introduced as
speaking, across paragraphs: in a quote, in reported speech (`Menurut Siti Rahma, ...`) or
as the agent of a passive reporting verb (`Hal itu disampaikan X`); a person the article
only narrates (a suspect between the police's quotes) is not introduced.

The cue words live in kabar_tui/data/quotes/cues.tsv, read by `lexicon.speech_cues`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter

from kabar_tui.core.ingest.vocabulary import known
from kabar_tui.core.lexicon import LOC, ORG, PER, speech_cues
from kabar_tui.core.model import Mention

# How far a speaker phrase is read after its cue, and a subject before its verb.
MAX_PHRASE_CHARS = 240
MAX_SUBJECT_CHARS = 240
MAX_UNNAMED_WORDS = 6
WORD = re.compile(r"[^\W\d_][\w'’.-]*")
# Words that end a speaker phrase (`kata Budi dalam rapat`); commas are handled apart, a
# capitalised part after one continues the chain (`Kepala Dusun Nglahar, Wahyu Wibowo`).
PHRASE_STOP = re.compile(
    r"[.;:!?\"“”]|\s(?:dalam|pada|kepada|saat|ketika|di|sebagaimana|seperti|usai|setelah|"
    r"melalui|dikutip|dilansir|mengutip|yang|bahwa|tanpa|dengan|sambil|sebelum|sejak|"
    r"hari|menurut|terkait|soal|tentang|via|seusai|selepas|kemarin|lewat|ke|dari|"
    r"pekan|tadi|sore|pagi|siang|malam|dan\s+(?=[a-z]))\b"
)
DIGIT = re.compile(r"\d")
QUOTING = re.compile(r"\bmengutip\b", re.IGNORECASE)
# Every reporting verb after its subject is a me- or ber- word (mengatakan, berkata).
VERB_SHAPE_PLAIN = r"\b(?:[Mm]e|[Bb]er)[a-z]{3,}\b|\b(?:yakin|optimistis|khawatir)\b"
# The same matches, written to open with the first letter (then no word character before
# it, then the rest of that letter's branch): the regex engine then skips to those letters
# instead of trying the pattern at every position (a paragraph's scan about 1.6x faster;
# tests/test_speakers.py checks it against VERB_SHAPE_PLAIN).
VERB_SHAPE = re.compile(
    r"[MmBbyok](?<!\w.)"
    r"(?:(?<=[Mm])e[a-z]{3,}|(?<=[Bb])er[a-z]{3,}|(?<=y)akin|(?<=o)ptimistis|(?<=k)hawatir)\b"
)

# VERB_SHAPE's me- and ber- words from their second letter: a pattern that opens with one
# letter, which the regex engine finds by a plain character search, where VERB_SHAPE's
# opening set is tested at every position (`Cues.speech` about 1.3x faster a paragraph;
# tests/test_speakers.py checks the verbs found against VERB_SHAPE's).
_ME_BER = re.compile(r"e(?<=[MmBb]e)(?<!\w..)(?:(?<=[Mm]e)[a-z]{3,}|(?<=[Bb]e)r[a-z]{3,})\b")


@dataclass(frozen=True, slots=True)
class Cues:
    """The cue words, and patterns built from them once per process."""

    cue_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    clause_verbs: frozenset[str]  # reported words may follow with no `,` or `bahwa`
    pronouns: frozenset[str]
    unnamed: frozenset[str]
    roles: frozenset[str]
    namesakes: frozenset[str]  # `Rumah Sakit`, `Universitas Islam Negeri`: named after someone
    after_quote: re.Pattern[str]  # `, kata` / `, katanya` / `, ditekankan` after a mark
    inverted: re.Pattern[str]  # a cue inside reported speech: `Namun, lanjut Teguh, ...`
    passive_agent: re.Pattern[str]  # `Hal itu disampaikan Kepala Dinas X`: X spoke

    def inverted_cues(self, text: str) -> Iterator[re.Match[str]]:
        """Cues at the paragraph's start or after a comma (tried only there: fast)."""
        pos = 0
        while pos != -1:
            match = self.inverted.match(text, pos)
            if match:
                yield match
            pos = text.find(",", pos + 1)

    def speech(self, text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
        """Reporting verbs in text[start:end]: words shaped like one, kept if listed (a
        case-sensitive prefix pattern and a set are several times faster than a long
        case-insensitive alternation)."""
        end = len(text) if end is None else end
        if "yakin" in text or "optimistis" in text or "khawatir" in text:
            for match in VERB_SHAPE.finditer(text, start, end):
                if match.group().casefold() in self.speech_verbs:
                    yield match
            return
        # most text: the me- and ber- words only, found by their `e` (`_ME_BER`), each
        # listed one matched again where it starts for the pattern's own match
        for rest in _ME_BER.finditer(text, start + 1, end):
            first = rest.start() - 1
            if text[first : rest.end()].casefold() in self.speech_verbs:
                verb = VERB_SHAPE.match(text, first, end)
                assert verb is not None, "_ME_BER found a word VERB_SHAPE does not"
                yield verb

    def first_speech(
        self, text: str, start: int = 0, end: int | None = None
    ) -> re.Match[str] | None:
        return next(self.speech(text, start, end), None)

    def speech_at(self, text: str, pos: int) -> re.Match[str] | None:
        match = VERB_SHAPE.match(text, pos)
        return match if match and match.group().casefold() in self.speech_verbs else None


def passive_agent_pattern(verbs: Iterable[str]) -> str:
    """`Hal itu disampaikan [oleh] X`: a passive reporting verb (each a di- word) before a
    capital. `\\b(?:verbs)` written to open with `di` and check the word boundary behind
    it, so the regex engine skips to those letters instead of trying the pattern at every
    position (the same matches, tests/test_speakers.py; a paragraph's scan about 5x faster)."""
    rests = "|".join(verb[2:] for verb in sorted(verbs, key=len, reverse=True))
    return rf"di(?<!\w..)(?:{rests})\s+(?:oleh\s+)?(?=[A-Z])"


@cache
def cues() -> Cues:
    words = speech_cues()
    cue_verbs = "|".join(sorted(words["cue"], key=len, reverse=True))
    passive = "|".join(sorted(words["passive"], key=len, reverse=True))
    if not all(VERB_SHAPE.fullmatch(verb) for verb in words["speech"]):
        raise ValueError("quotes/cues.tsv: a speech verb must start with me- or ber-")
    if not words["clause"] <= words["speech"]:
        raise ValueError("quotes/cues.tsv: a clause verb must be a speech verb too")
    if not all(verb.startswith("di") for verb in words["passive"]):
        raise ValueError("quotes/cues.tsv: a passive verb must start with di-")
    return Cues(
        cue_verbs=frozenset(words["cue"]),
        speech_verbs=frozenset(words["speech"]),
        clause_verbs=frozenset(words["clause"]),
        pronouns=frozenset(words["pronoun"]),
        unnamed=frozenset(words["unnamed"]),
        roles=frozenset(words["role"]),
        namesakes=frozenset(words["namesake"]),
        after_quote=re.compile(
            rf"[\s,.!?]*(?:(?P<verb>{cue_verbs})(?P<nya>nya)?|(?P<passive>{passive})"
            r"|(?P<according>menurut)(?P<according_nya>nya))\b",
            re.IGNORECASE,
        ),
        inverted=re.compile(rf",?\s*(?:{cue_verbs})\s+(?=\w)", re.IGNORECASE),
        passive_agent=re.compile(passive_agent_pattern(words["passive"])),
    )


@dataclass(slots=True)
class Speaker:
    """Who said a quote: a name as written, the role in front of it, and the relaying outlet."""

    name: str
    role: str | None = None
    via: str | None = None
    person: bool = False  # a named person, whom a later pronoun cue can mean


class ParagraphMentions:
    """One paragraph's mentions, sorted, for range lookups in log time."""

    __slots__ = ("by_start", "mentions", "starts")

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.mentions = sorted(mentions, key=attrgetter("start"))
        self.starts = [m.start for m in self.mentions]
        self.by_start = {m.start: m for m in self.mentions}

    def within(self, start: int, end: int) -> list[Mention]:
        found = []
        for index in range(bisect_left(self.starts, start), len(self.mentions)):
            mention = self.mentions[index]
            if mention.start >= end:
                break
            if mention.end <= end:
                found.append(mention)
        return found


@dataclass(slots=True)
class Memory:
    """What an article has said so far about who speaks: read in order, paragraph by paragraph."""

    last: Speaker | None = None  # the person most recently introduced (see quotes.attribute)
    titled: dict[str, Speaker] = field(default_factory=dict)  # role word -> person
    # the paragraphs read so far with their mentions, and the full names each introduced
    # (worked out only when a short name asks: `kata Ali`)
    read: list[tuple[str, Sequence[Mention]]] = field(default_factory=list)
    full_names: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    def introduce(self, speaker: Speaker | None) -> None:
        if speaker is not None and speaker.person:
            self.last = speaker

    def pronoun(self) -> Speaker | None:
        if self.last is None:
            return None
        return Speaker(self.last.name, self.last.role, person=True)

    def note_paragraph(self, text: str, mentions: Sequence[Mention]) -> None:
        """Remember a paragraph read, for the names a later short name may mean."""
        self.read.append((text, mentions))

    def full_name(
        self, speaker: Speaker | None, mentions: ParagraphMentions, before: int, text: str
    ) -> Speaker | None:
        """A one-word person's name (`kata Ali`) read as the full name most recently
        introduced that holds it: earlier in this paragraph (`Juru bicara KPK Ali Fikri
        mengatakan ... kata Ali`), else in an earlier one; the nearest introduction wins
        over an earlier, longer name that merely holds the same word."""
        if speaker is None or not speaker.person or " " in speaker.name.strip():
            return speaker
        word = speaker.name.strip().casefold()
        if not word:
            return speaker
        names = _full_names(text, mentions.within(0, before))
        for index in range(len(self.read), -1, -1):
            if index < len(self.read):  # back through the paragraphs read before this one
                if index not in self.full_names:
                    self.full_names[index] = _full_names(*self.read[index])
                names = self.full_names[index]
            full = next((name for w, name in reversed(names) if w == word), None)
            if full is not None:
                speaker.name = full
                break
        return speaker

    def note_titles(self, text: str, mentions: Sequence[Mention]) -> None:
        """Remember which person each title named (`Presiden Joko Widodo`), for `kata Presiden`."""
        roles = cues().roles
        for mention in mentions:
            if mention.label != PER:
                continue
            before = text[max(0, mention.start - 20) : mention.start].split()
            first = mention.text.split(None, 1)[0]
            if not (before and before[-1].casefold() in roles) and first.casefold() not in roles:
                continue  # no title in front: the common case, decided cheaply
            person = _person(text, mention, roles)
            if person is None:
                continue
            name, name_start, _ = person
            before = text[max(0, name_start - 40) : name_start].split()[-3:]
            for word in reversed(before):
                key = word.casefold()
                if key not in roles:
                    break
                self.titled[key] = Speaker(name, person=True)


def _full_names(text: str, mentions: Sequence[Mention]) -> list[tuple[str, str]]:
    """(casefolded word, full name) for each word of each person named with two words or
    more (titles and ranks cut off), in text order."""
    roles = cues().roles
    found = []
    for mention in mentions:
        if mention.label != PER or " " not in mention.text.strip():
            continue
        person = _person(text, mention, roles)
        if person is None or " " not in person[0].strip():
            continue
        found += [(word.casefold(), person[0]) for word in person[0].split()]
    return found


def _person(text: str, mention: Mention, roles: frozenset[str]) -> tuple[str, int, int] | None:
    """(name, start, end) of a person mention with leading title and rank words cut off,
    None when it is only such words (`Ajun Komisaris`) or no name at all (`Covid-19`)."""
    if not any(_not_a_name(word, roles) for word in mention.text.split()):
        return mention.text, mention.start, mention.end
    # The name follows the last title, unit or number that has a name word after it (a
    # title word at the end is part of the name: Uka Suska Puji Utama).
    start = None
    for word in WORD.finditer(text, mention.start, mention.end):
        if _not_a_name(word.group(), roles):
            continue
        if start is None or _not_a_name(text[start : word.start()].split()[-1], roles):
            start = word.start()
    if start is None:
        return None
    return text[start : mention.end], start, mention.end


def _not_a_name(word: str, roles: frozenset[str]) -> bool:
    if word.isalpha():
        return word.casefold() in roles
    return word.casefold().rstrip(".") in roles or DIGIT.search(word) is not None


def _role(text: str, start: int, end: int) -> str | None:
    role = text[start:end].strip(" ,(")
    return role or None


def phrase_end(text: str, start: int, end: int) -> int:
    """Where the speaker phrase after a cue ends: at a stop word, or at a comma unless a
    capitalised part follows it (the chain goes on: `Kepala Dusun Nglahar, Wahyu Wibowo`)."""
    end = min(end, start + MAX_PHRASE_CHARS)
    stop = PHRASE_STOP.search(text, start, end)
    limit = stop.start() if stop else end
    comma = text.find(",", start, limit)
    while comma != -1:
        rest = text[comma + 1 : limit].lstrip()
        rest = rest[4:] if rest.startswith("dan ") else rest  # Politik, Hukum, dan Keamanan
        if not rest[:1].isupper():
            return comma
        comma = text.find(",", comma + 1, limit)
    return limit


def read_speaker(
    text: str, start: int, end: int, mentions: ParagraphMentions, memory: Memory
) -> Speaker | None:
    """The speaker named in text[start:end], the words right after a cue verb; a short
    name means the full name last introduced with it."""
    speaker = _speaker_named(text, start, end, mentions, memory)
    return memory.full_name(speaker, mentions, start, text)


def _speaker_named(
    text: str, start: int, end: int, mentions: ParagraphMentions, memory: Memory
) -> Speaker | None:
    found = cues()
    quoting = QUOTING.search(text, start, min(end, start + MAX_PHRASE_CHARS))
    if quoting:  # `lapor RIA mengutip duta besar Alexander Matsegora`
        via = _pick(text, mentions.within(start, quoting.start()), found.roles)
        speaker = _pick(text, mentions.within(quoting.end(), end), found.roles, people_only=True)
        if speaker:
            speaker.via = via.name if via else None
            return speaker
        end = quoting.start()
    stop = phrase_end(text, start, end)
    words = text[start:stop].split()
    if not words:
        return None
    first = words[0].casefold()
    if first in found.pronouns:
        return memory.pronoun()
    if first in found.unnamed:
        named = _pick(text, mentions.within(start, stop), found.roles, people_only=True)
        if named:
            return named
        return Speaker(" ".join(words[:MAX_UNNAMED_WORDS]))
    candidates = mentions.within(start, stop)
    speaker = _chain_person(text, candidates, start, stop) or _pick(text, candidates, found.roles)
    if speaker is not None:
        if speaker.person:
            speaker.role = speaker.role or _role(text, start, text.find(speaker.name, start, stop))
        elif len(words) <= MAX_UNNAMED_WORDS and all(w[:1].isupper() for w in words):
            speaker.name = " ".join(words)  # a body named by a title: Kepala Staf Gabungan
        return speaker
    return _unrecognised(text, start, stop, words, mentions, memory)


def _unrecognised(
    text: str,
    start: int,
    end: int,
    words: list[str],
    mentions: ParagraphMentions,
    memory: Memory,
) -> Speaker | None:
    """A speaker phrase in which recognition found no name: a capitalised word after the
    titles is a name (`kata Kusnawan`); titles alone are a role (`kata Presiden`)."""
    roles = cues().roles
    name_words: list[re.Match[str]] = []
    role_end = start
    for word in WORD.finditer(text, start, end):
        key = word.group().casefold().rstrip(".")
        if not word.group()[0].isupper():
            break
        if key in roles and not name_words:
            role_end = word.end()
            continue
        name_words.append(word)
    if name_words:
        name_start, name_end = name_words[0].start(), name_words[-1].end()
        if mentions.within(name_start, name_end):  # a body named by a title and its place
            return Speaker(text[start:name_end].strip())
        return Speaker(text[name_start:name_end], _role(text, start, role_end), person=True)
    if role_end > start:
        role = text[start:role_end].strip()
        last_role_word = role.split()[-1].casefold()
        known = memory.titled.get(last_role_word)
        if known is not None:
            return Speaker(known.name, role, person=True)
        return Speaker(role)
    if 0 < len(words) <= MAX_UNNAMED_WORDS and not words[0][0].isupper():
        return Speaker(" ".join(words))
    return None


def _pick(
    text: str, candidates: list[Mention], roles: frozenset[str], people_only: bool = False
) -> Speaker | None:
    """The person if one is named (the last: a chain of titles ends in the name), else the
    last organisation; never a place."""
    for mention in reversed(candidates):
        if mention.label == PER:
            person = _person(text, mention, roles)
            if person is not None:
                name, name_start, _ = person
                role = text[mention.start : name_start].strip() or None
                return Speaker(name, role, person=True)
    if people_only:
        return None
    organisations = [m for m in candidates if m.label == ORG]
    if organisations:
        return Speaker(organisations[-1].text)
    return None


def subject_of(
    text: str, start: int, verb_start: int, mentions: ParagraphMentions, memory: Memory
) -> Speaker | None:
    """The subject of a reporting verb: a pronoun (`Ia mengatakan`), the first person named
    before it in its sentence, else an organisation, else a place (a government speaking);
    a short name means the full name last introduced with it."""
    speaker = _subject(text, start, verb_start, mentions, memory)
    if speaker is None or not speaker.person:
        return speaker
    return memory.full_name(speaker, mentions, text.find(speaker.name, start), text)


def _subject(
    text: str, start: int, verb_start: int, mentions: ParagraphMentions, memory: Memory
) -> Speaker | None:
    start = max(start, verb_start - MAX_SUBJECT_CHARS)
    before = text[max(start, verb_start - 12) : verb_start].split()
    if before and before[-1].casefold() in cues().pronouns:
        return memory.pronoun()
    candidates = mentions.within(start, verb_start)
    if candidates:  # `X, ketua RT setempat, mengatakan`: X, not a mention in the description
        head = head_subject(text, start, candidates[0], verb_start + 1)
        if head is not None and head[0] == verb_start and text[candidates[0].end] == ",":
            return Speaker(head[1].name, _role(text, start, candidates[0].start), person=True)
    for mention in reversed(candidates):  # the nearest person or body, not a description
        if mention.label == LOC or _described(text, start, mention, verb_start):
            continue
        if _object(text, start, mention):
            continue  # `X dalam wawancara dengan Kompas menyampaikan`: Kompas is no subject
        if mention.label != PER:
            return _chain_person(text, candidates, start, verb_start) or Speaker(mention.text)
        body = _namesake_body(text, start, candidates, mention)
        if body is not None:
            return Speaker(text[body.start : mention.end])
        person = _person(text, mention, cues().roles)
        if person is not None:
            name, name_start, _ = person
            return Speaker(name, _role(text, start, name_start), person=True)
    appositive = _appositive_name(text, start, verb_start, mentions)
    if appositive is not None:
        return appositive
    speaker = _pick(text, candidates, cues().roles)
    if speaker is not None:
        return speaker
    places = [m for m in candidates if m.label == LOC]
    if places:
        return _chain_person(text, candidates, start, verb_start) or Speaker(places[0].text)
    return None


def _namesake_body(
    text: str, start: int, candidates: list[Mention], mention: Mention
) -> Mention | None:
    """The body a person's name completes, when recognition split them and no title comes
    before the body (`Universitas Islam Negeri` + `Syarif Hidayatullah` menyatakan); after
    one (`Rektor Universitas Islam Negeri X`) the name may be the rector's."""
    index = candidates.index(mention)
    if index == 0:
        return None
    body = candidates[index - 1]
    before = text[start : body.start].split()
    if before and before[-1][:1].isupper():
        return None
    if body.label == PER or text[body.end : mention.start] != " ":
        return None
    if all(word.casefold() in cues().namesakes for word in body.text.split()):
        return body
    return None


def _object(text: str, start: int, mention: Mention) -> bool:
    """A mention right after a preposition inside a clause (`wawancara dengan Kompas`); after
    a comma `dengan` opens a clause of its own, whose subject it is (`..., dengan Badan
    Intelijen Nasional mengatakan`)."""
    words = text[max(start, mention.start - 24) : mention.start].split()
    if not words or words[-1] not in OBJECT_AFTER:
        return False
    return len(words) < 2 or not words[-2].rstrip(CLOSING_MARKS).endswith(",")


def _chain_person(text: str, candidates: list[Mention], start: int, end: int) -> Speaker | None:
    """The person at the end of a chain of units and ranks that recognition did not read
    as one: a unit word stands for a place, a rank or a body, never for the speaker."""
    if not candidates:
        return None
    last = candidates[-1]
    speaker = _name_after_ranks(text, last.end, end)
    if speaker is None and last.label != PER and not _described_name(text, candidates):
        speaker = _name_in_body(text, last)
    if speaker is not None:
        name_start = text.find(speaker.name, start, end)
        speaker.role = _role(text, start, name_start)
    return speaker


def _described_name(text: str, candidates: list[Mention]) -> bool:
    """A person named before the last mention, a comma between: the words after the comma
    describe that person (`ujar X, Direktur Utama PT Bio Farma`)."""
    last = candidates[-1]
    return any(m.label == PER and "," in text[m.end : last.start] for m in candidates[:-1])


def _name_after_ranks(text: str, pos: int, end: int) -> Speaker | None:
    """A name after the last mention, past rank or title words (`Kepala Satuan Lalu Lintas
    Polres Sleman Ajun Komisaris Mega Tetuko`); without a rank word between, capitalised
    words after a place are no name (`Kapolres Sleman Senin`)."""
    roles = cues().roles
    ranked = False
    name_words: list[re.Match[str]] = []
    for word in WORD.finditer(text, pos, end):
        if text[pos : word.start()].strip() or not word.group()[0].isupper():
            break
        pos = word.end()
        if word.group().casefold().rstrip(".") in roles and not name_words:
            ranked = True
            continue
        name_words.append(word)
    if not ranked or not name_words:
        return None
    return Speaker(text[name_words[0].start() : name_words[-1].end()], person=True)


MIN_BODY_NAME_WORDS = 2


def _name_in_body(text: str, mention: Mention) -> Speaker | None:
    """A person's name merged into the organisation or place before it (`Kementerian
    Koperasi dan UKM Eddy Satriya`, `Bank DBS Taimur Baig`): two or more last words that are
    no Indonesian words, after a body of two words or more or an acronym (`DKPKP`).
    A body named after a person keeps its name: one word (`Universitas Sanata Dharma`) or
    only words such bodies are made of (`Rumah Sakit Cipto Mangunkusumo`)."""
    words = mention.text.split()
    name = 0
    while name < len(words) - 1 and _foreign_name_word(words[-1 - name]):
        name += 1
    body = words[: len(words) - name]
    if name < MIN_BODY_NAME_WORDS or not body:
        return None
    if len(body) < 2 and not body[0].isupper():
        return None
    if all(word.casefold() in cues().namesakes for word in body):
        return None
    return Speaker(" ".join(words[len(body) :]), person=True)


def _foreign_name_word(word: str) -> bool:
    """A capitalised word, not an acronym, that is no Indonesian word: part of a name."""
    return (
        word[:1].isupper()
        and not word.isupper()
        and word.isalpha()
        and word.casefold() not in cues().roles
        and not known(word.casefold())
    )


# Words between a subject and its verb: `X juga meminta`. Before a verb these tell of an
# act rather than do it: `X sudah menyampaikan data itu` (narration).
ADVERBS = frozenset({"juga", "pun", "pula", "lalu", "kemudian", "lantas", "turut", "ikut"})
AUXILIARIES = frozenset({"sudah", "telah", "pernah", "akan", "tidak", "belum", "tak", "sempat"})
MAX_APPOSITIVE_CHARS = 200
# A mention right after these is an object or a companion, not the subject of a verb.
OBJECT_AFTER = frozenset({"dengan", "kepada", "bersama", "terhadap", "untuk", "oleh"})
# A comma inside a closing mark still ends the clause before: `"Hari Kemenangan," dengan X`.
CLOSING_MARKS = "”\"’'»"


def head_subject(text: str, head: int, mention: Mention, end: int) -> tuple[int, Speaker] | None:
    """(where its verb starts, the person) when a sentence opens with a person who does
    something: `Wali Kota Bekasi X meminta ...`, `Secara terpisah, X menilai ...`, `X, ketua
    RT setempat, menilai ...`. `head` and `end` bound the sentence; words in front of the
    person must be a title chain (capitalised)."""
    prefix = text[head : mention.start]
    lead = prefix.rfind(",")
    verb = _verb_after(text, mention.end)  # first: most mentions have no verb after them
    if verb is None and text.startswith(",", mention.end) and not prefix[lead + 1 :].strip():
        limit = min(end, mention.end + MAX_APPOSITIVE_CHARS)
        comma = text.find(",", mention.end + 1, limit)
        while comma != -1 and verb is None:  # `X, ketua RT setempat, yang dihubungi, menilai`
            verb = _verb_after(text, comma + 1)
            comma = text.find(",", comma + 1, limit)
    if verb is None:
        return None
    if any(not w.group()[0].isupper() for w in WORD.finditer(prefix, lead + 1)):
        return None  # the person is not the sentence's subject: `menurut X`, `kepada X`
    if lead != -1 and not _adverbial(prefix[:lead]):
        return None  # `Menurut Y, X menemukan ...`: X is inside Y's words
    if mention.label == PER:
        person = _person(text, mention, cues().roles)
        speaker = Speaker(person[0], person=True) if person else None
    else:
        speaker = _name_in_body(text, mention)
    if speaker is None or DIGIT.search(speaker.name):
        return None  # `Pandemi Covid-19 membuat ...`: no one's name
    return verb, speaker


def _adverbial(lead: str) -> bool:
    """A lowercase clause opening a sentence (`Secara terpisah`, `Untuk menghindari hal
    itu`), no one's words: no name in it, no cue."""
    words = lead.split()
    return (
        bool(words)
        and words[0].casefold() not in cues().cue_verbs
        and words[0].casefold() != "menurut"
        and all(w[:1].islower() for w in words[1:])
    )


def _verb_after(text: str, pos: int) -> int | None:
    """Where a me- verb (or a reporting one) starts after pos, past spaces and adverbs;
    None after an auxiliary or any other word."""
    if text[pos : pos + 1] not in (" ", ","):
        return None
    for word in WORD.finditer(text, pos, pos + 60):
        if text[pos : word.start()].strip():
            return None
        key = word.group().casefold()
        if key in ADVERBS:
            pos = word.end()
            continue
        if key in AUXILIARIES or not VERB_SHAPE.fullmatch(word.group()):
            return None
        if key.startswith("ber") and key not in cues().speech_verbs:
            return None  # `X berada di ...`: a state or a move, not an act or a stance
        return word.start()
    return None


def _described(text: str, start: int, mention: Mention, verb_start: int) -> bool:
    """A mention inside a lowercase description set off by commas (`Tri Maharini, dokter
    emergensi dari Persatuan Dokter Emergensi Indonesia, memaparkan`): not the subject."""
    comma = text.rfind(",", start, mention.start)
    return (
        comma != -1
        and text[comma + 1 : mention.start].lstrip()[:1].islower()
        and text.find(",", mention.end, verb_start) != -1
    )


APPOSITIVE = re.compile(r",\s*((?:[A-Z][\w'’.-]*\s?){1,4}),")


def _appositive_name(
    text: str, start: int, end: int, mentions: ParagraphMentions
) -> Speaker | None:
    """A name set off by commas after a chain of titles and units (`Kepala Unit Pelaksana
    Teknis Bandara Abdulrachman Saleh, Suharno, mengatakan`), not a place or a body."""
    roles = cues().roles
    found = None
    for match in APPOSITIVE.finditer(text, start, end):
        name = match.group(1).strip()
        if any(w.casefold() in roles for w in name.split()) or any(c.isdigit() for c in name):
            continue
        if any(m.label != PER for m in mentions.within(match.start(1), match.end(1))):
            continue
        found = Speaker(name, _role(text, start, match.start()), person=True)
    return found
