"""每个学生的 HTML 报告 / The per-student HTML report (self-contained, no scripts).

Built from ``report.json`` data only (which holds no hidden values); every text is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from grader.feedback import STATUS_TEXT
from grader.text import Text

#: status → colour (the status texts are grader.feedback.STATUS_TEXT)
COLOURS = {
    "passed": "#1a7f37",
    "partial": "#9a6700",
    "failed": "#cf222e",
    "not_implemented": "#6e7781",
    "forbidden": "#cf222e",
    "grader_error": "#8250df",
}

CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:2em;max-width:70em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #d0d7de;padding:.4em;
vertical-align:top}th{background:#f6f8fa;text-align:left}.en{color:#57606a}
.st{font-weight:bold}.small{font-size:.85em;color:#57606a}
"""


def two_lines(text: Text) -> str:
    """双语 HTML：中文一行，英文（灰色）一行 / Escaped HTML, Chinese above English (grey)."""
    return f"{escape(text.zh)}<br><span class=en>{escape(text.en)}</span>"


def one_line(text: Text) -> str:
    """双语 HTML，一行 / Escaped HTML, ``zh / en`` on one line (headings, table heads)."""
    return escape(text.joined())


def table_head(*columns: Text) -> str:
    """表头行 / A table's head row, one ``zh / en`` cell per column."""
    return "<tr>" + "".join(f"<th>{one_line(c)}</th>" for c in columns) + "</tr>"


STUDENT = Text("学生", "student")
TASK = Text("任务", "task")
CREDIT = Text("计分规则", "credit")
HEAD = (TASK, Text("得分", "points"), Text("状态", "status"), Text("反馈", "feedback"))
AUTOGRADED = Text("自动评分", "autograded")
MANUAL = Text("人工评分", "graded by a TA")
ISOLATION = Text("隔离", "isolation")
VERSION = Text("评分器版本", "grader version")


def render(report: dict[str, Any]) -> str:
    """report.json → HTML 文本 / Render a report (as in report.json) to HTML."""
    e = escape
    rows = []
    for t in report["tasks"]:
        status = STATUS_TEXT.get(t["status"], Text(t["status"], t["status"]))
        color = COLOURS.get(t["status"], "#000")
        rows.append(
            "<tr>"
            f"<td><code>{e(t['id'])}</code><br>{two_lines(Text.from_fields(t, 'title'))}</td>"
            f"<td>{t['points']:g} / {t['max_points']:g}</td>"
            f"<td class=st style='color:{color}'>{two_lines(status)}</td>"
            f"<td>{two_lines(Text.from_fields(t, 'message'))}"
            f"<div class=small>{one_line(CREDIT)}: "
            f"{one_line(Text.from_fields(t, 'credit_rule'))}</div></td>"
            "</tr>"
        )
    manual = "".join(
        f"<li><code>{e(m['id'])}</code> {one_line(Text.from_fields(m, 'title'))} "
        f"({m['points']:g})</li>"
        for m in report.get("manual_tasks", [])
    )
    iso = report.get("isolation", {})
    title = Text.from_fields(report, "title")
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{e(report["student"])} · {e(report["assignment"])}</title><style>{CSS}</style></head>
<body>
<h1>{e(report["assignment"])} {one_line(title)}</h1>
<p>{one_line(STUDENT)}: <b>{e(report["student"])}</b> —
{one_line(AUTOGRADED)}: <b>{report["total"]:g} / {report["max_total"]:g}</b></p>
<table>{table_head(*HEAD)}
{"".join(rows)}
</table>
{f"<h2>{one_line(MANUAL)}</h2><ul>{manual}</ul>" if manual else ""}
<p class=small>{one_line(ISOLATION)}: {e(str(iso.get("level", "?")))} —
{one_line(Text.from_fields(iso, "description"))}<br>
{one_line(VERSION)} {e(str(report.get("grader_version", "")))}</p>
</body></html>
"""
