"""一个错误只扣一个任务（a2）/ One mistake costs one task in a2.

a2's composite tasks are judged on reference-built inputs: ``mlp_backward`` on the reference
forward pass's caches sent as plain data, the student's ``dense_forward``/``dense_backward``
(and, in the 练习题, every stub ``one_update`` calls) answered from tables of the reference's
results, ``gradient_descent_update`` on given gradients. Where a task still needs another of
the student's functions (例题1 calls mlp_forward, mlp_backward and gradient_descent_update),
the report, the nbgrader feedback and the class report name that dependency. Graded in
process (:mod:`grader.inprocess`, the kit's own code), as the bank does.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader import demo_submissions, feedback
from grader.driver import DRIVER_FILE
from grader.engine import Report, grade_submission
from grader.nbgrader_bridge import task_comment
from grader.nbgrader_feedback import summary_markdown
from grader.suites import a2 as suite
from grader.suites import oracles, replay
from grader.summary import build
from nncore.examples.exercise import MAX_SAMPLES, MIN_SAMPLES, parse_samples

ROOT = Path(__file__).resolve().parents[2]
COMPOSITE = ["a2.mlp_forward", "a2.mlp_backward", "a2.example1", "a2.exercise"]


def _grade(tmp: Path, patches: list[tuple[str, str, str]], tasks: list[str]) -> Report:
    """参考答案加若干修改，进程内评分 / The reference with ``patches``, graded in process."""
    oracles.warm()
    sub = demo_submissions.reference("a2", tmp / "sub")
    demo_submissions.apply(sub, tuple(demo_submissions.Patch(*p) for p in patches))
    return grade_submission(sub, "a2", student="collateral-1", tasks=tasks, in_process=True)


def _points(report: Report) -> dict[str, tuple[float, float]]:
    return {t.id: (t.points, t.max_points) for t in report.tasks}


def test_wrong_dense_layers_cost_only_their_own_tasks(tmp_path: Path) -> None:
    """dense_forward 与 dense_backward 都错：只扣这两个任务 / Both dense layers wrong: only they lose."""
    report = _grade(
        tmp_path,
        [
            ("layers.py", "    z = a @ W + b\n", "    z = a @ W\n"),
            ("layers.py", "    dW = a.T @ dz\n", "    dW = dz.T @ a\n"),
        ],
        ["a2.dense_forward", "a2.dense_backward", *COMPOSITE],
    )
    pts = _points(report)
    assert pts["a2.dense_forward"][0] < pts["a2.dense_forward"][1]
    assert pts["a2.dense_backward"][0] < pts["a2.dense_backward"][1]
    for task in COMPOSITE:
        assert pts[task][0] == pts[task][1], (task, pts[task])


def test_a_wrong_call_is_judged_by_the_students_own_function(tmp_path: Path) -> None:
    """与参考不同的调用走学生自己的函数 / A call unlike the reference's runs the student's code.

    mlp_forward passing Wᵀ to a correct dense_forward is not answered by the table: the
    student's own dense_forward computes a Wᵀ + b, and the hint names the transposed W.
    """
    report = _grade(
        tmp_path,
        [("mlp.py", "dense_forward(a, W, b)", "dense_forward(a, W.T, b)")],
        ["a2.mlp_forward"],
    )
    (task,) = report.tasks
    assert task.points < task.max_points and "transposed_w" in task.hints


def test_a_composite_task_names_its_failing_dependency_everywhere(tmp_path: Path) -> None:
    """例题1 点名依赖：报告、nbgrader 反馈、班级报告 / 例题1 names its dependency in every report."""
    report = _grade(
        tmp_path,
        [("mlp.py", "            delta = activation_backward(da, caches[l - 1][1])\n",
          "            delta = da\n")],
        ["a2.mlp_backward", "a2.example1", "a2.exercise"],
    )  # fmt: skip
    by_id = {t.id: t for t in report.tasks}
    assert by_id["a2.mlp_backward"].points == 0 and by_id["a2.exercise"].status == "passed"
    ex1 = by_id["a2.example1"]
    assert ex1.points == 0 and "blocked_by_dependency" in ex1.hints
    assert "依赖的 mlp.backprop, mlp.mlp_backward 未通过（见 a2.mlp_backward）" in ex1.message_zh
    assert "blocked by your mlp.backprop, mlp.mlp_backward (see a2.mlp_backward)" in ex1.message_en
    data = report.to_json()
    # the nbgrader feedback notebook: the summary table and the comment next to the cell
    assert "blocked by your mlp.backprop" in summary_markdown(data, None)
    ex1_json = next(t for t in data["tasks"] if t["id"] == "a2.example1")
    assert "blocked by your mlp.backprop" in task_comment(ex1_json)
    # the class report: the hint counted on 例题1, and the block mlp_backward → example1
    summary = build("a2", [data])
    hint = next(h for h in summary["hints"] if h["code"] == "blocked_by_dependency")
    assert hint["tasks"] == {"a2.example1": 1}
    assert any(
        b["blocker"] == "a2.mlp_backward" and b["blocked"] == "a2.example1"
        for b in summary["blocks"]
    )


# --- the driver's plain-data caches and reference tables -----------------------------------
def _driver(path: Path = DRIVER_FILE) -> dict[str, Any]:
    """驱动的命名空间（从 ``path`` 执行）/ The driver's namespace, executed from ``path``."""
    ns: dict[str, Any] = {"__name__": "_nnkit_driver_test", "__file__": str(path)}
    exec(compile(path.read_text("utf-8"), str(path), "exec"), ns)
    return ns


class _Activation:  # what the student's given activations module holds
    def __init__(self, name: str) -> None:
        self.name = name

    def forward(self, z: np.ndarray) -> np.ndarray:
        return z


def test_parent_and_worker_agree_on_keys_and_masks() -> None:
    """可信端与工作进程的键、掩码一致 / The grader and the driver hash and mask alike."""
    drv = _driver()
    rng = np.random.default_rng(0)
    a, W = rng.uniform(-1, 1, (3, 2)), rng.uniform(-1, 1, (2, 4))
    args = [a, (a, W), ["sigmoid", "tanh"], 0.25, [((a, W), (W, W, {"activation": "relu"}))]]
    student = [
        a,
        [a, W],
        ("sigmoid", "tanh"),
        np.float64(0.25),
        [([a, W], (W, W, _Activation("relu")))],
    ]
    key, seed = replay.replay_key(args)
    worker = drv["_replay"]
    assert worker.replay_key(worker.plain(student)) == (key, seed)
    assert replay.replay_key(student) == (key, seed)
    answer = (1.5, [W, (a, {"activation": "relu"})], "text")
    masked = replay.mask(answer, seed)
    assert not np.array_equal(np.frombuffer(masked[1][0]["nd"], np.float64), W.ravel())
    other = replay.replay_key([a + 1e-12, (a, W), ["sigmoid", "tanh"], 0.25, args[4]])
    assert other[0] != key and other[1] != seed  # a different call: another key, another mask
    assert not np.array_equal(worker.unmask(masked, other[1])[1][0], W)
    back = worker.unmask(masked, seed)
    assert back[0] == 1.5 and back[2] == "text" and back[1][1][1] == {"activation": "relu"}
    np.testing.assert_array_equal(back[1][0], W)
    np.testing.assert_array_equal(back[1][1][0], a)
    assert isinstance(back, tuple) and isinstance(back[1], list)


def test_driver_and_grader_run_one_keys_and_masks_file(tmp_path: Path) -> None:
    """双方用同一个文件 / The sandbox copy's driver loads the very file the grader imports.

    ``prepare_copy`` places the driver and ``_nnkit_replay.py`` beside the submission; the
    copied driver loads the copy beside it (not the grader package), and that copy is
    byte-identical to the module the trusted side imports.
    """
    from grader.driver import KIT_FILES, REPLAY_FILE, _nnkit_replay
    from grader.engine import content_digest, prepare_copy

    sub = demo_submissions.reference("a2", tmp_path / "sub")
    (sub / "_nnkit_replay.py").write_text("def replay_key(args):\n    return 'forged', b''\n")
    digest = content_digest(sub)
    work = tmp_path / "work"
    prepare_copy(sub, work)
    for kit in KIT_FILES:
        assert (work / kit.name).read_bytes() == kit.read_bytes()  # the kit's file wins
    drv = _driver(work / DRIVER_FILE.name)
    assert Path(drv["_replay"].__file__) == work / REPLAY_FILE.name
    assert Path(_nnkit_replay.__file__) == REPLAY_FILE
    assert replay.replay_key is _nnkit_replay.replay_key and replay.mask is _nnkit_replay.mask
    args = [np.arange(6.0).reshape(2, 3), "relu"]
    assert drv["_replay"].replay_key(args) == replay.replay_key(args)
    assert content_digest(work) == digest  # the kit's files never count as the student's


def test_replay_answers_only_the_exact_reference_call() -> None:
    """参考表只回答参考的调用（参数须完全相同）/ Only the exact reference call is answered."""
    drv = _driver()
    a, W, b = np.ones((2, 3)), np.arange(6.0).reshape(3, 2), np.array([0.5, -0.5])
    calls: list[np.ndarray] = []

    def original(a: np.ndarray, W: np.ndarray, b: np.ndarray, scale: float = 1.0) -> str:
        calls.append(a)
        return "original"

    table = replay.replay("layers", "dense_forward", [((a, W, b), ("table", [a, W]))])["table"]
    stand_in = drv["_replaying"](original, table)
    got = stand_in(a.copy(), W=W, b=b)  # keyword form; the trailing default is ignored
    assert got[0] == "table" and not calls
    np.testing.assert_array_equal(got[1][0], a)
    assert stand_in(a * (1 + 1e-15), W, b) == "original" and len(calls) == 1
    assert stand_in(a, W, b + 1e-3) == "original" and len(calls) == 2
    got[1][0][0, 0] = 99.0  # each answer is a fresh copy
    assert stand_in(a, W, b)[1][0][0, 0] == 1.0


# --- the 练习题 sample-size contract: one range everywhere -----------------------------------
def _samples(m: int) -> tuple[np.ndarray, np.ndarray]:
    X = np.linspace(0, 1, 2 * m).reshape(m, 2)
    return X, np.arange(m, dtype=float) % 2


def test_my_samples_contract_is_one_thing_everywhere() -> None:
    """m 的范围：存根说明（中英）、命令行、隐藏测试、公开测试一致 / One m range everywhere."""
    lo, hi = MIN_SAMPLES, MAX_SAMPLES
    # hidden suite and CLI (both nncore.examples.exercise.check_samples)
    for m in (lo, hi):
        assert suite._samples(_samples(m)) is not None
        parse_samples(str(np.column_stack(_samples(m)).tolist()))
    for m in (lo - 1, hi + 1):
        assert suite._samples(_samples(m)) is None
        with pytest.raises(ValueError):
            parse_samples(str(np.column_stack(_samples(m)).tolist()))
    # y must be (m,), as the stub says and the public test checks
    X, y = _samples(lo)
    assert suite._samples((X, y[:, None])) is None
    # the stub's docstring, in the instructor tree and in the release (zh and en in one line)
    for tree in ("solutions", "assignments"):
        src = (ROOT / tree / "a2" / "exercise.py").read_text("utf-8")
        fn = next(
            n
            for n in ast.parse(src).body
            if isinstance(n, ast.FunctionDef) and n.name == "my_samples"
        )
        assert f"{lo} ≤ m ≤ {hi}" in (ast.get_docstring(fn) or ""), tree
    # the hint a student gets for invalid samples (zh and en)
    text = feedback.HINTS["invalid_samples"]
    zh, en = text.zh, text.en
    assert f"{lo} ≤ m ≤ {hi}" in zh and f"{lo} ≤ m ≤ {hi}" in en
    # the public test (numpy + pytest only, so it states the range itself)
    public = (ROOT / "solutions" / "a2" / "tests" / "test_a2_network.py").read_text("utf-8")
    bounds = re.findall(r"if not (\d+) <= Xs\.shape\[0\] <= (\d+):", public)
    assert bounds == [(str(lo), str(hi))]
    assert f"{lo}..{hi}" in public
