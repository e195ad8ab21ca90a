"""题库条目的确切提示 / The exact hints of bank entries whose hints once contradicted each other.

Issue 9: "Hints name the mistake … no message contradicts itself". Each entry below once got
the hint that names its mistake plus one naming a different mistake (momentum written with
``+ α∂J/∂θ`` was also told it used the other convention θ − v; a perceptron predicting with
``> 0`` in the update was also told it forgot the bias; a step returning integers was also told
its threshold at zero is wrong; a perceptron error y − (wᵀx + b), the delta rule, was also told
to use ≥ at the tie, where it agrees with ">", until the task let ``delta_rule`` supersede
``threshold_at_zero``). Graded in process under two student ids, the intended task's
hints must now be exactly the one that names the mistake.

``minibatches_lists``: the docstring says int arrays, so batches yielded as Python lists cost
a3.minibatches for everyone, hidden and public, with the same words, and nothing else but the
examples that train with it (which name it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bank_entries import WRONG
from bank_run import grade_entry, run_public_tests

from grader import registry

EXACT = {
    "momentum_plus_grad": ["momentum_grad_sign"],
    "perceptron_update_gt": ["threshold_at_zero"],
    "step_int": ["wrong_dtype"],
    "sign_int": ["wrong_dtype"],
    # the delta rule agrees with ">" at the tie: the task's supersedes drops threshold_at_zero
    "s6_perceptron_delta_rule": ["delta_rule"],
}


@pytest.mark.parametrize("name", sorted(EXACT))
def test_the_hints_are_exactly_the_named_mistake(name: str, tmp_path: Path) -> None:
    (entry,) = [e for e in WRONG if e.name == name]
    out = grade_entry(entry, ("bank-student-1", "bank-student-2"), tmp_path)
    assert out.caught, out.message
    assert out.hints == EXACT[name], out.message


def test_minibatches_as_lists_cost_that_task_with_the_same_message(tmp_path: Path) -> None:
    (entry,) = [e for e in WRONG if e.name == "minibatches_lists"]
    out = grade_entry(entry, ("bank-student-1",), tmp_path, collateral=True)
    assert out.caught and out.hints == ["batch_not_array"], out.message
    # every case that yields batches (4 of 5: the batch_size < 1 case yields none): the contract
    # is checked for everyone
    assert out.lost["a3.minibatches"] == pytest.approx(3.0 * 4 / 5)
    assert "a3.sgd_epoch" not in out.lost  # sgd_epoch gets the batches as the contract says
    assert not out.unnamed - {entry.task}, out.unnamed  # the examples name a3.minibatches
    hint = registry.hint("batch_not_array")
    said = run_public_tests(entry, tmp_path)
    assert said.returncode != 0
    for words in (hint.zh.split("：")[0], hint.en.split(":")[0]):
        assert words in said.stdout, words


def test_dependency_named_is_read_from_blocked_by(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "点名了依赖"读 report 的 blocked_by 数据 / "Dependency named" is the report's
    ``blocked_by`` citing a task that lost points in the same report, not the hint code."""
    import bank_run

    from grader.engine import TaskResult

    def result(tid: str, points: float, hints: list[str], blocked: list[str]) -> TaskResult:
        return TaskResult(tid, "", "", points, 2.0, "partial", "", "", "", "", hints, [], 0.0,
                          blocked)  # fmt: skip

    tasks = [
        result("a2.dense_forward", 0.0, ["transposed_w"], []),
        result("a2.mlp_forward", 1.0, [], ["a2.dense_forward"]),  # named by data, no hint code
        result("a2.example1", 1.0, ["blocked_by_dependency"], []),  # the code alone: unnamed
        result("a2.exercise", 1.0, ["blocked_by_dependency"], ["a2.loss_mse"]),  # passed task
        result("a2.loss_mse", 2.0, [], []),
    ]
    report = type("Report", (), {"tasks": tasks})()
    monkeypatch.setattr(bank_run, "grade_submission", lambda *a, **k: report)
    (entry,) = [e for e in WRONG if e.task == "a2.dense_forward"][:1]
    out = grade_entry(entry, ("s",), tmp_path, collateral=True)
    assert set(out.lost) == {"a2.dense_forward", "a2.mlp_forward", "a2.example1", "a2.exercise"}
    assert out.unnamed == {"a2.dense_forward", "a2.example1", "a2.exercise"}
    assert out.blocked_by == {"a2.mlp_forward": ["a2.dense_forward"],
                              "a2.exercise": ["a2.loss_mse"]}  # fmt: skip
