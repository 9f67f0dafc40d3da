"""One start convention: a prompt is continued after a line start, as every line of the training text is,
in ``generate``, ``beam_search``, ``lmstudio sample`` and the Playground (issue 10)."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(scope="module", params=["char", "word", "bpe"])
def tokenizer(request, tmp_path_factory, tiny_corpus):
    from lmstudio.core.config import TokenizerConfig
    from lmstudio.core.tokenizers import train_tokenizer

    return train_tokenizer(TokenizerConfig(kind=request.param, vocab_size=400), tiny_corpus)


@pytest.fixture(scope="module")
def model(tokenizer):
    from lmstudio.core.config import ModelConfig
    from lmstudio.core.models import build_model

    torch.manual_seed(0)
    return build_model(
        ModelConfig(arch="lstm", vocab_size=tokenizer.vocab_size, block_size=16, n_layer=1, d_model=16)
    ).eval()


def test_a_prompt_is_conditioned_on_a_line_start(tokenizer):
    from lmstudio.core.inference.context import prompt_ids, start_ids

    assert prompt_ids(tokenizer, "") == start_ids(tokenizer)
    assert prompt_ids(tokenizer, "ROMEO:\n") == list(tokenizer.encode("\nROMEO:\n"))
    assert prompt_ids(tokenizer, "\nROMEO:") == list(tokenizer.encode("\nROMEO:"))  # already at a line start
    assert prompt_ids(tokenizer, "ROMEO:")[: len(start_ids(tokenizer))] == start_ids(tokenizer)


def test_generate_continues_a_prompt_after_a_newline(tokenizer, model):
    from lmstudio.core.config import SampleConfig
    from lmstudio.core.inference.beam import beam_search
    from lmstudio.core.inference.generation import generate

    cfg = SampleConfig(max_new_tokens=12, temperature=1.0, seed=3, alternatives=0)
    typed = "".join(e.text for e in generate(model, tokenizer, "ROMEO:\n", cfg))
    at_line_start = "".join(e.text for e in generate(model, tokenizer, "\nROMEO:\n", cfg))
    assert typed == at_line_start
    assert beam_search(model, tokenizer, "ROMEO:", 2, 6) == beam_search(model, tokenizer, "\nROMEO:", 2, 6)


def test_exact_context_ids_are_continued_as_given(tokenizer, model):
    from lmstudio.core.config import SampleConfig
    from lmstudio.core.inference.generation import generate

    cfg = SampleConfig(max_new_tokens=3, temperature=1.0, seed=3, alternatives=0)
    ids = list(tokenizer.encode("First Citizen"))
    first = next(iter(generate(model, tokenizer, "ignored", cfg, context_ids=ids)))
    with torch.inference_mode():
        logits, _ = model(torch.tensor([ids]))
    assert first.raw_prob == pytest.approx(float(logits[0, -1].softmax(-1)[first.id]), rel=1e-4)
