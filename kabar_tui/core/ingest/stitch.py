"""Lines a scraper cut out of one sentence, found before anything is judged line by line.

`get_text("\\n")` puts every inline link's text on a line of its own (`Polisi masih
mendalami` / `percekcokan` / `antara pemotor ...`), and pages saved pretty-printed wrap
their text at a fixed width. Judged one by one such pieces look like menu entries, tags
or headlines; joined back they are the sentence they were. This module only decides
which lines go together; `clean.py` joins them and records each join.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kabar_tui.core.ingest import boilerplate as chrome
from kabar_tui.core.ingest.captions import credit_only
from kabar_tui.core.ingest.metadata import find_dateline, read_meta_line
from kabar_tui.core.ingest.repair import MAX_NAME_WORDS, is_name_fragment, open_ended
from kabar_tui.core.model import RemovalReason
from kabar_tui.core.text import comparable, stopwords

META_WORDS = 12  # crawler fields (dates, bylines) are short lines
NAME_CHAIN_LOOKAHEAD = 4
WRAP_MAX_CHARS = (
    100  # as `clean.py` finds hard wraps  # `Sam Bankman` / `Fried` / `,` / `membela diri.`
)
SHORT_TAG_WORDS = 4
PROSE_MIN_WORDS = 4
HEADLINE_MIN_WORDS = 3
DASHES = ("-", "–", "—")
_ABBREVIATION = re.compile(r"\([A-Z][A-Za-z]{1,7}\)")
_DASH_START = re.compile(r"[-–—](?:\s|$)")
_CONTINUATION_PUNCT = ",;:.)]”’"


def _starts_mid_sentence(text: str) -> bool:
    """Lower case, or punctuation that follows a word (`, Senin`, `. Sekadar ...`)."""
    first = text[0]
    return first.islower() or (first in _CONTINUATION_PUNCT and text[:3] != "...")


@lru_cache(maxsize=4096)  # each line is looked at again as the next lines' look-ahead
def _name_piece(text: str) -> bool:
    """`is_name_fragment`, its cheap half first."""
    if text[0] == "(":
        return _ABBREVIATION.fullmatch(text) is not None  # `(KUHP)` inside a name's sentence
    return text[0].isupper() and text.count(" ") < MAX_NAME_WORDS and is_name_fragment(text)


def _stops_mid_phrase(text: str) -> bool:
    """The cheap half of `_mid_sentence`: a comma, a bracket or a lower-case last word."""
    return text.endswith((",", "(")) or text.rsplit(" ", 1)[-1][:1].islower()


def _mid_sentence(text: str) -> bool:
    """The text so far stops inside a sentence of prose: `... kata pria itu kepada`,
    `kehilangan semua uangnya,` (not a menu entry, tag or headline)."""
    if not open_ended(text) or chrome.title_case(text):
        return False
    if text.endswith((",", "(")):
        return True
    last = text.rsplit(" ", 1)[-1]
    return text.count(" ") >= 1 and last[:1].islower()


def _in_sentence(text: str) -> bool:
    """Prose stopped before a name (`... Gubernur BI` / `Perry Warjiyo` / `menegaskan`)."""
    if not open_ended(text) or chrome.title_case(text):
        return False
    if text.endswith((",", "(")) or text.count(" ") >= 2:
        return True
    return text.count(" ") == 1 and text.rsplit(" ", 1)[1][:1].islower()  # `Susunan pemain`


def _prose(text: str) -> bool:
    """A run of prose words (`Kabayoran Lama, Kompol Widya saat dihubungi`)."""
    tokens = text.split()
    if len(tokens) < PROSE_MIN_WORDS or chrome.title_case(text):
        return False
    common = stopwords()
    return any(t in common for t in tokens[1:])


def _tag_like(text: str) -> bool:
    """`pria berpistol`, `cekcok`: a short lower-case tag, not the rest of a sentence."""
    return text.islower() and text.count(" ") < SHORT_TAG_WORDS and open_ended(text)


def _label_like(text: str) -> bool:
    """`Payudara kendur`: a few words with no function word and no punctuation, as tags
    and menu entries are; a sentence's opening (`Polisi masih mendalami`) has them."""
    tokens = text.split()
    if len(tokens) >= SHORT_TAG_WORDS or not all(t.isalpha() for t in tokens):
        return False
    if text.isupper():
        return False  # `DAFTAR` / `top skor ...`: a lead's first word in capitals
    common = stopwords()
    return not any(t.casefold() in common for t in tokens)


@lru_cache(maxsize=4096)
def _joinable(text: str) -> bool:
    """Not page chrome (`ADVERTISEMENT`, `(mea/mea)`, `Baca juga:`), a photo credit or a
    crawler's field (a URL, a date, a byline)."""
    if text.startswith(("http://", "https://", "www.")):
        return False
    reason = chrome.chrome_reason(text)
    if reason == RemovalReason.SIGNATURE and _ABBREVIATION.fullmatch(text):
        return True  # `Kitab Undang-undang Hukum Pidana` / `(KUHP)` / `khususnya ...`
    if reason == RemovalReason.SYNDICATION_NOTE:
        return True  # `Artikel ini telah naik di` / `detikBali dan bisa` / ...: one note
    if reason is not None or credit_only(text) is not None:
        return False
    return text.count(" ") >= META_WORDS or read_meta_line(text) is None


def _goes_on(joined: str, piece: str, line: str, after: list[str | None]) -> bool:
    """Does `line` carry on the sentence `joined` (whose last line is `piece`) stopped in?"""
    if joined.endswith(DASHES) and joined.count(" ") <= 4:
        # `Jakarta` / `-` / `Polisi masih ...`: a dateline cut off its story; not a byline
        # and its section (`Afif Farhan -` / `Sepakbola`).
        name = joined[:-1].split()
        return not (
            len(name) >= 2
            and not joined.isupper()
            and " " not in line
            and line[:1].isupper()
            and open_ended(line)
        )
    if joined.count("(") > joined.count(")") and ")" in line and line.count(" ") < 4:
        return True  # `... (Foto: Getty Images/Mario Carlini / Iguana` / `Press)`
    if not open_ended(joined):
        return False
    if _DASH_START.match(line):  # `PHNOM PENH` / `– Tim Nasional ...`
        head = joined.split()
        return len(head) <= 3 and all(word[:1].isupper() for word in head)
    if _starts_mid_sentence(line):
        if chrome.title_case(joined) or find_dateline(line):
            return False  # a headline, then `kumparanNEWS` or `tirto.id - ...`
        return not (_tag_like(line) and (_tag_like(joined) or _label_like(joined)))
    if line[0].isdigit():  # `SEBANYAK` / `5 pemain`, `berusia` / `21`, `Piala Dunia` / `2022.`
        last = joined.rsplit(" ", 1)[-1]
        if joined == last:
            return last.isupper() and last.isalpha() and len(last) > 2
        if last[:1].islower() and last.isalpha():
            return True
        return _in_sentence(joined) and not open_ended(line) and line.count(" ") < 2
    if _name_piece(line):  # `... istri` / `Atta Halilintar` / `tersebut ...`
        return _name_goes_on(joined, after)
    if not _stops_mid_phrase(joined):
        return False
    short_end = line[0].isupper() and line.count(" ") < 5 and not open_ended(line)
    if short_end and _mid_sentence(joined):
        return not chrome.title_case(line)  # `... ujar Smith dikutip` / `Dailymail.`
    # A wrap inside prose: the line before stops mid-phrase at a page's width (a crawler
    # that drops full stops writes long lines ending in names: `... di Jawa Barat`).
    return (
        len(piece) <= WRAP_MAX_CHARS
        and _stops_mid_phrase(piece)
        and _mid_sentence(piece)
        and _prose(line)
        and _prose(joined)
    )


def _name_goes_on(joined: str, after: list[str | None]) -> bool:
    """A name cut out by its link goes on the sentence when the sentence resumes after
    it (`Gubernur BI` / `Perry Warjiyo` / `menegaskan ...`). After a capitalised opening
    (`Camat Manggala` / `Andi Eldi` / `mengatakan ...`) the rest must be real prose, not a
    menu's lower-case entry (`detikcom`). `joined` is open-ended; the cheap look ahead
    comes before judging it."""
    if joined.endswith(")"):
        return False  # `... (Foto: Yonhap via Reuters)` / `Andika Hendra`: a caption's end
    if joined.endswith(","):
        return _in_sentence(joined)
    for nxt in after[:NAME_CHAIN_LOOKAHEAD]:
        if nxt is None:
            return False
        if _starts_mid_sentence(nxt):
            if _in_sentence(joined):
                return True
            # After a capitalised opening only one name may come (`Camat Manggala` / `Andi
            # Eldi` / `mengatakan ...`), else a promo's words run into the next sentence.
            return nxt is after[0] and nxt.count(" ") >= PROSE_MIN_WORDS - 1
        # `... di ajang` / `Piala` / `Dunia. Maroko menang ...`: the name ends, the sentence
        # goes on in the same line.
        if (nxt[0].isdigit() or (nxt.split(" ", 1)[0][-1] in ".,;:" and _prose(nxt))) and (
            _in_sentence(joined)
        ):
            return True
        if not _name_piece(nxt):
            return False
    return False


def stitch_groups(texts: list[str | None], headline: str | None = None) -> list[list[int]]:
    """Runs of consecutive line indexes that are one sentence or headline, two lines or
    more each. `texts` holds each line's text, None where a line is blank or already
    dropped (nothing joins across it); `headline` is a title the page states whole (its
    first line, an HTML title) whose wrapped pieces are joined too."""
    groups: list[list[int]] = []
    whole = comparable(headline) if headline else ""
    count = len(texts)
    first = next((i for i, text in enumerate(texts) if text is not None), -1)
    index = 0
    while index < count - 1:
        text = texts[index]
        # Most lines end a sentence, or stand alone: nothing to look at.
        if text is None or texts[index + 1] is None or text[-1] in ".!?":
            index += 1
            continue
        group, joined, piece, checked = [index], text, text, False
        # The page's first line, a headline, is whole: a name or `kumparanNEWS` after it
        # starts something else.
        if index == first and chrome.title_case(text):
            index += 1
            continue
        while index + 1 < count:
            line = texts[index + 1]
            if line is None:
                break
            if not (open_ended(joined) or joined.endswith(DASHES)):
                break
            if not (checked or _joinable(text)):
                break  # page chrome or a crawler's field starts no sentence
            checked = True
            if not (
                _goes_on(joined, piece, line, texts[index + 2 : index + 2 + NAME_CHAIN_LOOKAHEAD])
                or _headline_piece(joined, line, whole)
            ):
                break
            if not (line in DASHES or _joinable(line)):
                break
            joined, piece = f"{joined} {line}", line
            index += 1
            group.append(index)
        if len(group) > 1:
            groups.append(group)
        index += 1
    return groups


def _headline_piece(joined: str, line: str, whole: str) -> bool:
    """`Polisi soal Pistol ... Cuma` / `Diperlihatkan`: a headline wrapped onto lines,
    joined while the pieces spell the title the page states whole."""
    if not whole or joined.count(" ") + 1 < HEADLINE_MIN_WORDS:
        return False
    key = comparable(joined)
    return whole.startswith(key) and whole.startswith(comparable(line), len(key) + 1)
