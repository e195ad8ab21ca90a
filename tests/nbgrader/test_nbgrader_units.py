"""nbgrader 桥接的小部件 / Small parts of the nbgrader bridge (no nbgrader run)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from grader import manifest
from grader import nbgrader_bridge as bridge
from grader.nbgrader_layout import check_layout, snapshot, snapshot_hash
from grader.nbgrader_sandbox import NotebookRunError, merge_outputs, site_binds
from grader.release.build import IGNORE, ROOT

A2 = manifest.get("a2")


def _sub(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name / "a2"
    shutil.copytree(ROOT / "assignments" / A2.folder, dest, ignore=IGNORE)
    return dest


def test_layout_ok_with_warnings(tmp_path: Path) -> None:
    """完整的提交可评分；缺模块、多余目录只是警告 / Missing module or extra folder: warnings."""
    sub = _sub(tmp_path, "s")
    assert check_layout(sub, A2, "s").ok
    (sub / "layers.py").unlink()
    (sub / "mywork").mkdir()
    lay = check_layout(sub, A2, "s")
    assert lay.ok
    assert any("layers.py" in w for w in lay.warnings)
    assert any("mywork" in w for w in lay.warnings)


@pytest.mark.parametrize("inner", ["a2", "mywork"])
def test_layout_nested_is_fatal_with_a_fix(tmp_path: Path, inner: str) -> None:
    """嵌套目录：致命，说明上移一层 / Nested modules: fatal, the fix says move them up."""
    outer = tmp_path / "s" / "a2"
    outer.mkdir(parents=True)
    shutil.copytree(ROOT / "assignments" / A2.folder, outer / inner, ignore=IGNORE)
    lay = check_layout(outer, A2, "s")
    assert not lay.ok
    assert inner in lay.fatal[0] and "move those files up one level" in lay.fatal[0]


def test_layout_missing_and_empty(tmp_path: Path) -> None:
    """没有目录 / 没有任何模块：致命 / Missing folder or no module at all: fatal."""
    assert "no folder" in check_layout(tmp_path / "nope", A2, "x").fatal[0]
    empty = tmp_path / "e" / "a2"
    empty.mkdir(parents=True)
    (empty / "notes.txt").write_text("hi", encoding="utf-8")
    assert "zip_collect" in check_layout(empty, A2, "e").fatal[0]


def test_snapshot_skips_symlinks_and_hash_sees_every_file(tmp_path: Path) -> None:
    """快照不跟随符号链接；哈希覆盖笔记本与 timestamp / No symlinks; every file hashed."""
    sub = _sub(tmp_path, "s")
    secret = tmp_path / "secret.py"
    secret.write_text("ANSWER = 42\n", encoding="utf-8")
    (sub / "link.py").symlink_to(secret)
    snap = tmp_path / "snap"
    snapshot(sub, snap)
    assert not (snap / "link.py").exists()
    h1 = snapshot_hash(snap)
    (snap / "timestamp.txt").write_text("2030-01-01 00:00:00 UTC", encoding="utf-8")
    assert snapshot_hash(snap) != h1


def test_merge_outputs_takes_outputs_only() -> None:
    """只取回输出，源码与元数据不变 / Sources and metadata are never taken from the run."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    done = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("forged = True")])
    done.cells[0].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    merge_outputs(nb, done)
    assert nb.cells[0].source == "x = 1" and nb.cells[0].outputs[0]["text"] == "1\n"
    done.cells.append(nbformat.v4.new_code_cell("extra"))
    with pytest.raises(NotebookRunError):
        merge_outputs(nb, done)


def test_kit_packages_are_not_bound_into_the_sandbox() -> None:
    """套件自己的包不进沙箱 / grader and nncore are never bound into the notebook sandbox."""
    names = {dest.rsplit("/", 1)[1].lower() for _, dest in site_binds()}
    assert "nbclient" in names and "ipykernel" in names
    assert not {n for n in names if n.split("-")[0] in ("grader", "nncore", "nnkit")}


def test_ta_graded_code_answers_are_not_untrusted(tmp_path: Path) -> None:
    """助教评分的代码作答单元不是自动测试 / A graded solution code cell is a TA's answer."""
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell("# YOUR CODE HERE")
    answer.metadata["nbgrader"] = {"grade_id": "my_code_q", "solution": True, "grade": True}
    test = nbformat.v4.new_code_cell("assert True")
    test.metadata["nbgrader"] = {"grade_id": "my_test", "solution": False, "grade": True}
    nb.cells = [answer, test]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert bridge.answer_cells(path) == {"my_code_q"}


def test_student_typed_marker_is_not_a_leak(tmp_path: Path) -> None:
    """学生在作答中写隐藏测试标记不算泄露 / Only instructor cells count as hidden-test leaks."""
    nb = nbformat.v4.new_notebook()
    mine = nbformat.v4.new_markdown_cell("BEGIN HIDDEN TESTS (my own words)")
    mine.metadata["nbgrader"] = {"grade_id": "q", "solution": True, "grade": True}
    locked = nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nassert 1\n### END HIDDEN TESTS")
    locked.metadata["nbgrader"] = {"grade_id": "t", "solution": False, "grade": True}
    nb.cells = [mine]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert bridge.locked_cell_leaks(path) == []
    nb.cells.append(locked)
    nbformat.write(nb, path)
    assert bridge.locked_cell_leaks(path) == ["t"]


def test_course_config_block_is_replaced_not_duplicated(tmp_path: Path) -> None:
    """再次 setup 只替换 nnkit 块 / A second write replaces the block, keeps the rest."""
    cfg = tmp_path / "nbgrader_config.py"
    cfg.write_text("c = get_config()\nc.CourseDirectory.course_id = 'x'\n", encoding="utf-8")
    bridge.write_course_config(tmp_path)
    bridge.write_course_config(tmp_path)
    text = cfg.read_text(encoding="utf-8")
    assert text.count(bridge.CONFIG_BEGIN) == 1 and "course_id = 'x'" in text
    config = bridge.load_config(tmp_path)
    assert config.Autograde.exclude_overwriting["a2"] == sorted(bridge.module_files(A2))


def test_status_text_is_one_text_used_by_comment_and_summary() -> None:
    """任务状态是一个 Text / A task's status is one ``Text``; the gradebook comment and the
    feedback summary show it on one line ("部分通过 / partial"), an unknown status once."""
    from grader.nbgrader_feedback import summary_markdown
    from grader.text import Text

    assert bridge._status_text("partial") == Text("部分通过", "partial")
    assert bridge._status_text("odd") == Text("odd", "odd")
    task = {"id": "a2.gd_update", "status": "partial", "points": 1, "max_points": 2,
            "message_zh": "通过 1/2 个用例。", "message_en": "1/2 cases passed."}  # fmt: skip
    assert bridge.task_comment(task).splitlines()[0].endswith(" 1/2 部分通过 / partial")
    md = summary_markdown({"tasks": [task], "total": 1, "max_total": 2}, None)
    assert (
        "| a2.gd_update | 1/2 | 部分通过 / partial | 通过 1/2 个用例。 / 1/2 cases passed. |" in md
    )
    odd = summary_markdown({"tasks": [{**task, "status": "odd", "message_en": ""}]}, None)
    assert "| odd | 通过 1/2 个用例。 |" in odd
