"""批量评分：并行一致、续跑、原子写、退出码、反馈不泄露 / Batch grading and report hygiene."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from grading_helpers import ROOT, warm

from grader import demo_submissions
from grader.batch import grade_batch
from grader.suites import oracles

TASKS = ["a2.loss_mse", "a2.gd_update"]


def _copies(tmp: Path, n: int) -> list[Path]:
    """n 份带错误的提交 / n copies of a submission with mistakes."""
    src = demo_submissions.with_mistakes("a2", ("forgot_1_over_m",), tmp / "src")
    subs = tmp / "subs"
    for k in range(n):
        shutil.copytree(src, subs / f"s{k:02d}")
    return sorted(subs.iterdir())


def test_workers_1_and_2_identical_csv(tmp_path: Path) -> None:
    """20 份提交，1 和 2 个进程的 grades.csv 相同 / Same grades.csv with 1 and 2 workers."""
    warm()
    subs = _copies(tmp_path, 20)
    c1, _ = grade_batch("a2", subs, tmp_path / "o1", workers=1, quiet=True, tasks=TASKS)
    c2, _ = grade_batch("a2", subs, tmp_path / "o2", workers=2, quiet=True, tasks=TASKS)
    assert c1 == c2 == 0
    csv1 = (tmp_path / "o1" / "grades.csv").read_text()
    assert csv1 == (tmp_path / "o2" / "grades.csv").read_text()
    lines = csv1.splitlines()
    assert lines[0] == "student,a2.loss_mse,a2.gd_update,total,max_total"
    assert len(lines) == 21
    for s in subs:
        assert (tmp_path / "o1" / s.name / "report.html").is_file()


def test_resume_keeps_finished_reports(tmp_path: Path) -> None:
    """续跑：已完成且签名有效的报告不重评，被改动的报告重评 / A re-run keeps finished, correctly
    signed reports, regrades a report that was edited (its HMAC no longer matches), grades
    the rest."""
    warm()
    subs = _copies(tmp_path, 3)
    out = tmp_path / "out"
    grade_batch("a2", subs[:2], out, quiet=True, tasks=TASKS)  # "killed" after two students
    assert (out / ".nnkit-key").stat().st_mode & 0o777 == 0o600
    assert out.stat().st_mode & 0o777 == 0o700
    kept = out / subs[1].name / "report.json"
    kept_text = kept.read_text()
    forged = out / subs[0].name / "report.json"
    data = json.loads(forged.read_text())
    real_total = data["total"]
    data["total"] = 99.0
    forged.write_text(json.dumps(data))
    code, reports = grade_batch("a2", subs, out, quiet=True, tasks=TASKS)
    assert code == 0 and len(reports) == 3
    assert kept.read_text() == kept_text  # not regraded
    assert json.loads(forged.read_text())["total"] == real_total  # regraded, not trusted
    assert (out / subs[2].name / "report.json").is_file()
    assert not list(out.rglob("*.tmp"))


def test_cli_exit_codes(tmp_path: Path) -> None:
    """0 分也退出 0；参数错误非 0 / Exit 0 even when students score 0; non-zero on bad input."""
    rel = demo_submissions.release("a2", tmp_path / "rel")
    cmd = [sys.executable, "-m", "grader", "grade", "-a", "a2", str(rel), "--out"]
    ok = subprocess.run([*cmd, str(tmp_path / "o"), "-q", "--tasks", "a2.loss_mse"], cwd=ROOT)
    assert ok.returncode == 0
    missing = str(tmp_path / "nope")
    bad = subprocess.run(
        [sys.executable, "-m", "grader", "grade", "-a", "a2", missing, "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
    )
    assert bad.returncode == 2


def _hidden_numbers() -> list[float]:
    """例题1 的精确值 / Exact 例题1 values (hidden oracle values)."""
    ex = oracles.example1()
    vals = [ex["J"], *ex["grad_flat"], *ex["updated_flat"], *ex["h"], *ex["outputs"]]
    return [float(v) for v in vals]


def test_feedback_never_contains_hidden_values(tmp_path: Path) -> None:
    """报告文本中没有 oracle 数值或隐藏输入 / Reports carry no oracle values or hidden inputs."""
    warm()
    sub = demo_submissions.with_mistakes(
        "a2", ("transposed_w", "missing_fprime", "forgot_1_over_m", "unstable_bce"), tmp_path / "s"
    )
    for name in ("losses.py",):
        p = sub / name
        p.write_text(
            p.read_text("utf-8").replace(
                "def softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:\n",
                "def softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:\n"
                "    raise ValueError(f'leak {z.ravel().tolist()} {float(z[0, 0])!r}')\n",
            ),
            "utf-8",
        )
    out = tmp_path / "out"
    grade_batch("a2", [sub], out, quiet=True)
    text = (out / "s" / "report.json").read_text("utf-8") + (out / "s" / "report.html").read_text(
        "utf-8"
    )
    data = json.loads((out / "s" / "report.json").read_text("utf-8"))
    from grader.registry import get

    messages = ""
    for t in data["tasks"]:  # leave out the public "what was checked" sentence
        spec = get(t["id"])
        messages += t["message_zh"].replace(spec.checked.zh, "")
        messages += t["message_en"].replace(spec.checked.en, "")
    # the student's exception is named by its type and line only: its text (which the
    # submission controls and could fill with hidden inputs) never reaches a report
    assert "ValueError" in messages and "leak" not in messages
    # … but every decimal in the messages is a relative error in scientific notation
    for tok in re.findall(r"\d+\.\d+(?:e[-+]\d+)?", messages):
        assert "e" in tok, tok
    for v in _hidden_numbers():
        for digits in (4, 6, 8):
            assert f"{v:.{digits}f}" not in text
    assert not np.isnan(data["total"])
