"""参考答案在许多学号下都满分 / The reference keeps full marks under many student ids.

Issue 9 ("no correct work loses a point"): the reference solution runs through every task of
every suite — the training tasks included, each judged against the nncore reference trained
on the same seed and data — for 100 student ids (``NNKIT_REFERENCE_IDS``), shared out over two
processes (in process: :mod:`grader.inprocess`, the kit's own code). The full 1,000-id run is
``python -m grader.reference_check --ids 1000``. Cost: about 3.4 s of CPU per id (all 39 tasks,
in process, measured with the table's student/grader columns at load 10; 4.1 s before the
driver stopped re-resolving every module's path on every replayed call), so about 340 s of CPU
for the 100 ids, shared by two processes. Earlier figure, six engineers testing (load 11–21):
1,389 s wall, 306 s of CPU.
"""

from __future__ import annotations

import os

from grader.reference_check import table, worst_case
from grader.registry import all_tasks
from grader.suites.settings import BY_TASK

IDS = int(os.environ.get("NNKIT_REFERENCE_IDS", "100"))


def test_reference_full_marks_every_task() -> None:
    """每个任务、每个学号都满分 / Full marks on every task for every id."""
    worst = worst_case(IDS, jobs=2)
    assert set(worst) == {t.id for t in all_tasks()}, table(worst, IDS)
    losing = {t: w["losing"][:5] for t, w in worst.items() if w["ids_losing"]}
    assert losing == {}, table(worst, IDS)
    # every training task really made its threshold decision for every id, on the passing side
    for task_id in BY_TASK:
        w = worst[task_id]
        assert w["decisions"] >= IDS, (task_id, w)
        assert w["headroom"] >= 0, (task_id, w)


def test_cpu_split_student_and_grader() -> None:
    """每个任务的 CPU 分为学生端与评分端 / Each task's CPU is split into the student's side (inside
    the runner's calls) and the grader's side; both are counted and the table shows them."""
    worst = worst_case(2, assignments=("a1",), jobs=1)
    assert worst, worst
    for task_id, w in worst.items():
        assert 0.0 < w["student_cpu"] <= w["cpu"], (task_id, w)
    text = table(worst, 2)
    assert "student" in text.splitlines()[0] and "grader" in text.splitlines()[0]
