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
from lmstudio.core.data.corpus import Corpus, ReadOptions
from lmstudio.core.data.textfiles import (
    check_regular_file,
    inspect_text_file,
    iter_file_lines,
)
from lmstudio.core.errors import ConfigError, CorpusError
from lmstudio.core.tokenizers import train_tokenizer

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
            forced = Corpus.open(
                path, ReadOptions.from_config(DataConfig(corpus=str(path), encoding="utf-8", **changes))
            )
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


# ---- 5. the command line ----------------------------------------------------------------------------


@pytest.fixture
def window(monkeypatch):
    """Replace the window with a recorder of the argv it would get."""
    import lmstudio.gui.app as entry

    calls: list[list[str]] = []
    monkeypatch.setattr(entry, "main", lambda argv=None: calls.append(list(argv)) or 0)
    return calls


def test_reliability_cli_gui_commands_open_the_window_on_the_right_target(tmp_path, window, monkeypatch):
    from lmstudio.cli import main

    monkeypatch.setattr("sys.argv", ["lmstudio", "gui"])  # what the old code handed to the window
    corpus = write(tmp_path / "notes.txt", "hello\n")
    workspace = tmp_path / "ws.json"
    WorkspaceConfig().save(workspace)
    assert main([]) == 0
    assert main(["gui"]) == 0
    assert main(["gui", str(corpus)]) == 0
    assert main(["gui", str(workspace)]) == 0
    assert main([str(corpus)]) == 0
    assert main([str(tmp_path)]) == 0  # a folder corpus
    assert window == [
        ["lmstudio"],
        ["lmstudio"],
        ["lmstudio", str(corpus)],
        ["lmstudio", str(workspace)],
        ["lmstudio", str(corpus)],
        ["lmstudio", str(tmp_path)],
    ]


def test_reliability_cli_gui_missing_target_is_one_line(tmp_path, window, capsys):
    from lmstudio.cli import main

    assert main(["gui", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("lmstudio: error:") and "nope.txt: no such file" in err and "\n" not in err
    with pytest.raises(SystemExit) as exit_info:  # neither a command nor a path: argparse's usage error
        main(["nope-command"])
    assert exit_info.value.code == 2
    assert window == []


@pytest.mark.parametrize(
    "fault, expected",
    [
        (MemoryError(), "out of memory"),
        (
            OSError(28, "No space left on device", "/data/run/weights.safetensors"),
            "/data/run/weights.safetensors: No space left on device; free some space",
        ),
        (PermissionError(13, "Permission denied", "/data/x"), "/data/x: Permission denied"),
    ],
)
def test_reliability_cli_expected_faults_are_one_line(monkeypatch, capsys, fault, expected):
    from lmstudio.cli import main, prepare

    def boom(args):
        raise fault

    monkeypatch.setattr(prepare, "run", boom)
    assert main(["prepare", "--out", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("lmstudio: error:") and expected in err
    assert "Traceback" not in err


def test_reliability_cli_interrupt_is_one_line(monkeypatch, capsys):
    from lmstudio.cli import main, prepare

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(prepare, "run", interrupted)
    assert main(["prepare", "--out", "x"]) == 130
    assert capsys.readouterr().err == "lmstudio: interrupted\n"


# ---- 4. config types and absurd numbers ---------------------------------------------------------------

BAD_TYPES = [
    ({"train": {"batch_size": 12.5}}, "train.batch_size: expected a whole number, got 12.5"),
    ({"data": {"corpus": 123}}, "data.corpus: expected text, got 123"),
    ({"data": {"split_fractions": "abc"}}, 'data.split_fractions: expected a list of 3 numbers, got "abc"'),
    ({"data": {"cleaning": "none"}}, 'data.cleaning: expected an object of cleaning settings, got "none"'),
    ({"train": {"sample_prompt": 5}}, "train.sample_prompt: expected text, got 5"),
    ({"data": {"cleaning": {"lowercase": "no"}}}, 'data.cleaning.lowercase: expected true or false, got "no"'),
    ({"train": {"steps": True}}, "train.steps: expected a whole number, got true"),
    ({"model": {"dropout": "0.1"}}, 'model.dropout: expected a number, got "0.1"'),
    ({"sample": {"seed": 1.5}}, "sample.seed: expected a whole number or null, got 1.5"),
    ({"data": {"split_fractions": [0.9, 0.1]}}, "data.split_fractions: expected a list of 3 numbers"),
    ({"tokenizer": {"byte_fallback": 1}}, "tokenizer.byte_fallback: expected true or false, got 1"),
    ({"train": "fast"}, "train: expected an object of settings"),
    ({"train": {"lr": 1e400}}, "train.lr: inf is not a finite number"),
    ({"train": {"batch_sise": 4}}, "train: unknown setting(s) batch_sise"),
    ({"trian": {}}, "unknown section(s) trian"),
]


@pytest.mark.parametrize("values, expected", BAD_TYPES)
def test_reliability_wrong_json_types_in_config_file_are_one_line(tmp_path, capsys, values, expected):
    from lmstudio.cli import main

    path = tmp_path / "bad.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    assert main(["prepare", "--config", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"lmstudio: error: {path}: {expected}"), err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("values, expected", BAD_TYPES[:6])
def test_reliability_wrong_types_in_a_runs_config_json(tmp_path, values, expected):
    from lmstudio.core.errors import LMStudioError
    from lmstudio.core.runs.checkpoint import read_run_config, write_run_config

    write_run_config(tmp_path, WorkspaceConfig(), {"tokenizer_fingerprint": "x"})
    good = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    config, run = read_run_config(tmp_path)  # what the app writes reads back, "run" section and all
    assert config == WorkspaceConfig() and run["tokenizer_fingerprint"] == "x"
    for section, settings in values.items():
        if isinstance(settings, dict) and isinstance(good[section], dict):
            for key, value in settings.items():
                target = good[section]
                if isinstance(value, dict):
                    target = target[key]
                    key, value = next(iter(value.items()))
                target[key] = value
        else:
            good[section] = settings
    (tmp_path / "config.json").write_text(json.dumps(good), encoding="utf-8")
    with pytest.raises(LMStudioError) as err:
        read_run_config(tmp_path)
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_reliability_config_written_by_the_app_loads_as_config_file(tmp_path):
    from lmstudio.core.runs.checkpoint import write_run_config

    write_run_config(tmp_path, WorkspaceConfig(), {"tokenizer_fingerprint": "x"})
    assert WorkspaceConfig.load(tmp_path / "config.json") == WorkspaceConfig()  # --config RUN/config.json
    assert WorkspaceConfig.from_dict({"data": {"cleaning": {"lowercase": True}}}).data.cleaning.lowercase is True


@pytest.mark.parametrize(
    "flags, expected",
    [
        (["--lr", "inf"], "train.lr: inf is not a finite number"),
        (["--lr", "nan"], "train.lr: nan is not a finite number"),
        (
            ["--seed", str(2**64)],
            "train.seed: 18,446,744,073,709,551,616 is out of range; use 0 to 18,446,744,073,709,551,615",
        ),
        (["--seed", "-1"], "train.seed: -1 is out of range"),
        (["--threads", "100000"], "train.threads: 100,000 is out of range; use 0 to 1,024"),
        (["--threads", "-3"], "train.threads: -3 is out of range; use 0 to 1,024 (0 = automatic)"),
        (["--vocab-size", str(2**31)], "tokenizer.vocab_size: 2,147,483,648 is out of range; use 2 to 1,048,576"),
        (["--block-size", "3000000000"], "model.block_size: 3,000,000,000 is out of range"),
        (["--layers", "2000000000"], "model.n_layer: 2,000,000,000 is out of range"),
        (["--d-model", "4000000000"], "model.d_model: 4,000,000,000 is out of range"),
        (["--d-model", "32768", "--layers", "1024", "--heads", "8"], "billion parameters"),
        (["--batch-size", "10000000000"], "train.batch_size: 10,000,000,000 is out of range"),
        (["--weight-decay=-inf"], "train.weight_decay: -inf is not a finite number"),
        (["--dropout", "nan"], "model.dropout: nan is not a finite number"),
    ],
)
def test_reliability_absurd_numbers_on_the_command_line_stop_before_any_work(tmp_path, capsys, flags, expected):
    from lmstudio.cli import main

    corpus = write(tmp_path / "c.txt", "hello world\n" * 50)
    out = tmp_path / "run"
    start = time.perf_counter()
    assert main(["train", "--corpus", str(corpus), "--out", str(out), *flags]) == 2
    assert time.perf_counter() - start < 10
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("lmstudio: error:") and expected in err, err
    assert not out.exists()


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda d: d / "missing.json", "no such config file"),
        (lambda d: d, "is a folder"),
        (lambda d: write(d / "list.json", "[1, 2]"), "expected a JSON object {...} at the top level, got a list"),
        (lambda d: write(d / "text.json", "batch_size = 12\n"), "not valid JSON"),
        (lambda d: write(d / "latin.json", '{"data": {"corpus": "caf\xe9"}}', "latin-1"), "not a UTF-8 text file"),
        (lambda d: write(d / "deep.json", "[" * 100_000 + "]" * 100_000), "too deeply"),
        (lambda d: write(d / "version.json", '{"format_version": "1"}'), "format_version must be a whole number"),
    ],
)
def test_reliability_workspace_load_problems_are_one_config_error(tmp_path, make, expected):
    path = make(tmp_path)
    with pytest.raises(ConfigError) as err:
        WorkspaceConfig.load(path)
    assert str(path) in str(err.value) and expected in str(err.value) and "\n" not in str(err.value)


def test_reliability_direct_construction_is_checked_too():
    from lmstudio.core.config import (
        CleaningConfig,
        ModelConfig,
        SampleConfig,
        TrainConfig,
    )

    with pytest.raises(ConfigError, match="data.cleaning.lowercase: expected true or false"):
        CleaningConfig(lowercase="no")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="train.beta2"):
        TrainConfig(beta2=1.0)
    with pytest.raises(ConfigError, match="sample.max_new_tokens: 3,000,000,000 is out of range"):
        SampleConfig(max_new_tokens=3_000_000_000)
    with pytest.raises(ConfigError, match="sample.seed.*64-bit"):
        SampleConfig(seed=2**64)
    with pytest.raises(ConfigError, match="model.d_model: expected a whole number, got 64.0"):
        ModelConfig(d_model=64.0)  # type: ignore[arg-type]
    assert TrainConfig(lr=1).lr == 1.0 and isinstance(TrainConfig(lr=1).lr, float)  # an int is a fine number


def test_reliability_huge_single_line_sample_is_cut_for_previews(tmp_path):
    p = write(tmp_path / "one.txt", "word " * 400_000)  # 2 MB, one line
    c = Corpus.open(p)
    sample = c.sample_lines(5)
    assert len(sample) == 1 and len(sample[0]) == 10_000 and sample[0].startswith("word word")


def test_reliability_sentencepiece_option_overflow_is_a_tokenizer_error(tmp_path):
    from lmstudio.core.errors import TokenizerError
    from lmstudio.core.tokenizers.sentencepiece import train_sentencepiece

    train = write(tmp_path / "train.txt", "hello world\n" * 50)
    cfg = TokenizerConfig(kind="bpe", vocab_size=1000)
    object.__setattr__(cfg, "vocab_size", 2**31)  # past the config check: sentencepiece's own int32 limit
    with pytest.raises(TokenizerError, match="sentencepiece could not train a bpe tokenizer on train.txt"):
        train_sentencepiece(cfg, train)


def test_reliability_include_patterns_keep_their_glob_meaning(tmp_path):
    root = tmp_path / "b"
    write(root / "a.txt", "a\n")
    write(root / "x" / "y" / "b.txt", "b\n")
    write(root / "x" / "c.md", "c\n")
    assert list(Corpus.open(root, ReadOptions(include="**/*.txt")).iter_lines()) == ["a", "b"]
    assert list(Corpus.open(root, ReadOptions(include="*.txt;*.md;!x/y")).iter_lines()) == ["a", "c"]
    assert list(Corpus.open(root, ReadOptions(include="*;!*.md")).iter_lines()) == ["a", "b"]


@pytest.mark.parametrize(
    "encoding, text",
    [
        ("cp1252", "Grüße aus München! Die Straße ist schön, und das Wetter ist heiß. Über die Brücke zur Bäckerei."),
        ("cp1252", "A canção do coração é uma lição de educação. Não há razão para tanta confusão na estação."),
        ("cp1250", "Zażółć gęślą jaźń. Dzień dobry, jak się masz? Dziękuję, wszystko w porządku. Łódź to duże miasto."),
        ("cp1250", "Árvíztűrő tükörfúrógép. Jó napot kívánok, hogy van? Köszönöm, jól vagyok. A főváros Budapest."),
        ("cp1251", "Привет, как дела? Спасибо, хорошо. Сегодня хороший день, и мы идём гулять в парк."),
        ("koi8_r", "Привет, как дела? Спасибо, хорошо. Сегодня хороший день, и мы идём гулять в парк."),
        ("cp1253", "Καλημέρα, τι κάνετε; Ευχαριστώ, καλά. Σήμερα είναι μια ωραία μέρα για περίπατο."),
        ("cp1254", "Günaydın, nasılsınız? Teşekkür ederim, iyiyim. Bugün hava çok güzel, yürüyüş yapıyoruz."),
        ("cp1255", "שלום, מה שלומך? תודה, אני בסדר. היום יום יפה ואנחנו הולכים לטייל בפארק."),
        ("cp1256", "مرحبا، كيف حالك؟ شكرا، أنا بخير. اليوم يوم جميل ونحن نذهب إلى الحديقة."),
    ],
)
def test_reliability_legacy_encodings_read_back_exactly(tmp_path, encoding, text):
    p = write(tmp_path / "legacy.txt", (text + "\n") * 3, encoding)
    c = Corpus.open(p)
    assert list(c.iter_lines()) == [text] * 3, c.encoding_note
    assert "confidence low" not in c.encoding_note


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"\xef\xbb\xbf", "only a byte-order mark"),
        (b"\xef\xbb\xbf  \n\t\n\r\n", "only whitespace"),
        (b"\xff\xfe" + " \n \n".encode("utf-16-le"), "only whitespace"),
        (b"\x00" * 100, "binary"),
        (b"", "empty"),
    ],
)
def test_reliability_empty_like_files_say_what_they_hold(tmp_path, data, expected):
    with pytest.raises(CorpusError, match=expected):
        Corpus.open(write(tmp_path / "e.txt", data))


# ---------------------------------------------------------------- a 50 MB single line stays cheap and cancellable


@pytest.mark.parametrize("case", ["lines", "crlf", "folder", "one_huge_line", "short"])
def test_reliability_head_text_reads_only_what_it_shows(tmp_path, case, monkeypatch):
    """head_text stops reading once it has enough, even inside one huge line, and shows what the lines hold."""
    import lmstudio.core.data.corpus as corpus_module

    if case == "folder":
        root = tmp_path / "books"
        write(root / "a.txt", "first file\nline two\n")
        write(root / "b.txt", "second file\r\nmore\n")
        path = root
    elif case == "one_huge_line":
        path = write(tmp_path / "huge.txt", "word " * 2_000_000)  # 10 MB, no newline
    else:
        text = {"lines": "alpha\nbeta\n\ngamma\n" * 40_000, "crlf": "alpha\r\nbeta\r\n" * 40_000, "short": "x"}[case]
        path = write(tmp_path / "c.txt", text)
    corpus = Corpus.open(path)
    expected = "\n".join(corpus.iter_lines())[:100_000]
    chunks_read = []
    real = corpus_module.iter_file_chunks

    def counting(tf, *args, **kwargs):
        for chunk in real(tf, *args, **kwargs):
            chunks_read.append(len(chunk))
            yield chunk

    monkeypatch.setattr(corpus_module, "iter_file_chunks", counting)
    assert corpus.head_text(100_000) == expected
    assert sum(chunks_read) <= 2 * (1 << 20) + 100_000  # a chunk or two, never the whole 10 MB line


def test_reliability_statistics_of_one_huge_line_are_cancellable_and_exact():
    """A 50 MB one-line corpus was counted in one uninterruptible call: now in slices cut at whitespace."""
    from lmstudio.core.data.stats import compute_stats
    from lmstudio.core.errors import Cancelled

    line = "alpha beta gamma naïve über " * 200_000  # 5.6 M characters on one line
    whole = compute_stats([line, "tail words"])
    assert whole.words == 1_000_002 and dict(whole.top_words)["alpha"] == 200_000
    assert whole.chars == len(line) + len("tail words") + 2
    calls = []

    def progress(done, total, message):
        calls.append(message)
        return len(calls) < 2  # cancel at the second report, inside the line

    with pytest.raises(Cancelled):
        compute_stats([line], progress=progress)
    assert len(calls) == 2
