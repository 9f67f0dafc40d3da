"""Moved to :mod:`lmstudio.core.data.formats` (format sniffing is not drawing). This name stays only for
tests/gui/test_reliability_window.py, which patches ``formats.jsonl_fields`` here; delete it once that
test imports the core module."""

from ..core.data.formats import default_jsonl_field, jsonl_fields, kind_of, table_columns  # noqa: F401
