"""Reliability: input that must get a clear message (issue 9).

Encodings, special files, unreadable folders, wrong types and absurd numbers in configs, and the
command line. Every test here failed on the code before the fix; each uses real files in tmp_path and
the project's real tokenizers. ``pytest -k reliability`` runs them.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from lmstudio.core.config import DataConfig, TokenizerConfig, WorkspaceConfig
from lmstudio.core.corpus import Corpus, ReadOptions
from lmstudio.core.errors import ConfigError, CorpusError
from lmstudio.core.textfiles import check_regular_file, inspect_text_file, iter_file_lines
from lmstudio.core.tokenizer import train_tokenizer

POSIX = os.name == "posix"
FRENCH = "crème brûlée à"
PORTUGUESE = "canção"
CZECH = "Příliš žluťoučký kůň úpěl ďábelské ódy. Dobrý den, jak se máte? Děkuji, mám se dobře.\n"


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return path


def char_vocabulary(lines: list[str], tmp_path: Path) -> set[str]:
    """Train the project's character tokenizer on ``lines``; its pieces."""
    train = write(tmp_path / "train.txt", "\n".join(lines) + "\n")
    tok = train_tokenizer(TokenizerConfig(kind="char"), train)
    return {tok.id_to_piece(i) for i in range(tok.vocab_size)}


def no_hang(fn, seconds: float = 10.0):
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it blocks, e.g. in open() on a FIFO."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"blocked for more than {seconds} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


def unblock_fifo(path: Path) -> None:
    """Open the FIFO for writing without blocking so a reader stuck in open() (old code) returns."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
    except OSError:
        pass


# ---- 1. encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [FRENCH, PORTUGUESE])
def test_reliability_short_latin1_text_is_read_as_western_not_central_european(tmp_path, text):
    p = write(tmp_path / "short.txt", text + "\n", "latin-1")
    c = Corpus.open(p)
    assert c.encoding == "cp1252"
    lines = list(c.iter_lines())
    assert lines == [text]
    # honest about how little there was to go on, and says how to override
    assert "confidence low" in c.encoding_note and "set the encoding" in c.encoding_note
    vocab = char_vocabulary(lines, tmp_path)
    assert set(text) - {" "} <= vocab
    assert not vocab & set("čűŕăĺ")  # the cp1250/cp1257 mojibake of the old detector


def test_reliability_ascii_with_stray_bytes_is_cp1252_with_low_confidence(tmp_path):
    data = b"plain ascii line\n" * 30 + b"It\x92s the caf\xe9.\n" + b"more ascii\n" * 5
    c = Corpus.open(write(tmp_path / "stray.txt", data))
    assert c.encoding == "cp1252"
    assert "It\u2019s the caf\u00e9." in list(c.iter_lines())
    assert "confidence low" in c.encoding_note and "line 31" in c.encoding_note


def test_reliability_central_european_still_detected_on_strong_evidence(tmp_path):
    c = Corpus.open(write(tmp_path / "cz.txt", CZECH * 3, "cp1250"))
    assert c.encoding == "cp1250" and "confidence high" in c.encoding_note
    assert list(c.iter_lines())[0] == CZECH.rstrip("\n")


def test_reliability_long_western_text_is_sure(tmp_path):
    text = "Le garçon a mangé une crème brûlée, très bon dit-il, à cinq francs. Où est la bibliothèque?\n" * 8
    c = Corpus.open(write(tmp_path / "fr.txt", text, "cp1252"))
    assert c.encoding == "cp1252" and "confidence high" in c.encoding_note


def test_reliability_encoding_setting_is_validated():
    with pytest.raises(ConfigError, match="data.encoding.*'klingon'"):
        DataConfig(encoding="klingon")
    with pytest.raises(ConfigError, match="data.encoding"):
        DataConfig(encoding="rot13")  # a codec, but not a text encoding
    assert DataConfig(encoding="Latin-1").encoding == "Latin-1"
    assert ReadOptions.from_config(DataConfig(encoding="cp1250")).encoding == "cp1250"


def _formats(tmp_path: Path):
    """(path, DataConfig changes) for every reader, each holding 'señor' in latin-1 bytes."""
    enc = "latin-1"
    folder = tmp_path / "folder"
    write(folder / "a.txt", "señor\n", enc)
    write(folder / "sub" / "b.txt", "niño\n", enc)
    target = write(tmp_path / "tgt.txt", "sir\nchild\n", enc)
    return [
        (write(tmp_path / "t.txt", "señor\nniño\n", enc), {}),
        (folder, {}),
        (write(tmp_path / "j.jsonl", '{"text": "señor"}\n{"text": "niño"}\n', enc), {}),
        (write(tmp_path / "c.csv", "id,text\n1,señor\n2,niño\n", enc), {"column": "text"}),
        (write(tmp_path / "t.tsv", "id\ttext\n1\tseñor\n2\tniño\n", enc), {"column": "text"}),
        (write(tmp_path / "p.tsv", "1\tseñor\tsir\n2\tniño\tchild\n", enc), {"format": "parallel"}),
        (write(tmp_path / "src.txt", "señor\nniño\n", enc), {"format": "parallel", "target": str(target)}),
    ]


def test_reliability_explicit_encoding_reaches_every_reader(tmp_path):
    for path, changes in _formats(tmp_path):
        data = DataConfig(corpus=str(path), encoding="latin-1", **changes)
        c = Corpus.open(path, ReadOptions.from_config(data))
        assert all(tf.explicit for tf in c.text_files), path
        assert c.encoding == "iso8859-1", path
        assert "señor" in list(c.iter_lines()), path
        # and forcing UTF-8 on the same bytes fails with the file, line and byte named
        with pytest.raises(CorpusError) as err:
            forced = Corpus.open(path, ReadOptions.from_config(DataConfig(corpus=str(path), encoding="utf-8", **changes)))
            list(forced.iter_lines())
        msg = str(err.value)
        assert "not valid utf-8 at line" in msg and "byte offset" in msg and "0xf1" in msg, msg
        assert "set another one" in msg


def test_reliability_explicit_encoding_error_after_first_megabyte_names_line(tmp_path):
    p = write(tmp_path / "late.txt", b"abc\n" * 300_000 + b"caf\xe9\n")
    c = Corpus.open(p, ReadOptions(encoding="utf-8"))
    with pytest.raises(CorpusError, match=r"late\.txt: not valid utf-8 at line 300001, byte offset 1200003"):
        list(c.iter_lines())


def test_reliability_explicit_encoding_suggests_what_detection_finds(tmp_path):
    p = write(tmp_path / "fr.txt", "Le garçon a mangé une crème brûlée.\n", "cp1252")
    with pytest.raises(CorpusError, match="detection says this file reads as cp1252"):
        inspect_text_file(p, "utf-8")


def test_reliability_cli_encoding_flag(tmp_path, capsys):
    from lmstudio.cli import main

    corpus = write(tmp_path / "fr.txt", ("Le garçon mangé crème " * 3 + "\n") * 40, "latin-1")
    out = tmp_path / "prepared"
    assert main(["prepare", "--corpus", str(corpus), "--encoding", "latin-1", "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["encoding"] == "iso8859-1"
    tok = (out / "tokenizer" / "tokenizer.json").read_text(encoding="utf-8")
    assert "ç" in json.dumps(json.loads(tok), ensure_ascii=False)
    capsys.readouterr()
    assert main(["prepare", "--corpus", str(corpus), "--encoding", "nonsense-8", "--out", str(tmp_path / "o2")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("lmstudio: error:") and "data.encoding" in err and "nonsense-8" in err and "\n" not in err


# ---- 2. special files -----------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_reliability_fifo_is_refused_before_open(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    try:
        with pytest.raises(CorpusError, match=r"pipe\.txt: is a named pipe \(FIFO\), not a regular file"):
            no_hang(lambda: Corpus.open(fifo), 5)
        with pytest.raises(CorpusError, match="named pipe"):
            no_hang(lambda: check_regular_file(fifo, "text to score"), 5)
        # as the target of a parallel corpus, and inside a folder
        src = write(tmp_path / "src.txt", "a\n")
        with pytest.raises(CorpusError, match="named pipe"):
            no_hang(lambda: Corpus.open(src, ReadOptions(format="parallel", target=str(fifo))), 5)
        write(tmp_path / "ok.txt", "fine\n")
        with pytest.raises(CorpusError, match=r"named pipe.*!pipe\.txt"):
            no_hang(lambda: Corpus.open(tmp_path, ReadOptions(format="folder")), 5)
        with pytest.raises(ConfigError, match="named pipe"):
            no_hang(lambda: WorkspaceConfig.load(fifo), 5)
    finally:
        unblock_fifo(fifo)


@pytest.mark.skipif(not Path("/dev/null").exists() or os.name == "nt", reason="no /dev/null")
def test_reliability_device_is_not_called_empty():
    with pytest.raises(CorpusError, match="character device") as err:
        Corpus.open("/dev/null")
    assert "empty" not in str(err.value)
    with pytest.raises(CorpusError, match="character device"):
        Corpus.open("/dev/zero")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc")
def test_reliability_proc_file_is_not_called_empty():
    with pytest.raises(CorpusError, match="size of 0 but holds data") as err:
        Corpus.open("/proc/self/status")
    assert "empty" not in str(err.value)


# ---- 3. unreadable parts of a folder corpus ---------------------------------------------------------


def _book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    write(root / "part1.txt", "one\ntwo\n")
    write(root / "private" / "part2.txt", "three\nfour\n")
    return root


def test_reliability_unreadable_subfolder_is_an_error_naming_it(tmp_path, monkeypatch):
    root = _book(tmp_path)
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == root / "private":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(CorpusError) as err:
        Corpus.open(root)
    msg = str(err.value)
    assert "subfolder private" in msg and "permission denied" in msg and "!private" in msg
    # the way out the message gives works
    c = Corpus.open(root, ReadOptions(include="*.txt;!private"))
    assert list(c.iter_lines()) == ["one", "two"]


@pytest.mark.skipif(not POSIX or os.geteuid() == 0, reason="root reads any folder")
def test_reliability_unreadable_subfolder_really(tmp_path):
    root = _book(tmp_path)
    (root / "private").chmod(0)
    try:
        with pytest.raises(CorpusError, match="subfolder private"):
            Corpus.open(root)
    finally:
        (root / "private").chmod(0o755)


def test_reliability_unreadable_file_in_folder_names_it_and_the_exclusion(tmp_path, monkeypatch):
    root = _book(tmp_path)
    secret = root / "private" / "part2.txt"
    real_open = open

    def deny(file, *args, **kwargs):
        if Path(file) == secret:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(CorpusError) as err:
        Corpus.open(root)
    msg = str(err.value)
    assert str(secret) in msg and "permission denied" in msg and "!private/part2.txt" in msg


# ---- 6. awkward contents ----------------------------------------------------------------------------


def test_reliability_nul_byte_deep_in_a_text_file_is_an_error_with_its_line(tmp_path):
    p = write(tmp_path / "nul.txt", b"text line\n" * 20_000 + b"bad\x00line\n")  # after the 64 KB binary check
    with pytest.raises(CorpusError, match=r"nul\.txt: NUL byte at line 20001, byte offset 200003"):
        list(Corpus.open(p).iter_lines())


def test_reliability_very_long_single_line_is_read_in_linear_time(tmp_path):
    p = write(tmp_path / "one-line.txt", b"x" * (8 * 1024 * 1024))
    tf = inspect_text_file(p)
    start = time.perf_counter()
    lines = list(iter_file_lines(tf, chunk_bytes=16 * 1024))  # 512 chunks for one line
    elapsed = time.perf_counter() - start
    assert len(lines) == 1 and len(lines[0]) == 8 * 1024 * 1024
    assert elapsed < 2.0, f"{elapsed:.1f} s: the line is copied once per chunk"


def test_reliability_mixed_newlines_split_exactly_once(tmp_path):
    p = write(tmp_path / "nl.txt", "a\rb\r\nc\u2028d\ne\r")
    lines = list(iter_file_lines(inspect_text_file(p), chunk_bytes=2))
    assert lines == ["a", "b", "c\u2028d", "e"]


def test_reliability_jsonl_nested_too_deep_names_the_line(tmp_path):
    p = write(tmp_path / "deep.jsonl", '{"text": "ok"}\n' + "[" * 100_000 + "]" * 100_000 + "\n")
    c = Corpus.open(p)
    with pytest.raises(CorpusError, match=r"deep\.jsonl: line 2"):
        list(c.iter_lines())


def test_reliability_csv_unterminated_quote_names_the_line(tmp_path):
    p = write(tmp_path / "q.csv", 'id,text\n1,"fine"\n2,"never closed\n3,lost\n4,lost too\n')
    with pytest.raises(CorpusError, match=r"q\.csv: line 3 opens a quote .* never closed"):
        list(Corpus.open(p, ReadOptions(column="text")).iter_lines())
