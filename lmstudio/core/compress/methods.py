"""The compression methods by name, with what each does: torch-free, for the command line's choices and the
Compress tab's lists (``lmstudio --help`` must not load torch)."""

from __future__ import annotations

PRUNE_METHODS = {
    "l1": "magnitude (L1), unstructured: the smallest weights of each matrix, or of all together with --global",
    "heads": "attention heads (Transformer), by the L1 norm of their weights",
    "channels": "MLP hidden channels (Transformer), by the L1 norm of their weights",
}

QUANTIZATIONS = {
    "int8": "dynamic int8: Linear (and LSTM/GRU) weights int8, activations quantized on the fly (CPU)",
    "int8-weight": "weight-only int8 (torchao)",
    "int4-weight": "weight-only int4 (torchao)",
}
