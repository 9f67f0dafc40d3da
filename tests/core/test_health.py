"""Data health: duplicates, near-duplicates, leakage between the splits, script mix, markup and number lines."""

from __future__ import annotations

import json
from itertools import islice

from lmstudio.core.data.health import data_health, health_summary_lines
from lmstudio.core.data.splits import _assignments

FRACTIONS = (0.9, 0.05, 0.05)


def _prose(n: int, start: int = 0) -> list[str]:
    """``n`` distinct lines of text that share no 50-character stretch."""
    return [
        f"line {i} of the story tells of item {i * 7919 % 10007} and nothing else {i}" for i in range(start, n + start)
    ]


def test_exact_duplicates_are_counted_with_their_most_frequent_examples():
    lines = ["the same line again", "a line once", "the same line again", "", "", "the same line again", "b", "b"]
    report = data_health(lines)
    dups = report.finding("duplicates")
    assert dups.count == 3  # two repeats of the first line, one of "b"; blank lines are not duplicates
    assert dups.examples[0].text == "the same line again" and dups.examples[0].count == 3
    assert dups.examples[0].line == 1  # where it first occurs
    assert dups.fixes[0].setting == "data.cleaning.dedupe" and dups.fixes[0].value is True
    json.dumps(report.to_dict())  # JSON-ready


def test_a_near_duplicate_pair_is_found_and_a_different_pair_is_not():
    a = "It was the best of times, it was the worst of times, it was the age of wisdom"
    b = "It was the best of times, it was the worst of times; it was the age of wisdom!"
    c = "Call me Ishmael. Some years ago, never mind how long precisely, having little money"
    d = "Whether I shall turn out to be the hero of my own life, or whether that station"
    report = data_health([a, c, b, d])
    near = report.finding("near_duplicates")
    assert near.count == 1
    (example,) = near.examples
    assert (example.line, example.other_line) == (3, 1) and example.similarity >= 0.8
    assert report.finding("duplicates").count == 0


def _positions(mode: str, n: int, block_lines: int = 100, seed: int = 1337) -> list[int]:
    """The split index (0 train, 1 val, 2 test) of each of ``n`` lines, as write_splits deals them."""
    deck = _assignments(FRACTIONS, seed)
    unit = block_lines if mode == "blocks" else 1
    out: list[int] = []
    for i in range(n):
        if i % unit == 0:
            current = next(deck)
        out.append(current)
    return out


def test_a_validation_line_copied_from_train_is_leakage_and_not_with_blocks_when_the_copy_is_its_neighbour():
    n = 200
    lines_split = _positions("lines", n)
    blocks_split = _positions("blocks", n)
    # a train line whose next line is validation with random lines, both inside one block with blocks
    i = next(k for k in range(n - 1) if lines_split[k] == 0 and lines_split[k + 1] == 1 and (k + 1) % 100)
    lines = _prose(n)
    lines[i + 1] = lines[i]  # a repeated line (a refrain) right after its first occurrence
    by_lines = data_health(lines)
    leak = by_lines.finding("leak_lines")
    assert leak.count == 1 and leak.examples[0].line == i + 2 and leak.examples[0].split == "val"
    assert by_lines.finding("leak_ngrams").count == 1  # the copy shares every 50-character stretch
    assert by_lines.leakage["val"]["in_train"] == 1
    assert {f.setting for f in leak.fixes} == {"data.cleaning.dedupe", "data.split_mode"}
    assert blocks_split[i] == blocks_split[i + 1]
    by_blocks = data_health(lines, mode="blocks")
    assert by_blocks.finding("leak_lines").count == 0 and by_blocks.finding("leak_ngrams").count == 0


def test_a_shared_long_stretch_is_leakage_from_split_files(tmp_path):
    shared = "a long stretch of words that appears in both of the splits, word for word"
    files = {
        "train": ["first training line", f"prefix one: {shared}", "x"],
        "val": [f"{shared} and then more", "a short line", "x"],
        "test": ["nothing in common with the training text at all, not a single stretch"],
    }
    paths = {}
    for name, rows in files.items():
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_text("".join(r + "\n" for r in rows), encoding="utf-8")
    report = data_health(paths)
    assert report.finding("leak_ngrams").count == 1 and report.finding("leak_ngrams").examples[0].line == 1
    assert report.finding("leak_lines").count == 1  # "x"
    assert report.leakage["val"]["lines"] == 3 and report.leakage["test"]["ngram"] == 0


def test_script_mix_names_the_main_script_and_the_lines_of_another():
    lines = [*_prose(20), "Съешь же ещё этих мягких французских булок", "床前明月光，疑是地上霜。", "mixed: да"]
    report = data_health(lines)
    assert report.main_script == "Latin"
    assert set(report.scripts) >= {"Latin", "Cyrillic", "CJK"}
    other = report.finding("other_script")
    assert other.count == 2 and {e.line for e in other.examples} == {21, 22}


def test_markup_and_number_lines_are_found_and_a_min_length_fix_suggested():
    lines = [*_prose(200), '<div class="x"><span>', "12 13 14", "3:16", "<br/>"]
    report = data_health(lines)
    markup, numbers = report.finding("markup"), report.finding("numbers")
    assert (markup.count, numbers.count) == (2, 2)
    assert {e.line for e in markup.examples} == {201, 204}
    fix = markup.fixes[0]
    assert fix.setting == "data.cleaning.min_line_chars" and 5 < fix.value <= len(lines[0])
    summary = health_summary_lines(report.to_dict())
    assert 3 <= len(summary) <= 5 and any("markup" in line for line in summary)


def test_a_one_pass_iterator_is_refused_and_a_callable_is_read_twice():
    lines = _prose(30)
    try:
        data_health(iter(lines))
    except TypeError as exc:
        assert "twice" in str(exc)
    else:
        raise AssertionError("an iterator cannot be read twice")
    report = data_health(lambda: islice(lines, None))
    assert report.lines == 30 and sum(report.split_lines.values()) == 30


def test_prepare_writes_the_health_report_into_report_json(tiny_corpus, tmp_path):
    from lmstudio.core.dataset.prepare import prepare
    from tests.helpers import tiny_workspace

    prepared = prepare(tiny_workspace(tiny_corpus), tmp_path / "prepared")
    report = json.loads((prepared.directory / "report.json").read_text(encoding="utf-8"))
    health = report["health"]
    assert health["lines"] == 600 and health["split_lines"]["val"] == report["splits"]["val"]["lines"]
    assert {f["kind"] for f in health["findings"]} >= {"duplicates", "leak_lines", "leak_ngrams", "other_script"}
    assert 3 <= len(health_summary_lines(health)) <= 5
