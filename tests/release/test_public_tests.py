"""公开测试：解答全部通过，发布版全部失败（不是收集错误）/ Public tests pass on the
solutions and fail (cleanly, never at collection) on the release."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.manifest import ASSIGNMENTS
from grader.release.build import ROOT

IDS = [a for a in ASSIGNMENTS if (ROOT / "solutions" / a).is_dir()]


def run_pytest(folder: Path, tmp_path: Path) -> tuple[ET.Element, str]:
    xml = tmp_path / "junit.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={xml}"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return ET.parse(xml).getroot(), proc.stdout + proc.stderr


@pytest.mark.parametrize("aid", IDS)
def test_solutions_pass(aid: str, tmp_path: Path) -> None:
    root, out = run_pytest(ROOT / "solutions" / aid, tmp_path)
    suite = root if root.tag == "testsuite" else root[0]
    assert int(suite.get("tests")) > 0, out
    assert suite.get("failures") == "0" and suite.get("errors") == "0", out
    assert "公开测试得分 / public test points" in out


@pytest.mark.parametrize("aid", IDS)
def test_release_fails_every_test(aid: str, tmp_path: Path) -> None:
    root, out = run_pytest(ROOT / "assignments" / aid, tmp_path)
    suite = root if root.tag == "testsuite" else root[0]
    n = int(suite.get("tests"))
    assert n > 0 and suite.get("errors") == "0", out
    assert int(suite.get("failures")) == n, out
    for case in suite.iter("testcase"):
        failure = case.find("failure")
        assert failure is not None and "NotImplementedError" in (failure.get("message") or ""), (
            case.get("name")
        )
    assert "公开部分 / public part" in out and " 0 / " in out


def test_points_table_uses_the_manifest_and_shows_tests_not_run(tmp_path: Path) -> None:
    """分值取自清单；-k 取消选择的任务显示未运行 / Points from the manifest; deselected tasks
    show as not run (never as 0 / FAIL)."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-k", "sigmoid"],
        cwd=ROOT / "solutions" / "a1",
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = proc.stdout
    a1 = ASSIGNMENTS["a1"]
    auto = sum(t.points for t in a1.tasks if t.kind == "auto")
    manual = sum(t.points for t in a1.tasks if t.kind != "auto")
    rows = {line.split("  ")[0].strip(): line for line in out.splitlines() if " / " in line}
    for t in a1.tasks:
        row = next(line for key, line in rows.items() if key.startswith(t.title.zh))
        if t.kind != "auto":
            assert f"{t.points:g}" in row and "助教评分 / graded by a TA" in row
        elif t.id == "a1.sigmoid":
            assert f"{t.points:g} / {t.points:<4g}" in row and "通过 / pass" in row
        else:
            assert "未运行 / not run" in row and "FAIL" not in row, row
    assert f"/ {auto:<4g} 自动评分的总分" in out
    assert f"总分 {auto + manual:g} = 自动评分 {auto:g} + 思考题（助教评分）{manual:g}" in out
