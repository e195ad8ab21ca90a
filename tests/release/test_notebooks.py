"""笔记本：nbgrader 元数据、分值与登记表一致、执行结果 / Notebooks: nbgrader metadata, points
agree with the grader's registry, execution of solution and release notebooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader.manifest import ASSIGNMENTS, cell_id
from grader.release.build import ROOT

IDS = [a for a in ASSIGNMENTS if (ROOT / "solutions" / a).is_dir()]
KINDS = ("solutions", "assignments")


def load(kind: str, aid: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / kind / aid / ASSIGNMENTS[aid].notebook, as_version=4)


def grade_cells(nb: nbformat.NotebookNode) -> dict[str, dict]:
    return {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]
        for c in nb.cells
        if "nbgrader" in c.metadata
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("aid", IDS)
def test_nbgrader_metadata(kind: str, aid: str) -> None:
    nb = load(kind, aid)
    nbformat.validate(nb)
    metas = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids)), "grade_id 重复 / duplicate grade_ids"
    for m in metas:
        assert m["schema_version"] == 3
        if m["grade"]:
            assert isinstance(m.get("points"), int | float) and m["points"] > 0, m
    for c in nb.cells:
        m = c.metadata.get("nbgrader", {})
        if m.get("grade") and not m.get("solution"):
            assert c.cell_type == "code" and m["locked"], m["grade_id"]


@pytest.mark.parametrize("aid", IDS)
def test_points_agree_with_manifest_and_registry(aid: str) -> None:
    from grader import registry

    registry.load_suites()
    cells = grade_cells(load("assignments", aid))
    tasks = ASSIGNMENTS[aid].tasks
    assert {cell_id(t.id) for t in tasks} == {g for g, m in cells.items() if m["grade"]}
    for t in tasks:
        assert cells[cell_id(t.id)]["points"] == t.points, t.id
    for reg in registry.tasks_for(aid):
        assert cell_id(reg.id) in cells, f"registry task {reg.id} has no notebook cell"
        assert cells[cell_id(reg.id)]["points"] == reg.points, reg.id


def execute_all(jobs: list[Path], out_dir: Path) -> list[nbformat.NotebookNode]:
    """在子进程中并行执行（nbconvert，允许出错）/ Execute in parallel subprocesses."""
    procs = []
    for i, path in enumerate(jobs):
        cmd = [
            sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
            "--ExecutePreprocessor.allow_errors=True", "--ExecutePreprocessor.timeout=120",
            f"--output-dir={out_dir / str(i)}", str(path),
        ]  # fmt: skip
        procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    out = []
    for path, (i, proc) in zip(jobs, enumerate(procs), strict=True):
        log = proc.communicate(timeout=300)[0].decode(errors="replace")
        assert proc.returncode == 0, log
        out.append(nbformat.read(out_dir / str(i) / path.name, as_version=4))
    return out


def errors(nb: nbformat.NotebookNode) -> list[tuple[str | None, str]]:
    return [
        (c.metadata.get("nbgrader", {}).get("grade_id"), o["ename"])
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]


@pytest.fixture(scope="module")
def executed(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, str], nbformat.NotebookNode]:
    """所有笔记本并行执行一次 / Execute every notebook once, in parallel."""
    jobs = [(kind, aid) for kind in KINDS for aid in IDS]
    paths = [ROOT / kind / aid / ASSIGNMENTS[aid].notebook for kind, aid in jobs]
    nbs = execute_all(paths, tmp_path_factory.mktemp("executed"))
    return dict(zip(jobs, nbs, strict=True))


@pytest.mark.parametrize("aid", IDS)
def test_solution_notebook_runs_clean(aid: str, executed) -> None:
    assert errors(executed[("solutions", aid)]) == []


@pytest.mark.parametrize("aid", IDS)
def test_release_notebook_fails_cleanly(aid: str, executed) -> None:
    nb = executed[("assignments", aid)]
    errs = errors(nb)
    assert {e for _, e in errs} <= {"NotImplementedError", "AssertionError"}, errs
    failed = {g for g, _ in errs}
    tests = {
        c.metadata["nbgrader"]["grade_id"]
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
    }
    assert tests and tests <= failed, f"release tests that pass: {tests - failed}"
    assert len(nb.cells[-1].source) > 0  # executed to the end: every cell was run
    assert all(c.get("execution_count") is not None for c in nb.cells if c.cell_type == "code")
