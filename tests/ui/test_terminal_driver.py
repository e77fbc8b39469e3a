"""The reader's terminal driver (`ui/terminal_driver.py`) on a terminal that was hung up:
the app's writes never block, and the driver is the one the reader runs with.

The real hang-up, and SIGCONT with and without Ctrl-Z, are in tests/test_processes.py.
"""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from textual.app import App
from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

from kabar_tui.ui.app import KabarApp
from kabar_tui.ui.terminal_driver import TerminalDriver, TerminalOutput

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Textual's Linux driver")

LIVENESS_SECONDS = 30.0  # only a blocked write fails it


class HungUpTerminal:
    """What stderr is after a hang-up: every write and flush fails with EIO."""

    def __init__(self) -> None:
        self.attempts = 0

    def write(self, text: str) -> int:
        self.attempts += 1
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    def flush(self) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    def fileno(self) -> int:
        return 2


async def made(driver_class: type[TerminalDriver]) -> TerminalDriver:
    return driver_class(App())  # a driver takes the running event loop


@pytest.fixture
def signals_kept() -> Iterator[None]:
    """The driver installs SIGTSTP and SIGCONT handlers: put the suite's back."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTSTP, signal.SIGCONT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


@pytest.mark.usefixtures("signals_kept")
def test_writes_after_the_terminal_is_gone_never_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's output thread died on the first EIO, and the 31st write after that waited
    for ever for room in its queue: the reader then outlived a dropped SSH connection."""
    terminal = HungUpTerminal()
    monkeypatch.setattr(sys, "__stderr__", terminal)
    with open(os.devnull) as nothing:
        monkeypatch.setattr(sys, "__stdin__", nothing)
        driver = asyncio.run(made(TerminalDriver))
    writer = WriterThread(driver._file)  # what the driver hands its output thread
    writer.start()
    done = threading.Event()

    def draw_and_quit() -> None:
        for _ in range(MAX_QUEUED_WRITES * 3):
            writer.write("\x1b[?25h")
        writer.stop()
        done.set()

    threading.Thread(target=draw_and_quit, daemon=True).start()
    assert done.wait(LIVENESS_SECONDS), f"blocked; the thread alive: {writer.is_alive()}"
    assert terminal.attempts == 1  # the rest was dropped, not tried again


def test_the_reader_runs_with_it() -> None:
    assert KabarApp().driver_class is TerminalDriver


def test_a_terminal_left_non_blocking_gets_every_byte() -> None:
    """Another program can leave the terminal non-blocking; a full terminal then failed a
    write with BlockingIOError, and the output was dropped as if the terminal were gone."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    stream = open(write_end, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    output = TerminalOutput(stream)
    screens = [f"\x1b[H{number:06d}" * 2_000 for number in range(40)]  # far over a pipe
    received = bytearray()

    def read_slowly() -> None:
        while chunk := os.read(read_end, 4096):
            received.extend(chunk)
            time.sleep(0.001)  # slower than the writer: the pipe fills

    reader = threading.Thread(target=read_slowly, daemon=True)
    reader.start()
    for screen in screens:
        output.write(screen)
        output.flush()
    stream.close()
    reader.join(LIVENESS_SECONDS)
    os.close(read_end)
    assert not output.gone
    assert received.decode("utf-8") == "".join(screens)
