"""The `kabar` command: opens the reader, or runs one subcommand.

Subcommand modules are imported only when used, so `kabar` starts fast. Each module
has `HELP` (one line), `add_arguments(parser)` and `run(args) -> int`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from importlib import import_module
from types import FrameType
from typing import Any

from kabar_tui.config import load_config
from kabar_tui.core.lexicon import DataFileError
from kabar_tui.i18n import resolve_language, set_language

COMMANDS: dict[str, str] = {
    "list": "kabar_tui.cli.list_cmd",
    "show": "kabar_tui.cli.show_cmd",
    "export": "kabar_tui.cli.export_cmd",
    "analyze": "kabar_tui.cli.analyze_cmd",
    "entities": "kabar_tui.cli.entities_cmd",
    "quotes": "kabar_tui.cli.quotes_cmd",
    "search": "kabar_tui.cli.search_cmd",
    "related": "kabar_tui.cli.related_cmd",
    "compare": "kabar_tui.cli.compare_cmd",
    "index": "kabar_tui.cli.index_cmd",
    "serve": "kabar_tui.cli.serve_cmd",
    "config": "kabar_tui.cli.config_cmd",
    "train": "kabar_tui.cli.train_cmd",
}
OPEN_COMMAND = "kabar_tui.cli.open_cmd"
# numpy's OpenBLAS starts a thread per core when numpy is imported, which then spins for
# about 0.1 s of CPU waiting for work: a fifth of `kabar search`'s CPU at 100k articles
# (docs/search.md). Only `kabar train` multiplies matrices large enough to share; the
# others (and their worker processes, which inherit it) run one BLAS thread unless the
# user's environment says otherwise: any of the variables OpenBLAS reads, in its order. It
# is set in this process's environment, so the programs the reader starts inherit it too.
BLAS_THREADS = "OPENBLAS_NUM_THREADS"
BLAS_THREAD_VARIABLES = (BLAS_THREADS, "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
SHARED_BLAS_COMMANDS = ("train",)
# Signals that end a command the way Ctrl-C does (the reader handles them itself).
ENDING_SIGNALS = ("SIGTERM", "SIGHUP")


class Terminated(BaseException):
    """SIGTERM or SIGHUP (an SSH connection dropped), raised like KeyboardInterrupt so that
    the cache transaction in progress rolls back, worker processes end and a progress bar
    gives the cursor back, instead of the process vanishing mid-write."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _ending_signals_raise() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into Terminated while a command runs (main thread only)."""
    previous: dict[int, Callable[[int, FrameType | None], Any] | int | None] = {}
    with contextlib.suppress(ValueError):  # not the main thread: signals are not ours
        for name in ENDING_SIGNALS:
            if hasattr(signal, name):
                signum = getattr(signal, name)
                previous[signum] = signal.signal(signum, _raise_terminated)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:  # None: set outside Python, cannot be put back
                signal.signal(signum, handler)


def _stacks_on_request() -> None:
    """KABAR_STACKS=FILE: SIGUSR1 appends the stack of every thread to FILE, so that a kabar
    that does not end (stopped, hung up) can say where it waits; the terminal may be gone
    or Textual's. The tests' terminal sessions set it (benchmarks/terminal_session.py)."""
    path = os.environ.get("KABAR_STACKS")
    if path and hasattr(signal, "SIGUSR1"):
        import faulthandler

        try:
            stacks = open(path, "a")  # noqa: SIM115 (open for as long as kabar runs)
        except OSError as error:  # a diagnostic: say so, never keep kabar from starting
            print(f"kabar: KABAR_STACKS: cannot write {path!r}: {error.strerror}", file=sys.stderr)
            return
        faulthandler.register(signal.SIGUSR1, stacks, all_threads=True)


def _top_level_help() -> str:
    lines = [
        "usage: kabar [PATH ...]            open the reader (bundled seeds when no PATH)",
        "       kabar COMMAND [ARGS ...]    run a command; `kabar COMMAND --help` for more",
        "",
        "commands:",
    ]
    for name, module_name in COMMANDS.items():
        lines.append(f"  {name:<10} {import_module(module_name).HELP}")
    lines += ["", "reader options (kabar [OPTIONS] [PATH ...]):"]
    reader = argparse.ArgumentParser(add_help=False)
    import_module(OPEN_COMMAND).add_arguments(reader)
    for action in reader._actions:  # the reader's own parser: its help cannot drift from it
        if action.option_strings:
            words = ", ".join(action.option_strings)
            if action.metavar:
                words += f" {action.metavar}"
            lines.append(f"  {words:<16} {action.help}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    _stacks_on_request()
    try:
        with _ending_signals_raise():
            return _dispatch(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except DataFileError as error:  # a data file edited by hand names an unknown value
        print(f"kabar: error: {error}", file=sys.stderr)
        return 1
    except Terminated as stop:  # nothing printed: after SIGHUP there is no terminal to print on
        return 128 + stop.signum
    except BrokenPipeError:
        # The reader of a pipe went away (`kabar export | head`): stop quietly, and point
        # stdout at devnull so the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _dispatch(args: list[str]) -> int:
    if args and args[0] in ("-h", "--help"):
        print(_top_level_help())
        return 0
    set_language(resolve_language(None, load_config().lang))  # `kabar --lang` overrides it
    told = any(name in os.environ for name in BLAS_THREAD_VARIABLES)
    if not told and not (args and args[0] in SHARED_BLAS_COMMANDS):  # before numpy's import
        os.environ[BLAS_THREADS] = "1"
    if args and args[0] in COMMANDS:
        name, rest = args[0], args[1:]
        module = import_module(COMMANDS[name])
    else:
        name, rest = "", args
        module = import_module(OPEN_COMMAND)
    parser = argparse.ArgumentParser(prog=f"kabar {name}".strip(), description=module.HELP)
    module.add_arguments(parser)
    return module.run(parser.parse_args(rest))
