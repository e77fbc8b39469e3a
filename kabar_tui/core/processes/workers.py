"""Set-up shared by every worker process the core starts (indexing, linking).

A worker must never outlive `kabar`: killed by SIGKILL or a dropped SSH session, the
parent cannot tell its workers to go, and a worker waiting for work would wait for ever.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def prepare_worker_process() -> None:
    """Ctrl-C is the parent's to handle (workers must not each print a traceback),
    SIGTERM and SIGHUP end the worker (it may have inherited the parent's handlers), and
    it dies with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _set_death_signal()
    watch_parent()


def _set_death_signal() -> None:
    """Linux: the kernel kills this process when its parent ends, even by SIGKILL.

    The parent is the process that forked it: `kabar`, or the fork server, which itself
    exits when `kabar` does.
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), 0, 0, 0)


def watch_parent() -> None:
    """Exit when `kabar` is gone, on any system: a thread waits on the parent's sentinel,
    a pipe whose other end only `kabar` holds, which reads as closed once it has ended.

    Without it (and without the death signal) a worker whose parent was killed waits for
    work that never comes, for ever.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    watcher = threading.Thread(
        target=_exit_when_gone, args=(parent.sentinel,), name="kabar-parent", daemon=True
    )
    watcher.start()


def _exit_when_gone(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)
