"""Photo captions and their credits: `... (Foto: KCNA via Reuters)`, `Foto: AP Photo/...`."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PHOTO = r"(?i:foto|photo|gambar|sumber foto|ilustrasi foto)"
# `Foto: AP Photo/Mikhail Metzel` alone on a line: a credit for the caption above it.
CREDIT_ONLY = re.compile(rf"{_PHOTO}\s*:\s*(?P<credit>[^.!?]{{2,80}})")
# `... Vladivostok, 16 September 2023. (Foto: KCNA via Reuters)`
# `... di Jakarta. (ANTARA FOTO/Hafidz Mubarak A)` / `(KOMPAS.com/NICHOLAS RYAN ADITYA)`
PAREN_CREDIT = re.compile(
    rf"(?P<text>.*?)\s*\((?P<credit>{_PHOTO}\s*:\s*[^()]+|[^()/]*[A-Z][^()/]*/[^()]*[A-Za-z][^()]*)\)"
)
# `Pemimpin Korea Utara Kim Jong Un. /KCNA via REUTERS/`
SLASH_CREDIT = re.compile(r"(?P<text>.+?)\s*/(?P<credit>[A-Z][A-Za-z0-9 .&]{1,60}?)/")
# `... Senin (9/6/2025). TRIBUN-TIMUR.COM/MUH HASIM ARFAH`: a capitalised credit with a slash
CAPS_CREDIT = re.compile(
    r"(?P<text>.+?[.!?)])\s+(?P<credit>[A-Z0-9][A-Z0-9.\- ]*/[A-Z][A-Z .'\-]+)"
)
# `Ilustrasi pajak. Foto: Getty Images/iStockphoto` (detik puts the credit last)
TRAILING_CREDIT = re.compile(rf"(?P<text>.+?[.,])\s*{_PHOTO}\s*:\s*(?P<credit>[^.!?]{{2,60}})")
_PHOTO_PREFIX = re.compile(rf"^{_PHOTO}\s*:\s*")
_DATE_LIKE = re.compile(r"\d+/\d+")
MAX_CREDIT_WORDS = 8
MAX_CAPTION_CHARS = 600  # captions are a sentence or two; longer lines are not tried


def _candidate_patterns(text: str) -> list[re.Pattern[str]]:
    """Only the patterns whose credit could end this line (cheap checks first)."""
    last = text[-1]
    if last == ")":
        return [PAREN_CREDIT]
    if last == "/":
        return [SLASH_CREDIT]
    patterns = []
    if last.isupper() and "/" in text:
        patterns.append(CAPS_CREDIT)
    if ":" in text:
        patterns.append(TRAILING_CREDIT)
    return patterns


@dataclass(slots=True, frozen=True)
class FoundCaption:
    text: str  # empty when the line is a credit alone
    credit: str


def credit_only(text: str) -> str | None:
    """The credit when the whole line is `Foto: <credit>`."""
    match = CREDIT_ONLY.fullmatch(text)
    if match is None or len(match["credit"].split()) > MAX_CREDIT_WORDS:
        return None
    # `Foto: Banjir di Kampung Melayu (Ari Saputra/detikcom)` describes and credits a photo.
    inner = find_caption(match["credit"].strip())
    return None if inner and inner.text else match["credit"].strip()


def find_caption(text: str) -> FoundCaption | None:
    """A caption line: description plus a photo credit at its end."""
    if len(text) > MAX_CAPTION_CHARS:
        return None
    for pattern in _candidate_patterns(text):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        credit = _PHOTO_PREFIX.sub("", match["credit"]).strip()
        if len(credit.split()) > MAX_CREDIT_WORDS or _DATE_LIKE.search(credit):
            continue
        return FoundCaption(_PHOTO_PREFIX.sub("", match["text"]).strip(), credit)
    return None
