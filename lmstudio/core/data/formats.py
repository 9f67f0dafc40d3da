"""Format sniffing: which format a corpus path is read as, and what fields or columns it offers.

:func:`guess_format` is the one rule from a path to a format (the corpus reader and the Data tab's field
chooser both use it). The peeks (:func:`jsonl_fields`, :func:`table_columns`) read a few kilobytes and never
fail: an unreadable file yields no choices, and opening it gives the reader's error.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .tables import detect_header

PEEK_BYTES = 64 * 1024
TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")  # .json too: read as JSON Lines (a JSON array is refused, saying so)


def guess_format(path: Path, fmt: str = "auto", target: str = "") -> str:
    """The format ``path`` is read as: ``fmt`` unless "auto"; else "folder" for a folder, "parallel" with a
    ``target`` file, and by suffix "jsonl" (.jsonl, .ndjson, .json), "csv", "tsv" (.tsv, .tab) or "text"."""
    if fmt != "auto":
        return fmt
    path = Path(path)
    if path.is_dir():
        return "folder"
    if target:
        return "parallel"
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    return "text"


def kind_of(path: Path) -> str:
    """ "jsonl", "csv", "tsv" (the formats with a field or column to choose) or "" for ``path`` read as "auto"."""
    fmt = guess_format(path)
    return fmt if fmt in ("jsonl", "csv", "tsv") else ""


def _head(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(PEEK_BYTES)
    except OSError:
        return ""
    text = data.decode("utf-8-sig", errors="replace")
    return text.rsplit("\n", 1)[0] if len(data) == PEEK_BYTES and "\n" in text else text


def jsonl_fields(path: Path) -> list[str]:
    """Fields holding strings in the first records (dotted paths for nested objects), most common first."""
    seen: dict[str, int] = {}

    def walk(obj, prefix: str) -> None:
        for key, value in obj.items():
            name = f"{prefix}{key}"
            if isinstance(value, str):
                seen[name] = seen.get(name, 0) + 1
            elif isinstance(value, dict):
                walk(value, name + ".")

    for line in _head(path).splitlines()[:50]:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            walk(record, "")
    return sorted(seen, key=lambda k: (-seen[k], k != "text"))


def default_jsonl_field(fields: list[str]) -> str:
    if "text" in fields or not fields:
        return "text"
    return fields[0]


def table_columns(path: Path) -> list[tuple[str, str]]:
    """(value for DataConfig.column, label) per column: header names when the first row is a header."""
    delimiter = TABLE_SUFFIXES.get(path.suffix.lower(), ",")
    text = _head(path)
    if delimiter == "\t":
        rows = [line.split("\t") for line in text.splitlines()[:50]]
    else:
        try:
            rows = list(csv.reader(io.StringIO(text)))[:50]
        except csv.Error:
            return []
    rows = [r for r in rows if r]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    try:
        header = detect_header(rows)
    except Exception:  # a heuristic; a failure here must not stop the file from opening
        header = False
    choices = []
    for j in range(width):
        if header and j < len(rows[0]):
            choices.append((rows[0][j].strip(), rows[0][j].strip()))
            continue
        sample = next((r[j] for r in rows if j < len(r) and r[j].strip()), "")
        sample = sample if len(sample) <= 30 else sample[:29] + "…"
        choices.append((str(j), f"column {j}: {sample}"))
    return choices
