"""Name resolution run in a spawned process while the first index stores its link index.

A child forked from the main process during linking inherits the digests' passages and
the link index, and keeps them resident even once let go of (pymalloc keeps partly used
arenas): at 100k articles it peaked at 2.18 GB. A spawned process starts empty and is
sent only what `resolve_digest` reads: per article its id, title and packed rest
(`digest.packed_rest`, or the bytes `without_rest` held), the stories and the quotation
group numbers, as rows and arrays a few thousand articles at a time: not pickled, whose
memo of a million objects would grow the main process while it holds the link index.
The `Resolution` comes back pickled, as from the forked child before (docs/indexing.md,
"namespawn").

Spawning (fork and exec at once) is safe in a process running threads (the reader), so
this serves both. A process that fails or dies gives `NamesFailed`, never a wait (the
pipeline then resolves in its own process).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import traceback
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

import kabar_tui
from kabar_tui.core.digest import ArticleDigest, CorpusDigest, unpack_rest
from kabar_tui.core.model import Story
from kabar_tui.core.resolve import Resolution, resolve_digest
from kabar_tui.core.workers import prepare_worker_process

# Articles per message: a few MB of packed rests.
CHUNK = 4096
# The end of the child's error output kept for `NamesFailed`.
_ERROR_CHARS = 4000
_DONE, _FAILED = b"R", b"E"
# This copy of kabar_tui, first on the child's path (ahead of the user's PYTHONPATH): the
# same code resolves. `-P`: the current folder is not on it (`-c` would put it first, and
# a `kabar_tui` or `json.py` there would be imported instead).
_SOURCE = str(Path(kabar_tui.__file__).resolve().parent.parent)
_CHILD = "from kabar_tui.core.names_process import serve; serve()"


class NamesFailed(RuntimeError):
    """Name resolution's process failed (its error) or died (its exit code)."""


class SpawnedNames:
    """`resolve_digest` of the articles, stories and quotation group numbers given, in a
    spawned process (a fresh interpreter, not a copy of this one) started and sent its
    input now; `result()` waits for it. OSError when no process can be started (the
    caller resolves here)."""

    def __init__(
        self,
        articles: Sequence[ArticleDigest],
        rests: Iterable[bytes],
        stories: Sequence[Story],
        numbers: Sequence[int] | None,
    ) -> None:
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_SOURCE, path]))}
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by result, cancel)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-c", _CHILD, str(os.getpid())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
                env=env,
            )
        except BaseException:
            self._errors.close()
            raise
        assert self._process.stdin is not None
        try:
            with self._process.stdin as pipe:
                _send(pipe, articles, rests, stories, numbers)
        except OSError:
            pass  # the child is gone: `result()` says why
        except BaseException:
            self.cancel()
            raise

    @property
    def pid(self) -> int:
        return self._process.pid

    def result(self) -> Resolution:
        assert self._process.stdout is not None
        with self._process.stdout as pipe:
            data = pipe.read()
        code = self._process.wait()
        if data[:1] == _DONE and code == 0:
            self._errors.close()
            return pickle.loads(memoryview(data)[1:])
        if data[:1] == _FAILED:
            said = data[1:].decode("utf-8", "replace")
        else:
            self._errors.seek(0)
            said = self._errors.read().decode("utf-8", "replace")[-_ERROR_CHARS:]
        self._errors.close()
        raise NamesFailed(
            f"name resolution's process failed (exit code {code})"
            + (f":\n{said.rstrip()}" if said.strip() else "")
        )

    def cancel(self) -> None:
        """End the process, if still running (the stage stopped, or it is done)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()
        self._errors.close()


def _write(pipe: IO[bytes], data: bytes) -> None:
    pipe.write(len(data).to_bytes(8, "little"))
    pipe.write(data)


def _read(pipe: IO[bytes]) -> bytes:
    size = int.from_bytes(pipe.read(8), "little")
    data = pipe.read(size)
    if len(data) != size:
        raise EOFError("the input ended early")
    return data


def _send(
    pipe: IO[bytes],
    articles: Sequence[ArticleDigest],
    rests: Iterable[bytes],
    stories: Sequence[Story],
    numbers: Sequence[int] | None,
) -> None:
    """A header (the number of articles, the stories), the quotation group numbers, then
    per chunk of articles their (id, title) rows, their rests' lengths and the rests."""
    header = {
        "articles": len(articles),
        "stories": [[story.id, story.title, story.articles] for story in stories],
        "numbers": numbers is not None,
    }
    _write(pipe, json.dumps(header, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    del header
    if numbers is not None:
        _write(pipe, array("i", numbers).tobytes())
    rest = iter(rests)
    for start in range(0, len(articles), CHUNK):
        chunk = articles[start : start + CHUNK]
        packed = [next(rest) for _ in chunk]
        rows = [[article.id, article.title] for article in chunk]
        _write(pipe, json.dumps(rows, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        _write(pipe, array("I", map(len, packed)).tobytes())
        _write(pipe, b"".join(packed))


def serve() -> None:  # pragma: no cover (the child: measured by its result)
    """In the spawned process: read everything, resolve, write the resolution back."""
    prepare_worker_process()
    if len(sys.argv) > 1 and os.getppid() != int(sys.argv[1]):
        os._exit(1)  # the parent ended before the death signal was set
    out = sys.stdout.buffer
    try:
        with sys.stdin.buffer as inbound:
            resolution = _resolve(inbound)
        data = pickle.dumps(resolution, protocol=pickle.HIGHEST_PROTOCOL)
        del resolution
        out.write(_DONE)
        out.write(data)
    except Exception:
        out.write(_FAILED + traceback.format_exc()[-_ERROR_CHARS:].encode("utf-8", "replace"))
    out.flush()
    os._exit(0)


def _resolve(inbound: IO[bytes]) -> Resolution:
    """Read all the input first (the parent sends it at once and goes on), then unpack
    it a chunk at a time, in corpus order, each chunk let go of once unpacked."""
    header = json.loads(_read(inbound).decode("utf-8", "surrogatepass"))
    stories = [Story(id, list(members), title) for id, title, members in header["stories"]]
    numbers = None
    if header["numbers"]:
        numbers = array("i")
        numbers.frombytes(_read(inbound))
    chunks = []
    for _ in range(0, header["articles"], CHUNK):
        chunks.append((_read(inbound), _read(inbound), _read(inbound)))
    chunks.reverse()  # popped from the end, in order
    digest = CorpusDigest()
    while chunks:
        rows, lengths, packed = chunks.pop()
        sizes = array("I")
        sizes.frombytes(lengths)
        at = 0
        for (article_id, title), size in zip(
            json.loads(rows.decode("utf-8", "surrogatepass")), sizes, strict=True
        ):
            article = ArticleDigest(
                article_id, "", title, None, array("i"), [], array("i"), [], {}, Counter()
            )
            digest.refill(article, unpack_rest(packed[at : at + size]))
            digest.articles.append(article)
            at += size
    if len(digest.articles) != header["articles"]:
        raise ValueError("fewer articles than announced")
    if numbers is None:
        return resolve_digest(digest, stories)
    given = numbers
    return resolve_digest(digest, stories, lambda: given)
