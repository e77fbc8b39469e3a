"""Page furniture caught inside a line of article text, cut out with the sentence kept whole.

Scrapers that join a page's text into one line (or glue a promo to the next paragraph)
leave `ADVERTISEMENT`, `SCROLL TO CONTINUE WITH CONTENT`, `Baca juga: <title>`, `Klik
halaman selanjutnya`, `Halaman 2 dari 3`, editor initials and tag words inside the body.
Each cut returns the text cut and why, so the cleaner records it: nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kabar_tui.core.model import RemovalReason
from kabar_tui.core.text import CLOSERS

# Fixed furniture, matched as written (upper case for the ad banners: prose never shouts).
_FIXED = re.compile(
    r"(?P<advertisement>\bSCROLL TO (?:CONTINUE WITH|RESUME) CONTENT\b|\bADVERTISEMENT\b)"
    r"|(?P<pagination>\b(?:[Kk]lik|[Ll]anjut(?:kan)? [Bb]aca) halaman (?:selanjutnya|berikutnya)\b"
    r"|\bHalaman \d+ dari \d+\b)"
)
_PROMO_MARKER = re.compile(
    r"\b(?:Baca [Jj]uga|BACA JUGA|Lihat [Jj]uga|Baca [Ss]elengkapnya)\s*:\s*"
)
# Lower-case words a headline keeps between its capitalised words.
_TITLE_JOINERS = frozenset(
    [
        "di",
        "ke",
        "dari",
        "untuk",
        "dan",
        "yang",
        "soal",
        "jadi",
        "hingga",
        "usai",
        "vs",
        "atau",
        "dengan",
        "pada",
        "tak",
        "bagi",
        "sampai",
        "buat",
        "akan",
        "ini",
        "itu",
        "jelang",
        "saat",
        "demi",
        "oleh",
        "karena",
        "tapi",
        "lagi",
        "juga",
    ]
)
# `... lanjut Pras. (eva/fca) badan komunikasi pemerintah pco`: initials, then tag words.
_SIGNATURE_THEN_TAGS = re.compile(
    r"(?<=[.!?\"”)])\s*(?P<signature>\((?:[a-z]{1,5}/)+[a-z]{1,5}\))(?P<tags>(?:\s+[a-z0-9][a-z0-9\-]*)+)\s*$"
)
# `... favorit para entrepreneur. ( NKK )`: an editor's code after the last sentence.
_TRAILING_CODE = re.compile(r"(?<=[.!?\"”])\s*\(\s*[A-Z]{2,4}\s*\)\s*$")
# `... beber Kasan.,Reporter: Pipit Ika,Sumber: Liputan6.com`: credits after the last sentence.
_TRAILING_CREDITS = re.compile(
    r"(?<=[.!?\"”,])\s*,?\s*(?P<credits>(?:(?:Reporter|Penulis|Pewarta|Editor|Penyunting|Sumber)"
    r"\s*:\s*[^,:]{0,60}(?:,\s*|$)){1,4})$"
)
CREDIT_WORDS = ("Reporter", "Penulis", "Pewarta", "Editor", "Penyunting", "Sumber")
MAX_TITLE_WORDS = 25
TAIL_CHARS = 200  # credits, initials and tags at a paragraph's end fit in this


@dataclass(slots=True, frozen=True)
class Cut:
    text: str
    reason: RemovalReason


def inline_junk_hints(text: str) -> bool:
    """Could any paragraph of this article (all its text at once) hold furniture inside
    it, other than at its very end? One pass of cheap substring checks."""
    if "SCROLL" in text or "ADVERTISEMENT" in text or "alaman" in text:
        return True
    return ":" in text and (  # promo markers and credits all take a colon
        "aca " in text
        or "ihat " in text
        or "BACA" in text
        or any(word in text for word in CREDIT_WORDS)
    )


def may_end_with_junk(text: str) -> bool:
    """Tags (`... (abc/def) taman kota`) or a code (`( NKK )`) close this paragraph."""
    return text[-1:].isalnum() or text.endswith(")")


def cut_inline_junk(text: str) -> tuple[str, list[Cut]]:
    """The text without furniture inside it, and what was cut (in order of finding)."""
    cuts: list[Cut] = []
    # Cheap substring checks first: most paragraphs hold none of this.
    if ("SCROLL" in text or "ADVERTISEMENT" in text or "alaman" in text) and _FIXED.search(text):
        for match in _FIXED.finditer(text):
            reason = RemovalReason(match.lastgroup or RemovalReason.ADVERTISEMENT)
            cuts.append(Cut(match[0], reason))
        text = _FIXED.sub(" ", text)
    if ":" in text and ("aca " in text or "ihat " in text or "BACA" in text):
        while (marker := _PROMO_MARKER.search(text)) and (end := _promo_end(text, marker.end())):
            cuts.append(Cut(text[marker.start() : end].strip(), RemovalReason.RELATED_LINK_PROMO))
            text = text[: marker.start()] + " " + text[end:]
    # The tail patterns are anchored at the end: only the last characters are searched.
    start = max(len(text) - TAIL_CHARS, 0)
    tail = text[start:]
    if (
        ":" in tail
        and any(word in tail for word in CREDIT_WORDS)
        and (credits := _TRAILING_CREDITS.search(text, start))
    ):
        cuts.append(Cut(credits["credits"].strip(" ,"), RemovalReason.BYLINE))
        text = text[: credits.start()]
        start = max(len(text) - TAIL_CHARS, 0)
    if text[-1:].isalnum() and "/" in text[start:]:
        tags = _SIGNATURE_THEN_TAGS.search(text, start)
        if tags:
            cuts.append(Cut(tags["tags"].strip(), RemovalReason.TAGS))
            text = text[: tags.end("signature")]
    if text.endswith(")") and (code := _TRAILING_CODE.search(text, max(len(text) - 16, 0))):
        cuts.append(Cut(code[0].strip(), RemovalReason.SIGNATURE))
        text = text[: code.start()]
    if cuts:
        text = " ".join(text.split())
    return text, cuts


def _promo_end(text: str, start: int) -> int | None:
    """Where a linked headline after `Baca juga:` stops and the article goes on.

    The headline is capitalised words (and the few lower-case words headlines keep); the
    article resumes at an opening quote or at a capitalised word followed by an ordinary
    lower-case word (`... Kasus Migor Ayu mengatakan ...`). None when no prose follows:
    then the line is a promo alone, which whole-line rules handle.
    """
    tokens = [(m.start(), m.group()) for m in re.finditer(r"\S+", text[start:])]
    for i, (offset, token) in enumerate(tokens[: MAX_TITLE_WORDS + 1]):
        if i and token[0] in "\"“'‘":
            return start + offset
        bare = token.strip(CLOSERS + ",.:;!?(")
        following = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        if (
            i
            and bare[:1].isupper()
            and following[:1].islower()
            and following.strip(",.;:") not in _TITLE_JOINERS
        ):
            return start + offset
        if bare[:1].islower() and bare not in _TITLE_JOINERS:
            return None  # prose right after the marker: not a headline
    return None
