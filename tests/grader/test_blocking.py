"""哪些任务阻碍了哪些任务：来自真实的依赖失败 / Which tasks block which, from real failures.

The grader records, per student and task, the tasks whose failure blocked it (``blocked_by``
in report.json, signed with the rest); the class report counts, per pair (A blocks B), the
students whose B was blocked by their A. Checked on graded submissions: the reference and
planted one-line mistakes, each under several student ids, so the expected counts are known
by construction (a mistake planted in A's function can only block tasks through A).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from grader import demo_submissions
from grader.batch import _done, output_key, write_report
from grader.engine import grade_submission
from grader.suites import oracles
from grader.summary import build, render

TASKS = ["a2.dense_forward", "a2.mlp_backward", "a2.gd_update", "a2.example1", "a2.exercise"]
#: name -> (the task the mistake is in, patches): one mistake each
MISTAKES = {
    "delta_no_fprime": (
        "a2.mlp_backward",
        [("mlp.py", "            delta = activation_backward(da, caches[l - 1][1])\n",
          "            delta = da\n")],
    ),
    "gd_sign": (
        "a2.gd_update",
        [("optim.py", "    return [p - lr * g for p, g in zip(params, grads, strict=True)]\n",
          "    return [p + lr * g for p, g in zip(params, grads, strict=True)]\n")],
    ),
    "forgot_bias": ("a2.dense_forward", [("layers.py", "    z = a @ W + b\n", "    z = a @ W\n")]),
}  # fmt: skip
#: students: (id, mistake or None)
STUDENTS = [
    ("ref-1", None),
    ("ref-2", None),
    ("fprime-1", "delta_no_fprime"),
    ("fprime-2", "delta_no_fprime"),
    ("fprime-3", "delta_no_fprime"),
    ("sign-1", "gd_sign"),
    ("sign-2", "gd_sign"),
    ("bias-1", "forgot_bias"),
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """每个学生的 report.json 数据（进程内评分：本套件自己的代码）/ Each student's report data."""
    oracles.warm()
    tmp = tmp_path_factory.mktemp("blocking")
    out = []
    for student, mistake in STUDENTS:
        sub = demo_submissions.reference("a2", tmp / student)
        if mistake:
            patches = MISTAKES[mistake][1]
            demo_submissions.apply(sub, tuple(demo_submissions.Patch(*p) for p in patches))
        report = grade_submission(sub, "a2", student=student, tasks=TASKS, in_process=True)
        out.append(report.to_json())
    return out


def test_each_failed_task_names_exactly_the_planted_cause(reports: list[dict[str, Any]]) -> None:
    """被阻碍的任务记录的正是植入错误所在的任务 / ``blocked_by`` is the planted mistake's task."""
    for (student, mistake), r in zip(STUDENTS, reports, strict=True):
        by = {t["id"]: t for t in r["tasks"]}
        assert all("blocked_by" in t for t in r["tasks"])
        if mistake is None:
            assert r["total"] == r["max_total"] and not any(t["blocked_by"] for t in r["tasks"])
            continue
        cause = MISTAKES[mistake][0]
        assert by[cause]["points"] < by[cause]["max_points"] and by[cause]["blocked_by"] == []
        for t in r["tasks"]:
            if t["id"] == cause:
                continue
            lost = t["points"] < t["max_points"]
            assert t["blocked_by"] == ([cause] if lost else []), (student, t["id"])
            assert (f"see {cause}" in t["message_en"]) == lost, (student, t["id"])


def test_class_report_counts_each_pair_exactly(reports: list[dict[str, Any]]) -> None:
    """每对 (A 阻碍 B) 的人数 = 植入 A 的错误且 B 失分的学生数 / Exact counts per pair."""
    expected: dict[tuple[str, str], int] = {}
    for (_, mistake), r in zip(STUDENTS, reports, strict=True):
        if mistake is None:
            continue
        cause = MISTAKES[mistake][0]
        for t in r["tasks"]:
            if t["id"] != cause and t["points"] < t["max_points"]:
                expected[(cause, t["id"])] = expected.get((cause, t["id"]), 0) + 1
    s = build("a2", reports)
    got = {(b["blocker"], b["blocked"]): b["students"] for b in s["blocks"]}
    assert got == expected
    # the planted mistakes really block: 例题1 needs the student's backprop (3 students) and
    # gradient-descent update (2); a missing bias is judged by dense_forward alone (no pair)
    assert got == {("a2.mlp_backward", "a2.example1"): 3, ("a2.gd_update", "a2.example1"): 2}
    first = s["blocks"][0]
    assert first == {
        "blocker": "a2.mlp_backward",
        "blocked": "a2.example1",
        "students": 3,
        "percent": round(100 * 3 / len(STUDENTS), 1),
        "lost_blocker": 3,
    }
    assert s["blocks_without_data"] == 0
    html = render(s, {})
    assert "<code>a2.mlp_backward</code></td><td><code>a2.example1</code></td>" in html
    assert "Which tasks block which" in html and "哪些任务阻碍了哪些任务" in html


def test_reports_from_before_the_field_are_counted_apart(reports: list[dict[str, Any]]) -> None:
    """旧报告（无 blocked_by）不猜测，单独计数 / Old reports are not guessed: counted apart."""
    old = json.loads(json.dumps(reports))
    for r in old[2:5]:  # the three fprime students, as graded before the field existed
        for t in r["tasks"]:
            del t["blocked_by"]
    s = build("a2", old)
    assert s["blocks"] == [{**build("a2", reports)["blocks"][1], "percent": 25.0}]
    assert s["blocks_without_data"] == 3
    assert "3 report(s) were graded before dependencies were recorded" in render(s, {})


def test_blocked_by_is_signed_and_an_old_report_still_resumes(
    reports: list[dict[str, Any]], tmp_path: Path
) -> None:
    """blocked_by 在签名内；旧格式的报告仍可续跑 / The field is signed; old reports resume."""
    key = output_key(tmp_path)
    sub = demo_submissions.reference("a2", tmp_path / "subs" / "fprime-1")
    ids = [t["id"] for t in reports[2]["tasks"]]
    new = write_report(tmp_path, "fprime-1", json.loads(json.dumps(reports[2])), "fp", key)
    path = tmp_path / "fprime-1" / "report.json"
    assert _done(tmp_path, sub, "a2", "fp", ids, key) == new
    forged = json.loads(path.read_text("utf-8"))
    forged["tasks"][3]["blocked_by"] = []
    path.write_text(json.dumps(forged), "utf-8")
    assert _done(tmp_path, sub, "a2", "fp", ids, key) is None  # the signature covers the field
    old = json.loads(json.dumps(reports[2]))
    for t in old["tasks"]:
        del t["blocked_by"]
    write_report(tmp_path, "fprime-1", old, "fp", key)
    assert _done(tmp_path, sub, "a2", "fp", ids, key) is not None  # backward compatible
