"""班级报告 / The class report: ``summary.json`` and ``summary.html`` next to ``grades.csv``.

Built from the students' ``report.json`` data only (which hold no hidden values):

* per-task score distributions (matplotlib histograms embedded as base64 PNG, so the page is
  readable from disk without a server) and a table of mean points and statuses;
* the most frequent hints with counts and percentages of the students ("38 % forgot f′(z^(l))");
* which tasks block which: for each pair (A blocks B), how many students had task B fail because
  of their failing task A, as the grader recorded it per student (``blocked_by`` in report.json);
* the students who got 0 on a task because of a crash or a limit (timeout, memory, exit, …);
* the sandbox's isolation level(s).

``python -m grader summary OUT -a a2`` rebuilds the report from an output folder;
``python -m grader grade`` writes it after every batch.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Any

from grader import manifest, registry
from grader.registry import tasks_for
from grader.report_html import one_line, table_head, two_lines
from grader.text import Text

HELP = Text(
    "班级报告（summary.html、summary.json），由输出目录生成",
    "class report (summary.html, summary.json) from an output folder",
).joined()

#: error kinds that mean "the code crashed or hit a limit" (see grader.engine._STATUS_KIND)
LIMIT_KINDS = {
    "timeout": Text("超时", "timeout"),
    "memory": Text("内存超限", "memory limit"),
    "crash": Text("崩溃", "crash"),
    "exit": Text("退出进程", "exited the process"),
    "too_large": Text("返回值过大", "reply too large"),
    "protocol": Text("返回值无法解析", "unreadable reply"),
}
STATUSES = ("passed", "partial", "failed", "not_implemented", "forbidden", "grader_error")


# --- the data ------------------------------------------------------------------------------
def blocking(
    reports: list[dict[str, Any]], lost: dict[str, set[str]]
) -> tuple[list[dict[str, Any]], int]:
    """哪些任务阻碍了哪些任务 / Which tasks blocked which, from the reports' own data.

    A pair (A blocks B) counts the students whose task B failed because of their failing task
    A, as the grader recorded it (``blocked_by`` of B in report.json: a check that could not
    run without A's functions, or the engine naming a failed dependency). Returns the pairs,
    most students first, and the number of reports that predate this field (graded before it
    existed: no dependency data, never guessed).
    """
    count: Counter[tuple[str, str]] = Counter()
    without = 0
    for r in reports:
        tasks = r.get("tasks", [])
        if tasks and not any("blocked_by" in t for t in tasks):
            without += 1
            continue
        for t in tasks:
            for a in dict.fromkeys(t.get("blocked_by", [])):
                count[(str(a), str(t["id"]))] += 1
    n = len(reports)
    blocks = [
        {
            "blocker": a,
            "blocked": b,
            "students": c,
            "percent": round(100.0 * c / n, 1) if n else 0.0,
            "lost_blocker": len(lost.get(a, ())),
        }
        for (a, b), c in count.items()
    ]
    blocks.sort(key=lambda d: (-d["students"], d["blocker"], d["blocked"]))
    return blocks, without


def _limit_kinds(task: dict[str, Any]) -> list[str]:
    """任务中因崩溃/限制失败的种类 / Crash/limit kinds among a task's failed cases."""
    kinds = [
        c["error"]["kind"]
        for c in task.get("cases", [])
        if not c.get("passed") and c.get("error") and c["error"].get("kind") in LIMIT_KINDS
    ]
    return list(dict.fromkeys(kinds))


def _hint_label(code: str) -> Text:
    """提示的短标签（第一句）/ A hint's short label: its text up to the first colon/period."""
    h = registry.hint(code)
    zh = h.zh.split("：")[0].split("。")[0] if h.zh else code
    en = h.en.split(":")[0].split(". ")[0] if h.en else code
    return Text(zh, en)


def build(
    assignment: str,
    reports: list[dict[str, Any]],
    tasks: list[str] | None = None,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    """班级统计（summary.json）/ The class statistics (the content of summary.json)."""
    info = manifest.get(assignment)
    graded = {t["id"] for r in reports for t in r.get("tasks", [])}
    ids = [t.id for t in tasks_for(assignment) if t.id in graded and (not tasks or t.id in tasks)]
    n = len(reports)
    by_task: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for r in reports:
        for t in r.get("tasks", []):
            if t["id"] in by_task:
                by_task[t["id"]].append(t)
    task_stats = []
    for i in ids:
        rows = by_task[i]
        spec = info.task(i)
        pts = [float(t["points"]) for t in rows]
        task_stats.append(
            {
                "id": i,
                **spec.title.fields("title"),
                "max_points": float(spec.points),
                "mean": round(sum(pts) / len(pts), 3) if pts else 0.0,
                "full": sum(p >= spec.points for p in pts),
                "zero": sum(p == 0 for p in pts),
                "points": sorted(pts),
                "status": {s: sum(t["status"] == s for t in rows) for s in STATUSES},
            }
        )
    hint_students: dict[str, set[str]] = defaultdict(set)
    hint_tasks: dict[str, Counter[str]] = defaultdict(Counter)
    for r in reports:
        for t in r.get("tasks", []):
            for code in t.get("hints", []):
                hint_students[code].add(r["student"])
                hint_tasks[code][t["id"]] += 1
    hints = []
    for code, students in sorted(hint_students.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        hints.append(
            {
                "code": code,
                "students": len(students),
                "percent": round(100.0 * len(students) / n, 1) if n else 0.0,
                "tasks": dict(hint_tasks[code].most_common()),
                **_hint_label(code).fields("label"),
                **registry.hint(code).fields("text"),
            }
        )
    lost: dict[str, set[str]] = {i: set() for i in ids}  # students who lost points on a task
    for r in reports:
        for t in r.get("tasks", []):
            if t["id"] in lost and t["points"] < t["max_points"]:
                lost[t["id"]].add(r["student"])
    blocks, without = blocking(reports, lost)
    crashes = []
    for r in sorted(reports, key=lambda r: r["student"]):
        for t in r.get("tasks", []):
            kinds = _limit_kinds(t)
            if kinds and t["points"] == 0:
                crashes.append(
                    {
                        "student": r["student"],
                        "task": t["id"],
                        "kinds": kinds,
                        "total": r.get("total", 0.0),
                    }
                )
    levels = Counter(str(r.get("isolation", {}).get("level", "?")) for r in reports)
    iso_desc = {}
    for r in reports:
        iso = r.get("isolation", {})
        iso_desc.setdefault(
            str(iso.get("level", "?")),
            {"zh": iso.get("description_zh", ""), "en": iso.get("description_en", "")},
        )
    totals = sorted(float(r.get("total", 0.0)) for r in reports)
    return {
        "assignment": assignment,
        **info.title.fields("title"),
        "students": n,
        "max_total": float(reports[0].get("max_total", 0.0)) if reports else 0.0,
        "mean_total": round(sum(totals) / n, 3) if n else 0.0,
        "median_total": totals[n // 2] if n else 0.0,
        "zero_total": sum(t == 0 for t in totals),
        "totals": totals,
        "tasks": task_stats,
        "hints": hints,
        "blocks": blocks,
        "blocks_without_data": without,
        "crashes": crashes,
        "grader_errors": list(errors or []),
        "isolation": {lvl: {"students": c, **iso_desc[lvl]} for lvl, c in levels.items()},
    }


# --- the plots -----------------------------------------------------------------------------
def _png(fig: Any) -> str:
    """图 → base64 PNG / A figure as a base64 PNG data URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _margins(fig: Any, left: float, bottom: float, top: float, **space: float) -> None:
    """Fixed margins in inches (instead of ``tight_layout`` and ``bbox_inches="tight"``, which
    lay every figure out twice: most of the class report's time)."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(
        left=left / w, right=1 - 0.15 / w, bottom=bottom / h, top=1 - top / h, **space
    )


def prepare() -> None:
    """Import the plotting library now (the batch calls this while its last students are
    graded, so that :func:`plots` does not wait for it)."""
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401


def plots(summary: dict[str, Any]) -> dict[str, str]:
    """每个任务与总分的分布图 / Histograms of each task's points and of the totals.

    Drawn on bare :class:`matplotlib.figure.Figure` objects with the Agg canvas (no pyplot,
    no global state)."""
    import numpy as np
    from matplotlib.figure import Figure

    out: dict[str, str] = {}
    tasks = summary["tasks"]
    cols = 4
    rows = max(1, -(-len(tasks) // cols))
    fig = Figure(figsize=(3.2 * cols, 2.4 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, t in zip(axes.flat, tasks, strict=False):
        top = t["max_points"] or 1.0
        edges = np.linspace(0, top, min(11, max(2, int(top * 2) + 1)) + 1)
        edges[-1] += 1e-9
        ax.hist(t["points"], bins=edges, color="#0969da", edgecolor="white")
        ax.set_title(f"{t['id']} (max {top:g})", fontsize=9)
        ax.set_xlabel("points", fontsize=8)
        ax.set_ylabel("students", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(tasks) :]:
        ax.axis("off")
    _margins(fig, 0.55, 0.45, 0.3, wspace=0.35, hspace=0.6)
    out["tasks"] = _png(fig)
    fig = Figure(figsize=(6, 2.6))
    ax = fig.subplots()
    top = summary["max_total"] or 1.0
    ax.hist(summary["totals"], bins=np.linspace(0, top + 1e-9, 21), color="#1a7f37")
    ax.set_xlabel(f"total (max {top:g})", fontsize=9)
    ax.set_ylabel("students", fontsize=9)
    _margins(fig, 0.6, 0.5, 0.15)
    out["totals"] = _png(fig)
    return out


# --- the page ------------------------------------------------------------------------------
CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:2em;max-width:80em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:.3em .5em;
vertical-align:top}th{background:#f6f8fa;text-align:left}.en{color:#57606a}.num{text-align:right}
img{max-width:100%}.small{font-size:.85em;color:#57606a}
"""


CLASS_REPORT = Text("班级报告", "class report")
BLOCKS_NOTE = Text(
    "“学生”= 任务 B 因为自己的任务 A 未通过而无法评判的学生人数"
    "（评分器逐个学生记录，见 report.json 的"
    " blocked_by）；最后一列 = 在 A 上失分的学生人数。",
    '"Students" = students whose task B could not be judged because their own task A failed '
    "(recorded per student by the grader: blocked_by in report.json); the last column = "
    "students who lost points on A.",
)
BLOCKS_OLD = Text(
    "{n} 份报告在记录依赖之前评分，不含依赖数据（未计入；用 --force 重新评分）。",
    "{n} report(s) were graded before dependencies were recorded and hold no dependency data "
    "(not counted; regrade with --force).",
)
HEADS = {
    "tasks": (
        Text("任务", "task"),
        Text("平均", "mean"),
        Text("满分", "full marks"),
        Text("0 分", "zero"),
        Text("状态", "statuses"),
    ),
    "hints": (
        Text("%", "%"),
        Text("学生", "students"),
        Text("提示", "hint"),
        Text("任务", "tasks"),
    ),
    "blocks": (
        Text("A（阻碍者）", "A (blocker)"),
        Text("B（受阻）", "B (blocked)"),
        Text("学生", "students"),
        Text("在 A 上失分", "lost points on A"),
    ),
    "crashes": (
        Text("学生", "student"),
        Text("任务", "task"),
        Text("原因", "cause"),
        Text("总分", "total"),
    ),
    "workers": (
        Text("地址", "address"),
        Text("主机", "host"),
        Text("级别", "level"),
        Text("说明", "description"),
    ),
}
H = {
    "totals": Text("总分分布", "Distribution of totals"),
    "tasks": Text("各任务得分分布", "Points per task"),
    "hints": Text("最常见的错误", "Most frequent mistakes"),
    "blocks": Text("哪些任务阻碍了哪些任务", "Which tasks block which"),
    "crashes": Text("因崩溃或超限得 0 分", "Zero because of a crash or a limit"),
    "errors": Text("评分器错误", "Grader errors"),
    "isolation": Text("沙箱隔离级别", "Sandbox isolation"),
    "workers": Text("最近一次 Dask 运行的工作节点", "Dask workers of the latest Dask run"),
}
HINTS_NOTE = Text(
    "百分比 = 收到该提示的学生占全班的比例", "percentage of the class that got the hint"
)
NONE = Text("无", "none")
LEVEL_STUDENTS = Text("名学生", "students")
FACTS = (
    ("students", Text("学生", "students")),
    ("mean_total", Text("平均分", "mean")),
    ("median_total", Text("中位数", "median")),
    ("max_total", Text("满分", "max")),
    ("zero_total", Text("0 分", "scored 0")),
)


def _table(kind: str, rows: str) -> str:
    """一张表（无行时写“无”）/ A table with its bilingual head, or "none" without rows."""
    if not rows:
        return f"<p>{one_line(NONE)}</p>"
    return f"<table>{table_head(*HEADS[kind])}{rows}</table>"


def render(summary: dict[str, Any], figures: dict[str, str]) -> str:
    """summary → HTML（自包含、无脚本）/ The self-contained page (no scripts, no server)."""
    e = escape
    s = summary
    n = s["students"] or 1
    trows = "".join(
        f"<tr><td><code>{e(t['id'])}</code><br>{two_lines(Text.from_fields(t, 'title'))}</td>"
        f"<td class=num>{t['mean']:g} / {t['max_points']:g}</td>"
        f"<td class=num>{t['full']} ({100 * t['full'] / n:.0f} %)</td>"
        f"<td class=num>{t['zero']} ({100 * t['zero'] / n:.0f} %)</td>"
        f"<td>{', '.join(f'{k}: {v}' for k, v in t['status'].items() if v)}</td></tr>"
        for t in s["tasks"]
    )
    hrows = "".join(
        f"<tr><td class=num>{h['percent']:g} %</td><td class=num>{h['students']}</td>"
        f"<td>{two_lines(Text.from_fields(h, 'label'))}"
        f"<div class=small>{two_lines(Text.from_fields(h, 'text'))}</div></td>"
        f"<td>{', '.join(f'<code>{e(k)}</code> ({v})' for k, v in h['tasks'].items())}</td></tr>"
        for h in s["hints"]
    )
    brows = "".join(
        f"<tr><td><code>{e(b['blocker'])}</code></td><td><code>{e(b['blocked'])}</code></td>"
        f"<td class=num>{b['students']} ({b['percent']:g} %)</td>"
        f"<td class=num>{b['lost_blocker']}</td></tr>"
        for b in s["blocks"]
    )
    old = s.get("blocks_without_data", 0)
    old_note = f"<p class=small>{one_line(BLOCKS_OLD.format(n=old))}</p>" if old else ""
    crows = "".join(
        f"<tr><td>{e(c['student'])}</td><td><code>{e(c['task'])}</code></td><td>"
        + ", ".join(one_line(LIMIT_KINDS[k]) for k in c["kinds"])
        + f"</td><td class=num>{c['total']:g}</td></tr>"
        for c in s["crashes"]
    )
    irows = "".join(
        f"<li><b>{e(lvl)}</b> ({v['students']} {one_line(LEVEL_STUDENTS)}): "
        f"{two_lines(Text(v['zh'], v['en']))}</li>"
        for lvl, v in s["isolation"].items()
    )
    errs = "".join(f"<li>{e(x)}</li>" for x in s["grader_errors"])
    wrows = "".join(
        f"<tr><td><code>{e(str(addr))}</code></td><td>{e(str(w.get('host', '')))}</td>"
        f"<td><b>{e(str(w.get('level', '?')))}</b></td>"
        f"<td>{two_lines(Text.from_fields(w, 'description'))}</td></tr>"
        for addr, w in sorted(s.get("dask_workers", {}).items())
    )
    workers = f"<h3>{one_line(H['workers'])}</h3>{_table('workers', wrows)}" if wrows else ""
    facts = " · ".join(f"{one_line(label)}: <b>{s[key]:g}</b>" for key, label in FACTS)
    title = Text.from_fields(s, "title")
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{e(s["assignment"])} {one_line(CLASS_REPORT)}</title><style>{CSS}</style></head>
<body>
<h1>{e(s["assignment"])} {one_line(title)} — {one_line(CLASS_REPORT)}</h1>
<p>{facts}</p>
<h2>{one_line(H["totals"])}</h2>
<img alt="totals histogram" src="{figures.get("totals", "")}">
<h2>{one_line(H["tasks"])}</h2>
<img alt="per-task histograms" src="{figures.get("tasks", "")}">
{_table("tasks", trows)}
<h2>{one_line(H["hints"])}</h2>
<p class=small>{one_line(HINTS_NOTE)}.</p>
{_table("hints", hrows)}
<h2>{one_line(H["blocks"])}</h2>
<p class=small>{two_lines(BLOCKS_NOTE)}</p>
{old_note}
{_table("blocks", brows)}
<h2>{one_line(H["crashes"])}</h2>
{_table("crashes", crows)}
{f"<h2>{one_line(H['errors'])}</h2><ul>{errs}</ul>" if errs else ""}
<h2>{one_line(H["isolation"])}</h2>
<ul>{irows}</ul>
{workers}
</body></html>
"""


def write(
    out: Path,
    assignment: str,
    reports: list[dict[str, Any]],
    tasks: list[str] | None = None,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    """写出 summary.json 与 summary.html / Write both files next to grades.csv; return the data."""
    from grader.batch import atomic_write

    data = build(assignment, reports, tasks, errors)
    workers = out / "dask_workers.json"  # written by grader.dask_backend
    if workers.is_file():
        with contextlib.suppress(OSError, ValueError):
            data["dask_workers"] = json.loads(workers.read_text(encoding="utf-8"))
    atomic_write(out / "summary.json", json.dumps(data, ensure_ascii=False, indent=1))
    atomic_write(out / "summary.html", render(data, plots(data)))
    return data


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """summary 子命令的选项 / Options of ``summary``."""
    parser.add_argument(
        "out", type=Path, help=Text("grade 的输出目录", "the output folder of grade").joined()
    )
    parser.add_argument("--assignment", "-a", required=True, help="a1 | a2 | a3 | a4")


NO_REPORTS = Text("错误：{out} 下没有 {a} 的 report.json", "error: no {a} report.json under {out}")


def run(args: argparse.Namespace) -> int:
    """summary 子命令 / Entry point of ``python -m grader summary``."""
    reports = []
    for path in sorted(Path(args.out).glob("*/report.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if data.get("assignment") == args.assignment:
            reports.append(data)
    if not reports:
        print(NO_REPORTS.format(a=args.assignment, out=args.out).joined())
        return 2
    write(Path(args.out), args.assignment, reports)
    print(f"{CLASS_REPORT.joined()}: {Path(args.out) / 'summary.html'}")
    return 0
