#!/usr/bin/env bash
# The CUDA path checked on a GPU machine, in one short run (at most 5 minutes of wall time in all):
#
#   1. the machine: nvidia-smi, torch / CUDA / cuDNN versions, the GPU, bf16, triton, memory
#   2. the device tests: pytest -m cuda (tests/gpu/test_cuda.py and any other test marked cuda)
#   3. throughput: benchmarks/bench_training.py throughput --device cuda, short: nanoGPT's loop and the Trainer
#      on the GPU, tokens/s and MFU
#   4. quality at a GPU-sized preset: lmstudio train --preset medium --max-time 120 --device cuda on the bundled
#      Tiny Shakespeare, then lmstudio eval of the run
#   5. with 2 or more GPUs: benchmarks/bench_ddp.py --device cuda, one GPU against all of them (NCCL), the scaling
#      efficiency in benchmarks/out/ddp_scaling_cuda.json
#
# Logs and figures go to benchmarks/out/gpu_<UTC time>_*.{log,json}; the committed CPU results there are left
# as they were. Exit status 0 when every step passed, 1 when any failed (each failure is listed at the end).
#
#   bash benchmarks/gpu_check.sh
#
# Settings (environment): GPU_CHECK_DEVICE (cuda), GPU_CHECK_PRESET (medium), GPU_CHECK_TRAIN_SECONDS (120),
# GPU_CHECK_TOTAL_SECONDS (300, the whole script's budget: a step gets at most what is left of it). A smoke test
# of the script itself on a machine without a GPU (every cuda test skips; the exit status is still 0 or 1):
#   GPU_CHECK_DEVICE=cpu GPU_CHECK_PRESET=tiny GPU_CHECK_TRAIN_SECONDS=5 bash benchmarks/gpu_check.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -x .venv/bin/python ]]; then PY="$ROOT/.venv/bin/python"; else PY="$(command -v python3)"; fi
DEVICE="${GPU_CHECK_DEVICE:-cuda}"
TRAIN_SECONDS="${GPU_CHECK_TRAIN_SECONDS:-120}"
PRESET="${GPU_CHECK_PRESET:-medium}"
TOTAL_SECONDS="${GPU_CHECK_TOTAL_SECONDS:-300}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT_DIR="$ROOT/benchmarks/out"
PREFIX="$OUT_DIR/gpu_${STAMP}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/lmstudio-gpu-check.XXXXXX")"
THROUGHPUT_JSON="$OUT_DIR/training_throughput.json"  # where bench_training.py writes; the committed CPU figure
mkdir -p "$OUT_DIR"
[[ -f "$THROUGHPUT_JSON" ]] && cp -p "$THROUGHPUT_JSON" "$WORK/training_throughput.committed.json"

restore() {
    if [[ -f "$WORK/training_throughput.committed.json" ]]; then
        cp -p "$WORK/training_throughput.committed.json" "$THROUGHPUT_JSON"
    fi
    rm -rf "$WORK"
}
trap restore EXIT

export PY DEVICE PREFIX THROUGHPUT_JSON  # the steps run in a child bash (under timeout), with these
export QT_QPA_PLATFORM=offscreen
export LMSTUDIO_CACHE="$WORK/cache"  # prepared data and the matmul peak measured afresh, not from an old cache
export PYTHONUNBUFFERED=1

FAILURES=()
SUMMARY="$WORK/summary.tsv"
: >"$SUMMARY"

# step NAME LIMIT_SECONDS COMMAND...: run COMMAND with its output shown and kept in gpu_<time>_NAME.log, for at
# most LIMIT seconds and never past the script's total budget; a failure is recorded and the next step runs.
step() {
    local name="$1" limit="$2"
    shift 2
    local left=$((TOTAL_SECONDS - SECONDS))
    ((limit > left)) && limit=$left
    local log="${PREFIX}_${name}.log" started=$SECONDS rc=0
    echo
    echo "=== ${name} (at most ${limit} s; $((SECONDS)) s into the check) ==="
    if ((limit < 5)); then
        echo "no time left in the ${TOTAL_SECONDS} s budget" | tee "$log"
        rc=124
    else
        timeout --kill-after=10 "$limit" bash -c 'set -euo pipefail; "$@"' bash "$@" 2>&1 | tee "$log" || rc=$?
    fi
    printf '%s\t%s\t%s\n' "$name" "$rc" "$((SECONDS - started))" >>"$SUMMARY"
    if ((rc != 0)); then
        local why="exit ${rc}"
        if ((rc == 124 || rc == 137)); then why+=" (timed out)"; fi
        FAILURES+=("${name}: ${why}, see ${log}")
    fi
    return 0
}

# 1. the machine -------------------------------------------------------------------------------------------------
machine() {
    if command -v nvidia-smi >/dev/null; then nvidia-smi; else echo "nvidia-smi: not found"; fi
    "$PY" - "$DEVICE" <<'EOF'
import json, sys
import torch
from lmstudio.core.devices import compile_wins, describe_device, device_memory, resolve_device, resolve_precision

name = sys.argv[1]
device = resolve_device(name)  # raises (exit 1) when cuda is asked for and absent
facts = {
    "torch": torch.__version__,
    "cuda": torch.version.cuda,
    "cudnn": torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None,
    "device": describe_device(device),
    "capability": list(torch.cuda.get_device_capability(device)) if device.type == "cuda" else None,
    "bf16_in_hardware": device.type == "cuda" and torch.cuda.is_bf16_supported(including_emulation=False),
    "auto_precision": str(resolve_precision("auto", device)).removeprefix("torch."),
    "compile_wins": compile_wins(device),
    "device_memory_bytes": device_memory(device),
}
print(json.dumps(facts, indent=1))
EOF
}
export -f machine
step machine 60 machine

# 2. the device tests --------------------------------------------------------------------------------------------
step pytest_cuda 120 "$PY" -m pytest -q -p no:cacheprovider -m cuda -rs tests/ --junitxml="${PREFIX}_pytest_cuda.xml"

# 3. throughput ---------------------------------------------------------------------------------------------------
throughput() {
    # nanoGPT's loop and the Trainer on the GPU, alternating; 30 measured steps after the 10 both leave out
    "$PY" benchmarks/bench_training.py throughput --steps 40 --reps 1 --device "$DEVICE"
    cp "$THROUGHPUT_JSON" "${PREFIX}_training_throughput.json"
}
export -f throughput
step throughput 90 throughput

# 4. quality at a GPU-sized preset ---------------------------------------------------------------------------------
export RUN="$WORK/run-$PRESET"
step "train_$PRESET" $((TRAIN_SECONDS + 60)) "$PY" -m lmstudio train --preset "$PRESET" --max-time "$TRAIN_SECONDS" \
    --device "$DEVICE" --steps 100000 --batch-size 64 --eval-interval 500 --checkpoint-interval 0 --out "$RUN" --quiet
eval_run() {
    "$PY" -m lmstudio eval "$RUN" --device "$DEVICE" --json | tee "${PREFIX}_eval_${PRESET}.json"
}
export -f eval_run
export PRESET
step "eval_$PRESET" 60 eval_run

# 5. several GPUs: DistributedDataParallel over NCCL, one GPU against all of them (skipped with fewer than 2) ------
GPUS="$("$PY" -c 'import torch; print(torch.cuda.device_count() if torch.cuda.is_available() else 0)')"
if [[ "$DEVICE" == cuda && "$GPUS" -ge 2 ]]; then
    step ddp 240 "$PY" benchmarks/bench_ddp.py --device cuda --processes "$GPUS" --preset "$PRESET" --steps 200 --reps 1
fi

# summary --------------------------------------------------------------------------------------------------------
"$PY" - "$SUMMARY" "${PREFIX}_summary.json" "$DEVICE" "$TRAIN_SECONDS" "$PRESET" <<'EOF'
import json, sys, time
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
steps = [{"step": name, "exit": int(rc), "seconds": int(sec)} for name, rc, sec in rows]
summary = {"when": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()) + " UTC", "device": sys.argv[3],
           "preset": sys.argv[5], "train_seconds": float(sys.argv[4]),
           "passed": all(s["exit"] == 0 for s in steps), "steps": steps}
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(summary, indent=2) + "\n")
print(json.dumps(summary, indent=2))
EOF

echo
if ((${#FAILURES[@]})); then
    echo "GPU check FAILED after ${SECONDS} s:"
    printf '  %s\n' "${FAILURES[@]}"
    exit 1
fi
echo "GPU check passed in ${SECONDS} s; figures in ${PREFIX}_*"
