"""覆盖表包含清单中的每个桩与任务 / docs/coverage.md names every stub and task."""

from __future__ import annotations

from grader.manifest import ASSIGNMENTS, all_stubs
from grader.release.build import ROOT


def test_every_stub_and_task_is_in_the_coverage_table() -> None:
    text = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    missing = [
        f"{a.id}:{s.module}.{s.name}"
        for a, s in all_stubs()
        if f"`{s.module}.{s.name}`" not in text
    ]
    missing += [t.id for a in ASSIGNMENTS.values() for t in a.tasks if f"`{t.id}`" not in text]
    assert missing == [], f"not in docs/coverage.md: {missing}"


def test_every_course_map_section_is_in_the_table() -> None:
    text = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    for item in (
        "§1",
        "§2",
        "§3",
        "§4",
        "§5",
        "例题1",
        "例题2",
        "例题3",
        "例题4",
        "思考题1",
        "思考题2",
        "思考题3",
        "练习题",
    ):
        assert item in text, item
