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


def render(report: dict[str, Any]) -> str:
    """report.json → HTML 文本 / Render a report (as in report.json) to HTML."""
    e = escape
    rows = []
    for t in report["tasks"]:
        status = STATUS_TEXT.get(t["status"], Text(t["status"], t["status"]))
        color = COLOURS.get(t["status"], "#000")
        rows.append(
            "<tr>"
            f"<td><code>{e(t['id'])}</code><br>{e(t['title_zh'])}<br>"
            f"<span class=en>{e(t['title_en'])}</span></td>"
            f"<td>{t['points']:g} / {t['max_points']:g}</td>"
            f"<td class=st style='color:{color}'>{e(status.zh)}<br>"
            f"<span class=en>{e(status.en)}</span></td>"
            f"<td>{e(t['message_zh'])}<br><span class=en>{e(t['message_en'])}</span>"
            f"<div class=small>计分规则 / credit: {e(t['credit_rule_zh'])} / "
            f"{e(t['credit_rule_en'])}</div></td>"
            "</tr>"
        )
    manual = "".join(
        f"<li><code>{e(m['id'])}</code> {e(m['title_zh'])} / {e(m['title_en'])} "
        f"({m['points']:g})</li>"
        for m in report.get("manual_tasks", [])
    )
    iso = report.get("isolation", {})
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{e(report["student"])} · {e(report["assignment"])}</title><style>{CSS}</style></head>
<body>
<h1>{e(report["assignment"])} {e(report["title_zh"])} / {e(report["title_en"])}</h1>
<p>学生 / student: <b>{e(report["student"])}</b> —
自动评分 / autograded: <b>{report["total"]:g} / {report["max_total"]:g}</b></p>
<table><tr><th>任务 / task</th><th>得分 / points</th><th>状态 / status</th>
<th>反馈 / feedback</th></tr>
{"".join(rows)}
</table>
{f"<h2>人工评分 / graded by a TA</h2><ul>{manual}</ul>" if manual else ""}
<p class=small>隔离 / isolation: {e(str(iso.get("level", "?")))} —
{e(str(iso.get("description_zh", "")))} / {e(str(iso.get("description_en", "")))}<br>
评分器版本 / grader version {e(str(report.get("grader_version", "")))}</p>
</body></html>
"""
