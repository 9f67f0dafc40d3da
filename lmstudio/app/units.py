"""Numbers for people: counts, sizes in bytes, large quantities and durations, formatted one way everywhere
(the Data, Vocabulary and Model tabs, and the command line's progress and training lines)."""

from __future__ import annotations

BYTE_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB")  # powers of 1024, named as such


def human_count(n: float) -> str:
    """A count of things (lines, characters, tokens): exact with thousands separators below 10,000, then
    "12.3 k", "4.56 M", "1.23 G"."""
    if n >= 1e9:
        return f"{n / 1e9:.2f} G"
    if n >= 1e6:
        return f"{n / 1e6:.2f} M"
    if n >= 1e4:
        return f"{n / 1e3:.1f} k"
    return f"{int(n):,}"


def human_bytes(n: float) -> str:
    """A size: "512 bytes", "1.5 KiB", "23.4 MiB", "1.2 GiB", ..., "3.0 TiB" (powers of 1024)."""
    for unit in BYTE_UNITS:
        if abs(n) < 1024 or unit == BYTE_UNITS[-1]:
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def human_number(n: float) -> str:
    """A large quantity in short form (parameters, FLOPs, tokens per second): "512", "1.50k", "2.30M",
    "4.00G", "1.00T"."""
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= div:
            return f"{n / div:.2f}{suffix}"
    return f"{n:.0f}"


def human_duration(seconds: float) -> str:
    """A duration as a clock: "m:ss" under an hour, "h:mm:ss" from one hour; negative counts as 0."""
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
