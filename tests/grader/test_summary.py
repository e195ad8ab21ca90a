"""班级报告 / The class report: content of summary.json, and summary.html in a real browser."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from grading_helpers import warm
from headless_browser import find, load

from grader import demo, demo_submissions
from grader.batch import grade_batch

TASKS = ["a2.dense_forward", "a2.dense_backward", "a2.loss_mse", "a2.gd_update"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """五名学生：参考、空白、典型错误、忘了 1/m、退出进程 / Five students, one batch."""
    warm()
    tmp = tmp_path_factory.mktemp("class")
    subs = demo.build_submissions("a2", tmp / "subs")  # reference, release, typical_mistakes
    subs.append(demo_submissions.with_mistakes("a2", ("forgot_1_over_m",), tmp / "subs" / "m1"))
    crash = demo_submissions.reference("a2", tmp / "subs" / "crash")
    losses = crash / "losses.py"
    losses.write_text(
        losses.read_text("utf-8").replace(
            "    return J, diff / h.shape[0]\n",
            "    import os\n    os._exit(3)\n",
        ),
        "utf-8",
    )
    subs.append(crash)
    out = tmp / "out"
    code, reports = grade_batch("a2", subs, out, quiet=True, tasks=TASKS)
    assert code == 0 and len(reports) == 5
    return out


def test_summary_json_counts(graded: Path) -> None:
    s = json.loads((graded / "summary.json").read_text("utf-8"))
    assert s["students"] == 5 and [t["id"] for t in s["tasks"]] == TASKS
    by = {t["id"]: t for t in s["tasks"]}
    assert by["a2.loss_mse"]["full"] == 1  # only the reference (the crash exits in loss_mse)
    assert by["a2.dense_forward"]["zero"] == 1  # only the blank release
    hints = {h["code"]: h for h in s["hints"]}
    # typical_mistakes and m1 both forgot 1/m: 2 of 5 students = 40 %
    assert hints["missing_1_over_m"]["students"] == 2 and hints["missing_1_over_m"]["percent"] == 40
    assert hints["missing_1_over_m"]["label_en"] == "Forgot 1/m"
    assert s["hints"][0]["students"] >= s["hints"][-1]["students"]  # most frequent first
    assert {"student": "crash", "task": "a2.loss_mse", "kinds": ["exit"]} == {
        k: v for k, v in s["crashes"][0].items() if k != "total"
    }
    assert len(s["crashes"]) == 1
    # the release loses dense_forward and dense_backward, but each is judged on its own inputs:
    # no task was blocked by another (real dependency failures: tests/grader/test_blocking.py)
    assert s["blocks"] == [] and s["blocks_without_data"] == 0
    for path in graded.glob("*/report.json"):  # the sandboxed batch records the field
        assert all("blocked_by" in t for t in json.loads(path.read_text("utf-8"))["tasks"])
    assert set(s["isolation"]) and sum(v["students"] for v in s["isolation"].values()) == 5


def test_summary_html_is_bilingual_and_self_contained(graded: Path) -> None:
    html = (graded / "summary.html").read_text("utf-8")
    for text in (
        "最常见的错误",
        "Most frequent mistakes",
        "40 %",
        "Forgot 1/m",
        "忘了除以样本数 m",
    ):
        assert text in html, text
    assert html.count('src="data:image/png;base64,') == 2
    assert "<script" not in html and "http://" not in html and "https://" not in html


def _non_blank(png: bytes) -> float:
    """截图的像素标准差 / Pixel standard deviation of a screenshot (0 = blank)."""
    import matplotlib.image

    return float(np.std(matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3]))


def test_summary_renders_in_headless_chromium(graded: Path, tmp_path: Path) -> None:
    if find() is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI: chromium is missing (.ci/run installs it with apt-get as root)")
        pytest.skip("chromium not installed here (apt-get install chromium); CI runs this test")
    bad = tmp_path / "bad.html"  # the check itself can fail: a page with a console error
    bad.write_text("<!DOCTYPE html><title>x</title><script>console.error('boom')</script>")
    images = "[...document.images].map(i => i.complete && i.naturalWidth > 0)"
    page, broken = load([graded / "summary.html", bad], expression=images)
    assert page.errors == []
    assert page.value == [True, True]  # both embedded plots decoded
    assert page.png[:8] == b"\x89PNG\r\n\x1a\n" and _non_blank(page.png) > 0.02
    assert any("boom" in e for e in broken.errors)
