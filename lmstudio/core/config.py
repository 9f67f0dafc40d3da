"""One dataclass per concern (data, tokenizer, model, training, sampling) and the workspace that holds them.

Each field has a short comment; validation lives in ``__post_init__`` and raises :class:`ConfigError`
naming the setting and the fix. The workspace JSON is the file the GUI saves and ``lmstudio train
--config`` reads; it carries a format version.
"""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

FORMAT_VERSION = 1

TOKENIZER_KINDS = ("char", "word", "bpe", "unigram")
ARCHITECTURES = ("rnn", "gru", "lstm", "transformer")
SCHEDULES = ("cosine", "linear", "constant")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
DEVICES = ("auto", "cpu", "cuda", "mps")

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
MAX_BATCH = 2**20
MAX_STEPS = 10**12
MAX_EVAL_ITERS = 10**6
MAX_NEW_TOKENS = 100_000_000
MAX_LINE_CHARS = 10**12
MAX_CONFIG_BYTES = 16 * 1024 * 1024


def _check(condition: bool, setting: str, message: str) -> None:
    if not condition:
        raise ConfigError(f"{setting}: {message}")


def _range(value: int | float, setting: str, low: int | float, high: int | float, note: str = "") -> None:
    if not low <= value <= high:
        raise ConfigError(f"{setting}: {value:,} is out of range; use {low:,} to {high:,}{note}")


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


def _check_types(obj: Any, section: str) -> None:
    for f in fields(obj):
        if f.name == "cleaning":
            continue  # a nested section: checked by its own dataclass
        object.__setattr__(obj, f.name, _coerce(getattr(obj, f.name), str(f.type), f"{section}.{f.name}"))


def _check_seed(value: int, setting: str) -> None:
    _range(value, setting, 0, MAX_SEED, " (a 64-bit seed)")


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
            f"{setting}: unknown encoding {name!r}; use auto or a name Python knows, such as utf-8, cp1252, latin-1, cp1250"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise ConfigError(f"{setting}: {name!r} is not a text encoding; use auto or one such as utf-8, cp1252, latin-1")


@dataclass
class CleaningConfig:
    nfkc: bool = False  # Unicode NFKC normalization (compatibility forms, e.g. ligatures -> letters)
    lowercase: bool = False  # lower-case every line
    collapse_whitespace: bool = False  # runs of spaces/tabs become one space; lines are stripped
    strip_control: bool = False  # remove control characters other than tab
    stopwords: str | None = None  # None, "en" or "es": remove the words of that bundled stop-word list
    dedupe: bool = False  # drop lines seen before (exact match after the other cleaning)
    min_line_chars: int = 0  # drop lines shorter than this (after cleaning); 0 keeps empty lines
    max_line_chars: int = 0  # drop lines longer than this; 0 means no limit

    def __post_init__(self) -> None:
        _check_types(self, "data.cleaning")
        _check(
            self.stopwords in (None, "en", "es"),
            "cleaning.stopwords",
            f"unknown list {self.stopwords!r}; use en, es or none",
        )
        _check(self.min_line_chars >= 0, "cleaning.min_line_chars", "must be 0 or more")
        _check(self.max_line_chars >= 0, "cleaning.max_line_chars", "must be 0 or more (0 = no limit)")
        _range(self.min_line_chars, "cleaning.min_line_chars", 0, MAX_LINE_CHARS)
        _range(self.max_line_chars, "cleaning.max_line_chars", 0, MAX_LINE_CHARS, " (0 = no limit)")
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
    corpus: str = ""  # path of a file or folder; empty means the bundled Tiny Shakespeare
    format: str = "auto"  # auto, text, folder, jsonl, csv, tsv, parallel
    text_field: str = "text"  # .jsonl: the field holding the text
    column: str = ""  # .csv/.tsv: the column holding the text (name or 0-based index); empty = first text column
    include: str = (
        "*.txt;*.md"  # folder: glob patterns of files to read, recursive, separated by ";"; "!sub" leaves out sub
    )
    target: str = ""  # parallel corpus from two line-aligned files: the target-language file
    source_column: str = "1"  # parallel TSV: the source-language column (name or index)
    target_column: str = "2"  # parallel TSV: the target-language column (name or index)
    cleaning: CleaningConfig = field(default_factory=CleaningConfig)
    split_fractions: tuple[float, float, float] = (0.9, 0.05, 0.05)  # train / validation / test
    split_mode: str = "lines"  # "lines": each line drawn at random; "blocks": contiguous blocks of lines
    block_lines: int = 100  # lines per block in "blocks" mode
    seed: int = 1337  # seed of the split
    encoding: str = "auto"  # "auto" (UTF-8, then the likeliest legacy encoding) or a codec name such as cp1252, latin-1

    def __post_init__(self) -> None:
        if isinstance(self.cleaning, dict):
            self.cleaning = _from_dict(CleaningConfig, self.cleaning, "data.cleaning")
        elif not isinstance(self.cleaning, CleaningConfig):
            raise _type_error("data.cleaning", self.cleaning, "an object of cleaning settings")
        _check_types(self, "data")
        _check_encoding(self.encoding)
        _check(all(f >= 0 for f in self.split_fractions), "data.split_fractions", "fractions must not be negative")
        _check(
            math.isclose(sum(self.split_fractions), 1.0, abs_tol=1e-6),
            "data.split_fractions",
            f"must add up to 1 (they add up to {sum(self.split_fractions):g})",
        )
        _check(self.split_fractions[0] > 0, "data.split_fractions", "the training fraction must be above 0")
        _check(self.split_mode in ("lines", "blocks"), "data.split_mode", "use 'lines' or 'blocks'")
        _check(self.block_lines >= 1, "data.block_lines", "must be at least 1")
        _range(self.block_lines, "data.block_lines", 1, 10**9)
        _check_seed(self.seed, "data.seed")
        _check(
            self.format in ("auto", "text", "folder", "jsonl", "csv", "tsv", "parallel"),
            "data.format",
            f"unknown format {self.format!r}",
        )


@dataclass
class TokenizerConfig:
    kind: str = "char"  # char, word, bpe (SentencePiece BPE) or unigram (SentencePiece unigram)
    vocab_size: int = 8000  # word/bpe/unigram: target vocabulary size (char ignores it)
    min_frequency: int = 1  # word: drop words seen fewer times than this
    character_coverage: float = 1.0  # bpe/unigram: share of characters covered; rarer ones go to bytes or <unk>
    byte_fallback: bool = True  # bpe/unigram: spell unknown characters as UTF-8 bytes (lossless)

    def __post_init__(self) -> None:
        _check_types(self, "tokenizer")
        _check(
            self.kind in TOKENIZER_KINDS,
            "tokenizer.kind",
            f"unknown tokenizer {self.kind!r}; use one of {', '.join(TOKENIZER_KINDS)}",
        )
        _check(self.vocab_size >= 2, "tokenizer.vocab_size", "must be at least 2")
        _range(self.vocab_size, "tokenizer.vocab_size", 2, MAX_VOCAB)
        _check(self.min_frequency >= 1, "tokenizer.min_frequency", "must be at least 1")
        _range(self.min_frequency, "tokenizer.min_frequency", 1, 10**15)
        _check(0.9 <= self.character_coverage <= 1.0, "tokenizer.character_coverage", "must be between 0.9 and 1.0")


@dataclass
class ModelConfig:
    arch: str = "transformer"  # rnn, gru, lstm or transformer (a key of the model registry)
    vocab_size: int = 0  # set from the tokenizer; 0 until then
    block_size: int = 64  # context length in tokens seen during training
    n_layer: int = 4  # stacked layers (Transformer blocks or recurrent layers)
    n_head: int = 4  # Transformer: attention heads; must divide d_model
    d_model: int = 128  # width: embedding size and hidden size
    dropout: float = 0.0  # dropout probability in training
    tie_weights: bool = True  # share the input embedding with the output projection
    positions: str = "rotary"  # Transformer: "rotary" (RoPE) or "learned" absolute positions; rotary measured better
    bias: bool = False  # biases in linear layers and LayerNorm (off: fewer parameters, same quality)
    mlp_ratio: int = 4  # Transformer: hidden width of the MLP as a multiple of d_model

    def __post_init__(self) -> None:
        _check_types(self, "model")
        _check(
            self.arch in ARCHITECTURES,
            "model.arch",
            f"unknown architecture {self.arch!r}; use one of {', '.join(ARCHITECTURES)}",
        )
        _check(self.vocab_size >= 0, "model.vocab_size", "must not be negative")
        _check(self.block_size >= 1, "model.block_size", "must be at least 1")
        _check(self.n_layer >= 1, "model.n_layer", "must be at least 1")
        _check(self.d_model >= 1, "model.d_model", "must be at least 1")
        _check(0.0 <= self.dropout < 1.0, "model.dropout", "must be in [0, 1)")
        _check(self.positions in ("learned", "rotary"), "model.positions", "use 'learned' or 'rotary'")
        _check(self.mlp_ratio >= 1, "model.mlp_ratio", "must be at least 1")
        _range(self.vocab_size, "model.vocab_size", 0, MAX_VOCAB)
        _range(self.block_size, "model.block_size", 1, MAX_BLOCK, " tokens")
        _range(self.n_layer, "model.n_layer", 1, MAX_LAYERS)
        _range(self.d_model, "model.d_model", 1, MAX_WIDTH)
        _range(self.mlp_ratio, "model.mlp_ratio", 1, MAX_MLP_RATIO)
        if self.arch == "transformer":
            _check(self.n_head >= 1, "model.n_head", "must be at least 1")
            _range(self.n_head, "model.n_head", 1, MAX_HEADS)
            _check(
                self.d_model % self.n_head == 0,
                "model.d_model",
                f"width {self.d_model} is not divisible by {self.n_head} heads; pick a multiple of {self.n_head}",
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
                f"model: these settings make about {params / 1e9:,.0f} billion parameters ({params * 4 / 1e9:,.0f} GB of "
                f"weights); the limit is {MAX_PARAMETERS / 1e9:,.0f} billion: lower d_model ({self.d_model:,}), "
                f"n_layer ({self.n_layer:,}) or the vocabulary"
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
    batch_size: int = 12  # sequences per optimizer micro-step
    steps: int = 2000  # optimizer steps in all
    lr: float = 2e-3  # peak learning rate (2e-3 beat nanoGPT's 1e-3 on Tiny Shakespeare: benchmarks/README.md)
    min_lr: float = 2e-4  # floor of the cosine / linear decay
    schedule: str = "cosine"  # cosine (after warmup), linear or constant
    warmup_steps: int = 50  # steps of linear warmup from 0 to lr
    weight_decay: float = 0.1  # AdamW decoupled weight decay on matrices (not on biases, norms, embeddings' positions)
    beta1: float = 0.9  # AdamW beta1
    beta2: float = 0.99  # AdamW beta2
    grad_clip: float = 1.0  # clip the global gradient norm to this; 0 disables clipping
    grad_accum: int = 1  # micro-batches accumulated per optimizer step
    precision: str = "auto"  # auto (bf16 on CUDA, else fp32), fp32, bf16 or fp16 (with a GradScaler)
    device: str = "auto"  # auto (CUDA, then Apple MPS, then CPU), cpu, cuda or mps
    threads: int = 0  # CPU threads for torch; 0 = choose automatically
    compile: bool = False  # torch.compile the model
    seed: int = 1337  # seed of initialization and batch sampling
    eval_interval: int = 250  # evaluate every N steps (and at step 0 and at the end)
    eval_iters: int = 20  # batches per evaluation of each split
    patience: int = 0  # early stopping: evaluations without improvement before stopping; 0 = off
    checkpoint_interval: int = 500  # save a checkpoint every N steps (and at the end); 0 = only at the end
    sample_prompt: str = "\n"  # the fixed prompt sampled at every evaluation
    sample_tokens: int = 100  # tokens to sample at every evaluation; 0 = no samples

    def __post_init__(self) -> None:
        _check_types(self, "train")
        _check(self.batch_size >= 1, "train.batch_size", "must be at least 1")
        _range(self.batch_size, "train.batch_size", 1, MAX_BATCH)
        _range(self.steps, "train.steps", 1, MAX_STEPS)
        _check(self.steps >= 1, "train.steps", "must be at least 1")
        _check(self.lr > 0, "train.lr", "must be above 0")
        _check(0 <= self.min_lr <= self.lr, "train.min_lr", "must be between 0 and lr")
        _check(self.schedule in SCHEDULES, "train.schedule", f"use one of {', '.join(SCHEDULES)}")
        _check(self.warmup_steps >= 0, "train.warmup_steps", "must be 0 or more")
        _check(self.weight_decay >= 0, "train.weight_decay", "must be 0 or more")
        _check(self.grad_clip >= 0, "train.grad_clip", "must be 0 (off) or more")
        _check(self.grad_accum >= 1, "train.grad_accum", "must be at least 1")
        _range(self.grad_accum, "train.grad_accum", 1, MAX_BATCH)
        _range(self.warmup_steps, "train.warmup_steps", 0, MAX_STEPS)
        _check(0 <= self.beta1 < 1, "train.beta1", f"{self.beta1} is out of range; use 0 to below 1 (e.g. 0.9)")
        _check(0 <= self.beta2 < 1, "train.beta2", f"{self.beta2} is out of range; use 0 to below 1 (e.g. 0.99)")
        _check(self.precision in PRECISIONS, "train.precision", f"use one of {', '.join(PRECISIONS)}")
        _check(self.device in DEVICES, "train.device", f"use one of {', '.join(DEVICES)}")
        _check(self.threads >= 0, "train.threads", "must be 0 (auto) or more")
        _range(self.threads, "train.threads", 0, MAX_THREADS, " (0 = automatic)")
        _check_seed(self.seed, "train.seed")
        _check(self.eval_interval >= 1, "train.eval_interval", "must be at least 1")
        _check(self.eval_iters >= 1, "train.eval_iters", "must be at least 1")
        _range(self.eval_interval, "train.eval_interval", 1, MAX_STEPS)
        _range(self.eval_iters, "train.eval_iters", 1, MAX_EVAL_ITERS)
        _check(self.patience >= 0, "train.patience", "must be 0 (off) or more")
        _check(self.checkpoint_interval >= 0, "train.checkpoint_interval", "must be 0 or more")
        _check(self.sample_tokens >= 0, "train.sample_tokens", "must be 0 or more")
        _range(self.patience, "train.patience", 0, MAX_STEPS)
        _range(self.checkpoint_interval, "train.checkpoint_interval", 0, MAX_STEPS)
        _range(self.sample_tokens, "train.sample_tokens", 0, 1_000_000)


@dataclass
class SampleConfig:
    max_new_tokens: int = 200  # tokens to generate
    temperature: float = 0.8  # 0 = greedy; higher = more random
    top_k: int = 0  # keep only the k most likely tokens; 0 = off
    top_p: float = 1.0  # nucleus: keep the smallest set with this much probability; 1 = off
    repetition_penalty: float = 1.0  # >1 discourages tokens already in the text; 1 = off
    seed: int | None = None  # seed of the sampler; None = random
    stop: str = ""  # stop when the generated text contains this; empty = no stop text
    alternatives: int = 10  # how many top alternatives to report per token

    def __post_init__(self) -> None:
        _check_types(self, "sample")
        _check(self.max_new_tokens >= 0, "sample.max_new_tokens", "must be 0 or more")
        _range(self.max_new_tokens, "sample.max_new_tokens", 0, MAX_NEW_TOKENS)
        if self.seed is not None:
            _check_seed(self.seed, "sample.seed")
        _check(self.temperature >= 0, "sample.temperature", "must be 0 (greedy) or more")
        _check(self.top_k >= 0, "sample.top_k", "must be 0 (off) or more")
        _check(0 < self.top_p <= 1, "sample.top_p", "must be in (0, 1]")
        _check(self.repetition_penalty > 0, "sample.repetition_penalty", "must be above 0 (1 = off)")
        _check(self.alternatives >= 0, "sample.alternatives", "must be 0 or more")
        _range(self.top_k, "sample.top_k", 0, MAX_VOCAB, " (0 = off)")
        _range(self.alternatives, "sample.alternatives", 0, 1000)


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
                f"{source}: format_version {version!r} is newer than this lmstudio understands ({FORMAT_VERSION}); update lmstudio"
            )
        run = values.get("run", {})  # the facts a run folder's config.json adds (checkpoint.write_run_config)
        if not isinstance(run, dict):
            raise ConfigError(f"{source}: run: expected an object, got {_shown(run)} ({_kind(run)})")
        unknown = sorted(set(values) - set(_SECTIONS) - {"format_version", "run"})
        if unknown:
            raise ConfigError(f"{source}: unknown section(s) {', '.join(unknown)}; known are {', '.join(_SECTIONS)}")
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
        """Read a workspace JSON file; every problem (missing, a folder, a FIFO, not JSON, wrong types) is one ConfigError line."""
        from .data.textfiles import check_regular_file

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
