"""lmstudio/app/units.py: the one set of number formatters."""

from __future__ import annotations

import pytest

from lmstudio.app.units import human_bytes, human_count, human_duration, human_number


@pytest.mark.parametrize(
    "n, text",
    [(0, "0"), (999, "999"), (9_999, "9,999"), (12_345, "12.3 k"), (4_560_000, "4.56 M"), (1.234e9, "1.23 G")],
)
def test_human_count(n, text):
    assert human_count(n) == text


@pytest.mark.parametrize(
    "n, text",
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (5 * 2**20, "5.0 MiB"),
        (3 * 2**30, "3.0 GiB"),
        (2**50, "1024.0 TiB"),
        (-2048, "-2.0 KiB"),
    ],
)
def test_human_bytes(n, text):
    assert human_bytes(n) == text


@pytest.mark.parametrize(
    "n, text",
    [(0, "0"), (512, "512"), (1500, "1.50k"), (2.3e6, "2.30M"), (4e9, "4.00G"), (1e12, "1.00T"), (-2e3, "-2.00k")],
)
def test_human_number(n, text):
    assert human_number(n) == text


@pytest.mark.parametrize(
    "seconds, text",
    [(-3, "0:00"), (0, "0:00"), (59.9, "0:59"), (61, "1:01"), (3599, "59:59"), (3600, "1:00:00"), (90061, "25:01:01")],
)
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text


def test_the_old_formatters_are_these():
    """Each formatter has one definition: the GUI and the CLI modules name the app's functions."""
    import inspect

    from lmstudio.app import units

    for module_name, names in (
        ("lmstudio.gui.tabs.data_panels", ("human_count", "human_bytes")),
        ("lmstudio.gui.model_checks", ("human_bytes", "human_number")),
        ("lmstudio.cli.progressbar", ("format_duration",)),
    ):
        module = __import__(module_name, fromlist=["x"])
        for name in names:
            fn = getattr(module, name)
            assert inspect.getmodule(fn) is units, f"{module_name}.{name} defines its own formatter"
