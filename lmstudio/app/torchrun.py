"""Start N training processes on this computer with PyTorch's own launcher (``torchrun``), for
``lmstudio train --processes N`` and the Train tab's Processes setting.

``python -m lmstudio.app.torchrun --nproc N -- -m MODULE ARGS...`` runs torchrun's launcher in this process
(``--standalone``: a rendezvous on a free local port) and reports how it ended in one line instead of
torchrun's error summary: the processes' own exit status (130 when they stopped on request, with a checkpoint
saved; 1 when one failed, naming which rank and how). Signals: SIGINT and SIGTERM go to torchrun, which
forwards them to every process (each then stops at the same step and saves); torchrun waits
``STOP_GRACE_S`` seconds (``TORCH_ELASTIC_SHUTDOWN_TIMEOUT``; torchrun's own default is 30) for them to save
before it kills them.

Several machines are started by hand with torchrun itself (see the README); nothing here is needed then.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

STOP_GRACE_S = 300  # torchrun's wait for its processes to save after a signal, before it kills them


def launcher_command(nproc: int, module: str, args: list[str]) -> list[str]:
    """The command that starts ``python -m module args`` in ``nproc`` processes under torchrun."""
    return [sys.executable, "-m", "lmstudio.app.torchrun", "--nproc", str(int(nproc)), "--", "-m", module, *args]


def launcher_env(nproc: int, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the launcher: this lmstudio first on the path (a checkout run without installing),
    and a thread count per process (torchrun would otherwise warn and set it to 1)."""
    env = dict(os.environ if base is None else base)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // max(1, nproc))))
    env.setdefault("TORCH_ELASTIC_SHUTDOWN_TIMEOUT", str(STOP_GRACE_S))
    return env


def run_launcher(nproc: int, module: str, args: list[str]) -> int:
    """Run ``python -m module args`` in ``nproc`` processes from this process (it becomes torchrun's agent:
    SIGINT and SIGTERM reach it and it forwards them to every process) and return the exit status."""
    os.environ.update(launcher_env(nproc))
    return main(["--nproc", str(int(nproc)), "--", "-m", module, *args])


def _describe_failure(failures: dict) -> tuple[int, str]:
    """The exit status to return, and a line to print when no process could say itself why it ended.

    A process that exited with a status has printed its reason (one line; 130: stopped on request with a
    checkpoint saved): its status is passed on, rank 0's first. Once one has exited, torchrun ends the others
    with SIGTERM: those are its teardown, not failures. Any other death by a signal (SIGKILL from the
    out-of-memory killer, a crash) could not speak: the line names the rank, its process and the signal."""
    statuses = {rank: f.exitcode for rank, f in failures.items() if (getattr(f, "exitcode", 1) or 0) >= 0}
    teardown = {int(signal.SIGTERM), int(signal.SIGINT)} if statuses else set()
    killed = {
        rank: f
        for rank, f in failures.items()
        if (getattr(f, "exitcode", 1) or 0) < 0 and -int(f.exitcode) not in teardown
    }
    if killed:
        rank = min(killed)
        failure = killed[rank]
        code = -int(failure.exitcode)
        try:
            how = signal.Signals(code).name
        except ValueError:
            how = f"signal {code}"
        host = getattr(failure, "hostname", "") or "this computer"
        return 1, (
            f"rank {rank} (process {getattr(failure, 'pid', '?')} on {host}) was killed by {how}; "
            "the other processes were stopped"
        )
    if not statuses:  # all ended by torchrun's SIGTERM/SIGINT: a stop passed on by the launcher
        return 130, ""
    return int(statuses[min(statuses)] or 1), ""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 4 or argv[0] != "--nproc" or "--" not in argv:
        print("usage: python -m lmstudio.app.torchrun --nproc N -- -m MODULE [ARGS...]", file=sys.stderr)
        return 2
    nproc = int(argv[1])
    rest = argv[argv.index("--") + 1 :]
    # torchrun's own log lines (which process got which signal, which exited how) repeat what the processes
    # and the line below say; LOGLEVEL=WARNING (or lower) shows them again
    os.environ.setdefault("LOGLEVEL", "CRITICAL")
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import parse_args, run

    config = parse_args(["--standalone", f"--nproc_per_node={nproc}", *rest])
    try:
        run(config)
    except ChildFailedError as exc:
        code, line = _describe_failure(exc.failures)
        if line:
            print(f"lmstudio: error: {line}", file=sys.stderr)
        return code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # torchrun's own signal exception after forwarding a stop, or a launch problem
        name = type(exc).__name__
        if name == "SignalException":
            return 130
        print(f"lmstudio: error: torchrun could not start the {nproc} processes ({name}: {exc})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
