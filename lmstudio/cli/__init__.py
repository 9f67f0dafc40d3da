"""The ``lmstudio`` command: with no subcommand it opens the workbench; subcommands run headless.

Errors caused by input print one line on stderr (``lmstudio: error: ...``) and exit with code 2,
never a traceback; an interrupted training saves a checkpoint and exits with 130.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__


def build_parser() -> argparse.ArgumentParser:
    from . import inference, prepare, train

    parser = argparse.ArgumentParser(
        prog="lmstudio",
        description="Train language models from scratch and look inside them. "
        "Run without a command to open the workbench window.",
    )
    parser.add_argument("--version", action="version", version=f"lmstudio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    prepare.add_parser(sub)
    train.add_parser(sub)
    inference.add_sample_parser(sub)
    inference.add_eval_parser(sub)
    gui = sub.add_parser("gui", help="open the workbench window (the default)")
    gui.set_defaults(func=lambda args: _gui())
    return parser


def _gui() -> int:
    from ..__main__ import gui_main

    return gui_main()


def main(argv: list[str] | None = None) -> int:
    from ..core.errors import LMStudioError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _gui()
    try:
        return int(args.func(args) or 0)
    except LMStudioError as exc:
        print(f"lmstudio: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lmstudio: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except OSError as exc:  # disk full, permissions, a path that is a folder...
        name = f"{exc.filename}: " if exc.filename else ""
        print(f"lmstudio: error: {name}{exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
