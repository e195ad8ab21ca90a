"""nbgrader 端到端：真实 nbgrader + 桥接 / nbgrader end to end, with the real nbgrader.

One course in a temp folder (its own ``nbgrader_config.py`` and gradebook) receives the kit's
a1 through ``python -m grader nbgrader setup`` (nbgrader ``generate_assignment``), four
submissions, then ``autograde``, ``feedback`` and ``export`` through the kit's command line:

* ``s0_broken`` — the reference modules with a notebook that is not JSON (runs first);
* ``s1_ref`` — the reference solution (``solutions/a1``);
* ``s2_release`` — the untouched release (``assignments/a1``);
* ``s3_cheat`` — wrong ``tanh``/``leaky_relu`` plus ``numpy.allclose = lambda …: True`` in its
  module, which fools the notebook's tests in the student's kernel.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from grader import manifest
from grader import nbgrader_bridge as bridge
from grader.release.build import IGNORE, ROOT

AID = "a1"
A = manifest.get(AID)
STUDENTS = ("s0_broken", "s1_ref", "s2_release", "s3_cheat")
CHEAT = """

np.allclose = lambda *args, **kwargs: True  # cheat: every comparison "passes"


def tanh(z):
    return np.zeros_like(np.asarray(z, dtype=float))


def tanh_derivative(z):
    return np.zeros_like(np.asarray(z, dtype=float))


def leaky_relu(z, slope=0.01):
    return np.zeros_like(np.asarray(z, dtype=float))


def leaky_relu_derivative(z, slope=0.01):
    return np.zeros_like(np.asarray(z, dtype=float))
"""
CHEATED = ("a1_tanh", "a1_leaky_relu")  # cells whose kernel tests only use np.allclose


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m grader …`` in a child process / Run the kit's command line."""
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def grades(course: Path) -> dict[str, dict[str, Any]]:
    """成绩库中的分数 / student -> cell -> (score, auto, manual, needs_manual) from sqlite."""
    import sqlite3

    con = sqlite3.connect(course / "gradebook.db")
    rows = con.execute(
        "select sa.student_id, c.name, g.auto_score, g.manual_score, g.needs_manual_grade "
        "from grade g join base_cell c on g.cell_id = c.id "
        "join submitted_notebook n on g.notebook_id = n.id "
        "join submitted_assignment sa on n.assignment_id = sa.id"
    ).fetchall()
    comments = dict(
        ((s, c), t)
        for s, c, t in con.execute(
            "select sa.student_id, c.name, m.auto_comment from comment m "
            "join base_cell c on m.cell_id = c.id "
            "join submitted_notebook n on m.notebook_id = n.id "
            "join submitted_assignment sa on n.assignment_id = sa.id"
        )
    )
    con.close()
    out: dict[str, dict[str, Any]] = {}
    for s, cell, auto, manual, needs in rows:
        score = manual if manual is not None else (auto if auto is not None else 0.0)
        out.setdefault(s, {})[cell] = {
            "score": score,
            "auto": auto,
            "manual": manual,
            "needs_manual": bool(needs),
            "comment": comments.get((s, cell)),
        }
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """整条流程跑一次 / Run the whole flow once; the tests below inspect its results."""
    root = tmp_path_factory.mktemp("course")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{root / 'gradebook.db'}'\n"
        "c.CourseDirectory.course_id = 'nn-course'\n",
        encoding="utf-8",
    )
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    setup = cli("nbgrader", "setup", "--course", str(root), "-a", AID, cwd=root)
    times["setup"] = time.perf_counter() - t0
    assert setup.returncode == 0, setup.stdout + setup.stderr

    sub = root / "submitted"
    src, rel = ROOT / "solutions" / A.folder, ROOT / "assignments" / A.folder
    shutil.copytree(src, sub / "s0_broken" / AID, ignore=IGNORE)
    (sub / "s0_broken" / AID / A.notebook).write_text('{"cells": [ not json', encoding="utf-8")
    shutil.copytree(src, sub / "s1_ref" / AID, ignore=IGNORE)
    shutil.copytree(rel, sub / "s2_release" / AID, ignore=IGNORE)
    shutil.copytree(rel, sub / "s3_cheat" / AID, ignore=IGNORE)
    with (sub / "s3_cheat" / AID / "activations.py").open("a", encoding="utf-8") as fh:
        fh.write(CHEAT)

    t0 = time.perf_counter()
    auto = cli("nbgrader", "autograde", "--course", str(root), "-a", AID, "-j", "2", cwd=root)
    times["autograde"] = time.perf_counter() - t0
    assert auto.returncode == 0, auto.stdout + auto.stderr
    t0 = time.perf_counter()
    feedback = cli("nbgrader", "feedback", "--course", str(root), "-a", AID, cwd=root)
    times["feedback"] = time.perf_counter() - t0
    export = cli("nbgrader", "export", "--course", str(root), "--out", "grades.csv", cwd=root)
    print("timings / 用时 (s):", {k: round(v, 1) for k, v in times.items()})
    return {
        "root": root,
        "autograde": auto,
        "feedback": feedback,
        "export": export,
        "outcomes": {
            o["student"]: o
            for o in json.loads((root / "nnkit_reports" / AID / "bridge.json").read_text())
        },
        "reports": {
            s: json.loads((root / "nnkit_reports" / AID / s / "report.json").read_text())
            for s in STUDENTS
        },
        "grades": grades(root),
    }


def test_commands_succeed(course: dict[str, Any]) -> None:
    """自动评分完成（一个笔记本坏了也不中止）/ autograde completes despite the broken notebook."""
    for step in ("feedback", "export"):
        r = course[step]
        assert r.returncode == 0, f"{step}: {r.stdout}\n{r.stderr}"
    assert "s0_broken" in course["autograde"].stdout
    # setup: nbgrader's release (.py copied verbatim, with solutions) replaced by the kit's build
    for name in bridge.module_files(A):
        released = (course["root"] / "release" / AID / name).read_bytes()
        assert released == (ROOT / "assignments" / A.folder / name).read_bytes()
        assert b"BEGIN SOLUTION" not in released


def test_broken_notebook_does_not_abort_the_batch(course: dict[str, Any]) -> None:
    """坏笔记本只影响该生的笔记本 / A corrupt notebook costs that student's notebook only."""
    root, out = course["root"], course["outcomes"]
    assert list(out) == list(STUDENTS)  # the broken one went first, the rest followed
    assert out["s0_broken"]["nbgrader"] == "failed"
    assert "NotJSONError" in out["s0_broken"]["nbgrader_error"]
    for s in STUDENTS[1:]:
        assert out[s]["nbgrader"] == "ok", out[s]
        assert (root / "autograded" / s / AID / A.notebook).is_file()
        # nbgrader really ran the notebook in the kernel: every autograded cell has auto_score
        assert all(course["grades"][s][c]["auto"] is not None for c in bridge.auto_cells(A))
    # ... and the broken student still has every module task scored by the trusted grader
    g = course["grades"]["s0_broken"]
    for cid, task in bridge.auto_cells(A).items():
        assert g[cid]["auto"] is None  # nbgrader never scored it
        assert g[cid]["score"] == task.points
    assert course["reports"]["s0_broken"]["total"] == course["reports"]["s0_broken"]["max_total"]


def test_gradebook_scores_are_the_trusted_graders(course: dict[str, Any]) -> None:
    """成绩库分数 = 可信评分器的分数 / Every autograded cell holds the trusted grader's points."""
    for s in STUDENTS:
        pts = {t["id"]: t["points"] for t in course["reports"][s]["tasks"]}
        for cid, task in bridge.auto_cells(A).items():
            cell = course["grades"][s][cid]
            assert cell["manual"] == pytest.approx(pts[task.id]), (s, cid)
            assert cell["score"] == pytest.approx(pts[task.id]), (s, cid)
            assert not cell["needs_manual"], (s, cid)
            assert cell["comment"].startswith("[nnkit 可信评分 / trusted grader]"), (s, cid)
    ref, rel = course["grades"]["s1_ref"], course["grades"]["s2_release"]
    for cid, task in bridge.auto_cells(A).items():
        assert ref[cid]["score"] == task.points
        assert rel[cid]["score"] == 0.0


def test_allclose_cheater_gets_no_unearned_points(course: dict[str, Any]) -> None:
    """重定义 np.allclose 骗过内核测试，但分数来自可信评分器 / The cheat fools the kernel only."""
    g = course["grades"]["s3_cheat"]
    for cid in CHEATED:
        points = A.task(cid.replace("_", ".", 1)).points
        assert g[cid]["auto"] == points  # nbgrader's kernel tests were fooled ...
        assert g[cid]["score"] == 0.0  # ... the gradebook holds the trusted 0
    assert (
        sum(g[c]["score"] for c in bridge.auto_cells(A)) == course["reports"]["s3_cheat"]["total"]
    )
    assert course["reports"]["s3_cheat"]["total"] == 0.0


def test_written_answers_left_for_tas(course: dict[str, Any]) -> None:
    """思考题由助教评分 / Manual cells are not touched by the bridge."""
    manual = [manifest.cell_id(t.id) for t in A.tasks if t.kind == "manual"]
    assert manual
    for s in STUDENTS:
        for cid in manual:
            assert course["grades"][s][cid]["manual"] is None
    assert course["grades"]["s0_broken"][manual[0]]["needs_manual"]


def test_autograded_modules_are_the_students(course: dict[str, Any]) -> None:
    """autograded/ 中的 .py 是学生的，不是教师的 / exclude_overwriting keeps the student's .py."""
    root = course["root"]
    for s in STUDENTS[1:]:
        assert course["outcomes"][s]["modules_kept"] is True
        for name in bridge.module_files(A):
            got = (root / "autograded" / s / AID / name).read_bytes()
            assert got == (root / "submitted" / s / AID / name).read_bytes(), (s, name)
            if s != "s1_ref":  # a stub or a cheat: differs from the instructor's source
                assert got != (root / "source" / AID / name).read_bytes(), (s, name)
    assert bridge.load_config(root, A).Autograde.exclude_overwriting == {
        AID: sorted(bridge.module_files(A))
    }


def test_export_one_row_per_student(course: dict[str, Any]) -> None:
    """导出 CSV：每个学生一行 / The export has one row per student, totals from the gradebook."""
    with (course["root"] / "grades.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["student"] for r in rows] == list(STUDENTS)
    for r in rows:
        assert float(r[f"{AID}.total"]) == course["reports"][r["student"]]["total"]
        assert float(r[f"{AID}.max"]) == sum(t.points for t in A.tasks)
        for cid in bridge.auto_cells(A):
            assert f"{AID}.{cid}" in r


def test_feedback_has_no_hidden_tests_and_the_trusted_report(course: dict[str, Any]) -> None:
    """反馈：无隐藏测试，附可信报告 / Feedback shows no hidden test and carries the report."""
    root = course["root"]
    for s in STUDENTS:
        fb = root / "feedback" / s / AID
        assert (fb / bridge.REPORT_IN_FEEDBACK).is_file()
        html = fb / f"{Path(A.notebook).stem}.html"
        assert html.is_file() == (s != "s0_broken")
        for page in fb.glob("*.html"):
            assert not bridge.feedback_leaks(page.read_text(encoding="utf-8")), page
    # the source notebook itself has no hidden test
    assert bridge.hidden_test_problems(root / "source" / AID) == []


def test_feedback_with_a_hidden_test_is_deleted(course: dict[str, Any]) -> None:
    """若笔记本出现隐藏测试，反馈被删除并报错 / A feedback page showing one is removed."""
    root = course["root"]
    path = root / "autograded" / "s2_release" / AID / A.notebook
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "a1_tanh")
    cell.source += "\n### BEGIN HIDDEN TESTS\nassert tanh(0.0) == 0.0\n### END HIDDEN TESTS"
    path.chmod(0o644)
    nbformat.write(nb, path)
    r = cli("nbgrader", "feedback", "--course", str(root), "-a", AID, "-s", "s2_release", cwd=root)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "a1.html" in r.stderr
    assert not (root / "feedback" / "s2_release" / AID / "a1.html").exists()


def test_hidden_tests_in_the_source_are_refused(course: dict[str, Any], tmp_path: Path) -> None:
    """源笔记本含隐藏测试：拒绝自动评分 / autograde refuses a source with hidden tests."""
    root = tmp_path / "c"
    shutil.copytree(course["root"] / "source", root / "source")
    shutil.copy(course["root"] / "gradebook.db", root / "gradebook.db")
    nb_path = root / "source" / AID / A.notebook
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[-1].source += "\n### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS"
    nbformat.write(nb, nb_path)
    with pytest.raises(bridge.BridgeError, match="hidden test"):
        bridge.autograde(root, AID)
    assert not (root / "autograded").exists()
