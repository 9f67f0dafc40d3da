"""The runs table: every run of a runs folder in one row (what it was, how far it got, how good it is), the
settings in which the runs differ, and the few things a user does to a run as a whole (tag, rename, delete).

Read from the files a run writes, with the readers the rest of the program uses: ``config.json``
(:func:`lmstudio.core.runs.checkpoint.read_run_config`), ``checkpoints/index.json`` and the checkpoints,
``metrics.csv`` (:func:`~lmstudio.core.training.metrics_log.read_metrics_rows` into the Train tab's
:class:`~lmstudio.app.train_metrics.RunMetrics`), and the run's OS lock (held while a process trains it). The
core does not record how a run ended, so the status is inferred from those files (see :func:`_status`).

The window's Runs tab and ``lmstudio runs`` both show these rows. Nothing here imports torch at import time:
the checkpoint readers (which do) are imported on first use, so the table module itself stays cheap to load.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.config import declaration, value_text
from ..core.errors import CheckpointError
from ..core.fileio import atomic_write_text
from ..core.inference.metrics import perplexity
from ..core.locks import RUN_LOCK_FILE, describe_write_error, is_locked, is_temp_file, lock_run_folder
from ..core.training.metrics_log import read_metrics_rows
from .train_metrics import RunMetrics, format_bpc
from .units import human_count, human_duration, human_number

RUNS_DIR_ENV = "LMSTUDIO_RUNS_DIR"
TAGS_FILE = "tags.json"  # the user's tags of a run: {"tags": ["baseline", ...]}
METRICS_FILE = "metrics.csv"
STATUSES = ("finished", "stopped", "running", "failed", "no checkpoint")

# a folder named by the window (gui.run_folders.new_run_dir): YYYY-MM-DD_HH-MM-SS-arch, in local time
_STAMPED = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{2})-(\d{2})-(\d{2})")
_MAX_HEADER = 100 * 1024 * 1024  # a safetensors header larger than this is not one (a damaged file)


def default_runs_folder() -> Path:
    """The runs folder when none is named: ``$LMSTUDIO_RUNS_DIR``, else ``~/lmstudio-runs``.

    The window may keep another folder as a preference (``gui.run_folders``); this is the Qt-free part
    the command line shares with it.
    """
    value = os.environ.get(RUNS_DIR_ENV)
    return Path(value).expanduser() if value else Path.home() / "lmstudio-runs"


@dataclass
class RunRow:
    """One run as the table shows it; a figure that could not be read is None (NaN for bits per character
    withheld because the tokenizer produced ``<unk>``)."""

    path: Path
    name: str  # the folder's name
    started: str = ""  # ISO date-time (local), "" when unknown
    corpus: str = ""  # the corpus file's name
    tokenizer: str = ""  # "char", "bpe 2,000"
    arch: str = ""
    parameters: int | None = None
    steps: int = 0  # optimizer steps done
    target_steps: int = 0
    tokens: int = 0  # tokens seen in training
    seconds: float = 0.0  # training wall time (training steps only, as the trainer's clock)
    best_val_loss: float | None = None
    perplexity: float | None = None  # of the best validation loss
    bits_per_char: float | None = None  # of the best evaluation; NaN where withheld
    bleu: float | None = None  # translation runs: at the best evaluation (else the last)
    status: str = "no checkpoint"  # one of STATUSES
    tags: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # the config flattened: {"train.lr": 0.004, ...}
    problems: list[str] = field(default_factory=list)  # files that could not be read, and why


# ---------------------------------------------------------------- reading


def _ckpt():
    """The checkpoint readers (they import torch: loaded on first use, not with this module)."""
    from ..core.runs import checkpoint

    return checkpoint


def is_run_folder(path: Path) -> bool:
    """Whether ``path`` looks like a run folder: a ``config.json`` beside what training writes (an export's
    ``config.json`` alone is not one)."""
    path = Path(path)
    try:
        if not (path / "config.json").is_file():
            return False
        return any((path / name).exists() for name in ("checkpoints", METRICS_FILE, "tokenizer"))
    except OSError:
        return False


def flatten_settings(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"train": {"lr": 0.004}}`` -> ``{"train.lr": 0.004}`` (nested sections joined by dots; lists kept)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out.update(flatten_settings(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = list(value) if isinstance(value, tuple) else value
    return out


def read_tags(path: Path) -> list[str]:
    """A run's tags ([] when it has none; an unreadable ``tags.json`` counts as none: tags are a convenience)."""
    try:
        doc = json.loads((Path(path) / TAGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    tags = doc.get("tags") if isinstance(doc, dict) else None
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def _started(path: Path) -> str:
    """When the run began: the window's folder name says it; else the tokenizer's folder (written once, when
    the run was made; config.json is rewritten on resume), else the folder itself."""
    match = _STAMPED.match(path.name)
    if match:
        date, h, m, s = match.groups()
        try:
            return datetime.fromisoformat(f"{date}T{h}:{m}:{s}").isoformat(timespec="seconds")
        except ValueError:
            pass
    for candidate in (path / "tokenizer", path / "config.json", path):
        try:
            return datetime.fromtimestamp(candidate.stat().st_mtime).isoformat(timespec="seconds")
        except (OSError, ValueError, OverflowError):
            continue
    return ""


def safetensors_parameters(path: Path) -> int | None:
    """The number of values in a safetensors file, from its header alone (no torch, no weights read).

    Tied weights are stored twice (safetensors refuses shared tensors), so this may count a tied embedding
    twice: a fallback for runs whose ``config.json`` lacks the exact count.
    """
    try:
        with open(path, "rb") as fh:
            (size,) = struct.unpack("<Q", fh.read(8))
            if size <= 0 or size > _MAX_HEADER:
                return None
            header = json.loads(fh.read(size).decode("utf-8"))
    except (OSError, struct.error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict):
        return None
    total = 0
    for key, info in header.items():
        if key == "__metadata__":
            continue
        shape = info.get("shape") if isinstance(info, dict) else None
        if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
            return None
        total += math.prod(shape)
    return total


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def read_run(path: Path) -> RunRow:
    """The row of one run folder; what cannot be read is left empty and named in ``problems``, never raised."""
    path = Path(path)
    ckpt = _ckpt()
    row = RunRow(path=path, name=path.name, started=_started(path), tags=read_tags(path))
    config, facts = None, {}
    try:
        config, facts = ckpt.read_run_config(path)
    except CheckpointError as exc:
        row.problems.append(str(exc))
    if config is not None:
        values = config.to_dict()
        values.pop("format_version", None)
        row.settings = flatten_settings(values)
        row.target_steps = config.train.steps
        row.arch = config.model.arch
        if config.data.toy_task:
            row.corpus = f"toy: {config.data.toy_task}"
        elif config.data.corpus:
            row.corpus = Path(config.data.corpus).name
        else:
            from ..core.data.corpus import default_corpus_path

            row.corpus = default_corpus_path().name
        kind = config.tokenizer.kind
        vocab = facts.get("vocab_size") if isinstance(facts.get("vocab_size"), int) else config.tokenizer.vocab_size
        row.tokenizer = kind if kind == "char" else f"{kind} {vocab:,}"
        if isinstance(facts.get("parameters"), int):
            row.parameters = facts["parameters"]

    try:
        index = ckpt.read_index(path)
    except CheckpointError as exc:
        index = {}
        row.problems.append(str(exc))
    try:
        checkpoints = ckpt.list_checkpoints(path)
    except CheckpointError as exc:
        checkpoints = []
        row.problems.append(str(exc))
    by_name = {c.name: c for c in checkpoints}
    last = by_name.get(index.get("last") or "") or max(
        (c for c in checkpoints if c.name != "best"), key=lambda c: c.step, default=None
    )
    best = by_name.get(index.get("best") or "") or by_name.get("best") or last
    if row.parameters is None and best is not None:
        row.parameters = safetensors_parameters(best.path / ckpt.WEIGHTS_FILE)

    metrics = RunMetrics(path.name)
    metrics_path = path / METRICS_FILE
    if metrics_path.is_file():
        try:
            metrics = RunMetrics.from_rows(read_metrics_rows(metrics_path), path.name)
        except OSError as exc:
            row.problems.append(f"{metrics_path}: unreadable ({exc.strerror or exc})")
    _fill_figures(row, metrics, index, last, best)
    row.status = _status(row, config, metrics, index, last)
    return row


def _last_of(series, name: str) -> float:
    column = series.column(name)
    return float(column[-1]) if len(column) else math.nan


def _fill_figures(row: RunRow, metrics: RunMetrics, index: dict, last, best) -> None:
    """Steps, tokens and time of the latest row; the best validation loss with its perplexity, bits per
    character and BLEU (of the evaluation at the best checkpoint's step)."""
    steps_done = [_last_of(s, "step") for s in (metrics.steps, metrics.evals) if len(s)]
    logged = int(max(steps_done)) if steps_done else 0
    row.steps = max(logged, last.step if last is not None else 0)
    for series in (metrics.steps, metrics.evals):  # the series that reaches furthest has the latest figures
        if len(series) and _last_of(series, "step") >= logged:
            row.tokens = int(_num(_last_of(series, "tokens")) or 0)
            row.seconds = _num(_last_of(series, "elapsed")) or 0.0
    evals = metrics.evals
    val = evals.column("val_loss")
    best_loss = _num(index.get("best_val_loss"))
    if best_loss is None and best is not None:
        best_loss = best.val_loss
    at = -1
    if len(val) and not all(math.isnan(v) for v in val):
        best_step = index.get("best_step", best.step if best is not None else None)
        matches = [i for i, s in enumerate(evals.column("step")) if s == best_step]
        at = matches[-1] if matches else min(range(len(val)), key=lambda i: (math.isnan(val[i]), val[i]))
        if best_loss is None:
            best_loss = _num(val[at])
    row.best_val_loss = best_loss
    if best_loss is not None:
        row.perplexity = perplexity(best_loss)
    if at >= 0:
        ppl = _num(evals.column("val_perplexity")[at])
        row.perplexity = ppl if ppl is not None else row.perplexity
        row.bits_per_char = float(evals.column("bits_per_char")[at])  # NaN stays: withheld, or not measured
    if len(metrics.translations):
        steps = metrics.translations.column("step")
        at_step = [i for i, s in enumerate(steps) if at >= 0 and s == evals.column("step")[at]]
        i = at_step[-1] if at_step else len(steps) - 1
        row.bleu = _num(metrics.translations.column("bleu")[i])


def _status(row: RunRow, config, metrics: RunMetrics, index: dict, last) -> str:
    """How the run stands, inferred from its files (the core does not write down how a run ended):

    running        another process (or this one) holds the run's lock: it is being trained now
    no checkpoint  it saved no weights (stopped or failed before its first save)
    failed         metrics go past the last checkpoint (the process ended without saving: it diverged, ran out
                   of memory or was killed), or a logged loss is not finite
    finished       its steps are done, its time budget is spent, or it stopped early (``train.patience``
                   evaluations without improvement after the best)
    stopped        saved and resumable: stopped by the user before its end
    """
    if is_locked(row.path / RUN_LOCK_FILE):
        return "running"
    if last is None:
        return "no checkpoint"
    losses = [v for s, name in ((metrics.steps, "loss"), (metrics.evals, "val_loss")) for v in s.column(name)]
    if row.steps > last.step or any(math.isinf(v) for v in losses):
        return "failed"
    if config is None:
        return "finished" if row.target_steps and last.step >= row.target_steps else "stopped"
    train = config.train
    if last.step >= train.steps or (train.max_time and row.seconds >= train.max_time):
        return "finished"
    if train.patience:
        best_step = index.get("best_step")
        later = [s for s in metrics.evals.column("step") if best_step is not None and s > best_step]
        if len(later) >= train.patience:
            return "finished"
    return "stopped"


def scan_runs(root: Path) -> list[RunRow]:
    """Every run folder directly under ``root``, newest first; other folders and files are skipped, and a run
    whose files cannot be read still gets a row with what is known (its ``problems`` say what was not)."""
    root = Path(root)
    try:
        entries = [p for p in root.iterdir() if p.is_dir() and is_run_folder(p)]
    except OSError:  # no runs folder (yet), or not readable: the caller says which
        return []
    rows = []
    for path in entries:
        try:
            rows.append(read_run(path))
        except OSError as exc:  # deleted or made unreadable while we look
            rows.append(RunRow(path=path, name=path.name, problems=[f"{path}: unreadable ({exc.strerror or exc})"]))
    rows.sort(key=lambda r: (r.started, r.name), reverse=True)
    return rows


_MISSING = object()


def differing_settings(rows: list[RunRow]) -> list[str]:
    """The settings whose values are not all equal across ``rows`` (those with a readable config), in the
    config's declaration order (then any a newer run adds, in its order)."""
    configured = [r.settings for r in rows if r.settings]
    if len(configured) < 2:
        return []
    keys: dict[str, None] = {}
    for settings in configured:
        keys.update(dict.fromkeys(settings))
    out = []
    for key in keys:
        first = configured[0].get(key, _MISSING)
        if any(s.get(key, _MISSING) != first for s in configured[1:]):
            out.append(key)
    return out


# ---------------------------------------------------------------- changing runs


def _require_run(path: Path) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise CheckpointError(f"{path}: no such run folder; pick a run from the runs table")
    if not is_run_folder(path):
        raise CheckpointError(f"{path}: not an lmstudio run folder (no config.json beside its checkpoints)")
    return path


def _busy(path: Path, what: str) -> str:
    return f"{path}: being trained now; stop its training first, then {what}"


def clean_tags(tags: list[str]) -> list[str]:
    """Tags as stored: stripped, one line each, empty ones and repeats dropped, the order kept."""
    out: list[str] = []
    for tag in tags:
        if not isinstance(tag, str):
            raise CheckpointError(f"tag {tag!r}: a tag is a piece of text, such as baseline")
        tag = " ".join(tag.split())
        if tag and tag not in out:
            out.append(tag)
    return out


def set_tags(path: Path, tags: list[str]) -> list[str]:
    """Replace a run's tags (``tags.json``, written atomically); returns the tags as stored."""
    path = _require_run(path)
    cleaned = clean_tags(list(tags))
    target = path / TAGS_FILE
    try:
        atomic_write_text(target, json.dumps({"tags": cleaned}, ensure_ascii=False, indent=1) + "\n")
    except OSError as exc:
        raise CheckpointError(describe_write_error(target, exc)) from None
    return cleaned


def rename_run(path: Path, new_name: str) -> Path:
    """Rename a run folder within its parent; returns the new path. Refuses a name with a path separator, a
    name already taken, and a run being trained."""
    path = _require_run(path)
    name = new_name.strip() if isinstance(new_name, str) else ""
    separators = {"/", "\\", os.sep} | ({os.altsep} if os.altsep else set())
    if not name or name in (".", "..") or any(s in name for s in separators) or "\0" in name:
        raise CheckpointError(
            f"{new_name!r}: not a folder name; give a plain name without / or \\ (the run stays in {path.parent})"
        )
    target = path.parent / name
    if target == path:
        return path
    if target.exists() or target.is_symlink():
        raise CheckpointError(f"{target}: already exists; choose another name for {path.name}")
    if is_locked(path / RUN_LOCK_FILE):
        raise CheckpointError(_busy(path, "rename it"))
    try:
        path.rename(target)
    except OSError as exc:
        raise CheckpointError(f"{path}: could not be renamed to {name} ({exc.strerror or exc})") from None
    return target


def owned_entries() -> frozenset[str]:
    """The names a run writes at the top of its folder (the core's list, plus the table's ``tags.json``)."""
    from ..core.runs.folders import RUN_ENTRIES

    return RUN_ENTRIES | {TAGS_FILE}


def foreign_entries(path: Path) -> list[str]:
    """Names in a run folder that no lmstudio run writes (the user's own files), sorted."""
    owned = owned_entries()
    return sorted(p.name for p in Path(path).iterdir() if p.name not in owned and not is_temp_file(p.name))


def delete_run(path: Path) -> None:
    """Delete a run folder, holding its lock so no training can start meanwhile. Refuses a run being trained,
    a link, and a folder holding anything a run does not write (named, so the user can move it first)."""
    path = _require_run(path)
    if path.is_symlink():
        raise CheckpointError(f"{path}: is a link to a folder; delete the link itself, not the run it points at")
    lock = lock_run_folder(path, _busy(path, "delete it"))
    try:
        foreign = foreign_entries(path)
    except OSError as exc:
        lock.release()
        raise CheckpointError(f"{path}: cannot be read ({exc.strerror or exc}); nothing was deleted") from None
    if foreign:
        lock.release()
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise CheckpointError(
            f"{path}: holds files that are not part of an lmstudio run ({shown}); move them out first, "
            "nothing was deleted"
        )
    from ..core.locks import remove_owned_folder

    remove_owned_folder(path, lock)
    if path.exists():
        raise CheckpointError(f"{path}: could not be deleted entirely; check its permissions and delete what is left")


# ---------------------------------------------------------------- showing


TABLE_COLUMNS = (
    ("name", "name"),
    ("started", "date"),
    ("corpus", "corpus"),
    ("tokenizer", "tokenizer"),
    ("arch", "arch"),
    ("parameters", "params"),
    ("steps", "steps"),
    ("tokens", "tokens"),
    ("seconds", "time"),
    ("best_val_loss", "best val"),
    ("perplexity", "ppl"),
    ("bits_per_char", "bpc"),
    ("bleu", "BLEU"),
    ("status", "status"),
)
_RIGHT = {"parameters", "steps", "tokens", "seconds", "best_val_loss", "perplexity", "bits_per_char", "bleu"}


def cell_text(row: RunRow, key: str) -> str:
    """A cell of the table as text (the window's table shows the same words)."""
    value = getattr(row, key, None) if key in {k for k, _ in TABLE_COLUMNS} else row.settings.get(key, _MISSING)
    if key == "started":
        return value.replace("T", " ")[:16] if value else ""
    if key == "parameters":
        return human_number(value) if value is not None else ""
    if key == "steps":
        return f"{row.steps:,}/{row.target_steps:,}" if shows_target(row) else f"{row.steps:,}"
    if key == "tokens":
        return human_count(value) if value else ""
    if key == "seconds":
        return human_duration(value) if value else ""
    if key == "best_val_loss":
        return f"{value:.4f}" if value is not None else ""
    if key == "perplexity":
        return "" if value is None else ("inf" if math.isinf(value) else f"{value:.2f}")
    if key == "bits_per_char":
        return "" if value is None or (math.isnan(value) and row.best_val_loss is None) else format_bpc(value)
    if key == "bleu":
        return f"{value:.1f}" if value is not None else ""
    if value is _MISSING:
        return ""
    if isinstance(value, list):
        return ",".join(value_text(v) for v in value)
    if isinstance(value, str):
        return value  # as it is: "" stays empty
    try:
        declared_as = declaration(key)[1]  # "0 = off", "none" in the declaration's words
    except KeyError:  # a setting this version does not declare (a newer run's)
        declared_as = None
    return value_text(value, declared_as)


def shows_target(row: RunRow) -> bool:
    """Whether the steps column shows the run's planned steps: not for a run ended by a time budget, whose
    steps are only a ceiling (a duel's runs plan a billion)."""
    return bool(row.target_steps) and not row.settings.get("train.max_time")


def table_text(rows: list[RunRow], keys: list[str] | None = None) -> str:
    """The rows as aligned columns (numbers right-aligned), followed by the settings ``keys`` (by default the
    ones in which the rows differ)."""
    keys = differing_settings(rows) if keys is None else list(keys)
    columns = [*TABLE_COLUMNS, *((k, k) for k in keys)]
    cells = [[title for _, title in columns]] + [[cell_text(r, key) for key, _ in columns] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = []
    for line in cells:
        parts = [
            text.rjust(width) if key in _RIGHT else text.ljust(width)
            for (key, _), text, width in zip(columns, line, widths)
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def rows_json(rows: list[RunRow]) -> list[dict[str, Any]]:
    """The rows as JSON-ready dicts: paths as text; NaN and infinity (a withheld figure) as null."""
    return [_json_safe(asdict(r)) for r in rows]
