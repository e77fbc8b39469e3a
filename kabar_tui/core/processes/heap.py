"""Memory freed given back to the system: a module of its own, without numpy, so that a
process that never links (the names process) can call it too."""

from __future__ import annotations

import contextlib
import ctypes
import sys


def release_free_memory() -> None:
    """Give memory freed by the build back to the system (glibc keeps the freed pieces
    of many mid-sized arrays in its heap: at 100k articles about 500 MB stayed resident
    after linking, through the stages after it). Elsewhere, nothing to do: other C
    libraries have no `malloc_trim`, and Windows cannot open the process's own library."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(None).malloc_trim(0)
