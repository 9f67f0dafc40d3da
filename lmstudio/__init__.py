"""lmstudio: a desktop workbench for training language models from scratch and looking inside them."""

__version__ = "0.1.0"
