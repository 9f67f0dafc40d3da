"""``python -m lmstudio`` is the ``lmstudio`` command; with no subcommand it opens the workbench window."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
