"""评分吞吐量基准 / Grading throughput benchmark (a benchmark, not a timed test).

    python benchmarks/bench_grading.py                      # a1–a4, 20/100/300 copies, 1 and 2 workers
    python benchmarks/bench_grading.py -a a2 --counts 20 100 --workers 1 2
    python benchmarks/bench_grading.py --dask local:2       # the same jobs on a local Dask cluster

For every assignment it builds a mixed bank — the reference (``solutions/<a>``), the untouched
release (blank stubs), the demo's typical-mistakes submission and every single typical mistake
of :mod:`grader.demo_submissions` for that assignment — and grades ``N`` copies of it (student
``k`` gets bank entry ``k mod len(bank)``) with the batch grader, each configuration in a
**fresh process** so that nothing (sympy oracles, imports) is inherited from an earlier run.

Printed per configuration: wall time, seconds per submission, scaling efficiency
``E = t(1 worker) / (w · t(w workers))`` and where the worker-seconds (``wall × w``) went:

* ``start``   — starting the worker pool (or connecting to / starting the Dask cluster);
* ``derive``  — preparing the trusted side before grading: the sympy oracles (a2), the
  held-out digits (a3, a4); all workers wait for it;
* ``sandbox`` — sandbox overhead: isolation detection, starting each submission's sandbox
  (bwrap + zygote) and each task's worker in it, and killing and cleaning up after them;
* ``tasks``   — the checks themselves (calls into the sandbox, oracle evaluation, comparison)
  plus copying the submission;
* ``report``  — writing the class report (summary.html with its plots);
* ``other``   — the rest: scheduling, waiting for the slowest worker, writing reports/CSV.

``cpu/sub`` is the CPU seconds (user + system) of the whole grading run — this process, the
grading processes, every sandbox and every task worker in it — divided by ``N``.  It is much
less sensitive to other load on the machine than the wall time.  ``main`` is the CPU seconds
of the batch's own process (the serial part: scheduling, lending sandboxes, grades.csv, the
class report) per submission.  Measured with a ``cpuacct``
control group when the benchmark runs as root on a machine that has one (every descendant is
counted, even those reaped inside a sandbox's PID namespace); otherwise with ``getrusage``,
which misses processes never waited for (then marked ``≥``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def bank(assignment: str, folder: Path) -> list[Path]:
    """混合提交库 / The mixed bank: reference, blank release, typical mistakes, each mistake."""
    from grader import demo, demo_submissions

    subs = demo.build_submissions(assignment, folder / "bank")
    for m in demo_submissions.MISTAKES:
        if m.assignment == assignment:
            subs.append(
                demo_submissions.with_mistakes(assignment, (m.name,), folder / "bank" / m.name)
            )
    return subs


class CpuMeter:
    """整个评分运行的 CPU 秒数 / CPU seconds of this process and all its descendants.

    With root and a cgroup-v1 ``cpuacct`` hierarchy this process moves itself into a fresh
    control group (``cpuacct.usage`` counts every descendant, wherever it is reaped); otherwise
    ``getrusage(SELF) + getrusage(CHILDREN)`` (a lower bound: ``exact`` is False).
    """

    ROOT = Path("/sys/fs/cgroup/cpuacct")

    def __init__(self) -> None:
        """Join a fresh cpuacct group if possible."""
        self.group: Path | None = None
        if hasattr(os, "geteuid") and os.geteuid() == 0 and (self.ROOT / "cgroup.procs").exists():
            group = self.ROOT / f"nnkit-bench-{os.getpid()}"
            try:
                group.mkdir(exist_ok=True)
                (group / "cgroup.procs").write_text(str(os.getpid()))
                self.group = group
            except OSError:
                self.group = None
        self.exact = self.group is not None

    def seconds(self) -> float:
        """CPU seconds so far (user + system)."""
        if self.group is not None:
            return int((self.group / "cpuacct.usage").read_text()) / 1e9
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    def close(self) -> None:
        """Leave the group and remove it."""
        if self.group is not None:
            with contextlib.suppress(OSError):
                (self.ROOT / "cgroup.procs").write_text(str(os.getpid()))
                self.group.rmdir()
            self.group = None


def one(assignment: str, n: int, workers: int, dask: str | None) -> dict[str, Any]:
    """在本进程中跑一个配置 / Run one configuration in this (fresh) process."""
    from grader import batch

    with tempfile.TemporaryDirectory(prefix="nnkit-bench-") as tmp:
        src = bank(assignment, Path(tmp))
        subs = []
        for k in range(n):
            dest = Path(tmp) / "subs" / f"s{k:04d}"
            shutil.copytree(src[k % len(src)], dest)
            subs.append(dest)
        out = Path(tmp) / "out"
        kw: dict[str, Any] = {"workers": workers, "quiet": True, "force": True}
        if dask:
            kw["dask"] = dask
        meter = CpuMeter()
        try:
            c0, t0, m0 = meter.seconds(), time.perf_counter(), time.process_time()
            code, reports = batch.grade_batch(assignment, subs, out, **kw)
            wall = time.perf_counter() - t0
            cpu = meter.seconds() - c0
            main_cpu = time.process_time() - m0
        finally:
            meter.close()
    sums = {"copy": 0.0, "sandbox_setup": 0.0, "tasks": 0.0}
    for r in reports:
        for k in sums:
            sums[k] += float(r.get("timings", {}).get(k, 0.0))
    return {
        "assignment": assignment,
        "n": n,
        "workers": workers,
        "code": code,
        "wall": wall,
        "cpu": cpu,
        "cpu_exact": meter.exact,
        "main_cpu": main_cpu,
        "load": os.getloadavg()[0],
        "bank": len(src),
        "derive": batch.LAST_RUN.get("derive", 0.0),
        "start": batch.LAST_RUN.get("worker_start", 0.0),
        "summary": batch.LAST_RUN.get("summary", 0.0),
        "lend": batch.LAST_RUN.get("lend", 0.0),
        "sandbox_starts": batch.LAST_RUN.get("sandbox_starts", 0),
        **sums,
    }


def shares(row: dict[str, Any]) -> dict[str, float]:
    """工作进程·秒的去向 / Shares of the worker-seconds ``wall × w``."""
    w = min(row["workers"], row["n"])
    budget = row["wall"] * w
    parts = {
        "start": row["start"] * w,
        "derive": row["derive"] * w,
        "sandbox": row["sandbox_setup"] + row.get("lend", 0.0),
        "tasks": row["tasks"] + row["copy"],
        "report": row.get("summary", 0.0) * w,
    }
    parts["other"] = max(0.0, budget - sum(parts.values()))
    return {k: 100.0 * v / budget for k, v in parts.items()}


def main(argv: list[str] | None = None) -> int:
    """入口 / Entry point."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-a", "--assignment", nargs="+", default=["a1", "a2", "a3", "a4"])
    p.add_argument("--counts", nargs="+", type=int, default=[20, 100, 300])
    p.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    p.add_argument("--dask", help="Dask 地址或 local:N / Dask address or local:N (optional)")
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--json", type=Path, help="结果另存为 JSON / also save the rows as JSON")
    args = p.parse_args(argv)
    if args.one:  # child: exactly one configuration
        row = one(args.assignment[0], args.counts[0], args.workers[0], args.dask)
        print("ROW " + json.dumps(row))
        return 0
    rows: list[dict[str, Any]] = []
    print(
        f"{'a':<3} {'N':>4} {'w':>2} {'wall s':>8} {'s/sub':>6} {'eff':>5}  "
        f"{'start':>6} {'derive':>6} {'sandbox':>7} {'tasks':>6} {'report':>6} {'other':>6}"
        f"  {'cpu/sub':>7} {'main':>5} {'load':>5}  (shares: % of wall×w; load: 1-min average at "
        "start → end)",
        flush=True,
    )
    for a in args.assignment:
        for n in args.counts:
            base = None
            for w in args.workers:
                cmd = [sys.executable, __file__, "--one", "-a", a, "--counts", str(n)]
                cmd += ["--workers", str(w)] + (["--dask", args.dask] if args.dask else [])
                env = {**os.environ, "PYTHONPATH": str(ROOT)}
                load0 = os.getloadavg()[0]
                res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
                line = next((x for x in res.stdout.splitlines() if x.startswith("ROW ")), None)
                if line is None:
                    print(f"{a} {n} {w}: failed\n{res.stderr[-2000:]}", file=sys.stderr)
                    continue
                row = json.loads(line[4:])
                rows.append(row)
                per = row["wall"] / n
                base = per if w == 1 else base
                eff = f"{base / (per * w):5.2f}" if base else "    –"
                s = shares(row)
                print(
                    f"{a:<3} {n:>4} {w:>2} {row['wall']:>8.1f} {per:>6.2f} {eff}  "
                    f"{s['start']:>5.1f}% {s['derive']:>5.1f}% {s['sandbox']:>6.1f}% "
                    f"{s['tasks']:>5.1f}% {s['report']:>5.1f}% {s['other']:>5.1f}%"
                    f"  {'' if row['cpu_exact'] else '≥'}{row['cpu'] / n:>6.2f}s"
                    f" {row['main_cpu'] / n:>5.3f}"
                    f" {load0:>4.1f}→{row['load']:.1f}" + ("" if row["code"] == 0 else " !"),
                    flush=True,
                )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
