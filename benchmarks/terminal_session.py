"""Run `kabar` in a real pseudo-terminal, as a user over SSH would, for tests and benchmarks.

The command becomes a session leader with the pty as its controlling terminal, so closing
the master side is a real hang-up (SIGHUP), as when an SSH connection drops. Everything it
writes is collected, so a test can check what the terminal was left in.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Sequence

ENTER_ALT_SCREEN = b"\x1b[?1049h"
LEAVE_ALT_SCREEN = b"\x1b[?1049l"
SHOW_CURSOR = b"\x1b[?25h"
HIDE_CURSOR = b"\x1b[?25l"

# Runs in the child before the command: take the pty (stdin) as controlling terminal.
_TAKE_TERMINAL = (
    "import fcntl, os, sys, termios; "
    "fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


class TerminalSession:
    """One command on a pty of `size` (columns, rows); output gathered as it comes."""

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (80, 24),
    ) -> None:
        master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.master: int | None = master
        self.output = bytearray()
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _TAKE_TERMINAL, *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self, master: int) -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every slave side is closed
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def text(self) -> bytes:
        with self._lock:
            return bytes(self.output)

    def wait_for(self, needle: bytes, timeout: float) -> bool:
        """Whether `needle` appeared in the output before `timeout` seconds passed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return True
            if self.process.poll() is not None:
                return needle in self.text()
            time.sleep(0.02)
        return False

    def type(self, keys: bytes) -> None:
        assert self.master is not None
        os.write(self.master, keys)

    def signal(self, signum: int) -> None:
        os.kill(self.process.pid, signum)

    def hang_up(self) -> None:
        """Close the terminal, as sshd does when the connection drops."""
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def wait(self, timeout: float) -> int | None:
        """The exit code, or None if the command still runs after `timeout` seconds."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join(1)  # the rest of the output
        return code

    def close(self) -> None:
        """Kill whatever is left of the command's process group, and close the terminal."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.hang_up()

    def __enter__(self) -> TerminalSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def kabar_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "kabar_tui", *args]
