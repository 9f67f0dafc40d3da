"""Corpus stage, reading: formats, encodings, bad inputs, previews, fingerprints, bundled corpora."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from lmstudio.core.config import DataConfig
from lmstudio.core.data.corpus import (
    Corpus,
    ReadOptions,
    bundled_corpora,
    bundled_read_options,
    corpus_fingerprint,
    default_corpus_path,
)
from lmstudio.core.data.stats import compute_stats
from lmstudio.core.errors import Cancelled, ConfigError, CorpusError
from lmstudio.core.paths import resources_dir

SPANISH = (
    "El señor García comió una paella en el café de la esquina. ¿Dónde está el niño?\n"
    "Años atrás, la señora Muñoz vivía en Cádiz; hoy vive en Málaga con sus hijos.\n"
    "Le garçon a mangé une crème brûlée, très bon dit-il, à cinq francs.\n"
)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return tmp_path


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8"))
    else:
        path.write_bytes(data)
    return path


def lines_of(path, **options) -> list[str]:
    return list(Corpus.open(path, ReadOptions(**options) if options else None).iter_lines())


# ---- plain text and folders ------------------------------------------------------------------


def test_text_file_lines(corpus_dir):
    p = write(corpus_dir / "a.txt", "one\ntwo\n\nthree")
    c = Corpus.open(p)
    assert c.format == "text" and c.encoding == "utf-8" and not c.is_parallel
    assert c.files == [p] and c.size_bytes == p.stat().st_size
    assert list(c.iter_lines()) == ["one", "two", "", "three"]


def test_markdown_and_final_newline(corpus_dir):
    p = write(corpus_dir / "notes.md", "# Title\n\nSome *text*.\n")
    assert lines_of(p) == ["# Title", "", "Some *text*."]


def test_crlf_and_cr_normalized(corpus_dir):
    p = write(corpus_dir / "win.txt", b"a\r\nb\rc\r\n\r\nd\r")
    assert lines_of(p) == ["a", "b", "c", "", "d"]


def test_crlf_split_across_chunks(corpus_dir):
    from lmstudio.core.data.textfiles import inspect_text_file, iter_file_lines

    p = write(corpus_dir / "c.txt", b"ab\r\ncd\r\nef")
    tf = inspect_text_file(p)
    for chunk in (1, 2, 3, 4):
        assert list(iter_file_lines(tf, chunk_bytes=chunk)) == ["ab", "cd", "ef"]


def test_utf8_bom(corpus_dir):
    p = write(corpus_dir / "bom.txt", b"\xef\xbb\xbfhola se\xc3\xb1or\nadi\xc3\xb3s\n")
    c = Corpus.open(p)
    assert c.encoding == "utf-8-sig" and "byte-order mark" in c.encoding_note
    assert list(c.iter_lines()) == ["hola señor", "adiós"]


def test_utf16_bom(corpus_dir):
    p = write(corpus_dir / "u16.txt", "\ufeffhello\nwörld\n".encode("utf-16-le"))
    c = Corpus.open(p)
    assert c.encoding == "utf-16" and list(c.iter_lines()) == ["hello", "wörld"]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encoding_detected_and_reported(corpus_dir, encoding):
    p = write(corpus_dir / "legacy.txt", (SPANISH * 3).encode(encoding))
    c = Corpus.open(p)
    assert c.encoding not in ("utf-8", "utf-8-sig")
    assert "detected" in c.encoding_note and c.encoding in c.encoding_note
    text = "\n".join(c.iter_lines())
    assert "\ufffd" not in text
    assert text.startswith("El señor García comió") and "Cádiz" in text


def test_damaged_utf8_is_an_error_with_offset(corpus_dir):
    good = "señor niño café " * 20
    data = good.encode() + b"\xff" + good.encode()
    p = write(corpus_dir / "bad.txt", data)
    with pytest.raises(CorpusError) as err:
        list(Corpus.open(p).iter_lines())
    assert str(p) in str(err.value) and f"offset {len(good.encode())}" in str(err.value)


def test_invalid_utf8_after_sample_raises_while_streaming(corpus_dir, monkeypatch):
    import lmstudio.core.data.textfiles as tfm

    monkeypatch.setattr(tfm, "SAMPLE_BYTES", 64)
    head = "plain ascii text line\n" * 60_000  # 1.3 MB: the sample and the first 1 MB chunk are valid
    p = write(corpus_dir / "late.txt", head.encode() + b"caf\xe9\n")
    c = Corpus.open(p)  # opening checks only the start
    assert c.encoding == "utf-8"
    with pytest.raises(CorpusError, match=f"offset {len(head) + 3}"):
        list(c.iter_lines())


def test_binary_refused(corpus_dir):
    p = write(corpus_dir / "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(CorpusError, match="binary"):
        Corpus.open(p)
    q = write(corpus_dir / "ctl.txt", b"abc\x01\x02\x03\x04\x05\x06defgh" * 50)
    with pytest.raises(CorpusError, match="binary"):
        Corpus.open(q)


@pytest.mark.parametrize("content", [b"", b"   \n\t\n\r\n  ", b"\xef\xbb\xbf"])
def test_empty_or_whitespace_refused(corpus_dir, content):
    p = write(corpus_dir / "empty.txt", content)
    with pytest.raises(CorpusError) as err:
        Corpus.open(p)
    assert str(p) in str(err.value)


def test_missing_path(corpus_dir):
    with pytest.raises(CorpusError, match="no such file"):
        Corpus.open(corpus_dir / "nope.txt")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_permission_denied(corpus_dir):
    p = write(corpus_dir / "secret.txt", "hidden")
    p.chmod(0)
    try:
        with pytest.raises(CorpusError, match="permission denied"):
            Corpus.open(p)
    finally:
        p.chmod(0o644)


def test_permission_denied_message(corpus_dir, monkeypatch):
    p = write(corpus_dir / "secret.txt", "hidden")
    real_open = open

    def deny(file, *args, **kwargs):
        if Path(file) == p:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(CorpusError, match="permission denied") as err:
        Corpus.open(p)
    assert str(p) in str(err.value)


def test_folder_recursive_with_include(corpus_dir):
    root = corpus_dir / "books"
    write(root / "b.txt", "second\n")
    write(root / "a.txt", "first\n")
    write(root / "sub" / "c.txt", "third\n")
    write(root / "sub" / "skip.md", "markdown\n")
    write(root / ".git" / "x.txt", "hidden\n")
    write(root / "empty.txt", "")
    c = Corpus.open(root)
    assert c.format == "folder" and len(c.files) == 3
    assert list(c.iter_lines()) == ["first", "second", "third"]
    assert lines_of(root, include="*.md") == ["markdown"]
    assert sorted(lines_of(root, include="*.md;*.txt")) == ["first", "markdown", "second", "third"]


def test_folder_without_matches(corpus_dir):
    write(corpus_dir / "d" / "x.csv", "a,b\n")
    with pytest.raises(CorpusError, match="no files matching"):
        Corpus.open(corpus_dir / "d")


def test_folder_with_binary_names_file(corpus_dir):
    write(corpus_dir / "d" / "ok.txt", "fine\n")
    bad = write(corpus_dir / "d" / "bad.txt", b"\x00\x01\x02" * 100)
    with pytest.raises(CorpusError, match="include pattern") as err:
        Corpus.open(corpus_dir / "d")
    assert str(bad) in str(err.value)


def test_folder_format_on_file_and_file_format_on_folder(corpus_dir):
    p = write(corpus_dir / "d" / "a.txt", "x\n")
    with pytest.raises(CorpusError, match="folder"):
        Corpus.open(corpus_dir / "d", ReadOptions(format="text"))
    with pytest.raises(CorpusError, match="not a folder"):
        Corpus.open(p, ReadOptions(format="folder"))


# ---- jsonl and tables -------------------------------------------------------------------------


def test_jsonl_field(corpus_dir):
    records = [
        {"text": "hello world", "id": 1},
        {"text": "two\nlines", "id": 2},
        {"text": None},
        {"body": {"text": "x"}, "text": "é"},
    ]
    p = write(corpus_dir / "d.jsonl", "\n".join(json.dumps(r) for r in records) + "\n\n")
    c = Corpus.open(p)
    assert c.format == "jsonl"
    assert list(c.iter_lines()) == ["hello world", "two", "lines", "é"]
    q = write(corpus_dir / "n.jsonl", '{"meta": {"body": "nested"}}\n')
    assert lines_of(q, text_field="meta.body") == ["nested"]


def test_jsonl_bad_line_names_file_and_line(corpus_dir):
    p = write(corpus_dir / "d.jsonl", '{"text": "ok"}\n{"text": "ok"}\n{"text": broken}\n')
    with pytest.raises(CorpusError) as err:
        list(Corpus.open(p).iter_lines())
    assert str(p) in str(err.value) and "line 3" in str(err.value)


def test_jsonl_missing_field_lists_fields(corpus_dir):
    p = write(corpus_dir / "d.jsonl", '{"content": "x", "id": 3}\n')
    with pytest.raises(CorpusError, match="no field 'text'.*content, id"):
        Corpus.open(p)
    q = write(corpus_dir / "e.jsonl", '{"text": 5}\n')
    with pytest.raises(CorpusError, match="line 1.*int"):
        Corpus.open(q)


def test_csv_with_header_by_name_and_index(corpus_dir):
    p = write(corpus_dir / "d.csv", 'label,text\n1,"Hello, world"\n0,"multi\nline"\n1,plain text here\n')
    c = Corpus.open(p, ReadOptions(column="text"))
    assert c.header is True
    assert list(c.iter_lines()) == ["Hello, world", "multi", "line", "plain text here"]
    assert lines_of(p, column="1") == ["Hello, world", "multi", "line", "plain text here"]
    assert lines_of(p) == ["Hello, world", "multi", "line", "plain text here"]  # the "text" column


def test_csv_without_header_picks_longest_column(corpus_dir):
    p = write(corpus_dir / "d.csv", "1,the first sentence of text\n2,the second sentence here\n")
    c = Corpus.open(p)
    assert c.header is False and c.columns["text"] == 1
    assert list(c.iter_lines()) == ["the first sentence of text", "the second sentence here"]
    with pytest.raises(CorpusError, match="no header row"):
        Corpus.open(p, ReadOptions(column="text"))
    with pytest.raises(CorpusError, match="out of range"):
        Corpus.open(p, ReadOptions(column="7"))


def test_tsv_column_and_unknown_name(corpus_dir):
    p = write(corpus_dir / "d.tsv", 'id\tsentence\na1\tShe said "hi" to me\na2\tAnother sentence of text\n')
    assert lines_of(p, column="sentence") == ['She said "hi" to me', "Another sentence of text"]
    with pytest.raises(CorpusError, match="no column named 'body'.*id, sentence"):
        Corpus.open(p, ReadOptions(column="body"))


def test_short_row_names_line(corpus_dir):
    p = write(corpus_dir / "d.tsv", "a\tlong text one\nb\tlong text two\nc\n")
    with pytest.raises(CorpusError, match="line 3"):
        list(Corpus.open(p, ReadOptions(column="1")).iter_lines())


# ---- parallel ---------------------------------------------------------------------------------


def test_parallel_tsv_pairs(corpus_dir):
    p = write(corpus_dir / "p.tsv", "r1\tGood morning\tBuenos días\nr2\tThank you\tGracias\n")
    c = Corpus.open(p, ReadOptions(format="parallel"))
    assert c.is_parallel and c.format == "parallel"
    assert list(c.iter_pairs()) == [("Good morning", "Buenos días"), ("Thank you", "Gracias")]
    assert list(c.iter_lines()) == ["Good morning", "Thank you"]


def test_parallel_two_files(corpus_dir):
    src = write(corpus_dir / "en.txt", "one\ntwo\n")
    tgt = write(corpus_dir / "es.txt", "uno\r\ndos\r\n")
    c = Corpus.open(src, ReadOptions(target=str(tgt)))
    assert c.format == "parallel" and c.files == [src, tgt]
    assert list(c.iter_pairs()) == [("one", "uno"), ("two", "dos")]


def test_parallel_mismatched_line_counts(corpus_dir):
    src = write(corpus_dir / "en.txt", "one\ntwo\nthree\n")
    tgt = write(corpus_dir / "es.txt", "uno\ndos\n")
    with pytest.raises(CorpusError, match="not line-aligned.*es.txt has 2 lines"):
        Corpus.open(src, ReadOptions(format="parallel", target=str(tgt)))
    with pytest.raises(CorpusError, match="not line-aligned.*es.txt has 2 lines but en.txt has more"):
        Corpus.open(tgt, ReadOptions(format="parallel", target=str(src)))


def test_parallel_single_column_file(corpus_dir):
    p = write(corpus_dir / "mono.txt", "just one side\nof the corpus\n")
    with pytest.raises(CorpusError, match="single column.*target file"):
        Corpus.open(p, ReadOptions(format="parallel"))


def test_iter_pairs_on_plain_corpus(corpus_dir):
    with pytest.raises(CorpusError, match="not a parallel corpus"):
        list(Corpus.open(write(corpus_dir / "a.txt", "x")).iter_pairs())


# ---- previews, options, fingerprint -----------------------------------------------------------


def test_head_text_and_sample_lines(corpus_dir):
    p = write(corpus_dir / "a.txt", "".join(f"line {i}\n" for i in range(1000)))
    c = Corpus.open(p)
    assert c.head_text(20) == "line 0\nline 1\nline 2"[:20]
    sample = c.sample_lines(5, seed=1)
    assert len(sample) == 5 and sample == c.sample_lines(5, seed=1) and sample != c.sample_lines(5, seed=2)
    assert sample == sorted(sample, key=lambda s: int(s.split()[1]))


def test_read_options_from_config():
    cfg = DataConfig(format="csv", column="body", include="*.md", source_column="0", target_column="3")
    opts = ReadOptions.from_config(cfg)
    assert (opts.format, opts.column, opts.include, opts.source_column, opts.target_column) == (
        "csv",
        "body",
        "*.md",
        "0",
        "3",
    )
    with pytest.raises(ConfigError, match="unknown corpus format"):
        ReadOptions(format="pdf")


def test_fingerprint_tracks_content_and_options(corpus_dir):
    p = write(corpus_dir / "a.txt", "hello\n")
    f1 = corpus_fingerprint(Corpus.open(p))
    assert f1 == corpus_fingerprint(Corpus.open(p)) and len(f1) == 64
    write(p, "hellp\n")
    assert corpus_fingerprint(Corpus.open(p)) != f1
    assert corpus_fingerprint(Corpus.open(p, ReadOptions(format="csv"))) != corpus_fingerprint(Corpus.open(p))


def test_streaming_large_file(corpus_dir):
    line = "the quick brown fox jumps over the lazy dog " * 2 + "\n"
    n = 60_000  # about 5.3 MB
    p = corpus_dir / "big.txt"
    with open(p, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(f"{i} {line}")
    start = time.perf_counter()
    c = Corpus.open(p)
    assert c.head_text(10) == "0 the quic"  # open and preview read only the start
    seen = []
    c2 = Corpus.open(p)
    it = c2.iter_lines()
    seen.append(next(it))
    assert seen == [f"0 {line[:-1]}"]
    it.close()
    count = sum(1 for _ in c.iter_lines())
    stats = compute_stats(c.iter_lines())
    assert count == n and stats.lines == n and stats.bytes == p.stat().st_size
    assert time.perf_counter() - start < 10


def test_progress_and_cancel(corpus_dir):
    p = write(corpus_dir / "a.txt", "word\n" * 300_000)
    calls = []
    list(Corpus.open(p).iter_lines(progress=lambda d, t, m: calls.append((d, t))))
    assert calls and calls[-1][0] == calls[-1][1] == p.stat().st_size
    with pytest.raises(Cancelled):
        list(Corpus.open(p).iter_lines(progress=lambda d, t, m: False))


# ---- bundled corpora --------------------------------------------------------------------------


def test_bundled_corpora_exist_and_load():
    corpora = bundled_corpora()
    assert set(corpora) == {"Tiny Shakespeare", "English–Spanish (Bible, short verses)", "Tang poems (唐詩, Chinese)"}
    assert all(p.is_file() for p in corpora.values())
    assert default_corpus_path() == corpora["Tiny Shakespeare"]
    assert (resources_dir() / "corpora" / "README.md").is_file()
    shakespeare = Corpus.open("")
    assert shakespeare.path == default_corpus_path()
    assert sum(1 for _ in shakespeare.iter_lines()) == 40_000
    assert shakespeare.head_text(14) == "First Citizen:"
    tang = Corpus.open(corpora["Tang poems (唐詩, Chinese)"])
    assert sum(1 for _ in tang.iter_lines()) == 9_997 and tang.encoding == "utf-8"


def test_bundled_parallel_tsv():
    path = bundled_corpora()["English–Spanish (Bible, short verses)"]
    c = Corpus.open(path, ReadOptions(format="parallel", source_column="1", target_column="2"))
    assert c.format == "parallel" and c.is_parallel and c.header is False
    pairs = list(c.iter_pairs())
    assert len(pairs) == 12_542
    assert pairs[0] == (
        "In the beginning, God created the heavens and the earth.",
        "EN el principio crió Dios los cielos y la tierra.",
    )
    assert bundled_read_options("English–Spanish (Bible, short verses)").format == "parallel"


def test_utf16_without_bom_gets_a_hint(corpus_dir):
    p = write(corpus_dir / "u16.txt", "hello world\nsecond line\n".encode("utf-16-le"))
    with pytest.raises(CorpusError, match="UTF-16 text without a byte-order mark"):
        Corpus.open(p)


def test_fingerprint_is_remembered_for_unchanged_files_and_recomputed_after_an_edit(tmp_path, monkeypatch):
    """The window asks for the split folder on its GUI thread: a second ask must cost a stat, not a read."""
    import os
    import time
    from pathlib import Path

    path = tmp_path / "old.txt"
    path.write_text("some text\n" * 100, encoding="utf-8")
    old = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(old, old))
    first = corpus_fingerprint(Corpus.open(path))
    real_read = Path.read_bytes

    def no_read(self):
        raise AssertionError(f"read {self} again")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    assert corpus_fingerprint(Corpus.open(path)) == first
    monkeypatch.setattr(Path, "read_bytes", real_read)
    path.write_text("other text\n" * 100, encoding="utf-8")  # an edit moments ago: never trusted to the memo
    edited = corpus_fingerprint(Corpus.open(path))
    assert edited != first
    path.write_text("some text\n" * 100, encoding="utf-8")
    assert corpus_fingerprint(Corpus.open(path)) == first  # content decides, not the time
