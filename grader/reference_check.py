"""参考答案在多个学生 id 下的最差情况 / The reference's worst case over many student ids.

``python -m grader.reference_check --ids 1000 [--assignment a3] [--tasks a3.sgd_epoch ...]``

Runs the reference solution (``solutions/<a>/``, the kit's own code, so in process: see
:mod:`grader.inprocess`) through every task of every suite for student ids ``ref-0`` …
``ref-(N−1)`` and prints, per task, the number of ids that lost points and the worst loss. The
grade's promise "no correct work loses a point" holds when every line reads 0 ids.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from grader.engine import grade_submission
from grader.registry import ASSIGNMENTS, tasks_for

ROOT = Path(__file__).resolve().parents[1]


def worst_case(
    n_ids: int,
    assignments: tuple[str, ...] = ASSIGNMENTS,
    tasks: list[str] | None = None,
    root: Path = ROOT,
) -> dict[str, dict[str, float]]:
    """每个任务：失分的 id 数与最大失分 / Per task: ids losing points and the largest loss."""
    out: dict[str, dict[str, float]] = {}
    for a in assignments:
        selected = [t.id for t in tasks_for(a) if tasks is None or t.id in tasks]
        if not selected:
            continue
        for tid in selected:
            out[tid] = {"ids_losing": 0, "max_lost": 0.0, "seconds": 0.0}
        for k in range(n_ids):
            report = grade_submission(
                root / "solutions" / a, a, student=f"ref-{k}", tasks=selected, in_process=True
            )
            for t in report.tasks:
                w = out[t.id]
                lost = round(t.max_points - t.points, 2)
                w["seconds"] += t.seconds
                if lost > 0:
                    w["ids_losing"] += 1
                    w["max_lost"] = max(w["max_lost"], lost)
    return out


def main(argv: list[str] | None = None) -> int:
    """命令行 / Command line."""
    ap = argparse.ArgumentParser(prog="python -m grader.reference_check", description=__doc__)
    ap.add_argument("--ids", type=int, default=100)
    ap.add_argument("--assignment", choices=ASSIGNMENTS, action="append")
    ap.add_argument("--tasks", nargs="*")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    worst = worst_case(args.ids, tuple(args.assignment or ASSIGNMENTS), args.tasks)
    print(f"{'task':24} {'ids losing':>10} {'worst loss':>10} {'s/id':>7}")
    for tid, w in worst.items():
        print(
            f"{tid:24} {int(w['ids_losing']):>10} {w['max_lost']:>10.2f} "
            f"{w['seconds'] / args.ids:>7.3f}"
        )
    bad = sum(1 for w in worst.values() if w["ids_losing"])
    print(f"reference over {args.ids} ids: {bad} task(s) lose points "
          f"({time.monotonic() - t0:.0f} s)")  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
