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
    assert "合计 / total" in out and " 0 / " in out
