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

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

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


def group_quote_rows(
    articles: list[ArticleDigest],
    speakers: list[list[str | None]],
    numbers: Sequence[int] | None = None,
) -> list[QuoteRecord]:
    """The same quotation printed by several outlets becomes one QuoteRecord; `numbers`
    are the articles' `quote_group_numbers`, worked out here when not given."""
    if numbers is None:
        from kabar_tui.core.corpus.quote_grouping import quote_group_numbers

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
