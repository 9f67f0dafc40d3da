"""Translation through the pipeline: pairs prepared per side, the encoder-decoder trainer, its run folders,
exact resume, and the CLI's translate / eval / bad-input paths, on real tokenizers and files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from lmstudio.cli import main
from lmstudio.core.config import WorkspaceConfig
from lmstudio.core.dataset.pair_prepare import prepare_pairs_cached
from lmstudio.core.errors import ConfigError, CorpusError, DataError
from lmstudio.core.training.control import TrainingControl
from lmstudio.core.training.events import FinishedEvent, StepEvent, TranslationEvent
from lmstudio.core.training.launch import new_trainer, resume_trainer
from tests.conftest import TRANSLATION_RUN_SETTINGS

PAIRS = [
    ("the cat sleeps", "el gato duerme"),
    ("the dog runs", "el perro corre"),
    ("a red house", "una casa roja"),
    ("good morning", "buenos días"),
    ("thank you very much", "muchas gracias"),
]


def pair_config(**sections) -> WorkspaceConfig:
    settings = json.loads(json.dumps(TRANSLATION_RUN_SETTINGS))
    for name, values in sections.items():
        settings.setdefault(name, {}).update(values)
    return WorkspaceConfig.from_dict(settings)


def write_tsv(path: Path, rows: list[tuple[str, ...]]) -> Path:
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_pairs_stay_together_in_their_splits_and_reverse_swaps_the_sides(tmp_path):
    rows = [(f"{s} {i}", f"{t} {i}") for i in range(40) for s, t in PAIRS]
    corpus = write_tsv(tmp_path / "pairs.tsv", [("en", "es"), *rows])
    data = dict(toy_task=None, corpus=str(corpus), source_column="en", target_column="es")
    forward = prepare_pairs_cached(pair_config(data=data, tokenizer=dict(kind="word")))
    wanted = dict(rows)
    seen = 0
    for split in ("train", "val", "test"):
        for source, target in forward.texts(split):
            assert wanted[source] == target  # each target is its own source's translation
            seen += 1
    assert seen == len(rows)
    backward = prepare_pairs_cached(pair_config(data={**data, "reverse": True}, tokenizer=dict(kind="word")))
    assert [(t, s) for s, t in backward.texts("val")] == forward.texts("val")  # the same split, sides swapped


def test_one_tokenizer_per_side_is_saved_in_the_run_and_reloaded(tmp_path):
    from lmstudio.core.runs.folders import load_run

    config = pair_config(
        data=dict(toy_task="dates", toy_pairs=300),
        tokenizer=dict(kind="char", shared=False),
        train=dict(steps=4, eval_interval=4, bleu_pairs=8),
    )
    trainer = new_trainer(config, tmp_path / "run")
    events = list(trainer.run())
    assert events[-1].status == "finished"
    run = load_run(tmp_path / "run")
    assert run.is_translation and run.source_tokenizer is not run.tokenizer
    assert (tmp_path / "run" / "source_tokenizer" / "tokenizer.json").is_file()
    # dates: month names are only on the source side, so the two vocabularies differ
    assert run.source_tokenizer.vocab_size > run.tokenizer.vocab_size
    assert run.config.model.source_vocab_size == run.source_tokenizer.vocab_size


def test_cleaning_applies_per_side_and_dedupe_looks_at_the_pair(tmp_path):
    rows = [("Hello  World", "Hola  Mundo"), ("hello world", "hola mundo"), ("hello world", "buenas"), ("x", "  ")]
    corpus = write_tsv(tmp_path / "p.tsv", rows * 10)
    config = pair_config(
        data=dict(
            toy_task=None,
            corpus=str(corpus),
            source_column="0",
            target_column="1",
            split_fractions=[0.5, 0.5, 0.0],
            cleaning=dict(lowercase=True, collapse_whitespace=True, dedupe=True),
        )
    )
    prepared = prepare_pairs_cached(config)
    kept = prepared.texts("train") + prepared.texts("val")
    assert sorted(kept) == [("hello world", "buenas"), ("hello world", "hola mundo")]
    assert prepared.report["cleaning_dropped"] == {"duplicate": 28, "empty": 10}


def test_reliability_pairs_longer_than_the_block_are_left_out_and_counted(tmp_path):
    rows = [("ab", "ba")] * 30 + [("a" * 40, "b" * 40)] * 10
    corpus = write_tsv(tmp_path / "p.tsv", [("src", "tgt"), *rows])
    config = pair_config(
        data=dict(toy_task=None, corpus=str(corpus), source_column="0", target_column="1", split_fractions=[1, 0, 0])
    )
    prepared = prepare_pairs_cached(config)
    assert len(prepared.stores["train"]) == 30
    assert prepared.report["splits"]["train"]["too_long"] == 10
    too_small = pair_config(
        data=dict(toy_task=None, corpus=str(corpus), source_column="0", target_column="1"), model=dict(block_size=2)
    )
    with pytest.raises(DataError, match="longer than model.block_size"):
        prepare_pairs_cached(too_small)


@pytest.mark.parametrize(
    ("files", "data", "error", "match"),
    [
        ({"one.tsv": "only one column\nanother\n"}, dict(source_column="0", target_column="1"), CorpusError, "one.tsv"),
        ({"p.tsv": "a\tb\nc\td\n"}, dict(source_column="0", target_column="5"), CorpusError, "column 5"),
        ({"plain.txt": "just text\n"}, dict(format="text"), ConfigError, "not a parallel corpus"),
        ({"a.de": "eins\nzwei\n", "a.en": "one\n"}, dict(target="a.en"), CorpusError, "a.en"),
    ],
)
def test_reliability_bad_pair_corpora_are_one_clear_error(tmp_path, files, data, error, match):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    corpus = tmp_path / next(iter(files))
    if "target" in data:
        data = {**data, "target": str(tmp_path / data["target"])}
    config = pair_config(data=dict(toy_task=None, corpus=str(corpus), **data))
    with pytest.raises(error, match=match):
        prepare_pairs_cached(config)


def test_the_trained_run_scores_its_validation_translations(translation_run):
    from lmstudio.app.runs_table import scan_runs, table_text

    (row,) = scan_runs(translation_run.parent)  # the runs table's row of a translation run: its BLEU
    assert (row.corpus, row.arch, row.status, row.steps) == ("toy: reverse", "gru", "finished", 150)
    assert row.bleu is not None and 0 <= row.bleu <= 100 and "BLEU" in table_text([row])
    rows = list(csv.DictReader((translation_run / "metrics.csv").open(encoding="utf-8")))
    scored = [r for r in rows if r["chrf"]]
    assert [int(r["step"]) for r in scored] == [0, 75, 150]
    first, last = float(scored[0]["chrf"]), float(scored[-1]["chrf"])
    assert last > first + 30  # it learned to reverse: character n-grams of the outputs match the references
    assert 0 <= float(scored[-1]["exact_match"]) <= 1
    samples = [json.loads(line) for line in (translation_run / "samples.jsonl").open(encoding="utf-8")]
    assert "→" in samples[-1]["text"]


def test_a_stopped_translation_run_resumes_exactly(tmp_path):
    def config():
        return pair_config(train=dict(steps=16, eval_interval=100, bleu_pairs=0, checkpoint_interval=0))

    straight = [e.loss for e in new_trainer(config(), tmp_path / "a").run() if isinstance(e, StepEvent)]
    control = TrainingControl()
    first = []
    for event in new_trainer(config(), tmp_path / "b", control=control).run():
        if isinstance(event, StepEvent):
            first.append(event.loss)
            if event.step == 7:
                control.stop()
        if isinstance(event, FinishedEvent):
            assert event.status == "stopped"
    trainer = resume_trainer(tmp_path / "b")
    assert trainer.step == 7
    rest = [e.loss for e in trainer.run() if isinstance(e, StepEvent)]
    assert first + rest == pytest.approx(straight, abs=1e-5)  # the same batches in the same order, the same weights


def test_reliability_teacher_forcing_below_one_is_refused_for_a_transformer(tmp_path):
    config = pair_config(model=dict(arch="transformer", n_head=2), train=dict(teacher_forcing=0.5))
    with pytest.raises(DataError, match="teacher_forcing"):
        new_trainer(config, tmp_path / "run")
    assert not (tmp_path / "run").exists()  # nothing half-written


def test_scheduled_sampling_trains_a_recurrent_decoder(tmp_path):
    config = pair_config(train=dict(steps=3, teacher_forcing=0.5, eval_interval=3, bleu_pairs=4))
    events = list(new_trainer(config, tmp_path / "run").run())
    assert events[-1].status == "finished"
    assert any(isinstance(e, TranslationEvent) and e.pairs == 4 for e in events)


def test_reliability_cli_translates_evaluates_and_refuses_what_does_not_fit(translation_run, tmp_path, capsys):
    assert main(["translate", str(translation_run), "--text", "abcdef"]) == 0
    out = capsys.readouterr().out.strip()
    assert len(out) > 0 and set(out) <= set("abcdefghij")
    sources = tmp_path / "src.txt"
    sources.write_text("abc\n\nghij\n", encoding="utf-8")
    assert main(["translate", str(translation_run), "--file", str(sources), "--beam", "3", "--scores"]) == 0
    lines = capsys.readouterr().out.split("\n")
    assert lines[1] == "" and float(lines[0].split("\t")[0]) < 0  # an empty line stays empty; scores are log probs
    assert main(["eval", str(translation_run), "--json", "--max-pairs", "20"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["task"] == "translate" and doc["bleu_signature"].startswith("nrefs:1")
    assert set(doc["results"]) == {"val", "test"} and doc["results"]["val"]["translated"] == 20
    assert main(["sample", str(translation_run)]) == 2
    assert "lmstudio translate" in capsys.readouterr().err
    assert main(["prepare", "--task", "translate", "--out", str(tmp_path / "p")]) == 2
    assert "lmstudio train --task" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_reliability_translate_names_the_line_of_a_source_too_long(tmp_path, capsys):
    config = pair_config(
        model=dict(arch="transformer", n_head=2, d_model=32, positions="learned"),
        train=dict(steps=1, eval_interval=1, bleu_pairs=0),
    )
    list(new_trainer(config, tmp_path / "run").run())
    sources = tmp_path / "src.txt"
    sources.write_text("abc\n" + "a" * 40 + "\n", encoding="utf-8")
    assert main(["translate", str(tmp_path / "run"), "--file", str(sources)]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "at most 16" in err and "Traceback" not in err


def test_reliability_pairs_come_from_the_fields_of_json_lines_records(tmp_path):
    corpus = tmp_path / "pairs.jsonl"
    corpus.write_text("".join(json.dumps({"en": s, "es": t}) + "\n" for s, t in PAIRS * 8), encoding="utf-8")
    data = dict(toy_task=None, corpus=str(corpus), source_column="en", target_column="es")
    prepared = prepare_pairs_cached(pair_config(data=data, tokenizer=dict(kind="word")))
    assert set(prepared.texts("train")) == set(PAIRS)
    with pytest.raises(CorpusError, match="line 1 has no field 'de'"):
        prepare_pairs_cached(pair_config(data={**data, "target_column": "de"}))
