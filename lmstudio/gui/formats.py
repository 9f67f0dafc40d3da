"""Peek at the first records of a .jsonl/.csv/.tsv file to fill the field and column choosers.

Presentation only: the core reads the file; this just lists what there is to choose from, reading a few
kilobytes and never failing (an unreadable file yields no choices, and the core's error is shown).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

PEEK_BYTES = 64 * 1024
TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


def kind_of(path: Path) -> str:
    """ "jsonl", "csv", "tsv" or "" for the kinds that need a chooser."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    return ""


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
    from ..core.data.tables import detect_header

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
