"""The search index of a first index built and made ready to store in a spawned process
(`core.processes.spawned`) while the main process stores the corpus's results.

It was built in a thread beside them (`pipeline._build_search`), but most of the build is
Python that holds the interpreter (each article's rest unpacked, its documents' columns,
its mentions' names gathered), so the two took turns on one core: at 100k articles the
main process was alone for the last 44 s, about one core used (docs/indexing.md,
"searchproc"). Here the build (`SearchTerms.index`), the arrays and the lists' rows
(packed, checksummed: `search_store.prepare_search`, `write_search_rows`) are made on
the other core; the main process then inserts the rows as recorded (`save_recorded`).

The process is started once the names are resolved, so it never runs beside the names
process. It is sent what the build reads: the words the main process numbered and each
article's terms (`SearchTerms.gathered`; their word numbers stay in the terms' scratch
file, which it inherits), each article's packed rest, mention codes and quotations'
speakers, the names the codes point to, the corpus's entities. The rows come back in a
temporary file it inherits too; the rest of what is stored (`PreparedSearch`) pickled.
"""

from __future__ import annotations

import os
import pickle
from array import array
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import IO, cast

from kabar_tui.core.corpus.digest import unpack_rest
from kabar_tui.core.corpus.resolve import ResolvedArticle
from kabar_tui.core.model import EntityRecord
from kabar_tui.core.processes.spawned import (
    SpawnedCall,
    chunk_rows,
    read_chunks,
    read_json,
    read_message,
    write_chunks,
    write_json,
    write_message,
)
from kabar_tui.core.search.search_build import (
    ArticleTerms,
    QuotationsRead,
    ReadArticle,
    SearchTerms,
    _Gathered,
)
from kabar_tui.core.search.search_store import (
    PreparedSearch,
    RecordedRows,
    prepare_search,
    write_search_rows,
)
from kabar_tui.core.store.storage import ArticleNames


class SpawnedSearch(SpawnedCall[PreparedSearch]):
    """The search index of the articles at `paths` (in corpus order) prepared in a
    spawned process started and sent its input now, its lists' rows recorded in `rows`
    (a temporary file it inherits); `result()` waits for it. OSError when no process
    can be started."""

    def __init__(
        self,
        terms: SearchTerms,
        paths: Sequence[str],
        rests: Iterable[bytes],
        resolved: Sequence[ResolvedArticle],
        entities: Sequence[EntityRecord],
        kept: int,
        rows: IO[bytes],
    ) -> None:
        send = partial(
            _send,
            terms=terms,
            paths=paths,
            rests=rests,
            resolved=resolved,
            entities=entities,
            kept=kept,
            rows=rows.fileno(),
        )
        super().__init__(
            __name__, send, "the search index", pass_fds=(terms.fileno(), rows.fileno())
        )


def coded(articles: Sequence[ArticleNames]) -> Sequence[ResolvedArticle] | None:
    """The articles' names as the names' resolution gives them (codes into one list of
    names, which are sent as they are), or None."""
    names = articles[0].names if articles and isinstance(articles[0], ResolvedArticle) else None
    if names is None:
        return None
    for article in articles:
        if not isinstance(article, ResolvedArticle) or article.names is not names:
            return None
    return cast("Sequence[ResolvedArticle]", articles)


def _send(
    pipe: IO[bytes],
    terms: SearchTerms,
    paths: Sequence[str],
    rests: Iterable[bytes],
    resolved: Sequence[ResolvedArticle],
    entities: Sequence[EntityRecord],
    kept: int,
    rows: int,
) -> None:
    """A header (the descriptors, counts, the words met, the names), the entities, then
    per article a row (its terms, its quotations' speakers) and its mention codes and
    packed rest as bytes."""
    codes = resolved[0].codes.typecode if resolved else "i"
    header = {
        "terms": terms.fileno(),
        "rows": rows,
        "kept": kept,
        "articles": len(paths),
        "codes": codes,
        "words": terms.words,
        "names": resolved[0].names if resolved else [],
    }
    write_json(pipe, header)
    del header
    write_message(pipe, pickle.dumps(list(entities), protocol=pickle.HIGHEST_PROTOCOL))
    gathered = terms.gathered(paths)
    write_chunks(
        pipe,
        (_row(found, names) for found, names in zip(gathered, resolved, strict=True)),
        (_bytes(names, codes, rest) for names, rest in zip(resolved, rests, strict=True)),
    )


def _row(found: _Gathered, names: ResolvedArticle) -> list[object]:
    terms = found.terms
    return [
        terms.id,
        terms.outlet,
        terms.title,
        terms.paragraphs.tolist(),
        terms.quote_paragraphs.tolist(),
        terms.lengths.tolist(),
        found.offset,
        found.count,
        len(names.codes),
        names.speakers(),
    ]


def _bytes(names: ResolvedArticle, typecode: str, rest: bytes) -> bytes:
    codes = names.codes
    if codes.typecode != typecode:
        raise ValueError("the mention codes of one resolution in arrays of another type")
    return codes.tobytes() + rest


class _Received(QuotationsRead):
    """`QuotationsRead` of the rows sent: each article's rest unpacked as it is reached,
    its mention codes read into the names the main process sent."""

    def __init__(self, rows: Iterator[tuple[list, bytes]], codes: str, names: list[str]) -> None:
        super().__init__()
        self._rows = rows
        self._codes = codes
        self._names = names

    def _articles(self) -> Iterator[ReadArticle]:
        names = self._names
        size = array(self._codes).itemsize
        for row, data in self._rows:
            count, speakers = row[8], row[9]
            codes = array(self._codes)
            codes.frombytes(data[: size * count])
            quotes, _, _, mentioned = unpack_rest(data[size * count :])
            yield quotes, mentioned, [names[code] for code in codes], speakers


def work(inbound: IO[bytes]) -> PreparedSearch:
    """In the spawned process: read the input first (the parent sends it at once and goes
    on), build the index, write its lists' rows to the file inherited, return the rest."""
    header = read_json(inbound)
    entities: list[EntityRecord] = pickle.loads(read_message(inbound))
    count = header["articles"]
    chunks = read_chunks(inbound, count)
    # the rows read twice: their terms first, then (`_Received`) their quotations
    rows = list(chunk_rows(chunks, count))
    del chunks
    articles = {}
    for number, (row, _) in enumerate(rows):
        article_id, outlet, title, paragraphs, quoted, lengths, offset, words = row[:8]
        terms = ArticleTerms(
            article_id,
            outlet,
            title,
            array("i", paragraphs),
            array("i", quoted),
            [],
            b"",
            array("I", lengths),
        )
        articles[str(number)] = _Gathered(terms, offset, words)
    with open(header["terms"], "rb", closefd=True) as file:
        met = SearchTerms.received(header["words"], file, articles)
        del header["words"]
        received = _Received(_each(rows), header["codes"], header["names"])
        paths = [str(number) for number in range(count)]
        index = met.index(paths, received, received.mentions(), entities, header["kept"])
    try:
        prepared = prepare_search(index)
        with os.fdopen(header["rows"], "wb") as out:
            write_search_rows(index, prepared, RecordedRows(out), 0)
    finally:
        index.close()
    return prepared


def _each(rows: list[tuple[list, bytes]]) -> Iterator[tuple[list, bytes]]:
    """The rows in order, each let go of once given."""
    rows.reverse()
    while rows:
        yield rows.pop()
