"""nbgrader 端到端：真实 nbgrader + 桥接 / nbgrader end to end, with the real nbgrader.

One course in a temp folder (its own ``nbgrader_config.py``, gradebook, exchange, a due date
and ``penalty_method = "zero"``) receives the kit's a1 through ``python -m grader nbgrader
setup``, six submissions with distinct behaviours, then ``autograde``, ``feedback``, nbgrader's
own ``release_feedback`` and ``export`` (the kit's and nbgrader's):

* ``s0_dies_late`` — the reference modules, a written answer, a cell that kills its kernel
  (the notebook fails), submitted late;
* ``s1_ref`` — the reference solution on time; its written answer contains the text
  "BEGIN HIDDEN TESTS";
* ``s2_release`` — the untouched release on time (later resubmitted, complete and late);
* ``s3_hostile`` — wrong ``tanh``/``leaky_relu`` plus ``numpy.allclose = lambda …: True`` in its
  module (fools the notebook's tests in the kernel) and a notebook cell that tries to read
  ``source/`` and to write ``gradebook.db`` and ``s1_ref``'s submitted module;
* ``s4_nested`` — the reference files inside ``a1/a1/``;
* ``s5_late`` — the reference solution, late.

A second run (``rerun``) happens after a TA's work in the gradebook and ``s2_release``'s late
resubmission. The last tests press formgrader's buttons (the same nbgrader commands).
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sqlite3
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
NB = Path(A.notebook).stem
STUDENTS = ("s0_dies_late", "s1_ref", "s2_release", "s3_hostile", "s4_nested", "s5_late")
AUTO = {manifest.cell_id(t.id): float(t.points) for t in A.tasks if t.kind == "auto"}
FULL = sum(AUTO.values())
MANUAL = "a1_q3"
DUE = "2030-01-01 12:00:00"
ON_TIME = "2030-01-01 10:00:00.000000 UTC"
LATE = "2030-01-02 10:00:00.000000 UTC"
LATER = "2030-01-03 10:00:00.000000 UTC"
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
HOSTILE = """
found = []
for path in {reads!r}:
    try:
        open(path, "rb").read(10)
        found.append("READ " + path)
    except OSError as exc:
        found.append("noread " + type(exc).__name__)
for path in {writes!r}:
    try:
        with open(path, "ab") as fh:
            fh.write(b"#pwned")
        found.append("WROTE " + path)
    except OSError as exc:
        found.append("nowrite " + type(exc).__name__)
print("HOSTILE", found)
"""


def cli(*args: str, cwd: Path, tool: str = "grader") -> subprocess.CompletedProcess[str]:
    """``python -m grader …`` or ``nbgrader …`` in a child process."""
    cmd = [sys.executable, "-m", "grader", *args] if tool == "grader" else [tool, *args]
    if tool == "nbgrader":
        cmd = [str(Path(sys.executable).with_name("nbgrader")), *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)


def grades(course: Path) -> dict[str, dict[str, Any]]:
    """成绩库中的分数 / student -> cell -> (score, auto, manual, needs_manual, comment)."""
    con = sqlite3.connect(course / "gradebook.db")
    rows = con.execute(
        "select sa.student_id, c.name, g.auto_score, g.manual_score, g.needs_manual_grade "
        "from grade g join base_cell c on g.cell_id = c.id "
        "join submitted_notebook n on g.notebook_id = n.id "
        "join submitted_assignment sa on n.assignment_id = sa.id"
    ).fetchall()
    comments = {
        (s, c): t
        for s, c, t in con.execute(
            "select sa.student_id, c.name, m.auto_comment from comment m "
            "join base_cell c on m.cell_id = c.id "
            "join submitted_notebook n on m.notebook_id = n.id "
            "join submitted_assignment sa on n.assignment_id = sa.id"
        )
    }
    penalties = dict(
        con.execute(
            "select sa.student_id, n.late_submission_penalty from submitted_notebook n "
            "join submitted_assignment sa on n.assignment_id = sa.id"
        ).fetchall()
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
    for s, p in penalties.items():
        out.setdefault(s, {})["penalty"] = p or 0.0
    return out


def set_grade(course: Path, student: str, cell: str, score: float) -> None:
    """助教在 formgrader 中打分 / What formgrader does when a TA enters a score."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "nn-course") as gb:
        g = gb.find_grade(cell, NB, AID, student)
        g.manual_score = score
        g.needs_manual_grade = False
        gb.db.commit()


def put(sub: Path, src: Path, stamp: str | None, secret: str | None) -> None:
    """放入一份提交 / Place one submission folder (with timestamp and exchange secret)."""
    if sub.exists():
        shutil.rmtree(sub)
    shutil.copytree(src, sub, ignore=IGNORE)
    shutil.rmtree(sub / "tests", ignore_errors=True)
    if stamp:
        (sub / "timestamp.txt").write_text(stamp, encoding="utf-8")
    if secret:
        (sub / "submission_secret.txt").write_text(secret, encoding="utf-8")


def edit_notebook(path: Path, answer: str | None = None, extra: str | None = None) -> None:
    """写书面回答 / fill the written answer; add a code cell after the first code cell."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == MANUAL and answer:
            cell.source = answer
    if extra:
        first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
        nb.cells.insert(first + 1, nbformat.v4.new_code_cell(extra))
    nbformat.write(nb, path)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """整条流程跑一次 / Run the whole flow once; the tests below inspect its results."""
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("course")
    exchange = root / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{root / 'gradebook.db'}'\n"
        "c.CourseDirectory.course_id = 'nn-course'\n"
        f"c.Exchange.root = '{exchange}'\n"
        "c.LateSubmissionPlugin.penalty_method = 'zero'\n",
        encoding="utf-8",
    )
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    setup = cli("nbgrader", "setup", "--course", str(root), "-a", AID, cwd=root)
    times["setup"] = time.perf_counter() - t0
    assert setup.returncode == 0, setup.stdout + setup.stderr
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "nn-course") as gb:
        gb.update_or_create_assignment(AID, duedate=DUE)

    sub = root / "submitted"
    src, rel = ROOT / "solutions" / A.folder, ROOT / "assignments" / A.folder
    put(sub / "s0_dies_late" / AID, src, LATE, "secret-s0")
    edit_notebook(
        sub / "s0_dies_late" / AID / A.notebook,
        answer="s0 的回答 / s0's answer: sigmoid, tanh, ReLU",
        extra="import os\nos._exit(1)  # the kernel dies: the notebook fails",
    )
    put(sub / "s1_ref" / AID, src, ON_TIME, "secret-s1")
    edit_notebook(
        sub / "s1_ref" / AID / A.notebook,
        answer="ReLU … (I wrote BEGIN HIDDEN TESTS here on purpose)",
    )
    put(sub / "s2_release" / AID, rel, ON_TIME, "secret-s2")
    put(sub / "s3_hostile" / AID, rel, ON_TIME, "secret-s3")
    with (sub / "s3_hostile" / AID / "activations.py").open("a", encoding="utf-8") as fh:
        fh.write(CHEAT)
    victim = sub / "s1_ref" / AID / "activations.py"
    hostile = HOSTILE.format(
        reads=[str(root / "source" / AID / "activations.py"), str(root / "gradebook.db")],
        writes=[str(root / "gradebook.db"), str(victim)],
    )
    edit_notebook(sub / "s3_hostile" / AID / A.notebook, extra=hostile)
    put(sub / "s4_nested" / AID / AID, src, None, None)
    put(sub / "s5_late" / AID, src, LATE, "secret-s5")
    victim_hash = sha(victim)

    t0 = time.perf_counter()
    auto = cli("nbgrader", "autograde", "--course", str(root), "-a", AID, "-j", "2", cwd=root)
    times["autograde"] = time.perf_counter() - t0
    assert auto.returncode == 0, auto.stdout + auto.stderr
    first_grades = grades(root)
    t0 = time.perf_counter()
    feedback = cli("nbgrader", "feedback", "--course", str(root), "-a", AID, cwd=root)
    times["feedback"] = time.perf_counter() - t0
    released = cli("release_feedback", AID, cwd=root, tool="nbgrader")
    export = cli("nbgrader", "export", "--course", str(root), "--out", "grades.csv", cwd=root)
    nb_export = cli("export", "--to", str(root / "nbgrader.csv"), cwd=root, tool="nbgrader")
    print("timings / 用时 (s):", {k: round(v, 1) for k, v in times.items()})
    reports = root / "nnkit_reports" / AID
    return {
        "root": root,
        "autograde": auto,
        "feedback": feedback,
        "released": released,
        "export": export,
        "nb_export": nb_export,
        "victim_hash": victim_hash,
        "outcomes": {o["student"]: o for o in json.loads((reports / "bridge.json").read_text())},
        "reports": {
            s: json.loads((reports / s / "report.json").read_text())
            for s in STUDENTS
            if (reports / s / "report.json").is_file()
        },
        "grades": first_grades,
    }


@pytest.fixture(scope="module")
def rerun(course: dict[str, Any]) -> dict[str, Any]:
    """助教工作 + 迟交的重新提交 + 再次运行 / TA work, a late resubmission, a second run."""
    root = course["root"]
    set_grade(root, "s1_ref", "a1_tanh", 1.0)  # a TA overrides an autograded cell
    set_grade(root, "s1_ref", MANUAL, 2.0)  # and grades the written answer
    set_grade(root, "s0_dies_late", MANUAL, 3.0)  # the failed notebook's answer too
    src = ROOT / "solutions" / A.folder
    put(root / "submitted" / "s2_release" / AID, src, LATER, "secret-s2")  # resubmitted late
    run = cli(
        "nbgrader", "autograde", "--course", str(root), "-a", AID,
        "-s", "s2_release", "s1_ref", "nobody",  # "nobody": a mistyped student id
        cwd=root,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    with (root / "nnkit_reports" / AID / "grades.csv").open(encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    reports = root / "nnkit_reports" / AID
    return {
        "run": run,
        "grades": grades(root),
        "outcomes": {o["student"]: o for o in json.loads((reports / "bridge.json").read_text())},
        "csv": csv_rows,
    }


# ------------------------------------------------------------------------------ first run
def expected_cells(student: str) -> dict[str, float]:
    """每个学生每个自动评分单元的期望分数 / The exact expected score of every auto cell."""
    if student in ("s0_dies_late", "s1_ref", "s5_late"):
        return dict(AUTO)
    return dict.fromkeys(AUTO, 0.0)  # the release, the cheat, the nested layout


def test_exact_cells_per_student(course: dict[str, Any]) -> None:
    """每个学生的每个单元都是期望的可信分数 / Every cell of every student, exactly."""
    g = course["grades"]
    assert sorted(g) == sorted(STUDENTS)  # no phantom student, nobody missing
    for s in STUDENTS:
        for cid, want in expected_cells(s).items():
            cell = g[s][cid]
            assert cell["score"] == pytest.approx(want), (s, cid)
            assert cell["manual"] == pytest.approx(want), (s, cid)
            assert not cell["needs_manual"], (s, cid)
            assert cell["comment"].startswith("[nnkit 可信评分 / trusted grader]"), (s, cid)
        if s in course["reports"]:
            assert course["reports"][s]["total"] == sum(expected_cells(s).values())
    # written answers wait for a TA, also the one of the notebook that failed ...
    for s in ("s0_dies_late", "s1_ref", "s5_late"):
        assert g[s][MANUAL]["manual"] is None and g[s][MANUAL]["needs_manual"], s
    # ... an answer left as released is 0 by nbgrader's own rule (unchanged solution cell)
    for s in ("s2_release", "s3_hostile", "s4_nested"):
        assert g[s][MANUAL]["auto"] == 0.0 and not g[s][MANUAL]["needs_manual"], s


def test_late_policy_on_trusted_scores(course: dict[str, Any]) -> None:
    """迟交策略作用于可信分数 / The late policy ("zero") applies to the trusted points."""
    g = course["grades"]
    assert g["s0_dies_late"]["penalty"] == FULL  # late and broken: still penalised
    assert g["s5_late"]["penalty"] == FULL
    for s in ("s1_ref", "s2_release", "s3_hostile", "s4_nested"):
        assert g[s]["penalty"] == 0.0, s


def test_both_exports_agree(course: dict[str, Any]) -> None:
    """套件的导出与 nbgrader export 相同 / The kit's export equals nbgrader's own export."""
    assert course["export"].returncode == 0, course["export"].stderr
    assert course["nb_export"].returncode == 0, course["nb_export"].stderr
    root = course["root"]
    with (root / "grades.csv").open(encoding="utf-8") as fh:
        kit = {r["student"]: r for r in csv.DictReader(fh)}
    with (root / "nbgrader.csv").open(encoding="utf-8") as fh:
        nbg = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert sorted(kit) == sorted(nbg) == sorted(STUDENTS)
    for s in STUDENTS:
        assert float(kit[s][f"{AID}.late_penalty"]) == float(nbg[s]["late_submission_penalty"])
        assert float(kit[s][f"{AID}.total"]) == float(nbg[s]["score"]), s
        assert float(kit[s][f"{AID}.raw"]) == float(nbg[s]["raw_score"]), s
    assert float(kit["s5_late"][f"{AID}.total"]) == 0.0
    assert float(kit["s1_ref"][f"{AID}.total"]) == FULL


def test_student_code_cannot_touch_the_course(course: dict[str, Any]) -> None:
    """学生代码看不到课程 / The hostile cell saw no course: nothing read, nothing written."""
    root = course["root"]
    nb = nbformat.read(root / "autograded" / "s3_hostile" / AID / A.notebook, as_version=4)
    text = "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    assert "HOSTILE" in text  # the cell did run ...
    assert "READ " not in text and "WROTE " not in text  # ... and reached nothing
    assert text.count("noread") == 2 and text.count("nowrite") == 2
    assert sha(root / "submitted" / "s1_ref" / AID / "activations.py") == course["victim_hash"]
    # the cheat fooled the kernel's tests only
    g = course["grades"]["s3_hostile"]
    for cid in CHEATED:
        assert g[cid]["auto"] == AUTO[cid]
        assert g[cid]["score"] == 0.0
    out = course["outcomes"]["s3_hostile"]
    assert out["nbgrader"] == "ok" and out["modules_kept"] is True
    assert len(out["fingerprint"]) == 64


def test_layout_problem_is_that_students_only(course: dict[str, Any]) -> None:
    """目录结构错误只影响该生，并说明原因与修正 / A nested folder: that student, reason + fix."""
    out = course["outcomes"]["s4_nested"]
    assert out["nbgrader"] == "layout"
    assert "move those files up one level" in out["problems"][0]
    assert "上移一层" in out["problems"][0]
    assert "s4_nested" not in course["reports"]  # nothing of theirs was run or graded
    for cid in AUTO:
        assert "move those files up one level" in course["grades"]["s4_nested"][cid]["comment"]
    assert "s4_nested" in course["autograde"].stdout


def test_failed_notebook_keeps_written_answers(course: dict[str, Any]) -> None:
    """笔记本失败：书面回答仍可在 formgrader 中评分 / A failed notebook's answers reach the TAs."""
    root = course["root"]
    out = course["outcomes"]["s0_dies_late"]
    assert out["nbgrader"] == "failed" and out["notebook"] == "recorded"
    nb = nbformat.read(root / "autograded" / "s0_dies_late" / AID / A.notebook, as_version=4)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == MANUAL)
    assert "s0's answer" in answer.source
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")  # never run


def test_feedback_reaches_every_student(course: dict[str, Any]) -> None:
    """反馈经交换目录送达每个学生（含失败者）/ Feedback reaches everyone via the exchange."""
    from nbgrader.utils import notebook_hash

    assert course["feedback"].returncode == 0, course["feedback"].stdout + course["feedback"].stderr
    assert course["released"].returncode == 0, course["released"].stderr
    root = course["root"]
    for s in STUDENTS:
        page = (root / "feedback" / s / AID / f"{NB}.html").read_text(encoding="utf-8")
        assert "Trusted grader report" in page, s
        assert not bridge.feedback_leaks(page) or s == "s1_ref", s  # s1 typed the marker
    fb = lambda s: (root / "feedback" / s / AID / f"{NB}.html").read_text(encoding="utf-8")  # noqa: E731
    assert "could not be executed" in fb("s0_dies_late")
    assert "layout of your submission folder is wrong" in fb("s4_nested")
    assert "[nnkit 可信评分 / trusted grader] 2/2" in fb("s1_ref")  # comment next to the score
    outbound = exchange_feedback = root / "exchange" / "nn-course" / "feedback"
    for s in ("s0_dies_late", "s1_ref", "s2_release", "s3_hostile", "s5_late"):
        secret = f"secret-{s.split('_')[0]}"
        digest = notebook_hash(secret=secret, notebook_id=NB)
        assert (outbound / f"{digest}.html").is_file(), s  # what fetch_feedback looks for
    assert len(list(exchange_feedback.glob("*.html"))) == len(STUDENTS)


# ------------------------------------------------------------------------------ second run
def test_rerun_is_incremental_and_keeps_ta_work(rerun: dict[str, Any]) -> None:
    """重新运行：只执行改动的提交，保留助教的改分与评分 / Only changes re-run; TA work kept."""
    out, g = rerun["outcomes"], rerun["grades"]
    assert out["s1_ref"]["reused"] is True and out["s2_release"]["reused"] is False
    assert "a1_tanh" in out["s1_ref"]["overrides_kept"]
    assert g["s1_ref"]["a1_tanh"]["score"] == 1.0  # the TA's override survives
    assert g["s1_ref"][MANUAL]["manual"] == 2.0 and not g["s1_ref"][MANUAL]["needs_manual"]
    assert g["s0_dies_late"][MANUAL]["manual"] == 3.0
    for cid in AUTO:  # the resubmission: complete now, and graded from the new files
        assert g["s2_release"][cid]["score"] == AUTO[cid]
    assert g["s2_release"]["penalty"] == FULL  # late-resubmitted: the policy applies


def test_rerun_writes_the_whole_class(rerun: dict[str, Any]) -> None:
    """只评两个学生，grades.csv 与 bridge.json 仍是全班 / Partial run, full-class outputs."""
    assert [r["student"] for r in rerun["csv"]] == sorted(STUDENTS)
    assert sorted(rerun["outcomes"]) == sorted(STUDENTS)
    assert "nobody" not in rerun["grades"]  # a mistyped id: reported, never a phantom student
    assert "nobody" in rerun["run"].stdout
    by = {r["student"]: r for r in rerun["csv"]}
    assert float(by["s5_late"]["total"]) == FULL  # untouched students keep their rows


# ------------------------------------------------------------------------------ the course's config
def test_setup_writes_the_course_config(course: dict[str, Any]) -> None:
    """setup 写入课程配置 / setup writes what formgrader's buttons need into the course config."""
    root = course["root"]
    text = (root / "nbgrader_config.py").read_text(encoding="utf-8")
    assert text.count(bridge.CONFIG_BEGIN) == 1
    config = bridge.load_config(root)
    assert config.Autograde.exclude_overwriting[AID] == sorted(bridge.module_files(A))
    assert "grader.nbgrader_sandbox.SandboxedExecute" in config.Autograde.autograde_preprocessors
    assert "grader.nbgrader_guard.TrustedScores" in config.Autograde.autograde_preprocessors
    assert ".py" in config.FileNameCollectorPlugin.valid_ext  # zip_collect collects modules


def test_setup_keeps_source_edits(course: dict[str, Any]) -> None:
    """再次 setup 不覆盖 source 中的修改 / Re-running setup refuses to discard edits."""
    root = course["root"]
    path = root / "source" / AID / "activations.py"
    before = path.read_text(encoding="utf-8")
    path.write_text(before + "# instructor's edit\n", encoding="utf-8")
    try:
        r = cli("nbgrader", "setup", "--course", str(root), "-a", AID, cwd=root)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "will not overwrite your edits" in r.stderr and "activations.py" in r.stderr
        assert path.read_text(encoding="utf-8").endswith("# instructor's edit\n")
    finally:
        path.write_text(before, encoding="utf-8")


def test_bad_course_paths_leave_no_stray_gradebook(tmp_path: Path) -> None:
    """拼错的 --course 或相对 db_url：清楚报错，不留空成绩库 / No stray gradebook.db."""
    wrong = tmp_path / "typo"
    wrong.mkdir()
    r = cli("nbgrader", "autograde", "--course", str(wrong), "-a", AID, cwd=tmp_path)
    assert r.returncode == 2 and "mistyped --course" in r.stderr
    rel = tmp_path / "relative"
    rel.mkdir()
    (rel / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.db_url = 'sqlite:///gradebook.db'\n", encoding="utf-8"
    )
    r = cli("nbgrader", "export", "--course", str(rel), "--out", "x.csv", cwd=tmp_path)
    assert r.returncode == 2 and "is relative" in r.stderr
    assert not list(tmp_path.rglob("gradebook.db"))


def test_nbgrader_in_the_kit_repo_stops() -> None:
    """在套件仓库中运行 nbgrader：清楚地拒绝 / nbgrader commands in the kit repo refuse."""
    before = {p: sha(p) for p in (ROOT / "assignments" / A.folder).glob("*.py")}
    r = cli("generate_assignment", AID, "--force", cwd=ROOT, tool="nbgrader")
    assert r.returncode != 0
    assert "not an nbgrader course" in r.stderr
    assert {p: sha(p) for p in before} == before
    assert not (ROOT / "gradebook.db").exists()


# ------------------------------------------------------------------------------ formgrader's buttons
def test_formgrader_autograde_is_sandboxed_and_trusted(
    course: dict[str, Any], rerun: dict[str, Any]
) -> None:
    """formgrader 的 Autograde 与 Feedback：沙箱执行，可信分数与报告 / Safe as they are."""
    root = course["root"]
    r = cli("autograde", AID, "--student", "s3_hostile", "--force", cwd=root, tool="nbgrader")
    assert r.returncode == 0, r.stdout + r.stderr
    g = grades(root)["s3_hostile"]
    for cid in AUTO:
        assert g[cid]["score"] == 0.0 and not g[cid]["needs_manual"], cid
    for cid in CHEATED:
        assert g[cid]["auto"] == AUTO[cid]  # the kernel was fooled again; the score was not
    for name in bridge.module_files(A):  # student modules kept
        got = (root / "autograded" / "s3_hostile" / AID / name).read_bytes()
        assert got == (root / "submitted" / "s3_hostile" / AID / name).read_bytes()
    nb = nbformat.read(root / "autograded" / "s3_hostile" / AID / A.notebook, as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "HOSTILE" in text and "READ " not in text and "WROTE " not in text
    assert sha(root / "submitted" / "s1_ref" / AID / "activations.py") == course["victim_hash"]
    # formgrader's Feedback button: the trusted report is in the page too
    r = cli(
        "generate_feedback", AID, "--student", "s3_hostile", "--force", cwd=root, tool="nbgrader"
    )
    assert r.returncode == 0, r.stdout + r.stderr
    page = (root / "feedback" / "s3_hostile" / AID / f"{NB}.html").read_text(encoding="utf-8")
    assert "Trusted grader report" in page


def test_formgrader_generate_strips_solutions(course: dict[str, Any], rerun: Any) -> None:
    """formgrader 的 Generate（nbgrader generate_assignment）：发布版不含解答 / No leak."""
    root = course["root"]
    r = cli("generate_assignment", AID, "--force", cwd=root, tool="nbgrader")
    assert r.returncode == 0, r.stdout + r.stderr
    for name in bridge.module_files(A):
        released = (root / "release" / AID / name).read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in released and "NotImplementedError" in released


def test_feedback_with_a_hidden_test_is_refused(course: dict[str, Any], rerun: Any) -> None:
    """教师单元出现隐藏测试：该生反馈被拒绝 / A hidden test in an instructor cell: refused."""
    root = course["root"]
    path = root / "autograded" / "s2_release" / AID / A.notebook
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "a1_tanh")
    cell.source += "\n### BEGIN HIDDEN TESTS\nassert tanh(0.0) == 0.0\n### END HIDDEN TESTS"
    path.chmod(0o644)
    nbformat.write(nb, path)
    r = cli("nbgrader", "feedback", "--course", str(root), "-a", AID, "-s", "s2_release", cwd=root)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "a1.html" in r.stderr and "a1_tanh" in r.stdout
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
