"""A finished run rebuilt from its folder as the events it sent (app.replay), and the clock that hands them out."""

from __future__ import annotations

import math

import pytest

from lmstudio.app.replay import ReplayClock, load_replay
from lmstudio.core.errors import CheckpointError
from lmstudio.core.training.events import EvalEvent, FinishedEvent, ProbeEvent, SampleEvent, StepEvent
from lmstudio.core.training.launch import new_trainer
from tests.helpers import tiny_workspace


def test_a_run_replays_as_the_events_it_sent(tiny_corpus, tmp_path, one_thread):
    live = list(new_trainer(tiny_workspace(tiny_corpus, steps=20, eval_interval=10), tmp_path / "run").run())
    replay = load_replay(tmp_path / "run")
    events = [e for _, e in replay.timeline]
    kinds = (StepEvent, EvalEvent, SampleEvent, ProbeEvent)
    assert [type(e) for e in events if isinstance(e, kinds)] == [type(e) for e in live if isinstance(e, kinds)]
    for got, sent in zip(
        [e for e in events if isinstance(e, StepEvent)], [e for e in live if isinstance(e, StepEvent)]
    ):
        assert (got.step, got.tokens) == (sent.step, sent.tokens) and got.loss == pytest.approx(sent.loss, rel=1e-5)
    evals = [e for e in events if isinstance(e, EvalEvent)]
    assert [e.improved for e in evals] == [e.improved for e in live if isinstance(e, EvalEvent)]
    assert isinstance(events[-1], FinishedEvent) and events[-1].step == 20
    times = [t for t, _ in replay.timeline]
    assert times == sorted(times) and replay.duration == pytest.approx(evals[-1].elapsed)
    assert replay.info.train_tokens > 0 and math.isfinite(replay.info.unigram_entropy)  # recorded in the run's facts

    clock = ReplayClock(replay, speed=2.0)
    first = clock.advance(0.0)  # step 0's evaluation, sample and probes come at time 0
    assert [type(e) for e in first][:1] == [EvalEvent] and not any(isinstance(e, StepEvent) for e in first)
    assert isinstance(clock.next_step()[-1], StepEvent)
    rest = clock.rest()
    assert clock.done and isinstance(rest[-1], FinishedEvent)


def test_a_folder_without_metrics_is_refused(tiny_corpus, tmp_path):
    with pytest.raises(CheckpointError):
        load_replay(tmp_path)
