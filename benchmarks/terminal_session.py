"""Run `kabar` in a real pseudo-terminal, as a user over SSH would, for tests and benchmarks.

The command becomes a session leader with the pty as its controlling terminal, so closing
the master side is a real hang-up (SIGHUP), as when an SSH connection drops. Everything it
writes is collected, so a test can check what the terminal was left in. A command that
does not end explains itself: `diagnosis()` says what each of its processes is doing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

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
_SIGUSR1_BIT = 1 << (signal.SIGUSR1 - 1)  # in /proc/PID/status's SigCgt mask


class TerminalSession:
    """One command on a pty of `size` (columns, rows), run in `cwd`; output gathered as it
    comes."""

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (80, 24),
        cwd: Path | None = None,
    ) -> None:
        master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.master: int | None = master
        self.output = bytearray()
        self._lock = threading.Lock()
        # `kabar` writes its threads' stacks here on SIGUSR1 (cli._stacks_on_request).
        self._scratch = tempfile.TemporaryDirectory(prefix="kabar-session-")
        self.stacks_file = Path(self._scratch.name) / "stacks.txt"
        env = dict(os.environ if env is None else env, KABAR_STACKS=str(self.stacks_file))
        self.process = subprocess.Popen(
            [sys.executable, "-c", _TAKE_TERMINAL, *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
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

    def diagnosis(self, settle: float = 2.0) -> str:
        """What the command and each of its descendants are doing, for a test's failure
        message: state, kernel wait channel and command line of each process and thread,
        the Python stacks of the command's threads (SIGUSR1, when it has asked for it),
        py-spy's dump of each when py-spy is installed, and the end of the output."""
        code = self.process.poll()
        if code is not None:
            return f"ended with {code}; output ends: {self.text()[-300:]!r}"
        pids = [self.pid, *sorted(_descendants(self.pid))]
        lines = ["still running after the wait; its processes:"]
        lines += [_describe(pid) for pid in pids]
        if _catches_sigusr1(self.pid):
            os.kill(self.pid, signal.SIGUSR1)
            deadline = time.monotonic() + settle
            while time.monotonic() < deadline and not _read(self.stacks_file):
                time.sleep(0.05)
            time.sleep(0.2)  # the rest of the dump
            lines += [f"stacks of {self.pid} (faulthandler):", _read(self.stacks_file)]
        spy = shutil.which("py-spy")
        if spy is not None:
            for pid in pids:
                dump = subprocess.run(
                    [spy, "dump", "--pid", str(pid)], capture_output=True, text=True, timeout=30
                )
                lines.append(dump.stdout or dump.stderr)
        lines.append(f"output ends: {self.text()[-300:]!r}")
        return "\n".join(lines)

    def close(self) -> None:
        """Kill whatever is left of the command's process group, and close the terminal."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.hang_up()
        self._scratch.cleanup()

    def __enter__(self) -> TerminalSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _read(entry / "stat")):
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _descendants(root: int) -> set[int]:
    children = _children()
    found: set[int] = set()
    frontier = [root]
    while frontier:
        frontier = [child for pid in frontier for child in children.get(pid, [])]
        found.update(frontier)
    return found


def _describe(pid: int) -> str:
    """`pid state wchan command`, then one such line per thread (Linux's /proc)."""
    folder = Path(f"/proc/{pid}")
    command = _read(folder / "cmdline").replace("\0", " ").strip()[:300]
    lines = [f"{pid} {_state(folder)} {command}"]
    with contextlib.suppress(OSError):
        for task in sorted(folder.joinpath("task").iterdir(), key=lambda t: int(t.name)):
            name = _read(task / "comm").strip()
            lines.append(f"    thread {task.name} {name}: {_state(task)}")
    return "\n".join(lines)


def _state(folder: Path) -> str:
    stat = _read(folder / "stat")
    state = stat[stat.rindex(")") + 2 :].split()[0] if stat else "gone"
    return f"{state} in {_read(folder / 'wchan') or '?'}"


def _catches_sigusr1(pid: int) -> bool:
    for line in _read(Path(f"/proc/{pid}/status")).splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & _SIGUSR1_BIT)
    return False


def kabar_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "kabar_tui", *args]
