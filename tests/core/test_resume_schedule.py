"""Resuming a run continues its own schedule; extending it is a choice whose learning rates are known first."""

from __future__ import annotations

import pytest

from tests.helpers import train_stopped_run


@pytest.fixture(scope="module")
def stopped_run(tmp_path_factory, tiny_corpus):
    """A 40-step run stopped at step 10 (a checkpoint there)."""
    out = tmp_path_factory.mktemp("runs") / "stopped"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LMSTUDIO_CACHE", str(tmp_path_factory.getbasetemp() / "lmstudio-cache"))
        return train_stopped_run(tiny_corpus, out)


def test_resume_plan_keeps_the_run_schedule(stopped_run):
    from lmstudio.core.training.launch import resume_plan
    from lmstudio.core.training.schedule import lr_at

    plan = resume_plan(stopped_run)
    assert plan.start_step == 10 and plan.run_steps == plan.steps == 40 and not plan.extends
    expected = lr_at(10, peak=3e-3, floor=3e-4, warmup=2, total=40, schedule="cosine")
    assert plan.lr_run == pytest.approx(expected) and plan.lr_new == pytest.approx(expected)


def test_resume_plan_of_an_extension_shows_both_learning_rates(stopped_run):
    from lmstudio.core.training.launch import resume_plan
    from lmstudio.core.training.schedule import lr_at

    plan = resume_plan(stopped_run, 2000)
    assert plan.extends and plan.steps == 2000
    assert plan.lr_run == pytest.approx(lr_at(10, peak=3e-3, floor=3e-4, warmup=2, total=40, schedule="cosine"))
    assert plan.lr_new == pytest.approx(lr_at(10, peak=3e-3, floor=3e-4, warmup=2, total=2000, schedule="cosine"))
    assert plan.lr_new > plan.lr_run  # the jump the user must see before it happens
