"""Repairs a careful editor makes to scraped text: split sentences rejoined, glued words split."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache

from kabar_tui.core.ingest.vocabulary import known
from kabar_tui.core.text import data_lines, ends_sentence, words

# `mengatakanPrabowo`, `KeuanganSri`: a link's text glued to the word before it.
_GLUED = re.compile(r"(?<![A-Za-z])([a-z]{3,}|[A-Z][a-z]{2,})([A-Z][a-z]+)(?![A-Za-z])")
# `kata dia.Menurut`: a sentence glued to the next one.
_PUNCT_THEN_CAPITAL = re.compile(r"[.!?][A-Z]")
_LOWER_UPPER = re.compile(r"[a-z][A-Z]")
_SUSPECT = re.compile(r"[a-z.!?][A-Z]")
# `_SUSPECT` as a byte table: letters and stops become `a`, capitals `A`; no other byte
# (nor UTF-8's non-ASCII bytes) is either, so `b"aA" in ...` finds a match at C speed.
_SUSPECT_CLASSES = bytes.maketrans(
    string.ascii_lowercase.encode() + b".!?" + string.ascii_uppercase.encode(),
    b"a" * 29 + b"A" * 26,
)
_CLOSE_THEN_CAPITAL = re.compile(r"\)[A-Z]")
# A token with a bracket or a year glued to a word (the empty group marks the gap):
# `(PKP)Maruarar` (a link's acronym), `Gratis(MBG)`, `Ramadan1447`.
_GLUED_TOKEN = re.compile(
    r"\([A-Z][A-Za-z]{1,10}\)(?P<a1>)[A-Z][a-z]{2,}"
    r"|(?<![A-Za-z(])[A-Z]?[a-z]{3,}(?P<a2>)\([A-Z]{2,10}\)"
    r"|(?<![A-Za-z])[A-Za-z][a-z]{2,}(?P<a3>)(?:1[3-9]|20)\d\d(?!\d)"
)
# Sizes of glued parts: a word that hides two (`negarayang`) is long.
MIN_PART = 3
MIN_NAME_TAIL = 5  # `menyatakan`, `mengatakan`: the verb after a glued name is long
MIN_VERB = 7
MIN_CONTENT = 5  # each of two glued content words is at least this long
VERB_PREFIXES = ("me", "ber", "di", "ter")
_WORD_AS_WRITTEN = re.compile(r"[A-Za-z]+")
_CLITIC = re.compile(r"(?:nya|lah|kah|pun)$")
# `sifat-Mu`, `rahmat-Nya`: pronouns for God are capitalised and written on, never split.
DIVINE_CLITICS = frozenset({"Mu", "Nya", "Ku"})
_SITE_NAME = re.compile(r"[a-z][a-z0-9]+(?:\.[a-z]{2,3}){1,2}|detik[a-z]*|kumparan[A-Za-z]*")
# Function words a scraper glues to the word before or after (never part of a compound).
GLUE_WORDS = (
    "yang",
    "dengan",
    "untuk",
    "dalam",
    "bahwa",
    "karena",
    "kepada",
    "tersebut",
    "adalah",
    "sebagai",
    "setelah",
    "sebelum",
    "hingga",
    "pernah",
    "tidak",
    "akan",
    "juga",
    "atau",
    "pada",
    "dari",
    "dan",
    "ini",
    "itu",
)
# Glue words no word starts or ends with: next to them a foreign or unlisted word may
# be split off (`roundtableyang`, `denganexclusive`).
STRONG_GLUE = frozenset({"yang", "dengan", "untuk", "kepada", "bahwa"})
MIN_UNLISTED = 7
MAX_NAME_WORDS = 5


@cache
def _camelcase() -> tuple[frozenset[str], tuple[str, ...]]:
    names, prefixes = set(), []
    for line in data_lines("camelcase_names.txt"):
        name = line.strip()
        if name.endswith("*"):
            prefixes.append(name[:-1])
        else:
            names.add(name)
    return frozenset(names), tuple(prefixes)


def open_ended(text: str) -> bool:
    """The line stops mid-sentence (no closing punctuation, no colon)."""
    return not ends_sentence(text) and not text.endswith(":")


def continues(text: str) -> bool:
    """The line starts mid-sentence: lower case, or punctuation that follows a word."""
    first = text[0]
    return first.islower() or first in ",;:)]”’"


def is_name_fragment(text: str) -> bool:
    """`Sri Mulyani` or `Kompas.com` alone on a line: the text of a link, cut out of its
    sentence."""
    tokens = text.split()
    return (
        0 < len(tokens) <= MAX_NAME_WORDS
        and open_ended(text)
        and all(t[0].isupper() or _SITE_NAME.fullmatch(t) for t in tokens)
        and bool(words(text))
    )


def join_text(left: str, right: str) -> str:
    if split_at_dot(left, right):
        return f"{left}.{right}"
    return left + right if right[0] in ",;:.)]”’" else f"{left} {right}"


# `... sebanyak 896` / `540 pelanggan`, `... melalui www` / `pln` / `co` / `id`: a scraper
# that splits sentences at every full stop also splits numbers and web addresses.
_THOUSANDS_REST = re.compile(r"\d{3}(?!\d)")
_ADDRESS_PART = re.compile(r"[a-z0-9\-]{1,12}")
_ENDS_WITH_ADDRESS = re.compile(r"(?:^|\s)(?:www|[a-z0-9\-]+\.[a-z0-9.\-]+)$")


def is_address_part(text: str) -> bool:
    return _ADDRESS_PART.fullmatch(text) is not None


def split_at_dot(left: str, right: str) -> bool:
    """Was `left`+`.`+`right` one number or web address, cut at its dot?"""
    if left[-1:].isdigit():
        return _THOUSANDS_REST.match(right) is not None
    return is_address_part(right) and (_ENDS_WITH_ADDRESS.search(left[-40:]) is not None)


def unglue(
    text: str,
    own_words: Mapping[str, int] | None = None,
    splits: Mapping[str, str] | None = None,
) -> tuple[str, list[str]]:
    """Split words glued where a link was; returns the text and one note per repair.

    A split needs evidence that both sides are words: the Indonesian vocabulary
    (`vocabulary.known`) or the article's own words (`own_words`: each word as written,
    with how often the article writes it). A glued form the article writes more than
    once is a name (`TomTom`), never split. `splits` are the article's tokens found to
    hide two words (`word_splits`), decided once for all its paragraphs.
    """
    notes: list[str] = []
    own_words = own_words if own_words is not None else count_words(text)
    splits = word_splits(text, own_words) if splits is None else splits
    # In reading order: `splits` comes from a set, whose order changes between runs.
    present = sorted((token for token in splits if token in text), key=text.find)
    if not present and not _suspect(text):  # one scan settles the clean case
        return text, notes
    for token in present:
        pattern = rf"(?<![\w\-]){re.escape(token)}(?![\w\-])"
        text, count = re.subn(pattern, splits[token].replace("\\", r"\\"), text)
        notes.extend(f"{token!r} -> {splits[token]!r}" for _ in range(count))
    if _suspect(text):
        text = _split_sentences(text, notes)
        if _LOWER_UPPER.search(text):
            text = _split_camel_case(text, own_words, notes)
    return text, notes


def _suspect(text: str) -> bool:
    """Whether `_SUSPECT` matches, found several times faster than the regex scan: most
    paragraphs have no match, and every one is scanned."""
    return b"aA" in text.encode("utf-8", "surrogatepass").translate(_SUSPECT_CLASSES)


def looks_glued(text: str) -> bool:
    """A visible sign of glue: `kata dia.Menurut`, `mengatakanPrabowo`, `(PKP)Maruarar`;
    not a domain's `TEMPO.CO`."""
    if not _suspect(text):
        return ")" in text and _CLOSE_THEN_CAPITAL.search(text) is not None
    for match in _SUSPECT.finditer(text):
        at = match.start()
        if match[0][0] != "." or not text[at - 1 : at].isupper():
            return True
    return ")" in text and _CLOSE_THEN_CAPITAL.search(text) is not None


_NOT_CANDIDATES: set[str] = set()  # tokens already judged no glue: skipped at C speed
MAX_REMEMBERED = 500_000
MIN_CANDIDATE = 9
_TOKEN_EDGES = "\"'“”‘’()[]{},.;:!?…-–—/"


def glue_candidates(text: str) -> frozenset[str]:
    """Long words of `text` that are no word and could be two: the only ones tried.

    Tokens are split at spaces and judged once each (remembered across articles), so a
    clean article costs one split and one set difference.
    """
    unseen = set(text.split()) - _NOT_CANDIDATES
    candidates = set()
    for token in unseen:
        if "/" not in token and _GLUED_TOKEN.search(token):  # not inside a web address
            candidates.add(token)
            continue
        word = token.strip(_TOKEN_EDGES)
        if (
            len(word) >= MIN_CANDIDATE
            and word.isalpha()
            and word[1:].islower()
            and not known(word.lower())
            and _splittable(word)
        ):
            candidates.add(word)
        elif len(_NOT_CANDIDATES) < MAX_REMEMBERED:
            _NOT_CANDIDATES.add(token)
    return frozenset(candidates)


@cache
def _splittable(word: str) -> bool:
    """Could a split rule apply: a glue word at either end, or a prefixed verb after a name."""
    if word.endswith(GLUE_WORDS) or (word.islower() and word.startswith(GLUE_WORDS)):
        return True
    if word.islower():
        return _content_pair(word) is not None
    return any(
        word[cut:].startswith(VERB_PREFIXES) and known(word[cut:])
        for cut in range(MIN_PART, len(word) - MIN_NAME_TAIL + 1)
    )


def _writes(own_words: Mapping[str, int], word: str) -> bool:
    """The article writes `word` on its own, maybe capitalised at a sentence's start."""
    return word in own_words or word.capitalize() in own_words


@cache
def _content_pair(word: str) -> int | None:
    """Where `kondisikeuangan` splits into two words of five letters or more, or None."""
    for cut in range(MIN_CONTENT, len(word) - MIN_CONTENT + 1):
        if known(word[:cut]) and known(word[cut:]):
            return cut
    return None


def _split_sentences(text: str, notes: list[str]) -> str:
    """`kata dia.Menurut` -> `kata dia. Menurut`; `(MBG).Investasi` -> `(MBG). Investasi`."""
    for match in reversed(list(_PUNCT_THEN_CAPITAL.finditer(text))):
        at = match.start()
        before, after = text[max(at - 2, 0) : at], text[at + 2 : at + 3]
        closed = before.endswith(")")
        if (closed or (len(before) == 2 and before.isalpha() and before.islower())) and (
            after.islower()
        ):
            notes.insert(0, f"space after {text[at]!r} before {text[at + 1 :][:12]!r}")
            text = f"{text[: at + 1]} {text[at + 1 :]}"
    return text


def _split_camel_case(text: str, own_words: Mapping[str, int], notes: list[str]) -> str:
    """`mengatakanPrabowo`, `KeuanganSri`, `BandungWarga`: a link's text glued to a word."""
    names, prefixes = _camelcase()

    def is_word(part: str) -> bool:
        return part in own_words or known(part.lower())

    def split_word(match: re.Match[str]) -> str:
        word, left, right = match[0], match[1], match[2]
        brand = _CLITIC.sub("", word)  # `TikToknya` is `TikTok` + `nya`
        if word in names or brand in names or word.startswith(prefixes) or right in DIVINE_CLITICS:
            return word
        if own_words.get(word, 0) > 1:
            return word
        # A lower-case word cannot go on with a capital: `mengatakanPrabowo` needs only
        # its left side to be a word; two capitalised parts both need to be.
        if not is_word(left) or (left[0].isupper() and not is_word(right)):
            return word
        notes.append(f"{word!r} -> '{left} {right}'")
        return f"{left} {right}"

    return _GLUED.sub(split_word, text)


def word_splits(text: str, own_words: Mapping[str, int]) -> dict[str, str]:
    """Long words of `text` that hide two, each with its split: `negarayang`, `yangmenjadi`
    (a function word glued on), `Santosomenyatakan` (a name, then a word).

    Only a long word that is not itself a word, and appears once, is tried. It is split
    only next to a function word that compounds never end or start with, the other side
    being a word (a capitalised side must be one of the article's own words). Two content
    words glued together (`kondisikeuangan`) are left: telling them from compounds and
    affixed forms (`kerjasama`, `memperoleh`) needs a full dictionary of word forms.
    """

    def split_word(word: str) -> str:
        if word[0].isupper():
            return _split_name(word, own_words)
        for glue in GLUE_WORDS:
            if word.endswith(glue) and len(word) - len(glue) >= MIN_PART + 1:
                left, right = word[: -len(glue)], glue
            elif word.startswith(glue) and word.islower():
                left, right = glue, word[len(glue) :]
            else:
                continue
            rest = left if right == glue else right
            unlisted_ok = glue in STRONG_GLUE and len(rest) >= MIN_UNLISTED and rest.islower()
            if unlisted_ok or (rest in own_words if rest[0].isupper() else known(rest)):
                return word if own_words.get(word, 0) > 1 else f"{left} {right}"
        # Two content words glued: only when the article also writes both on their own
        # (`kondisi ... keuangan ... kondisikeuangan`); compounds like `kerjasama` have a
        # short side and are never tried.
        cut = _content_pair(word) if word.islower() else None
        if cut and _writes(own_words, word[:cut]) and _writes(own_words, word[cut:]):
            return word if own_words.get(word, 0) > 1 else f"{word[:cut]} {word[cut:]}"
        return word

    splits = {}
    for word in glue_candidates(text):
        glued = _GLUED_TOKEN.search(word)
        repaired = _split_token(word, glued) if glued else split_word(word)
        if repaired != word:
            splits[word] = repaired
    return splits


def _split_token(token: str, glued: re.Match[str]) -> str:
    """`(PKP)Maruarar` -> `(PKP) Maruarar`, `Gratis(MBG)` -> `Gratis (MBG)`,
    `Ramadan1447` -> `Ramadan 1447`: a bracket or a year glued to a word."""
    at = glued.start(glued.lastgroup or 0)
    return f"{token[:at]} {token[at:]}"


def _split_name(word: str, own_words: Mapping[str, int]) -> str:
    """`Santosomenyatakan`: a name, then a lower-case word. The name must be one the
    article writes elsewhere, unless the word is a verb with its prefix (`menegaskan`,
    `berharap`): no name ends in a prefixed verb."""
    for cut in range(len(word) - MIN_NAME_TAIL, MIN_PART - 1, -1):
        left, right = word[:cut], word[cut:]
        verb = len(right) >= MIN_VERB and right.startswith(VERB_PREFIXES)
        if known(right) and (verb or left in own_words):
            return word if own_words.get(word, 0) > 1 else f"{left} {right}"
    return word


class OwnWords(Mapping[str, int]):
    """Each word of a text as written, with how often: the article's own vocabulary.

    Looked up word by word, on demand: only the few words that might be glued are ever
    asked about, so the text is never counted whole.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._counts: dict[str, int] = {}

    def get(self, word: str, default: int = 0) -> int:  # type: ignore[override]
        count = self._counts.get(word)
        if count is None:
            pattern = rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])"
            count = self._counts[word] = len(re.findall(pattern, self._text))
        return count or default

    def __getitem__(self, word: str) -> int:
        count = self.get(word)
        if not count:
            raise KeyError(word)
        return count

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) > 0

    def __iter__(self) -> Iterator[str]:
        return iter(Counter(_WORD_AS_WRITTEN.findall(self._text)))

    def __len__(self) -> int:
        return len(set(_WORD_AS_WRITTEN.findall(self._text)))


def count_words(text: str) -> OwnWords:
    return OwnWords(text)


# `... sebesar Rp 3,1 T.,Mengutip keterangan ...`: a crawler joined its paragraph list
# with commas. Otherwise a one-line article is split between sentences.
_LIST_JOIN = re.compile(r"(?<=[.!?\"”])\s*,(?=[\"“]?[A-Z])")
_SENTENCE_GAP = re.compile(r"(?<=[.!?])([\"”’]?)\s+(?=[\"“‘]?[A-Z])")
ONE_LINE_CHARS = 1200  # a longer paragraph is a whole article on one line
PARAGRAPH_CHARS = 350  # sentences are grouped until a paragraph is about this long


def split_one_line(text: str) -> tuple[list[str], str]:
    """A whole article on one line, as paragraphs, and how it was split: at a crawler's
    `.,` joins (the commas go) when it has them, else between sentences (a quotation
    starts a paragraph of its own)."""
    if len(text) < ONE_LINE_CHARS:
        return [text], ""
    parts = [p.strip() for p in _LIST_JOIN.split(text) if p.strip()]
    if len(parts) > 1:
        return parts, "at the commas a crawler joined its paragraphs with"
    sentences = _sentences(text)
    paragraphs: list[str] = []
    current = ""
    for sentence in sentences:
        quote = sentence[0] in '"“‘'
        if current and (quote or len(current) >= PARAGRAPH_CHARS):
            paragraphs.append(current)
            current = ""
        current = f"{current} {sentence}" if current else sentence
    if current:
        paragraphs.append(current)
    return paragraphs, "between sentences"


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _SENTENCE_GAP.finditer(text):
        out.append(text[start : match.end(1)])
        start = match.end()
    out.append(text[start:])
    return [s for s in out if s]
