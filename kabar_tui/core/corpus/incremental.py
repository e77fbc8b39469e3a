"""Add articles to a stored corpus's cross-article results without recomputing the corpus.

A full run of the cross-article stage (`pipeline.finish_digest`) reads every article back,
links every paragraph, groups stories and resolves every name: tens of seconds at 10k
articles, for one new file. Instead, what linking needs to go on is stored with the
corpus (`save_link_state`, tables `link_*` in the cache): which paragraph each passage
number is, the postings of both inverted indexes as `LinkIndex` keeps them (one row
per key, its passages one blob: `linking.posting_record`), the word counts, every
similar-event pair with the words it rests on, and the pairs deferred until their
words are rare. `update` then adds the
new articles as `LinkIndex.add_article` would, reading only the postings, counts and
candidate paragraphs their look-ups touch, and stores the corpus under its new key.

Links and stories equal a full recompute (tests/test_incremental.py): linking a corpus at
once gives the links of adding its articles one by one in corpus order (docs/linking.md),
so articles added *after* every stored one get exactly the links a full run gives.
That is why an update applies only when the stored corpus is a prefix of the new one.
Corpus order is the order files arrived in (`Storage.arrival_order`), so every new file
comes after the stored ones, whatever its name; a changed or removed file changes what
later paragraphs saw in capped postings, and the whole stage runs again (its link state
written over the one before, only from the first change on: `save_link_state`). Names are
resolved for the new articles and merged into the stored entities (`_merge_entities`);
full resolution is greedy over the whole corpus, so this can differ in rare cases
(docs/incremental.md), and `kabar index --rebuild` gives the exact answer.
"""

from __future__ import annotations

import sqlite3
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice, repeat
from operator import attrgetter

from rapidfuzz import fuzz, process

from kabar_tui.core.corpus.digest import ArticleDigest, CorpusDigest
from kabar_tui.core.corpus.linking import (
    RARE_SHARE,
    RARE_WORD_POSTING_CAP,
    SIMILAR,
    LinkIndex,
    Passage,
    posting_record,
    stored_posting,
)
from kabar_tui.core.corpus.linking_passages import packed, unpacked
from kabar_tui.core.corpus.resolve import (
    MIN_FUZZY_KEY,
    NAME_SCORE,
    WORD_PREFIX,
    resolve_digest,
    resolved_articles,
    spelling_key,
)
from kabar_tui.core.corpus.stories import StoryArticle, stories_of
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.model import Corpus, EntityRecord, Link, QuoteOccurrence, QuoteRecord, Story
from kabar_tui.core.store import storage_sqlite as backend
from kabar_tui.core.store.storage import (
    RETIRED,
    ArticleNames,
    ResultsUpdate,
    Row,
    Skipped,
    Storage,
    StoredNames,
    code_fingerprint,
    in_batches,
    ranked,
    stored_moment,
)

# An update adds at most this share of the stored corpus (or MIN_ADDED articles): its
# fixed cost (reading and writing the per-corpus rows) is paid once, per article it costs
# milliseconds, and past this a full run is as cheap.
MAX_ADDED_SHARE = 0.05
MIN_ADDED = 50
FULL = -1  # passage number of the row that marks a posting grown too common
_ROWS_A_BATCH = 4096  # posting rows inserted at a time when a state is written over


@dataclass(slots=True)
class Plan:
    """A stored corpus the current one extends: its first `kept` articles are those."""

    state: int
    corpus: int
    kept: int
    passages: int


def plan_update(storage: Storage, sources: Sequence[Source]) -> Plan | None:
    """The stored link state the corpus of `sources` can be updated from, or None.

    It must describe a stored corpus whose articles are, in order, the first of
    `sources` (in arrival order; same file, content and id, stored by this code), with
    at most `MAX_ADDED_SHARE` of them (or MIN_ADDED) new after them.
    """
    fingerprint = code_fingerprint()
    try:
        with storage.guard("read") as db:
            states = db.execute(
                "SELECT s.id, c.id, s.articles, s.passages FROM link_states s "
                "JOIN corpora c ON c.key = s.corpus_key ORDER BY c.last_used DESC"
            ).fetchall()
            for state, corpus, kept, passages in states:
                added = len(sources) - kept
                if not 0 < added <= max(MIN_ADDED, int(kept * MAX_ADDED_SHARE)):
                    continue
                rows = db.execute(
                    "SELECT a.path, a.content_hash, w.article_id, a.fingerprint "
                    "FROM corpus_articles w JOIN articles a ON a.id = w.article "
                    "WHERE w.corpus = ? ORDER BY w.position",
                    (corpus,),
                ).fetchall()
                head = sources[:kept]  # compared by C calls: every stored article's row
                if len(rows) == kept and rows == list(
                    zip(
                        map(attrgetter("path"), head),
                        map(attrgetter("content_hash"), head),
                        map(attrgetter("id"), head),
                        repeat(fingerprint, kept),
                        strict=True,
                    )
                ):
                    return Plan(state, corpus, kept, passages)
    except Skipped:
        return None
    return None


def save_link_state(
    storage: Storage,
    key: str,
    index: LinkIndex,
    articles: Sequence[ArticleDigest],
    let_go: bool = False,
) -> None:
    """Store what `update` needs to go on from a fully linked corpus (`articles` in
    corpus order), under the corpus's key. A failure only costs the next update.

    After a changed or removed file, the state of the corpus before it (that of the
    retired corpus, `Storage._retire`) is written over: the rows of the articles before
    the first that changed are kept (`_Kept`), the others written again.

    With `let_go` (the first index's, which reads nothing of the index after), the
    index's postings are let go of once written, first, and its passages once the rows
    that read them are: the main process shrinks while it stores, beside the names
    process (docs/indexing.md, "sumpeak")."""
    position = {article.id: n for n, article in enumerate(articles)}
    found = [(link, words) for link, words in index.found if words]
    # the numbers of the linked passages alone (of every passage: a dict of 1.1M
    # places at 100k articles, held while the state is stored)
    wanted = {
        place
        for link, _ in found
        for place in (
            (link.source_article, link.source_paragraph),
            (link.target_article, link.target_paragraph),
        )
    }
    number = {place: n for n, place in enumerate(index.passage_places()) if place in wanted}
    similar = []
    for link, words in found:
        source = number[link.source_article, link.source_paragraph]
        target = number[link.target_article, link.target_paragraph]
        similar.append((source, target, link.score, " ".join(words)))
    try:
        with storage.guard("written") as db, backend.transaction(db):
            kept = _kept_state(db, index, articles)
            _forget_states(db, key, keep=kept.state if kept else -1)
            if kept is None:
                state = db.execute(
                    "INSERT INTO link_states (corpus_key, articles, passages) VALUES (?, ?, ?) "
                    "RETURNING id",
                    (key, len(articles), index.counted),
                ).fetchone()[0]
                first, passage = 0, 0
            else:
                state, first, passage = kept.state, kept.first, kept.passage
                if not _same_rarity(db, state, index):
                    kept.deferred = 0  # pairs before it may be deferred or not now
                db.execute(
                    "UPDATE link_states SET corpus_key = ?, articles = ?, passages = ? "
                    "WHERE id = ?",
                    (key, len(articles), index.counted, state),
                )
                db.execute(
                    "DELETE FROM link_articles WHERE state = ? AND position >= ?", (state, first)
                )
                db.execute(
                    "DELETE FROM link_passages WHERE state = ? AND number >= ?", (state, passage)
                )
                db.execute(
                    "DELETE FROM link_deferred WHERE state = ? AND source >= ?",
                    (state, kept.deferred),
                )
                for table in ("link_counts", "link_similar", "link_similar_words"):
                    db.execute(f"DELETE FROM {table} WHERE state = ?", (state,))
            for which, (table, column) in enumerate(
                (("link_fingerprints", "key"), ("link_words", "word"))
            ):
                if kept is not None:
                    _write_postings_over(db, table, column, kept, index, which)
                    continue
                db.executemany(
                    f"INSERT INTO {table} (state, {column}, last, members) VALUES (?, ?, ?, ?)",
                    index.posting_rows(state, FULL)[which],
                )
            if let_go:
                index.drop_postings()
            db.executemany(
                "INSERT INTO link_articles (state, position, words) VALUES (?, ?, ?)",
                (
                    (state, n, _words_blob(a.paragraph_words))
                    for n, a in enumerate(articles[first:], first)
                ),
            )
            db.executemany(
                "INSERT INTO link_passages (state, number, article, paragraph, passage) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    (state, n, position[p.article], p.paragraph, packed(p))
                    for n, p in enumerate(_passages_from(index.passages, passage), passage)
                ),
            )
            db.executemany(
                "INSERT INTO link_deferred (state, source, target, words) VALUES (?, ?, ?, ?)",
                ((state, *pair) for pair in index.deferred_words(kept.deferred if kept else 0)),
            )
            if let_go:
                index.drop_passages()
            db.executemany(
                "INSERT INTO link_counts (state, word, paragraphs) VALUES (?, ?, ?)",
                ((state, word, count) for word, count in index.frequency.items()),
            )
            db.executemany(
                "INSERT INTO link_similar (state, source, target, score, words) "
                "VALUES (?, ?, ?, ?, ?)",
                ((state, *row) for row in similar),
            )
            _insert_similar_words(db, state, similar)
    except Skipped:
        pass


def _passages_from(passages: Sequence[Passage], first: int) -> Iterator[Passage]:
    """The passages numbered `first` on (a whole run's, in order: most often all)."""
    if not first:
        return iter(passages)
    return (passages[number] for number in range(first, len(passages)))


@dataclass(slots=True)
class _Kept:
    """A stored link state to write over: its rows of the articles before `first`
    (corpus position), whose passages are numbered below `passage`, are those a whole
    run makes now. A paragraph is linked against the passages before it alone, so those
    articles' passages, postings as they were when they posted, and candidates are the
    same; what later articles change in postings (one grown too common, or no longer)
    is written again (`_write_postings_over`). Whether a pair is deferred depends on
    word counts too: those pairs are kept only while every word is as rare as it was
    (`_same_rarity`), else all are written again."""

    state: int
    first: int
    passage: int
    deferred: int  # deferred pairs from this passage on are written again


def _same_rarity(db: sqlite3.Connection, state: int, index: LinkIndex) -> bool:
    """Whether every word is rare (`LinkIndex.rare_count`) in the whole run as in the
    stored state. A whole run judges every pair on the final counts, so a word that
    changed sides changes which pairs are deferred, before the first change too."""
    (counted,) = db.execute("SELECT passages FROM link_states WHERE id = ?", (state,)).fetchone()
    before, now = _limit(counted), _limit(index.counted)
    counts = dict(db.execute("SELECT word, paragraphs FROM link_counts WHERE state = ?", (state,)))
    frequency = index.frequency
    return all(
        (counts.get(word, 0) <= before) == (frequency.get(word, 0) <= now)
        for word in counts.keys() | frequency.keys()
    )


def _kept_state(
    db: sqlite3.Connection, index: LinkIndex, articles: Sequence[ArticleDigest]
) -> _Kept | None:
    """The link state of the retired corpus, if it was made from the same articles as
    `articles`, in the same order, up to some position (same id and content). The stored
    article a position names is its row still: an id a stored corpus names is never given
    to a new row (`storage._first_free_id`), so a changed article is never read as the
    same by its id coming back."""
    retired = db.execute(
        "SELECT id, key FROM corpora WHERE key LIKE ? ORDER BY last_used DESC", (RETIRED + "%",)
    ).fetchone()
    if retired is None:
        return None
    stored = db.execute(
        "SELECT id, articles FROM link_states WHERE corpus_key = ?",
        (retired[1][len(RETIRED) :],),
    ).fetchone()
    if stored is None:
        return None
    before = db.execute(
        "SELECT w.article_id, a.content_hash FROM corpus_articles w "
        "LEFT JOIN articles a ON a.id = w.article WHERE w.corpus = ? ORDER BY w.position",
        (retired[0],),
    ).fetchall()
    if len(before) != stored[1]:
        return None
    first = 0
    for (article_id, content_hash), article in zip(before, articles, strict=False):
        if (article_id, content_hash) != (article.id, article.content_hash):
            break
        first += 1
    position = {article.id: n for n, article in enumerate(articles)}
    below = [position[article] < first for article, _ in index.passage_places()]
    passage = below.index(False) if False in below else len(below)
    if any(below[passage:]):
        return None  # passages not numbered in corpus order
    (stored_passage,) = db.execute(
        "SELECT COUNT(*) FROM link_passages WHERE state = ? AND article < ?", (stored[0], first)
    ).fetchone()
    if stored_passage != passage:
        return None
    return _Kept(stored[0], first, passage, passage)


def _write_postings_over(
    db: sqlite3.Connection, table: str, column: str, kept: _Kept, index: LinkIndex, which: int
) -> None:
    """Write a whole run's postings (`LinkIndex.posting_rows`, `which` of them) over a
    kept state (`_Kept`): every posting with a passage from `kept.passage` on or grown
    too common, now or in the stored state. The others hold the same passages before it
    as stored, and only those (a posting's passages are ascending)."""
    state, passage = kept.state, kept.passage
    changed = "state = ? AND (last >= ? OR last = ?)"
    stored = _StoredKeys(
        (
            key
            for (key,) in db.execute(
                f"SELECT {column} FROM {table} WHERE {changed}", (state, passage, FULL)
            )
        ),
        numbers=column == "key",
    )
    db.execute(f"DELETE FROM {table} WHERE {changed}", (state, passage, FULL))
    grown = f"DELETE FROM {table} WHERE state = ? AND {column} = ?"
    insert = f"INSERT INTO {table} (state, {column}, last, members) VALUES (?, ?, ?, ?)"
    rows = iter(index.posting_rows(state, FULL)[which])
    # one pass over the postings, a batch at a time: each posting's row is made once
    while batch := list(islice(rows, _ROWS_A_BATCH)):
        written = []
        for row, was_stored in zip(batch, stored.among([row[1] for row in batch]), strict=True):
            if was_stored:
                written.append(row)
            elif row[2] >= passage or row[2] == FULL:
                # a posting stored as it was before `passage` that has grown since
                db.execute(grown, (state, row[1]))
                written.append(row)
        db.executemany(insert, written)


class _StoredKeys:
    """The keys of the rows a write-over deletes: numbers held as one sorted array, since
    after an early change they are nearly every posting (5.6M at 100k: about 45 MB, where
    a set of ints takes about 0.45 GB); words, far fewer, in a set."""

    def __init__(self, keys: Iterable[int | str], numbers: bool) -> None:
        import numpy as np  # here, as in linking.py: importing this module stays light

        self._held = np.sort(np.fromiter(keys, np.int64)) if numbers else set(keys)

    def among(self, keys: list) -> list[bool]:
        """Whether each of `keys` is one of these."""
        import numpy as np

        held = self._held
        if isinstance(held, set):
            return [key in held for key in keys]
        if not len(held):
            return [False] * len(keys)
        wanted = np.fromiter(keys, np.int64, len(keys))
        at = np.minimum(np.searchsorted(held, wanted), len(held) - 1)
        return (held[at] == wanted).tolist()


def _forget_states(db: sqlite3.Connection, key: str = "", state: int = -1, keep: int = -1) -> None:
    """Delete the state stored under `key` (or numbered `state`) and those of corpora no
    longer stored, but the state numbered `keep`."""
    stale = db.execute(
        "SELECT id FROM link_states WHERE (corpus_key = ? OR id = ? "
        "OR corpus_key NOT IN (SELECT key FROM corpora)) AND id != ?",
        (key, state, keep),
    ).fetchall()
    for (state,) in stale:
        for table in backend.LINK_TABLES[1:]:
            db.execute(f"DELETE FROM {table} WHERE state = ?", (state,))
        db.execute("DELETE FROM link_states WHERE id = ?", (state,))


def _insert_similar_words(
    db: sqlite3.Connection, state: int, similar: Iterable[tuple[int, int, float, str]]
) -> None:
    """Index similar-event pairs by each word they rest on (`link_similar_words`)."""
    db.executemany(
        "INSERT INTO link_similar_words (state, word, source, target) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (state, word, source, target) DO NOTHING",
        (
            (state, word, source, target)
            for source, target, _, words in similar
            for word in words.split()
        ),
    )


def _words_blob(paragraph_words: array[int]) -> bytes:
    return array("q", paragraph_words).tobytes()


@dataclass(slots=True)
class _StoryArticle:
    """A stored article as stories see it (`stories.StoryArticle`)."""

    id: str
    title: str
    published: datetime | None
    words: array[int]

    def word_counts(self) -> Iterable[tuple[int, int]]:
        return zip(self.words[0::2], self.words[1::2], strict=True)


class _StoredPassages:
    """Passages by number for `LinkIndex.resume`: those stored are read (stored packed)
    when a look-up first needs them; new ones are appended."""

    def __init__(self, storage: Storage, plan: Plan, ids: list[str]) -> None:
        self._storage = storage
        self._state = plan.state
        self.ids = ids  # article id of each corpus position, the new ones included
        self.first_new = self._count = plan.passages
        self.made: dict[int, Passage] = {}
        self.places: dict[int, tuple[int, int]] = {}  # number -> (corpus position, paragraph)

    def __len__(self) -> int:
        return self._count

    def append(self, passage: Passage) -> None:
        self.made[self._count] = passage
        self._count += 1

    def __getitem__(self, number: int) -> Passage:
        found = self.made.get(number)
        return self._read(number) if found is None else found

    def place(self, numbers: Iterable[int]) -> None:
        """Read where the stored passages among `numbers` are (into `places`)."""
        missing = sorted({n for n in numbers if n not in self.places and n < self.first_new})
        for number, position, paragraph in self._stored(missing, ""):
            self.places[number] = (position, paragraph)
        if any(n not in self.places for n in missing):
            raise StateDamaged("a passage is not stored")

    def fetch(self, numbers: Iterable[int]) -> None:
        """Read the stored passages among `numbers` not read yet (`LinkIndex.add_prepared`
        asks for every candidate of an article at once), a batch at a time, each with its
        place: stored ready (`linking_passages.packed`), a blob read and unpacked, not
        made again from its paragraph and quotations (docs/incremental.md, "readylink")."""
        wanted = sorted({n for n in numbers if n < self.first_new and n not in self.made})
        ids, places, made = self.ids, self.places, self.made
        try:
            for number, position, paragraph, blob in self._stored(wanted, ", passage"):
                places[number] = (position, paragraph)
                made[number] = unpacked(ids[position], paragraph, blob)
        except (ValueError, TypeError, IndexError):
            raise StateDamaged("a stored passage is not one") from None
        if any(n not in made for n in wanted):
            raise StateDamaged("a passage is not stored")

    def _stored(self, numbers: list[int], more: str) -> Iterator[Row]:
        """The `link_passages` rows of these passage numbers (number, corpus position,
        paragraph, then the columns `more` names), read a batch of numbers at a time."""
        for part in in_batches(numbers):
            yield from self._storage.select(
                f"SELECT number, article, paragraph{more} FROM link_passages "
                f"WHERE state = ? AND number IN ({', '.join('?' * len(part))})",
                (self._state, *part),
            )

    def _read(self, number: int) -> Passage:
        """A passage asked for alone (not fetched with its article's candidates), read as
        `fetch` reads them."""
        self.fetch((number,))
        return self.made[number]


class StateDamaged(Exception):
    """The stored link state does not match its corpus: run the whole stage instead."""


@dataclass(slots=True)
class _StateWrites:
    """What an update changes in the stored link state (written by `commit`)."""

    plan: Plan
    articles: list[tuple[int, bytes]] = field(default_factory=list)
    passages: list[tuple[int, int, int, bytes]] = field(default_factory=list)  # packed
    fingerprints: dict[int, tuple[int, bytes]] = field(default_factory=dict)  # posting_record
    words: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    counted: int = 0
    similar: list[tuple[int, int, float, str]] = field(default_factory=list)
    deferred: list[tuple[int, int, str]] = field(default_factory=list)
    revived: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Update:
    """What `update` found, for the pipeline to store (`Storage.update_results`, then
    `commit`): the rows that change, and the corpus's results as they are after it."""

    changes: ResultsUpdate
    ids: list[str]  # article ids of the corpus after the update, in order
    corpus: Corpus  # what the report shows: see `update`
    seconds: dict[str, float]  # per stage, for benchmarks
    writes: _StateWrites


def update(
    storage: Storage, plan: Plan, digest: CorpusDigest, paths: Sequence[str]
) -> Update | None:
    """Add the articles of `digest` (the corpus's new ones, in order, after the stored
    corpus's; `paths` their files) to its results: links, stories, names, quote groups.
    None when the stored rows cannot be used (said in `storage.warnings`).

    Only what the new articles can touch is read and changed: the stored entities (not
    their lists of articles), links and stories are read whole, quotation groups only
    those of the new quotations' words. The corpus it gives holds every link, story and
    entity (whose `articles` are only the new articles), and the quotation groups the
    new articles joined or started; the stored corpus holds all of them."""
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = now - clock
        clock = now

    stored = storage.stored_results(plan.corpus)
    if stored is None or len(stored.heads) != plan.kept:
        return None
    heads = stored.heads
    lap("read stored results")
    ids = [*(head[1] for head in heads), *(a.id for a in digest.articles)]
    passages = _StoredPassages(storage, plan, ids)
    try:
        new_links, similar_links, judged, writes = _link(storage, plan, passages, digest.articles)
    except StateDamaged as error:
        storage.warnings.append(f"stored link state not used ({error}); linked the whole corpus")
        try:
            with storage.guard("written") as db, backend.transaction(db):
                _forget_states(db, state=plan.state)
        except Skipped:
            pass
        return None
    lap("link")
    # Stored similar-event links not judged again hold as they did.
    kept = {
        position: link
        for position, link in stored.links.items()
        if link.kind != SIMILAR or (judged is not None and _link_key(link)[:4] not in judged)
    }
    links = [*kept.values(), *new_links, *similar_links]
    stored_keys = {_link_key(link): position for position, link in stored.links.items()}
    now = {_link_key(link) for link in links}
    gone = sorted(position for key, position in stored_keys.items() if key not in now)
    added = [link for link in [*new_links, *similar_links] if _link_key(link) not in stored_keys]
    stories = _stories(storage, plan, heads, ids, links, digest.articles)
    lap("stories")
    resolution = resolve_digest(digest, [])
    entities, rename, touched = _merge_entities(stored.entities, resolution.entities)
    articles: list[ArticleNames] = []
    for article in resolved_articles(digest, resolution):
        names = [rename.get(name, name) for name in article.mention_names()]
        speakers = [None if n is None else rename.get(n, n) for n in article.speakers()]
        articles.append(StoredNames(article.id, article.content_hash, names, speakers))
    groups = _merge_quote_groups(storage, plan.corpus, resolution.quote_groups, rename)
    lap("names")
    changes = ResultsUpdate(
        articles,
        list(paths),
        [(number, entities[number], added) for number, added in sorted(touched.items())],
        gone,
        added,
        stories,
        groups,
    )
    corpus = Corpus(
        entities=ranked(entities),
        links=links,
        stories=stories,
        quote_groups=[
            QuoteRecord(group.text, group.speaker_canonical, occurrences)
            for _, group, occurrences in groups
        ],
    )
    return Update(changes, ids, corpus, seconds, writes)


def _link_key(link: Link) -> tuple[str, int, str, int, str]:
    return (
        link.source_article,
        link.source_paragraph,
        link.target_article,
        link.target_paragraph,
        link.kind,
    )


def commit(storage: Storage, found: Update, key: str) -> None:
    """Store the link state of an update under the new corpus key, once the corpus is
    stored under it (so a state never describes a corpus the cache does not hold)."""
    if storage.find_corpus(key) is None:
        return
    writes = found.writes
    state = writes.plan.state
    try:
        with storage.guard("written") as db, backend.transaction(db):
            db.executemany(
                "INSERT INTO link_articles (state, position, words) VALUES (?, ?, ?)",
                ((state, *row) for row in writes.articles),
            )
            db.executemany(
                "INSERT INTO link_passages (state, number, article, paragraph, passage) "
                "VALUES (?, ?, ?, ?, ?)",
                ((state, *row) for row in writes.passages),
            )
            for table, column, postings in (
                ("link_fingerprints", "key", writes.fingerprints),
                ("link_words", "word", writes.words),
            ):
                db.executemany(
                    f"DELETE FROM {table} WHERE state = ? AND {column} = ?",
                    ((state, posting_key) for posting_key in postings),
                )
                db.executemany(
                    f"INSERT INTO {table} (state, {column}, last, members) VALUES (?, ?, ?, ?)",
                    ((state, posting_key, *record) for posting_key, record in postings.items()),
                )
            db.executemany(
                "DELETE FROM link_counts WHERE state = ? AND word = ?",
                ((state, word) for word in writes.counts),
            )
            db.executemany(
                "INSERT INTO link_counts (state, word, paragraphs) VALUES (?, ?, ?)",
                ((state, word, count) for word, count in writes.counts.items()),
            )
            db.executemany(
                "DELETE FROM link_deferred WHERE state = ? AND source = ? AND target = ?",
                ((state, *pair) for pair in writes.revived),
            )
            db.executemany(
                "INSERT INTO link_similar (state, source, target, score, words) "
                "VALUES (?, ?, ?, ?, ?)",
                ((state, *row) for row in writes.similar),
            )
            _insert_similar_words(db, state, writes.similar)
            db.executemany(
                "INSERT INTO link_deferred (state, source, target, words) VALUES (?, ?, ?, ?)",
                ((state, *row) for row in writes.deferred),
            )
            db.execute("DELETE FROM link_states WHERE corpus_key = ? AND id != ?", (key, state))
            db.execute(
                "UPDATE link_states SET corpus_key = ?, articles = ?, passages = ? WHERE id = ?",
                (key, writes.plan.kept + len(writes.articles), writes.counted, state),
            )
            _forget_states(db)
    except Skipped:
        pass


def _grown(posting: int | list[int] | None) -> int:
    """How far a posting has grown. Adding articles only grows postings (a passage, a
    list appended to, None once too common: `linking._post_all`), so one that changed
    has grown: compared so, only the changed ones are made rows, not every one read
    (3,400 passages an article at 100k)."""
    if posting is None:
        return -1
    return 1 if isinstance(posting, int) else len(posting)


def _postings(storage: Storage, state: int, table: str, column: str, keys: Iterable) -> dict:
    """The stored postings of `keys` as `LinkIndex` holds them: a passage number, a list
    of them, or None once too common (`linking.stored_posting`), one row per key; keys
    without a posting are left out."""
    found: dict = {}
    for part in in_batches(list(keys)):
        marks = ", ".join("?" * len(part))
        rows = storage.select(
            f"SELECT {column}, last, members FROM {table} "
            f"WHERE state = ? AND {column} IN ({marks})",
            (state, *part),
        )
        try:
            for posting_key, last, members in rows:
                found[posting_key] = stored_posting(last, members, FULL)
        except (ValueError, TypeError):
            raise StateDamaged("a stored posting is not one") from None
    return found


def _counts(storage: Storage, state: int, words: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for part in in_batches(list(words)):
        marks = ", ".join("?" * len(part))
        rows = storage.select(
            f"SELECT word, paragraphs FROM link_counts WHERE state = ? AND word IN ({marks})",
            (state, *part),
        )
        counts.update(dict(rows))
    return counts


def _limit(counted: int) -> int:
    """The most paragraphs a word may be in and still be rare (`LinkIndex._rare_count`:
    counts are whole numbers, so only the whole part of its limit matters)."""
    return int(max(RARE_WORD_POSTING_CAP, counted * RARE_SHARE))


def _link(
    storage: Storage, plan: Plan, passages: _StoredPassages, articles: list[ArticleDigest]
) -> tuple[list[Link], list[Link], set[tuple[str, int, str, int]] | None, _StateWrites]:
    """The new articles' links other than similar-event ones, the similar-event links
    judged now that hold, the stored pairs judged again (their places; None when all
    were), and the state changes to store."""
    state = plan.state
    # The highest passage number, not a count (which reads every row): a passage missing
    # below it is found when a look-up needs it (`_StoredPassages.place`).
    stored = storage.select("SELECT MAX(number) FROM link_passages WHERE state = ?", (state,))
    if not stored or stored[0][0] != plan.passages - 1:
        raise StateDamaged("its passages are not all there")
    probe = LinkIndex()
    keys: set[int] = set()
    words: set[str] = set()
    for article in articles:
        for passage in article.passages:
            keys.update(probe.keys_of(passage))
            words.update(passage.content)
    fingerprints = _postings(storage, state, "link_fingerprints", "key", keys)
    rare_words = _postings(storage, state, "link_words", "word", words)
    before = {
        **{("f", k): _grown(v) for k, v in fingerprints.items()},
        **{("w", k): _grown(v) for k, v in rare_words.items()},
    }
    frequency = _counts(storage, state, words)
    index = LinkIndex.resume(passages, plan.passages, frequency, fingerprints, rare_words)
    writes = _StateWrites(plan)
    for position, article in enumerate(articles, plan.kept):
        first = len(passages)
        index.add_prepared(article.id, article.passages)
        writes.articles.append((position, _words_blob(article.paragraph_words)))
        for number, passage in enumerate(article.passages, first):
            writes.passages.append((number, position, passage.paragraph, packed(passage)))
            passages.places[number] = (position, passage.paragraph)
    writes.counted = index.counted
    for kind, postings, changed in (
        ("f", fingerprints, writes.fingerprints),
        ("w", rare_words, writes.words),
    ):
        for posting_key, posting in postings.items():
            if before.get((kind, posting_key)) != _grown(posting):
                changed[posting_key] = posting_record(posting, FULL)
    writes.counts = {word: index.frequency[word] for word in words}
    number_of = {(p.article, p.paragraph): n for n, p in passages.made.items()}
    new_links = []
    for link, link_words in index.found:
        if not link_words:
            new_links.append(link)
            continue
        source = number_of[link.source_article, link.source_paragraph]
        target = number_of[link.target_article, link.target_paragraph]
        writes.similar.append((source, target, link.score, " ".join(link_words)))
    deferred = index.deferred
    for a, b in zip(deferred[0::2], deferred[1::2], strict=True):
        shared = set(passages[a].content).intersection(passages[b].content)
        writes.deferred.append((a, b, " ".join(sorted(shared))))
    known = set(words)
    limit_rose = _limit(index.counted) != _limit(plan.passages)
    # Deferred pairs are judged again only when the rarity limit has risen: counts only
    # grow here, so that is the only way their words can have become rare.
    if limit_rose:
        pairs = storage.select(
            "SELECT source, target, words FROM link_deferred WHERE state = ?", (state,)
        )
        _load_counts(
            storage, state, index.frequency, {w for *_, t in pairs for w in t.split()}, known
        )
        rising = [(s, t) for s, t, pair_words in pairs if index.rare_count(pair_words.split()) >= 2]
        passages.fetch(number for pair in rising for number in pair)  # a batch at a time
        for source, target in rising:
            judged = index.judge(passages[source], passages[target])
            writes.revived.append((source, target))
            if isinstance(judged, tuple):
                writes.similar.append((source, target, judged[0], " ".join(judged[2])))
    # A stored similar-event pair's verdict changes only when the count of one of its
    # words changed (a word of the new articles) or the rarity limit rose (then all are
    # judged again): only those pairs are read and judged on the counts as they are now.
    if limit_rose:
        stored_pairs = storage.select(
            "SELECT source, target, score, words FROM link_similar WHERE state = ?", (state,)
        )
    else:
        stored_pairs = _similar_pairs_with(storage, state, words)
    similar = [*stored_pairs, *writes.similar]
    _load_counts(
        storage, state, index.frequency, {w for *_, t in similar for w in t.split()}, known
    )
    passages.place(n for row in similar for n in row[:2])
    ids, places = passages.ids, passages.places

    def pair_key(source: int, target: int) -> tuple[str, int, str, int]:
        (a, a_paragraph), (b, b_paragraph) = places[source], places[target]
        return ids[a], a_paragraph, ids[b], b_paragraph

    similar_links = [
        Link(*pair_key(source, target), score, SIMILAR)
        for source, target, score, pair_words in similar
        if index.holds(pair_words.split())
    ]
    rejudged = None if limit_rose else {pair_key(row[0], row[1]) for row in stored_pairs}
    return new_links, similar_links, rejudged, writes


def _similar_pairs_with(
    storage: Storage, state: int, words: Iterable[str]
) -> list[tuple[int, int, float, str]]:
    """The stored similar-event pairs resting on any of `words`."""
    pairs: set[tuple[int, int]] = set()
    for part in in_batches(sorted(words)):
        marks = ", ".join("?" * len(part))
        pairs.update(
            storage.select(
                "SELECT source, target FROM link_similar_words "
                f"WHERE state = ? AND word IN ({marks})",
                (state, *part),
            )
        )
    found = []
    for part in in_batches(sorted(pairs)):
        wanted = " OR ".join("(source = ? AND target = ?)" for _ in part)
        found.extend(
            storage.select(
                f"SELECT source, target, score, words FROM link_similar "
                f"WHERE state = ? AND ({wanted})",
                (state, *(n for pair in part for n in pair)),
            )
        )
    return found


def _load_counts(
    storage: Storage, state: int, frequency: Counter[str], words: set[str], known: set[str]
) -> None:
    """Put the stored counts of `words` into `frequency`, but for those in `known`
    (there already, and updated by the new articles)."""
    missing = words - known
    if missing:
        frequency.update(_counts(storage, state, missing))
        known.update(missing)


def _stories(
    storage: Storage,
    plan: Plan,
    heads: list,
    ids: list[str],
    links: list[Link],
    added: list[ArticleDigest],
) -> list[Story]:
    """`stories_of` the corpus: only linked articles can be in a story, so only they are
    read (title, date, word counts per paragraph)."""
    position = dict(zip(ids, range(len(ids)), strict=True))
    linked = sorted(
        {position[link.source_article] for link in links}
        | {position[link.target_article] for link in links}
    )
    stored = [n for n in linked if n < plan.kept]
    words: dict[int, bytes] = {}
    for part in in_batches(stored):
        marks = ", ".join("?" * len(part))
        words.update(
            storage.select(
                f"SELECT position, words FROM link_articles WHERE state = ? "
                f"AND position IN ({marks})",
                (plan.state, *part),
            )
        )
    articles: list[StoryArticle] = []
    for n in linked:
        if n >= plan.kept:
            articles.append(added[n - plan.kept])
            continue
        _, _, title, published, offset, zone = heads[n]
        counts = array("q")
        counts.frombytes(words[n])
        articles.append(
            _StoryArticle(ids[n], title, stored_moment(published, offset, zone), counts)
        )
    return stories_of(links, articles)


def _merge_entities(
    stored: list[EntityRecord], added: list[EntityRecord]
) -> tuple[list[EntityRecord], dict[str, str], dict[int, list[str]]]:
    """The stored entities (by stored number) with those of the new articles folded in
    (new ones numbered after them), the new names that became stored ones, and the
    entities touched, by number, with the ids of the articles they add. Same rules as
    `resolve_digest`: a spelling key of the name or of one of its forms already known,
    whatever its label (the label the most mentions give wins, as in a full run's vote),
    else a fuzzy match of the spelling key (NAME_SCORE) among entities of the same label
    sharing a word start; else a new entity."""
    # The stored records are taken as they are and copied when one is touched: copying
    # every one cost as much as the rest of the merge. Only the word-start buckets the
    # added entities look in are filled (with the spelling keys of their entities).
    entities = list(stored)
    copied: set[int] = set()
    looked_in = {
        (entity.label, prefix)
        for entity in added
        for prefix in {word[:WORD_PREFIX] for word in spelling_key(entity.canonical).split()}
    }
    by_key: dict[str, int] = {}
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    keys: dict[int, str] = {}
    touched: dict[int, list[str]] = {}

    def remember(number: int, entity: EntityRecord) -> None:
        key = spelling_key(entity.canonical)
        for text in (entity.canonical, *entity.aliases):
            by_key.setdefault(spelling_key(text), number)
        for prefix in {word[:WORD_PREFIX] for word in key.split()}:
            if (entity.label, prefix) in looked_in:
                buckets[entity.label, prefix].append(number)
                keys[number] = key

    for number, entity in enumerate(entities):
        remember(number, entity)
    rename: dict[str, str] = {}
    for entity in added:
        key = spelling_key(entity.canonical)
        target = next(
            (
                by_key[spelling_key(text)]
                for text in (entity.canonical, *entity.aliases)
                if spelling_key(text) in by_key
            ),
            None,
        )
        if target is None and len(key) >= MIN_FUZZY_KEY:
            choices = {
                n: keys[n]
                for prefix in {word[:WORD_PREFIX] for word in key.split()}
                for n in buckets[entity.label, prefix]
                if len(keys[n]) >= MIN_FUZZY_KEY
            }
            match = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=NAME_SCORE)
            target = match[2] if match else None
        if target is None:
            entities.append(
                EntityRecord(
                    entity.canonical,
                    entity.label,
                    list(entity.aliases),
                    entity.mentions,
                    list(entity.articles),
                )
            )
            touched[len(entities) - 1] = list(entity.articles)
            remember(len(entities) - 1, entities[-1])
            continue
        if target < len(stored) and target not in copied:
            copied.add(target)
            e = entities[target]
            entities[target] = EntityRecord(
                e.canonical, e.label, list(e.aliases), e.mentions, list(e.articles)
            )
        kept = entities[target]
        if entity.label != kept.label and entity.mentions > kept.mentions:
            kept.label = entity.label
        kept.mentions += entity.mentions
        texts = set(kept.aliases) | set(entity.aliases) | {entity.canonical}
        kept.aliases = sorted(texts - {kept.canonical})
        new = touched.setdefault(target, [])
        new.extend(a for a in entity.articles if a not in set(new))
        kept.articles = list(new)
        for text in (entity.canonical, *entity.aliases):
            by_key.setdefault(spelling_key(text), target)
        if entity.canonical != kept.canonical:
            rename[entity.canonical] = kept.canonical
    return entities, rename, touched


def _merge_quote_groups(
    storage: Storage, corpus: int, added: Sequence[QuoteRecord], rename: dict[str, str]
) -> list[tuple[int, QuoteRecord, list[QuoteOccurrence]]]:
    """The quotation groups the new articles' quotations join (the stored group of the
    same words, `quote_key`) or start, by position (new ones after the stored), each as
    it is now (its text and speaker) with the occurrences it gains."""
    from kabar_tui.core.corpus.quote_grouping import quote_key  # numpy: not at start

    keys = [quote_key(group.text) for group in added]
    stored = storage.quote_groups_of(corpus, keys)
    count = storage.quote_group_count(corpus)
    touched: dict[int, tuple[QuoteRecord, list[QuoteOccurrence]]] = {}
    by_key = {key: position for key, (position, _) in stored.items()}
    for group, key in zip(added, keys, strict=True):
        speaker = group.speaker_canonical
        if speaker is not None:
            speaker = rename.get(speaker, speaker)
        position = by_key.get(key)
        if position is None:
            position = by_key[key] = count
            count += 1
            touched[position] = (QuoteRecord(group.text, speaker, []), [])
        elif position not in touched:
            touched[position] = (stored[key][1], [])
        record, occurrences = touched[position]
        occurrences.extend(group.occurrences)
        if record.speaker_canonical is None:
            record.speaker_canonical = speaker
    return [(position, record, occurrences) for position, (record, occurrences) in touched.items()]
