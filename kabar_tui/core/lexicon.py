"""The word lists and word-splitting rules the core shares, over the bundled data files.

One place for what several modules used to keep as their own constants: function words
(`stopwords_id.txt`), the words that say who is speaking (`quotes/cues.tsv`: reporting
verbs, the speech words after a quotation, roles), and one tokenizer per documented
purpose. Each list is read once per process.

Word lists:
- `stopwords()`: Indonesian function words (`stopwords_id.txt`): how much a line reads
  like prose (cleaning), and what is no content word.
- `speech_cues()`, `reporting_verbs()`, `speech_stems()`: who is speaking
  (`quotes/cues.tsv`): quotes and speakers, entity rules.
- `link_stopwords()`: words that are never evidence that two paragraphs tell the same
  thing: the function words, the speech words and the honorifics `pak`, `bu`. Linking.

Tokenizers:
- `NAME_WORD`: words as names are written, letters first, inner hyphens and apostrophes
  (`Kim Jong-un`, `People's`); numbers and punctuation are not words. Entity rules
  (`name_words`: with offsets).
- `TAGGER_TOKEN`: every token the entity tagger labels: such words (and numbers with
  inner `.`/`,`), and each other non-space character on its own. Tagger and training
  (`tagger_tokens`: with offsets).
- `WORD`: runs of letters and digits, on folded text (`textfold`): search, linking,
  comparing quotes.
- `PROSE_WORD`: Latin letters with inner hyphens and apostrophes, no digits: measuring
  lines in cleaning (stopword density, capitals, verbs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from itertools import accumulate, chain, compress
from typing import Final, TypeVar

NAME_WORD = re.compile(r"[^\W\d_][\w'’]*(?:-[\w'’]+)*")
TAGGER_TOKEN = re.compile(r"[^\W_]+(?:[-'’.,][^\W_]+)*|\S")
WORD = re.compile(r"\w+")
PROSE_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:[-'][A-Za-z\u00c0-\u024f]+)*")
HONORIFICS = frozenset({"pak", "bu"})
# The same, captured, to split text into words and what lies between them (`offsets`);
# possessive, since no part of a word can match what follows it (the same words, about
# 6% faster on news text; tests/test_cheap_tokens.py checks them against the two above).
_NAME_WORD_SPLIT = re.compile(r"([^\W\d_][\w'’]*+(?:-[\w'’]++)*+)")
_TAGGER_TOKEN_SPLIT = re.compile(r"([^\W_]++(?:[-'’.,][^\W_]++)*+|\S)")
# The same on `plain_text`, whose letters and digits are ASCII (no mark there is a word
# character): ranges of ASCII are tested by comparison, `\w` by a Unicode look-up per
# character (a paragraph's split about 15% faster).
_PLAIN_TOKEN_SPLIT = re.compile(r"([A-Za-z0-9]++(?:[-'’.,][A-Za-z0-9]++)*+|\S)")

Offsets = tuple[list[str], list[int], list[int]]  # words, their starts, their ends
# Characters outside ASCII that are part of no word however a text is folded or split:
# curly quotes, dashes, the no-break space and the like, which news writes all the time
# (`plain_text`; tests/test_textfold.py checks each).
PLAIN_MARKS = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb\u2013\u2014\u2026\u00a0\u00a9"
_NOT_PLAIN = re.compile(f"[^\\x00-\\x7f{PLAIN_MARKS}]")
# In plain text without `_` and apostrophes, where `NAME_WORD` words may not be the
# `TAGGER_TOKEN` tokens that open with a letter: a letter right after a digit (`19an`,
# `19-an`), a token joined by `.` or `,` (`A.S`, `Rp2.000`). Written to open with its
# rarer characters, so the regex engine skips to them.
_SPLITS_DIFFER = re.compile(
    r"[.,0-9](?:(?<=[.,])(?<=[0-9A-Za-z].)[0-9A-Za-z]|(?<=[0-9])-?[A-Za-z])"
)
# The tagger's tokens of paragraphs `name_words` split, until `tagger_tokens` asks for them:
# recognition reads a batch's paragraphs with the rules, then with the tagger.
_KEPT_TOKENS: dict[str, Offsets] = {}
_KEPT_LIMIT = 2048
# Entries of each table by piece or word (`Table`: `_pieces`, `_agree`, the two first-
# character tests), each cleared when full: with 100,000 distinct pieces the four hold
# about 26 MB (tracemalloc).
PIECE_CACHE_LIMIT = 100_000
_K = TypeVar("_K")
_T = TypeVar("_T")


def _offsets(split: re.Pattern[str], text: str) -> Offsets:
    """Words, starts and ends as three lists, without a match object per word: the text
    split around the words, and the running sum of the pieces' lengths."""
    return _split_offsets(split.split(text))


def _split_offsets(parts: list[str]) -> Offsets:
    """`_offsets` of a text split into parts (words at the odd places, what lies between
    them at the even ones)."""
    ends = list(accumulate(map(len, parts)))  # ends[k]: where parts[k] ends
    last = len(parts) - 1
    return parts[1::2], ends[0:last:2], ends[1:last:2]


class Table(dict[_K, _T]):
    """key -> `make` of it, made on first sight and cleared when full (`limit` entries):
    news repeats its pieces, words and names (`kata`, `Jakarta,`), and a dictionary
    look-up costs less than the regex engine or the tests run again."""

    __slots__ = ("limit", "make")

    def __init__(self, make: Callable[[_K], _T], limit: int = PIECE_CACHE_LIMIT) -> None:
        super().__init__()
        self.make, self.limit = make, limit

    def __missing__(self, key: _K) -> _T:
        if len(self) >= self.limit:
            self.clear()
        made = self[key] = self.make(key)
        return made


def _piece_parts(piece: str) -> tuple[str, ...]:
    """A piece of text without whitespace -> its `TAGGER_TOKEN` split parts and the space
    after it (every character of such a piece is in a token: its tokens with empty gaps
    between them). No match of the tokenizers' patterns runs over a space, so a text
    split at its spaces and each piece split alone give the tokens of the whole text."""
    return (*_TAGGER_TOKEN_SPLIT.split(piece)[1:-1], " ")


_pieces: Table[str, tuple[str, ...]] = Table(_piece_parts)
# a piece -> `_splits_agree` of it (a text's `NAME_WORD` words are its letter-led tokens
# if those of each piece are)
_agree: Table[str, bool] = Table(lambda piece: _splits_agree(piece))

# Whether a (non-empty) word opens with a capital, with a letter: a look-up of the word
# costs less than taking its first character and testing it (the tokens of repeated
# pieces are the same objects, their hashes kept).
opens_capitalised = Table[str, bool](lambda word: word[0].isupper()).__getitem__
_opens_with_letter = Table[str, bool](lambda word: word[0].isalpha()).__getitem__


def _kept(text: str, offsets: Offsets) -> Offsets:
    """`offsets` of the text's tokens kept for `tagger_tokens`, which asks for them next."""
    if len(_KEPT_TOKENS) >= _KEPT_LIMIT:
        _KEPT_TOKENS.clear()
    _KEPT_TOKENS[text] = offsets
    return offsets


def plain_text(text: str) -> bool:
    """Whether `text` holds ASCII and `PLAIN_MARKS` only: a word's first character is then a
    letter of A-Z or a-z, and every folding lower-cases its words (`textfold`)."""
    return text.isascii() or not _NOT_PLAIN.search(text)


def _splits_agree(text: str) -> bool:
    """Whether the `NAME_WORD` words of the text are its `TAGGER_TOKEN` tokens that open
    with a letter: plain text without `_`, apostrophes or `_SPLITS_DIFFER`'s places."""
    return (
        plain_text(text)
        and "_" not in text
        and "'" not in text
        and "\u2019" not in text
        and not _SPLITS_DIFFER.search(text)
    )


def name_words(text: str) -> Offsets:
    """`NAME_WORD` words of the text, with their offsets: in most news text the tagger's
    tokens that open with a letter, so the text is split once for both (its tokens kept
    for `tagger_tokens`); tests/test_cheap_tokens.py checks both against the patterns."""
    if text and text.isprintable() and "  " not in text and text[0] != " " != text[-1]:
        # one space between words (`isprintable`: no other whitespace): the text is the
        # pieces between its spaces, each split once a process (`_pieces`)
        pieces = text.split(" ")
        parts = [""]
        parts += chain.from_iterable(map(_pieces.__getitem__, pieces))
        parts[-1] = ""  # no space after the last piece
        tokens, starts, ends = _kept(text, _split_offsets(parts))
        if not all(map(_agree.__getitem__, pieces)):
            return _offsets(_NAME_WORD_SPLIT, text)
    elif not _splits_agree(text):
        return _offsets(_NAME_WORD_SPLIT, text)
    else:
        tokens, starts, ends = _kept(text, _offsets(_PLAIN_TOKEN_SPLIT, text))
    letters = list(map(_opens_with_letter, tokens))
    return (
        list(compress(tokens, letters)),
        list(compress(starts, letters)),
        list(compress(ends, letters)),
    )


def tagger_tokens(text: str) -> Offsets:
    """`TAGGER_TOKEN` tokens of the text, with their offsets (kept by `name_words`, once)."""
    kept = _KEPT_TOKENS.pop(text, None)
    return _offsets(_TAGGER_TOKEN_SPLIT, text) if kept is None else kept


class Label(StrEnum):
    """Entity labels; the values are the strings stored and exported."""

    PER = "PER"
    LOC = "LOC"
    ORG = "ORG"


# The members as plain names, for code that compares labels per word or per mention: in
# Python 3.11 `Label.PER` is a look-up through the enum metaclass's `__getattr__` hook,
# which the interpreter does not specialise (about 0.35 us, ten times a module global;
# recognition plus quotes made some 860 of them an article).
PER: Final = Label.PER
LOC: Final = Label.LOC
ORG: Final = Label.ORG


class DataFileError(ValueError):
    """A data file line names a value the code does not know: raised as the file loads,
    so a typo in `labels.txt` is one clear message, not a line silently never matched."""


Value = TypeVar("Value", bound=StrEnum)


def numbered_data_lines(name: str, root: Traversable | None = None) -> list[tuple[int, str]]:
    """Non-comment, non-blank lines of a data file with their 1-based numbers: the bundled
    kabar_tui/data/NAME, or NAME under `root` (a folder of data files, as tests give)."""
    folder = files("kabar_tui.data") if root is None else root
    text = folder.joinpath(name).read_text(encoding="utf-8")
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]


def data_lines(name: str, root: Traversable | None = None) -> list[str]:
    """Non-comment, non-blank lines of a data file (kabar_tui/data/NAME)."""
    return [line for _, line in numbered_data_lines(name, root)]


def data_value(
    kind: type[Value], value: str, name: str, number: int, root: Traversable | None = None
) -> Value:
    """`value`, read on line `number` of data file `name`, as a member of `kind`; an
    unknown value raises DataFileError naming the file, the line and the allowed values."""
    try:
        return kind(value)
    except ValueError:
        what = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind.__name__).lower()
        where = f"kabar_tui/data/{name}" if root is None else str(root.joinpath(name))
        allowed = ", ".join(member.value for member in kind)
        raise DataFileError(
            f"{where}, line {number}: unknown {what} {value!r} (allowed: {allowed})"
        ) from None


@cache
def word_list(name: str) -> frozenset[str]:
    """The lower-case words of a one-word-a-line data file."""
    return frozenset(line.strip().lower() for line in data_lines(name))


def stopwords() -> frozenset[str]:
    """Indonesian function words."""
    return word_list("stopwords_id.txt")


@cache
def speech_cues() -> dict[str, frozenset[str]]:
    """The words that say who is speaking (`quotes/cues.tsv`), by kind: `speech`
    (reporting verbs after the speaker), `cue` (verb stems after a closing mark), `passive`,
    `pronoun`, `unnamed`, `role`, `namesake`."""
    kinds: dict[str, set[str]] = {}
    for line in data_lines("quotes/cues.tsv"):
        kind, word = line.split("\t")
        kinds.setdefault(kind, set()).add(word.strip().casefold())
    return {kind: frozenset(words) for kind, words in kinds.items()}


def reporting_verbs() -> frozenset[str]:
    """Verbs that report speech after the speaker: `mengatakan`, `menegaskan`."""
    return speech_cues()["speech"]


def speech_stems() -> frozenset[str]:
    """Speech words after a quotation, without `-nya`: `kata`, `ujar`, `tegas`."""
    return speech_cues()["cue"]


@cache
def link_stopwords() -> frozenset[str]:
    """Words that never show two paragraphs telling the same thing: function words, speech
    words with and without `-nya` (`kata`, `ujarnya`), reporting verbs, `pak`, `bu`."""
    stems = speech_stems()
    return stopwords() | stems | {f"{stem}nya" for stem in stems} | reporting_verbs() | HONORIFICS
