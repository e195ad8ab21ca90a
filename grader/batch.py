"""批量评分 / Batch grading: ``python -m grader grade --assignment a2 SUB... --out OUT``.

Writes, for each submission folder (its name is the student id):

* ``OUT/<student>/report.json`` and ``OUT/<student>/report.html`` — written atomically (a
  temporary file, then :func:`os.replace`) as soon as that student is done, by the process that
  graded it: a killed batch loses no finished grade;
* ``OUT/grades.csv`` — one row per student, one column per autograded task, the total and the
  maximum, ready for an LMS (rewritten atomically after every student);
* ``OUT/summary.html`` and ``OUT/summary.json`` — the class report (:mod:`grader.summary`);
* a terminal table with a progress bar (rich).

Re-running resumes: a student whose ``report.json`` exists for the same assignment, grader
version and submission contents (a SHA-256 of its files) is not graded again (``--force``
regrades). A process pool (``--workers N``) grades students in parallel; the sympy oracles are
derived once in the parent before the pool forks, so workers inherit them (and their compiled
code is cached on disk across batches: :mod:`grader.oracles.diskcache`).

Exit code 0 when grading completed (whatever the scores); 2 for bad arguments; 3 if the grader
failed on some task (a grader bug, reported as ``grader_error``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import io
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from grader import manifest, report_html
from grader.registry import tasks_for

HELP = "批量评分 / grade submissions with the hidden suite"

#: Timings of the last :func:`grade_batch` in this process (seconds): ``derive`` (sympy oracles
#: or held-out data),
#: ``worker_start`` (starting the pool), ``wall`` (grading), ``summary`` (the class report);
#: read by the benchmark.
LAST_RUN: dict[str, float] = {}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """grade 子命令的选项 / Options of ``grade``."""
    parser.add_argument("--assignment", "-a", required=True, help="a1 | a2 | a3 | a4")
    parser.add_argument(
        "submissions",
        nargs="+",
        type=Path,
        help="学生提交目录（目录名 = 学号）；不含 .py 的目录按其子目录展开 / submission folders "
        "(folder name = student id); a folder without .py files is expanded to its subfolders",
    )
    parser.add_argument("--out", "-o", type=Path, required=True, help="输出目录 / output folder")
    parser.add_argument("--workers", "-j", type=int, default=1, help="并行进程数 / processes")
    parser.add_argument("--force", action="store_true", help="重新评分 / regrade everything")
    parser.add_argument("--quiet", "-q", action="store_true", help="不显示表格 / no table")
    parser.add_argument(
        "--tasks", nargs="+", metavar="TASK_ID", help="只评这些任务 / grade only these task ids"
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="在 Dask 集群上评分（tcp://host:8786 或 local:N）/ grade on a Dask cluster "
        "(scheduler address, or local:N for N local worker processes); needs .[dask]",
    )


def atomic_write(path: Path, text: str) -> None:
    """原子写入 / Write ``text`` to ``path`` atomically (temporary file + os.replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def fingerprint(folder: Path) -> str:
    """提交内容的指纹 / SHA-256 over a submission's regular files (names and bytes)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(folder).as_posix()
        if "__pycache__" in rel or rel.startswith("."):
            continue
        h.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def expand(paths: Iterable[Path]) -> list[Path]:
    """展开提交目录 / Expand folders without .py files to their subfolders."""
    out: list[Path] = []
    for p in paths:
        p = p.resolve()
        if not p.is_dir():
            raise FileNotFoundError(f"提交目录不存在 / no such submission folder: {p}")
        if any(p.glob("*.py")):
            out.append(p)
        else:
            out += sorted(d for d in p.iterdir() if d.is_dir() and not d.name.startswith("."))
    return out


def _done(out: Path, sub: Path, assignment: str, fp: str, ids: list[str]) -> dict[str, Any] | None:
    """已完成的报告（可续跑）/ The finished report of a student, if still valid."""
    from grader.engine import GRADER_VERSION

    path = out / sub.name / "report.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = (
        data.get("assignment") == assignment
        and data.get("grader_version") == GRADER_VERSION
        and data.get("fingerprint") == fp
        and [t.get("id") for t in data.get("tasks", [])] == ids
    )
    return data if ok else None


def grade_one(
    sub: Path, assignment: str, out: Path, tasks: list[str] | None = None
) -> dict[str, Any]:
    """评一个学生并原子写出报告 / Grade one student and write its reports atomically."""
    from grader.engine import grade_submission

    fp = fingerprint(sub)
    report = grade_submission(sub, assignment, tasks=tasks).to_json()
    return write_report(out, sub.name, report, fp)


def write_report(out: Path, student: str, report: dict[str, Any], fp: str) -> dict[str, Any]:
    """原子写出一个学生的报告 / Write a student's report.json and report.html atomically."""
    report["fingerprint"] = fp
    folder = out / student
    atomic_write(folder / "report.html", report_html.render(report))
    atomic_write(folder / "report.json", json.dumps(report, ensure_ascii=False, indent=1))
    return report


def _worker(job: tuple[str, str, str, list[str] | None]) -> dict[str, Any]:
    """进程池任务 / Pool entry point (never raises: a failure becomes a grader_error row)."""
    sub, assignment, out, tasks = job
    try:
        return grade_one(Path(sub), assignment, Path(out), tasks)
    except Exception as exc:  # the grader itself failed for this student
        return {"student": Path(sub).name, "error": f"{type(exc).__name__}: {exc}"}


def _ids(assignment: str, tasks: list[str] | None = None) -> list[str]:
    """作业的任务 id / Task ids of the assignment (optionally restricted)."""
    return [t.id for t in tasks_for(assignment) if tasks is None or t.id in tasks]


def write_csv(
    out: Path, assignment: str, reports: list[dict[str, Any]], tasks: list[str] | None = None
) -> Path:
    """grades.csv：每行一个学生 / One row per student, a column per task, total, max."""
    ids = _ids(assignment, tasks)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", *ids, "total", "max_total"])
    for r in sorted(reports, key=lambda r: r["student"]):
        pts = {t["id"]: t["points"] for t in r.get("tasks", [])}
        row = [r["student"], *(f"{pts.get(i, 0.0):g}" for i in ids)]
        w.writerow([*row, f"{r.get('total', 0.0):g}", f"{r.get('max_total', 0.0):g}"])
    path = out / "grades.csv"
    atomic_write(path, buf.getvalue())
    return path


def _cell(t: dict[str, Any] | None) -> str:
    """一个分数单元格 / One coloured points cell."""
    if t is None:
        return "–"
    color = {"passed": "green", "partial": "yellow"}.get(t["status"], "red")
    return f"[{color}]{t['points']:g}[/{color}]"


def _table(assignment: str, reports: list[dict[str, Any]], tasks: list[str] | None) -> Any:
    """终端表格 / The terminal table (rich): students as columns when there are few."""
    from rich.table import Table

    ids = _ids(assignment, tasks)
    reports = sorted(reports, key=lambda r: r["student"])
    by = [{t["id"]: t for t in r.get("tasks", [])} for r in reports]
    table = Table(title=f"{assignment} 评分 / grades")
    if len(reports) <= 6:
        table.add_column("任务 / task")
        for r in reports:
            table.add_column(r["student"], justify="right")
        for i in ids:
            table.add_row(i, *(_cell(b.get(i)) for b in by))
        table.add_row(
            "[bold]总分 / total",
            *(f"[bold]{r.get('total', 0):g}/{r.get('max_total', 0):g}" for r in reports),
        )
        return table
    table.add_column("学生 / student")
    for k, _ in enumerate(ids, 1):
        table.add_column(f"T{k}", justify="right")
    table.add_column("总分 / total", justify="right", style="bold")
    for r, b in zip(reports, by, strict=True):
        table.add_row(
            r["student"],
            *(_cell(b.get(i)) for i in ids),
            f"{r.get('total', 0):g}/{r.get('max_total', 0):g}",
        )
    table.caption = " ".join(f"T{k}={i}" for k, i in enumerate(ids, 1))
    return table


def grade_batch(
    assignment: str,
    submissions: list[Path],
    out: Path,
    *,
    workers: int = 1,
    force: bool = False,
    quiet: bool = False,
    tasks: list[str] | None = None,
    dask: str | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """批量评分 / Grade ``submissions`` into ``out``; returns (exit code, reports).

    ``dask`` (an address or ``local:N``) grades on a Dask cluster instead of the local pool.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from grader.suites import oracles

    console = Console(stderr=True, quiet=quiet)
    manifest.get(assignment)
    subs = expand(submissions)
    names = [s.name for s in subs]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        console.print(f"[red]学号重复 / duplicate student ids: {', '.join(sorted(dup))}")
        return 2, []
    out.mkdir(parents=True, exist_ok=True)
    reports: dict[str, dict[str, Any]] = {}
    todo: list[Path] = []
    for s in subs:
        prev = None if force else _done(out, s, assignment, fingerprint(s), _ids(assignment, tasks))
        if prev is not None:
            reports[s.name] = prev
        else:
            todo.append(s)
    t0 = time.perf_counter()
    LAST_RUN.clear()
    derive = oracles.warm() if todo and assignment == "a2" else {}
    t_derive = LAST_RUN["derive"] = time.perf_counter() - t0
    if todo and assignment in ("a3", "a4"):
        from grader.suites import heldout

        heldout.digits()  # load the embedded digits once, before the pool forks
    LAST_RUN["derive"] = time.perf_counter() - t0
    if todo and not dask:
        from grader.sandbox import isolation_report

        isolation_report()  # probe the sandbox once here, not once per forked worker
    if todo and derive:
        from grader.oracles import diskcache

        console.print(
            f"sympy oracle 推导 / derivation: {t_derive:.2f} s "
            f"({len(derive) - 1} oracles, once per batch; compiled code {diskcache.stats})"
        )
    if len(reports):
        console.print(f"续跑：跳过 {len(reports)} 个已完成 / resuming: {len(reports)} already done")
    errors: list[str] = []
    jobs = [(str(s), assignment, str(out), tasks) for s in todo]
    pool = remote = None
    if dask and jobs:
        from grader import dask_backend

        t1 = time.perf_counter()
        remote = dask_backend.Remote(dask, console)
        LAST_RUN["worker_start"] = time.perf_counter() - t1
    elif workers > 1 and len(jobs) > 1:
        # Fork before the progress display starts its thread; workers inherit the oracles.
        ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        t1 = time.perf_counter()
        pool = ctx.Pool(min(workers, len(jobs)))
        LAST_RUN["worker_start"] = time.perf_counter() - t1
    try:
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            bar = progress.add_task("评分 / grading", total=len(subs), completed=len(reports))
            results = pool.imap_unordered(_worker, jobs) if pool else map(_worker, jobs)
            if remote is not None:
                results = remote.grade(jobs)
            for r in results:
                if "error" in r:
                    errors.append(f"{r['student']}: {r['error']}")
                else:
                    reports[r["student"]] = r
                    if any(t["status"] == "grader_error" for t in r["tasks"]):
                        errors.append(f"{r['student']}: grader_error in a task")
                    write_csv(out, assignment, list(reports.values()), tasks)
                progress.advance(bar)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        if remote is not None:
            remote.close()
    all_reports = [reports[n] for n in sorted(reports)]
    write_csv(out, assignment, all_reports, tasks)
    LAST_RUN["wall"] = time.perf_counter() - t0
    if all_reports:
        from grader import summary

        t1 = time.perf_counter()
        summary.write(out, assignment, all_reports, tasks, errors)  # summary.html, summary.json
        LAST_RUN["summary"] = time.perf_counter() - t1
    if not quiet:
        Console().print(_table(assignment, all_reports, tasks))
    iso = next((r.get("isolation", {}) for r in all_reports), {})
    console.print(
        f"隔离级别 / isolation: {iso.get('level', '?')} — {iso.get('description_en', '')}\n"
        f"报告 / reports: {out}/<student>/report.html, report.json; 成绩 / grades: "
        f"{out / 'grades.csv'}; 班级报告 / class report: {out / 'summary.html'}"
    )
    for e in errors:
        console.print(f"[red]评分器错误 / grader error: {e}")
    return (3 if errors else 0), all_reports


def run(args: argparse.Namespace) -> int:
    """grade 子命令 / Entry point of ``python -m grader grade``."""
    try:
        code, _ = grade_batch(
            args.assignment,
            list(args.submissions),
            args.out,
            workers=max(1, args.workers),
            force=args.force,
            quiet=args.quiet,
            tasks=args.tasks,
            dask=args.dask,
        )
    except (KeyError, FileNotFoundError, ImportError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except (OSError, TimeoutError, ValueError) as exc:  # e.g. no Dask scheduler at --dask
        print(f"错误 / error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    return code
