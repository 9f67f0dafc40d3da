"""Sweeps: a base workspace plus axes of setting values, trained one run after another at an equal budget.

A sweep file is JSON::

    {"name": "lr", "base": "workspace.json" | {...sections...}, "axes": {"train.lr": [0.001, 0.003]},
     "mode": "grid" | "random" | "zip", "samples": 8, "seed": 0,
     "budget": {"steps": N} | {"tokens": N} | {"seconds": S}, "metric": "auto", "out": "folder"}

``base`` is a workspace file (relative to the sweep file) or an inline workspace (missing sections and settings
take their defaults). An axis is any declared setting (``lmstudio.core.config.declaration``). ``grid`` runs the
cartesian product, ``random`` ``samples`` distinct draws of it (seeded), ``zip`` the i-th values of all axes
together (the ready-made duels pair an architecture with its width that way). The budget is the same for
every run: steps; tokens (turned into steps from batch x block of each run); or seconds of training steps
(``train.max_time``, the learning rate following the clock). ``metric`` ranks the runs: validation loss, or
bits per character (``auto`` picks it when an axis changes the tokenizer: losses per token of different
vocabularies do not compare).

Each run is a normal run folder ``out/NN-<short overrides>``; ``out/sweep.json`` holds the spec (written
first) and ``out/results.json`` the results (rewritten after every run). A run whose folder already finished
is skipped, a stopped one resumed from its checkpoint: a stopped sweep continues where it stopped.
Torch loads when the first run starts, not with this module.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...core.config import MAX_CONFIG_BYTES, MAX_SECONDS, MAX_STEPS, WorkspaceConfig, _coerce, declaration
from ...core.errors import ConfigError, LMStudioError
from ...core.fileio import atomic_write_text

MODES = ("grid", "random", "zip")
BUDGET_KINDS = ("steps", "tokens", "seconds")
METRICS = ("auto", "val_loss", "bits_per_char")
SPEC_KEYS = ("name", "base", "axes", "mode", "samples", "seed", "budget", "metric", "out")
SWEEP_FILE = "sweep.json"
RESULTS_FILE = "results.json"
MAX_RUNS = 10_000  # planned runs of one sweep: far beyond a day of tiny runs, short of a typo's product
TIME_BUDGET_STEPS = 10**9  # steps of a time-budgeted run: the clock ends it first
DONE = ("finished", "early_stopped")  # statuses of runs a resumed sweep skips
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.,+=-]+")


@dataclass
class SweepSpec:
    """What to sweep: see the module doc. ``out`` is None for a spec made in code (the caller names a folder)."""

    name: str
    base: WorkspaceConfig
    axes: dict[str, list]
    mode: str = "grid"
    samples: int = 8
    seed: int = 0
    budget: dict[str, float] = field(default_factory=dict)
    out: Path | None = None
    metric: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        """The sweep file's content, the base inline (so a sweep folder's sweep.json needs no other file)."""
        out: dict[str, Any] = {
            "name": self.name,
            "base": self.base.to_dict(),
            "axes": {key: list(values) for key, values in self.axes.items()},
            "mode": self.mode,
            "samples": self.samples,
            "seed": self.seed,
            "budget": dict(self.budget),
            "metric": self.metric,
        }
        if self.out is not None:
            out["out"] = str(self.out)
        return out

    def ranking_metric(self) -> str:
        """``val_loss`` or ``bits_per_char``: what ``auto`` means for these axes."""
        if self.metric != "auto":
            return self.metric
        return "bits_per_char" if any(key.startswith("tokenizer.") for key in self.axes) else "val_loss"


@dataclass
class PlannedRun:
    index: int  # 0-based, in running order
    name: str  # the run folder's name under the sweep's folder
    overrides: dict[str, Any]  # axis -> value
    config: WorkspaceConfig  # the base with the overrides and the budget applied


@dataclass
class SweepEvent:
    """One step of a sweep. ``event``: the trainer's own event for "train", its FinishedEvent for "run_end"
    (None for a run skipped because it had finished before), the results (:func:`sweep_results`) for
    "done"; ``index`` the run's (0-based), ``total`` the planned runs."""

    kind: str  # "start", "run_start", "train", "run_end" or "done"
    index: int
    total: int
    run_dir: Path | None
    event: Any = None


# ---- reading and checking ------------------------------------------------------------------------------


def canonical_key(key: str) -> str:
    """``cleaning.x`` -> ``data.cleaning.x``; other keys unchanged."""
    return "data." + key if key.startswith("cleaning.") else key


def check_value(key: str, value: Any, source: str = "sweep") -> Any:
    """``value`` checked against the declaration of setting ``key`` alone (type, range, choices), as a config
    file's value is; rules between settings (heads dividing the width) are checked on each planned run."""
    key = canonical_key(key)
    try:
        f, s = declaration(key)
    except KeyError:
        raise ConfigError(
            f"{source}: {key!r} is not a setting; use section.name as in a workspace file, such as "
            f"train.lr, model.d_model or tokenizer.kind"
        ) from None
    try:
        value = _coerce(value, str(f.type), key)
        s.check(value, key)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    return value


def apply_overrides(base: WorkspaceConfig, overrides: dict[str, Any], source: str = "sweep") -> WorkspaceConfig:
    """``base`` with ``overrides`` ({"train.lr": 0.003, ...}) set, built and validated as a workspace file is."""
    values = base.to_dict()
    for key, value in overrides.items():
        key = canonical_key(key)
        check_value(key, value, source)
        *sections, name = key.split(".")
        target = values
        for section in sections:
            target = target[section]
        target[name] = list(value) if isinstance(value, tuple) else value
    return WorkspaceConfig.from_dict(values, source)


def _read_json(path: Path) -> Any:
    from ...core.fileio import check_regular_file

    if not path.exists() and not path.is_symlink():
        raise ConfigError(f"{path}: no such sweep file; check the path")
    check_regular_file(path, "sweep file", error=ConfigError)
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: far too large for a sweep file (a few KB); is this the right file?")
        text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not a UTF-8 text file (byte {exc.start}); a sweep file is JSON text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the sweep file ({exc.strerror or exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise ConfigError(f"{path}: nests lists or objects too deeply to be a sweep file") from None


def _whole(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{what}: {json.dumps(value)} must be a whole number from {low:,} to {high:,}")
    return value


def check_budget(budget: Any, source: str) -> dict[str, float]:
    """``{}`` (each run's own steps and time budget) or one of ``{"steps": N}``, ``{"tokens": N}``,
    ``{"seconds": S}``."""
    if budget is None or budget == {}:
        return {}
    fix = 'give one of {"steps": N}, {"tokens": N} or {"seconds": S}'
    if not isinstance(budget, dict) or len(budget) != 1 or next(iter(budget)) not in BUDGET_KINDS:
        raise ConfigError(f"{source}: budget: {json.dumps(budget)[:80]} is not a budget; {fix}")
    ((kind, value),) = budget.items()
    if kind == "seconds":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_SECONDS:
            raise ConfigError(f"{source}: budget: seconds {json.dumps(value)} must be a number above 0, at most a year")
        return {kind: float(value)}
    return {kind: _whole(value, f"{source}: budget: {kind}", 1, MAX_STEPS if kind == "steps" else 10**15)}


def make_spec(
    name: str,
    base: WorkspaceConfig,
    axes: dict[str, list],
    *,
    mode: str = "grid",
    samples: int = 8,
    seed: int = 0,
    budget: dict[str, float] | None = None,
    out: Path | None = None,
    metric: str = "auto",
    source: str = "sweep",
) -> SweepSpec:
    """A checked :class:`SweepSpec`: every axis a setting with a non-empty list of values, each value valid on
    the base by itself (combinations are checked by :func:`plan`). ``source`` names the sweep in messages."""
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f'{source}: name: give the sweep a name (text), such as "lr"')
    if mode not in MODES:
        raise ConfigError(f"{source}: mode: {json.dumps(mode)} is not a mode; use grid, random or zip")
    if metric not in METRICS:
        raise ConfigError(
            f"{source}: metric: {json.dumps(metric)} is not a metric; use auto, val_loss or bits_per_char"
        )
    samples = _whole(samples, f"{source}: samples", 1, MAX_RUNS)
    seed = _whole(seed, f"{source}: seed", 0, 2**63 - 1)
    budget = check_budget(budget, source)
    if not isinstance(axes, dict) or not axes:
        raise ConfigError(
            f'{source}: axes: give at least one setting and its values, such as {{"train.lr": [0.001, 0.003]}}'
        )
    checked: dict[str, list] = {}
    for key, values in axes.items():
        key = canonical_key(key)
        if not isinstance(values, list) or not values:
            raise ConfigError(
                f"{source}: axes: {key}: expected a non-empty list of values, got {json.dumps(values)[:60]}"
            )
        if key in ("train.steps", "train.max_time") and budget:
            raise ConfigError(
                f"{source}: axes: {key} is set by the budget for every run; remove the axis or the budget"
            )
        for value in values:
            check_value(key, value, f"{source}: axes")
        if mode != "zip" and len({json.dumps(v) for v in values}) != len(values):
            raise ConfigError(f"{source}: axes: {key} lists a value twice; give each value once")
        checked[key] = list(values)
    if mode == "zip":
        if len({len(v) for v in checked.values()}) > 1:
            raise ConfigError(f"{source}: axes: zip mode pairs the i-th values of every axis; give them equal lengths")
        if len({json.dumps(combo) for combo in zip(*checked.values())}) != len(next(iter(checked.values()))):
            raise ConfigError(f"{source}: axes: zip mode: two runs would have the same settings; give each run once")
    spec = SweepSpec(name.strip(), base, checked, mode, samples, seed, budget, out, metric)
    if _count(spec) > MAX_RUNS:
        raise ConfigError(
            f"{source}: {_count(spec):,} runs are planned; at most {MAX_RUNS:,}: use fewer values or random"
        )
    return spec


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and check a sweep file (see the module doc); every problem is one ConfigError naming the file."""
    path = Path(path)
    values = _read_json(path)
    source = str(path)
    if not isinstance(values, dict):
        raise ConfigError(f"{source}: expected a JSON object {{...}} at the top level; is this a sweep file?")
    unknown = sorted(set(values) - set(SPEC_KEYS))
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)}; known are {', '.join(SPEC_KEYS)}")
    base_value = values.get("base", {})
    if isinstance(base_value, str):
        base_path = path.parent / base_value
        try:
            base = WorkspaceConfig.load(base_path)
        except ConfigError as exc:
            raise ConfigError(f"{source}: base: {exc}") from None
    elif isinstance(base_value, dict):
        base = WorkspaceConfig.from_dict(base_value, f"{source}: base")
    else:
        raise ConfigError(f"{source}: base: give a workspace file's path or an object of settings sections")
    name = values.get("name", path.stem)
    out = values.get("out")
    if out is not None and (not isinstance(out, str) or not out.strip()):
        raise ConfigError(f"{source}: out: expected a folder path (text), got {json.dumps(out)[:60]}")
    folder = path.parent / out if out else path.parent / safe_name(name if isinstance(name, str) else path.stem)
    return make_spec(
        name,
        base,
        values.get("axes"),
        mode=values.get("mode", "grid"),
        samples=values.get("samples", 8),
        seed=values.get("seed", 0),
        budget=values.get("budget"),
        out=folder,
        metric=values.get("metric", "auto"),
        source=source,
    )


def save_sweep(spec: SweepSpec, path: str | Path) -> None:
    """Write ``spec`` as a sweep file (the base inline; ``out`` relative to the file where it is beside it)."""
    path = Path(path)
    values = spec.to_dict()
    if spec.out is not None:
        try:
            values["out"] = str(Path(spec.out).resolve().relative_to(path.resolve().parent))
        except ValueError:
            values["out"] = str(spec.out)
    atomic_write_text(path, json.dumps(values, indent=2, ensure_ascii=False) + "\n")


# ---- planning ------------------------------------------------------------------------------------------


def _count(spec: SweepSpec) -> int:
    sizes = [len(v) for v in spec.axes.values()]
    if spec.mode == "zip":
        return sizes[0]
    total = math.prod(sizes)
    return min(total, spec.samples) if spec.mode == "random" else total


def safe_name(text: str, limit: int = 48) -> str:
    """``text`` as a folder name: letters, digits and ``_.,+=-`` only, at most ``limit`` characters."""
    return _NAME_CHARS.sub("_", str(text)).strip("_.")[:limit] or "sweep"


def value_label(value: Any) -> str:
    """A value as a run's name shows it: 0.003, 128, bpe, on/off, 0.8,0.1,0.1."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ",".join(value_label(v) for v in value)
    return "null" if value is None else str(value)


def _run_name(index: int, total: int, overrides: dict[str, Any]) -> str:
    width = max(2, len(str(total)))
    short = "-".join(f"{key.rsplit('.', 1)[-1]}={value_label(value)}" for key, value in overrides.items())
    return f"{index + 1:0{width}d}-{safe_name(short)}"


def _combinations(spec: SweepSpec) -> list[tuple]:
    lists = list(spec.axes.values())
    if spec.mode == "zip":
        return list(zip(*lists))
    if spec.mode == "grid":
        return list(itertools.product(*lists))
    total = math.prod(len(v) for v in lists)
    draws = random.Random(spec.seed).sample(range(total), min(spec.samples, total))
    out = []
    for draw in draws:  # mixed radix: the last axis varies fastest, as in the grid
        combo = []
        for values in reversed(lists):
            draw, digit = divmod(draw, len(values))
            combo.append(values[digit])
        out.append(tuple(reversed(combo)))
    return out


def apply_budget(config: WorkspaceConfig, budget: dict[str, float]) -> WorkspaceConfig:
    """``config`` with the budget: steps; tokens as steps of batch x grad_accum x block tokens; seconds as
    ``train.max_time`` with steps the clock reaches first."""
    if not budget:
        return config
    ((kind, value),) = budget.items()
    train = config.train
    if kind == "steps":
        overrides = {"train.steps": int(value), "train.max_time": 0.0}
    elif kind == "tokens":
        per_step = train.batch_size * train.grad_accum * config.model.block_size
        overrides = {"train.steps": max(1, math.ceil(value / per_step)), "train.max_time": 0.0}
    else:
        overrides = {"train.steps": TIME_BUDGET_STEPS, "train.max_time": float(value)}
    return apply_overrides(config, overrides, "budget")


def plan(spec: SweepSpec) -> list[PlannedRun]:
    """The runs of ``spec`` in running order, each config built and checked (a combination the settings'
    rules refuse, such as a width its heads do not divide, is one ConfigError naming the run)."""
    combos = _combinations(spec)
    keys = list(spec.axes)
    runs = []
    for index, combo in enumerate(combos):
        overrides = dict(zip(keys, combo))
        name = _run_name(index, len(combos), overrides)
        config = apply_overrides(spec.base, overrides, f"sweep {spec.name}: run {name}")
        runs.append(PlannedRun(index, name, overrides, apply_budget(config, spec.budget)))
    return runs


# ---- running -------------------------------------------------------------------------------------------


def _check_out_dir(spec: SweepSpec, out_dir: Path) -> None:
    """Refuse a folder holding something other than this sweep (a different sweep, or files of the user's)."""
    sweep_file = out_dir / SWEEP_FILE
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"{out_dir}: is a file; give a folder for the sweep's runs")
    if sweep_file.is_file():
        try:
            before = json.loads(sweep_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            before = None
        mine = json.loads(json.dumps(spec.to_dict()))
        if not isinstance(before, dict) or {k: v for k, v in before.items() if k != "out"} != {
            k: v for k, v in mine.items() if k != "out"
        }:
            raise ConfigError(
                f"{out_dir}: holds a different sweep ({SWEEP_FILE}); choose another output folder, "
                f"or run that sweep's own {SWEEP_FILE} to continue it"
            )
    elif out_dir.is_dir() and any(out_dir.iterdir()):
        raise ConfigError(f"{out_dir}: is not empty and holds no {SWEEP_FILE}; choose a new or empty output folder")


def run_sweep(spec: SweepSpec, out_dir: str | Path, control: Any = None) -> Iterator[SweepEvent]:
    """Train the planned runs one after another into ``out_dir`` (see the module doc), yielding
    :class:`SweepEvent`. ``control`` (a :class:`~lmstudio.core.training.control.TrainingControl`) pauses or
    stops the current run; a stop ends the sweep after that run's checkpoint is saved. A run that fails is
    recorded as failed and the sweep goes on."""
    from ...core.training.control import TrainingControl
    from ...core.training.events import FinishedEvent
    from ...core.training.launch import new_trainer, resume_trainer

    out_dir = Path(out_dir)
    runs = plan(spec)
    _check_out_dir(spec, out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out_dir / SWEEP_FILE, json.dumps(spec.to_dict(), indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise ConfigError(f"{out_dir}: the sweep folder cannot be written ({exc.strerror or exc})") from None
    control = control if control is not None else TrainingControl()
    statuses = _recorded_statuses(out_dir)
    total = len(runs)
    yield SweepEvent("start", 0, total, out_dir)
    for run in runs:
        run_dir = out_dir / run.name
        status = _status(run_dir, run.config, statuses.get(run.name))
        if status in DONE:
            yield SweepEvent("run_end", run.index, total, run_dir, None)
            continue
        if not control.wait_turn():  # paused between runs: wait here; stopped: end the sweep
            break
        yield SweepEvent("run_start", run.index, total, run_dir)
        finished = None
        try:
            if (run_dir / "config.json").is_file():
                trainer = resume_trainer(run_dir, control=control)
            else:
                trainer = new_trainer(run.config, run_dir, control=control)
            for event in trainer.run():
                if isinstance(event, FinishedEvent):
                    finished = event
                else:
                    yield SweepEvent("train", run.index, total, run_dir, event)
            del trainer
        except LMStudioError as exc:
            finished = FinishedEvent("failed", 0, str(exc), None)
        if finished is None:
            finished = FinishedEvent("failed", 0, "the trainer ended without a result", None)
        statuses[run.name] = {"status": finished.status, "message": finished.message}
        _write_results(out_dir, spec, runs, statuses)
        yield SweepEvent("run_end", run.index, total, run_dir, finished)
        if finished.status == "stopped" or control.stop_requested:
            break
    yield SweepEvent("done", total, total, out_dir, _write_results(out_dir, spec, runs, statuses))


# ---- results -------------------------------------------------------------------------------------------


def _recorded_statuses(out_dir: Path) -> dict[str, dict[str, str]]:
    try:
        results = json.loads((out_dir / RESULTS_FILE).read_text(encoding="utf-8"))
        return {
            r["name"]: {"status": str(r["status"]), "message": str(r.get("message", ""))}
            for r in results["runs"]
            if isinstance(r, dict) and isinstance(r.get("name"), str) and "status" in r
        }
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return {}


def _float(text: str | None) -> float | None:
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _metrics(run_dir: Path) -> list[dict[str, str]]:
    from ...core.training.metrics_log import read_metrics_rows

    try:
        return read_metrics_rows(run_dir / "metrics.csv")
    except OSError:
        return []


def _last_checkpoint_step(run_dir: Path) -> int | None:
    from ...core.runs.checkpoint import list_checkpoints

    try:
        steps = [c.step for c in list_checkpoints(run_dir)]
    except (LMStudioError, OSError):
        return None
    return max(steps) if steps else None


def _status(run_dir: Path, config: WorkspaceConfig, recorded: dict[str, str] | None) -> str:
    """pending (no folder yet), finished/early_stopped/failed (as recorded, or read from the checkpoints),
    stopped (a checkpoint short of the budget)."""
    if not (run_dir / "config.json").is_file():
        return "pending"
    if recorded and recorded["status"] in (*DONE, "failed"):
        return recorded["status"]
    step = _last_checkpoint_step(run_dir)
    if step is None:
        return "stopped"
    if step >= config.train.steps:
        return "finished"
    if config.train.max_time:
        elapsed = [_float(r.get("elapsed")) for r in _metrics(run_dir) if r.get("step") == str(step)]
        if any(e is not None and e >= config.train.max_time for e in elapsed):
            return "finished"
    return "stopped"


def _run_result(run: PlannedRun, run_dir: Path, recorded: dict[str, str] | None) -> dict[str, Any]:
    rows = _metrics(run_dir)
    evals = [r for r in rows if _float(r.get("val_loss")) is not None]
    last = rows[-1] if rows else {}
    final = evals[-1] if evals else {}
    bpc = _float(final.get("bits_per_char"))
    out = {
        "name": run.name,
        "dir": str(run_dir),
        "settings": dict(run.overrides),
        "best_val_loss": min((_float(r["val_loss"]) for r in evals), default=None),  # type: ignore[type-var]
        "final_val_loss": _float(final.get("val_loss")),
        "perplexity": _float(final.get("val_perplexity")),
        "bits_per_char": bpc,
        "steps": int(_float(last.get("step")) or 0),
        "tokens": int(_float(last.get("tokens")) or 0),
        "seconds": _float(last.get("elapsed")) or 0.0,
        "status": _status(run_dir, run.config, recorded),
        "message": (recorded or {}).get("message", ""),
    }
    if evals and bpc is None:
        out["bits_per_char_note"] = "n/a: the validation text holds <unk> tokens, so bits per character would flatter"
    return out


def _budget_words(budget: dict[str, float]) -> str:
    if not budget:
        return ""
    ((kind, value),) = budget.items()
    if kind == "seconds":
        return f" at equal time ({value:g} s)"
    return f" at equal {kind} ({int(value):,})"


def _summary(spec: SweepSpec, ranked: list[dict[str, Any]], metric: str) -> str:
    if not ranked:
        return "no run has a validation figure yet"
    best = ranked[0]
    if len(ranked) == 1:
        return f"only {best['name']} has a validation figure so far"
    second = ranked[1]
    differ = [k for k in spec.axes if json.dumps(best["settings"][k]) != json.dumps(second["settings"][k])]
    if len(differ) == 1:
        key = differ[0]
        who = f"{key} {value_label(best['settings'][key])} beat {value_label(second['settings'][key])}"
    else:
        mine = ", ".join(f"{k} {value_label(best['settings'][k])}" for k in differ)
        theirs = ", ".join(f"{k} {value_label(second['settings'][k])}" for k in differ)
        who = f"{mine} beat {theirs}"
    gap = second[metric] - best[metric]
    unit = "bits per character" if metric == "bits_per_char" else "nats of validation loss"
    digits = 3 if metric == "bits_per_char" else 2
    return f"{who} by {gap:.{digits}f} {unit}{_budget_words(spec.budget)}"


def _results(out_dir: Path, spec: SweepSpec, runs: list[PlannedRun], statuses: dict) -> dict[str, Any]:
    rows = [_run_result(run, out_dir / run.name, statuses.get(run.name)) for run in runs]
    metric = spec.ranking_metric()
    key = "best_val_loss" if metric == "val_loss" else "bits_per_char"
    ranked = sorted((r for r in rows if r[key] is not None), key=lambda r: r[key])
    return {
        "name": spec.name,
        "axes": {k: list(v) for k, v in spec.axes.items()},
        "budget": dict(spec.budget),
        "metric": key,
        "runs": rows,
        "best": ranked[0]["name"] if ranked else None,
        "summary": _summary(spec, ranked, key),
    }


def _write_results(out_dir: Path, spec: SweepSpec, runs: list[PlannedRun], statuses: dict) -> dict[str, Any]:
    results = _results(out_dir, spec, runs, statuses)
    try:
        atomic_write_text(out_dir / RESULTS_FILE, json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise ConfigError(f"{out_dir / RESULTS_FILE}: cannot be written ({exc.strerror or exc})") from None
    return results


def sweep_results(out_dir: str | Path) -> dict[str, Any]:
    """The results of the sweep in ``out_dir`` (its sweep.json and run folders), finished or not: see the
    module doc; ``best`` is the best run's name by the sweep's metric (None while no run has a figure)."""
    out_dir = Path(out_dir)
    if not (out_dir / SWEEP_FILE).is_file():
        raise ConfigError(f"{out_dir}: holds no {SWEEP_FILE}; give a folder a sweep wrote")
    spec = load_sweep(out_dir / SWEEP_FILE)
    return _results(out_dir, spec, plan(spec), _recorded_statuses(out_dir))
