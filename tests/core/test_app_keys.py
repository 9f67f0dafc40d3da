"""One hashing helper (core/keys.py): every cache key and fingerprint comes from it."""

from __future__ import annotations

import re
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
    """hashlib and blake2 appear in core/keys.py only (gui, app, core, cli)."""
    pattern = re.compile(r"import hashlib|from hashlib|blake2b")
    found = sorted(
        p.relative_to(REPO).as_posix()
        for p in (REPO / "lmstudio").rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    )
    assert found == ["lmstudio/core/keys.py"], found
