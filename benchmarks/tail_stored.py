"""The tail of a first index (cross-article stage, link state, storing the results) on
real digests, without running the per-file stage: its peak memory and CPU, with the
digests held whole (as before digeststream) or with their rest let go of, held packed
and unpacked after linking (docs/indexing.md, "The rest of the digests held packed").

    nice python -m benchmarks.tail_stored prepare D.pickle FOLDER
    nice python -m benchmarks.tail_stored run FOLDER            # rest held packed
    nice python -m benchmarks.tail_stored run FOLDER --held D.pickle   # digests whole
    nice python -m benchmarks.tail_stored run FOLDER --link-only        # linking alone

`prepare` writes, from the digests `benchmarks/save_digests.py` pickled, a cache file in
FOLDER holding what the tail reads of each article (its `articles` row's columns the
tail reads and its packed digest; no paragraphs, no search terms) and the digests with
their rest let go of, pickled with their packed rests (what the per-file stage leaves
in memory now). `run`
times the stages in a process of its own, its peak resident size (VmHWM, reset once the
digests are loaded) and the largest child's, and CPU of this process and its children.
The search index is not built (its terms are not in the pickles).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import resource
import sqlite3
import sys
import time
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kabar_tui.core.corpus.digest import CorpusDigest, pack_digest, without_rest
from kabar_tui.core.corpus.incremental import save_link_state
from kabar_tui.core.corpus.linking import LinkIndex
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.model import Corpus
from kabar_tui.core.search.search_build import ArticleTerms
from kabar_tui.core.store.storage import (
    DB_NAME,
    CorpusResults,
    Storage,
    _moment_columns,
    code_fingerprint,
    corpus_key,
    digest_row,
)

SLIM = "slim.pickle"


def _path(number: int) -> str:
    return f"/bench/tail/{number:06d}.txt"


def _sources(digests: list) -> list[Source]:
    return [Source(d.id, _path(n), "", d.content_hash) for n, d in enumerate(digests)]


def prepare(pickled: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with pickled.open("rb") as file:
        digest: CorpusDigest = pickle.load(file)
    articles = digest.articles
    sources = _sources(articles)
    fingerprint = code_fingerprint()
    with Storage(folder / DB_NAME) as storage:
        storage.clear()
    db = sqlite3.connect(folder / DB_NAME)
    rows = []
    for number, (source, article) in enumerate(zip(sources, articles, strict=True)):
        forms = [digest.forms[code] for code in article.mentions]
        terms = ArticleTerms(article.id, "", False, array("i"), array("i"), [], b"", array("I"))
        data = pack_digest(article, forms, terms)
        packed, checksum = digest_row(source, article.title, article.published, data)
        published, offset, zone = _moment_columns(article.published)
        head = (number + 1, source.path, source.content_hash, fingerprint, "", "", article.id)
        columns = (source.path, article.title, 0, None, None, None, published, offset, zone)
        counts = (None, None, 0, 0, 0, 0, len(article.mentions), len(article.quotes))
        rows.append(((*head, *columns, *counts), (number + 1, checksum, packed)))
        if len(rows) >= 5000 or number == len(articles) - 1:
            with db:
                db.executemany(
                    f"INSERT INTO articles VALUES ({', '.join('?' * 24)})", [r[0] for r in rows]
                )
                db.executemany("INSERT INTO article_digests VALUES (?, ?, ?)", [r[1] for r in rows])
            rows.clear()
    db.close()
    slim(digest, folder / SLIM)
    print(f"{len(articles)} articles stored in {folder / DB_NAME}, their slim digests pickled")


def slim(digest: CorpusDigest, out: Path) -> None:
    """The digests with their rest let go of, and the rests packed, pickled to `out`."""
    rests = [
        without_rest(article, [digest.forms[code] for code in article.mentions])
        for article in digest.articles
    ]
    with out.open("wb") as file:
        pickle.dump((digest.articles, rests), file, protocol=pickle.HIGHEST_PROTOCOL)


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run(folder: Path, held: Path | None, link_only: bool = False) -> None:
    path = folder / DB_NAME
    if not link_only:  # stored with other code: made this code's
        with sqlite3.connect(path) as db:
            db.execute("UPDATE articles SET fingerprint = ?", (code_fingerprint(),))
    if held is not None:
        with held.open("rb") as file:
            compact: CorpusDigest = pickle.load(file)
    else:
        compact = CorpusDigest()
        with (folder / SLIM).open("rb") as file:
            compact.articles, rests = pickle.load(file)
    sources = _sources(compact.articles)
    paths = [source.path for source in sources]
    key = corpus_key(sources)
    packed = {} if held is not None else dict(zip(paths, rests, strict=True))
    print(
        f"digests loaded: {len(compact.articles)}, RSS {_rss_mb():,.0f} MB, packed rests "
        f"{sum(map(len, packed.values())) / 2**20:,.0f} MB",
        flush=True,
    )
    _reset_peak()
    if link_only:  # linking alone, as the stage runs it: its peak and CPU
        cpu, wall = _cpu(), time.perf_counter()
        work = pipeline.CorpusWork(compact)
        with pipeline.collector_paused():
            pipeline._link(work)
        print(
            f"link: {time.perf_counter() - wall:.1f} s wall, {_cpu() - cpu:.1f} s CPU "
            f"(children too), peak {_peak_mb():,.0f} MB, RSS after {_rss_mb():,.0f} MB, "
            f"links {len(work.links)}"
        )
        return
    times = pipeline.StageTimes()
    with Storage(path) as storage:

        def record(index: LinkIndex) -> None:
            with times.timing("link state"):
                save_link_state(storage, key, index, compact.articles)

        reader = pipeline._HeldRest(packed, paths) if packed else None
        cpu, wall = _cpu(), time.perf_counter()
        with pipeline.collector_paused():
            corpus, results = pipeline._finish_digested(
                compact, pipeline.CORPUS_STAGES, times, record, reader
            )
        stage_cpu, stage_wall = _cpu() - cpu, time.perf_counter() - wall
        stage_peak = _peak_mb()
        print(
            f"cross-article stage (link state included): {stage_wall:.1f} s wall, "
            f"{stage_cpu:.1f} s CPU (children too), peak {stage_peak:,.0f} MB, "
            f"RSS after {_rss_mb():,.0f} MB",
            flush=True,
        )
        cpu, wall = _cpu(), time.perf_counter()
        with pipeline.collector_paused():
            storage.save_results(key, results, paths)
        print(
            f"results stored: {time.perf_counter() - wall:.1f} s wall, {_cpu() - cpu:.1f} s CPU, "
            f"peak {_peak_mb():,.0f} MB",
            flush=True,
        )
        assert storage.write_error is None, storage.write_error
    for name, seconds in times.cpu.items():
        print(f"  {name}: {times.wall[name]:.1f} s wall, {seconds:.1f} s CPU of this process")
    print(f"results fingerprint: {_fingerprint(corpus, results)}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest child's peak: {children:,.0f} MB")
    print(
        f"links {len(corpus.links)}, stories {len(corpus.stories)}, entities "
        f"{len(corpus.entities)}, quote groups {len(corpus.quote_groups)}"
    )


def _fingerprint(corpus: Corpus, results: CorpusResults) -> str:
    """sha256 of the links in order, stories, entities, quotation groups and every
    article's resolved mention names and quoted speakers."""
    digest = hashlib.sha256()
    for part in (corpus.links, corpus.stories, corpus.entities, corpus.quote_groups):
        digest.update(repr(part).encode())
    for article in results.articles:
        digest.update(repr((article.id, article.mention_names(), article.speakers())).encode())
    return digest.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    made = sub.add_parser("prepare")
    made.add_argument("digests", type=Path)
    made.add_argument("folder", type=Path)
    ran = sub.add_parser("run")
    ran.add_argument("folder", type=Path)
    ran.add_argument("--held", type=Path, help="the digests' pickle: run with them held whole")
    ran.add_argument("--link-only", action="store_true", help="linking alone")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.digests, args.folder)
    else:
        run(args.folder, args.held, args.link_only)


if __name__ == "__main__":
    main()
