"""``python -m lmstudio`` is the ``lmstudio`` command; with no subcommand it opens the workbench window."""

from __future__ import annotations

import sys


def gui_main(argv: list[str] | None = None) -> int:
    """Open the main window (optionally on a corpus file or a workspace .json given as the argument)."""
    from .gui.app import run

    return run(argv)


if __name__ == "__main__":
    from .cli import main  # subcommands run headless; no subcommand opens the window

    sys.exit(main())
