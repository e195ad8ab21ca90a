"""a4 讲义其余部分的隐藏任务 / The hidden a4 tasks for the rest of the lecture (issue 14).

The reference earns every point, the untouched release none, each typical mistake loses its
own task only and is named, and the DBN task never sends the digits it tests on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from grading_helpers import grade, release_dir

from grader import demo_submissions, manifest
from grader.registry import Reply, tasks_for
from grader.suites import a4, a4_lecture

TASKS = ["a4.approximation", "a4.auxiliary", "a4.degradation", "a4.rbm", "a4.dbn"]


def test_tasks_are_registered_with_manifest_points() -> None:
    ids = [t.id for t in tasks_for("a4")]
    assert set(TASKS) <= set(ids)
    for t in tasks_for("a4"):
        assert t.points == manifest.A4.task(t.id).points


def test_reference_earns_everything(tmp_path: Path) -> None:
    sub = demo_submissions.reference("a4", tmp_path / "ref")
    report = grade(sub, "a4", TASKS)
    assert [(t.id, t.points) for t in report.tasks] == [(t.id, t.max_points) for t in report.tasks]


def test_release_earns_nothing_and_says_not_implemented(tmp_path: Path) -> None:
    report = grade(release_dir("a4", tmp_path), "a4", TASKS)
    for t in report.tasks:
        assert t.points == 0, t.id
        assert "NotImplementedError" in t.message_en or "not implemented" in t.message_en.lower()


def _patched(tmp_path: Path, module: str, old: str, new: str) -> Path:
    sub = demo_submissions.reference("a4", tmp_path / "s")
    path = sub / f"{module}.py"
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")
    return sub


MISTAKES = [
    ("rbm", "    dW = (V.T @ p_h0 - p_v1.T @ p_h1) / m\n",
     "    dW = (p_v1.T @ p_h1 - V.T @ p_h0) / m\n", "a4.rbm", "rbm_sign"),
    ("rbm", "    dW = (V.T @ p_h0 - p_v1.T @ p_h1) / m\n",
     "    dW = (V.T @ h0 - p_v1.T @ p_h1) / m\n", "a4.rbm", "rbm_positive_sampled"),
    ("auxiliary", "            da = da + da_aux\n", "            da = da\n", "a4.auxiliary",
     "aux_backward_missing"),
    ("degradation", '    fit(net, X, y, loss="ce", optimizer="momentum", lr=lr, epochs=epochs,\n'
     "        batch_size=batch_size, seed=seed, track_accuracy=False)  # fmt: skip\n"
     '    return float(net.loss(X, y, "ce")[0])\n',
     '    h = fit(net, X, y, loss="ce", optimizer="momentum", lr=lr, epochs=epochs,\n'
     "        batch_size=batch_size, seed=seed, track_accuracy=False)\n"
     "    return float(h.loss[-1])\n", "a4.degradation", "degradation_running"),
    ("approximation", "    return sigmoid(np.outer(x, w) + b) @ v\n",
     "    return sigmoid(np.outer(x, w) + b).sum(axis=1)\n", "a4.approximation", "approx_sum"),
    ("degradation", "    if residual:\n", "    if False:\n", "a4.degradation",
     "degradation_residual_ignored"),
    ("auxiliary", "    a_k = caches[aux_layer - 1][0][0]\n", "    a_k = caches[aux_layer][0][0]\n",
     "a4.auxiliary", "aux_layer"),
]  # fmt: skip


@pytest.mark.parametrize(("module", "old", "new", "task_id", "hint"), MISTAKES)
def test_each_mistake_costs_its_task_and_is_named(
    tmp_path: Path, module: str, old: str, new: str, task_id: str, hint: str
) -> None:
    sub = _patched(tmp_path, module, old, new)
    others = [t for t in TASKS if t not in (task_id, "a4.dbn")]
    report = {t.id: t for t in grade(sub, "a4", [task_id, *others]).tasks}
    assert report[task_id].points < report[task_id].max_points
    assert hint in report[task_id].hints, report[task_id].hints
    for t in others:
        assert report[t].points == report[t].max_points, t


def test_a_wrong_residual_block_costs_a4_residual_only(tmp_path: Path) -> None:
    """a4.degradation's residual case trains the given ResidualNet, which calls the student's
    residual block: the calls a correct training_error makes are answered from the reference's
    tables, so a block without b2 loses a4.residual's points and none of a4.degradation's."""
    sub = _patched(tmp_path, "residual", "    return a + z2, (dense1, act1, dense2)\n",
                   "    return a + z2 - b2, (dense1, act1, dense2)\n")  # fmt: skip
    report = {t.id: t for t in grade(sub, "a4", ["a4.residual", "a4.degradation"]).tasks}
    assert report["a4.residual"].points < report["a4.residual"].max_points
    deg = report["a4.degradation"]
    assert any("residual=True" in c["label_en"] for c in deg.cases), deg.cases  # it was run
    assert deg.points == deg.max_points, deg.message_en


def test_dbn_needs_trained_rbms(tmp_path: Path) -> None:
    old = '        fit(rbm, codes, codes, loss="mse", optimizer="momentum", lr=lr, epochs=epochs,\n'
    new = '        if False:\n            fit(rbm, codes, codes, loss="mse", optimizer="momentum", lr=lr, epochs=epochs,\n'
    sub = _patched(tmp_path, "rbm", old, new)
    (task,) = grade(sub, "a4", ["a4.dbn"]).tasks
    assert task.points == 0 and "training_poor" in task.hints


class _Recorder:
    def __init__(self) -> None:
        self.rng = np.random.default_rng(3)
        self.seed, self.student, self.sent = 3, "rec", []

    def call(self, function: str, *args: object, **kwargs: object) -> Reply:
        self.sent += [a for a in args if isinstance(a, np.ndarray)]
        return Reply(False, kind="exception", error="recorded", function=function)

    run = call


def test_dbn_never_sends_the_held_out_digits() -> None:
    ctx = _Recorder()
    a4_lecture.dbn.check(ctx)  # type: ignore[arg-type]
    setup = a4.pretrain_setup(np.random.default_rng(3))
    sent = {r.tobytes() for arr in ctx.sent if arr.ndim == 2 for r in arr}
    held = {r.tobytes() for r in np.vstack([setup["X_lab"], setup["X_test"]])}
    assert sent and not (sent & held)
