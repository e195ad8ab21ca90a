"""评分工具命令行（分发器）/ The grader's command line: a small dispatcher.

Each subcommand lives in its own module, which provides::

    HELP: str                                   # one-line zh/en help
    def add_arguments(parser) -> None           # its options
    def run(args) -> int                        # exit code

Add a subcommand by adding one line to ``COMMANDS``. Modules are imported lazily, so one
subcommand's heavy imports (nbgrader, sympy) never slow down or break another.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand -> module that implements it
COMMANDS: dict[str, str] = {
    "build": "grader.release.cli",
    "grade": "grader.batch",
    "demo": "grader.demo",
    "nbgrader": "grader.nbgrader_cli",
    "summary": "grader.summary",
    "similarity": "grader.similarity",
}


def main(argv: list[str] | None = None) -> int:
    """入口 / Entry point: ``python -m grader <command> …``."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if argv and argv[0] in COMMANDS:
        module = importlib.import_module(COMMANDS[argv[0]])
        module.add_arguments(sub.add_parser(argv[0], help=module.HELP))
    else:
        for name in COMMANDS:
            sub.add_parser(name)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return int(importlib.import_module(COMMANDS[args.command]).run(args))
