"""错误提交库：每个错误在对应任务上失分并给出对应提示 / The bank of wrong submissions."""

from __future__ import annotations

from pathlib import Path

import pytest
from grading_helpers import grade

from grader import demo_submissions
from grader.demo_submissions import MISTAKES


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_mistake_loses_points_with_hint(mistake: demo_submissions.Mistake, tmp_path: Path) -> None:
    """错误 → 对应任务失分 + 对应提示 / The mistake costs its task, with the matching hint."""
    sub = demo_submissions.with_mistakes(mistake.assignment, (mistake.name,), tmp_path / "s")
    report = grade(sub, mistake.assignment, [mistake.task])
    (task,) = report.tasks
    assert task.points < task.max_points
    if mistake.hint is None:
        assert task.status == "forbidden"
        assert "nncore" in task.message_en and "nncore" in task.message_zh
    else:
        assert mistake.hint in task.hints, (task.hints, task.message_en)
        assert task.message_zh and task.message_en


def test_forbidden_import_costs_only_affected_tasks(tmp_path: Path) -> None:
    """导入 nncore 只影响用到该模块的任务 / Importing nncore zeroes the affected tasks only."""
    sub = demo_submissions.with_mistakes("a2", ("imports_nncore",), tmp_path / "s")
    report = grade(sub, "a2", ["a2.dense_forward", "a2.mlp_forward", "a2.loss_mse"])
    status = {t.id: t.status for t in report.tasks}
    assert status == {
        "a2.dense_forward": "forbidden",
        "a2.mlp_forward": "forbidden",  # mlp.py imports layers.py
        "a2.loss_mse": "passed",
    }


def test_redefined_allclose_does_not_matter(tmp_path: Path) -> None:
    """学生改写 np.allclose 无效：比较在评分进程中 / Redefining numpy.allclose changes nothing."""
    sub = demo_submissions.with_mistakes("a2", ("forgot_1_over_m",), tmp_path / "s")
    path = sub / "losses.py"
    path.write_text(
        path.read_text("utf-8") + "\nnp.allclose = lambda *a, **k: True\n"
        "np.array_equal = lambda *a, **k: True\n",
        "utf-8",
    )
    (task,) = grade(sub, "a2", ["a2.loss_mse"]).tasks
    assert task.points == 0 and "missing_1_over_m" in task.hints


def test_hostile_task_costs_that_task_only(tmp_path: Path) -> None:
    """死循环 / 退出进程只影响那一个任务 / A hang or exit costs that task only."""
    sub = demo_submissions.reference("a2", tmp_path / "s")
    path = sub / "optim.py"
    path.write_text(
        path.read_text("utf-8").replace(
            "    return [p - lr * g for p, g in zip(params, grads, strict=True)]\n",
            "    import os\n    os._exit(3)\n",
        ),
        "utf-8",
    )
    path = sub / "gradcheck.py"
    text = path.read_text("utf-8")
    path.write_text(
        text.replace(
            "### BEGIN SOLUTION\n", "### BEGIN SOLUTION\n    while True:\n        pass\n", 1
        ),
        "utf-8",
    )
    from grader.registry import get

    object.__setattr__(get("a2.numerical_gradient"), "wall_seconds", 2.0)
    object.__setattr__(get("a2.numerical_gradient"), "cpu_seconds", 1.0)
    try:
        report = grade(sub, "a2", ["a2.gd_update", "a2.numerical_gradient", "a2.loss_mse"])
    finally:
        object.__setattr__(get("a2.numerical_gradient"), "wall_seconds", 20.0)
        object.__setattr__(get("a2.numerical_gradient"), "cpu_seconds", 10.0)
    status = {t.id: (t.status, t.message_en) for t in report.tasks}
    assert status["a2.gd_update"][0] == "failed" and "exit" in status["a2.gd_update"][1]
    assert status["a2.numerical_gradient"][0] == "failed"
    assert "timed out" in status["a2.numerical_gradient"][1]
    assert status["a2.loss_mse"][0] == "passed"


def test_an_attribute_error_in_the_students_code_is_not_a_missing_function() -> None:
    """学生代码里的 AttributeError 不是"找不到函数" / The student's own AttributeError (a list
    has no .size) is reported as an exception at its line, never as "function not found"; only
    the driver's "optim.py has no minibatches" and the runner's "not found" are."""
    from grader.engine import reply_from
    from grader.sandbox.runner import CallResult

    def kind(etype: str, en: str) -> str:
        tb = 'File "/w/training.py", line 74, in sgd_epoch'
        result = CallResult(False, status="error", message_en=en, error_type=etype, traceback=tb)
        return reply_from(result, "training.sgd_epoch").kind

    assert kind("AttributeError", "'list' object has no attribute 'size'") == "exception"
    assert kind("AttributeError", "module 'numpy' has no attribute 'foo'") == "exception"
    assert kind("AttributeError", "optim.py 中没有 minibatches / optim.py has no minibatches") == (
        "missing_attr"
    )
    assert kind("MissingFunction", "function dense_fwd not found in good.py") == "missing_attr"
    assert kind("MissingFunction", "f in good.py is not callable") == "exception"
