"""The `kabar` command: opens the reader, or runs one subcommand.

Subcommand modules are imported only when used, so `kabar` starts fast. Each module
has `HELP` (one line), `add_arguments(parser)` and `run(args) -> int`.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

from kabar_tui.config import load_config
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
}
OPEN_COMMAND = "kabar_tui.cli.open_cmd"


def _top_level_help() -> str:
    lines = [
        "usage: kabar [PATH ...]            open the reader (bundled seeds when no PATH)",
        "       kabar COMMAND [ARGS ...]    run a command; `kabar COMMAND --help` for more",
        "",
        "commands:",
    ]
    for name, module_name in COMMANDS.items():
        lines.append(f"  {name:<10} {import_module(module_name).HELP}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    try:
        return _dispatch(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
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
    if args and args[0] in COMMANDS:
        name, rest = args[0], args[1:]
        module = import_module(COMMANDS[name])
    else:
        name, rest = "", args
        module = import_module(OPEN_COMMAND)
    parser = argparse.ArgumentParser(prog=f"kabar {name}".strip(), description=module.HELP)
    module.add_arguments(parser)
    return module.run(parser.parse_args(rest))
