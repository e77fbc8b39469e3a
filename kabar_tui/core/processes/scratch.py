"""Reading back the scratch files indexing writes beside the cache (passages' texts,
search terms, packed rests): a span at a time with `os.pread`, never mapped, so no page
read counts in the process's resident size."""

from __future__ import annotations

import os


def read_span(descriptor: int, at: int, size: int, what: str) -> bytes:
    """`size` bytes from `at` in the file open at `descriptor`; OSError naming the file
    (`what`) when it holds fewer."""
    data = os.pread(descriptor, size, at)
    if len(data) != size:
        raise OSError(f"{what} was cut short")
    return data
