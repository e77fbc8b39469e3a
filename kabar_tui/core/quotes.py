"""Find quotations in Indonesian news and attribute them from the words around them.

A quote is text between double quotes (curly or straight, mixed as scrapers leave them).
It is `direct` when it stands as its own sentence, `partial` when it is a phrase inside
someone else's sentence. The speaker comes from Indonesian reporting patterns: after the
quote (`kata X`, `lapor X mengutip ... Y`, `katanya`), or before it in the same sentence
(`menurut X`, `X mengatakan`, `X menyebut ... sebagai`, `X: "..."`). Entity mentions give
the names; when nobody is named the words are kept as written (`seorang juru bicara`);
when nothing says who spoke, the speaker stays None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kabar_tui.core.entities import recognise
from kabar_tui.core.model import Article, Mention, Quote

OPENING = '“"„'
CLOSING = '”"'
QUOTE_MARK = re.compile(r"[“”\"„]")
AFTER_VERBS = (
    "kata|ujar|ucap|tutur|ungkap|lapor|tulis|jelas|tegas|imbuh|tambah|terang|sebut|papar|"
    "tandas|pungkas|seru|jawab|aku|klaim|bilang"
)
# Right after the closing mark: `, kata X` / `, katanya` / `, ujar X`.
AFTER_QUOTE = re.compile(rf"^[\s,.!?]*(?P<verb>{AFTER_VERBS})(?P<nya>nya)?\b", re.IGNORECASE)
SPEECH_VERBS = re.compile(
    r"\b(?:mengatakan|menyebut|menyebutkan|menyatakan|menegaskan|mengungkapkan|menjelaskan|"
    r"menambahkan|melaporkan|berkata|menilai|menulis|mengklaim|menuturkan|menekankan|"
    r"memperingatkan|mengingatkan|berujar|bertanya|menyampaikan bahwa|mengakui|menuding|"
    r"menuduh|mengutip|mengaku|berharap)\b",
    re.IGNORECASE,
)
# `X mengatakan/melaporkan ...` right after the closing mark, with X a mention.
AFTER_SUBJECT_VERB = re.compile(
    r"\s*(?:mengatakan|melaporkan|menambahkan|menegaskan|menjelaskan|menulis|mengutip)\b",
    re.IGNORECASE,
)
QUOTING = re.compile(r"\bmengutip\b", re.IGNORECASE)
ACCORDING_TO = re.compile(
    r"(?:^|[\s,(])menurut\s+(?!(?:pendapat|pandangan|penilaian)?nya\b)", re.IGNORECASE
)
# Words that end a speaker phrase (`kata seorang juru bicara dalam sebuah briefing`).
PHRASE_END = re.compile(
    r"[,.;:!?()\"“”]|\s(?:dalam|pada|kepada|saat|ketika|di|sebagaimana|seperti|usai|setelah|"
    r"melalui|dikutip|dilansir|mengutip|yang|bahwa|tanpa|dengan|kepada|sambil|sebelum|"
    r"sejak|hari|menurut|terkait|soal|tentang|via)\b",
    re.IGNORECASE,
)
MAX_UNNAMED_WORDS = 6
# A speaker phrase opening with these describes someone unnamed, kept as written
# (`seorang pejabat Kementerian Perhubungan`), even when it names their organisation.
UNNAMED = frozenset({"seorang", "sejumlah", "para", "beberapa", "salah", "sumber", "pejabat"})
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
# `MOSKOW - `, `REPUBLIKA.CO.ID, BEIJING -- `: where the reporting starts, not a speaker.
DATELINE = re.compile(r"^[^a-z]{2,60}?\s[-–—]{1,2}\s")


def _spans(text: str) -> list[tuple[int, int, bool]]:
    """(open mark, close mark or len(text), closed) for each quotation in a paragraph."""
    spans: list[tuple[int, int, bool]] = []
    opened: int | None = None
    for match in QUOTE_MARK.finditer(text):
        mark, pos = match.group(), match.start()
        if opened is None:
            if mark in OPENING:
                opened = pos
        elif mark == "“" or mark == "„":
            opened = pos  # an opening mark again: the earlier one was never closed
        else:
            if text[opened + 1 : pos].strip():
                spans.append((opened, pos, True))
            opened = None
    if opened is not None and not text[:opened].strip() and text[opened + 1 :].strip():
        spans.append((opened, len(text), False))  # a quote running on to the next paragraph
    return spans


def _sentence_start(text: str, pos: int) -> int:
    dateline = DATELINE.match(text)
    start = dateline.end() if dateline and dateline.end() <= pos else 0
    for match in SENTENCE_END.finditer(text, start, pos):
        start = match.end()
    return start


def _sentence_end(text: str, pos: int) -> int:
    match = SENTENCE_END.search(text, pos)
    return match.end() if match else len(text)


def _is_direct(text: str, open_pos: int, inner: str) -> bool:
    before = text[:open_pos].rstrip()
    if not before or before[-1] in ".!?:":
        return True
    if before[-1] == "," and SPEECH_VERBS.search(before[-30:]):
        return inner[:1].isupper()
    return False


def _mentions_in(mentions: Sequence[Mention], start: int, end: int) -> list[Mention]:
    return [m for m in mentions if m.start >= start and m.end <= end]


def _pick_speaker(candidates: list[Mention]) -> Mention | None:
    """The person if one is named, else the last organisation, else the first place."""
    for mention in candidates:
        if mention.label == "PER":
            return mention
    organisations = [m for m in candidates if m.label == "ORG"]
    if organisations:
        return organisations[-1]
    return candidates[0] if candidates else None


def _speaker_phrase(
    text: str, start: int, end: int, mentions: Sequence[Mention]
) -> tuple[str | None, str | None]:
    """(speaker, via) named in text[start:end], the words right after a reporting verb."""
    quoting = QUOTING.search(text, start, end)
    if quoting:
        via = _pick_speaker(_mentions_in(mentions, start, quoting.start()))
        speaker = _pick_speaker(
            [m for m in _mentions_in(mentions, quoting.end(), end) if m.label == "PER"]
        )
        if speaker:
            return speaker.text, via.text if via else None
        end = quoting.start()
    stop = PHRASE_END.search(text, start, end)
    phrase_end = stop.start() if stop else end
    words = text[start:phrase_end].split()
    named = _pick_speaker(_mentions_in(mentions, start, phrase_end))
    if named and not (words and words[0].casefold() in UNNAMED):
        return named.text, None
    if 0 < len(words) <= MAX_UNNAMED_WORDS:
        return " ".join(words), None
    return None, None


def _attribute_after(
    text: str, close_end: int, mentions: Sequence[Mention], last_speaker: str | None
) -> tuple[bool, str | None, str | None]:
    """(found a pattern, speaker, via) from the words after the closing mark."""
    sentence_end = _sentence_end(text, close_end)
    after = text[close_end:sentence_end]
    match = AFTER_QUOTE.match(after)
    if match:
        if match.group("nya"):
            return True, last_speaker, None
        start = close_end + match.end()
        speaker, via = _speaker_phrase(text, start, sentence_end, mentions)
        return True, speaker, via
    head = len(after) - len(after.lstrip(" ,"))
    subject = next((m for m in mentions if m.start == close_end + head), None)
    if subject and AFTER_SUBJECT_VERB.match(text, subject.end):
        verb = AFTER_SUBJECT_VERB.match(text, subject.end)
        assert verb is not None
        if QUOTING.search(text, subject.end, verb.end()):
            named = _pick_speaker(
                [m for m in _mentions_in(mentions, verb.end(), sentence_end) if m.label == "PER"]
            )
            if named:
                return True, named.text, subject.text
        return True, subject.text, None
    return False, None, None


def _attribute_before(text: str, open_pos: int, mentions: Sequence[Mention]) -> str | None:
    """The speaker named before the quote in its own sentence, or None."""
    start = _sentence_start(text, open_pos)
    before = text[start:open_pos]
    if before.rstrip().endswith(":"):
        colon = start + len(before.rstrip()) - 1
        named = _pick_speaker(_mentions_in(mentions, start, colon))
        if named:
            return named.text
    according = list(ACCORDING_TO.finditer(text, start, open_pos))
    if according:
        speaker, _ = _speaker_phrase(text, according[-1].end(), open_pos, mentions)
        if speaker:
            return speaker
    verbs = list(SPEECH_VERBS.finditer(text, start, open_pos))
    if verbs:
        named = _pick_speaker(_mentions_in(mentions, start, verbs[0].start()))
        if named:
            return named.text
    return None


def attribute(paragraphs: Sequence[str], mentions: Sequence[Mention]) -> list[Quote]:
    """Quotes in paragraphs of one article (paragraph = position), with speakers."""
    by_paragraph: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_paragraph.setdefault(mention.paragraph, []).append(mention)
    quotes: list[Quote] = []
    last_speaker: str | None = None
    for index, text in enumerate(paragraphs):
        if not QUOTE_MARK.search(text):
            continue
        here = by_paragraph.get(index, [])
        for open_pos, close_pos, closed in _spans(text):
            start, end = open_pos + 1, close_pos
            while end > start and text[end - 1] in " ,":
                end -= 1
            while start < end and text[start] == " ":
                start += 1
            inner = text[start:end]
            kind = "direct" if _is_direct(text, open_pos, inner) else "partial"
            speaker: str | None = None
            via: str | None = None
            found = False
            if closed:
                found, speaker, via = _attribute_after(text, close_pos + 1, here, last_speaker)
            if not found:
                speaker = _attribute_before(text, open_pos, here)
            if speaker:
                last_speaker = speaker
            quotes.append(Quote(inner, kind, speaker, index, start, end, via=via))
    return quotes


def find_quotes(article: Article) -> list[Quote]:
    """Quotes of an article; uses article.entities when already found."""
    texts = [p.text for p in article.paragraphs]
    positions = {p.index: position for position, p in enumerate(article.paragraphs)}
    if article.entities:
        mentions = [_at_position(m, positions[m.paragraph]) for m in article.entities]
    else:
        mentions = recognise(texts)
    quotes = attribute(texts, mentions)
    for quote in quotes:
        quote.paragraph = article.paragraphs[quote.paragraph].index
    return quotes


def _at_position(mention: Mention, position: int) -> Mention:
    return Mention(mention.text, mention.label, position, mention.start, mention.end)
