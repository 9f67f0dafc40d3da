"""Records inside text files: JSON Lines fields and CSV/TSV columns, streamed.

Used by :mod:`lmstudio.core.data.corpus`. CSV follows RFC 4180 (quoted fields may hold commas, quotes and
newlines). TSV has no quoting (the IANA text/tab-separated-values rule): a field ends at a tab or at
the end of the line, so a stray ``"`` in a verse cannot swallow the lines after it.

Header detection (when not told): the first row is a header when every cell of it looks like a
column name (starts with a letter, short, no sentence punctuation, no repeats) and at least one
column below it is clearly data (numbers under a name, or text much longer than the name).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import CorpusError
from .textfiles import TextFile, iter_file_lines

HEADER_SAMPLE_ROWS = 50

_NAME = re.compile(r"[^\W\d][\w \-.]{0,39}")
_MISSING = object()

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # default 128 KB rejects long documents in one cell


def iter_rows(
    tf: TextFile, delimiter: str, on_bytes: Callable[[int], None] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each non-empty row of a CSV (``delimiter=","``) or TSV (``"\\t"``) file.

    A CSV quote that is never closed would silently swallow every line after it into one cell; it is
    an error naming the line where the quoted field starts.
    """
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    kind = "TSV" if delimiter == "\t" else "CSV"
    raw: list[str] = []  # the physical lines of the row being read
    ended = [False]

    def lines() -> Iterator[str]:
        for line in iter_file_lines(tf, on_bytes=on_bytes):
            raw.append(line)
            yield line + "\n"
        ended[0] = True

    reader = csv.reader(lines(), delimiter=delimiter, quoting=quoting)
    while True:
        raw.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CorpusError(
                f"{tf.path}: line {reader.line_num} cannot be read as {kind} ({exc}); fix that line"
            ) from None
        if ended[0] and quoting != csv.QUOTE_NONE and len(raw) > 1 and sum(line.count('"') for line in raw) % 2 == 1:
            start = reader.line_num - len(raw) + 1
            raise CorpusError(
                f'{tf.path}: line {start} opens a quote (") that is never closed, so the {len(raw) - 1} lines after '
                f'it would become one cell; close the quote on that line or double it ("") if it is text'
            )
        if row and any(cell for cell in row):
            yield reader.line_num, row


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def detect_header(rows: Sequence[Sequence[str]]) -> bool:
    """Guess whether ``rows[0]`` is a header (see the module docstring)."""
    if len(rows) < 2:
        return False
    first, rest = rows[0], rows[1:]
    names = [cell.strip() for cell in first]
    if not names or len(set(names)) != len(names) or not all(_NAME.fullmatch(n) for n in names):
        return False
    votes = 0
    for j, name in enumerate(names):
        column = [row[j] for row in rest if j < len(row) and row[j].strip()]
        if not column:
            continue
        if sum(map(_is_number, column)) >= 0.8 * len(column):
            votes += 1
            continue
        mean_len = sum(len(v) for v in column) / len(column)
        if mean_len >= max(8, 2 * len(name)):
            votes += 1
    return votes > 0


def resolve_column(spec: str, header: list[str] | None, rows: Sequence[Sequence[str]], path: Any, setting: str) -> int:
    """The 0-based index meant by ``spec``: digits are an index; other text is a header name.

    An empty ``spec`` picks a column named "text" if the header has one, else the column with the
    longest text on average in ``rows``.
    """
    spec = spec.strip()
    width = max((len(r) for r in rows), default=0)
    if spec.isdigit():
        index = int(spec)
        if rows and index >= width:
            raise CorpusError(
                f"{path}: {setting} {index} is out of range: the rows have {width} column(s), numbered from 0"
            )
        return index
    if spec:
        if header is None:
            raise CorpusError(
                f"{path}: {setting} {spec!r} is a name, but the file has no header row; "
                f"give the column as a 0-based number (the rows have {width} columns)"
            )
        if spec in header:
            return header.index(spec)
        lowered = [h.strip().lower() for h in header]
        if spec.lower() in lowered:
            return lowered.index(spec.lower())
        raise CorpusError(f"{path}: no column named {spec!r}; the header has: {', '.join(header)}")
    if header is not None and "text" in [h.strip().lower() for h in header]:
        return [h.strip().lower() for h in header].index("text")
    if not rows:
        return 0
    means = []
    for j in range(width):
        cells = [r[j] for r in rows if j < len(r)]
        means.append(sum(len(c) for c in cells) / max(1, len(cells)))
    return max(range(width), key=lambda j: (means[j], -j))


def cell(row: list[str], index: int, path: Any, line: int, setting: str) -> str:
    if index >= len(row):
        raise CorpusError(
            f"{path}: line {line} has {len(row)} column(s) but {setting} is column {index} (from 0); "
            f"fix that row or choose another column"
        )
    return row[index]


def _get_field(record: dict[str, Any], name: str) -> Any:
    if name in record:
        return record[name]
    value: Any = record
    for part in name.split("."):  # "meta.text" reaches into nested objects
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def iter_jsonl_records(tf: TextFile, example_field: str, on_bytes: Callable[[int], None] | None = None):
    """(line number, object) of every record of a JSON Lines file; blank lines are skipped. A line that is not a
    JSON object is a CorpusError naming it (``example_field`` shows the shape expected)."""
    for n, line in enumerate(iter_file_lines(tf, on_bytes=on_bytes), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            raise CorpusError(
                f"{tf.path}: line {n} nests arrays or objects too deeply to read; fix or remove that line"
            ) from None
        except json.JSONDecodeError as exc:
            hint = ""
            if n == 1 and line.lstrip().startswith("["):
                hint = " (this looks like a JSON array; lmstudio reads JSON Lines: one object per line)"
            raise CorpusError(
                f"{tf.path}: line {n} is not valid JSON ({exc.msg} at column {exc.colno}){hint}; "
                "fix or remove that line"
            ) from None
        if not isinstance(record, dict):
            raise CorpusError(
                f"{tf.path}: line {n} is a JSON {type(record).__name__}, not an object; "
                f'each line must be an object such as {{"{example_field}": "..."}}'
            )
        yield n, record


def jsonl_field(record: dict[str, Any], field: str, path: Any, n: int, setting: str) -> str | None:
    """The text of ``field`` in a record (None for null); CorpusError naming the line when it is missing or not text."""
    value = _get_field(record, field)
    if value is _MISSING:
        keys = ", ".join(map(str, record)) or "no fields"
        raise CorpusError(
            f"{path}: line {n} has no field {field!r} (it has: {keys}); set the {setting} to the right name"
        )
    if value is not None and not isinstance(value, str):
        raise CorpusError(
            f"{path}: line {n}: field {field!r} holds a {type(value).__name__}, not text; "
            "choose a field that holds strings"
        )
    return value


def iter_jsonl_texts(tf: TextFile, field: str, on_bytes: Callable[[int], None] | None = None) -> Iterator[str]:
    """The ``field`` string of every record of a JSON Lines file; blank lines are skipped, null values too."""
    for n, record in iter_jsonl_records(tf, field, on_bytes):
        value = jsonl_field(record, field, tf.path, n, "text field")
        if value is not None:
            yield value
