"""评分器测试的公共工具 / Shared helpers of the grader tests."""

from __future__ import annotations

import functools
from pathlib import Path

from grader import demo_submissions
from grader.engine import Report, grade_submission

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def warm() -> dict[str, float]:
    """推导一次 oracle / Derive the suite oracles once per test session."""
    from grader.suites import oracles

    return oracles.warm()


def release_dir(assignment: str, tmp: Path) -> Path:
    """学生版提交 / The untouched release as a submission."""
    return demo_submissions.release(assignment, tmp / f"release_{assignment}")


def grade(path: Path, assignment: str, tasks: list[str] | None = None) -> Report:
    """评分 / Grade (oracles warmed)."""
    warm()
    return grade_submission(path, assignment, tasks=tasks)
