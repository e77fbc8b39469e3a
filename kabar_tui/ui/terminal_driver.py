"""Textual's terminal driver, made safe for a terminal that is hung up (an SSH drop).

A hang-up sends the session leader SIGHUP and SIGCONT. Textual took that SIGCONT for the
end of a Ctrl-Z and took the dead terminal again: a second output thread, which died on
its first write (EIO). Its queue holds 30 writes; quitting wrote 28-29 there, and under
load a few more screens drawn meanwhile filled it: the next write waited for ever, and the
reader outlived the connection (docs/processes.md, "A hang-up that did not end the reader").
"""

from __future__ import annotations

import os
from typing import IO, Any

from textual.app import App
from textual.drivers.linux_driver import LinuxDriver


class TerminalOutput:
    """The terminal as Textual's output thread writes to it: once a write fails (EIO after
    a hang-up), the rest is dropped. Textual's thread would die on the error, and then the
    next 30 writes fill its queue and the one after blocks the app for ever.

    A terminal that another program left non-blocking (the flag belongs to the terminal's
    open file, shared with the shell and its other programs) is made blocking again before
    each write: a full terminal then waits for room, where it failed with BlockingIOError
    part-way through a screen, and a text stream cannot say how much of it was written."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.gone = False

    def write(self, text: str) -> None:
        if not self.gone:
            try:
                self._blocking()
                self._stream.write(text)
            except OSError:
                self.gone = True

    def flush(self) -> None:
        if not self.gone:
            try:
                self._blocking()
                self._stream.flush()
            except OSError:
                self.gone = True

    def _blocking(self) -> None:
        descriptor = self._stream.fileno()
        if not os.get_blocking(descriptor):
            os.set_blocking(descriptor, True)

    def fileno(self) -> int:
        return self._stream.fileno()


class TerminalDriver(LinuxDriver):
    """LinuxDriver whose output survives a dead terminal and which resumes on SIGCONT only
    what its SIGTSTP suspended (a hang-up's SIGCONT, or `kill -CONT`, resumed nothing)."""

    def __init__(self, app: App[Any], **options: Any) -> None:
        self._suspended_by_signal = False  # before super() installs the signal handlers
        super().__init__(app, **options)
        if self._file is not None:
            # Textual's output thread uses its write, flush and fileno only.
            self._file = TerminalOutput(self._file)  # type: ignore[assignment]

    def _sigtstp_application(self, *args: Any) -> None:
        # Textual suspends application mode here only when it restarts it automatically.
        self._suspended_by_signal = self._auto_restart
        super()._sigtstp_application(*args)

    def _sigcont_application(self, *args: Any) -> None:
        if self._suspended_by_signal:
            self._suspended_by_signal = False
            super()._sigcont_application(*args)
