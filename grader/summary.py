"""班级报告 / The class report: ``summary.json`` and ``summary.html`` next to ``grades.csv``.

Built from the students' ``report.json`` data only (which hold no hidden values):

* per-task score distributions (matplotlib histograms embedded as base64 PNG, so the page is
  readable from disk without a server) and a table of mean points and statuses;
* the most frequent hints with counts and percentages of the students ("38 % forgot f′(z^(l))");
* which tasks block which: task B *uses* task A when B's functions call A's functions in the
  reference code (read statically with :mod:`ast`); for each such pair, how many of the students
  who lost points on A also lost points on B;
* the students who got 0 on a task because of a crash or a limit (timeout, memory, exit, …);
* the sandbox's isolation level(s).

``python -m grader summary OUT -a a2`` rebuilds the report from an output folder;
``python -m grader grade`` writes it after every batch.
"""

from __future__ import annotations

import argparse
import ast
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
from grader.text import Text

HELP = "班级报告 / class report (summary.html, summary.json) from an output folder"
ROOT = Path(__file__).resolve().parents[1]

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
def _called_names(tree: ast.Module) -> dict[str, set[str]]:
    """每个顶层函数调用的名字（含同模块内传递）/ Names each top-level function calls (closure)."""
    direct: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = set()
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call):
                    f = sub.func
                    if isinstance(f, ast.Name):
                        names.add(f.id)
                    elif isinstance(f, ast.Attribute):
                        names.add(f.attr)
            direct[node.name] = names
    out: dict[str, set[str]] = {}
    for fn in direct:
        seen, todo = set(), [fn]
        while todo:
            for n in direct.get(todo.pop(), set()):
                if n not in seen:
                    seen.add(n)
                    if n in direct:
                        todo.append(n)
        out[fn] = seen - {fn}
    return out


def dependencies(assignment: str, root: Path = ROOT) -> dict[str, set[str]]:
    """任务依赖 / ``{task B: {tasks A that B uses}}`` from the reference (or the release's) code.

    A task is *about* its functions minus those that a task with fewer functions tests
    (``a2.dense_backward`` is about ``dense_backward``, not ``dense_forward``; an integration
    task such as ``a2.example1`` is about none). B uses A when B
    tests or calls (directly or through helpers of the same module) a function A is about.
    """
    folder = root / "solutions" / assignment  # the reference shows who calls whom
    if not folder.is_dir():
        folder = root / "assignments" / assignment
    calls: dict[str, set[str]] = {}  # "module.func" -> called names
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, OSError):
            continue
        for fn, names in _called_names(tree).items():
            calls[f"{path.stem}.{fn}"] = names
    tasks = tasks_for(assignment)
    own: dict[str, set[str]] = {}  # the functions a task is about (not those of smaller tasks)
    for a in tasks:
        smaller = [set(t.functions) for t in tasks if len(t.functions) < len(a.functions)]
        own[a.id] = {f.split(".")[-1] for f in set(a.functions).difference(*smaller)}
    deps: dict[str, set[str]] = {}
    for b in tasks:
        uses = set().union(*(calls.get(f, set()) for f in b.functions))
        uses |= {f.split(".")[-1] for f in b.functions}
        for a in tasks:
            if a.id != b.id and own[a.id] & uses:
                deps.setdefault(b.id, set()).add(a.id)
    return deps


def _limit_kinds(task: dict[str, Any]) -> list[str]:
    """任务中因崩溃/限制失败的种类 / Crash/limit kinds among a task's failed cases."""
    kinds = [
        c["error"]["kind"]
        for c in task.get("cases", [])
        if not c.get("passed") and c.get("error") and c["error"].get("kind") in LIMIT_KINDS
    ]
    return list(dict.fromkeys(kinds))


def _hint_label(code: str) -> tuple[str, str]:
    """提示的短标签（第一句）/ A hint's short label: its text up to the first colon/period."""
    h = registry.hint(code)
    zh = h.zh.split("：")[0].split("。")[0] if h.zh else code
    en = h.en.split(":")[0].split(". ")[0] if h.en else code
    return zh, en


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
                "title_zh": spec.title_zh,
                "title_en": spec.title_en,
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
        zh, en = _hint_label(code)
        full = registry.hint(code)
        hints.append(
            {
                "code": code,
                "students": len(students),
                "percent": round(100.0 * len(students) / n, 1) if n else 0.0,
                "tasks": dict(hint_tasks[code].most_common()),
                "label_zh": zh,
                "label_en": en,
                "text_zh": full.zh,
                "text_en": full.en,
            }
        )
    lost: dict[str, set[str]] = {i: set() for i in ids}  # students who lost points on a task
    for r in reports:
        for t in r.get("tasks", []):
            if t["id"] in lost and t["points"] < t["max_points"]:
                lost[t["id"]].add(r["student"])
    blocks = []
    for b, uses in sorted(dependencies(assignment).items()):
        for a in sorted(uses):
            both = lost.get(a, set()) & lost.get(b, set())
            if not both:
                continue
            blocks.append(
                {
                    "blocker": a,
                    "blocked": b,
                    "lost_blocker": len(lost[a]),
                    "lost_both": len(both),
                    "lost_blocked_only": len(lost[b] - lost[a]),
                    "share": round(len(both) / len(lost[a]), 3),
                }
            )
    blocks.sort(key=lambda d: (-d["lost_both"], d["blocker"], d["blocked"]))
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
        "title_zh": info.title_zh,
        "title_en": info.title_en,
        "students": n,
        "max_total": float(reports[0].get("max_total", 0.0)) if reports else 0.0,
        "mean_total": round(sum(totals) / n, 3) if n else 0.0,
        "median_total": totals[n // 2] if n else 0.0,
        "zero_total": sum(t == 0 for t in totals),
        "totals": totals,
        "tasks": task_stats,
        "hints": hints,
        "blocks": blocks,
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


def render(summary: dict[str, Any], figures: dict[str, str]) -> str:
    """summary → HTML（自包含、无脚本）/ The self-contained page (no scripts, no server)."""
    e = escape
    s = summary
    n = s["students"] or 1
    trows = "".join(
        f"<tr><td><code>{e(t['id'])}</code><br>{e(t['title_zh'])}<br>"
        f"<span class=en>{e(t['title_en'])}</span></td>"
        f"<td class=num>{t['mean']:g} / {t['max_points']:g}</td>"
        f"<td class=num>{t['full']} ({100 * t['full'] / n:.0f} %)</td>"
        f"<td class=num>{t['zero']} ({100 * t['zero'] / n:.0f} %)</td>"
        f"<td>{', '.join(f'{k}: {v}' for k, v in t['status'].items() if v)}</td></tr>"
        for t in s["tasks"]
    )
    hrows = "".join(
        f"<tr><td class=num>{h['percent']:g} %</td><td class=num>{h['students']}</td>"
        f"<td>{e(h['label_zh'])}<br><span class=en>{e(h['label_en'])}</span>"
        f"<div class=small>{e(h['text_zh'])}<br>{e(h['text_en'])}</div></td>"
        f"<td>{', '.join(f'<code>{e(k)}</code> ({v})' for k, v in h['tasks'].items())}</td></tr>"
        for h in s["hints"]
    )
    brows = "".join(
        f"<tr><td><code>{e(b['blocker'])}</code></td><td><code>{e(b['blocked'])}</code></td>"
        f"<td class=num>{b['lost_both']} / {b['lost_blocker']} ({100 * b['share']:.0f} %)</td>"
        f"<td class=num>{b['lost_blocked_only']}</td></tr>"
        for b in s["blocks"]
    )
    crows = "".join(
        f"<tr><td>{e(c['student'])}</td><td><code>{e(c['task'])}</code></td><td>"
        + ", ".join(f"{LIMIT_KINDS[k].zh} / {LIMIT_KINDS[k].en}" for k in c["kinds"])
        + f"</td><td class=num>{c['total']:g}</td></tr>"
        for c in s["crashes"]
    )
    irows = "".join(
        f"<li><b>{e(lvl)}</b> ({v['students']} 名学生 / students): {e(v['zh'])}<br>"
        f"<span class=en>{e(v['en'])}</span></li>"
        for lvl, v in s["isolation"].items()
    )
    errs = "".join(f"<li>{e(x)}</li>" for x in s["grader_errors"])
    wrows = "".join(
        f"<tr><td><code>{e(str(addr))}</code></td><td>{e(str(w.get('host', '')))}</td>"
        f"<td><b>{e(str(w.get('level', '?')))}</b></td><td>{e(str(w.get('description_zh', '')))}"
        f"<br><span class=en>{e(str(w.get('description_en', '')))}</span></td></tr>"
        for addr, w in sorted(s.get("dask_workers", {}).items())
    )
    if wrows:
        wrows = (
            "<h3>最近一次 Dask 运行的工作节点 / Dask workers of the latest Dask run</h3>"
            "<table><tr><th>地址 / address</th>"
            f"<th>主机 / host</th><th>级别 / level</th><th>说明 / description</th></tr>{wrows}</table>"
        )
    none = "<p>无 / none</p>"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{e(s["assignment"])} 班级报告 / class report</title><style>{CSS}</style></head>
<body>
<h1>{e(s["assignment"])} {e(s["title_zh"])} / {e(s["title_en"])} — 班级报告 / class report</h1>
<p>学生 / students: <b>{s["students"]}</b> · 平均分 / mean: <b>{s["mean_total"]:g}</b> ·
中位数 / median: <b>{s["median_total"]:g}</b> · 满分 / max: {s["max_total"]:g} ·
0 分 / scored 0: {s["zero_total"]}</p>
<h2>总分分布 / Distribution of totals</h2>
<img alt="totals histogram" src="{figures.get("totals", "")}">
<h2>各任务得分分布 / Points per task</h2>
<img alt="per-task histograms" src="{figures.get("tasks", "")}">
<table><tr><th>任务 / task</th><th>平均 / mean</th><th>满分 / full marks</th>
<th>0 分 / zero</th><th>状态 / statuses</th></tr>{trows}</table>
<h2>最常见的错误 / Most frequent mistakes</h2>
<p class=small>百分比 = 收到该提示的学生占全班的比例 / percentage of the class that got the hint.</p>
{f"<table><tr><th>%</th><th>学生 / students</th><th>提示 / hint</th><th>任务 / tasks</th></tr>{hrows}</table>" if hrows else none}
<h2>哪些任务阻碍了哪些任务 / Which tasks block which</h2>
<p class=small>B 调用 A 的函数（由参考代码静态得出）。“同时失分”= 在 A 上失分的学生中也在 B 上失分的人数；
“仅 B 失分”= A 正确而 B 失分的人数。/ B calls A's functions (read from the reference code).
"Lost both" = students who lost points on A and also on B; "B only" = students who lost points on
B although A was right.</p>
{f"<table><tr><th>A（阻碍者 / blocker）</th><th>B（受阻 / blocked）</th><th>同时失分 / lost both</th><th>仅 B 失分 / B only</th></tr>{brows}</table>" if brows else none}
<h2>因崩溃或超限得 0 分 / Zero because of a crash or a limit</h2>
{f"<table><tr><th>学生 / student</th><th>任务 / task</th><th>原因 / cause</th><th>总分 / total</th></tr>{crows}</table>" if crows else none}
{f"<h2>评分器错误 / Grader errors</h2><ul>{errs}</ul>" if errs else ""}
<h2>沙箱隔离级别 / Sandbox isolation</h2>
<ul>{irows}</ul>
{wrows}
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
    parser.add_argument("out", type=Path, help="grade 的输出目录 / the output folder of grade")
    parser.add_argument("--assignment", "-a", required=True, help="a1 | a2 | a3 | a4")


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
        print(f"错误 / error: no {args.assignment} report.json under {args.out}")
        return 2
    write(Path(args.out), args.assignment, reports)
    print(f"班级报告 / class report: {Path(args.out) / 'summary.html'}")
    return 0
