"""Format sniffing (core/data/formats.py): one rule from a path to a format, for the reader and the Data
tab's field chooser alike."""

from __future__ import annotations

import json

import pytest

from lmstudio.core.data.corpus import Corpus, ReadOptions
from lmstudio.core.data.formats import default_jsonl_field, guess_format, jsonl_fields, kind_of, table_columns
from lmstudio.core.errors import CorpusError


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("a.txt", "text"),
        ("a.md", "text"),
        ("a.jsonl", "jsonl"),
        ("a.NDJSON", "jsonl"),
        ("a.json", "jsonl"),
        ("a.csv", "csv"),
        ("a.tsv", "tsv"),
        ("a.tab", "tsv"),
    ],
)
def test_the_reader_and_the_field_chooser_agree_on_every_suffix(tmp_path, name, fmt):
    path = tmp_path / name
    record = {"text": "hello there", "id": "1"}
    if fmt == "jsonl":
        path.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    elif fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        path.write_text(f"id{sep}text\n1{sep}hello there\n2{sep}again\n", encoding="utf-8")
    else:
        path.write_text("hello there\n", encoding="utf-8")
    assert guess_format(path) == fmt
    assert Corpus.open(path).format == fmt  # what the reader does
    assert kind_of(path) == (fmt if fmt != "text" else "")  # what the Data tab offers a chooser for


def test_json_is_read_as_json_lines_and_offers_its_fields(tmp_path):
    """.json: JSON Lines (as the reader always did; the chooser used to offer nothing for it); a file holding
    one JSON array is refused, saying that lmstudio reads one object per line."""
    lines = tmp_path / "records.json"
    lines.write_text(json.dumps({"body": "first"}) + "\n" + json.dumps({"body": "second"}) + "\n", encoding="utf-8")
    assert kind_of(lines) == "jsonl"
    assert jsonl_fields(lines) == ["body"] and default_jsonl_field(jsonl_fields(lines)) == "body"
    corpus = Corpus.open(lines, ReadOptions(text_field="body"))
    assert list(corpus.iter_lines()) == ["first", "second"]
    array = tmp_path / "array.json"
    array.write_text(json.dumps([{"text": "a"}, {"text": "b"}]), encoding="utf-8")
    with pytest.raises(CorpusError, match="JSON"):
        Corpus.open(array)


def test_guess_format_explicit_folder_and_parallel(tmp_path):
    assert guess_format(tmp_path) == "folder" and kind_of(tmp_path) == ""
    assert guess_format(tmp_path / "a.csv", "text") == "text"
    assert guess_format(tmp_path / "a.txt", target="b.txt") == "parallel"


def test_table_columns_use_the_header_and_never_fail(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,text\n1,hello\n2,world\n", encoding="utf-8")
    assert table_columns(path) == [("id", "id"), ("text", "text")]
    assert table_columns(tmp_path / "missing.csv") == []
