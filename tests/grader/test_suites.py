"""参考答案满分、学生版 0 分、确定性 / Reference full marks, release zero, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest
from grading_helpers import ROOT, grade, release_dir

from grader import manifest
from grader.registry import tasks_for

SUITES = [a for a in ("a1", "a2", "a3", "a4") if tasks_for(a)]


@pytest.mark.parametrize("assignment", SUITES)
def test_reference_scores_full_marks(assignment: str) -> None:
    """solutions/ 在每个任务上满分 / The reference solution gets full marks on every task."""
    report = grade(ROOT / "solutions" / assignment, assignment)
    bad = [(t.id, t.status, t.message_en) for t in report.tasks if t.points != t.max_points]
    assert not bad
    assert report.total == report.max_total > 0


@pytest.mark.parametrize("assignment", SUITES)
def test_release_scores_zero_with_messages(assignment: str, tmp_path: Path) -> None:
    """未改动的学生版 0 分且有清楚的双语消息 / The release scores 0 with clear zh/en messages."""
    report = grade(release_dir(assignment, tmp_path), assignment)
    for t in report.tasks:
        assert t.points == 0, t.id
        assert t.status == "not_implemented", (t.id, t.message_en)
        assert "NotImplementedError" in t.message_en and "尚未实现" in t.message_zh


def test_every_auto_task_of_the_manifest_has_a_check() -> None:
    """清单中的自动评分任务都在登记表中 / Every auto task of the manifest is registered."""
    for a in SUITES:
        auto = {t.id for t in manifest.get(a).tasks if t.kind == "auto"}
        assert auto == {t.id for t in tasks_for(a)}


def test_deterministic(tmp_path: Path) -> None:
    """同一提交两次得分相同 / The same submission gets the same score and messages twice."""
    from grader import demo_submissions

    sub = demo_submissions.with_mistakes("a2", ("transposed_w", "nan"), tmp_path / "s")
    tasks = ["a2.dense_backward", "a2.loss_mse", "a2.mlp_backward"]
    a, b = grade(sub, "a2", tasks), grade(sub, "a2", tasks)
    assert [(t.points, t.message_en, t.cases) for t in a.tasks] == [
        (t.points, t.message_en, t.cases) for t in b.tasks
    ]


def test_seeds_differ_between_students(tmp_path: Path) -> None:
    """不同学生的隐藏输入不同 / Hidden inputs are seeded per student."""
    from grader.engine import task_seed

    assert task_seed("s1", "a2.dense_forward") != task_seed("s2", "a2.dense_forward")
    assert task_seed("s1", "a2.dense_forward") == task_seed("s1", "a2.dense_forward")
    # … and per submission content: a resubmission gets new hidden inputs
    a = task_seed("s1", "a2.dense_forward", content="x")
    assert a != task_seed("s1", "a2.dense_forward", content="y")
    assert a == task_seed("s1", "a2.dense_forward", content="x")


def test_grading_seeds_every_task_with_the_submission_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """评分时的种子含提交内容 / The engine seeds each task with the submission's content: the
    same student resubmitting (one comment changed) gets other hidden inputs, the same files
    the same ones; the kit's own copied files never count."""
    from grader import demo_submissions, engine

    seeds: list[tuple[str, str, int]] = []
    original = engine.task_seed

    def spy(student: str, task_id: str, salt_text: str | None = None, content: str = "") -> int:
        seed = original(student, task_id, salt_text, content)
        seeds.append((student, task_id, seed))
        return seed

    monkeypatch.setattr(engine, "task_seed", spy)
    sub = demo_submissions.reference("a1", tmp_path / "s1")
    tasks = ["a1.relu", "a1.tlu"]
    for _ in range(2):  # the same files twice
        engine.grade_submission(sub, "a1", tasks=tasks, in_process=True)
    with open(sub / "activations.py", "a", encoding="utf-8") as fh:
        fh.write("\n# resubmitted\n")
    engine.grade_submission(sub, "a1", tasks=tasks, in_process=True)
    first, again, changed = seeds[0:2], seeds[2:4], seeds[4:6]
    assert [s[:2] for s in first] == [("s1", t) for t in tasks]
    assert again == first
    assert all(c[2] != f[2] for c, f in zip(changed, first, strict=True)), (first, changed)
    assert {s[2] for s in first} != {original("s1", t) for t in tasks}  # content is in the seed
