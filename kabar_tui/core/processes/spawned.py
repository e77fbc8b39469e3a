"""One job of the cross-article stage run in a spawned process: a fresh interpreter, not a
copy of this one, sent only its input through a pipe, in messages.

A child forked from the main process during the cross-article stage inherits every
digest with its passages (about 1 GB at 100k articles) and keeps it resident; a spawned
one holds only what it is sent (docs/indexing.md, "namespawn", "quotespawn"). Spawning
(fork and exec at once) is also safe in a process running threads (the reader).

The child runs `serve`, which reads its input with the job's `work(inbound)` (named by
module) and writes the result back pickled. A process that fails or dies gives
`ChildFailed`, never a wait: the caller then does the job in its own process.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import traceback
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

import kabar_tui
from kabar_tui.core.processes.workers import prepare_worker_process

T = TypeVar("T")

# Articles per message: a few MB of packed rests.
CHUNK = 4096
# Any str, as the articles' own rows take it.
_ENCODING, _ERRORS = "utf-8", "surrogatepass"

# The end of the child's error output kept for `ChildFailed`.
_ERROR_CHARS = 4000
_DONE, _FAILED = b"R", b"E"
_UNREAD = object()
# This copy of kabar_tui, first on the child's path (ahead of the user's PYTHONPATH): the
# same code runs. `-P`: the current folder is not on it (`-c` would put it first, and
# a `kabar_tui` or `json.py` there would be imported instead).
_SOURCE = str(Path(kabar_tui.__file__).resolve().parent.parent)
_CHILD = "from kabar_tui.core.processes.spawned import serve; serve()"


class ChildFailed(RuntimeError):
    """A spawned process failed (its error) or died (its exit code)."""


class SpawnedCall(Generic[T]):
    """`work(inbound)` of the module `job` (its input written by `send`), in a spawned
    process started and sent its input now; `result()` waits for it. OSError when no
    process can be started (the caller does the job here). `what` names the job in
    `ChildFailed`; `pass_fds`, descriptors the child inherits (a file it maps). With
    `more`, the input is left open once `send` wrote it: `send_rest` writes its end
    later, while the child works on what it has (`result()` closes it if `send_rest` was
    never called, so such a child fails on its input's end instead of waiting)."""

    def __init__(
        self,
        job: str,
        send: Callable[[IO[bytes]], None],
        what: str,
        pass_fds: tuple[int, ...] = (),
        more: bool = False,
    ) -> None:
        self._what = what
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_SOURCE, path]))}
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by result, cancel)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-c", _CHILD, str(os.getpid()), job],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
                env=env,
                pass_fds=pass_fds,
            )
        except BaseException:
            self._errors.close()
            raise
        self._write(send, close=not more)

    def send_rest(self, send: Callable[[IO[bytes]], None]) -> None:
        """Write the end of the input of a call started with `more`, and close it."""
        self._write(send, close=True)

    def _write(self, send: Callable[[IO[bytes]], None], close: bool) -> None:
        pipe = self._process.stdin
        assert pipe is not None
        try:
            try:
                send(pipe)
                pipe.flush()  # all of it for the child now, also when more follows
            finally:
                if close:
                    pipe.close()
        except OSError:
            pass  # the child is gone: `result()` says why
        except BaseException:
            self.cancel()
            raise

    @property
    def pid(self) -> int:
        return self._process.pid

    def result(self) -> T:
        """The result unpickled as it arrives: its pickle (hundreds of MB at 100k
        articles) is never held whole beside the objects made from it."""
        assert self._process.stdout is not None and self._process.stdin is not None
        with contextlib.suppress(OSError):  # its end never sent: the child fails, not waits
            self._process.stdin.close()
        value: Any = _UNREAD
        unread = ""
        with self._process.stdout as pipe:
            kind = pipe.read(1)
            if kind == _DONE:
                try:
                    value = pickle.load(pipe)
                except Exception as error:  # cut short (the exit code says why) or unreadable
                    unread = f"{type(error).__name__}: {error}"
            rest = pipe.read()
        code = self._process.wait()
        if value is not _UNREAD and code == 0:
            self._errors.close()
            return value  # type: ignore[no-any-return]
        if kind == _FAILED:
            said = rest.decode("utf-8", "replace")
        else:
            self._errors.seek(0)
            said = self._errors.read().decode("utf-8", "replace")[-_ERROR_CHARS:] or unread
        self._errors.close()
        raise ChildFailed(
            f"{self._what}'s process failed (exit code {code})"
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


def write_message(pipe: IO[bytes], data: bytes) -> None:
    pipe.write(len(data).to_bytes(8, "little"))
    pipe.write(data)


def read_message(pipe: IO[bytes]) -> bytes:
    head = pipe.read(8)
    if len(head) != 8:
        raise EOFError("the input ended early")
    size = int.from_bytes(head, "little")
    data = pipe.read(size)
    if len(data) != size:
        raise EOFError("the input ended early")
    return data


def write_json(pipe: IO[bytes], value: object) -> None:
    write_message(pipe, json.dumps(value, ensure_ascii=False).encode(_ENCODING, _ERRORS))


def read_json(pipe: IO[bytes]) -> Any:
    return json.loads(read_message(pipe).decode(_ENCODING, _ERRORS))


def write_chunks(pipe: IO[bytes], rows: Iterable[object], packed: Iterable[bytes]) -> None:
    """Per article a JSON row and bytes (its packed rest), `CHUNK` articles a message:
    not pickled, whose memo of a million objects would grow the sending process."""
    rows, packed = iter(rows), iter(packed)
    while chunk := list(islice(rows, CHUNK)):
        parts = list(islice(packed, len(chunk)))
        if len(parts) != len(chunk):
            raise ValueError("fewer packed rests than rows")
        write_json(pipe, chunk)
        write_message(pipe, array("I", map(len, parts)).tobytes())
        write_message(pipe, b"".join(parts))


def read_chunks(pipe: IO[bytes], count: int) -> list[tuple[bytes, bytes, bytes]]:
    """The messages `write_chunks` wrote for `count` articles, read at once (the parent
    goes on meanwhile), not unpacked."""
    return [
        (read_message(pipe), read_message(pipe), read_message(pipe)) for _ in range(0, count, CHUNK)
    ]


def chunk_rows(chunks: list[tuple[bytes, bytes, bytes]], count: int) -> Iterator[tuple[Any, bytes]]:
    """Each of the `count` articles' row and bytes, in order, each chunk let go of once
    gone through."""
    chunks.reverse()  # popped from the end, in order
    while chunks:
        rows, lengths, packed = chunks.pop()
        sizes = array("I")
        sizes.frombytes(lengths)
        at = 0
        for row, size in zip(json.loads(rows.decode(_ENCODING, _ERRORS)), sizes, strict=True):
            yield row, packed[at : at + size]
            at += size
            count -= 1
    if count:
        raise ValueError("fewer articles than announced")


def serve() -> None:  # pragma: no cover (the child: measured by its result)
    """In the spawned process: run the job named on the command line on the input, write
    its result back."""
    prepare_worker_process()
    if os.getppid() != int(sys.argv[1]):
        os._exit(1)  # the parent ended before the death signal was set
    out = sys.stdout.buffer
    try:
        work = importlib.import_module(sys.argv[2]).work
        with sys.stdin.buffer as inbound:
            result = work(inbound)
    except Exception:
        out.write(_FAILED + traceback.format_exc()[-_ERROR_CHARS:].encode("utf-8", "replace"))
        out.flush()
        os._exit(0)
    out.write(_DONE)
    try:
        write_result(out, result)
    except Exception:  # the result begun: the parent finds it cut short, its error here
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    os._exit(0)


def write_result(out: IO[bytes], result: object) -> None:
    """`result` pickled into `out` as it is made, a frame at a time: the names' pickle at
    100k articles (190 MB) held whole beside its objects was most of that process's
    peak (docs/indexing.md, "namesmem")."""
    pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
