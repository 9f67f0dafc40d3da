"""One dataclass per concern (data, tokenizer, model, training, sampling) and the workspace that holds them.

Every setting is declared once, as a dataclass field made by :func:`setting`: its type (the annotation),
default, range or choices, unit and a one-line help. From that declaration come the validation of config
files (types, ranges, choices: one :class:`ConfigError` line naming the setting, the value and what is
allowed), the CLI's flags and ``--help`` (``lmstudio.cli.settings``) and the GUI forms' editors, ranges
and tooltips (``lmstudio.gui.forms``). Rules between settings (d_model divisible by n_head, min_lr <= lr,
fractions adding up to 1, the parameter cap) stay explicit checks in ``__post_init__``.

The workspace JSON is the file the GUI saves and ``lmstudio train --config`` reads; it carries a format
version.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Callable
from dataclasses import MISSING, Field, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

# 2: model.mlp_activation and model.qk_norm; 3: data.segmenter and data.user_dict (older files lack them)
FORMAT_VERSION = 3

TOKENIZER_KINDS = ("char", "word", "bpe", "unigram")
ARCHITECTURES = ("rnn", "gru", "lstm", "transformer")
SCHEDULES = ("cosine", "linear", "constant", "wsd")
OPTIMIZERS = ("adamw", "muon")
ACTIVATIONS = ("gelu", "relu2", "gelu_tanh")  # gelu_tanh: GPT-2's gelu_new (imported models)
COMPILE_CHOICES = ("auto", "on", "off")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
DEVICES = ("auto", "cpu", "cuda", "mps")
FORMATS = ("auto", "text", "folder", "jsonl", "csv", "tsv", "parallel")
SPLIT_MODES = ("lines", "blocks")
POSITIONS = ("learned", "rotary")
STOPWORD_LISTS = ("en", "es", "zh")
SEGMENTERS = ("whitespace", "jieba", "chars")  # core.data.segment: how text is cut into words
TASKS = ("lm", "translate")  # a language model, or an encoder-decoder from source to target text
TOY_TASKS = ("reverse", "sort", "copy", "dates")  # core.data.toy_tasks: generated pairs for quick demos
ATTENTIONS = ("bahdanau", "luong", "none")  # recurrent encoder-decoders: additive, multiplicative, or none

# Limits on numbers: far beyond any run this workbench can do, low enough that nothing crashes or
# allocates for hours before saying no (torch.manual_seed takes 64 bits; sentencepiece's vocab_size
# is an int32; OpenMP aborts with 100000 threads).
MAX_SEED = 2**64 - 1
MAX_VOCAB = 2**20  # 1,048,576 tokens
MAX_BLOCK = 2**20  # tokens of context
MAX_LAYERS = 1024
MAX_WIDTH = 65_536  # d_model
MAX_HEADS = 1024
MAX_MLP_RATIO = 64
MAX_PARAMETERS = 50_000_000_000  # 200 GB of fp32 weights
MAX_THREADS = 1024  # the trainer also checks against this computer's cores
MAX_PROCESSES = 64  # processes of one torchrun launch on this computer (train.processes)
MAX_BATCH = 2**20
MAX_STEPS = 10**12
MAX_SECONDS = 366 * 24 * 3600  # a time budget of at most a year
MAX_EVAL_ITERS = 10**6
MAX_NEW_TOKENS = 100_000_000
MAX_LINE_CHARS = 10**12
MAX_CONFIG_BYTES = 16 * 1024 * 1024


def _same(text: str) -> str:
    """The identity: texts stay English unless a caller (the window) passes its translation function."""
    return text


# ---- the declaration of a setting ----------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """What a setting allows and means; stored in its dataclass field's metadata under ``"setting"``.

    ``low``/``high`` bound numbers (``None``: unbounded; ``low_open``/``high_open``: the bound itself is
    refused, as for a learning rate above 0). ``choices`` lists the allowed texts. ``zero`` and ``null`` name
    what the value 0 or null means ("automatic", "off", "no limit", "random"). ``step``, ``decimals`` and
    ``editor_high`` serve the form editors only: the increment, the decimals shown, and the editor's top
    for a number that has no upper limit.
    """

    help: str
    low: int | float | None = None
    high: int | float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] | None = None
    unit: str = ""
    zero: str = ""
    null: str = ""
    note: str = ""
    step: int | float | None = None
    decimals: int | None = None
    editor_high: int | float | None = None

    def range_text(self, tr: Callable[[str], str] = _same) -> str:
        """The declared bounds in words: "1 to 1,024 tokens", "0 to below 1", "above 0"; "" when unbounded.

        ``tr`` translates the templates and the unit (the window passes its own; the CLI keeps English)."""
        if self.low is None and self.high is None:
            return ""
        lo = None if self.low is None else number_text(self.low)
        hi = None if self.high is None else number_text(self.high)
        if hi is None:
            text = (tr("above {lo}") if self.low_open else tr("{lo} or more")).format(lo=lo)
        elif lo is None:
            text = (tr("below {hi}") if self.high_open else tr("{hi} or less")).format(hi=hi)
        elif self.low_open and self.high_open:
            text = tr("between {lo} and {hi}, both excluded").format(lo=lo, hi=hi)
        elif self.low_open:
            text = tr("above {lo} up to {hi}").format(lo=lo, hi=hi)
        elif self.high_open:
            text = tr("{lo} to below {hi}").format(lo=lo, hi=hi)
        else:
            text = tr("{lo} to {hi}").format(lo=lo, hi=hi)
        return f"{text} {tr(self.unit)}" if self.unit else text

    def notes(self) -> list[str]:
        """What 0 and null mean, and the note: ["0 = automatic"], ["a 64-bit seed"]."""
        out = [f"0 = {self.zero}"] if self.zero else []
        if self.null:
            out.append(f"null = {self.null}")
        return out + ([self.note] if self.note else [])

    def allowed(self) -> str:
        """What the setting accepts, in words: "1 to 1,024", "cosine, linear or constant", "above 0"."""
        if self.choices is not None:
            choices = (*self.choices, f"null ({self.null})") if self.null else self.choices
            return _either(choices)
        notes = self.notes()
        text = self.range_text()
        return f"{text} ({'; '.join(notes)})" if notes and text else text or "; ".join(notes)

    def check(self, value: Any, name: str) -> None:
        """Raise one ConfigError line when ``value`` (already of the right type) is not allowed."""
        if value is None:
            return
        if self.choices is not None and value not in self.choices:
            raise ConfigError(f"{name}: {_shown(value)} is not a choice; use {self.allowed()}")
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            too_low = self.low is not None and (value <= self.low if self.low_open else value < self.low)
            too_high = self.high is not None and (value >= self.high if self.high_open else value > self.high)
            if too_low or too_high:
                raise ConfigError(f"{name}: {number_text(value)} is out of range; use {self.allowed()}")

    def editor_range(self) -> tuple[float, float]:
        """The range a form's number editor offers: the declared range, an open bound moved in by one step
        of the editor's resolution, and ``editor_high`` where the setting has no upper limit."""
        resolution = 10.0 ** -(self.decimals or 0) if self.decimals else 1
        low = self.low if self.low is not None else 0
        high = self.high if self.high is not None else self.editor_high
        if high is None:
            raise ValueError(f"setting without an upper limit needs editor_high for a form: {self.help!r}")
        if self.low_open:
            low = low + resolution
        if self.high_open:
            high = high - resolution
        return low, high


def setting(default: Any = MISSING, help: str = "", *, default_factory: Any = MISSING, **declaration: Any) -> Any:
    """A dataclass field that carries its :class:`Setting` declaration (see the module's docstring)."""
    meta = {"setting": Setting(help=help, **declaration)}
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata=meta)
    return field(default=default, metadata=meta)


def declared(cls_or_obj: Any) -> list[tuple[Field, Setting]]:
    """The declared settings of a config dataclass, in field order (nested sections left out)."""
    return [(f, f.metadata["setting"]) for f in fields(cls_or_obj) if "setting" in f.metadata]


def declaration(key: str) -> tuple[Field, Setting]:
    """The field and declaration of ``"section.name"`` (``"model.d_model"``, ``"data.cleaning.lowercase"``;
    ``"cleaning.x"`` is accepted for ``"data.cleaning.x"``)."""
    section, _, name = key.rpartition(".")
    if section in ("cleaning", "data.cleaning"):
        cls = CleaningConfig
    else:
        cls = _SECTIONS.get(section)
    if cls is None:
        raise KeyError(f"unknown settings section {section!r} in {key!r}")
    for f, s in declared(cls):
        if f.name == name:
            return f, s
    raise KeyError(f"{key!r} is not a declared setting")


def default_of(f: Field) -> Any:
    return f.default_factory() if f.default is MISSING and f.default_factory is not MISSING else f.default


def value_text(value: Any, s: Setting | None = None, tr: Callable[[str], str] = _same) -> str:
    """A setting's value as the help text shows it: on/off, "0 = automatic", "empty", 1,337."""
    if isinstance(value, bool):
        return tr("on") if value else tr("off")
    if value is None:
        return tr(s.null) if s is not None and s.null else tr("none")
    if isinstance(value, numbers.Real):
        return f"0 = {tr(s.zero)}" if s is not None and s.zero and value == 0 else number_text(value)
    if isinstance(value, str):
        if value == "":
            return tr("empty")
        return value if value.isprintable() else json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return ",".join(value_text(v) for v in value)
    return str(value)


def describe(key: str, tr: Callable[[str], str] = _same) -> str:
    """One line of help for ``key``: the declaration's help, its default and what it allows. ``tr``
    translates the help and the words around the values (the window's language; English by default)."""
    f, s = declaration(key)
    default = default_of(f)
    parts = [tr("default {value}").format(value=value_text(default, s, tr))]
    if s.choices is None:
        parts.append(s.range_text(tr))
        if s.zero and default != 0:  # a default of 0 already reads "0 = automatic"
            parts.append(f"0 = {tr(s.zero)}")
        if s.null and default is not None:
            parts.append(f"null = {tr(s.null)}")
        parts.append(tr(s.note) if s.note else "")
    return f"{tr(s.help)} ({'; '.join(p for p in parts if p)})"


def number_text(value: int | float) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:g}"


def _nearest_multiples(value: int, of: int) -> str:
    lower = value - value % of
    return f"{lower:,} or {lower + of:,}" if lower else f"{of:,}"


def _either(choices: tuple[str, ...]) -> str:
    items = [str(c) for c in choices]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _check(condition: bool, setting: str, message: str) -> None:
    if not condition:
        raise ConfigError(f"{setting}: {message}")


# ---- strict types --------------------------------------------------------------------------------
#
# A JSON file (--config, a run's config.json) can hold anything: "batch_size": 12.5, "lowercase": "no"
# (which Python would take as true), "cleaning": "none". Every field is checked against its annotation
# before any range check, and the message names the setting, the value and the type expected.

_EXPECTED = {"bool": "true or false", "int": "a whole number", "float": "a number", "str": "text"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, numbers.Integral):
        return "a whole number"
    if isinstance(value, numbers.Real):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_error(setting: str, value: Any, expected: str) -> ConfigError:
    return ConfigError(f"{setting}: expected {expected}, got {_shown(value)} ({_kind(value)})")


def _coerce(value: Any, annotation: str, setting: str) -> Any:
    """``value`` checked against a field annotation (a string under ``from __future__ import annotations``)."""
    options = [a.strip() for a in annotation.split("|")]
    if "None" in options:
        if value is None:
            return None
        options.remove("None")
        if len(options) == 1:
            try:
                return _coerce(value, options[0], setting)
            except ConfigError:
                raise _type_error(setting, value, f"{_EXPECTED.get(options[0], options[0])} or null") from None
    (kind,) = options
    if kind == "bool":
        if not isinstance(value, bool):
            raise _type_error(setting, value, "true or false")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise _type_error(setting, value, "a whole number")
        return int(value)
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise _type_error(setting, value, "a number")
        value = float(value)
        if not math.isfinite(value):
            raise ConfigError(f"{setting}: {value} is not a finite number; give an ordinary number")
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise _type_error(setting, value, "text")
        return value
    if kind.startswith("tuple[") and kind.endswith("]"):
        items = [a.strip() for a in kind[len("tuple[") : -1].split(",")]
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) or len(value) != len(items):
            raise _type_error(
                setting, value, f"a list of {len(items)} {'numbers' if items[0] == 'float' else 'values'}"
            )
        return tuple(_coerce(v, t, f"{setting}[{i}]") for i, (v, t) in enumerate(zip(value, items)))
    raise TypeError(f"config annotation {annotation!r} of {setting} is not supported")  # a bug, not user input


def _validate(obj: Any, section: str) -> None:
    """Check every declared setting of ``obj``: first all types (JSON gives anything), then ranges and choices."""
    declarations = declared(obj)
    for f, _ in declarations:
        object.__setattr__(obj, f.name, _coerce(getattr(obj, f.name), str(f.type), f"{section}.{f.name}"))
    for f, s in declarations:
        s.check(getattr(obj, f.name), f"{section}.{f.name}")


def _check_encoding(name: Any, setting: str = "data.encoding") -> None:
    """``"auto"`` or a text codec Python knows (``codecs.lookup``): cp1252, latin-1, utf-16, ..."""
    import codecs

    if not isinstance(name, str) or not name.strip():
        raise ConfigError(
            f"{setting}: expected 'auto' or an encoding name such as utf-8, cp1252 or latin-1, got {name!r}"
        )
    if name == "auto":
        return
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ConfigError(
            f"{setting}: unknown encoding {name!r}; use auto or a name Python knows, "
            f"such as utf-8, cp1252, latin-1, cp1250"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise ConfigError(f"{setting}: {name!r} is not a text encoding; use auto or one such as utf-8, cp1252, latin-1")


_SEED = dict(low=0, high=MAX_SEED, note="a 64-bit seed")


@dataclass
class CleaningConfig:
    nfkc: bool = setting(
        False, "Unicode NFKC normalization: compatibility forms (ligatures, full-width letters) become plain ones"
    )
    lowercase: bool = setting(False, "lower-case every line: a smaller vocabulary, but names lose their capitals")
    collapse_whitespace: bool = setting(False, "runs of spaces and tabs become one space; lines are stripped")
    strip_control: bool = setting(False, "remove invisible control characters (tabs are kept)")
    stopwords: str | None = setting(
        None,
        "remove the words of a bundled stop-word list (the, of, and ... / 的, 了, 我们 ...), words as data.segmenter "
        "cuts them: classic for retrieval, rarely for language models",
        choices=STOPWORD_LISTS,
        null="keep every word",
    )
    dedupe: bool = setting(False, "drop lines seen before (exact match after the other cleaning)")
    min_line_chars: int = setting(
        0,
        "drop lines shorter than this after cleaning; 0 keeps empty lines",
        low=0,
        high=MAX_LINE_CHARS,
        unit="characters",
        step=1,
    )
    max_line_chars: int = setting(
        0,
        "drop lines longer than this",
        low=0,
        high=MAX_LINE_CHARS,
        unit="characters",
        zero="no limit",
        step=10,
    )

    def __post_init__(self) -> None:
        _validate(self, "data.cleaning")
        _check(
            self.max_line_chars == 0 or self.max_line_chars >= self.min_line_chars,
            "cleaning.max_line_chars",
            "must be at least min_line_chars",
        )

    @property
    def is_identity(self) -> bool:
        return self == CleaningConfig()


@dataclass
class DataConfig:
    corpus: str = setting("", "path of a text file or folder; empty means the bundled Tiny Shakespeare")
    format: str = setting("auto", "how to read the corpus; auto goes by the file's extension", choices=FORMATS)
    text_field: str = setting("text", ".jsonl: the field holding the text")
    column: str = setting(
        "", ".csv/.tsv: the column holding the text (name or 0-based index); empty = the first text column"
    )
    include: str = setting(
        "*.txt;*.md",
        "folder: glob patterns of the files to read, recursively, separated by ';'; '!PATTERN' leaves files "
        "or subfolders out",
    )
    task: str = setting(
        "lm",
        "what to learn: lm (a language model: the next token of the text) or translate (an encoder-decoder: "
        "the target side of each pair from its source side; needs a parallel corpus or a toy task)",
        choices=TASKS,
    )
    reverse: bool = setting(False, "translate: swap the two sides, learning source from target (es→en for en→es)")
    toy_task: str | None = setting(
        None,
        "translate: pairs generated on the fly instead of the corpus: reverse a string, sort its characters, "
        "copy it, or normalise dates to ISO 8601; trains in under a minute on a CPU",
        choices=TOY_TASKS,
        null="read the corpus",
    )
    toy_pairs: int = setting(
        20_000, "translate, toy task: how many pairs to generate", low=10, high=10_000_000, unit="pairs", step=1000
    )
    target: str = setting("", "parallel corpus from two line-aligned files: the target-language file")
    source_column: str = setting("1", "parallel TSV: the source-language column (name or index)")
    target_column: str = setting("2", "parallel TSV: the target-language column (name or index)")
    cleaning: CleaningConfig = field(default_factory=CleaningConfig)  # a nested section with its own settings
    segmenter: str = setting(
        "whitespace",
        "how text is cut into words, for stop words, the word statistics and the word tokenizer: whitespace "
        "(words between spaces and punctuation), jieba (Chinese words by the jieba segmenter, precise mode) or "
        "chars (each CJK character a word; for Chinese or Japanese without a segmenter)",
        choices=SEGMENTERS,
    )
    user_dict: str = setting(
        "",
        "jieba: a user dictionary file (one word a line, optionally with a frequency and a tag) for names and "
        "terms jieba does not know; empty = jieba's own dictionary only",
    )
    split_fractions: tuple[float, float, float] = setting(
        (0.9, 0.05, 0.05), "train, validation and test shares of the lines; they add up to 1"
    )
    split_mode: str = setting(
        "lines",
        "lines: each line drawn at random; blocks: contiguous blocks of lines, so validation text is really unseen",
        choices=SPLIT_MODES,
    )
    block_lines: int = setting(100, "lines per block in blocks mode", low=1, high=10**9, unit="lines", step=10)
    seed: int = setting(1337, "seed of the random split: the same seed gives the same split", **_SEED)
    train_fraction: float = setting(
        1.0,
        "share of the training split used (0 < f <= 1): the validation and test splits are unchanged, so runs on "
        "1% ... 100% of the data are scored on the same text",
        low=0,
        low_open=True,
        high=1.0,
        step=0.01,
        decimals=3,
    )
    encoding: str = setting(
        "auto",
        "encoding of the corpus files: auto (UTF-8, else the likeliest legacy encoding) or a codec name such "
        "as utf-8, cp1252, latin-1, cp1250",
    )

    def __post_init__(self) -> None:
        if isinstance(self.cleaning, dict):
            self.cleaning = _from_dict(CleaningConfig, self.cleaning, "data.cleaning")
        elif not isinstance(self.cleaning, CleaningConfig):
            raise _type_error("data.cleaning", self.cleaning, "an object of cleaning settings")
        _validate(self, "data")
        _check_encoding(self.encoding)
        _check(all(f >= 0 for f in self.split_fractions), "data.split_fractions", "fractions must not be negative")
        _check(
            math.isclose(sum(self.split_fractions), 1.0, abs_tol=1e-6),
            "data.split_fractions",
            f"must add up to 1 (they add up to {sum(self.split_fractions):g})",
        )
        _check(self.split_fractions[0] > 0, "data.split_fractions", "the training fraction must be above 0")
        _check(
            not self.user_dict or self.segmenter == "jieba",
            "data.user_dict",
            f"a user dictionary is for the jieba segmenter; set data.segmenter to jieba (it is {self.segmenter})",
        )
        _check(
            self.toy_task is None or self.task == "translate",
            "data.toy_task",
            f"{self.toy_task} makes source → target pairs: set data.task to translate, or toy_task to null",
        )


@dataclass
class TokenizerConfig:
    kind: str = setting(
        "char",
        "how text is cut into tokens: char, word, bpe (SentencePiece byte-pair encoding) or unigram "
        "(SentencePiece unigram)",
        choices=TOKENIZER_KINDS,
    )
    vocab_size: int = setting(
        8000,
        "word/bpe/unigram: target vocabulary size (char ignores it)",
        low=2,
        high=MAX_VOCAB,
        unit="tokens",
        step=500,
    )
    min_frequency: int = setting(
        1, "word: drop words seen fewer times than this (they become <unk>)", low=1, high=10**15
    )
    character_coverage: float = setting(
        1.0,
        "bpe/unigram: share of characters covered by pieces; rarer ones become bytes or <unk>",
        low=0.9,
        high=1.0,
        step=0.0005,
        decimals=4,
    )
    byte_fallback: bool = setting(
        True, "bpe/unigram: spell unknown characters as UTF-8 bytes, so nothing is ever <unk> (lossless)"
    )
    shared: bool = setting(
        True,
        "translate: one tokenizer trained on both sides (a joint vocabulary; the encoder and decoder may share "
        "embeddings), or one per side (each language its own vocabulary)",
    )

    def __post_init__(self) -> None:
        _validate(self, "tokenizer")


@dataclass
class ModelConfig:
    arch: str = setting(
        "transformer",
        "the kind of network: rnn, gru, lstm or transformer (a key of the model registry)",
        choices=ARCHITECTURES,
    )
    vocab_size: int = setting(
        0, "tokens the model predicts over: set from the tokenizer; 0 until then", low=0, high=MAX_VOCAB
    )
    block_size: int = setting(
        64,
        "context length in tokens seen in training: how far back the model can look; usual 32-1024 (translate: "
        "the longest source and target, EOS included; longer pairs are left out)",
        low=1,
        high=MAX_BLOCK,
        unit="tokens",
        step=16,
    )
    n_layer: int = setting(
        3,
        "stacked layers (Transformer blocks or recurrent layers); more layers learn more abstract features; usual 2-12",
        low=1,
        high=MAX_LAYERS,
        step=1,
    )
    n_head: int = setting(
        4,
        "Transformer: attention heads per block, each looking at its own slice of the width; must divide "
        "d_model; usual 2-12",
        low=1,
        high=MAX_HEADS,
        step=1,
    )
    d_model: int = setting(
        128,
        "width: embedding and hidden size; parameters grow with its square; usual 64-768",
        low=1,
        high=MAX_WIDTH,
        step=16,
    )
    dropout: float = setting(
        0.0,
        "probability of zeroing activations in training; regularizes big models on small data; usual 0-0.2",
        low=0,
        high=1,
        high_open=True,
        step=0.05,
        decimals=2,
    )
    tie_weights: bool = setting(
        True, "share the input embedding with the output projection: fewer parameters, usually as good"
    )
    positions: str = setting(
        "rotary",
        "Transformer: how the model knows token order: a learned table (at most block_size positions) or "
        "rotary (RoPE) angles; rotary measured better",
        choices=POSITIONS,
    )
    bias: bool = setting(False, "bias terms in linear layers and LayerNorm; off saves a little and rarely hurts")
    mlp_ratio: int = setting(
        3,
        "Transformer: hidden width of each block's MLP as a multiple of d_model; usual 4 (3 in the small "
        "preset: a faster step, measured better at equal time on a CPU)",
        low=1,
        high=MAX_MLP_RATIO,
        step=1,
    )
    mlp_activation: str = setting(
        "gelu",
        "Transformer: the MLP's nonlinearity: gelu (exact, erf; exports to Hugging Face as is), relu2 (ReLU "
        "squared, modded-nanoGPT's; cheaper on a CPU) or gelu_tanh (GELU's tanh approximation, GPT-2's gelu_new: "
        "what models imported from Hugging Face use)",
        choices=ACTIVATIONS,
    )
    qk_norm: bool = setting(
        False, "Transformer: RMS-normalise queries and keys per head before attention (steadier at high learning rates)"
    )
    source_vocab_size: int = setting(
        0,
        "encoder-decoder: tokens of the source side, set from its tokenizer; 0: one joint vocabulary (vocab_size)",
        low=0,
        high=MAX_VOCAB,
    )
    attention: str = setting(
        "bahdanau",
        "recurrent encoder-decoder: how the decoder looks at the source: bahdanau (additive), luong "
        "(multiplicative), or none (the plain encoder-decoder: the source reaches the decoder only through the "
        "encoder's final state)",
        choices=ATTENTIONS,
    )
    bidirectional: bool = setting(
        True, "recurrent encoder-decoder: the encoder reads the source both ways (its two directions concatenated)"
    )
    shared_embeddings: bool = setting(
        True, "encoder-decoder with one joint vocabulary: the encoder and decoder share one embedding table"
    )

    def __post_init__(self) -> None:
        _validate(self, "model")
        if self.arch == "transformer":
            _check(
                self.d_model % self.n_head == 0,
                "model.d_model",
                f"width {self.d_model} is not divisible by {self.n_head} heads; pick a multiple of {self.n_head} "
                f"({_nearest_multiples(self.d_model, self.n_head)}) or change n_head",
            )
            if self.positions == "rotary":
                _check(
                    (self.d_model // self.n_head) % 2 == 0,
                    "model.positions",
                    "rotary positions need an even head size (d_model / n_head)",
                )
        params = self.estimated_parameters()
        if params > MAX_PARAMETERS:
            raise ConfigError(
                f"model: these settings make about {params / 1e9:,.0f} billion parameters "
                f"({params * 4 / 1e9:,.0f} GB of weights); the limit is {MAX_PARAMETERS / 1e9:,.0f} billion: "
                f"lower d_model ({self.d_model:,}), n_layer ({self.n_layer:,}) or the vocabulary"
            )

    def estimated_parameters(self) -> int:
        """A quick upper estimate of the weights (embeddings, layers, output) for the size checks."""
        d, layers = self.d_model, self.n_layer
        vocab = max(self.vocab_size, 256)
        if self.arch == "transformer":
            per_layer = (4 + 2 * self.mlp_ratio) * d * d
        else:
            per_layer = {"rnn": 1, "gru": 3, "lstm": 4}.get(self.arch, 4) * 2 * d * d
        embeddings = vocab * d * (1 if self.tie_weights else 2)
        return layers * per_layer + embeddings + (self.block_size * d if self.positions == "learned" else 0)


@dataclass
class TrainConfig:
    batch_size: int = setting(
        24,
        "sequences per optimizer micro-step; larger batches give smoother gradients and use more memory; usual "
        "8-128 (24 beat 12 and 48 at equal time on Tiny Shakespeare with Muon: benchmarks/README.md)",
        low=1,
        high=MAX_BATCH,
        step=4,
    )
    steps: int = setting(2000, "optimizer steps in all", low=1, high=MAX_STEPS, step=100)
    max_time: float = setting(
        0.0,
        "time budget: end training after this many seconds of training steps (evaluations and saves not "
        "counted), with the learning-rate schedule fitted to the time; the run ends at the budget or at "
        "`steps`, whichever comes first",
        low=0,
        high=MAX_SECONDS,
        zero="off",
        unit="s",
        step=60,
        decimals=0,
    )
    lr: float = setting(
        4e-3,
        "peak learning rate (Muon's is matched to AdamW's scale, so one rate serves both); usual 1e-4 to 1e-2 "
        "(small models tolerate more; 4e-3 with Muon is the default measured best at equal time on Tiny Shakespeare)",
        low=0,
        low_open=True,
        step=1e-4,
        decimals=6,
        editor_high=1.0,
    )
    min_lr: float = setting(
        4e-4,
        "floor the decay (cosine, linear or wsd's warm-down) ends at, at most lr; usual lr / 10",
        low=0,
        step=1e-5,
        decimals=6,
        editor_high=1.0,
    )
    schedule: str = setting(
        "wsd",
        "how the learning rate evolves after warmup: cosine decay, linear decay, constant, or wsd (constant, "
        "then a linear warm-down to min_lr over the last `warmdown` share of the run)",
        choices=SCHEDULES,
    )
    warmdown: float = setting(
        0.5,
        "wsd schedule: the final share of the run (of its steps, or of its time budget) over which the "
        "learning rate decays linearly to min_lr",
        low=0,
        high=1,
        step=0.05,
        decimals=2,
    )
    warmup_steps: int = setting(
        20, "steps of linear warmup from 0 to lr; usual 1-10 percent of the steps", low=0, high=MAX_STEPS, step=10
    )
    optimizer: str = setting(
        "muon",
        "adamw: AdamW for every weight; muon: Muon (orthogonalised momentum, modded-nanoGPT's optimizer) for the "
        "hidden weight matrices and AdamW for embeddings, head, norms and biases, at the same lr",
        choices=OPTIMIZERS,
    )
    muon_momentum: float = setting(
        0.95,
        "Muon's momentum (optimizer muon only); usual 0.9-0.98",
        low=0,
        high=1,
        high_open=True,
        step=0.01,
        decimals=3,
    )
    weight_decay: float = setting(
        0.1,
        "AdamW decoupled weight decay on matrices (not on biases, norms or position embeddings); usual 0-0.1",
        low=0,
        step=0.01,
        decimals=3,
        editor_high=10.0,
    )
    beta1: float = setting(0.9, "AdamW beta1 (e.g. 0.9)", low=0, high=1, high_open=True, step=0.01, decimals=3)
    beta2: float = setting(0.99, "AdamW beta2 (e.g. 0.99)", low=0, high=1, high_open=True, step=0.001, decimals=4)
    grad_clip: float = setting(
        1.0,
        "clip the global gradient norm to this; usual 1.0",
        low=0,
        zero="off",
        step=0.1,
        decimals=2,
        editor_high=100.0,
    )
    grad_accum: int = setting(
        1,
        "micro-batches summed per optimizer step: a larger effective batch without more memory; usual 1-8",
        low=1,
        high=MAX_BATCH,
        step=1,
    )
    precision: str = setting(
        "auto",
        "autocast precision: auto (bf16 on a CUDA GPU, else fp32), fp32, bf16 or fp16 (needs a GPU; uses loss scaling)",
        choices=PRECISIONS,
    )
    device: str = setting("auto", "compute device: auto prefers CUDA, then Apple MPS, then the CPU", choices=DEVICES)
    threads: int = setting(
        0,
        "CPU threads for torch; automatic leaves one core free: when anything else wants a core, extra "
        "torch threads spin-wait and slow every step",
        low=0,
        high=MAX_THREADS,
        zero="automatic",
        step=1,
    )
    processes: int = setting(
        1,
        "processes training together with DistributedDataParallel: 1 trains in one process; N launches torchrun "
        "with N processes on this computer (one per GPU; on the CPU each gets a share of the cores). batch_size "
        "stays the global batch, split evenly between them, so it must divide by N",
        low=1,
        high=MAX_PROCESSES,
        step=1,
    )
    compile: str = setting(
        "auto",
        "torch.compile the model (faster steps after a warm-up of a minute or so): auto compiles where it "
        "wins (a CUDA GPU with Triton), not on the CPU or Apple MPS; on or off decide",
        choices=COMPILE_CHOICES,
    )
    seed: int = setting(1337, "seed of initialization and batch order: the same seed repeats the same run", **_SEED)
    eval_interval: int = setting(
        250, "evaluate every N steps (and at step 0 and at the end)", low=1, high=MAX_STEPS, step=50
    )
    eval_iters: int = setting(
        20,
        "batches averaged per evaluation of each split: more is steadier and slower; usual 10-200",
        low=1,
        high=MAX_EVAL_ITERS,
        step=5,
    )
    patience: int = setting(
        0,
        "early stopping: evaluations without a better validation loss before stopping",
        low=0,
        high=MAX_STEPS,
        zero="off",
        step=1,
    )
    checkpoint_interval: int = setting(
        500,
        "save a checkpoint every N steps (and at the end and on stop)",
        low=0,
        high=MAX_STEPS,
        zero="only at the end",
        step=100,
    )
    sample_prompt: str = setting("\n", "the fixed prompt sampled at every evaluation")
    sample_tokens: int = setting(
        100,
        "tokens written from the fixed prompt at each evaluation: the time-lapse of what the model learns",
        low=0,
        high=1_000_000,
        zero="no samples",
        step=20,
    )
    probe_text: str = setting(
        "",
        "the passage scored at every evaluation (Watch it learn): each token coloured by the probability the model "
        "gives it, evaluation after evaluation; empty: the first tokens of the validation split (at most 64, and "
        "at most the block size)",
    )
    probe_prompt: str = setting(
        "",
        "the prompt whose next-token probabilities are shown at every evaluation (Watch it learn: the top 10, "
        "from uniform to confident); empty: the sample prompt",
    )
    teacher_forcing: float = setting(
        1.0,
        "translate, recurrent encoder-decoder: the share of decoder steps fed the true previous token; below "
        "1 the model's own guess is fed otherwise (scheduled sampling), closer to how it translates",
        low=0,
        high=1,
        step=0.05,
        decimals=2,
    )
    bleu_pairs: int = setting(
        200,
        "translate: validation pairs translated (greedy) at each evaluation for BLEU, chrF and the samples table",
        low=0,
        high=1_000_000,
        zero="off",
        unit="pairs",
        step=50,
    )
    tensorboard: bool = setting(False, "write TensorBoard event files to RUN/tensorboard; needs the tensorboard extra")

    def __post_init__(self) -> None:
        _validate(self, "train")
        _check(self.min_lr <= self.lr, "train.min_lr", "must be between 0 and lr")


@dataclass
class SampleConfig:
    max_new_tokens: int = setting(200, "tokens to generate", low=0, high=MAX_NEW_TOKENS)
    temperature: float = setting(
        0.8,
        "sampling temperature: higher is more random",
        low=0,
        zero="greedy",
        step=0.05,
        decimals=2,
        editor_high=2.0,
    )
    top_k: int = setting(0, "sample among the k most likely tokens", low=0, high=MAX_VOCAB, zero="off")
    top_p: float = setting(
        1.0,
        "nucleus sampling: keep the smallest set of tokens with this much probability; 1 = off",
        low=0,
        low_open=True,
        high=1,
        step=0.01,
        decimals=2,
    )
    repetition_penalty: float = setting(
        1.0,
        "above 1 discourages tokens already in the text; 1 = off",
        low=0,
        low_open=True,
        step=0.05,
        decimals=2,
        editor_high=10.0,
    )
    seed: int | None = setting(None, "seed of the sampler: the same seed gives the same text", null="random", **_SEED)
    stop: str = setting("", "stop when the generated text contains this; empty = no stop text")
    alternatives: int = setting(10, "how many top alternatives to report per token", low=0, high=1000)

    def __post_init__(self) -> None:
        _validate(self, "sample")


_SECTIONS: dict[str, type] = {
    "data": DataConfig,
    "tokenizer": TokenizerConfig,
    "model": ModelConfig,
    "train": TrainConfig,
    "sample": SampleConfig,
}


def _from_dict(cls: type, values: Any, section: str):
    if not isinstance(values, dict):
        raise ConfigError(f"{section}: expected an object of settings, got {type(values).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"{section}: unknown setting(s) {', '.join(unknown)}; known are {', '.join(sorted(known))}")
    try:
        return cls(**values)
    except TypeError as exc:  # wrong types reaching comparisons in __post_init__
        raise ConfigError(f"{section}: {exc}") from None


@dataclass
class WorkspaceConfig:
    """Everything a run needs, saved as one JSON file."""

    data: DataConfig = field(default_factory=DataConfig)
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    sample: SampleConfig = field(default_factory=SampleConfig)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format_version": FORMAT_VERSION}
        for name in _SECTIONS:
            out[name] = asdict(getattr(self, name))
        out["data"]["split_fractions"] = list(self.data.split_fractions)
        return out

    @classmethod
    def from_dict(cls, values: dict[str, Any], source: str = "config") -> WorkspaceConfig:
        if not isinstance(values, dict):
            raise ConfigError(
                f"{source}: expected a JSON object {{...}} at the top level, got {_kind(values)}; "
                f"is this a workspace or run config file?"
            )
        version = values.get("format_version", FORMAT_VERSION)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ConfigError(
                f"{source}: format_version must be a whole number such as {FORMAT_VERSION}, got {_shown(version)}"
            )
        if version > FORMAT_VERSION:
            raise ConfigError(
                f"{source}: format_version {version!r} is newer than this lmstudio understands "
                f"({FORMAT_VERSION}); update lmstudio"
            )
        run = values.get("run", {})  # the facts a run folder's config.json adds (checkpoint.write_run_config)
        if not isinstance(run, dict):
            raise ConfigError(f"{source}: run: expected an object, got {_shown(run)} ({_kind(run)})")
        unknown = sorted(set(values) - set(_SECTIONS) - {"format_version", "run"})
        if unknown:
            raise ConfigError(f"{source}: unknown section(s) {', '.join(unknown)}; known are {', '.join(_SECTIONS)}")
        model = values.get("model")
        if version < 2 and isinstance(model, dict):
            # written before these settings existed: the models it describes were built this way
            values = {**values, "model": {"mlp_activation": "gelu", "qk_norm": False, **model}}
        train = values.get("train")
        if isinstance(train, dict) and isinstance(train.get("compile"), bool):
            # files written before compile had "auto": true was "on", false the old default, now "auto"
            values = {**values, "train": {**train, "compile": "on" if train["compile"] else "auto"}}
        parts = {}
        for name, section_cls in _SECTIONS.items():
            try:
                parts[name] = _from_dict(section_cls, values.get(name, {}), name)
            except ConfigError as exc:
                raise ConfigError(f"{source}: {exc}") from None
        return cls(**parts)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, source: str = "config") -> WorkspaceConfig:
        try:
            values = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
            ) from None
        except RecursionError:
            raise ConfigError(f"{source}: nests lists or objects too deeply to be a config file") from None
        return cls.from_dict(values, source)

    def save(self, path: str | Path) -> None:
        from .fileio import atomic_write_text

        atomic_write_text(Path(path), self.to_json() + "\n")

    @classmethod
    def load(cls, path: str | Path) -> WorkspaceConfig:
        """Read a workspace JSON file; every problem (missing, a folder, a FIFO, not JSON, wrong types) is one
        ConfigError line."""
        from .fileio import check_regular_file

        path = Path(path)
        if not path.exists() and not path.is_symlink():
            raise ConfigError(f"{path}: no such config file; check the path")
        check_regular_file(path, "config file", error=ConfigError)  # a FIFO would block in open()
        try:
            size = path.stat().st_size
            if size > MAX_CONFIG_BYTES:
                raise ConfigError(
                    f"{path}: {size / 1e6:,.0f} MB is far too large for a config file (a few KB); "
                    f"is this the right file?"
                )
            data = path.read_bytes()
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such config file; check the path") from None
        except PermissionError:
            raise ConfigError(f"{path}: permission denied; make the config file readable") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the config ({exc.strerror or exc})") from None
        if data.startswith(b"\xef\xbb\xbf"):  # a BOM some editors add
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not a UTF-8 text file (byte {exc.start}); a config file is JSON text") from None
        return cls.from_json(text, str(path))
