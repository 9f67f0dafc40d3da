"""Translation scores as the field reports them: corpus BLEU and chrF computed by sacreBLEU.

BLEU (Papineni et al. 2002) and chrF (Popović 2015) depend on details that papers rarely spell out:
the tokenization of hypotheses and references, smoothing, the reference length rule. sacreBLEU
(Post 2018) fixes them and prints a *signature* (``nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|...``)
that says how a figure was computed, so a score here compares with a published one. A hand-written BLEU
differs from it in exactly those details, which is why lmstudio does not keep one.

Both functions take detokenized text (what a model decodes), one hypothesis per segment, and per segment
either one reference string or a list of references. Scores are on sacreBLEU's 0-100 scale.

sacreBLEU pairs hypotheses with references by position and stops at the shorter list without a word:
two hypotheses scored against one reference give 100 if the first matches. The counts are checked here
first, so a misaligned test set is an error naming both counts, never a flattering figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sacrebleu.metrics import BLEU, CHRF

__all__ = ["Score", "corpus_bleu", "corpus_chrf"]


@dataclass(frozen=True)
class Score:
    """A corpus score: ``score`` on the 0-100 scale, and the sacreBLEU ``signature`` that says how it was
    computed. BLEU adds its n-gram ``precisions`` (percent, n = 1..4), the ``brevity_penalty`` and the
    hypothesis and effective reference lengths in tokens; chrF leaves them empty."""

    name: str  # "BLEU" or "chrF2" (chrF with beta = 2; "chrF2++" when word n-grams are counted)
    score: float
    signature: str
    precisions: tuple[float, ...] = ()
    brevity_penalty: float | None = None
    hyp_len: int | None = None
    ref_len: int | None = None

    def __str__(self) -> str:
        return f"{self.name} = {self.score:.2f} ({self.signature})"


def _reference_streams(hypotheses: Sequence[str], references: Sequence[str | Sequence[str]]) -> list[list[str | None]]:
    """Check the inputs and turn per-segment references into sacreBLEU's streams (one list per reference
    position, ``None`` where a segment has fewer references than the most)."""
    if isinstance(hypotheses, str) or isinstance(references, str):
        raise ValueError("hypotheses and references: expected a list of segments, got a single string")
    if len(hypotheses) != len(references):
        raise ValueError(
            f"{len(hypotheses)} hypotheses but {len(references)} references: each hypothesis needs its own "
            "reference(s), in the same order"
        )
    if not hypotheses:
        raise ValueError("no hypotheses and no references: a corpus score needs at least one segment")
    per_segment: list[list[str]] = []
    for i, (hyp, refs) in enumerate(zip(hypotheses, references)):
        if not isinstance(hyp, str):
            raise ValueError(f"hypothesis {i}: expected a string, got {type(hyp).__name__}")
        refs = [refs] if isinstance(refs, str) else list(refs)
        if not refs:
            raise ValueError(f"segment {i}: no reference")
        for r in refs:
            if not isinstance(r, str):
                raise ValueError(f"segment {i}: a reference must be a string, got {type(r).__name__}")
        per_segment.append(refs)
    n_refs = max(len(r) for r in per_segment)
    return [[refs[k] if k < len(refs) else None for refs in per_segment] for k in range(n_refs)]


def corpus_bleu(
    hypotheses: Sequence[str],
    references: Sequence[str | Sequence[str]],
    *,
    tokenize: str | None = None,
    lowercase: bool = False,
) -> Score:
    """Corpus BLEU with sacreBLEU's defaults (13a tokenization, exponential smoothing, closest reference
    length). ``tokenize="none"`` scores whitespace tokens as given (already tokenized text); other values
    are sacreBLEU's (``intl``, ``char``, ``zh``, ``ja-mecab`` ...)."""
    streams = _reference_streams(hypotheses, references)
    metric = BLEU(tokenize=tokenize, lowercase=lowercase)
    result = metric.corpus_score(list(hypotheses), streams)
    return Score(
        name="BLEU",
        score=float(result.score),
        signature=str(metric.get_signature()),
        precisions=tuple(float(p) for p in result.precisions),
        brevity_penalty=float(result.bp),
        hyp_len=int(result.sys_len),
        ref_len=int(result.ref_len),
    )


def corpus_chrf(
    hypotheses: Sequence[str],
    references: Sequence[str | Sequence[str]],
    *,
    word_order: int = 0,
    lowercase: bool = False,
) -> Score:
    """Corpus chrF (character n-grams up to 6, beta = 2; sacreBLEU's defaults). ``word_order=2`` gives
    chrF++ (word unigrams and bigrams as well). No tokenization: it works on characters, which suits
    morphologically rich languages and small models better than BLEU."""
    streams = _reference_streams(hypotheses, references)
    metric = CHRF(word_order=word_order, lowercase=lowercase)
    result = metric.corpus_score(list(hypotheses), streams)
    return Score(name=result.name, score=float(result.score), signature=str(metric.get_signature()))
