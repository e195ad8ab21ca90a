"""a3/a4：一个错误只扣它自己的任务 / a3/a4: one mistake costs the task it breaks.

* a3.sgd_epoch is graded on a traced model (the λ·|B|/m it passes is recorded; no penalty is
  computed, so the student's weight_decay is not involved) and on the batches the student's
  minibatches yielded inside it (so a minibatches that ignores its rng is not involved);
* a4.pretraining and a4.dbn cannot be tested without the DAE / CD-1 functions: when those fail,
  the message names them ("blocked by your …") instead of blaming the orchestration;
* the spec framework's additions used by a3/a4: outputs that depend on the inputs, the fallback
  hint and the routine in-place review (unit tests with a fake context).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from grading_helpers import grade
from test_spec import FakeContext

from grader import demo_submissions, engine
from grader.engine import TaskResult
from grader.registry import get
from grader.suites.spec import Cases, Out, Spec, fallback, routine_mutated
from grader.text import Text


def _mutated(tmp: Path, assignment: str, file: str, old: str, new: str) -> Path:
    """参考答案 + 一处修改 / The reference with one text change."""
    sub = demo_submissions.reference(assignment, tmp / "s")
    demo_submissions.apply(sub, (demo_submissions.Patch(file, old, new),))
    return sub


SGD_INDEPENDENT = [
    # ∂R/∂W = λ W (a3.weight_decay's mistake): sgd_epoch's λ case no longer runs weight_decay
    ("losses.py", "[(lam / m) * W for W in weights]", "[lam * W for W in weights]"),
    # minibatches shuffles with np.random (a3.minibatches' mistake): sgd_epoch is replayed on
    # the batches it really used
    ("optim.py", "    order = rng.permutation(m) if rng is not None else np.arange(m)\n",
     "    order = np.random.permutation(m) if rng is not None else np.arange(m)\n"),
    # minibatches yields 40 of the m samples an epoch, then empty batches (a3.minibatches'
    # mistake): the held-out run trains on 40 samples and falls far below the bar, but the
    # reference is trained on the same batches and the empty ones are not passed to sgd_epoch,
    # so a correct sgd_epoch keeps its points (deterministic: rng is used)
    ("optim.py", "    order = rng.permutation(m) if rng",
     "    order = rng.permutation(m)[:40] if rng"),
    # every batch drawn with replacement from the first 40 samples (the same, without empties)
    ("optim.py", "    order = rng.permutation(m) if rng",
     "    order = rng.integers(0, 40, m) % m if rng"),
]  # fmt: skip


@pytest.mark.parametrize(("file", "old", "new"), SGD_INDEPENDENT)
def test_sgd_epoch_does_not_pay_for_weight_decay_or_minibatches(
    tmp_path: Path, file: str, old: str, new: str
) -> None:
    sub = _mutated(tmp_path, "a3", file, old, new)
    (task,) = grade(sub, "a3", ["a3.sgd_epoch"]).tasks
    assert task.points == task.max_points, task.message_en


def test_sgd_epoch_checks_the_lambda_it_passes(tmp_path: Path) -> None:
    """λ 没有乘 |B|/m：只有 λ 用例失败，提示点名 / λ passed without |B|/m: named."""
    sub = _mutated(tmp_path, "a3", "training.py", "loss, lam * idx.size / m)", "loss, lam)")
    (task,) = grade(sub, "a3", ["a3.sgd_epoch"]).tasks
    assert 0 < task.points < task.max_points
    assert "sgd_lam_unscaled" in task.hints and "the λ passed to model.loss" in task.message_en


def test_pretraining_names_a_failing_dae(tmp_path: Path) -> None:
    """DAE 的编码器读干净的 x：预训练注明依赖，而不说步骤错 / The cause is named."""
    sub = _mutated(tmp_path, "a4", "autoencoder.py", "mlp_forward(X * mask,", "mlp_forward(X,")
    (task,) = grade(sub, "a4", ["a4.pretraining"]).tasks
    assert task.points == 0
    assert task.hints[0] == "blocked_by_dependency" and "pretrain_replay" not in task.hints
    assert "blocked by your autoencoder.dae_forward" in task.message_en and "a4.dae" in (
        task.message_en
    )
    assert "依赖的 autoencoder.dae_forward 未通过" in task.message_zh


def test_dbn_names_a_failing_cd1(tmp_path: Path) -> None:
    sub = _mutated(tmp_path, "a4", "rbm.py", "    dW = (V.T @ p_h0 - p_v1.T @ p_h1) / m\n",
                   "    dW = (p_v1.T @ p_h1 - V.T @ p_h0) / m\n")  # fmt: skip
    (task,) = grade(sub, "a4", ["a4.dbn"]).tasks
    assert task.points == 0 and task.hints == ["blocked_by_dependency"]
    assert "blocked by your rbm.cd1_gradients" in task.message_en


# --- the spec additions ------------------------------------------------------------------
def _fake(answer: Any) -> FakeContext:
    """学生的桩函数（或例程）就是 ``answer(*args)`` / The stub (or routine) is ``answer``."""
    return FakeContext(lambda _name, *args: answer(*args), seed=3)


def _layers_spec(**extra: Any) -> Spec:
    """每层一个输出的规格（层数随输入变化）/ A spec with one output per layer (1–3 layers)."""
    return Spec(
        "a3.weight_decay",
        checked=Text("每层", "per layer"),
        cases=(
            Cases(
                "losses.weight_decay",
                Text("用例", "case"),
                lambda d: {"Ws": [d.rng.normal(size=(2, 2)) for _ in range(d.k + 1)]},
                oracle=lambda v: [2 * W for W in v.Ws],
                outputs=lambda v: tuple(Out(f"W{i}", pick=i) for i in range(len(v.Ws))),
                args=("Ws",),
                mistakes={"missing_half": lambda v: list(v.Ws)},
                n=3,
                **extra,
            ),
        ),
    )


def test_outputs_may_depend_on_the_inputs() -> None:
    right = _layers_spec().check(_fake(lambda Ws: [2 * W for W in Ws]))
    assert [c.passed for c in right] == [True, True, True]
    assert [len(c.comparisons) for c in right] == [1, 2, 3]
    named = _layers_spec().check(_fake(lambda Ws: list(Ws)))
    assert all(not c.passed and set(c.hints) == {"missing_half"} for c in named)


def test_fallback_hint_only_when_no_mistake_matched() -> None:
    spec = _layers_spec(review=fallback("norms_setup"))
    other = spec.check(_fake(lambda Ws: [3 * W for W in Ws]))
    assert all(c.hints == ["norms_setup"] for c in other)
    named = spec.check(_fake(lambda Ws: list(Ws)))
    assert all(set(c.hints) == {"missing_half"} for c in named)
    assert all(c.passed and not c.hints for c in spec.check(_fake(lambda Ws: [2 * W for W in Ws])))


def test_routine_mutated_fails_a_right_answer() -> None:
    note = Text("dout 被就地修改", "dout was modified in place")
    spec = Spec(
        "a4.residual",
        checked=Text("例程", "routine"),
        cases=(
            Cases(
                "residual.residual_backward",
                Text("反向", "backward"),
                lambda d: {"x": d.rng.normal(size=3)},
                oracle=lambda v: {"result": 2 * v.x},
                outputs=(Out("r", pick="result"),),
                args=("x",),
                routine="residual_backward",
                review=routine_mutated(note),
            ),
        ),
    )
    (ok,) = spec.check(_fake(lambda x: {"result": 2 * x, "mutated": False}))
    (bad,) = spec.check(_fake(lambda x: {"result": 2 * x, "mutated": True}))
    assert ok.passed and not bad.passed and bad.hints == ["inplace"] and bad.note == note


def test_a_blocked_example_cites_the_smallest_failing_task() -> None:
    """例题2 被 a3.momentum 阻塞，而不是被同样被阻塞的例题3 / Cite the root cause only."""
    tasks = [get(t) for t in ("a3.momentum", "a3.weight_decay", "a3.example2", "a3.example3")]
    failed = {"a3.momentum", "a3.example2", "a3.example3"}
    results = [
        TaskResult(t.id, "", "", 0.0 if t.id in failed else 3.0, 3.0,
                   "failed" if t.id in failed else "passed", "", "", "", "")
        for t in tasks
    ]  # fmt: skip
    engine.name_dependencies(results, tasks)
    by_id = {r.id: r for r in results}
    for example in ("a3.example2", "a3.example3"):
        assert by_id[example].hints == ["blocked_by_dependency"]
        assert (
            by_id[example].message_en == " blocked by your optim.momentum_update (see a3.momentum)."
        )
    assert not by_id["a3.momentum"].hints and not by_id["a3.weight_decay"].message_en


def test_a_regrade_of_global_random_code_gives_the_same_report(tmp_path: Path) -> None:
    """用 np.random 的提交重评结果不变 / Code that draws from np.random is graded the same way
    every time: the worker's global generator is seeded from the task's seed. Here sgd_epoch
    adds a draw of np.random to the loss it returns, so a3.sgd_epoch's message states a
    relative error that changes with every draw unless the draws are reproducible."""
    sub = _mutated(tmp_path, "a3", "training.py", "    return total / m\n",
                   "    return total / m + np.random.random()\n")  # fmt: skip
    ids = ["a3.sgd_epoch"]
    runs = [[(t.points, t.message_en) for t in grade(sub, "a3", ids).tasks] for _ in range(3)]
    # the in-process runner (the bank, the reference check) seeds the same way as the sandbox
    trusted = engine.grade_submission(sub, "a3", tasks=ids, in_process=True).tasks
    runs.append([(t.points, t.message_en) for t in trusted])
    assert runs[0] == runs[1] == runs[2] == runs[3]
    ((points, message),) = runs[0]
    assert points < 4 and "relative error" in message, message
