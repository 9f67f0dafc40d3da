"""Models out of the workbench in the formats the field uses, and in again: Hugging Face folders and ONNX."""
