"""Merge entity mentions across the corpus into canonical entities, and group quotations.

Rules first, then rapidfuzz: gazetteer aliases (`Korut` -> `Korea Utara`, `AS` ->
`Amerika Serikat`, English and Indonesian CLDR names of one territory); abbreviations the
articles define (`Bursa Efek Indonesia (BEI)`: BEI is then that everywhere in the corpus,
the most frequent definition winning); spelling keys that
ignore case, hyphens and word order and translate generic words (`Kosmodrom Vostochny` =
`Vostochny Cosmodrome`, `Kim Jong-un` = `Kim Jong Un`, `TASS` = `Tass`); a surname alone
to the full name seen in the same article, then the same story, then the corpus; and a
high fuzzy threshold for transliteration variants that still keeps `Kim Jong Il` apart
from `Kim Jong Un`.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, pairwise

import numpy as np
from rapidfuzz import fuzz, process

from kabar_tui.core.corpus.digest import ArticleDigest, CorpusDigest
from kabar_tui.core.language.entities import gazetteer_entry, recognise_many
from kabar_tui.core.lexicon import Label
from kabar_tui.core.model import (
    Article,
    Corpus,
    EntityRecord,
    QuoteOccurrence,
    QuoteRecord,
    Story,
)

NAME_SCORE = 92.0  # fuzz.ratio on spelling keys: Zelensky/Zelenskyy yes, Jong Il/Jong Un no
MIN_FUZZY_KEY = 8  # shorter keys (acronyms, one short word) merge only when equal
WORD_PREFIX = 3
QUOTE_SCORE = 90.0
MIN_FUZZY_QUOTE = 20
QUOTE_BUCKETS = 4
# Generic words written differently by outlets: one spelling for the key.
GENERIC_WORDS = {
    "kosmodrom": "cosmodrome",
    "kosmodrome": "cosmodrome",
    "universitas": "university",
    "kementerian": "ministry",
    "bandara": "airport",
    "pulau": "island",
}
NON_WORD = re.compile(r"[^\w\s]+")


@lru_cache(maxsize=65536)
def spelling_key(text: str) -> str:
    """Case, hyphens, punctuation and word order ignored; generic words translated."""
    words = NON_WORD.sub(" ", text.casefold().replace("-", " ").replace("'", "")).split()
    return " ".join(sorted(GENERIC_WORDS.get(w, w) for w in words))


def quote_key(text: str) -> str:
    return " ".join(NON_WORD.sub(" ", text.casefold()).split())


@dataclass(slots=True)
class _Cluster:
    key: str
    labels: Counter[str] = field(default_factory=Counter)
    forms: Counter[str] = field(default_factory=Counter)
    gazetteer_name: str | None = None
    count: int = 0  # mentions
    texts: Counter[str] = field(default_factory=Counter)  # of its mentions, in their order
    keys: list[str] = field(default_factory=list)  # its own and those merged into it
    # the ids of its articles in the order first mentioned, as keys: a set kept in order
    articles: dict[str, None] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.labels.most_common(1)[0][0]

    @property
    def canonical(self) -> str:
        if self.gazetteer_name:
            return self.gazetteer_name
        # A name of several words says who is meant; a lone surname only echoes it.
        return max(self.forms, key=lambda form: (" " in form.strip(), self.forms[form]))


@lru_cache(maxsize=65536)
def _full_name(text: str) -> str:
    """A mention's own name, or the gazetteer's canonical name for it."""
    entry = gazetteer_entry(text)
    return entry[1] if entry else text


class _Forms:
    """Per distinct (text, label) of the corpus's mentions, what resolution asks of it,
    worked out once instead of once per mention."""

    def __init__(self, forms: list[tuple[str, str]]) -> None:
        self.texts = [text for text, _ in forms]
        self.labels = [label for _, label in forms]
        self.spelling = [spelling_key(text) for text in self.texts]
        self.keys = [spelling_key(_full_name(text)) for text in self.texts]
        self.gazetteer = [gazetteer_entry(text) for text in self.texts]
        # the spelling key of a person's full name (several words), else None
        self.person = [
            spelling_key(text) if label == Label.PER and " " in text.strip() else None
            for text, label in forms
        ]

    def people(self, articles: Iterable[ArticleDigest]) -> Counter[str]:
        """Multi-word person names by how often they are mentioned."""
        person = self.person
        return Counter(
            key
            for article in articles
            for key in map(person.__getitem__, article.mentions)
            if key is not None
        )


def caption_people(article: Article) -> Counter[str]:
    """Spelling keys of the person names (several words) in an article's captions."""
    return caption_people_many([article])[0]


def caption_people_many(articles: Sequence[Article]) -> list[Counter[str]]:
    """`caption_people` of each article, the captions of all recognised in one pass
    (`recognise_many`): an indexing worker digests a few articles at a time."""
    found = recognise_many([[c.text for c in article.captions] for article in articles])
    return [
        Counter(
            spelling_key(m.text) for m in mentions if m.label == Label.PER and " " in m.text.strip()
        )
        for mentions in found
    ]


def _subject_names(article: ArticleDigest, names_by_word: dict[str, list[str]]) -> Counter[str]:
    """Person names in the headline and captions, which name who the article is about.

    They are not body paragraphs, so they carry no mentions of their own, yet they decide
    who a lone surname means: in `Ayah Kim, Kim Jong Il, ...` under a headline about Kim
    Jong Un, `Kim` is still Kim Jong Un. A title-cased headline hides where a name ends
    (`Shoigu Kunjungi Pyongyang`), so only full names known from the corpus are looked for
    among its words; captions are sentences and are read as such (`caption_people`, when
    the article is digested). Headline names count twice.
    """
    headline_words = set(spelling_key(article.title).split())
    known = {name for word in headline_words for name in names_by_word.get(word, ())}
    headline = Counter(name for name in known if set(name.split()) <= headline_words)
    return headline + headline + article.caption_people


def _expand(part: str, names: Counter[str], overall: Counter[str]) -> str | None:
    """The most mentioned full name containing word `part` (a surname or given name)."""
    candidates = [name for name in names if part in name.split()]
    if not candidates:
        return None
    return max(candidates, key=lambda name: (names[name], overall[name]))


def _longer_name(key: str, names: Counter[str]) -> str | None:
    """The most mentioned longer name of the article that holds every word of the name
    `key`: a shortened full name (`Ahmad Muhdlor` for `Ahmad Muhdlor Ali`) is that person."""
    words = set(key.split())
    candidates = [name for name in names if len(name) > len(key) and words < set(name.split())]
    if not candidates:
        return None
    return max(candidates, key=lambda name: (names[name], len(name)))


def _names_and_index(names: Counter[str]) -> tuple[Counter[str], dict[str, list[str]]]:
    """Names and a word -> names (in the names' order) index of them."""
    index: dict[str, list[str]] = defaultdict(list)
    for name in names:
        for word in dict.fromkeys(name.split()):
            index[word].append(name)
    return names, index


def _expand_within(
    part: str, names: Counter[str], index: dict[str, list[str]], overall: Counter[str]
) -> str | None:
    """`_expand` through a word index of `names` (`_names_and_index`): the same answer."""
    candidates = index.get(part)
    if not candidates:
        return None
    return max(candidates, key=lambda name: (names[name], overall[name]))


def _expand_indexed(part: str, index: dict[str, list[str]], overall: Counter[str]) -> str | None:
    """`_expand` over the whole corpus, through a word -> names index built once."""
    candidates = index.get(part)
    if not candidates:
        return None
    return max(candidates, key=lambda name: overall[name])


def _story_of(
    articles: list[ArticleDigest], stories: list[Story]
) -> dict[str, list[ArticleDigest]]:
    by_id = {a.id: a for a in articles}
    found: dict[str, list[ArticleDigest]] = {}
    for story in stories:
        members = [by_id[i] for i in story.articles if i in by_id]
        for article_id in story.articles:
            found[article_id] = members
    return found


def _mention_keys(
    digest: CorpusDigest, forms: _Forms, stories: list[Story]
) -> tuple[list[str], list[array[int]]]:
    """Spelling key per mention, short person names expanded to full names: the distinct
    keys, and per article a code into them for each of its mentions."""
    articles = digest.articles
    corpus_names = forms.people(articles)
    corpus_index: dict[str, list[str]] = defaultdict(list)
    for name in corpus_names:
        for word in set(name.split()):
            corpus_index[word].append(name)
    story_members = _story_of(articles, stories)
    definitions: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        for short, long in article.abbreviations.items():
            definitions[short][long] += 1
    defined = {short: longs.most_common(1)[0][0] for short, longs in definitions.items()}
    keys: list[str] = []
    codes: dict[str, int] = {}
    per_article: list[array[int]] = []
    # per story (its members' list): its names and their word index, made once, not once
    # per member (a story of a thousand articles read them all a thousand times)
    stories_names: dict[int, tuple[Counter[str], dict[str, list[str]]]] = {}
    for article in articles:
        article_names = forms.people([article]) + _subject_names(article, corpus_index)
        members = story_members.get(article.id)
        story_names: Counter[str] | None = None
        story_index: dict[str, list[str]] = {}
        if members is not None:
            known = stories_names.get(id(members))
            if known is None:
                known = stories_names[id(members)] = _names_and_index(forms.people(members))
            story_names, story_index = known
        expanded_here: dict[tuple[str, str], int] = {}  # the same key, the same answer
        article_codes = array("i")
        for form in article.mentions:
            key = forms.keys[form]
            key = defined.get(key, key)
            label = forms.labels[form]
            code = expanded_here.get((key, label))
            if code is None:
                resolved = key
                if label == Label.PER and " " not in key:
                    expanded = _expand(key, article_names, corpus_names)
                    if expanded is None and story_names:
                        expanded = _expand_within(key, story_names, story_index, corpus_names)
                    if expanded is None:
                        expanded = _expand_indexed(key, corpus_index, corpus_names)
                    resolved = expanded or key
                elif label == Label.PER:
                    resolved = _longer_name(key, article_names) or key
                code = codes.get(resolved)
                if code is None:
                    code = codes[resolved] = len(keys)
                    keys.append(resolved)
                expanded_here[(key, label)] = code
            article_codes.append(code)
        per_article.append(article_codes)
    return keys, per_article


def abbreviations_defined(article: Article) -> dict[str, str]:
    """Abbreviations the article defines, `Korea Utara (Korut)` or `Korut (Korea Utara)`:
    the short form's spelling key -> the long form's, so both are one entity."""
    texts = {p.index: p.text for p in article.paragraphs}
    defined: dict[str, str] = {}
    for first, second in pairwise(article.entities):
        text = texts.get(first.paragraph, "")
        if (
            first.paragraph != second.paragraph
            or text[first.end : second.start] != " ("
            or text[second.end : second.end + 1] != ")"
            or first.label != second.label
        ):
            continue
        short, long = sorted((first.text, second.text), key=len)
        if _abbreviates(short, long):
            defined[spelling_key(short)] = spelling_key(long)
    return defined


def _abbreviates(short: str, long: str) -> bool:
    """`Korut` for `Korea Utara`, `BEI` for `Bursa Efek Indonesia`, `Kemenlu` for
    `Kementerian Luar Negeri`: one word, its letters in order among the long form's, the
    first letters alike."""
    if " " in short or " " not in long.strip() or short[:1].casefold() != long[:1].casefold():
        return False
    rest = iter(long.casefold())
    return all(letter in rest for letter in short.casefold())


@dataclass(slots=True)
class Resolution:
    """What resolution found: entities, each mention's and quoted speaker's canonical
    name (per article, in order), and quotation groups."""

    names: list[str]  # every canonical name, once
    mention_names: list[array[int]]  # per article: a code into `names` per mention
    speakers: list[list[str | None]]  # per article: each quotation's speaker's canonical
    entities: list[EntityRecord]
    quote_groups: Sequence[QuoteRecord]  # from the names' process: a `QuoteTable`


def resolve_digest(
    digest: CorpusDigest,
    stories: list[Story],
    quote_numbers: Callable[[], Sequence[int]] | None = None,
) -> Resolution:
    """Resolution of a digested corpus whose stories are grouped (`resolve_corpus`);
    `quote_numbers` gives its `quote_group_numbers` (asked for last: the pipeline's
    come from a spawned process), worked out here when not given."""
    forms = _Forms(digest.forms)
    keys, mention_keys = _mention_keys(digest, forms, stories)
    clusters: dict[str, _Cluster] = {}
    for article, codes in zip(digest.articles, mention_keys, strict=True):
        for form, code in zip(article.mentions, codes, strict=True):
            key = keys[code]
            cluster = clusters.get(key)
            if cluster is None:
                cluster = clusters[key] = _Cluster(key, keys=[key])
            text = forms.texts[form]
            cluster.labels[forms.labels[form]] += 1
            if forms.spelling[form] == key:
                cluster.forms[text] += 1
            entry = forms.gazetteer[form]
            if entry and cluster.gazetteer_name is None:
                cluster.gazetteer_name = entry[1]
            cluster.count += 1
            cluster.texts[text] += 1
            cluster.articles[article.id] = None
    merged = _merge_fuzzy(list(clusters.values()))
    entities = []
    name_of_key = array("i", bytes(4 * len(keys)))  # key code -> entity number
    key_codes = {key: code for code, key in enumerate(keys)}
    for number, cluster in enumerate(merged):
        if not cluster.forms:
            cluster.forms.update(cluster.texts)
        canonical = cluster.canonical
        for key in cluster.keys:
            name_of_key[key_codes[key]] = number
        entities.append(
            EntityRecord(
                canonical=canonical,
                label=cluster.label,
                aliases=sorted(set(cluster.texts) - {canonical}),
                mentions=cluster.count,
                articles=list(cluster.articles),
            )
        )
    names = [entity.canonical for entity in entities]
    mention_names = [array("i", map(name_of_key.__getitem__, codes)) for codes in mention_keys]
    # let go of before the quotation groups are waited for and made (the clusters held
    # 4.1M article references at 100k articles)
    del clusters, merged, mention_keys, key_codes
    entities.sort(key=lambda e: (-e.mentions, e.canonical))
    speakers = _speakers(digest, forms.texts, names, mention_names)
    numbers = quote_numbers() if quote_numbers is not None else None
    quote_groups = group_quote_rows(digest.articles, speakers, numbers)
    return Resolution(names, mention_names, speakers, entities, quote_groups)


def _merge_fuzzy(clusters: list[_Cluster]) -> list[_Cluster]:
    """Fold spelling variants into the most mentioned cluster of the same label."""
    clusters.sort(key=lambda c: -c.count)
    kept: list[_Cluster] = []
    # (label, first letters of a word) -> indexes into kept: only clusters sharing a
    # word start are compared, so the work stays near-linear in the number of names.
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for cluster in clusters:
        target = None
        prefixes = {word[:WORD_PREFIX] for word in cluster.key.split()}
        if len(cluster.key) >= MIN_FUZZY_KEY:
            choices = {
                i: kept[i].key
                for prefix in prefixes
                for i in buckets[(cluster.label, prefix)]
                if len(kept[i].key) >= MIN_FUZZY_KEY
            }
            match = process.extractOne(
                cluster.key, choices, scorer=fuzz.ratio, score_cutoff=NAME_SCORE
            )
            if match:
                target = kept[match[2]]
        if target is None:
            for prefix in prefixes:
                buckets[(cluster.label, prefix)].append(len(kept))
            kept.append(cluster)
            continue
        target.labels.update(cluster.labels)
        target.forms.update(cluster.forms)
        target.count += cluster.count
        target.texts.update(cluster.texts)
        target.keys.extend(cluster.keys)
        target.gazetteer_name = target.gazetteer_name or cluster.gazetteer_name
        target.articles.update(cluster.articles)
    return kept


def _speakers(
    digest: CorpusDigest, texts: list[str], names: list[str], mention_names: list[array[int]]
) -> list[list[str | None]]:
    """The canonical entity of each quotation's named speaker: a mention of that text in
    the same article, else the last one in the corpus; None for unnamed or unknown ones."""
    by_text = {
        texts[form]: names[name]
        for article, codes in zip(digest.articles, mention_names, strict=True)
        for form, name in zip(article.mentions, codes, strict=True)
    }
    found: list[list[str | None]] = []
    for article, codes in zip(digest.articles, mention_names, strict=True):
        if not article.quotes:
            found.append([])
            continue
        here: dict[str, str] = {}
        for form, name in zip(article.mentions, codes, strict=True):
            canonical = names[name]
            if canonical:
                here.setdefault(texts[form], canonical)
        found.append(
            [
                None if not speaker else here.get(speaker, by_text.get(speaker))
                for _, speaker, _, _, _ in article.quotes
            ]
        )
    return found


def _quote_shingles(key: str) -> set[str]:
    """Pairs of neighbouring words (the word itself for a one-word quote)."""
    words = key.split()
    return {f"{a} {b}" for a, b in pairwise(words)} or set(words)


def _quote_buckets(key: str, frequency: Counter[str]) -> list[str]:
    """The rarest word pairs of a quote: a reworded copy keeps most of them, and the pairs
    an edit creates or destroys are rarer still, so two copies still pick a common pair.
    Rare pairs keep buckets small, so a quote is compared with a handful of groups even
    when the same few words recur in every quote (single words did not: quadratic)."""
    ranked = sorted([(frequency[pair], -len(pair), pair) for pair in _quote_shingles(key)])
    return [pair for _, _, pair in ranked[:QUOTE_BUCKETS]]


# ratio = 100 * (1 - distance / (a + b)) and distance >= |a - b|: at QUOTE_SCORE, the
# other key's length lies between these shares of a quotation's (1 char of slack each side)
_SLACK = 1 - QUOTE_SCORE / 100
_SHORTEST = (1 - _SLACK) / (1 + _SLACK)
_LONGEST = (1 + _SLACK) / (1 - _SLACK)
_CLASSES = 32  # the character classes of a key's histogram (`_class_histograms`)
_DENSE_CLASSES = 16  # the classes summed for every pair of a block (`_block_pairs`)
_SMALL_BUCKET = 16  # a bucket this small is scored pair by pair, without histograms
_BOUNDED_AT_ONCE = 1 << 17  # pairs of one bucket bounded in one step (a few MB of arrays)


def _class_table() -> np.ndarray:
    """The class of each ASCII character: a letter, the space, two digits, anything else."""
    table = np.full(128, _CLASSES - 1, dtype=np.int64)
    table[ord("a") : ord("z") + 1] = np.arange(26)
    table[ord(" ")] = 26
    table[ord("0") : ord("9") + 1] = 27 + np.arange(10) % 4
    return table


def _class_histograms(keys: Sequence[str], lengths: np.ndarray) -> np.ndarray:
    """Per key, how many of its characters fall in each class (at most 255), the classes
    most common in these keys first."""
    table = _class_table()
    histograms = np.zeros((len(keys), _CLASSES), dtype=np.uint8)
    step = 1 << 11
    for first in range(0, len(keys), step):
        part = keys[first : first + step]
        text = "".join(part).encode("utf-32-le", "surrogatepass")
        points = np.frombuffer(text, dtype=np.uint32)
        classes = np.where(points < 128, table[np.minimum(points, 127)], _CLASSES - 1)
        owners = np.repeat(np.arange(len(part)), lengths[first : first + len(part)])
        counts = np.bincount(owners * _CLASSES + classes, minlength=len(part) * _CLASSES)
        histograms[first : first + len(part)] = np.minimum(counts, 255).reshape(-1, _CLASSES)
    common = np.argsort(-histograms.sum(axis=0, dtype=np.int64), kind="stable")
    for first in range(0, len(keys), step):
        histograms[first : first + step] = histograms[first : first + step, common]
    return histograms


def _scored_pairs(
    keys: Sequence[str], chosen: np.ndarray, matches: dict[int, dict[int, float]]
) -> None:
    """Into `matches[j][i]` (i < j), fuzz.ratio of every pair of keys that share a bucket
    (a column of `chosen`: the word-pair numbers of each key, -1 for none), the later one
    at least MIN_FUZZY_QUOTE long and the earlier within its length window, when it
    reaches QUOTE_SCORE (pairs below it are not all scored).

    A pair is scored only when the character-class histograms of its keys differ (L1) by
    at most a tenth of their summed length, plus 1: fuzz.ratio is 100 * 2 * LCS / (a + b)
    (the Indel distance a + b - 2 LCS over a + b), and the LCS of two keys holds each
    character at most as often as the key with fewer of it, so LCS <= sum over classes of
    min(h1, h2) = (a + b - L1) / 2 (merged classes and counts capped at 255 only lower L1),
    so ratio >= QUOTE_SCORE (90) needs L1 <= (a + b) / 10. The score is rapidfuzz's own,
    as before; the bound only skips pairs that cannot reach it.
    """
    size = len(keys)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=size)
    lowest = (lengths * _SHORTEST).astype(np.int32) - 1  # int(), as the window always was
    highest = (lengths * _LONGEST).astype(np.int32) + 1
    histograms = _class_histograms(keys, lengths)
    lengths = lengths.astype(np.int32)
    sizes, low, high = (array("i", part.tobytes()) for part in (lengths, lowest, highest))
    words = chosen.reshape(-1)
    order = np.argsort(words, kind="stable")[np.count_nonzero(words < 0) :]  # keys in order
    edges = [0, *(np.flatnonzero(np.diff(words[order])) + 1).tolist(), len(order)]
    by_word = (order // chosen.shape[1]).astype(np.int32)
    del order
    ratio = fuzz.ratio
    for begin, end in pairwise(edges):
        if end - begin < 2:
            continue
        if end - begin <= _SMALL_BUCKET:
            members = by_word[begin:end].tolist()
            pairs = [
                (j, i)
                for at, j in enumerate(members)
                if sizes[j] >= MIN_FUZZY_QUOTE
                for i in members[:at]
                if low[j] <= sizes[i] <= high[j]
            ]
        else:
            pairs = _bounded_pairs(by_word[begin:end], lengths, lowest, highest, histograms)
        for j, i in pairs:
            score = ratio(keys[j], keys[i], score_cutoff=QUOTE_SCORE)
            if score:
                matches.setdefault(j, {})[i] = score


def _bounded_pairs(
    members: np.ndarray,
    lengths: np.ndarray,
    lowest: np.ndarray,
    highest: np.ndarray,
    histograms: np.ndarray,
) -> list[tuple[int, int]]:
    """The pairs (j, i) of one bucket's keys (numbers, ascending) as `_scored_pairs` scores
    them: i < j, j long enough, i in j's length window and within the histogram bound.

    Sorted by length, each pair is bounded once, from its longer key (the later in that
    order) against the run of shorter ones that could be in the window of either; the
    pairs within the bound are then put in corpus order and their window checked. Keys
    are taken a few at a time against the union of their runs."""
    order = members[np.argsort(lengths[members], kind="stable")]
    sizes = lengths[order]
    # the first key each could pair with: within its window, or it within that key's
    starts = np.minimum(
        np.searchsorted(sizes, lowest[order], "left"),
        np.searchsorted(highest[order], sizes, "left"),
    )
    counts = histograms[order].T.astype(np.int16)  # class by class, each contiguous
    found: list[tuple[int, int]] = []
    first = int(np.searchsorted(sizes, MIN_FUZZY_QUOTE, "left"))
    while first < len(order):
        # rows * columns <= _BOUNDED_AT_ONCE, columns = rows + first - begin - 1 at most
        width = first - int(starts[first])
        rows = max(1, (math.isqrt(width * width + 4 * _BOUNDED_AT_ONCE) - width) // 2)
        last = min(len(order), first + rows)
        begin = int(starts[first])
        if begin < last - 1:
            longer, shorter = _block_pairs(sizes, starts, counts, first, last, begin)
            for one, two in zip(order[longer].tolist(), order[shorter].tolist(), strict=True):
                j, i = (one, two) if one > two else (two, one)
                if lengths[j] >= MIN_FUZZY_QUOTE and lowest[j] <= lengths[i] <= highest[j]:
                    found.append((j, i))
        first = last
    return found


def _block_pairs(
    sizes: np.ndarray, starts: np.ndarray, counts: np.ndarray, first: int, last: int, begin: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of a bucket's keys first:last, each against the keys from its start up to
    it, in the histogram bound, as two arrays of places in the bucket (longer, shorter).

    The distance is summed class by class, the most common classes first (the
    histograms' columns come so), for every pair of the block, then only for the pairs
    whose sum so far is within the bound: a part of the sum is no more than the whole."""
    columns = np.arange(begin, last - 1)
    # 10 * distance <= a + b + 10 (a tenth of the summed lengths, 1 of slack), in integers
    limit = (sizes[first:last, None] + sizes[begin : last - 1] + 10) // 10
    places = np.arange(first, last)[:, None]
    limit[(columns >= places) | (columns < starts[first:last, None])] = -1
    distance = np.zeros(limit.shape, dtype=np.int16)
    step = np.empty(limit.shape, dtype=np.int16)
    for longer, shorter in zip(
        counts[:_DENSE_CLASSES, first:last], counts[:_DENSE_CLASSES, begin : last - 1], strict=True
    ):
        np.subtract(longer[:, None], shorter, out=step)
        distance += np.abs(step, out=step)
    row, column = np.nonzero(distance <= limit)
    summed = distance[row, column]
    bound = limit[row, column]
    row += first
    column += begin
    for at in range(_DENSE_CLASSES, _CLASSES):
        summed += np.abs(counts[at, row] - counts[at, column])
        if at % 8 == 7:
            near = summed <= bound
            row, column, summed, bound = row[near], column[near], summed[near], bound[near]
    return row, column


def quote_group_numbers(articles: Sequence[ArticleDigest]) -> array[int]:
    """The group of each quotation of `articles`, in their order, groups numbered as first
    met: which quotations are one depends on the quotations alone (not on names), so the
    pipeline works this out in a spawned process while linking runs (docs/indexing.md)."""
    return key_group_numbers([quote_key(quote[0]) for a in articles for quote in a.quotes])


def key_group_numbers(quote_keys: Sequence[str]) -> array[int]:
    """`quote_group_numbers` of the quotations whose `quote_key`s these are, in order.

    Groups are numbered as first met. A key met before joins that key's group. Otherwise,
    at least MIN_FUZZY_QUOTE long, it joins the group of the closest group's first key
    (fuzz.ratio at least QUOTE_SCORE) among those sharing one of its QUOTE_BUCKETS rarest
    word pairs (`_quote_buckets`) and within its length window: the highest score, then
    the one met in its earliest pair, then the lowest group; or it starts a group. Only
    groups' first keys are candidates, so the order matters.

    Every pair of keys that could join (sharing a pair, in the window, the later long
    enough, reaching QUOTE_SCORE) is scored first, bucket by bucket (`_scored_pairs`, which
    skips only pairs that cannot reach the score); the keys are then grouped in order from
    those pairs, with the rules above (docs/indexing.md, "quotegroup").
    """
    index: dict[str, int] = {}
    for key in quote_keys:
        index.setdefault(key, len(index))
    keys = list(index)
    frequency = Counter(chain.from_iterable(map(_quote_shingles, keys)))
    numbered: dict[str, int] = {}
    chosen = array("i")  # per key its buckets' numbers, -1 after the last
    unused = [-1] * QUOTE_BUCKETS
    for key in keys:
        words = [numbered.setdefault(w, len(numbered)) for w in _quote_buckets(key, frequency)]
        chosen += array("i", words + unused[len(words) :])
    del frequency, numbered
    matches: dict[int, dict[int, float]] = {}
    _scored_pairs(keys, np.frombuffer(chosen, dtype=np.int32).reshape(-1, QUOTE_BUCKETS), matches)
    groups = array("i", bytes(4 * len(keys)))
    first_keys = bytearray(len(keys))  # 1 for a group's first key
    count = 0
    for j in range(len(keys)):
        best: tuple[float, int, int] | None = None
        for i, score in matches.get(j, {}).items():
            if first_keys[i]:
                earlier = set(chosen[i * QUOTE_BUCKETS : (i + 1) * QUOTE_BUCKETS])
                later = chosen[j * QUOTE_BUCKETS : (j + 1) * QUOTE_BUCKETS]
                met = next(n for n, word in enumerate(later) if word in earlier)
                found = (-score, met, groups[i])
                if best is None or found < best:
                    best = found
        if best is None:
            groups[j] = count
            first_keys[j] = 1
            count += 1
        else:
            groups[j] = best[2]
    return array("i", [groups[index[key]] for key in quote_keys])


def group_quote_rows(
    articles: list[ArticleDigest],
    speakers: list[list[str | None]],
    numbers: Sequence[int] | None = None,
) -> list[QuoteRecord]:
    """The same quotation printed by several outlets becomes one QuoteRecord; `numbers`
    are the articles' `quote_group_numbers`, worked out here when not given."""
    if numbers is None:
        numbers = quote_group_numbers(articles)
    groups: list[QuoteRecord] = []
    position = 0
    for article, article_speakers in zip(articles, speakers, strict=True):
        for (text, speaker, paragraph, start, end), speaker_canonical in zip(
            article.quotes, article_speakers, strict=True
        ):
            index = numbers[position]
            position += 1
            if index == len(groups):
                groups.append(QuoteRecord(text, None, []))
            groups[index].occurrences.append(
                QuoteOccurrence(article.id, paragraph, start, end, speaker)
            )
            if speaker_canonical and groups[index].speaker_canonical is None:
                groups[index].speaker_canonical = speaker_canonical
    if position != len(numbers):
        raise ValueError("quotation group numbers of other articles")
    return groups


def resolve_corpus(corpus: Corpus) -> None:
    """Fill Mention.canonical, Quote.speaker_canonical, corpus.entities and quote groups."""
    apply_resolution(corpus, resolve_digest(CorpusDigest.of(corpus.articles), corpus.stories))


def apply_resolution(corpus: Corpus, resolution: Resolution) -> None:
    """Put what `resolve_digest` found into the corpus's articles (in the digest's order)."""
    names = resolution.names
    for article, codes, speakers in zip(
        corpus.articles, resolution.mention_names, resolution.speakers, strict=True
    ):
        for mention, code in zip(article.entities, codes, strict=True):
            mention.canonical = names[code]
        for quote, speaker in zip(article.quotes, speakers, strict=True):
            quote.speaker_canonical = speaker
    corpus.entities = resolution.entities
    corpus.quote_groups = resolution.quote_groups


@dataclass(slots=True)
class ResolvedArticle:
    """One article's canonical names as `Storage.save_results` takes them."""

    id: str
    content_hash: str
    codes: array[int]
    names: list[str]
    quote_speakers: list[str | None]

    def mention_names(self) -> list[str]:
        return list(map(self.names.__getitem__, self.codes))

    def speakers(self) -> list[str | None]:
        return self.quote_speakers


def resolved_articles(digest: CorpusDigest, resolution: Resolution) -> list[ResolvedArticle]:
    return [
        ResolvedArticle(article.id, article.content_hash, codes, resolution.names, speakers)
        for article, codes, speakers in zip(
            digest.articles, resolution.mention_names, resolution.speakers, strict=True
        )
    ]
