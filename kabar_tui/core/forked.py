"""One function run in a forked process while this one goes on (the cross-article stage).

The child shares the parent's memory copy-on-write, so the function's input is not sent;
only its result comes back, pickled through a pipe. Forking a process that runs other
threads (the reader) can deadlock, so there, or where fork does not exist, the function
runs in this process when its result is asked for. A child that fails or dies is not an
error either: the function then runs here.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from kabar_tui.core.workers import prepare_worker_process

T = TypeVar("T")


def can_fork() -> bool:
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


class ForkedCall(Generic[T]):
    """`function()`, started in a forked child now (when safe); `result()` waits for it."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
        self._child = -1
        self._pipe = -1
        if not can_fork():
            return
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return  # out of descriptors: `result()` runs it here
        try:
            child = os.fork()
        except OSError:  # out of memory or processes: `result()` runs it here
            os.close(read_end)
            os.close(write_end)
            return
        if child == 0:  # pragma: no cover (the child: measured by its result)
            os.close(read_end)
            _run_child(function, write_end)
        os.close(write_end)
        self._child, self._pipe = child, read_end

    @property
    def forked(self) -> bool:
        return self._child > 0

    def result(self) -> T:
        if self._child <= 0:
            return self._function()
        pipe_end, self._pipe = self._pipe, -1  # the file object closes it, however it ends
        with os.fdopen(pipe_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._child, 0)
        self._child = -1
        if os.waitstatus_to_exitcode(status) != 0 or not data:
            return self._function()  # the child failed or died: here, then
        return pickle.loads(data)

    def cancel(self) -> None:
        """End the child, if still running (the stage stopped before asking)."""
        if self._child > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._child, signal.SIGKILL)
            os.waitpid(self._child, 0)
            self._child = -1
        if self._pipe >= 0:
            os.close(self._pipe)
            self._pipe = -1


def _run_child(function: Callable[[], object], write_end: int) -> None:
    """In the child: run, write the pickled result, and leave at once (no clean-up of
    what belongs to the parent: its buffers, atexit handlers, temporary files)."""
    code = 1
    try:
        prepare_worker_process()
        data = pickle.dumps(function(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)
