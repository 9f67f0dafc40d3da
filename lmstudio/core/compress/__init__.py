"""Compression of a trained run: quantization and pruning, measured before and after."""
