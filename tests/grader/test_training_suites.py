"""a3/a4 训练类任务：留出数据不出评分进程、阈值标定、确定性 / a3/a4 training tasks.

* the held-out data (digits the grader tests on) is never sent to the worker;
* the thresholds separate the nncore reference from untrained parameters (calibration);
* the same submission gets the same points and messages twice, also when training fails.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from grading_helpers import grade

from grader import demo_submissions
from grader.registry import Reply, get
from grader.suites import a3, a4, calibrate


class RecordingContext:
    """记录发往工作进程的一切 / A context that records every argument sent to the worker and
    answers every call with a failure (the check then gives up without training)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.student = "recorder"
        self.sent: list[np.ndarray] = []

    def _record(self, value: Any) -> None:
        if isinstance(value, np.ndarray):
            self.sent.append(value)
        elif isinstance(value, list | tuple):
            for v in value:
                self._record(v)
        elif isinstance(value, dict):
            for v in value.values():
                self._record(v)

    def call(self, function: str, *args: Any, **kwargs: Any) -> Reply:
        self._record(list(args))
        self._record(kwargs)
        return Reply(False, kind="exception", error="recorded", function=function)

    def run(self, driver: str, *args: Any) -> Reply:
        self._record(list(args))
        return Reply(False, kind="exception", error="recorded", function=driver)


def _rows_sent(sent: list[np.ndarray], width: int) -> set[bytes]:
    """发出的所有行 / Every row of width ``width`` in the arrays that were sent."""
    rows: set[bytes] = set()
    for arr in sent:
        if arr.ndim == 2 and arr.shape[1] == width:
            rows |= {r.tobytes() for r in np.ascontiguousarray(arr, dtype=np.float64)}
    return rows


HELD_OUT: dict[str, Callable[[np.random.Generator], dict[str, Any]]] = {
    "a3.example3": lambda r: a3.digits_setup(r, 3),
    "a3.example4": lambda r: a3.digits_setup(r, 4),
    "a4.pretraining": a4.pretrain_setup,
    "a3.example2": a3.example2_setup,
}


@pytest.mark.parametrize("task_id", [*HELD_OUT, "a3.sgd_epoch"])
def test_held_out_data_is_never_sent(task_id: str) -> None:
    """评测用的数据从不发给工作进程 / The data a trained model is judged on never leaves the
    grader: no held-out row appears in any array sent to the worker."""
    ctx = RecordingContext(12345)
    get(task_id).check(ctx)
    rng = np.random.default_rng(12345)
    if task_id == "a3.sgd_epoch":
        a3._sgd_cases(rng)
        setup = a3.sgd_setup(rng)
    else:
        setup = HELD_OUT[task_id](rng)
    test = np.asarray(setup["X_test"], dtype=np.float64)
    sent = _rows_sent(ctx.sent, test.shape[1])
    assert sent, "the training data was sent"
    train = {r.tobytes() for r in np.ascontiguousarray(setup["X"], dtype=np.float64)}
    assert train <= sent
    held = {r.tobytes() for r in np.ascontiguousarray(test)} - train  # duplicate digits aside
    assert held and not (held & sent)


def test_thresholds_separate_reference_from_untrained() -> None:
    """阈值：nncore 参考通过、未训练的参数不通过 / The thresholds pass the nncore reference
    and fail the untrained parameters (two hidden setups per training task)."""
    result = calibrate.calibrate(seeds=2)
    assert set(result) == {
        "a3.sgd_epoch",
        "a3.example2",
        "a3.example3",
        "a3.example4",
        "a4.pretraining",
        "a4.dbn",
    }
    for task_id, res in result.items():
        for metric, row in res["metrics"].items():
            op, value = row["threshold"].split()
            limit = float(value)

            def ok(x: float, op: str = op, limit: float = limit) -> bool:
                return bool(np.isfinite(x)) and (x >= limit if op == ">=" else x <= limit)

            assert all(ok(x) for x in row["reference"]), (task_id, metric, row)
            if metric != "worst MSE":  # 例题2's worst run: a stalled small init, by design
                assert not any(ok(x) for x in row["untrained"]), (task_id, metric, row)


def test_training_tasks_deterministic(tmp_path: Path) -> None:
    """训练失败时消息也相同 / Same points and messages twice, also for failed training."""
    sub = demo_submissions.with_mistakes("a3", ("momentum_sign",), tmp_path / "s")
    tasks = ["a3.example3", "a3.sgd_epoch"]
    a, b = grade(sub, "a3", tasks), grade(sub, "a3", tasks)
    assert [(t.points, t.message_en, t.message_zh, t.cases) for t in a.tasks] == [
        (t.points, t.message_en, t.message_zh, t.cases) for t in b.tasks
    ]
    ex3 = {t.id: t for t in a.tasks}["a3.example3"]
    assert ex3.points == 0 and "training_poor" in ex3.hints
    assert "accuracy on held-out digits" in ex3.message_en and "留出数据" in ex3.message_zh
    assert "examples_depend" in ex3.hints


def test_pretraining_needs_trained_encoders(tmp_path: Path) -> None:
    """返回未训练的编码器得 0 分 / Returning the encoders untrained scores 0 on pre-training."""
    sub = demo_submissions.reference("a4", tmp_path / "s")
    path = sub / "autoencoder.py"
    text = path.read_text("utf-8")
    old = '        fit(dae, codes, codes, loss="mse", optimizer="momentum", lr=lr, epochs=epochs,\n'
    assert text.count(old) == 1
    path.write_text(
        text.replace(
            old,
            '        if False:\n            fit(dae, codes, codes, loss="mse", optimizer="momentum", lr=lr, epochs=epochs,\n',
        ),
        "utf-8",
    )
    (task,) = grade(sub, "a4", ["a4.pretraining"]).tasks
    assert task.points == 0 and task.status == "failed"
    assert "training_poor" in task.hints and "read-out accuracy" in task.message_en


@pytest.mark.parametrize(
    ("value", "kw"),
    [
        (0.97, {"at_least": 0.95}),  # meets the threshold: the reference is not needed
        (0.93, {"at_least": 0.95}),  # misses it, within the margin of the reference
        (0.80, {"at_least": 0.95}),  # misses both
        (float("nan"), {"at_least": 0.95}),
        (0.004, {"at_most": 0.006}),
        (0.007, {"at_most": 0.006}),
        (0.02, {"at_most": 0.006}),
    ],
)
def test_lazy_reference_same_outcome(value: float, kw: dict[str, float]) -> None:
    """同种子参考只在判定需要时计算，结果与消息不变 / The same-seed reference is computed only
    when the decision needs it (value not finite or missing the documented threshold, or the
    sweep observing), and the case — pass, hints, message — is the same as with the value."""
    from grader.suites import heldout
    from grader.text import Text

    ref = 0.94 if "at_least" in kw else 0.0055
    calls: list[int] = []

    def reference() -> float:
        calls.append(1)
        return ref

    common = {"what": Text("准确率", "accuracy"), "margin": 0.03 if "at_least" in kw else 0.002}
    label = Text("留出", "held out")
    eager = heldout.threshold_case(label, value, reference=ref, **kw, **common)
    lazy = heldout.threshold_case(label, value, reference=reference, **kw, **common)
    assert (lazy.passed, lazy.hints, lazy.note) == (eager.passed, eager.hints, eager.note)
    meets = np.isfinite(value) and (
        value >= kw["at_least"] if "at_least" in kw else value <= kw["at_most"]
    )
    assert calls == ([] if meets else [1])
    seen: list[dict[str, Any]] = []
    with heldout.observe_thresholds(seen.append):  # the sweep always gets the reference
        heldout.threshold_case(label, value, reference=reference, **kw, **common)
    assert seen[0]["reference"] == ref and len(calls) == (1 if meets else 2)
