"""The recogniser seam: the rules and the trained tagger, merged into one answer.

The rules' mentions and the reasons they were found (`rules.recognise_with_bases`) are
features of the tagger, and where the rules decided from the curated lists their mention
stands (`CURATED`): the reader's conventions for titles, heads, clubs and known names
(docs/entities.md). Everywhere else the tagger decides. Headlines (Title Case lines) get
only names the rules already know.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain, compress, pairwise, repeat
from operator import attrgetter

from kabar_tui.core.language.entities.features import WordLists, rule_tags_at, word_lists
from kabar_tui.core.language.entities.gazetteer import (
    MAX_PHRASE_WORDS,
    gazetteer,
    gazetteer_entry,
    key_tuple,
    media_names,
    token_key,
)
from kabar_tui.core.language.entities.rules import (
    RuleResult,
    known_people,
    known_people_words,
    recognise_with_bases,
)
from kabar_tui.core.language.entities.tokens import is_middle_initial
from kabar_tui.core.lexicon import (
    LOC,
    ORG,
    PER,
    Label,
    Table,
    opens_capitalised,
    speech_stems,
    stopwords,
    tagger_tokens,
)
from kabar_tui.core.model import Article, Mention

SENTENCE_END = frozenset(".!?")
# Titles written short with a stop before a name (`Dr. Jamhari`, `RSUD Dr. Soetomo`): the
# stop ends no sentence, no name ends in one (`Fakultas Kedokteran | Dr. Teguh`) and no
# person's name starts with one and its stop (`Mr. | Soedibjo`), and one alone is no name
# (`KH.` opening a paragraph). Not `H` (Haji), also an initial. `KH` ends a name only with
# no name after it (`Hadratusy Syaikh KH`; `NAME_AFTER`: `Ketua PBNU | KH. Yahya`).
TITLE_ABBREVIATIONS = frozenset(
    {"Dr", "dr", "Drs", "Dra", "Prof", "Ir", "Hj", "KH", "Mr", "Mrs", "Ms", "Ny", "Tn"}
)
TITLE_ENDINGS = tuple(
    f" {title}{stop}" for title in TITLE_ABBREVIATIONS - {"KH"} for stop in ("", ".")
)
TITLE_STARTS = tuple(f"{title}. " for title in TITLE_ABBREVIATIONS)
NAME_AFTER = re.compile(r"\.? +[A-Z]")
# The word for a number (`Jalan Merdeka Barat No. 9`, `Peraturan Menteri No. 45`) before the
# number itself (or the end of the text): no part of a name
NUMBER_WORDS = ("No", "Nomor")
NUMBER_AFTER = re.compile(r"\.? ?(?:\d|$)")
# The last word of English clubs named after their town that is no organisation tail of the
# lists (`FC`, `United` are); words in a sentence that say it is about football and are no
# everyday words (not `klub`, `laga`, `gol`, `pelatih`, `kandang`: night clubs, action films,
# animal pens); words before a name that make it the place (`_club`).
CLUB_TAILS = tuple(
    f" {tail}" for tail in ("City", "Town", "County", "Rovers", "Wanderers", "Albion", "Athletic")
)
FOOTBALL = re.compile(
    r"\b(?:sepak ?bola|premier league|liga (?:primer )?(?:inggris|champions|europa)|bundesliga"
    r"|serie a|la liga|ligue 1|eredivisie|piala fa|mencetak (?:\w+ )?gol|striker|gelandang"
    r"|kiper)\b",
    re.IGNORECASE,
)
SENTENCE_BREAK = re.compile(r"[.!?][\"\u201d\u2019)]*\s+")
PLACE_WORDS = frozenset({"kawasan", "kota", "warga", "bandara", "wilayah", "penduduk"})
# Why the rules found a name (rules.recognise_with_bases) when their mention stands over
# the tagger's: a known name, a club, an organisation tail or head, a branch region, an
# acronym before a name, a name after a title, the name after a comma that closes a title
# chain (`Ketua KPUD Muna, Kubais`: not in `TAGGER_OVERRULES`, so it always stands), a
# name resolved from the rest of the article. A word read as a person only from what it
# does (`actor`: `Putin menelepon`) is the tagger's to decide (nerq: 5 such names on the
# dev sets, none right), unless it is a word of a well-known person's name.
CURATED = frozenset(
    {"known", "club", "tail", "head", "resolved", "region", "acronym", "titled", "holder"}
)

# When a curated rule mention gives way to a well-formed name the tagger reads over its
# words, by basis and by how the tagger reads them (`_reading`): the same words with
# another label ("relabel"), part of them with another label ("part"), a name of another
# label reaching beyond them ("other label"), or one of the same label over other words
# ("other extent"). Chosen on the dev sets (docs/entities.md, "Which curated decisions
# cost F1"): a name resolved from the rest of the article gives way to any name; so
# does an acronym before a name (`AC Milan`, `PDI Perjuangan`), unless the tagger's name
# runs up to a person after a title (`_gives_way`); a name after a title, to a
# relabelling or another label on part of it (`Dekan | Fakultas Hukum`, `Dirut | Unilever
# | Hemant Bakshi`); an organisation or place read from its last word (`... FC`), to the
# same label over other words. Known names, clubs, heads and branch regions stand.
ANY_NAME = frozenset({"relabel", "part", "other label", "other extent", "inside"})
TAGGER_OVERRULES: dict[str, frozenset[str]] = {
    "resolved": ANY_NAME,
    "acronym": ANY_NAME,
    "titled": frozenset({"relabel", "part"}),
    "tail": frozenset({"other extent", "inside"}),
}
# A known name, a name after a head word or after a title also gives way to a name the
# tagger is sure of: its probability (forward-backward, `CrfModel.decode_sure_spans`) at
# least the basis's threshold, over the same words with another label or reaching beyond
# them (a part of them with another label is not enough: `Pemerintah | Kabupaten Sleman`
# is the reader's convention), holding no lowercase word but those that join names, and
# taking in no other curated mention and no person (`_gives_way`). Tuned on the dev sets
# (docs/entities.md, "Where the tagger is sure").
WHOLE_OR_BEYOND = frozenset({"relabel", "other label", "other extent"})
SURE_OVERRULES: dict[str, tuple[float, frozenset[str]]] = {
    "known": (0.6, WHOLE_OR_BEYOND),
    "head": (0.5, WHOLE_OR_BEYOND),
    "titled": (0.7, WHOLE_OR_BEYOND),
}

# A name the rules read from capitals alone (basis `unknown`) stands where the tagger
# names none of its words but gives the rules' reading a probability of at least
# `UNKNOWN_STANDS` (`CrfModel.decode_weighed`: `Xi Jinping menerima ...` opening a
# sentence, 0.44), and over the tagger's name of another label over the same words
# where the tagger's probability of that is below `UNKNOWN_OVER_RELABEL` (`Putin
# menerima Kim Jong Un`: ORG at 0.29). Tuned on the dev sets (docs/entities.md,
# "nerconf"). A person of several words needs at least `UNKNOWN_PERSON_STANDS` (nerq:
# mostly titles of works, `Here I Am`, `Boss Films`; a well-known person's full name
# stands anyway, `rules.known_people`).
WEIGHED = "unknown"
UNKNOWN_STANDS = 0.3
UNKNOWN_PERSON_STANDS = 0.5
UNKNOWN_OVER_RELABEL = 0.3

# Marks a longer name may run over past a known name (`Soekarno-Hatta`, `PT Pertamina
# (Persero)`; `_carries`).
NAME_OPENERS = frozenset({"-", "("})

# The rule tags (`features.rule_tags_at`) of the words of those mentions.
SURE_TAGS = frozenset(
    f"{edge}-{label}/{basis}" for edge in "BI" for label in Label for basis in SURE_OVERRULES
)

# Lowercase words a name the tagger is sure of may hold (`_name_like`): the commonest
# inside the training sets' names.
NAME_JOINERS = frozenset(
    {"dan", "of", "and", "the", "for", "de", "des", "du", "von", "van", "der", "al", "bin", "binti"}
)

# The rule tags of the words of a rule mention only a sure name overrules, or of a name
# the rules read from capitals alone: a tagger's name over none of those is never one
# `_tag_articles`'s `asked` wants.
ASKABLE_TAGS = SURE_TAGS | frozenset(
    f"{edge}-{label}/{WEIGHED}" for edge in "BI" for label in Label
)

# The tagger's numbers of the labels (`tagger.Lattice.readings`), and the end of the rule
# tag of a word of a name the rules read from capitals alone.
KIND: dict[str, int] = {PER: 1, LOC: 2, ORG: 3}
WEIGHED_TAG = "/" + WEIGHED

# Words after which a place, not a person, is named (`_region_opens_person`); a
# capitalised word after a name (the run goes on).
PLACE_PREPOSITIONS = frozenset({"di", "ke", "dari", "menuju", "asal", "negara", "bagian"})
RUN_GOES_ON = re.compile(r"\s+[A-Z]")
NAME_PIECE = re.compile(r"\S+")
# How far back `_title_place_before` reads for a title and its place (its words, the
# first of which may be cut and is left out).
BEFORE_CHARS = 200

# A word of a name that opens with a lowercase particle joined to a capitalised word:
# Arabic family names (`Bashar al-Assad`, `Abdel Fattah el-Sisi`, `Selat Shat al-Arab`).
# It is no lowercase word (`_well_formed`, `_name_like`), and a name the rules cut before
# it gives way to the tagger's name that runs over it (`_runs_over_particles`).
PARTICLE_WORD = re.compile(r"(?:al|el|ad|ar|as|asy|at|az|an|ash|ath|ul|ud|bin|ibn)-[A-Z]")

# Words either side of a possible name that the tagger decodes (`_around_open_names`).
WINDOW = 4
# Entries of each table by word or text (`_opener`, `_CARRIES`, `_PLAIN_NAMES`), each
# cleared when full: full, they hold about 7.7, 5.2 and 3.8 MB (tracemalloc).
WORD_TABLE_LIMIT = 100_000


def recognise(paragraphs: Sequence[str]) -> list[Mention]:
    """Mentions in paragraphs of one article (paragraph = position in the list), in order."""
    return recognise_many([paragraphs])[0]


def recognise_many(articles: Sequence[Sequence[str]]) -> list[list[Mention]]:
    """`recognise` for each article (its paragraphs), the tagger's stretches of all of them
    decoded in one batched pass: fewer, larger numpy calls than one article at a time, and
    the same answer."""
    rules = [recognise_with_bases(paragraphs) for paragraphs in articles]
    tagged = _tag_articles(list(zip(articles, rules, strict=True)))
    return [
        _merge_article(paragraphs, found, names, weighed, ruled)
        for paragraphs, found, (names, weighed, ruled) in zip(articles, rules, tagged, strict=True)
    ]


def _merge_article(
    paragraphs: Sequence[str],
    rules: RuleResult,
    tagged: dict[int, list[tuple[Mention, float | None]]],
    weighed: Weighed,
    ruled: Ruled,
) -> list[Mention]:
    headlines = rules.headlines
    # a headline's mentions are the rules' (most articles have no headline paragraph)
    found = [m for m in rules.mentions if headlines[m.paragraph]] if any(headlines) else []
    for index in range(len(paragraphs)):
        if not headlines[index]:
            mentions, bases = ruled.get(index, _NONE_RULED)
            found.extend(
                _merge(tagged.get(index, []), mentions, bases, rules, paragraphs[index], weighed)
            )
    if rules.borrowed:
        found = _lenders_kept(found, rules)
    found.sort(key=attrgetter("paragraph", "start"))
    return found


def _lenders_kept(found: list[Mention], rules: RuleResult) -> list[Mention]:
    """Without the single words whose label the rules borrowed from another name of the
    article (`rules.RuleResult.borrowed`) where the merge kept no name of those words (of
    any label) and no person holding the word: `Kawasan` is no person because the rules
    first guessed that `Kawasan Penyangga` was one."""
    lenders: set[tuple[str, ...]] = set()
    for mention in found:
        if (mention.paragraph, mention.start, mention.end) not in rules.borrowed:
            words = key_tuple(mention.text)
            lenders.add(words)
            if mention.label == PER:
                lenders.update((word,) for word in words)
    return [
        m
        for m in found
        if (m.paragraph, m.start, m.end) not in rules.borrowed or key_tuple(m.text) in lenders
    ]


def tag(
    paragraphs: Sequence[str], rules: RuleResult, everywhere: bool = False
) -> dict[int, list[Mention]]:
    """The tagger's mentions by paragraph, outside headlines. Only the stretches of text
    whose labels `_merge` can use are decoded, unless `everywhere` (for measuring the
    tagger alone)."""
    return {
        index: [name for name, _ in found]
        for index, found in tag_surely(paragraphs, rules, everywhere).items()
    }


# The tagger's probability of the rules' reading of each rule mention of basis `WEIGHED`
# whose words it decoded and named none of, by (paragraph, start, end).
Weighed = dict[tuple[int, int, int], float]
# An article's rule mentions by paragraph, in order, and the basis of each: grouped once,
# by `_tag_articles`, for the tagger and the merge.
Ruled = dict[int, tuple[list[Mention], list[str]]]
_NONE_RULED: tuple[list[Mention], list[str]] = ([], [])


def tag_surely(
    paragraphs: Sequence[str], rules: RuleResult, everywhere: bool = False
) -> dict[int, list[tuple[Mention, float | None]]]:
    """`tag`, each name with the tagger's probability of it where it overlaps a rule
    mention only a sure name can overrule (`SURE_OVERRULES`; everywhere if
    `everywhere`), else None."""
    return _tag_articles([(paragraphs, rules)], everywhere)[0][0]


def _tag_articles(
    articles: Sequence[tuple[Sequence[str], RuleResult]], everywhere: bool = False
) -> list[tuple[dict[int, list[tuple[Mention, float | None]]], Weighed, Ruled]]:
    """`tag_surely` of each (paragraphs, rules) article, decoded in one pass, the
    tagger's weight of the rules' names it is asked to weigh (`Weighed`), and the rule
    mentions by paragraph with their bases (`Ruled`, for the merge)."""
    from kabar_tui.core.language.entities.tagger import model  # numpy and the model: on first use

    opener = _opener()
    # by article and paragraph: the rule mentions only a sure name overrules
    sure_ruled: list[dict[int, list[tuple[int, int, str]]]] = []
    batch: list[tuple[list[str], list[str]]] = []
    # article, paragraph, first word, and the paragraph's word starts and ends
    places: list[tuple[int, int, int, list[int], list[int]]] = []
    pieces: list[list[tuple[int, int]]] = []
    # by sentence (where there are any), the word ranges and kinds of the rule mentions
    # to weigh
    queries: dict[int, list[tuple[int, int, int]]] = {}
    grouped: list[Ruled] = []
    for number, (paragraphs, rules) in enumerate(articles):
        # by paragraph: (start, end, label, basis) of each rule mention, the mentions and
        # their bases
        ruled: dict[int, tuple[list[tuple[int, int, str, str]], list[Mention], list[str]]] = {}
        sure: dict[int, list[tuple[int, int, str]]] = {}
        sure_ruled.append(sure)
        bases = rules.bases
        for mention in rules.mentions:
            paragraph, start, end = mention.paragraph, mention.start, mention.end
            basis = bases[paragraph, start, end]
            entry = ruled.get(paragraph)
            if entry is None:
                entry = ruled[paragraph] = ([], [], [])
            entry[0].append((start, end, mention.label, basis))
            entry[1].append(mention)
            entry[2].append(basis)
            if basis in SURE_OVERRULES:
                sure.setdefault(paragraph, []).append((start, end, mention.label))
        grouped.append({paragraph: (entry[1], entry[2]) for paragraph, entry in ruled.items()})
        for index, text in enumerate(paragraphs):
            if rules.headlines[index]:
                continue
            words, starts, ends = tagger_tokens(text)
            mentions = ruled[index][0] if index in ruled else None
            tags = rule_tags_at(starts, ends, mentions) if mentions else ["O"] * len(words)
            # capitalised words (and outlets: `kepada detikcom`, `dikutip Antara`) that could
            # start a name the tagger would keep: neither ordinary words nor inside a curated
            # mention (its rule tag says why; see `_merge`)
            capitalised = list(compress(range(len(words)), map(opener.__getitem__, words)))
            opening = list(map(_OPENS.__getitem__, map(tags.__getitem__, capitalised)))
            open_names = (
                # no word inside a mention only a sure name overrules: the words that open
                list(compress(capitalised, opening))
                if None not in opening
                else [
                    i
                    for i, opens in zip(capitalised, opening, strict=True)
                    if opens
                    or (
                        opens is None
                        and (
                            (tags[i][0] == "B" and i and _CARRIES[words[i - 1], tags[i - 1]])
                            or (
                                i + 1 < len(words)
                                and tags[i + 1][0] != "I"
                                and _CARRIES[words[i + 1], tags[i + 1]]
                            )
                        )
                    )
                ]
            )
            if not open_names and not everywhere:
                continue
            # the capitals-only names, in order: each sentence takes those that start in it
            to_weigh = (
                _word_ranges([m for m in mentions if m[3] == WEIGHED], starts, ends)
                if mentions
                else []
            )
            taken = 0
            for first, last in _sentences(words, _stop_tokens(text, starts, ends)):
                around = (
                    [(0, last - first)]
                    if everywhere
                    else _around_open_names(open_names, first, last)
                )
                here = taken
                while here < len(to_weigh) and to_weigh[here][0] < last:
                    here += 1
                names, taken = to_weigh[taken:here], here
                if around:
                    batch.append((words[first:last], tags[first:last]))
                    places.append((number, index, first, starts, ends))
                    pieces.append(around)
                    if names:  # the tagger weighs those inside one decoded stretch
                        queries[len(batch) - 1] = [
                            (a - first, b - first, KIND[label]) for a, b, label in names
                        ]
    tagged: list[dict[int, list[tuple[Mention, float | None]]]] = [{} for _ in articles]
    weighed: list[Weighed] = [{} for _ in articles]
    if not batch:
        return list(zip(tagged, weighed, grouped, strict=True))

    def asked(sentence: int, first: int, end: int, label: str) -> bool:
        """Whether the name could overrule a rule mention only a sure name overrules: it
        reads the same words with another label, or reaches beyond them; or it covers
        the words of a name the rules read from capitals alone (`_likelier`)."""
        tags = batch[sentence][1][first:end]
        if (
            tags[0].endswith(WEIGHED_TAG)
            and not tags[0].startswith(f"B-{label}/")
            and any(q[:2] == (first, end) for q in queries.get(sentence, ()))
        ):
            return True  # it relabels a name the rules read from capitals alone
        if SURE_TAGS.isdisjoint(tags):
            return False  # most names: no word of one of those mentions
        number, index, offset, starts, ends = places[sentence]
        start, stop = starts[offset + first], ends[offset + end - 1]
        return any(
            s < stop
            and start < e
            and (start < s or e < stop or ((start, stop) == (s, e) and label != ruled_label))
            for s, e, ruled_label in sure_ruled[number].get(index, ())
        )

    # only a name over a word of such a mention can be one `asked` wants
    askable = bytes(map(ASKABLE_TAGS.__contains__, chain.from_iterable(tags for _, tags in batch)))
    decoded, answers = model().decode_weighed(
        batch, pieces, None if everywhere else asked, queries, askable
    )
    for (sentence, first, last, _), reading in answers.items():
        number, index, offset, starts, ends = places[sentence]
        weighed[number][index, starts[offset + first], ends[offset + last - 1]] = reading
    for (number, index, offset, starts, ends), found in zip(places, decoded, strict=True):
        text = articles[number][0][index]
        for first, last, label, probability in found:
            start, end = starts[offset + first], ends[offset + last - 1]
            name = Mention(text[start:end], label, index, start, end)
            tagged[number].setdefault(index, []).append((name, probability))
    return list(zip(tagged, weighed, grouped, strict=True))


class _Opens(dict[str, bool | None]):
    """Rule tag -> whether a capitalised word of it could start a name the tagger would
    keep (`_tag_articles`): yes outside rule mentions and inside those the tagger may
    overrule or that are not curated, no inside other curated ones, and None inside one
    only a sure name overrules (the words at its edges then decide). Made once a tag."""

    def __missing__(self, tag: str) -> bool | None:
        basis = tag.partition("/")[2]
        opens = (
            tag == "O"
            or basis not in CURATED
            or basis in TAGGER_OVERRULES
            or (None if basis in SURE_OVERRULES else False)
        )
        self[tag] = opens
        return opens


_OPENS = _Opens()


def _word_ranges(
    mentions: Sequence[tuple[int, int, str, str]], starts: list[int], ends: list[int]
) -> list[tuple[int, int, str]]:
    """The tagger's word range [first, end) and label of each (start, end, label, basis)
    rule mention whose edges are word edges of the tagger's tokens."""
    found = []
    for start, end, label, _ in mentions:
        first, last = bisect_left(starts, start), bisect_left(ends, end)
        if (
            first < len(starts)
            and last < len(ends)
            and starts[first] == start
            and ends[last] == end
        ):
            found.append((first, last + 1, label))
    return found


def find_entities(article: Article) -> list[Mention]:
    """Mentions of the article's body, paragraph = Paragraph.index."""
    return find_entities_many([article])[0]


def find_entities_many(articles: Sequence[Article]) -> list[list[Mention]]:
    """`find_entities` of each article, recognised together (`recognise_many`): what the
    indexing workers call, a few articles at a time."""
    found = recognise_many([[p.text for p in article.paragraphs] for article in articles])
    for article, mentions in zip(articles, found, strict=True):
        for mention in mentions:
            mention.paragraph = article.paragraphs[mention.paragraph].index
    return found


def title_and_caption_entities(article: Article) -> tuple[list[Mention], list[list[Mention]]]:
    """Mentions in the title and in each caption (offsets into their text, paragraph 0),
    for highlighting them. Read with the body as one article, so a name the body
    establishes is found in a Title Case headline too. Computed when asked (the reader
    asks when it shows an article), so the cache stores nothing more."""
    body = len(article.paragraphs)
    mentions = recognise(
        [p.text for p in article.paragraphs]
        + [article.title]
        + [caption.text for caption in article.captions]
    )
    title: list[Mention] = []
    captions: list[list[Mention]] = [[] for _ in article.captions]
    for mention in mentions:
        if mention.paragraph < body:
            continue
        where = title if mention.paragraph == body else captions[mention.paragraph - body - 1]
        mention.paragraph = 0
        where.append(mention)
    return title, captions


def _basis(rules: RuleResult, mention: Mention) -> str:
    return rules.bases[mention.paragraph, mention.start, mention.end]


def _stop_tokens(text: str, starts: list[int], ends: list[int]) -> list[int]:
    """Which of the text's tagger tokens (their starts and ends) are a stop of
    `SENTENCE_END`, in order: each stop found by `str.find` and its token by bisection (a
    paragraph has a few; a test of every token was a pass over all of them). Every
    character but a space is in a token, so a stop is a token of its own where that token
    is one character long."""
    stops: list[int] = []
    for mark in SENTENCE_END:
        at = text.find(mark)
        while at != -1:
            index = bisect_right(starts, at) - 1
            if ends[index] - starts[index] == 1:
                stops.append(index)
            at = text.find(mark, at + 1)
    stops.sort()
    return stops


def _sentences(words: list[str], stops: Iterable[int] | None = None) -> list[tuple[int, int]]:
    """[first, last) token ranges of sentences: a stop followed by a word not in lowercase,
    unless it closes a name's middle initial (`Susilo B. Yudhoyono`) or a title written
    short (`Dr. Jamhari`). `stops`: which words are stops, if known (`_stop_tokens`)."""
    ranges: list[tuple[int, int]] = []
    first = 0
    count = len(words)
    if stops is None:
        stops = compress(range(count), map(SENTENCE_END.__contains__, words))
    for index in stops:
        if index + 1 == count or (
            not words[index + 1][:1].islower()
            and not (
                index >= 1
                and words[index] == "."
                and (
                    words[index - 1] in TITLE_ABBREVIATIONS
                    or (
                        index >= 2
                        and is_middle_initial(words[index - 2], words[index - 1], words[index + 1])
                    )
                )
            )
        ):
            ranges.append((first, index + 1))
            first = index + 1
    if first < count:
        ranges.append((first, count))
    return ranges


def _carries(word: str, tag: str) -> bool:
    """Whether a word next to a known name, a head's name or a titled person could carry
    a name the tagger is sure of past its edge (`Washington | DC`, `Gedung Nusantara |
    II`, `PT Pertamina | (Persero)`, `Selat Shatt | al-Arab`): not in lowercase
    (capitalised, a number, `-`, `(`, a particle's family name), and in no curated
    mention and no person (`_takes_in_another`). Only a mention with one of these next to
    it can be overruled by a sure name (`SURE_OVERRULES`), so only then are its words
    decoded. Asked only at the edges of those mentions."""
    return (
        word[0].isupper()
        or word[0].isdigit()
        or word in NAME_OPENERS
        or ("-" in word and PARTICLE_WORD.match(word) is not None)
    ) and (tag == "O" or (tag[2:5] != "PER" and tag.partition("/")[2] not in CURATED))


def _opener() -> Table[str, bool]:
    """Token -> whether it could open a name the tagger would keep (`_tag_articles`): a
    capitalised word or an outlet's name, and no ordinary word of the gazetteer
    (casefolded) unless an outlet's name. A table (a look-up costs less than the tests,
    and one pass over a paragraph's tokens serves them all) for the gazetteer in use, made
    again if another is."""
    ordinary, media = gazetteer().not_entities, media_names()
    if not _OPENER or _OPENER[0][0] is not ordinary or _OPENER[0][1] is not media:
        _OPENER[:] = [
            (
                ordinary,
                media,
                Table(
                    lambda word: (
                        word in media
                        or (opens_capitalised(word) and word.casefold() not in ordinary)
                    ),
                    WORD_TABLE_LIMIT,
                ),
            )
        ]
    return _OPENER[0][2]


_OPENER: list[tuple[frozenset[str], frozenset[str], Table[str, bool]]] = []
# (word, rule tag) -> `_carries` of them: asked at the edges of many mentions (a look-up
# costs less than the call).
_CARRIES: Table[tuple[str, str], bool] = Table(lambda key: _carries(*key), WORD_TABLE_LIMIT)


def _around_open_names(open_names: list[int], first: int, last: int) -> list[tuple[int, int]]:
    """The stretches of the sentence [first, last) the tagger must read, relative to its
    start: `WINDOW` words either side of each word of `open_names` (paragraph positions,
    ascending) in it. Most sentences of news have none, and the rest few."""
    stretches: list[tuple[int, int]] = []
    for index in open_names[bisect_left(open_names, first) : bisect_left(open_names, last)]:
        start, end = max(0, index - first - WINDOW), min(last - first, index - first + WINDOW + 1)
        if stretches and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((start, end))
    return stretches


def _merge(
    surely: list[tuple[Mention, float | None]],
    ruled: list[Mention],
    bases: list[str],
    rules: RuleResult,
    text: str,
    weighed: Weighed,
) -> list[Mention]:
    """One paragraph's mentions: the rules' curated ones; the tagger's elsewhere, if they
    neither start nor end in a lowercase word and hold a word that is not an ordinary one;
    and where the tagger found a name that a curated mention cuts into, the rules' reading
    of those words (`Kementerian Agama | Lalu Ahmad Zaenuri`; not where the tagger's name
    only starts or ends in a lowercase word: `jalan Dewi Sartika` is no person); a name
    the rules took from its context (`di`, `kata`) where the tagger found nothing, if it
    is one word or the tagger read a name over it (`desa Petuaran Hulu`): several
    capitalised words after `di` that the tagger reads as no name are mostly a title (`di
    Hot Country Songs chart`), not a place."""
    surely = [_likelier(name, probability, ruled, rules) for name, probability in surely]
    widenable = _widenable(ruled, rules, text) if surely else []
    tagged = [_without_verb_at_end(_widened(name, widenable, text)) for name, _ in surely]
    joined: list[Mention] = []
    if len(tagged) > 1:
        read = tagged
        tagged = _region_opens_person(tagged, text)
        if len(tagged) < len(read):
            joined = [name for name in tagged if name not in read]
    if tagged:
        tagged = _title_place_then_person(tagged, ruled, text)
    # a mention only a sure name overrules needs a name whose probability was asked for
    sure = any(probability is not None for _, probability in surely)
    kept = [
        m
        for m, basis in zip(ruled, bases, strict=True)
        if (
            basis in CURATED
            and not (
                (basis in TAGGER_OVERRULES or (sure and basis in SURE_OVERRULES))
                and _gives_way(m, surely, ruled, rules, text)
            )
        )
        or (basis == WEIGHED and _known_person(m, basis))  # no curated basis
    ]
    cut: list[Mention] = []
    if tagged:  # most paragraphs: the tagger has nothing to add
        for name in tagged:
            if name.label == ORG and _ends_in_a_known_name(name, ruled, rules, text):
                kept = [k for k in kept if not _overlap(name, k)]
        for name in joined:  # `Menurut Tennessee Williams`: not the rules' place + person
            kept = [k for k in kept if not (name.start <= k.start and k.end <= name.end)]
        # kept is in text order: a tagged name meets one of those starting before its end
        # if the furthest end among them is past its start
        starts = [k.start for k in kept]
        furthest = list(accumulate((k.end for k in kept), max))
        accepted: list[Mention] = []
        for name in tagged:
            before = bisect_left(starts, name.end)
            if before and furthest[before - 1] > name.start:
                cut.append(name)
            elif _well_formed(name) or _cited_outlet(name):
                accepted.append(name)
        kept += accepted
        if cut:
            kept = _cut_names_whole(kept, cut, ruled, bases, text)
    for mention, basis in zip(ruled, bases, strict=True):
        if (
            (
                basis == "context"
                and (" " not in mention.text or any(_overlap(mention, t) for t in tagged))
            )
            or (
                basis == "actor"
                and _known_person_word(mention)
                and not any(_overlap(mention, t) for t in tagged)
            )
            or (
                basis == "unknown"
                and (
                    (
                        cut
                        and any(
                            _overlap(mention, t) and _stands_in_cut(mention, t, text) for t in cut
                        )
                    )
                    or _abbreviation_after(mention, kept, text)
                    or (
                        _weight(mention, weighed) >= _stands_at(mention)
                        and not any(_overlap(mention, t) for t in tagged)
                    )
                )
            )
        ) and not any(_overlap(mention, k) for k in kept):
            kept.append(mention)
    if all(map(_PLAIN_NAMES.__getitem__, map(_TEXT, kept))):
        return kept  # most paragraphs: no title, `KH`, number word or club's tail to take off
    return _merge_end(kept, text)


def _merge_end(kept: list[Mention], text: str) -> list[Mention]:
    """The names kept with titles alone dropped, `KH`, titles and the word for a number
    taken off, clubs read: what `_merge` does last where a name is not `_plain_name`."""
    kept = [
        _without_kiai(m)
        if m.text.endswith(" KH") and NAME_AFTER.match(text, m.end)
        else _without_title(m)
        if m.text.endswith(TITLE_ENDINGS) or (m.label == PER and m.text.startswith(TITLE_STARTS))
        else m
        for m in kept
        if m.text.rstrip(".") not in TITLE_ABBREVIATIONS  # a title alone is no name (`KH.`)
    ]
    if "No" in text:
        kept = [
            m
            for m in map(_without_number_word, kept, repeat(text))
            if not (m.text in NUMBER_WORDS and NUMBER_AFTER.match(text, m.end))
        ]
    return [_club(m, text) if m.label == LOC and m.text.endswith(CLUB_TAILS) else m for m in kept]


def _plain_name(text: str) -> bool:
    """Whether the end of `_merge` leaves a mention of this text as it is: no title alone,
    no title or `KH` at its end, no title and stop at its start, no club's tail, no word
    for a number at its end or alone."""
    return not (
        text.rstrip(".") in TITLE_ABBREVIATIONS
        or text.endswith((" KH", *TITLE_ENDINGS, *CLUB_TAILS))
        or text.startswith(TITLE_STARTS)
        or text.rpartition(" ")[2] in NUMBER_WORDS
    )


# Mention text -> `_plain_name` of it (an article names the same people again and again;
# a look-up costs less than the tests).
_PLAIN_NAMES: Table[str, bool] = Table(_plain_name, WORD_TABLE_LIMIT)
_TEXT = attrgetter("text")


def _club(place: Mention, text: str) -> Mention:
    """A town's name with a club's tail (`Leicester City`, `Ipswich Town`) in a sentence
    about football is the club, an organisation (the reader's convention); never a city the
    place lists know (`Mexico City`, `New York City`), one after a place preposition or a
    place word (`di`, `kawasan`, `warga`), or a mention opening with `Kawasan` or `Kota`."""
    before = text[max(0, place.start - BEFORE_CHARS) : place.start].split()
    head = place.text.rpartition(" ")[0]
    if (
        " " not in place.text
        or (before and before[-1].casefold() in PLACE_PREPOSITIONS | PLACE_WORDS)
        or place.text.split()[0].casefold() in PLACE_WORDS
        or gazetteer_entry(place.text) is not None
        or gazetteer_entry(head) is not None
    ):
        return place
    starts = [0, *(m.end() for m in SENTENCE_BREAK.finditer(text, 0, place.start))]
    end = SENTENCE_BREAK.search(text, place.end)
    if FOOTBALL.search(text, starts[-1], end.start() if end else len(text)) is None:
        return place
    return Mention(place.text, ORG, place.paragraph, place.start, place.end)


def _without_title(name: Mention) -> Mention:
    """A name without a short title it runs into, which belongs to the person after it
    (`Dekan Fakultas Kedokteran | Dr. Teguh`: a head's name runs to the end of the
    capitalised words), or a person's without the title and stop before it (`Mr. |
    Soedibjo`; the tagger reads them in since the stop no longer ends its sentence)."""
    if name.text.endswith(TITLE_ENDINGS):
        rest = name.text.rpartition(" ")[0].rstrip()
        if " " not in rest:  # a head and a title: named after a person (`RSUD Dr. Soetomo`)
            return name
        return Mention(rest, name.label, name.paragraph, name.start, name.start + len(rest))
    title, _, rest = name.text.partition(" ")
    start = name.start + len(title) + 1
    return Mention(rest, name.label, name.paragraph, start, start + len(rest))


def _without_number_word(name: Mention, text: str) -> Mention:
    """A name without the word for the number after it: the street is `Jalan Merdeka
    Barat`, not `Jalan Merdeka Barat No` (the rules' head name runs to the end of the
    capitalised words)."""
    rest, _, last = name.text.rpartition(" ")
    if last not in NUMBER_WORDS or not rest or not NUMBER_AFTER.match(text, name.end):
        return name
    return Mention(rest, name.label, name.paragraph, name.start, name.start + len(rest))


def _without_kiai(name: Mention) -> Mention:
    """A name without `KH` when a name follows it: the title is that person's (`Ketua PBNU |
    KH. Yahya`); a body's acronym left over is no person. `KH` with no name after it ends a
    name (`Hadratusy Syaikh KH`)."""
    rest = name.text[:-3].rstrip()
    label = ORG if name.label == PER and rest.isupper() and " " not in rest else name.label
    return Mention(rest, label, name.paragraph, name.start, name.start + len(rest))


def _known_person_word(mention: Mention) -> bool:
    """A word of a well-known person's name (`rules.known_people`): `Putin menelepon`."""
    return key_tuple(mention.text)[0] in known_people_words()


def _known_person(mention: Mention, basis: str) -> bool:
    """A well-known person's full name the rules read from capitals alone
    (`rules.known_people`) stands whatever the words before it: the tagger reads `Kim
    Jong Un` after `di bawah` or `menyambut` as an organisation."""
    return basis == WEIGHED and mention.label == PER and key_tuple(mention.text) in known_people()


def _stands_at(mention: Mention) -> float:
    """How sure the tagger must be of the rules' capitals-only name where it names none of
    its words: a person of several words needs more (`UNKNOWN_PERSON_STANDS`)."""
    if mention.label == PER and " " in mention.text:
        return UNKNOWN_PERSON_STANDS
    return UNKNOWN_STANDS


def _weight(mention: Mention, weighed: Weighed) -> float:
    """The tagger's probability of the rules' reading of the mention (0 where it was not
    weighed)."""
    return weighed.get((mention.paragraph, mention.start, mention.end), 0.0)


def _likelier(
    name: Mention, probability: float | None, ruled: list[Mention], rules: RuleResult
) -> tuple[Mention, float | None]:
    """The tagger's name, or the rules' capitals-only name over the same words with
    another label where the tagger is unsure of its own (`UNKNOWN_OVER_RELABEL`: `Putin
    menerima Kim Jong Un`, an organisation at 0.29, the person at 0.26)."""
    if probability is None:
        return name, probability
    for mention in ruled:
        if (
            (mention.start, mention.end) == (name.start, name.end)
            and mention.label != name.label
            and _basis(rules, mention) == WEIGHED
            and probability < UNKNOWN_OVER_RELABEL
        ):
            return mention, None
    return name, probability


def _abbreviation_after(mention: Mention, kept: list[Mention], text: str) -> bool:
    """The rules' one word in capitals, in brackets right after a name of its label:
    `Lembaga Penjamin Simpanan (LPS)`, an abbreviation that is its own mention of the
    same entity (the reader's convention)."""
    if not mention.text.isupper() or " " in mention.text:
        return False  # most mentions
    before = text[: mention.start].rstrip()
    return (
        before.endswith("(")
        and text[mention.end : mention.end + 1] == ")"
        and any(
            k.label == mention.label and not text[k.end : len(before) - 1].strip() for k in kept
        )
    )


def _without_verb_at_end(name: Mention) -> Mention:
    """A person's name without a last word that is a verb the training text writes in
    lowercase (`me-`: `Yoon Eun-Hye | Mendapat peran utama`): a stray capital, not a
    name's word."""
    rest, _, last = name.text.rpartition(" ")
    if name.label != PER or not last.startswith("Me") or not rest:
        return name  # most names
    if last.casefold() not in word_lists().lowercase:
        return name
    rest = rest.rstrip()
    return Mention(rest, name.label, name.paragraph, name.start, name.start + len(rest))


def _region_opens_person(tagged: list[Mention], text: str) -> list[Mention]:
    """A region of another country that the tagger reads right before a one-word person
    ending the capitalised run, the run opening after a lowercase word that is no place
    preposition, is the person's first name (`karya Tennessee Williams`): a title's
    region comes after the title (`Gubernur Ohio Mike DeWine`, the rules' reading), a
    place after `di`, `ke`, `dari`."""
    joined: list[Mention] = []
    skip = False
    for region, person in pairwise(tagged):
        if skip:
            skip = False
            continue
        if (
            region.label == LOC
            and person.label == PER
            and text[region.end : person.start] == " "
            and " " not in person.text
            and key_tuple(region.text) in gazetteer().world_regions
            and not RUN_GOES_ON.match(text, person.end)
            and _opens_run_outside_place(text, region.start)
        ):
            joined.append(
                Mention(
                    text[region.start : person.end],
                    PER,
                    person.paragraph,
                    region.start,
                    person.end,
                )
            )
            skip = True
        else:
            joined.append(region)
    if not skip:
        joined.append(tagged[-1])
    return joined


def _title_place_then_person(
    tagged: list[Mention], ruled: list[Mention], text: str
) -> list[Mention]:
    """The title's place and the person holding it, by the reader's convention (`Gubernur
    Ohio Mike DeWine`), where the news writes the title in lowercase and the rules leave
    a region of another country after it to the tagger: a name the tagger reads right
    after a title that is such a region followed by one to three capitalised words no list
    knows (`wali kota Florida Ginther` as one place, `gubernur Florida Ron DeSantis` as
    one person) is split, unless the tagger reads it as an organisation (`direktur Texas
    Instruments` is a firm named after the region); such a region between a title and
    the tagger's person that no name covers (`gubernur Oregon | Tina Kotek`) is added."""
    split: list[Mention] = []
    opening = gazetteer().names.lengths
    for name in tagged:
        first, space, _ = name.text.partition(" ")
        if (
            space
            and name.label != ORG
            and token_key(first) in opening
            and key_tuple(name.text) not in known_people()
        ):
            words = [(m.start(), m.end()) for m in NAME_PIECE.finditer(text, name.start, name.end)]
            place = _region_then_unlisted(words, text)
            if place and _ends_with_title(_words_before(text, name.start)):
                split.append(
                    Mention(text[name.start : place], LOC, name.paragraph, name.start, place)
                )
                start = words[next(i for i, w in enumerate(words) if w[0] > place)][0]
                split.append(Mention(text[start : name.end], PER, name.paragraph, start, name.end))
                continue
        if name.label == PER and _capitalised_word_before(text, name.start):
            title_place = _title_place_before(name, text)
            if title_place and not any(_overlap(title_place, m) for m in chain(ruled, tagged)):
                split.append(title_place)
        split.append(name)
    return split


def _capitalised_word_before(text: str, start: int) -> bool:
    """A capitalised word and one space right before `start` (most names have none)."""
    if start < 2 or text[start - 1] != " " or not text[start - 2].isalpha():
        return False
    return text[text.rfind(" ", 0, start - 1) + 1].isupper()


def _words_before(text: str, start: int) -> list[str]:
    """The last words before `start`, enough for a title and a place (a word the window
    cuts is left out)."""
    words = text[max(0, start - BEFORE_CHARS) : start].split()
    if start > BEFORE_CHARS:
        words = words[1:]
    return words[-(MAX_PHRASE_WORDS + 3) :]


def _title_place_before(name: Mention, text: str) -> Mention | None:
    """The region of another country (one to three capitalised words) right before the
    name, after a title, if any."""
    before = _words_before(text, name.start)
    regions = gazetteer().world_regions
    for length in (3, 2, 1):
        if len(before) <= length or not all(
            w[:1].isupper() and w.isalpha() for w in before[-length:]
        ):
            continue
        place = " ".join(before[-length:])
        start = name.start - 1 - len(place)
        if (
            text[start : name.start - 1] == place
            and key_tuple(place) in regions
            and _ends_with_title(before[:-length])
        ):
            return Mention(place, LOC, name.paragraph, start, start + len(place))
    return None


def _region_then_unlisted(words: list[tuple[int, int]], text: str) -> int | None:
    """The end of the longest region of another country (`gaz.world_regions`) opening
    these words (offsets into `text`), if one to three words follow it, each capitalised
    and in no list (`word_lists`). Only those regions: the rules leave them to the tagger
    when they open a run (nerqfix), and a known Indonesian place opens companies' names
    (`direktur Jakarta Propertindo`)."""
    names = gazetteer().names
    first = token_key(text[words[0][0] : words[0][1]])
    for length in names.lengths.get(first, ()):  # longest first
        if length >= len(words):
            continue
        if len(words) - length > 3:
            return None
        if key_tuple(text[words[0][0] : words[length - 1][1]]) not in gazetteer().world_regions:
            continue
        lists = word_lists()
        rest = [text[a:b] for a, b in words[length:]]
        if all(w[:1].isupper() and not w.isupper() and _unlisted(w, lists) for w in rest):
            return words[length - 1][1]
        return None
    return None


def _unlisted(word: str, lists: WordLists) -> bool:
    """No curated list, cue or word statistic knows the word: a name of its own."""
    key = token_key(word)
    return not (
        key in lists.single_names
        or key in lists.name_parts
        or key in lists.cues
        or key in lists.not_entities
        or key in lists.lowercase
    )


def _opens_run_outside_place(text: str, start: int) -> bool:
    """The word before `start` is an ordinary word (lowercase, or `Menurut`) that does not
    name a place after it, or there is none (the paragraph's first word). A title, written
    lowercase mid-sentence as the news does (`senator Ohio Vance`, `wali kota`), is no
    ordinary word: its region comes after it."""
    before = text[:start].split()
    if not before:
        return True
    word = before[-1]
    return (
        word.isalpha()
        and (word.islower() or word.casefold() in gazetteer().not_entities)
        and word.casefold() not in PLACE_PREPOSITIONS
        and not _ends_with_title(before)
    )


def _ends_with_title(words: list[str]) -> bool:
    """The last of `words` end a title or role the rules know (casefolded: `senator`,
    `wali kota`), not a speech word or function word among their cues (`kata`, `menurut`),
    which opens a name but names no one's office."""
    titles = gazetteer().person_cues
    keys = key_tuple(" ".join(words[-MAX_PHRASE_WORDS:]))
    return any(
        keys[-length:] in titles
        and not (length == 1 and (keys[-1] in stopwords() or keys[-1] in speech_stems()))
        for length in range(1, len(keys) + 1)
    )


def _widenable(ruled: list[Mention], rules: RuleResult, text: str) -> list[Mention]:
    """The persons the rules read from capitals alone right after an organisation they
    found, in order: what `_widened` may take instead of a tagger's person (found once a
    paragraph, not once a tagged name)."""
    bases = rules.bases
    return [
        mention
        for before, mention in pairwise(ruled)
        if mention.label == PER
        and bases[mention.paragraph, mention.start, mention.end] == "unknown"
        and before.label == ORG
        and text[before.end : mention.start].isspace()
        and text[mention.start : mention.start + 1].isupper()
    ]


def _widened(name: Mention, widenable: list[Mention], text: str) -> Mention:
    """The tagger's person, or the person the rules read one word before it, right after
    an organisation they found (`Kementerian Agama | Lalu Ahmad Zaenuri`: an ordinary
    word opening a name after a title or an organisation is the name's, by the rules'
    convention; `widenable` holds the rules' candidates)."""
    if name.label != PER:
        return name
    for mention in widenable:
        if (
            mention.end == name.end
            and mention.start < name.start
            and text[mention.start : name.start].count(" ") == 1
        ):
            return mention
    return name


def _gives_way(
    mention: Mention,
    surely: list[tuple[Mention, float | None]],
    ruled: list[Mention],
    rules: RuleResult,
    text: str,
) -> bool:
    """A curated rule mention gives way to the tagger's reading (`TAGGER_OVERRULES`), or
    to any name the tagger is sure of (`SURE_OVERRULES`), but not to a name that runs up
    to a person the rules found after a title: the words between belong to the title
    (`Wakil Ketua PBNU Bidang Keagamaan | Ahmad ...`), nor to one that takes that person
    in (`Kepala Seksi Pendataan BPKD Kudus Lina Marlina` is no place)."""
    start, end = mention.start, mention.end
    over = [(n, p) for n, p in surely if n.start < end and start < n.end and _well_formed(n)]
    if not over:  # most mentions
        return False
    basis = _basis(rules, mention)
    how = TAGGER_OVERRULES.get(basis, frozenset())
    sure, how_surely = SURE_OVERRULES.get(basis, (2.0, frozenset()))
    people = [m for m in ruled if _basis(rules, m) == "titled" and m is not mention]
    titled = {m.start for m in people}
    return any(
        (
            (reading := _reading(name, mention)) in how
            or _runs_over_particles(name, mention, text)
            or (
                probability is not None
                and probability >= sure
                and reading in how_surely
                and _name_like(name)
                and not _takes_in_another(name, mention, ruled, rules)
            )
        )
        and not any(text[name.end : s].isspace() for s in titled if s > name.end)
        and not any(_overlap(name, person) for person in people)
        and not (basis == "titled" and _place_takes_the_name(name, mention))
        for name, probability in over
    )


def _runs_over_particles(name: Mention, mention: Mention, text: str) -> bool:
    """The tagger's name is the rules' mention, same label, run on over a family name
    opened by a particle that the rules' capitalised run stops at (`Presiden | Omar`
    `al-Beshir`, `Selat Shat` `al-Arab`)."""
    if name.label != mention.label or name.start != mention.start or name.end <= mention.end:
        return False
    words = text[mention.end : name.end].split()
    return any(PARTICLE_WORD.match(w) for w in words) and all(
        PARTICLE_WORD.match(w) or w[:1].isupper() for w in words
    )


def _place_takes_the_name(name: Mention, person: Mention) -> bool:
    """The tagger's place is a known place and one unknown word that end a person read
    after a title (`Ketua Kelompok ... | Cilacap Jumawan`): a title's place comes before
    the person's name (`Presiden Rusia Vladimir Putin`), so that word is the name."""
    place, _, last = name.text.partition(" ")
    if name.label != LOC or name.end != person.end or not last or " " in last:
        return False
    names = gazetteer().names
    return (
        name.start > person.start
        and names.get(key_tuple(place), ("",))[0] == LOC
        and key_tuple(last) not in names
    )


def _takes_in_another(
    name: Mention, mention: Mention, ruled: list[Mention], rules: RuleResult
) -> bool:
    """The tagger's name reaches into a rule mention other than `mention` that is curated
    or a person: sure as it is, it then joins two names (it runs `Ikatan Dokter
    Indonesia` into the person after it, `Gedung Putih` into `Karine Jean-Pierre`)."""
    return any(
        other is not mention
        and _overlap(name, other)
        and (other.label == PER or _basis(rules, other) in CURATED)
        for other in ruled
    )


def _reading(name: Mention, mention: Mention) -> str:
    """How the tagger's `name` reads words of the rules' `mention` (`TAGGER_OVERRULES`)."""
    if name.label == mention.label:
        if (name.start, name.end) == (mention.start, mention.end):
            return "same"
        if mention.start <= name.start and name.end <= mention.end:
            return "inside"
        return "other extent"
    if (name.start, name.end) == (mention.start, mention.end):
        return "relabel"
    if mention.start <= name.start and name.end <= mention.end:
        return "part"
    return "other label"


def _ends_in_a_known_name(
    name: Mention, ruled: list[Mention], rules: RuleResult, text: str
) -> bool:
    """The tagger's name opens a capitalised run, ends in a name the gazetteer knows, and
    no other rule mention reaches into it: `Bursa Efek Indonesia`, but not `Luar Negeri
    Rusia` after `Kementerian`, nor `Menteri Luar Negeri Rusia`, a title and a place."""
    start, end = name.start, name.end
    inside = [m for m in ruled if start < m.end and m.start < end]
    if not (
        inside
        and not _opens_with_title(name)
        and inside[-1].end == name.end
        and inside[-1].start > name.start
        and _basis(rules, inside[-1]) == "known"
        and all(name.start <= m.start and m.end <= name.end for m in inside)
        and _well_formed(name)
        and _name_like(name)
    ):
        return False
    before = text[: name.start].rsplit(None, 1)  # its last word is the word before
    return not (before and before[-1][:1].isupper())


def _opens_with_title(name: Mention) -> bool:
    """The name starts with a title or role the rules know (`Menteri Luar Negeri`,
    `Presiden`): by the reader's convention a title is no part of a name."""
    keys = key_tuple(name.text)
    titles = gazetteer().person_cues
    return bool(keys) and any(
        tuple(keys[:length]) in titles for length in titles.lengths.get(keys[0], ())
    )


def _well_formed(mention: Mention) -> bool:
    """Starts and ends with a word not in lowercase (`al-Assad` is not: `_lowercase`) and
    holds a word that is not an ordinary capitalised word (`angkasa Vostochny Cosmodrome`
    and `Senin` are not)."""
    words = mention.text.split()
    ordinary = gazetteer().not_entities
    return (
        not _lowercase(words[0])
        and not _lowercase(words[-1])
        and any(w[:1].isupper() and w.casefold() not in ordinary for w in words)
    )


def _cited_outlet(name: Mention) -> bool:
    """An outlet the text cites, read by the tagger as an organisation, though its name
    starts in lowercase or is an ordinary word (`kepada detikcom`, `dikutip Antara`)."""
    return name.label == ORG and name.text in media_names()


def _name_like(name: Mention) -> bool:
    """No lowercase word inside but the few that join names (`Pendidikan dan Kebudayaan`,
    `Bank of America`): `Timnas Indonesia melawan Irak` is two names."""
    return all(not _lowercase(w) or w in NAME_JOINERS for w in name.text.split())


def _lowercase(word: str) -> bool:
    """A lowercase word, not a particle's family name (`al-Assad`)."""
    return word[:1].islower() and not PARTICLE_WORD.match(word)


def _cut_names_whole(
    kept: list[Mention], cut: list[Mention], ruled: list[Mention], bases: list[str], text: str
) -> list[Mention]:
    """A tagger's name that runs on from a curated name of its label over words the rules
    read only from capitals, as a name of another label that does not stand
    (`_stands_in_cut`), replaces the curated name: `PT Medco Energi Internasional Tbk
    MEDC`, not `PT Medco Energi Internasional` + the person `Tbk MEDC`; `Universitas Islam
    Negeri Sunan Kalijaga`, `Kabupaten Seram Bagian Barat`."""
    opening = {k.start: k for k in kept}
    for name in cut:
        curated = opening.get(name.start)
        if (
            curated is None
            or curated.end >= name.end
            or curated.label != name.label
            or not _well_formed(name)
            or any(_overlap(k, name) for k in kept if k is not curated)
        ):
            continue
        rest = [
            (mention, basis)
            for mention, basis in zip(ruled, bases, strict=True)
            if _overlap(mention, name) and mention != curated
        ]
        if rest and all(
            basis == "unknown" and not _stands_in_cut(mention, name, text)
            for mention, basis in rest
        ):
            kept = [name if k is curated else k for k in kept]
    return kept


def _stands_in_cut(mention: Mention, name: Mention, text: str) -> bool:
    """Whether the rules' capitals-only name over words of `name`, a tagger's name that a
    curated mention cuts into, stands. Not where the tagger read all its words as part of
    a name of another label and no title comes before it in the sentence (`New York |
    Mercantile Exchange`, `Bandar Udara Sentani` as people: on the three data sets' dev and
    train splits none of those was right); after a title the person is the title's
    holder, which the tagger runs into the organisation before it (`Juru bicara
    Kementerian Agama | Lalu Ahmad Zaenuri`)."""
    if mention.label == name.label or mention.start < name.start or name.end < mention.end:
        return True
    return _title_in_sentence(text, name.start)


def _title_in_sentence(text: str, start: int) -> bool:
    """A title or role the rules know (not a speech or function word among their person
    cues) in the sentence before `start`."""
    titles = gazetteer().person_cues
    keys = key_tuple(text[text.rfind(". ", 0, start) + 1 : start])
    return any(
        keys[i : i + length] in titles
        and not (length == 1 and (keys[i] in stopwords() or keys[i] in speech_stems()))
        for i, key in enumerate(keys)
        for length in titles.lengths.get(key, ())
    )


def _overlap(one: Mention, other: Mention) -> bool:
    return one.start < other.end and other.start < one.end
