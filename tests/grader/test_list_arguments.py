"""列表参数：改数组算就地修改，往列表里放新数组不算 / List arguments: changing a given array is
an in-place modification; putting a new array into the caller's list is not.

``gradient_descent_update(params, grads, lr)`` may be written ``params[i] = params[i] − lr ·
grads[i]; return params``: every array it was given stays as it was, and its docstring asks
only for new arrays. Both the hidden suite (the driver's echo of the arguments) and the
public tests (``selfcheck.call``) judged it a modification of the inputs. Now both compare
the array objects that were passed, so that version keeps its points, while ``params[i] −=
…`` (which changes the caller's array) still fails, in both.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from grading_helpers import grade

from grader import demo_submissions

REF = "    return [p - lr * g for p, g in zip(params, grads, strict=True)]\n"
REPLACES = "    for i in range(len(params)):\n        params[i] = params[i] - lr * grads[i]\n    return params\n"
IN_PLACE = (
    "    for i in range(len(params)):\n        params[i] -= lr * grads[i]\n    return params\n"
)
SELFCHECK = Path(__file__).resolve().parents[2] / "grader/release/templates/selfcheck.py"


def _submission(tmp: Path, body: str) -> Path:
    sub = demo_submissions.reference("a2", tmp / "s")
    demo_submissions.apply(sub, (demo_submissions.Patch("optim.py", REF, body),))
    return sub


def test_hidden_suite_allows_new_arrays_in_the_callers_list(tmp_path: Path) -> None:
    (task,) = grade(_submission(tmp_path, REPLACES), "a2", ["a2.gd_update"]).tasks
    assert task.points == task.max_points, task.message_en


def test_hidden_suite_still_fails_a_changed_array(tmp_path: Path) -> None:
    (task,) = grade(_submission(tmp_path, IN_PLACE), "a2", ["a2.gd_update"]).tasks
    assert task.points < task.max_points and "inplace" in task.hints, task.message_en


def _selfcheck():  # the public tests' helper module, as the students get it
    spec = importlib.util.spec_from_file_location("selfcheck_under_test", SELFCHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _replaces(params: list[np.ndarray], lr: float) -> list[np.ndarray]:
    for i in range(len(params)):
        params[i] = params[i] - lr
    return params


def _in_place(params: list[np.ndarray], lr: float) -> list[np.ndarray]:
    for p in params:
        p -= lr
    return params


def test_public_call_allows_new_arrays_in_the_list_and_fails_a_changed_array() -> None:
    sc = _selfcheck()
    params = [np.ones(2), np.zeros((2, 2))]
    out = sc.call(_replaces, params, 0.5)
    assert out is params and np.array_equal(params[0], [0.5, 0.5])
    with pytest.raises(sc.CheckFailed, match="modified argument 1 in place"):
        sc.call(_in_place, [np.ones(2), np.zeros((2, 2))], 0.5)
