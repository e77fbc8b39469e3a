"""Who wrote an article, when, where, for which outlet, from which source: read from its lines.

Only what the text states is taken. A line counts as metadata when everything on it is a
recognised byline part (a date, `Penulis:`, `<name> , Jurnalis-`, `<name> - detikFinance`,
`Editor:`, `Sumber:`); a sentence that merely contains a date stays article text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from kabar_tui.core.ingest.dates import DAYS, find_date, fold_name
from kabar_tui.core.model import RemovalReason
from kabar_tui.core.text import data_pairs, words

_NAME = r"[A-Z][A-Za-z'’.\-]*(?:\s+(?:[A-Z][A-Za-z'’.\-]*|bin|binti|van|de|al|el)){0,5}"
_CUE_WORD = r"[A-Za-z0-9]+(?:\.[A-Za-z]{2,})+"
LABELLED = re.compile(
    r"(?P<label>Penulis|Reporter|Pewarta|Oleh|Editor|Penyunting|Redaktur|Sumber|Source"
    r"|Laporan [Ww]artawan(?:\s+[\w.\-]+){0,3}?\s*[,/])\s*:?\s*(?P<value>.+)",
    re.IGNORECASE,
)
JOURNALIST = re.compile(
    rf"(?P<name>{_NAME})\s*,\s*(?:Jurnalis|Wartawan|Reporter|Kontributor)\s*-?", re.IGNORECASE
)
OUTLET_BYLINE = re.compile(rf"(?P<name>{_NAME})\s+-\s+(?P<cue>detik\w+|{_CUE_WORD})")
NAME_ONLY = re.compile(_NAME)
DATE_LABELS = frozenset(
    {
        "",
        "tayang",
        "diterbitkan",
        "dipublikasikan",
        "publikasi",
        "terbit",
        "published",
        "diperbarui",
        "diupdate",
        "update",
        "updated",
    }
)
LABEL_WORDS = frozenset(
    {
        "penulis",
        "reporter",
        "pewarta",
        "oleh",
        "editor",
        "penyunting",
        "redaktur",
        "sumber",
        "source",
        "laporan",
    }
)
# Words in an organisation's name, not a person's (`Kompas Cyber Media`, `Tim Redaksi`).
NOT_PERSON_WORDS = frozenset(
    {"media", "cyber", "digital", "news", "group", "network", "redaksi", "tim", "team", "pt"}
)
UPDATE_LABELS = frozenset({"diperbarui", "diupdate", "update", "updated"})
MAX_META_WORDS = 20
# `1.229 Views`, `350 kali dibaca`: a page counter next to the date on crawler date lines.
VIEW_COUNT = re.compile(r"[\d.,]+\s*(?:views?|kali dibaca|dibaca|dilihat)", re.IGNORECASE)
_PARTS = re.compile(r"\s*[|•]\s*")
_STRIP = " -–—|,:;()"
DATELINE = re.compile(
    rf"(?:(?P<pre>{_CUE_WORD}|CNN Indonesia|ANTARA)\s*,\s*)?"
    r"(?P<place>[A-Z][A-Za-z'.]+(?:\s+[A-Z][A-Za-z'.]+){0,3})"
    r"(?:\s*\((?P<paren>[A-Za-z0-9. ]{2,30})\))?"
    rf"(?:\s*,\s*(?P<post>{_CUE_WORD}|CNN Indonesia))?"
    r"\s*(?:--?|–|—)(?:\s+(?=\S)|\s*$)"
)
DATELINE_MAX_CHARS = 120
# The opening before a dateline's dash: a few words, a name with a domain at most.
_DATELINE_HEAD = re.compile(r"(.{2,45}?)\s*(?:--?|–|—)\s")
CREDITED_IN_TEXT = re.compile(
    r"\b(?:dilansir|dikutip|melansir|mengutip)\s+(?:dari\s+)?"
    r"(?P<source>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})"
)
_TRIBUN = re.compile(
    r"\b(?i:tribun)[\s\-]?(?P<region>[A-Z][a-z]+|[A-Z]{3,})(?:\.(?i:com|co\.id))?\b"
)
_SITE_SUFFIX = re.compile(r"\s+[-|–—]\s+(?P<name>[^-|–—]{2,40})$")
_DOMAIN_LIKE = re.compile(r"\.(?:com|co\.id|id|net)\b", re.IGNORECASE)
SITE_WORDS = ("Online", "News", "Network", ".com", ".id")
MIN_TITLE_WORDS_LEFT = 3
_DOMAIN_ROWS = data_pairs("outlet_domains.txt")
_DOMAIN_NAMES = [name for _, name in _DOMAIN_ROWS]
_DOMAINS = re.compile("|".join(f"(?P<d{i}>{p})" for i, (p, _) in enumerate(_DOMAIN_ROWS)))
_OUTLET_ROWS = data_pairs("outlets.txt")
_OUTLET_NAMES = [name for _, name in _OUTLET_ROWS]
_FIRST_CHARS = "".join(sorted({re.sub(r"^(?:\\b)?\\?", "", p)[0] for p, _ in _OUTLET_ROWS}))
_OUTLETS = re.compile(
    # The lookahead on first characters lets the engine skip most positions cheaply.
    f"(?=[{re.escape(_FIRST_CHARS)}])(?:"
    + "|".join(f"(?P<o{i}>{pattern})" for i, (pattern, _) in enumerate(_OUTLET_ROWS))
    + ")"
)


@dataclass(slots=True)
class MetaLine:
    """What one metadata line states, and the reason recorded for removing it."""

    reason: RemovalReason
    author: str | None = None
    editor: str | None = None
    credited_source: str | None = None
    published: datetime | None = None
    is_update: bool = False


@dataclass(slots=True, frozen=True)
class Dateline:
    place: str
    cue_text: str  # the outlet part (`REPUBLIKA.CO.ID`, `KOMPAS.com`, `ANTARA`), maybe empty
    alone: bool  # the line is only the dateline; its paragraph is on the next line
    end: int  # where the paragraph's own text starts


def read_meta_line(text: str) -> MetaLine | None:
    """The metadata a byline/credit line states, or None when it is not one."""
    if len(text) > 200 or len(text.split()) > MAX_META_WORDS:
        return None
    found = find_date(text)
    if not found and not _could_be_byline(text):
        return None
    rest = text[: found.start] + " | " + text[found.end :] if found else text
    meta = MetaLine(reason=RemovalReason.DATE if found else RemovalReason.BYLINE)
    if found:
        meta.published = found.moment
    for part in _PARTS.split(rest):
        part = part.strip(_STRIP)
        if part.casefold() in DATE_LABELS or fold_name(part) in DAYS or VIEW_COUNT.fullmatch(part):
            meta.is_update = meta.is_update or part.casefold() in UPDATE_LABELS
            continue
        if not _read_part(part, meta):
            return None
    if meta.author:
        meta.reason = RemovalReason.BYLINE
    elif meta.published is None and not (meta.editor or meta.credited_source):
        return None
    return meta


def _could_be_byline(text: str) -> bool:
    """Cheap test before the patterns: a label word first, or a byline's comma or dash."""
    first = text.split(" ", 1)[0].rstrip(":").casefold()
    return first in LABEL_WORDS or "," in text or " - " in text


def _read_part(part: str, meta: MetaLine) -> bool:
    labelled = LABELLED.fullmatch(part)
    if labelled:
        label = labelled["label"].casefold()
        value = labelled["value"].strip(_STRIP)
        if not value or len(value.split()) > 6:
            return False
        if label in ("editor", "penyunting", "redaktur"):
            meta.editor, meta.reason = value, RemovalReason.EDITOR_CREDIT
        elif label in ("sumber", "source"):
            meta.credited_source, meta.reason = value, RemovalReason.SOURCE_CREDIT
        elif NAME_ONLY.fullmatch(value):
            meta.author, meta.reason = value, RemovalReason.BYLINE
        else:
            return False
        return True
    for pattern in (JOURNALIST, OUTLET_BYLINE):
        match = pattern.fullmatch(part)
        if match:
            meta.author, meta.reason = match["name"].strip(), RemovalReason.BYLINE
            return True
    # `Kompas.com - 05/06/2025, 10:12 WIB`: the outlet's name next to the date
    return len(part.split()) <= 3 and outlet_in(part) is not None


def byline_name(text: str) -> bool:
    """`Rina Wulandari`: two to five capitalised words naming a person, not a company."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or NAME_ONLY.fullmatch(text) is None:
        return False
    return not any(t.casefold() in NOT_PERSON_WORDS for t in tokens)


def find_dateline(paragraph: str) -> Dateline | None:
    """`MOSKOW - ...`, `REPUBLIKA.CO.ID, BEIJING -- ...`, `Jakarta (ANTARA) - ...`."""
    head = paragraph[:DATELINE_MAX_CHARS]
    if "-" not in head and "–" not in head and "—" not in head:
        return None
    match = DATELINE.match(head)
    if match is None:
        return None
    cue = match["pre"] or match["post"] or (f"({match['paren']})" if match["paren"] else "")
    return Dateline(
        place=match["place"], cue_text=cue, alone=match.end() == len(paragraph), end=match.end()
    )


def dateline_outlet(paragraph: str) -> str | None:
    """The outlet a paragraph's opening names before its dash: `jpnn.com , PATI -`,
    `Jakarta, Beritasatu.com -`, `IDXChannel –`, `tirto.id -` (not what the story reports)."""
    head = _DATELINE_HEAD.match(paragraph[:DATELINE_MAX_CHARS])
    if head is None or len(head[1].replace(",", " ").split()) > 4 or ". " in head[1]:
        return None
    return outlet_in(head[1]) or _domain_outlet(head[1])


def outlet_in(text: str) -> str | None:
    """The outlet a piece of page chrome or byline names, or None."""
    match = _OUTLETS.search(text)
    if match and match.lastgroup:
        return _OUTLET_NAMES[int(match.lastgroup[1:])]
    if "ribun" in text or "RIBUN" in text:
        return tribun_outlet(text)
    return _domain_outlet(text) if _has_url(text) else None


def tribun_outlet(text: str) -> str | None:
    """A Tribun network site, named by its region: `TRIBUNSOLO.COM`, `TribunJogja.com`,
    `TRIBUN-MEDAN.com`, `Tribun Solo` -> `Tribun Solo`."""
    match = _TRIBUN.search(text)
    if match is None:
        return None
    region = match["region"]
    return "Tribunnews.com" if region.casefold() == "news" else f"Tribun {region.capitalize()}"


def site_suffix(title: str) -> int | None:
    """Where a site's name starts after a page title (`... - Tribun Solo`,
    `... | Republika Online`), or None."""
    match = _SITE_SUFFIX.search(title)
    if match is None or len(title[: match.start()].split()) < MIN_TITLE_WORDS_LEFT:
        return None
    name = match["name"]
    if outlet_in(name) or name.endswith(SITE_WORDS) or _DOMAIN_LIKE.search(name):
        return match.start()
    return None


def outlets_in(texts: list[str]) -> set[str]:
    """Every outlet named anywhere in `texts` (one regex pass over all of them)."""
    joined = "\n".join(texts)
    found = {_OUTLET_NAMES[int(g[1:])] for m in _OUTLETS.finditer(joined) if (g := m.lastgroup)}
    if _has_url(joined):
        found.update(o for text in texts if _has_url(text) and (o := _domain_outlet(text)))
    return found


def _has_url(text: str) -> bool:
    return "://" in text or "www." in text


def _domain_outlet(text: str) -> str | None:
    match = _DOMAINS.search(text)
    group = match.lastgroup if match else None
    return _DOMAIN_NAMES[int(group[1:])] if group else None


def credited_in_text(text: str) -> str | None:
    """`... sebagaimana dilansir dari VOA Indonesia.` -> `VOA Indonesia`."""
    if "lansir" not in text and "utip" not in text:
        return None
    match = CREDITED_IN_TEXT.search(text)
    if match is None:
        return None
    source = match["source"].rstrip(".")
    return source if words(source) else None
