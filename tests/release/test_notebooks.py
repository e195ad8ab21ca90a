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


# ------------------------------------------------------------------ experiments show their effect
def result_of(nb: nbformat.NotebookNode, name: str) -> object:
    """单元最后一行的变量值（执行结果）/ The value a cell ending in ``name`` displayed."""
    import ast

    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.rstrip().endswith("\n" + name):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "execute_result":
                    return ast.literal_eval(out["data"]["text/plain"])
    raise AssertionError(f"no executed cell displays {name}")


def test_a1_depth_plot_separates_relu_and_leaky_relu_at_negative_z(executed) -> None:
    d = result_of(executed[("solutions", "a1")], "depth10")
    assert d["ReLU, z = -1"] == 0.0 < d["Leaky ReLU (0.01), z = -1"]  # dead vs alive
    assert d["ReLU, z = +1"] == d["Leaky ReLU (0.01), z = +1"] == 1.0
    assert d["sigmoid, z = +1"] < 0.25**10 < d["tanh, z = +1"]


def test_a3_q1_normalisation_clearly_speeds_training(executed) -> None:
    q1 = result_of(executed[("solutions", "a3")], "q1")
    raw, z, mm = q1["不归一化 / raw"], q1["z-score"], q1["min-max"]
    assert z["final_loss"] < mm["final_loss"] < raw["final_loss"] / 3
    assert z["epoch_below_0.5"] is not None and mm["epoch_below_0.5"] is not None
    assert raw["epoch_below_0.5"] is None  # raw never gets there in 15 epochs
    assert min(z["test_accuracy"], mm["test_accuracy"]) > raw["test_accuracy"] + 0.2


def test_a3_q2_training_longer_loses_and_early_stopping_wins_back(executed) -> None:
    q2 = result_of(executed[("solutions", "a3")], "q2")
    assert q2["test_acc_early_stopping"] >= q2["test_acc_300"] + 0.03
    assert 5 <= q2["best_epoch"] < 100
    nb = executed[("solutions", "a3")]
    text = "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if "q2" in c.source
    )
    assert f"restored epoch {q2['best_epoch']} " in text  # the printout uses the same epoch


def test_a4_pretraining_gain_is_measured_for_short_and_long_fine_tuning(executed) -> None:
    gain = result_of(executed[("solutions", "a4")], "gain")
    assert gain[20] >= 0.05  # a clear gain when supervised training is short
    assert gain[20] > gain[60]  # and a smaller one after long fine-tuning, as the notebook says


def test_a1_perceptron_plot_learns_and_or_with_the_line_off_the_points(executed) -> None:
    gates = result_of(executed[("solutions", "a1")], "gate_results")
    for name in ("AND", "OR"):
        assert gates[name]["accuracy"] == 1.0 and gates[name]["min |wᵀx + b|"] >= 0.5
    assert gates["XOR"]["accuracy"] < 1.0  # not linearly separable
