"""用 nbformat 生成作业笔记本 / Build the assignment notebooks with nbformat.

Each assignment's notebook is written by a small Python script (``grader/release/nb_aN.py``)
with this helper, so that the notebook is reviewable as code, its nbgrader metadata is always
valid (schema 3, unique grade_ids, points on every grade cell) and its JSON is deterministic
(cell ids derived from the position, no outputs, no timestamps).
"""

from __future__ import annotations

import nbformat

from grader.manifest import Assignment, cell_id
from grader.text import Text

SCHEMA = 3

#: Appended to every notebook's setup cell: plot labels are bilingual, so use a Chinese-capable
#: font where one is installed, and say once (zh/en) when none is; matplotlib's own "missing
#: glyph" warnings are left on.
PLOT_FONTS = """
# 图中的中文：有中文字体就用 / Chinese in plot labels: use a CJK font where one is installed
from matplotlib import font_manager
_cjk = sorted({f.name for f in font_manager.fontManager.ttflist
               if any(k in f.name for k in ("CJK", "Hei", "PingFang", "Han Sans", "WenQuanYi"))})
plt.rcParams["font.sans-serif"] = _cjk[:1] + plt.rcParams["font.sans-serif"]
plt.rcParams["axes.unicode_minus"] = False
if not _cjk:
    print("未找到中文字体：图中的中文会显示为方框（英文标注不受影响）；可安装 fonts-noto-cjk。\\n"
          "No CJK font found: Chinese plot labels will show as boxes (the English ones are fine); "
          "install e.g. fonts-noto-cjk.")
"""


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


class NotebookBuilder:
    """按顺序添加单元 / Add cells in order; :meth:`build` returns the notebook node."""

    def __init__(self, assignment: Assignment) -> None:
        self.assignment = assignment
        self.cells: list[nbformat.NotebookNode] = []
        self._ids: set[str] = set()

    def _gid(self, grade_id: str) -> str:
        if grade_id in self._ids:
            raise ValueError(f"duplicate grade_id {grade_id}")
        self._ids.add(grade_id)
        return grade_id

    def md(self, text: str) -> None:
        """说明（中文在前，英文在后）/ A markdown cell (Chinese first, English beside)."""
        self.cells.append(nbformat.v4.new_markdown_cell(text.strip()))

    def code(self, src: str) -> None:
        """普通代码单元 / A plain code cell."""
        self.cells.append(nbformat.v4.new_code_cell(src.strip()))

    def setup(self, src: str) -> None:
        """第一个代码单元：导入与绘图字体 / The setup cell: imports, then :data:`PLOT_FONTS`."""
        self.code(src.strip() + "\n" + PLOT_FONTS)

    def solution(self, name: str, src: str) -> None:
        """学生作答的代码单元（含 ### BEGIN/END SOLUTION）/ A code cell the student completes."""
        gid = self._gid(f"{self.assignment.id}_sol_{name}")
        meta = _meta(gid, grade=False, solution=True, locked=False, points=None)
        self.cells.append(nbformat.v4.new_code_cell(src.strip(), metadata=meta))

    def test(self, task_id: str, src: str | None = None) -> None:
        """自动评分测试单元，分值取自清单 / Autograded test cell; points from the manifest.

        Without ``src`` the cell runs the task's public tests (``selfcheck.run_task``), so it
        prints the same bilingual messages as ``pytest``.
        """
        task = self.assignment.task(task_id)
        if src is None:
            src = (
                "from selfcheck import run_task\n\n"
                f'run_task("{task_id}")  # 本任务的公开测试，消息与 pytest 相同 / this task\'s '
                "public tests, with pytest's messages"
            )
        gid = self._gid(cell_id(task_id))
        meta = _meta(gid, grade=True, solution=False, locked=True, points=task.points)
        points = Text(f"{task.points:g} 分", "points").joined()
        header = f"# {task.title.joined()} ({points})\n"
        self.cells.append(nbformat.v4.new_code_cell(header + src.strip(), metadata=meta))

    def written(self, task_id: str, prompt: str, answer: str) -> None:
        """思考题：题目（锁定）+ 人工评分的作答单元 / A question and its manually graded answer."""
        task = self.assignment.task(task_id)
        gid = self._gid(cell_id(task_id))
        pmeta = _meta(f"{gid}_prompt", grade=False, solution=False, locked=True, points=None)
        self._gid(f"{gid}_prompt")
        self.cells.append(nbformat.v4.new_markdown_cell(prompt.strip(), metadata=pmeta))
        meta = _meta(gid, grade=True, solution=True, locked=False, points=task.points)
        self.cells.append(nbformat.v4.new_markdown_cell(answer.strip(), metadata=meta))

    def build(self) -> nbformat.NotebookNode:
        """检查并返回笔记本 / Check coverage of the manifest's tasks and return the notebook."""
        missing = {cell_id(t.id) for t in self.assignment.tasks} - self._ids
        if missing:
            raise ValueError(f"{self.assignment.id}: tasks without a notebook cell: {missing}")
        nb = nbformat.v4.new_notebook()
        nb.metadata = {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        }
        for i, cell in enumerate(self.cells):
            cell["id"] = f"{self.assignment.id}-{i:03d}"
        nb.cells = self.cells
        nbformat.validate(nb)
        return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    """稳定的 JSON 文本 / Stable JSON text (sorted keys, one-space indent, trailing newline)."""
    return nbformat.writes(nb, version=4).rstrip("\n") + "\n"
