"""The ``lmstudio`` command: with no subcommand it opens the workbench; subcommands run headless.

    lmstudio                         open the window (on the bundled Tiny Shakespeare)
    lmstudio FILE|FOLDER|WS.json     open the window on that corpus or workspace
    lmstudio gui [FILE|WS.json]      the same, spelled out
    lmstudio prepare|train|sample|translate|eval|compress|export|runs|sweep|duel|context ...   headless

Errors caused by input print one line on stderr (``lmstudio: error: ...``) and exit with code 2,
never a traceback: LMStudioError, OSError (with its path), MemoryError. Ctrl-C exits with 130 (an
interrupted training saves a checkpoint first). Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import __version__

COMMANDS = (
    "prepare", "train", "sample", "translate", "eval", "compress", "export", "runs", "sweep", "duel", "context", "gui"
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    from . import compress, experiments, export, inference, prepare, runs, train

    parser = argparse.ArgumentParser(
        prog="lmstudio",
        description="Train language models from scratch and look inside them. "
        "Run without a command (or with a corpus file, folder or workspace .json) to open the workbench window.",
    )
    parser.add_argument("--version", action="version", version=f"lmstudio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    prepare.add_parser(sub)
    train.add_parser(sub)
    inference.add_sample_parser(sub)
    inference.add_translate_parser(sub)
    inference.add_eval_parser(sub)
    compress.add_parser(sub)
    export.add_parser(sub)
    runs.add_parser(sub)
    experiments.add_parser(sub)
    gui = sub.add_parser(
        "gui",
        help="open the workbench window (the default), optionally on a corpus or workspace",
        description="Open the workbench window. TARGET is a corpus (file or folder) to open, or a "
        "workspace .json saved by the window; without it the bundled Tiny Shakespeare opens.",
    )
    gui.add_argument("target", nargs="?", metavar="TARGET", help="corpus file or folder, or workspace .json")
    gui.set_defaults(func=lambda args: _gui(args.target))
    return parser


def _gui(target: str | None = None) -> int:
    """Open the window, on ``target`` (a corpus or a workspace .json) when given."""
    from ..gui import app  # the window, loaded only when asked for

    if target is not None:
        path = Path(target).expanduser()
        if not path.exists():
            from ..core.errors import CorpusError

            raise CorpusError(f"{path}: no such file or folder; give a corpus (file or folder) or a workspace .json")
        target = str(path)
    return app.main(["lmstudio"] + ([target] if target is not None else []))


def _route(argv: list[str]) -> list[str]:
    """``lmstudio FILE`` means ``lmstudio gui FILE``: a first word that is no command but an existing path."""
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        if Path(argv[0]).expanduser().exists():
            return ["gui", *argv]
    return argv


def _fail(message: str, code: int = 2) -> int:
    print(f"lmstudio: error: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    from ..core.errors import LMStudioError

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(_route(argv))  # a bad command line: argparse's usage line and exit 2
    args.argv = argv  # the command as given (train --processes N runs it again under torchrun)
    try:
        if args.command is None:
            return _gui()
        return int(args.func(args) or 0)
    except LMStudioError as exc:
        return _fail(" ".join(str(exc).split("\n")))
    except KeyboardInterrupt:
        print("lmstudio: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except MemoryError:
        return _fail("out of memory; use a smaller corpus, model, batch size or block size (or close other programs)")
    except OSError as exc:  # disk full, permissions, a path that is a folder...
        name = f"{exc.filename}: " if exc.filename else ""
        reason = exc.strerror or str(exc) or type(exc).__name__
        hint = {
            28: "; free some space or write somewhere else",
            13: "; check the permissions",
            30: "; the disk is read-only: write somewhere else",
        }.get(exc.errno or 0, "")
        return _fail(f"{name}{reason}{hint}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
