"""反馈笔记本中的可信评分 / The trusted grader's report inside nbgrader's feedback notebook.

``nbgrader release_feedback`` / ``fetch_feedback`` deliver one HTML page per notebook, nothing
else. :class:`TrustedReportCells` (a ``GenerateFeedback`` preprocessor, run after nbgrader's
``GetGrades``) therefore writes the kit's report into that page: a zh/en summary at the top
(every task's points and status, and why the notebook was not run when it was not), and after
every autograded cell the trusted comment next to its score.
"""

from __future__ import annotations

import contextlib
import html
import json
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from grader.text import Text

NOTEBOOK_STATUS = {
    "failed": Text(
        "你的笔记本无法执行，未运行；书面回答已交给助教，模块任务照常评分。",
        "your notebook could not be executed and was not run; the written answers went to the "
        "TAs and the module tasks were graded as usual.",
    ),
    "timeout": Text(
        "你的笔记本超时，已终止；书面回答已交给助教，模块任务照常评分。",
        "your notebook timed out and was stopped; the written answers went to the TAs and the "
        "module tasks were graded as usual.",
    ),
    "layout": Text(
        "你的提交目录结构有误，未评分。",
        "the layout of your submission folder is wrong; it was not graded.",
    ),
}


def _md(text: str) -> str:
    """Markdown 中安全的文本 / Text safe inside markdown (HTML escaped, one line per line)."""
    return "  \n".join(html.escape(line) for line in str(text).splitlines())


TITLE = Text("nnkit 可信评分报告", "Trusted grader report")
NOTE = Text("注意", "Note")
LATE = Text("迟交扣分", "Late penalty")
TOTAL = Text("可信总分", "Trusted total")
HEAD = (
    Text("任务", "task"),
    Text("分数", "points"),
    Text("状态", "status"),
    Text("说明", "feedback"),
)


def summary_markdown(report: dict[str, Any] | None, outcome: dict[str, Any] | None) -> str:
    """报告摘要 / The zh/en summary cell: notebook status, then a row per task."""
    from grader.nbgrader_bridge import _status_text

    lines = [f"## {TITLE.joined()}", ""]
    outcome = outcome or {}
    status = outcome.get("nbgrader", "")
    if status in NOTEBOOK_STATUS:
        note = NOTEBOOK_STATUS[status]
        lines += [f"**{NOTE.joined()}**: {_md(note.joined())}", ""]
        for problem in outcome.get("problems", [])[:3]:
            lines += [f"- {_md(problem)}"]
        if outcome.get("nbgrader_error"):
            lines += [f"- {_md(outcome['nbgrader_error'])}"]
        lines += [""]
    if outcome.get("late_penalty"):
        lines += [f"**{LATE.joined()}**: {outcome['late_penalty']:g}", ""]
    if report and report.get("tasks"):
        lines += [
            f"**{TOTAL.joined()}**: {report.get('total', 0):g} / {report.get('max_total', 0):g}",
            "",
            "| " + " | ".join(h.joined() for h in HEAD) + " |",
            "|---|---|---|---|",
        ]
        for t in report["tasks"]:
            state = _status_text(t.get("status", "")).joined()
            msg = Text.from_fields(t, "message").joined()
            lines.append(
                f"| {_md(t.get('id', ''))} | {t.get('points', 0):g}/{t.get('max_points', 0):g} "
                f"| {_md(state)} | {_md(msg).replace('|', '&#124;')} |"
            )
    return "\n".join(lines)


class TrustedReportCells(Preprocessor):
    """把可信评分写进反馈笔记本 / Insert the trusted report into the feedback notebook."""

    enabled = Bool(True)
    reports_dir = Unicode("", help="nnkit_reports/<aid> of the course").tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """摘要放在最前，评语放在每个自动评分单元之后 / Summary first, comments after cells."""
        from grader.nbgrader_bridge import task_comment

        info = resources.get("nbgrader", {})
        student = info.get("student", "")
        if self.reports_dir:
            base = Path(self.reports_dir)
        else:  # formgrader's Feedback button: the course from nbgrader's own config
            from nbgrader.coursedir import CourseDirectory

            from grader.nbgrader_bridge import REPORTS_DIR

            base = Path(CourseDirectory(config=self.config).root) / REPORTS_DIR
            base = base / info.get("assignment", "")
        report = outcome = None
        with contextlib.suppress(OSError, ValueError):
            report = json.loads((base / student / "report.json").read_text(encoding="utf-8"))
        try:
            outcomes = json.loads((base / "bridge.json").read_text(encoding="utf-8"))
            outcome = next((o for o in outcomes if o.get("student") == student), None)
        except (OSError, ValueError):
            pass
        by_cell = {t["id"].replace(".", "_"): t for t in (report or {}).get("tasks", [])}
        cells = [nbformat.v4.new_markdown_cell(summary_markdown(report, outcome))]
        for cell in nb.cells:
            cells.append(cell)
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid in by_cell:
                text = _md(task_comment(by_cell[gid]))
                cells.append(nbformat.v4.new_markdown_cell(f"> {text}"))
        nb.cells = cells
        return nb, resources
