"""Imports that several of the reader's threads need, made once under one lock.

rapidfuzz's package imports itself in a cycle: a thread importing it while another is
halfway through gets `ImportError: partially initialized module`. Whoever comes first
finishes the import before the other starts.
"""

from __future__ import annotations

import threading

_LOCK = threading.Lock()


def import_rapidfuzz() -> None:
    with _LOCK:
        import rapidfuzz  # noqa: F401  (the import is the point)
