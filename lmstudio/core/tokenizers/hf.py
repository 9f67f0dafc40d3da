"""A Hugging Face tokenizer (a ``tokenizers`` tokenizer.json) behind lmstudio's Tokenizer interface: kind "hf".

Models imported from Hugging Face (GPT-2 and its kin) come with their own vocabulary, which then fixes the
vocabulary of every run that fine-tunes them. Such a tokenizer keeps the folder's special tokens where the
folder puts them (GPT-2: ``<|endoftext|>`` = 50256 is both ``<s>`` and ``</s>``; it has no ``<pad>`` and, being
byte-level, never an ``<unk>``): ids that do not exist are -1, which every caller reads as "none".

Saved in a run's ``tokenizer/`` folder as the Hugging Face file itself, ``hf_tokenizer.json`` (lmstudio's own
``tokenizer.json`` holds the kind and settings, as for every kind), so ``tokenizers.Tokenizer.from_file`` or
``transformers.PreTrainedTokenizerFast(tokenizer_file=...)`` read it as they would in the original folder.
It needs the ``tokenizers`` package (installed with ``transformers``: ``pip install lmstudio-workbench[export]``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import MAX_VOCAB, TokenizerConfig
from ..errors import TokenizerError
from .base import Tokenizer

HF_KIND = "hf"
HF_FILE = "hf_tokenizer.json"  # the Hugging Face tokenizer.json, under a name that leaves ours alone
SPECIAL_NAMES = ("pad", "unk", "bos", "eos")
MAX_TOKENIZER_BYTES = 256 * 1024 * 1024  # the largest real tokenizer.json files are a few tens of MB


def _backend():
    try:
        import tokenizers
    except ImportError:
        raise TokenizerError(
            "a Hugging Face tokenizer needs the `tokenizers` package; install it with "
            "pip install 'lmstudio-workbench[export]'"
        ) from None
    return tokenizers


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON object file of a Hugging Face folder, {} when absent; TokenizerError naming it when unreadable."""
    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TokenizerError(
            f"{path}: unreadable or not JSON ({exc}); restore the file from the model's source"
        ) from None
    if not isinstance(doc, dict):
        raise TokenizerError(f"{path}: expected a JSON object; restore the file from the model's source")
    return doc


def _token_text(value: Any) -> str | None:
    """A special token as tokenizer_config.json writes it: "<|endoftext|>" or {"content": "<|endoftext|>", ...}."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) and value else None


class HFTokenizer(Tokenizer):
    """A ``tokenizers.Tokenizer`` (the serialized tokenizer.json) with lmstudio's interface.

    ``vocab_size`` is the model's: some folders pad the embedding table beyond the tokenizer's vocabulary
    (GPT-2-style models rounded to a multiple of 64); those extra ids are never produced by ``encode``, decode to
    nothing and are shown as ``<unused N>``.
    """

    kind = HF_KIND

    def __init__(
        self,
        config: TokenizerConfig,
        tokenizer_json: bytes,
        specials: dict[str, int] | None = None,
        model_vocab_size: int | None = None,
        source: str = "tokenizer",
    ) -> None:
        super().__init__(config)
        tokenizers = _backend()
        self._json = bytes(tokenizer_json)
        try:
            self._tok = tokenizers.Tokenizer.from_str(self._json.decode("utf-8"))
        except Exception as exc:  # the Rust side raises plain Exceptions on malformed files
            raise TokenizerError(
                f"{source}: not a Hugging Face tokenizer.json that `tokenizers` reads ({str(exc)[:200]})"
            ) from None
        self._own_size = self._tok.get_vocab_size(with_added_tokens=True)
        self._size = max(self._own_size, int(model_vocab_size or 0))
        if not 2 <= self._size <= MAX_VOCAB:
            raise TokenizerError(f"{source}: a vocabulary of {self._size:,} tokens is outside 2 to {MAX_VOCAB:,}")
        specials = dict(specials or {})
        for name in SPECIAL_NAMES:
            i = specials.get(name, -1)
            setattr(self, f"{name}_id", i if isinstance(i, int) and 0 <= i < self._own_size else -1)
        added = self._tok.get_added_tokens_decoder()  # {id: AddedToken}
        self._special = {i for i, t in added.items() if t.special}
        self._user = {i for i, t in added.items() if not t.special}
        self._special.update(i for i in (self.pad_id, self.unk_id, self.bos_id, self.eos_id) if i >= 0)

    @classmethod
    def from_folder(cls, folder: Path, model_vocab_size: int | None = None) -> HFTokenizer:
        """The tokenizer of a Hugging Face model folder: tokenizer.json, else GPT-2's vocab.json + merges.txt.

        Special tokens come from tokenizer_config.json (or special_tokens_map.json), else from the model's
        config.json ids; ``<unk>`` only where the tokenization model has one (byte-level BPE has none).
        """
        folder = Path(folder)
        tokenizers = _backend()
        settings = {**_read_json(folder / "special_tokens_map.json"), **_read_json(folder / "tokenizer_config.json")}
        model_config = _read_json(folder / "config.json")
        path = folder / "tokenizer.json"
        if path.is_file():
            try:
                if path.stat().st_size > MAX_TOKENIZER_BYTES:
                    raise TokenizerError(f"{path}: far too large for a tokenizer file; is this the right folder?")
                data = path.read_bytes()
            except OSError as exc:
                raise TokenizerError(f"{path}: cannot read ({exc.strerror or exc})") from None
            backend = cls._parse(data, path)
        elif (folder / "vocab.json").is_file() and (folder / "merges.txt").is_file():
            backend = cls._byte_level_bpe(folder, settings, tokenizers)
            data = backend.to_str().encode("utf-8")
        else:
            raise TokenizerError(
                f"{folder}: no tokenizer files (tokenizer.json, or vocab.json and merges.txt); copy them from the "
                "model's source into the folder"
            )
        specials: dict[str, int] = {}
        for name in SPECIAL_NAMES:
            text = _token_text(settings.get(f"{name}_token"))
            i = backend.token_to_id(text) if text is not None else None
            if i is None:
                i = model_config.get(f"{name}_token_id")
            if isinstance(i, int) and not isinstance(i, bool):
                specials[name] = i
        model = getattr(backend, "model", None)
        unk = getattr(model, "unk_token", None)
        specials["unk"] = backend.token_to_id(unk) if isinstance(unk, str) and unk else -1
        if specials["unk"] is None:
            specials["unk"] = -1
        size = backend.get_vocab_size(with_added_tokens=True)
        config = TokenizerConfig(kind="bpe", vocab_size=max(2, min(MAX_VOCAB, max(size, model_vocab_size or 0))))
        return cls(config, data, specials, model_vocab_size, source=str(path))

    @staticmethod
    def _parse(data: bytes, path: Path):
        tokenizers = _backend()
        try:
            return tokenizers.Tokenizer.from_str(data.decode("utf-8"))
        except Exception as exc:
            raise TokenizerError(
                f"{path}: not a tokenizer.json that `tokenizers` reads ({str(exc)[:200]}); restore it from the "
                "model's source"
            ) from None

    @staticmethod
    def _byte_level_bpe(folder: Path, settings: dict[str, Any], tokenizers):
        """GPT-2's tokenizer from vocab.json and merges.txt, built as transformers' GPT-2 converter builds it."""
        from tokenizers import decoders, models, pre_tokenizers, processors

        try:
            bpe = models.BPE.from_file(
                str(folder / "vocab.json"),
                str(folder / "merges.txt"),
                continuing_subword_prefix="",
                end_of_word_suffix="",
                fuse_unk=False,
            )
        except Exception as exc:
            raise TokenizerError(
                f"{folder}: vocab.json or merges.txt is damaged ({str(exc)[:200]}); restore them from the model's "
                "source"
            ) from None
        backend = tokenizers.Tokenizer(bpe)
        backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=bool(settings.get("add_prefix_space")))
        backend.decoder = decoders.ByteLevel()
        backend.post_processor = processors.ByteLevel(trim_offsets=False)
        added = settings.get("added_tokens_decoder")
        tokens = []
        if isinstance(added, dict):
            for _, value in sorted(added.items(), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit() else 0):
                text = _token_text(value)
                if text is not None:
                    tokens.append(tokenizers.AddedToken(text, special=bool(value.get("special", True))))
        for name in SPECIAL_NAMES:
            text = _token_text(settings.get(f"{name}_token"))
            if text is not None and all(t.content != text for t in tokens):
                tokens.append(tokenizers.AddedToken(text, special=True))
        backend.add_special_tokens([t for t in tokens if t.special])
        backend.add_tokens([t for t in tokens if not t.special])
        return backend

    @classmethod
    def load(cls, directory: Path, config: TokenizerConfig, doc: dict[str, Any]) -> HFTokenizer:
        """What :meth:`save` wrote: ``hf_tokenizer.json`` and the special ids and model size in tokenizer.json."""
        path = Path(directory) / HF_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise TokenizerError(
                f"{path}: the Hugging Face tokenizer file is missing; copy the run's tokenizer folder again"
            ) from None
        except OSError as exc:
            raise TokenizerError(f"{path}: cannot read ({exc.strerror or exc})") from None
        specials = doc.get("hf_specials")
        size = doc.get("vocab_size")
        if not isinstance(specials, dict) or not isinstance(size, int):
            raise TokenizerError(f"{Path(directory) / 'tokenizer.json'}: damaged (no special ids or size)")
        return cls(config, data, specials, size, source=str(path))

    # -- the interface --------------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return self._size

    @property
    def backend(self):
        """The underlying ``tokenizers.Tokenizer``."""
        return self._tok

    def encode(self, text: str) -> list[int]:
        # no special tokens added: lmstudio's tokenizers add no <s>, and the texts are trained on as they are
        return self._tok.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts: Iterable[str]) -> list[list[int]]:
        return [e.ids for e in self._tok.encode_batch(list(texts), add_special_tokens=False)]

    def encode_to_array(self, text: str) -> np.ndarray:
        return np.asarray(self.encode(text), dtype=np.int64)

    def decode(self, ids: Sequence[int]) -> str:
        # special tokens decode to nothing, as in every lmstudio tokenizer (the views show their names)
        kept = []
        for i in ids:
            i = int(i)
            if not 0 <= i < self._size:
                self._check_id(i)
            if i < self._own_size and i not in self._special:
                kept.append(i)
        return self._tok.decode(kept, skip_special_tokens=False) if kept else ""

    def id_to_piece(self, i: int) -> str:
        self._check_id(i)
        i = int(i)
        piece = self._tok.id_to_token(i) if i < self._own_size else None
        return piece if piece is not None else f"<unused {i}>"

    def piece_to_id(self, piece: str) -> int:
        i = self._tok.token_to_id(piece)
        return self.unk_id if i is None else int(i)

    def piece_kind(self, i: int) -> str:
        self._check_id(i)
        i = int(i)
        if i >= self._own_size or i in self._special:
            return "special"
        return "user" if i in self._user else "normal"

    def piece_text(self, i: int) -> str:
        if self.piece_kind(i) == "special":
            return ""
        text = self._tok.decode([int(i)], skip_special_tokens=False)
        return text if text and "\ufffd" not in text else self.id_to_piece(i)  # a lone byte of a character

    def _payload(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        specials = {name: getattr(self, f"{name}_id") for name in SPECIAL_NAMES}
        return {"hf_file": HF_FILE, "hf_specials": specials}, {HF_FILE: self._json}


__all__ = ["HFTokenizer", "HF_KIND", "HF_FILE"]
