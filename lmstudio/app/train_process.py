"""Training in a child process, driven from the window's worker thread.

Why a process: on a thread of the window, the trainer and the charts share one interpreter lock, and every
redraw costs the training loop its share of it (0.93x the headless tokens/s at redraws every 0.25 s,
benchmarks/bench_gui_training.py). In a child process the training loop has an interpreter to itself.

The protocol is JSON, one object per line, over the child's standard input and output (the child moves
anything else printed to standard error, which it shares with the window's terminal):

* window -> child, first line: ``{"config", "run_dir", "resume", "steps", "tokenizer_dir"}``; then commands
  ``{"cmd": "pause" | "resume" | "stop" | "step" | "cancel"}`` and ``{"cmd": "lr", "lr": x}``. End of input
  (the window went away) stops the run cooperatively: a checkpoint is saved, nothing is lost.
* child -> window: ``{"type": "progress", ...}``, ``{"type": "events", "events": [...]}`` (the core's event
  dataclasses and a RunInfo, by class name), then one ``{"type": "result", "event": ...}``,
  ``{"type": "cancelled"}`` or ``{"type": "error", "message", "error_class"}``.

With ``processes`` above 1 the window starts :mod:`lmstudio.app.torchrun` instead, which runs this module in
that many processes under torchrun, with the request in a file (``--request``) every rank reads. The
processes inherit the launcher's standard input and output: rank 0 alone reads the commands and writes the
protocol, so the window sees one run (a stop, pause or new learning rate reaches every rank through rank 0).

Neither side imports Qt; the window side imports no torch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import fields
from pathlib import Path
from typing import IO, Any

from ..core.config import WorkspaceConfig
from ..core.errors import Cancelled, LMStudioError, TrainingError
from ..core.progress import ProgressCallback
from ..core.training import events as ev
from .training import RunInfo

IN_THREAD_ENV = "LMSTUDIO_TRAIN_IN_THREAD"  # "1": the window trains on a thread of its own process
_EVENT_TYPES = {cls.__name__: cls for cls in (ev.StepEvent, ev.EvalEvent, ev.SampleEvent, ev.CheckpointEvent)}
_EVENT_TYPES.update(
    {
        cls.__name__: cls
        for cls in (ev.LrChangedEvent, ev.LogEvent, ev.FinishedEvent, ev.TranslationEvent, ev.ProbeEvent, RunInfo)
    }
)


def in_child_process() -> bool:
    """Whether the window trains in a child process (the default) rather than on a thread of its own."""
    return os.environ.get(IN_THREAD_ENV, "").strip() not in ("1", "true", "yes")


# -- events as JSON --------------------------------------------------------------------------------------------
def encode_event(event: Any) -> dict:
    values = {f.name: getattr(event, f.name) for f in fields(event)}
    if isinstance(event, RunInfo):
        values["config"] = event.config.to_dict()
    return {"kind": type(event).__name__, **values}


def decode_event(doc: dict) -> Any:
    doc = dict(doc)
    cls = _EVENT_TYPES[doc.pop("kind")]
    if cls is RunInfo:
        doc["config"] = WorkspaceConfig.from_dict(doc["config"], source="the training process")
    return cls(**doc)


def _line(doc: dict) -> bytes:
    return (json.dumps(doc) + "\n").encode("utf-8")


# -- the window's side --------------------------------------------------------------------------------------
class ChildControl:
    """The window's handle on a run in a child process: the TrainingControl calls, sent as commands.

    Calls made before the child is up are kept and sent once it is (a Stop while preparing, say).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pipe: IO[bytes] | None = None
        self._pending: list[dict] = []

    def attach(self, pipe: IO[bytes]) -> None:
        with self._lock:
            self._pipe = pipe
            pending, self._pending = self._pending, []
        for doc in pending:
            self._send(doc)

    def detach(self) -> None:
        with self._lock:
            self._pipe = None

    def _send(self, doc: dict) -> None:
        with self._lock:
            if self._pipe is None:
                self._pending.append(doc)
                return
            try:
                self._pipe.write(_line(doc))
                self._pipe.flush()
            except (OSError, ValueError):  # the child has ended (or is ending): nothing left to control
                pass

    def pause(self) -> None:
        self._send({"cmd": "pause"})

    def resume(self) -> None:
        self._send({"cmd": "resume"})

    def stop(self) -> None:
        self._send({"cmd": "stop"})

    def step_once(self) -> None:
        self._send({"cmd": "step"})

    def set_lr(self, lr: float) -> None:
        from math import isfinite

        if not (lr > 0 and isfinite(lr)):
            raise ValueError("learning rate must be a positive number")
        self._send({"cmd": "lr", "lr": float(lr)})

    def cancel(self) -> None:
        self._send({"cmd": "cancel"})


def child_command() -> list[str]:
    return [sys.executable, "-m", "lmstudio.app.train_process"]


def _child_env() -> dict[str, str]:
    """The window's environment, with this lmstudio first on the path (a checkout run without installing)."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    env.pop(IN_THREAD_ENV, None)
    return env


def run_training_in_child(
    config: WorkspaceConfig | None,
    run_dir: Path,
    *,
    resume: bool,
    control: ChildControl,
    emit,
    tokenizer: Any = None,
    steps: int | None = None,
    progress: ProgressCallback | None = None,
    init_from: str | Path | None = None,
    processes: int = 1,
) -> Any:
    """:func:`lmstudio.app.training.run_training` in a child process, with the same arguments and results:
    ``emit`` gets the same batches of events, the FinishedEvent is returned, Cancelled and the run's errors
    are raised here with the child's message. Runs on the window's worker thread.

    ``processes`` above 1: the child is torchrun's launcher and ``processes`` ranks train together."""
    scratch = Path(tempfile.mkdtemp(prefix="lmstudio-train-"))  # ours: removed below, whatever happens
    try:
        tokenizer_dir = None
        if tokenizer is not None:  # the Vocabulary tab's tokenizer, as trained there (not trained again)
            tokenizer_dir = scratch / "tokenizer"
            tokenizer.save(tokenizer_dir)
        request = {
            "config": None if config is None else config.to_dict(),
            "run_dir": str(run_dir),
            "resume": bool(resume),
            "steps": steps,
            "tokenizer_dir": None if tokenizer_dir is None else str(tokenizer_dir),
            "init_from": None if init_from is None else str(Path(init_from).resolve()),
        }
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
        command, env = child_command(), _child_env()
        if processes > 1:
            from .torchrun import launcher_command, launcher_env

            request_file = scratch / "request.json"
            request_file.write_text(json.dumps(request), encoding="utf-8")
            command = launcher_command(processes, "lmstudio.app.train_process", ["--request", str(request_file)])
            env = launcher_env(processes, env)
            request = None  # every rank reads the file; nothing goes to standard input first
        try:
            child = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                creationflags=flags,
            )
        except OSError as exc:
            raise TrainingError(
                f"could not start the training process ({sys.executable}: {exc.strerror or exc}); "
                f"set {IN_THREAD_ENV}=1 to train inside the window instead"
            ) from None
        try:
            return _follow(child, request, control, emit, progress)
        finally:
            control.detach()
            for pipe in (child.stdin, child.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass
            try:
                child.wait(timeout=60)  # it has sent its last word; this is its interpreter shutting down
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _follow(child: subprocess.Popen, request: dict | None, control: ChildControl, emit, progress) -> Any:
    if request is not None:
        try:
            child.stdin.write(_line(request))
            child.stdin.flush()
        except OSError:
            pass  # it ended at once: its exit status says why, below
    control.attach(child.stdin)
    cancelled = False
    for raw in child.stdout:
        doc = json.loads(raw.decode("utf-8"))
        kind = doc["type"]
        if kind == "events":
            emit([decode_event(e) for e in doc["events"]])
        elif kind == "progress":
            if progress is not None and progress(doc["done"], doc["total"], doc["message"]) is False and not cancelled:
                cancelled = True
                control.cancel()
        elif kind == "result":
            return None if doc["event"] is None else decode_event(doc["event"])
        elif kind == "cancelled":
            raise Cancelled("cancelled")
        elif kind == "error":
            raise ChildFailed(doc["message"], doc.get("error_class", ""))
    status = child.wait()
    raise TrainingError(
        f"the training process ended unexpectedly (exit status {status}); what it printed is in the terminal "
        f"that started lmstudio. The run folder keeps its last checkpoint: resume it from the Train tab"
    )


class ChildFailed(LMStudioError):
    """The child's run failed; ``str()`` is its message as the window would have worded it."""

    def __init__(self, message: str, error_class: str = "") -> None:
        super().__init__(message)
        self.error_class = error_class


# -- the child's side -----------------------------------------------------------------------------------------
def _child_main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from ..core.training.distributed import OtherRankFailed, in_torchrun, world_from_env

    rank = world_from_env()[0] if in_torchrun() else 0
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb") if rank == 0 else None  # the protocol's channel
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a print() anywhere must not corrupt it
    sys.stdout = sys.stderr
    lock = threading.Lock()

    def send(doc: dict) -> None:
        if out is None:  # ranks other than 0 of several processes: rank 0 speaks for the run
            return
        with lock:
            out.write(_line(doc))
            out.flush()

    from ..core.training.control import TrainingControl
    from .errors import describe_exception
    from .training import run_training

    if argv[:1] == ["--request"] and len(argv) == 2:
        request = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    else:
        request = json.loads(sys.stdin.buffer.readline().decode("utf-8") or "null")
    if request is None:
        return 2  # the window went away before asking for anything
    control = TrainingControl()
    cancel = threading.Event()

    def commands() -> None:
        for raw in sys.stdin.buffer:
            doc = json.loads(raw.decode("utf-8"))
            cmd = doc.get("cmd")
            if cmd == "pause":
                control.pause()
            elif cmd == "resume":
                control.resume()
            elif cmd == "stop":
                control.stop()
            elif cmd == "step":
                control.step_once()
            elif cmd == "lr":
                control.set_lr(float(doc["lr"]))
            elif cmd == "cancel":
                cancel.set()
                control.stop()
        cancel.set()  # the window is gone: save a checkpoint and end
        control.stop()

    if rank == 0:  # the others share the same standard input: rank 0 alone reads it
        threading.Thread(target=commands, name="lmstudio-train-commands", daemon=True).start()
    if in_torchrun():  # torchrun passes SIGINT/SIGTERM on to every process: stop together, with a checkpoint
        import signal

        for sig in (signal.SIGINT, getattr(signal, "SIGTERM", None)):
            if sig is not None:
                signal.signal(sig, lambda signum, frame: control.stop())

    def progress(done: float, total: float | None = None, message: str = "") -> bool:
        total = None if total is None else float(total)
        send({"type": "progress", "done": float(done), "total": total, "message": message})
        return not cancel.is_set()

    def emit(batch: list) -> None:
        send({"type": "events", "events": [encode_event(e) for e in batch]})

    dist = None
    try:
        tokenizer = None
        if request["tokenizer_dir"]:
            from ..core.tokenizers import load_tokenizer

            tokenizer = load_tokenizer(Path(request["tokenizer_dir"]))
        config = None if request["config"] is None else WorkspaceConfig.from_dict(request["config"], source="window")
        dist = _join(config, Path(request["run_dir"])) if in_torchrun() else None
        final = run_training(
            config,
            Path(request["run_dir"]),
            resume=request["resume"],
            control=control,
            emit=emit,
            tokenizer=tokenizer,
            steps=request["steps"],
            progress=progress,
            init_from=request.get("init_from"),
            dist=dist,
        )
    except OtherRankFailed:
        return 1  # the rank that failed says why
    except Cancelled:
        send({"type": "cancelled"})
        return 0
    except LMStudioError as exc:
        send({"type": "error", "message": str(exc), "error_class": type(exc).__name__})
        return 1
    except BaseException as exc:  # a bug or out of memory: worded as the window words it, traceback on stderr
        import traceback

        traceback.print_exc()
        send({"type": "error", "message": describe_exception(exc), "error_class": type(exc).__name__})
        return 1
    finally:
        if dist is not None:
            dist.close()
    if cancel.is_set() and final is None:
        send({"type": "cancelled"})
        return 0
    send({"type": "result", "event": None if final is None else encode_event(final)})
    if in_torchrun() and final is not None and final.status == "failed":
        return 1  # torchrun then ends the other processes, which may still wait for this one
    return 0


def _join(config: WorkspaceConfig | None, run_dir: Path) -> Any:
    """This process's rank among the ones torchrun started, on the device of the run's settings."""
    from ..core.runs import checkpoint as ckpt
    from ..core.training.distributed import init_distributed

    if config is None:  # a resume: the run's own settings
        config, _ = ckpt.read_run_config(run_dir)
    return init_distributed(config.train.device)


if __name__ == "__main__":
    sys.exit(_child_main())
