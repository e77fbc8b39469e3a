"""Find quotations in Indonesian news as outlets print them, and who said them.

Marks. Outlets open with `“`, `"`, `„`, `«`, and Kompas with `”` (`”Kami akan menindak
tegas,” ujar Budi.`); a closing `“` is a common typo. So which mark opens is decided by
its position and by pairing, not by its character: a mark after a space (or at the start)
and before a word opens, a mark after a word or punctuation and before a space or
punctuation closes, and a mark that says neither (spaces or words on both sides) takes
the turn: it opens when no quotation is open, else it closes. A quotation left open at
the end of a paragraph runs on; a quotation running over several paragraphs reopens
its mark at each, and the speaker named at its end is the speaker of every part.

Terms. A short quoted name or title (`Kampung “Pelangi”`, `film “Gadis Kretek”`) and a
short scare-quoted phrase in a sentence nobody speaks in (`menutup “jalur tikus”`) are
terms, not quotations: they are left out.

Kinds. `direct` when the quotation stands as its own sentence, `partial` when it is a
phrase inside someone else's sentence, `indirect` for reported speech without marks
(`Budi mengatakan, ...`, `Menurut Budi, ...`). Speakers come from kabar_tui.core.language.speakers.

Every step looks at a bounded window around a mark or cue, and sentence boundaries and
mentions are looked up by bisection, so the work is linear in the article's size.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from kabar_tui.core.language.entities import recognise
from kabar_tui.core.language.speakers import (
    AUXILIARIES,
    Memory,
    ParagraphMentions,
    Speaker,
    cues,
    phrase_end,
    read_speaker,
    subject_of,
)
from kabar_tui.core.lexicon import PER
from kabar_tui.core.model import Article, Mention, Quote, QuoteKind

MARKS = '“”"„«»'
QUOTE_MARK = re.compile(r"[“”\"„«»]")
SENTENCE_END = re.compile(r"[.!?](?=[\s“”\"„«»]|$)")
# `MOSKOW - `, `REPUBLIKA.CO.ID, BEIJING -- `: where the reporting starts, not a speaker.
DATELINE = re.compile(r"^[^a-z]{2,60}?\s[-–—]{1,2}\s")
ACCORDING_TO = re.compile(
    r"(?:^|[\s,(])menurut\s+(?!(?:pendapat|pandangan|penilaian)?nya\b)", re.IGNORECASE
)
# A sentence in which someone speaks: a quoted phrase in it is a quotation, not a term.
SPEECH_CONTEXT = re.compile(
    r"\bmenurut|\bkata\b|\bujar|\bsebagai\b|\bmembantah|\bmenampik|:", re.IGNORECASE
)
# After a reporting verb, what introduces the words reported: `, `, `: ` or `bahwa`,
# perhaps after whom they were said to (`mengatakan kepada wartawan, ...`).
REPORTED = re.compile(
    r"(?:\s+(?:kepada|pada|di|dalam|saat|ketika|usai|seusai)\b[^,.:;!?“”\"]{0,80}?)?"
    r"(?:\s*[,:]\s*|\s+bahwa\s+)(?:bahwa\s+)?",
    re.IGNORECASE,
)
# After a clause verb (`mengatakan`), a lowercase word that opens the reported words, not
# whom or where they were said (`mengatakan kepada ...` is REPORTED's).
BARE_CLAUSE = re.compile(
    r"\s+(?!(?:kepada|pada|di|dalam|saat|ketika|usai|seusai|hal|itu|ini|sesuatu|apa)\b)"
    r"(?=[a-z])"
)
# Where reported words end before a source named after them (`..., menurut Tass.`).
TRAILING_SOURCE = re.compile(r",\s*(?:menurut|kata|ujar|mengutip|dikutip|dilansir)\s")
MAX_TERM_WORDS = 6
MAX_TITLE_WORDS = 14
TITLE_SHARE = 0.6
MAX_SCARE_WORDS = 2
MIN_INDIRECT_WORDS = 3
LOOKAROUND = 400  # how far around a mark attribution looks for its sentence
CONNECTORS = frozenset(
    {"dan", "di", "ke", "dari", "yang", "dalam", "untuk", "atas", "oleh", "serta", "bagi"}
    | {"pada", "dengan", "menuju", "adalah", "of", "the", "and", "for", "in", "to", "de"}
)


@dataclass(slots=True)
class Span:
    """One quotation's marks in a paragraph: open mark, close mark (or len), closed."""

    open: int
    close: int
    closed: bool
    continued: bool = False  # carries on a quotation from the paragraph before


def _role_of_mark(text: str, pos: int) -> str:
    """`open`, `close` or `either`, from what stands on each side of the mark."""
    before = text[pos - 1] if pos else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    space_before = before.isspace() or before in "([—–-"
    space_after = after.isspace() or after in ",.;:!?)—–-"
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    return "either"


def pair_marks(text: str, carried: bool) -> list[Span]:
    """The quotations of a paragraph; `carried` when the one before ended inside a quotation."""
    spans: list[Span] = []
    opened: int | None = None
    first = True
    for match in QUOTE_MARK.finditer(text):
        pos = match.start()
        role = _role_of_mark(text, pos)
        if role == "either":
            role = "close" if opened is not None else "open"
        elif role == "open" and _closes_before_cue(text, pos):
            role = "close"  # `tracing, ”ujarnya`: a closing mark typed against its cue
        if role == "open":
            opened = pos  # an open mark while open: the earlier one was never closed
        elif opened is not None:
            if text[opened + 1 : pos].strip():
                reopened = carried and not spans and not text[:opened].strip()
                spans.append(Span(opened, pos, True, continued=reopened))
            opened = None
        elif first and text[:pos].strip() and (carried or _closes_before_cue(text, pos)):
            # The quotation runs from the paragraph's start: its mark was not reopened, or lost.
            spans.append(Span(-1, pos, True, continued=carried))
        first = False
    if opened is not None and text[opened + 1 :].strip() and _may_run_on(text, opened):
        spans.append(Span(opened, len(text), False, continued=not text[:opened].strip()))
    return spans


def _closes_before_cue(text: str, pos: int) -> bool:
    """A mark after `,` `.` `!` or `?` and right before a cue verb closes a quotation."""
    return _previous_char(text, pos) in (",", ".", "!", "?") and bool(
        cues().after_quote.match(text, pos + 1)
    )


def _may_run_on(text: str, opened: int) -> bool:
    """An unclosed quotation runs on to the next paragraph when it starts the paragraph or
    follows a colon or a reporting verb; elsewhere its mark is more likely a stray."""
    before = text[:opened].rstrip()
    if not before or before[-1] == ":":
        return True
    return before[-1] == "," and cues().first_speech(text, max(0, opened - 40), opened) is not None


class Sentences:
    """Sentence boundaries of one paragraph, found once and looked up by bisection."""

    __slots__ = ("ends", "start_floor", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ends = _sentence_ends(text)
        dateline = DATELINE.match(text)
        self.start_floor = dateline.end() if dateline else 0

    def start(self, pos: int) -> int:
        index = bisect_right(self.ends, pos) - 1
        start = self.ends[index] if index >= 0 else 0
        if self.start_floor <= pos:
            start = max(start, self.start_floor)
        return max(start, pos - LOOKAROUND)

    def end(self, pos: int) -> int:
        index = bisect_left(self.ends, pos + 1)
        end = self.ends[index] if index < len(self.ends) else len(self.text)
        return min(end, pos + LOOKAROUND)


def _sentence_ends(text: str) -> list[int]:
    """The end of each `SENTENCE_END` match, ascending: each stop found by `str.find` and
    the character after it tested, not the pattern tried at every character (a
    paragraph's ends about 3x faster; tests/test_quotes.py checks them against it)."""
    ends: list[int] = []
    size = len(text)
    for mark in ".!?":
        stop = text.find(mark)
        while stop != -1:
            after = stop + 1
            if after == size or text[after].isspace() or text[after] in MARKS:
                ends.append(after)
            stop = text.find(mark, after)
    ends.sort()
    return ends


def _previous_char(text: str, pos: int) -> str:
    """The last non-space character before pos ("" at the start), without copying text."""
    pos -= 1
    while pos >= 0 and text[pos].isspace():
        pos -= 1
    return text[pos] if pos >= 0 else ""


def _is_direct(text: str, open_pos: int, inner: str) -> bool:
    before = _previous_char(text, open_pos)
    if not before or before in ".!?:":
        return True
    if before == ",":
        verb = cues().first_speech(text, max(0, open_pos - 30), open_pos)
        if verb:
            return inner[:1].isupper()
    return False


def _is_term(text: str, span: Span, inner: str, sentences: Sentences) -> bool:
    """A quoted name or title, or a short scare-quoted phrase: not a quotation."""
    words = inner.rstrip(",.").split()
    if not words or cues().after_quote.match(text, span.close + 1):
        return False
    if _is_title(words) and _previous_char(text, span.open) not in ":,":
        return True  # Kampung “Pelangi”, a seminar or book title
    if len(words) > MAX_TERM_WORDS or any(c in inner.rstrip(",.") for c in ".!?;:,"):
        return False
    if len(words) > MAX_SCARE_WORDS:
        return False
    start, end = sentences.start(span.open), sentences.end(span.close)
    return not (SPEECH_CONTEXT.search(text, start, end) or cues().first_speech(text, start, end))


def _is_title(words: list[str]) -> bool:
    """Title Case words: a name or a title (`Pembebasan Napi dalam Pandemi: Residivisme dan
    Antisipasinya`), where a quotation would be a sentence in ordinary case."""
    if not words[0][:1].isupper() or len(words) > MAX_TITLE_WORDS or words[-1][-1] in ".!":
        return False
    capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    small = sum(1 for w in words if w.casefold() in CONNECTORS)
    return capitalised + small == len(words) or (
        len(words) >= 3 and capitalised >= TITLE_SHARE * len(words)
    )


@dataclass(slots=True)
class Reported:
    """Reported speech in a paragraph: who, where the cue is, and the words reported."""

    pos: int
    speaker: Speaker | None
    clause_start: int  # -1: no words reported follow the verb
    clause_end: int


def _inside(spans: list[Span], opens: list[int], pos: int) -> bool:
    """pos lies inside a quotation (spans are in order and do not overlap)."""
    index = bisect_left(opens, pos) - 1
    return index >= 0 and pos < spans[index].close


def reported_speech(
    text: str,
    sentences: Sentences,
    spans: list[Span],
    mentions: ParagraphMentions,
    memory: Memory,
    verbs: list[re.Match[str]],
    inverted: list[re.Match[str]],
) -> list[Reported]:
    """`Menurut X, ...`, `X mengatakan, ...` and `lanjut X, ...` (`verbs` and `inverted`:
    where their cues are) outside quotations, in text order; `Hal itu disampaikan X`
    introduces X with no words reported. Speakers are read when found;
    pronouns are resolved later, in order with the quotes."""
    found: list[Reported] = []
    opens = [s.open for s in spans]
    speaker: Speaker | None
    for match in ACCORDING_TO.finditer(text) if "enurut" in text else ():
        if _inside(spans, opens, match.start()):
            continue
        comma = text.find(",", match.end(), sentences.end(match.end()))
        if comma == -1:
            continue
        speaker = read_speaker(text, match.end(), comma, mentions, memory)
        words = text[match.end() : comma].split()
        if words and words[0].casefold() in cues().pronouns:
            speaker = Speaker("", person=True)  # a pronoun: resolved in order
        found.append(Reported(match.start(), speaker, comma + 1, sentences.end(comma + 1)))
    for match in verbs:
        if _inside(spans, opens, match.start()):
            continue
        start = sentences.start(match.start())
        before = text[max(start, match.start() - 12) : match.start()].split()
        reported = REPORTED.match(text, match.end())
        if not reported and match.group().casefold() in cues().clause_verbs:
            reported = BARE_CLAUSE.match(text, match.end())  # `X mengatakan penyidik ...`
        if not reported and before and before[-1].casefold() in AUXILIARIES:
            continue  # `X sudah menyampaikan data`: told, not reported
        if before and before[-1].casefold() in cues().pronouns:
            speaker = Speaker("", person=True)
        else:
            speaker = subject_of(text, start, match.start(), mentions, memory)
        if speaker is None:
            continue
        clause = reported.end() if reported else -1
        end = sentences.end(match.end()) if reported else -1
        found.append(Reported(match.start(), speaker, clause, end))
    for match in cues().passive_agent.finditer(text) if "di" in text else ():
        if _inside(spans, opens, match.start()) or _previous_char(text, match.start()) in MARKS:
            continue  # `,” ditegaskan Budi` after a quotation is the quotation's cue
        end = phrase_end(text, match.end(), sentences.end(match.end()))
        speaker = read_speaker(text, match.end(), end, mentions, memory)
        if speaker is not None and speaker.person:
            found.append(Reported(match.start(), speaker, -1, -1))
    for match in inverted:
        if _inside(spans, opens, match.start()):
            continue
        # The chain may hold commas: `kata ahli epidemiologi Universitas Airlangga, Windhu
        # Purnomo, di Surabaya, ...`.
        end = phrase_end(text, match.end(), sentences.end(match.end()))
        speaker = read_speaker(text, match.end(), end, mentions, memory)
        comma = text.find(",", end, sentences.end(match.end()))
        if speaker is None or not speaker.person or comma == -1:
            continue
        found.append(Reported(match.start(), speaker, comma + 1, sentences.end(comma + 1)))
    found.sort(key=attrgetter("pos"))
    return found


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " ,":
        end -= 1
    while start < end and text[start] == " ":
        start += 1
    return start, end


def _resolve(speaker: Speaker | None, memory: Memory) -> Speaker | None:
    """A pronoun placeholder (empty name) becomes the person last introduced."""
    if speaker is not None and not speaker.name:
        return memory.pronoun()
    return speaker


def _quote(
    text: str, start: int, end: int, kind: QuoteKind, speaker: Speaker | None, index: int
) -> Quote:
    return Quote(
        text[start:end],
        kind,
        speaker.name if speaker else None,
        index,
        start,
        end,
        via=speaker.via if speaker else None,
        role=speaker.role if speaker else None,
    )


def _speaker_after(
    text: str, close: int, sentences: Sentences, mentions: ParagraphMentions, memory: Memory
) -> tuple[bool, Speaker | None]:
    """(a cue follows, its speaker) from the words right after a closing mark."""
    after = cues().after_quote.match(text, close + 1)
    if after is None or after.end() > sentences.end(close + 1) + 1:
        head = close + 1
        while head < len(text) and text[head] in " ,":
            head += 1
        subject = mentions.by_start.get(head)
        if subject is not None:
            verb = cues().speech_at(text, subject.end + 1)
            if verb and text[subject.end : subject.end + 1].isspace():
                speaker = read_speaker(text, head, sentences.end(head), mentions, memory)
                if speaker and speaker.via is None and subject.label != PER:
                    inner = read_speaker(text, verb.end(), sentences.end(head), mentions, memory)
                    if verb.group().casefold() == "mengutip" and inner and inner.person:
                        inner.via = subject.text
                        return True, inner
                return True, speaker
        return False, None
    if after.group("nya") or after.group("according"):
        return True, memory.pronoun()
    return True, read_speaker(text, after.end(), sentences.end(after.end()), mentions, memory)


def attribute(paragraphs: Sequence[str], mentions: Sequence[Mention]) -> list[Quote]:
    """Quotes in paragraphs of one article (paragraph = position), with speakers, in order."""
    by_paragraph: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_paragraph.setdefault(mention.paragraph, []).append(mention)
    quotes: list[Quote] = []
    memory = Memory()
    running: list[Quote] = []  # parts of a quotation still open at the last paragraph's end
    for index, text in enumerate(paragraphs):
        if index:
            memory.note_paragraph(paragraphs[index - 1], by_paragraph.get(index - 1, []))
        in_paragraph = by_paragraph.get(index, [])
        memory.note_titles(text, in_paragraph)
        has_marks = any(map(text.__contains__, MARKS))  # `QUOTE_MARK`, in C without sre
        spans = pair_marks(text, bool(running)) if has_marks else []
        if not spans or not spans[0].continued:
            running = []
        verbs = list(cues().speech(text))
        inverted = list(cues().inverted_cues(text))
        reports = verbs or inverted or "enurut" in text
        people = any(m.label == PER for m in in_paragraph)
        if not spans and not reports and not people:
            continue
        here = ParagraphMentions(in_paragraph)
        sentences = Sentences(text)
        events: list[tuple[int, Span | Reported]] = [(max(s.open, 0), s) for s in spans]
        if reports or people:
            events += [
                (r.pos, r)
                for r in reported_speech(text, sentences, spans, here, memory, verbs, inverted)
            ]
        events.sort(key=itemgetter(0))
        for _, event in events:
            if isinstance(event, Reported):
                speaker = _resolve(event.speaker, memory)
                memory.introduce(speaker)
                if event.clause_start < 0:
                    continue
                if not _inside_marks(text, event):
                    aside = TRAILING_SOURCE.search(text, event.clause_start, event.clause_end)
                    end = aside.start() if aside else event.clause_end  # `..., menurut Tass.`
                    start, end = _trimmed(text, event.clause_start, end)
                    if len(text[start:end].split()) >= MIN_INDIRECT_WORDS and speaker:
                        end -= text[end - 1] in ".!?"
                        quotes.append(_quote(text, start, end, QuoteKind.INDIRECT, speaker, index))
                continue
            span = event
            start, end = _trimmed(text, span.open + 1, span.close)
            inner = text[start:end]
            if span.closed and _is_term(text, span, inner, sentences):
                continue
            kind = (
                QuoteKind.DIRECT
                if span.open < 0 or _is_direct(text, span.open, inner)
                else QuoteKind.PARTIAL
            )
            found, speaker = False, None
            if span.closed:
                found, speaker = _speaker_after(text, span.close, sentences, here, memory)
            if not found and span.open >= 0:
                speaker = _speaker_before(text, span.open, sentences, here, memory)
            if speaker is None and _stands_alone(text, span):
                speaker = memory.pronoun()  # the speaker goes on talking
            memory.introduce(speaker)
            quote = _quote(text, start, end, kind, speaker, index)
            quotes.append(quote)
            if span.continued and speaker is not None:
                for part in running:
                    part.speaker, part.role, part.via = quote.speaker, quote.role, quote.via
                running = []
            if not span.closed:
                running.append(quote)
    return quotes


def _stands_alone(text: str, span: Span) -> bool:
    """A closed quotation that is its whole paragraph, with no cue: news prints the next
    words of the person last introduced so."""
    return (
        span.closed
        and not text[: max(span.open, 0)].strip()
        and not text[span.close + 1 :].strip(" .,")
    )


def _inside_marks(text: str, reported: Reported) -> bool:
    return QUOTE_MARK.search(text, reported.clause_start, reported.clause_end) is not None


def _speaker_before(
    text: str, open_pos: int, sentences: Sentences, mentions: ParagraphMentions, memory: Memory
) -> Speaker | None:
    """The speaker named before the quote in its own sentence, or None."""
    start = sentences.start(open_pos)
    previous = _previous_char(text, open_pos)
    if previous == ":":
        colon = text.rfind(":", start, open_pos)
        speaker = subject_of(text, start, colon, mentions, memory)
        if speaker:
            return speaker
    according = None
    for match in ACCORDING_TO.finditer(text, start, open_pos):
        according = match  # the last one before the quote
    if according is not None:
        words = text[according.end() : open_pos].split()
        if words and words[0].casefold().strip(",") in cues().pronouns:
            return memory.pronoun()
        speaker = read_speaker(text, according.end(), open_pos, mentions, memory)
        if speaker:
            return speaker
    verb = cues().first_speech(text, start, open_pos)
    if verb:
        return subject_of(text, start, verb.start(), mentions, memory)
    return None


def find_quotes(article: Article) -> list[Quote]:
    """Quotes of an article; uses article.entities when already found."""
    texts = [p.text for p in article.paragraphs]
    if article.entities:
        if all(p.index == position for position, p in enumerate(article.paragraphs)):
            mentions = article.entities  # as cleaning numbers them: read as they are
        else:
            positions = {p.index: position for position, p in enumerate(article.paragraphs)}
            mentions = [_at_position(m, positions[m.paragraph]) for m in article.entities]
    else:
        mentions = recognise(texts)
    quotes = attribute(texts, mentions)
    for quote in quotes:
        quote.paragraph = article.paragraphs[quote.paragraph].index
    return quotes


def _at_position(mention: Mention, position: int) -> Mention:
    return Mention(mention.text, mention.label, position, mention.start, mention.end)
