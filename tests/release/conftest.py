"""构建测试的共享夹具 / Shared fixtures of the release-build tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.release.build import IGNORE, ROOT, built_assignments


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """solutions/ 与 assignments/ 的临时副本 / A temp copy of solutions/ and assignments/."""
    for name in ("solutions", "assignments"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=IGNORE)
    return tmp_path


@pytest.fixture(scope="session")
def built() -> list[str]:
    """已构建的作业 / The assignments the build covers."""
    return [a.id for a in built_assignments()]
