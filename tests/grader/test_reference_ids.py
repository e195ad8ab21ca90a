"""参考答案在许多学号下都满分 / The reference keeps full marks under many student ids.

Issue 9 ("no correct work loses a point"): the reference solution runs through every task of
every suite for many student ids (in process: :mod:`grader.inprocess`, the kit's own code).
The closed-form tasks run for 100 ids (``NNKIT_REFERENCE_IDS``), the training tasks — judged
against the nncore reference trained on the same seed and data — for a few
(``NNKIT_REFERENCE_TRAINING_IDS``, default 2: each id trains five networks twice). The full
1,000-id run is ``python -m grader.reference_check --ids 1000``.
"""

from __future__ import annotations

import os

from grader.reference_check import worst_case
from grader.registry import all_tasks
from grader.suites import oracles
from grader.suites.settings import BY_TASK

IDS = int(os.environ.get("NNKIT_REFERENCE_IDS", "100"))
TRAINING_IDS = int(os.environ.get("NNKIT_REFERENCE_TRAINING_IDS", "2"))


def _losing(n_ids: int, tasks: list[str]) -> dict[str, dict[str, float]]:
    oracles.warm()
    worst = worst_case(n_ids, tasks=tasks)
    return {t: w for t, w in worst.items() if w["ids_losing"]}


def test_reference_full_marks_closed_form_tasks() -> None:
    """闭式任务：每个学号都满分 / Closed-form tasks: full marks for every id."""
    tasks = [t.id for t in all_tasks() if t.id not in BY_TASK]
    assert len(tasks) >= 25
    assert _losing(IDS, tasks) == {}


def test_reference_full_marks_training_tasks() -> None:
    """训练任务：每个学号都满分 / Training tasks: full marks for every id."""
    assert _losing(TRAINING_IDS, list(BY_TASK)) == {}
