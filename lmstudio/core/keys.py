"""The one hashing helper: cache keys, fingerprints and the short hash of a line.

Every key lmstudio computes comes from here, so that two parts of the program that must agree on a key
(the prepared-data cache and the split files the window trains a tokenizer on, for example) cannot
drift apart by hashing the same inputs two ways:

- :func:`digest`: the key of some plain values (settings, fingerprints, paths), sha256 of their JSON.
- :func:`hasher`: an incremental sha256 for fingerprints that stream bytes (corpus files, a tokenizer).
- :func:`line_hash`: a fast 64-bit hash of a line, for dropping repeated lines while cleaning.
"""

from __future__ import annotations

import hashlib
import json
from hashlib import blake2b
from typing import Any


def digest(*parts: Any, length: int | None = None) -> str:
    """sha256 hex of ``parts``, each as sorted-key JSON followed by a NUL (so ``("ab", "c")`` and
    ``("a", "bc")`` differ); the first ``length`` hex digits when given. Values JSON cannot encode
    (paths, dates) count as their ``str``."""
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, sort_keys=True, default=str).encode("utf-8"))
        h.update(b"\0")
    text = h.hexdigest()
    return text[:length] if length else text


def hasher(data: bytes = b"") -> hashlib._Hash:
    """A sha256 to feed with ``update(bytes)``: fingerprints of files and tokenizers."""
    return hashlib.sha256(data)


def bytes_digest(data: bytes) -> bytes:
    """The sha256 of ``data`` (32 raw bytes): what a fingerprint adds for each file's content."""
    return hashlib.sha256(data).digest()


def line_hash(line: str) -> int:
    """A 64-bit hash of ``line`` (blake2b): remembering 8 bytes per distinct line finds repeats."""
    return int.from_bytes(blake2b(line.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
