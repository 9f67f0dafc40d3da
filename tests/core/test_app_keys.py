"""One hashing helper (core/keys.py): every cache key and fingerprint comes from it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lmstudio.core.keys import digest, line_hash

REPO = Path(__file__).resolve().parents[2]


def test_digest_keeps_the_keys_of_caches_written_before_it():
    # the value prepare's own _digest gave for these parts: existing cache entries keep their names
    assert digest("abc", {"b": 1, "a": [1, 2]}, length=20) == "01080bdef6c89a0bf7fa"
    assert len(digest("x")) == 64


def test_digest_separates_its_parts_and_ignores_key_order():
    assert digest("ab", "c") != digest("a", "bc")
    assert digest({"a": 1, "b": 2}) == digest({"b": 2, "a": 1})
    assert digest(Path("/tmp/x")) == digest("/tmp/x")


def test_line_hash_is_stable_and_takes_lone_surrogates():
    assert line_hash("to be") == line_hash("to be") != line_hash("to be ")
    assert isinstance(line_hash("bad \udcff byte"), int)


def test_no_other_module_hashes_on_its_own():
    """grep: hashlib and blake2 appear in core/keys.py only (gui, app, core)."""
    out = subprocess.run(
        ["grep", "-rlE", "import hashlib|from hashlib|blake2b", "lmstudio"], capture_output=True, text=True, cwd=REPO
    )
    found = sorted(p for p in out.stdout.split() if p.endswith(".py"))
    # core/tokenizers/base.py: Tokenizer.fingerprint, to move to keys.hasher by the tokenizers' owner
    assert set(found) <= {"lmstudio/core/keys.py", "lmstudio/core/tokenizers/base.py"}, found
