"""Toy translation tasks: right targets, determinism, date formats, and the TSV the corpus reader opens."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lmstudio.core.data.corpus import Corpus
from lmstudio.core.data.toy_tasks import DATE_FORMATS, TOY_TASKS, toy_pairs, toy_read_options, write_toy_corpus
from lmstudio.core.errors import ConfigError


def test_string_tasks_targets_and_lengths():
    for task, rule in (("reverse", lambda s: s[::-1]), ("sort", lambda s: "".join(sorted(s))), ("copy", str)):
        pairs = toy_pairs(task, 300, seed=1, min_len=2, max_len=5, alphabet="xyz")
        assert len(pairs) == 300
        for source, target in pairs:
            assert 2 <= len(source) <= 5 and set(source) <= set("xyz")
            assert target == rule(source)
        assert {len(s) for s, _ in pairs} == {2, 3, 4, 5}  # every length is drawn


def test_deterministic_from_seed():
    for task in TOY_TASKS:
        assert toy_pairs(task, 50, seed=7) == toy_pairs(task, 50, seed=7)
        assert toy_pairs(task, 50, seed=7) != toy_pairs(task, 50, seed=8)
    # the first pairs do not depend on how many are asked for
    assert toy_pairs("reverse", 100, seed=3)[:10] == toy_pairs("reverse", 10, seed=3)


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _parse(source: str) -> dt.date:
    """An independent reading of every source format (day first for slashes and dots; yy < 50 is 20yy)."""
    months = {
        "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
        "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    }  # fmt: skip
    short = {m[:3]: i for m, i in months.items()}
    text = re.sub(r"^[A-Z][a-z]+day, ", "", source)
    text = re.sub(r"(\d+)(st|nd|rd|th) of ", r"\1 ", text)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})", text):
        year = int(m[3])
        if len(m[3]) == 2:
            year += 2000 if year < 50 else 1900
        return dt.date(year, int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", text):
        return dt.date(int(m[3]), months.get(m[2]) or short[m[2]], int(m[1]))
    if m := re.fullmatch(r"([A-Za-z]+) (\d{1,2}), (\d{4})", text):
        return dt.date(int(m[3]), months.get(m[1]) or short[m[1]], int(m[2]))
    raise AssertionError(f"unexpected date format: {source!r}")


def test_dates_map_every_format_to_iso():
    pairs = toy_pairs("dates", 2000, seed=0)
    seen = set()
    for source, target in pairs:
        day = _parse(source)
        assert target == day.isoformat(), source
        assert dt.date(1950, 1, 1) <= day <= dt.date(2049, 12, 31)
        if "day, " in source:  # weekday format: the weekday is the date's own
            assert source.split(",")[0] == WEEKDAYS[day.weekday()], source
        seen.add(re.sub(r"\d", "9", re.sub(r"[A-Za-z]+", "A", source)))
    assert len(pairs) == 2000
    assert "3 March 1998" == DATE_FORMATS["d month yyyy"](dt.date(1998, 3, 3))
    assert [DATE_FORMATS[k](dt.date(1998, 3, 3)) for k in ("dd/mm/yyyy", "month d, yyyy", "d.m.yy")] == [
        "03/03/1998",
        "March 3, 1998",
        "3.3.98",
    ]
    assert DATE_FORMATS["dth of month yyyy"](dt.date(2011, 4, 12)) == "12th of April 2011"
    assert DATE_FORMATS["dth of month yyyy"](dt.date(2011, 4, 22)) == "22nd of April 2011"
    assert len(seen) >= 10  # the formats are all drawn (shapes with letters and digits abstracted)


def test_errors_name_the_setting():
    with pytest.raises(ConfigError, match="toy task: unknown task 'translate'"):
        toy_pairs("translate", 5, 0)
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ConfigError, match="toy task n"):
            toy_pairs("copy", bad, 0)
    with pytest.raises(ConfigError, match="min_len"):
        toy_pairs("copy", 5, 0, min_len=0)
    with pytest.raises(ConfigError, match="max_len"):
        toy_pairs("copy", 5, 0, min_len=4, max_len=3)
    with pytest.raises(ConfigError, match="alphabet"):
        toy_pairs("copy", 5, 0, alphabet="")
    with pytest.raises(ConfigError, match="alphabet"):
        toy_pairs("copy", 5, 0, alphabet="a\tb")
    with pytest.raises(ConfigError, match="toy task n"):
        write_toy_corpus("dates", "unused.tsv", 0, 0)


@pytest.mark.parametrize("task", TOY_TASKS)
def test_toy_corpus_round_trips_through_the_reader(tmp_path, task):
    path = write_toy_corpus(task, tmp_path / f"{task}.tsv", 200, seed=5)
    corpus = Corpus.open(path, toy_read_options())
    assert corpus.is_parallel and corpus.header is False
    assert list(corpus.iter_pairs()) == toy_pairs(task, 200, seed=5)
    assert path.read_text(encoding="utf-8").count("\n") == 200
