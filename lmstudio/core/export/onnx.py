"""A trained language model as an ONNX graph, checked in onnxruntime before it is written.

``export_onnx(run_dir, out_dir)`` writes, into a new or empty ``out_dir``:

    model.onnx           the graph: input ``ids`` (B, T) int64, output ``logits`` (B, T, V) float32,
                         batch and sequence length dynamic (learned positions: T at most block_size)
    model.onnx.data      the weights, only for a model whose weights do not fit the 2 GB protobuf limit
    tokenizer/           the run's own tokenizer folder (``lmstudio.core.tokenizers.load_tokenizer`` opens it)
    onnx_export.json     how to feed the graph, the checkpoint it came from and the check it passed

The graph is traced with ``torch.onnx.export(..., dynamo=True)`` at one shape, then run in onnxruntime at
another batch size and a sequence length it was not traced with; the largest difference from the PyTorch
logits must stay within ``TOLERANCE`` or nothing is written. Everything is built in a temporary folder
beside ``out_dir`` and renamed into place at the end.

Rotary positions are computed inside the graph (the model's cos/sin tables stop at block_size, the
model itself does not), so the exported rotary Transformer takes any length, as the PyTorch one does.
The recurrence of rnn/gru/lstm is traced as one custom operator and written as the ONNX ``RNN`` / ``GRU`` /
``LSTM`` operators: left to torch, the tanh RNN is unrolled over the traced length (the graph would take
only that length) and GRU/LSTM carry the traced length into their output shape.

Translation runs (encoder-decoders) are refused with a message: not exported yet.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..errors import CheckpointError, ConfigError, LMStudioError
from ..locks import remove_tree_quietly
from ..progress import ProgressCallback, report
from ..runs import checkpoint as ckpt
from ..runs.folders import load_run
from .folders import check_out_dir, install, new_work_dir

ONNX_OPSET = 18  # the opset torch's ONNX function library (onnxscript's torch_lib) is written in: no conversion pass
TOLERANCE = 1e-4  # largest |logit difference| accepted between onnxruntime and PyTorch, fp32
PROTOBUF_LIMIT = 2 * 1024**3  # an .onnx file is one protobuf message: at most 2 GB
EXTERNAL_DATA_ABOVE = int(1.8 * 1024**3)  # weights above this go to model.onnx.data (room left for the graph)
MODEL_FILE = "model.onnx"
INFO_FILE = "onnx_export.json"
TRACE_BATCH, CHECK_BATCH = 2, 3  # the check runs at another batch size too
RECURRENT = ("rnn", "gru", "lstm")


class _Logits(nn.Module):
    """ids (B, T) -> logits (B, T, V): the model's forward without the loss."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model(ids)[0]


@contextmanager
def _rope_in_graph(model: nn.Module) -> Iterator[None]:
    """While tracing a rotary Transformer: cos/sin computed from the positions, for any length.

    The model slices tables precomputed for block_size positions and computes longer ones on the fly (a
    Python branch on T): traced, the slice would fix the graph to at most block_size tokens.
    """
    if not getattr(model, "rotary", False):
        yield
        return
    from ..models.transformer import _rope_tables

    head_size = model.config.d_model // model.config.n_head

    def rope(start: int, length: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        return _rope_tables(head_size, torch.arange(start, start + length, device=device))

    model._rope = rope  # an instance attribute shadows the method for this trace only
    try:
        yield
    finally:
        del model._rope


@torch.library.custom_op("lmstudio_export::recurrent", mutates_args=())
def _recurrent(
    x: torch.Tensor, zeros: torch.Tensor, weights: list[torch.Tensor], cell: str, bias: bool
) -> torch.Tensor:
    """The stacked RNN/GRU/LSTM of a RecurrentLM as one opaque operator: x (B, T, C) from a zero state
    ``zeros`` (L, B, C) (h, and c for an LSTM) -> the top layer's outputs (B, T, C).

    Left to itself ``torch.export`` runs the recurrence's decomposition, one cell per traced time step: for a
    tanh RNN that is the graph (it then takes only the traced length), for GRU and LSTM it fixes the traced
    length into the output's shape and costs seconds. As a custom operator it stays whole, and
    ``_recurrent_onnx`` writes it as the ONNX ``RNN`` / ``GRU`` / ``LSTM`` operators.
    """
    layers = zeros.size(0)
    if cell == "lstm":
        return torch._VF.lstm(x, (zeros, zeros), weights, bias, layers, 0.0, False, False, True)[0]
    run = torch._VF.gru if cell == "gru" else torch._VF.rnn_tanh
    return run(x, zeros, weights, bias, layers, 0.0, False, False, True)[0]


@_recurrent.register_fake
def _(x, zeros, weights, cell, bias):
    return x.new_empty(x.shape[0], x.shape[1], zeros.shape[2])


def _recurrent_onnx(x: Any, zeros: Any, weights: Sequence[Any], cell: str, bias: bool) -> Any:
    """``_recurrent`` in ONNX: GRU and LSTM through torch's own translations of ``aten::gru`` / ``aten::lstm``
    (gate order and biases rearranged there), the tanh RNN here, one ONNX ``RNN`` operator per layer:
    PyTorch and ONNX share its cell, h' = tanh(W x + b_ih + R h + b_hh), and ONNX wants the weights with a
    leading direction axis and the two biases as one vector (Wb, Rb)."""
    from onnxscript import opset18 as op
    from onnxscript.function_libs.torch_lib.ops.core import aten_gru, aten_lstm

    per_layer = 4 if bias else 2
    layers = len(weights) // per_layer
    if cell == "lstm":
        return aten_lstm(x, [zeros, zeros], weights, bias, layers, 0.0, False, False, True)[0]
    if cell == "gru":
        return aten_gru(x, zeros, weights, bias, layers, 0.0, False, False, True)[0]
    x = op.Transpose(x, perm=[1, 0, 2])  # (T, B, C)
    hidden = zeros.shape[2]
    for layer in range(layers):
        w_ih, w_hh = weights[layer * per_layer], weights[layer * per_layer + 1]
        b = None
        if bias:
            b = op.Unsqueeze(op.Concat(weights[layer * per_layer + 2], weights[layer * per_layer + 3], axis=0), [0])
        state = op.Slice(zeros, [layer], [layer + 1], axes=[0])  # (1, B, C)
        y, _ = op.RNN(x, op.Unsqueeze(w_ih, [0]), op.Unsqueeze(w_hh, [0]), b, None, state, hidden_size=hidden)
        x = op.Squeeze(y, [1])  # (T, 1, B, C) -> (T, B, C); no dropout between layers in inference
    return op.Transpose(x, perm=[1, 0, 2])


class _RecurrentLogits(nn.Module):
    """A RecurrentLM's forward (embedding, stacked recurrence from a zero state, head), the recurrence as one
    operator."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        m = self.model
        x = m.embed(ids)  # (B, T, C)
        zeros = x.new_zeros(m.config.n_layer, ids.size(0), m.config.d_model)
        out = _recurrent(x, zeros, list(m.rnn._flat_weights), m.cell, m.config.bias)  # (B, T, C)
        return m.head(out)  # (B, T, V)


def _architecture(model: nn.Module, arch: str) -> str:
    if arch == "transformer":
        return f"transformer ({'rotary' if getattr(model, 'rotary', False) else 'learned'} positions)"
    return arch


def _lengths(model: nn.Module, block_size: int, arch: str) -> tuple[int, int, int | None]:
    """(traced length, checked length, longest length the graph takes or None)."""
    learned = arch == "transformer" and not getattr(model, "rotary", False)
    trace = max(2, block_size // 2)
    if learned:
        # the position table has block_size rows: check at the full window (or one short of the traced length)
        check = block_size if block_size != trace else trace - 1
        return trace, check, block_size
    return trace, block_size + 3, None  # rotary and recurrent: past the window too


@contextmanager
def _quiet_exporter() -> Iterator[None]:
    """The exporter's own notices (torchvision absent, deprecations inside torch) are not the user's business:
    the CLI prints one line of facts, errors arrive as exceptions."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        logger.setLevel(level)


def _export_graph(model: nn.Module, ids: torch.Tensor, max_len: int | None, arch: str):
    batch = torch.export.Dim("batch", min=1, max=1 << 20)
    seq = torch.export.Dim("seq", min=1, max=max_len) if max_len else torch.export.Dim("seq", min=1)
    recurrent = arch in RECURRENT
    custom = {torch.ops.lmstudio_export.recurrent.default: _recurrent_onnx} if recurrent else None
    with _rope_in_graph(model), torch.no_grad(), _quiet_exporter():
        program = torch.onnx.export(
            (_RecurrentLogits(model) if recurrent else _Logits(model)).eval(),
            (ids,),
            dynamo=True,
            input_names=["ids"],
            output_names=["logits"],
            dynamic_shapes={"ids": {0: batch, 1: seq}},
            opset_version=ONNX_OPSET,
            custom_translation_table=custom,
            optimize=True,
            verbose=False,
        )
    return program


def _onnxruntime_logits(model_path: Path, ids: torch.Tensor):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only
    options.intra_op_num_threads = max(1, torch.get_num_threads())
    session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    return session.run(["logits"], {"ids": ids.numpy()})[0]


def export_onnx(
    run_dir: Path, out_dir: Path, *, checkpoint: str = "best", progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Export a run's language model to ONNX in ``out_dir`` (new or empty); return the facts of the export.

    Raises :class:`ConfigError` for an unusable ``out_dir``, :class:`CheckpointError` for a run that cannot
    be loaded or exported, or whose graph does not reproduce the PyTorch logits within ``TOLERANCE``.
    """
    run_dir, out_dir = Path(run_dir), Path(out_dir)
    check_out_dir(out_dir)
    try:
        import onnx  # noqa: F401  (the exporter needs both)
        import onnxscript  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            f"ONNX export needs the export extra ({exc.name} is missing); pip install 'lmstudio-workbench[export]'"
        ) from None
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        raise ConfigError(
            "ONNX export checks the graph in onnxruntime, which is not installed; "
            "pip install 'lmstudio-workbench[export]'"
        ) from None

    report(progress, 0, 4, "loading the run")
    config, _ = ckpt.read_run_config(run_dir)
    if config.data.task == "translate":
        raise CheckpointError(
            f"{run_dir}: is a translation run (an encoder-decoder); ONNX export of encoder-decoders is not "
            "supported yet: export a language-model run, or use the run in lmstudio (translate, Playground)"
        )
    run = load_run(run_dir, checkpoint, device="cpu")
    model, config = run.model.float().eval(), run.config.model
    arch = config.arch
    trace_len, check_len, max_len = _lengths(model, config.block_size, arch)
    gen = torch.Generator().manual_seed(0)
    trace_ids = torch.randint(0, config.vocab_size, (TRACE_BATCH, trace_len), generator=gen)
    check_ids = torch.randint(0, config.vocab_size, (CHECK_BATCH, check_len), generator=gen)

    report(progress, 1, 4, "tracing the model (torch.onnx.export, dynamo)")
    started = time.perf_counter()
    try:
        program = _export_graph(model, trace_ids, max_len, arch)
    except LMStudioError:
        raise
    except Exception as exc:  # the exporter raises many types; the user needs the gist and the architecture
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            f"{run_dir}: the {_architecture(model, arch)} model could not be exported to ONNX "
            f"({type(exc).__name__}: {first[:300]}); nothing was written"
        ) from None
    export_seconds = time.perf_counter() - started

    n_bytes = sum(p.numel() * p.element_size() for p in {id(p): p for p in model.parameters()}.values())
    external = n_bytes > EXTERNAL_DATA_ABOVE
    why = (
        f"weights of {n_bytes / 1024**3:.2f} GB exceed the 2 GB protobuf limit of one .onnx file: "
        "they are in model.onnx.data beside it (keep the two files together)"
        if external
        else f"weights of {n_bytes / 1024**2:.1f} MB fit the 2 GB protobuf limit: one self-contained .onnx file"
    )

    work = new_work_dir(out_dir)
    try:
        report(progress, 2, 4, "writing the graph and the tokenizer")
        model_path = work / MODEL_FILE
        program.save(str(model_path), external_data=external)
        shutil.copytree(run_dir / ckpt.TOKENIZER_DIR, work / ckpt.TOKENIZER_DIR)

        report(progress, 3, 4, f"checking in onnxruntime at {CHECK_BATCH} x {check_len} tokens")
        with torch.no_grad():
            expected = model(check_ids)[0].numpy()
        try:
            got = _onnxruntime_logits(model_path, check_ids)
        except Exception as exc:  # onnxruntime's own types; the graph is unusable either way
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise CheckpointError(
                f"{run_dir}: the ONNX graph of the {_architecture(model, arch)} model failed in onnxruntime at "
                f"{CHECK_BATCH} x {check_len} tokens ({first[:300]}); nothing was written to {out_dir}"
            ) from None
        if got.shape != expected.shape:
            raise CheckpointError(
                f"{run_dir}: the ONNX graph returned logits of shape {tuple(got.shape)} for {tuple(check_ids.shape)} "
                f"ids, PyTorch {tuple(expected.shape)}; nothing was written to {out_dir}"
            )
        diff = float(abs(got.astype("float64") - expected.astype("float64")).max())
        if not diff <= TOLERANCE:  # also catches NaN
            raise CheckpointError(
                f"{run_dir}: the ONNX graph's logits differ from PyTorch's by up to {diff:.3g} at {CHECK_BATCH} x "
                f"{check_len} tokens (tolerance {TOLERANCE:g}); nothing was written to {out_dir}"
            )

        facts: dict[str, Any] = {
            "format": "onnx",
            "path": str(out_dir / MODEL_FILE),
            "out_dir": str(out_dir),
            "run_dir": str(run_dir),
            "checkpoint": run.checkpoint.name,
            "step": run.checkpoint.step,
            "architecture": _architecture(model, arch),
            "opset": ONNX_OPSET,
            "inputs": {"ids": {"shape": ["batch", "seq"], "dtype": "int64"}},
            "outputs": {"logits": {"shape": ["batch", "seq", config.vocab_size], "dtype": "float32"}},
            "max_sequence_length": max_len,
            "vocab_size": config.vocab_size,
            "special_ids": {"pad": 0, "unk": 1, "bos": 2, "eos": 3},
            "tokenizer": ckpt.TOKENIZER_DIR,
            "traced_shape": [TRACE_BATCH, trace_len],
            "checked_shape": [CHECK_BATCH, check_len],
            "max_abs_diff": diff,
            "tolerance": TOLERANCE,
            "external_data": external,
            "external_data_reason": why,
            "export_seconds": round(export_seconds, 2),
            "how_to_feed": (
                "encode text with the tokenizer in tokenizer/ (lmstudio.core.tokenizers.load_tokenizer), feed the "
                "ids as 'ids' (batch, seq) int64; 'logits'[:, t] scores the token after position t. "
                + (
                    f"At most {max_len} tokens (learned positions)."
                    if max_len
                    else "Any length; the model was trained on windows of "
                    f"{config.block_size} tokens, so feed at most that many for the quality it was trained for."
                )
            ),
        }
        with open(work / INFO_FILE, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({k: v for k, v in facts.items() if k not in ("path", "out_dir")}, indent=1) + "\n")
        report(progress, 4, 4, "done")
        install(work, out_dir)
    except BaseException:
        remove_tree_quietly(work)
        raise
    facts["files"] = sorted(p.name for p in out_dir.iterdir())
    return facts
