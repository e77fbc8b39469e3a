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
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz, process

from kabar_tui.core.entities import gazetteer_entry, recognise
from kabar_tui.core.model import (
    Article,
    Corpus,
    EntityRecord,
    Mention,
    Quote,
    QuoteOccurrence,
    QuoteRecord,
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
    mentions: list[Mention] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)

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


def _person_names(articles: list[Article]) -> Counter[str]:
    """Multi-word person names by how often they are mentioned."""
    return Counter(
        spelling_key(m.text)
        for a in articles
        for m in a.entities
        if m.label == "PER" and " " in m.text.strip()
    )


def _subject_names(article: Article, names_by_word: dict[str, list[str]]) -> Counter[str]:
    """Person names in the headline and captions, which name who the article is about.

    They are not body paragraphs, so they carry no mentions of their own, yet they decide
    who a lone surname means: in `Ayah Kim, Kim Jong Il, ...` under a headline about Kim
    Jong Un, `Kim` is still Kim Jong Un. A title-cased headline hides where a name ends
    (`Shoigu Kunjungi Pyongyang`), so only full names known from the corpus are looked for
    among its words; captions are sentences and are read as such. Headline names count twice.
    """
    headline_words = set(spelling_key(article.title).split())
    known = {name for word in headline_words for name in names_by_word.get(word, ())}
    headline = Counter(name for name in known if set(name.split()) <= headline_words)
    captions = Counter(
        spelling_key(m.text)
        for m in recognise([c.text for c in article.captions])
        if m.label == "PER" and " " in m.text.strip()
    )
    return headline + headline + captions


def _expand(part: str, names: Counter[str], overall: Counter[str]) -> str | None:
    """The most mentioned full name containing word `part` (a surname or given name)."""
    candidates = [name for name in names if part in name.split()]
    if not candidates:
        return None
    return max(candidates, key=lambda name: (names[name], overall[name]))


def _expand_indexed(part: str, index: dict[str, list[str]], overall: Counter[str]) -> str | None:
    """`_expand` over the whole corpus, through a word -> names index built once."""
    candidates = index.get(part)
    if not candidates:
        return None
    return max(candidates, key=lambda name: overall[name])


def _story_of(corpus: Corpus) -> dict[str, list[Article]]:
    by_id = {a.id: a for a in corpus.articles}
    stories: dict[str, list[Article]] = {}
    for story in corpus.stories:
        members = [by_id[i] for i in story.articles if i in by_id]
        for article_id in story.articles:
            stories[article_id] = members
    return stories


def _mention_keys(corpus: Corpus) -> dict[int, str]:
    """Spelling key per mention (by id), short person names expanded to full names."""
    corpus_names = _person_names(corpus.articles)
    corpus_index: dict[str, list[str]] = defaultdict(list)
    for name in corpus_names:
        for word in set(name.split()):
            corpus_index[word].append(name)
    stories = _story_of(corpus)
    definitions: dict[str, Counter[str]] = defaultdict(Counter)
    for article in corpus.articles:
        for short, long in abbreviations_defined(article).items():
            definitions[short][long] += 1
    defined = {short: longs.most_common(1)[0][0] for short, longs in definitions.items()}
    keys: dict[int, str] = {}
    for article in corpus.articles:
        article_names = _person_names([article]) + _subject_names(article, corpus_index)
        story_names = _person_names(stories[article.id]) if article.id in stories else None
        for mention in article.entities:
            key = spelling_key(_full_name(mention.text))
            key = defined.get(key, key)
            if mention.label == "PER" and " " not in key:
                expanded = _expand(key, article_names, corpus_names)
                if expanded is None and story_names:
                    expanded = _expand(key, story_names, corpus_names)
                if expanded is None:
                    expanded = _expand_indexed(key, corpus_index, corpus_names)
                key = expanded or key
            keys[id(mention)] = key
    return keys


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


def resolve_entities(corpus: Corpus) -> None:
    keys = _mention_keys(corpus)
    clusters: dict[str, _Cluster] = {}
    for article in corpus.articles:
        for mention in article.entities:
            key = keys[id(mention)]
            cluster = clusters.get(key)
            if cluster is None:
                cluster = clusters[key] = _Cluster(key)
            cluster.labels[mention.label] += 1
            if spelling_key(mention.text) == key:
                cluster.forms[mention.text] += 1
            entry = gazetteer_entry(mention.text)
            if entry and cluster.gazetteer_name is None:
                cluster.gazetteer_name = entry[1]
            cluster.mentions.append(mention)
            if not cluster.articles or cluster.articles[-1] != article.id:
                cluster.articles.append(article.id)
    merged = _merge_fuzzy(list(clusters.values()))
    corpus.entities = []
    for cluster in merged:
        if not cluster.forms:
            cluster.forms.update(m.text for m in cluster.mentions)
        canonical = cluster.canonical
        for mention in cluster.mentions:
            mention.canonical = canonical
        corpus.entities.append(
            EntityRecord(
                canonical=canonical,
                label=cluster.label,
                aliases=sorted({m.text for m in cluster.mentions} - {canonical}),
                mentions=len(cluster.mentions),
                articles=cluster.articles,
            )
        )
    corpus.entities.sort(key=lambda e: (-e.mentions, e.canonical))


def _merge_fuzzy(clusters: list[_Cluster]) -> list[_Cluster]:
    """Fold spelling variants into the most mentioned cluster of the same label."""
    clusters.sort(key=lambda c: -len(c.mentions))
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
        target.mentions.extend(cluster.mentions)
        target.gazetteer_name = target.gazetteer_name or cluster.gazetteer_name
        target.articles.extend(a for a in cluster.articles if a not in target.articles)
    return kept


def _speaker_canonical(article: Article, quote: Quote, by_text: dict[str, str]) -> str | None:
    """The canonical entity of a named speaker; None for unnamed or unknown speakers."""
    if not quote.speaker:
        return None
    for mention in article.entities:
        if mention.text == quote.speaker and mention.canonical:
            return mention.canonical
    return by_text.get(quote.speaker)


def _quote_shingles(key: str) -> set[str]:
    """Pairs of neighbouring words (the word itself for a one-word quote)."""
    words = key.split()
    return {f"{a} {b}" for a, b in pairwise(words)} or set(words)


def _quote_buckets(key: str, frequency: Counter[str]) -> list[str]:
    """The rarest word pairs of a quote: a reworded copy keeps most of them, and the pairs
    an edit creates or destroys are rarer still, so two copies still pick a common pair.
    Rare pairs keep buckets small, so a quote is compared with a handful of groups even
    when the same few words recur in every quote (single words did not: quadratic)."""
    shingles = _quote_shingles(key)
    return sorted(shingles, key=lambda pair: (frequency[pair], -len(pair), pair))[:QUOTE_BUCKETS]


def group_quotes(corpus: Corpus) -> None:
    """The same quotation printed by several outlets becomes one QuoteRecord."""
    groups: list[QuoteRecord] = []
    keys: list[str] = []
    exact: dict[str, int] = {}
    buckets: dict[str, list[int]] = defaultdict(list)
    quote_keys = {id(q): quote_key(q.text) for a in corpus.articles for q in a.quotes}
    frequency = Counter(pair for key in set(quote_keys.values()) for pair in _quote_shingles(key))
    for article in corpus.articles:
        for quote in article.quotes:
            key = quote_keys[id(quote)]
            index = exact.get(key)
            words = _quote_buckets(key, frequency)
            if index is None and len(key) >= MIN_FUZZY_QUOTE:
                choices = {i: keys[i] for word in words for i in buckets[word]}
                match = process.extractOne(
                    key, choices, scorer=fuzz.ratio, score_cutoff=QUOTE_SCORE
                )
                index = match[2] if match else None
            if index is None:
                index = len(groups)
                groups.append(QuoteRecord(quote.text, None, []))
                keys.append(key)
                for word in words:
                    buckets[word].append(index)
            exact[key] = index
            groups[index].occurrences.append(
                QuoteOccurrence(article.id, quote.paragraph, quote.start, quote.end, quote.speaker)
            )
            if quote.speaker_canonical and groups[index].speaker_canonical is None:
                groups[index].speaker_canonical = quote.speaker_canonical
    corpus.quote_groups = groups


def resolve_corpus(corpus: Corpus) -> None:
    """Fill Mention.canonical, Quote.speaker_canonical, corpus.entities and quote groups."""
    resolve_entities(corpus)
    by_text = {m.text: m.canonical for a in corpus.articles for m in a.entities}
    for article in corpus.articles:
        for quote in article.quotes:
            quote.speaker_canonical = _speaker_canonical(article, quote, by_text)
    group_quotes(corpus)
