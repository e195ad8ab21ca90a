"""参考答案在多个学生 id 下的最差情况 / The reference's worst case over many student ids.

``python -m grader.reference_check --ids 1000 [--jobs 2] [--assignment a3] [--tasks ID …]
[--state FILE] [--show]``

Runs the reference solution (``solutions/<a>/``, the kit's own code, so in process: see
:mod:`grader.inprocess`) through every task of every suite for student ids ``ref-0`` …
``ref-(N−1)`` and prints, per task, the number of ids that lost points, the worst loss and the
seconds per id. The grade's promise "no correct work loses a point" holds when every line
reads 0 ids. The ids are shared out over ``--jobs`` processes (default: every core); each
process grades whole ids exactly as one process would, so the table does not depend on it.

For the training tasks it also prints, from every threshold decision
(:func:`grader.suites.heldout.observe_thresholds`, attributed to the case that made it):

* ``headroom``: the smallest distance of the reference's metric from the bar actually applied
  (min(threshold, same-seed reference − margin), or the max for an MSE), on the passing side;
* ``ref − thr``: the smallest distance of the same-seed nncore reference from the documented
  threshold (negative: for that id the bar was relaxed to the reference − margin), i.e. the
  calibration of the threshold over N seeds; ``relaxed``: how many ids needed the relaxation.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from grader import inprocess
from grader.engine import grade_submission
from grader.registry import ASSIGNMENTS, tasks_for
from grader.suites import heldout
from grader.text import Text

ROOT = Path(__file__).resolve().parents[1]
#: ids per unit of work handed to a process (small enough to balance two cores).
CHUNK = 5


def _blank() -> dict[str, Any]:
    """一个任务的空汇总 / An empty per-task summary."""
    return {"ids_losing": 0, "max_lost": 0.0, "seconds": 0.0, "cpu": 0.0, "student_cpu": 0.0,
            "losing": [], "decisions": 0,
            "headroom": math.inf, "ref_minus_threshold": math.inf, "relaxed": 0}  # fmt: skip


def _observed(w: dict[str, Any], seen: list[dict[str, Any]]) -> None:
    """记入一个学号的阈值判定 / Fold one id's threshold decisions into a summary."""
    for d in seen:
        w["decisions"] += 1
        w["headroom"] = min(w["headroom"], d["headroom"])
        gap = d["reference"] - d["threshold"]  # NaN without a reference
        if not math.isnan(gap):
            w["ref_minus_threshold"] = min(w["ref_minus_threshold"],
                                           gap if d["at_least"] else -gap)  # fmt: skip
    w["relaxed"] += int(any(d["bar"] != d["threshold"] for d in seen))


def _sweep(ids: Iterable[int], assignments: tuple[str, ...], tasks: list[str] | None,
           root: Path) -> dict[str, dict[str, Any]]:  # fmt: skip
    """在一个进程里评一组学号 / Grade the reference for some ids in this process."""
    out: dict[str, dict[str, Any]] = {}
    for k in ids:
        student = f"ref-{k}"
        for a in assignments:
            selected = [t.id for t in tasks_for(a) if tasks is None or t.id in tasks]
            if not selected:
                continue
            seen: list[dict[str, Any]] = []
            cpu: list[dict[str, float]] = []
            with heldout.observe_thresholds(seen.append), inprocess.observe_cpu(cpu.append):
                report = grade_submission(root / "solutions" / a, a, student=student,
                                          tasks=selected, in_process=True)  # fmt: skip
            for t, c in zip(report.tasks, cpu, strict=True):
                w = out.setdefault(t.id, _blank())
                lost = round(t.max_points - t.points, 2)
                w["seconds"] += t.seconds
                w["cpu"] += c["total"]
                w["student_cpu"] += c["student"]
                if lost > 0:
                    w["ids_losing"] += 1
                    w["max_lost"] = max(w["max_lost"], lost)
                    w["losing"].append(student)
                # the decisions made by this task's cases, in the order the cases were made
                mine = []
                for case in t.cases:
                    if seen and seen[0]["label"] == case["label_en"]:
                        mine.append(seen.pop(0))
                _observed(w, mine)
            if seen:  # every decision belongs to a case of some task
                raise RuntimeError(f"unattributed threshold decisions: {seen}")
    return out


def _merge(total: dict[str, dict[str, Any]], part: dict[str, dict[str, Any]]) -> None:
    """合并两个进程的汇总 / Merge one process's summary into the total."""
    for tid, w in part.items():
        t = total.setdefault(tid, _blank())
        for key in ("ids_losing", "seconds", "cpu", "student_cpu", "decisions", "relaxed"):
            t[key] += w.get(key, 0.0)
        for key in ("headroom", "ref_minus_threshold"):
            t[key] = min(t[key], w[key])
        t["max_lost"] = max(t["max_lost"], w["max_lost"])
        t["losing"] = sorted(t["losing"] + w["losing"], key=lambda s: int(s.split("-")[1]))


def _chunks(n_ids: int, size: int) -> Iterator[range]:
    """学号分块 / ids 0 … n−1 in blocks of ``size``."""
    for start in range(0, n_ids, size):
        yield range(start, min(start + size, n_ids))


def worst_case(
    n_ids: int,
    assignments: tuple[str, ...] = ASSIGNMENTS,
    tasks: list[str] | None = None,
    root: Path = ROOT,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    state: Path | None = None,
) -> dict[str, dict[str, Any]]:
    """每个任务：失分的 id 数与最大失分 / Per task: ids losing points, the largest loss, the
    seconds spent, the ids that lost (``losing``) and, for training tasks, the threshold
    figures described in the module docstring. ``jobs`` > 1 shares the ids out over that many
    forked processes (same result); ``progress(k)`` is told whenever k more ids are done.

    ``state``: a JSON file updated after every block of ids; a run with the same ids, suites
    and tasks continues from it (a long sweep on a busy machine can be stopped and resumed).
    """
    from grader.suites import oracles

    _task_order(assignments)  # loads the suites here, before any fork: every process shares them
    key = {"n_ids": n_ids, "assignments": list(assignments), "tasks": tasks, "chunk": CHUNK}
    total, done = _load_state(state, key)
    chunks = [ids for ids in _chunks(n_ids, CHUNK) if ids.start not in done]

    def merge(ids: range, part: dict[str, dict[str, Any]]) -> None:
        _merge(total, part)
        done.add(ids.start)
        if state is not None:
            _save_state(state, key, total, done)
        if progress is not None:
            progress(len(ids))

    if jobs <= 1 or len(chunks) <= 1:
        for ids in chunks:
            merge(ids, _sweep(ids, assignments, tasks, root))
    else:
        oracles.warm()  # derived once here, inherited by every forked process
        heldout.digits()
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            parts = {pool.submit(_sweep, ids, assignments, tasks, root): ids for ids in chunks}
            for fut in as_completed(parts):
                merge(parts[fut], fut.result())
    return _ordered(total, assignments)


def _task_order(assignments: tuple[str, ...]) -> dict[str, int]:
    """任务在其作业中的位置 / Each task's position in its suite."""
    return {t.id: k for a in assignments for k, t in enumerate(tasks_for(a))}


def _ordered(total: dict[str, dict[str, Any]], assignments: tuple[str, ...]) -> dict[str, Any]:
    """按作业与任务顺序 / The summaries in the suites' task order."""
    order = _task_order(assignments)
    return dict(sorted(total.items(), key=lambda kv: (kv[0].split(".")[0], order[kv[0]])))


def _load_state(state: Path | None, key: dict[str, Any]) -> tuple[dict[str, Any], set[int]]:
    """读取进度（参数相同时）/ The saved summaries and finished blocks, if ``key`` matches."""
    if state is None or not state.exists():
        return {}, set()
    saved = json.loads(state.read_text("utf-8"))
    if saved.get("key") != key:
        raise ValueError(f"{state} belongs to another sweep ({saved.get('key')}); remove it")
    return saved["total"], set(saved["done"])


def _save_state(state: Path, key: dict[str, Any], total: dict[str, Any], done: set[int]) -> None:
    """原子地写出进度 / Write the progress atomically (a stopped run loses one block at most)."""
    tmp = state.with_name(state.name + ".tmp")
    tmp.write_text(json.dumps({"key": key, "total": total, "done": sorted(done)}), "utf-8")
    os.replace(tmp, state)


def ids_done(state: Path) -> int:
    """进度文件里已完成的学号数 / How many ids a state file has finished."""
    saved = json.loads(state.read_text("utf-8"))
    n = saved["key"]["n_ids"]
    return sum(len(range(s, min(s + CHUNK, n))) for s in saved["done"])


def table(worst: dict[str, dict[str, Any]], n_ids: int) -> str:
    """汇总表 / The per-task table as text."""
    lines = [f"{'task':22} {'ids losing':>10} {'worst loss':>10} {'s/id':>7} {'student':>7} "
             f"{'grader':>7} {'headroom':>9} {'ref − thr':>10} {'relaxed':>8}"]  # fmt: skip
    for tid, w in worst.items():
        n, student = max(n_ids, 1), w.get("student_cpu", 0.0)
        row = (f"{tid:22} {int(w['ids_losing']):>10} {w['max_lost']:>10.2f} "
               f"{w['seconds'] / n:>7.3f} {student / n:>7.3f} "
               f"{(w.get('cpu', 0.0) - student) / n:>7.3f}")  # fmt: skip
        if w["decisions"]:  # tasks with threshold decisions (the training tasks)
            row += (f" {w['headroom']:>9.4f} {w['ref_minus_threshold']:>10.4f} "
                    f"{int(w['relaxed']):>8}")  # fmt: skip
        if w["losing"]:
            row += "  e.g. " + ", ".join(w["losing"][:5])
        lines.append(row)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """命令行 / Command line (exit 1 if any task loses points for any id)."""
    ap = argparse.ArgumentParser(prog="python -m grader.reference_check", description=__doc__)
    ap.add_argument(
        "--ids", type=int, default=100, help=Text("学号个数", "number of student ids").joined()
    )
    ap.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help=Text("进程数", "processes").joined()
    )
    ap.add_argument("--assignment", choices=ASSIGNMENTS, action="append")
    ap.add_argument("--tasks", nargs="*")
    ap.add_argument(
        "--state", type=Path, help=Text("进度文件，可续跑", "progress file (resumable)").joined()
    )
    ap.add_argument(
        "--show",
        action="store_true",
        help=Text("只打印进度文件的表", "only print the table of --state").joined(),
    )
    args = ap.parse_args(argv)
    if args.show:
        saved = json.loads(args.state.read_text("utf-8"))
        n = ids_done(args.state)
        print(table(_ordered(saved["total"], tuple(saved["key"]["assignments"])), n))
        print(f"{n} of {saved['key']['n_ids']} ids done")
        return 0
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    t0 = time.monotonic()
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        job = bar.add_task(Text("学号", "ids").joined(), total=args.ids)
        if args.state is not None and args.state.exists():
            bar.advance(job, ids_done(args.state))
        worst = worst_case(args.ids, tuple(args.assignment or ASSIGNMENTS), args.tasks,
                           jobs=args.jobs, progress=lambda k: bar.advance(job, k),
                           state=args.state)  # fmt: skip
    wall = time.monotonic() - t0
    print(table(worst, args.ids))
    bad = sum(1 for w in worst.values() if w["ids_losing"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"reference over {args.ids} ids: {bad} task(s) lose points "
          f"({wall:.0f} s wall, {args.jobs} job(s), load average {load:.1f})")  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
