"""``python -m lmstudio`` is the ``lmstudio`` command; with no subcommand it opens the workbench window."""

from __future__ import annotations

import sys


def gui_main(argv: list[str] | None = None) -> int:
    """Open the main window; ``argv`` is ``[program]`` or ``[program, corpus-or-workspace.json]``.

    Without ``argv`` (the ``lmstudio-gui`` script) it is ``sys.argv``. The ``lmstudio`` command always
    passes its own list, so ``lmstudio gui`` never opens a corpus named "gui".
    """
    from .gui.app import run

    return run(list(argv) if argv is not None else sys.argv[:2])


if __name__ == "__main__":
    from .cli import main  # subcommands run headless; no subcommand opens the window

    sys.exit(main())
