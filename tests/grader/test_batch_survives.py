"""批量评分在评分进程被杀死或暂停后仍能完成 / The batch survives dead and stopped grading
processes: each is detected, killed, its student re-run; every row ends at the exact score."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from grading_helpers import ROOT

from grader import demo_submissions

TASKS = ["a2.loss_mse", "a2.gd_update"]


def grading_children(pid: int) -> list[int]:
    """Forked grading processes of the batch ``pid`` (children running the same command)."""
    try:
        me = Path(f"/proc/{pid}/cmdline").read_bytes()
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = []
    for k in map(int, kids):
        try:
            if Path(f"/proc/{k}/cmdline").read_bytes() == me:
                out.append(k)
        except OSError:
            continue
    return out


def test_killed_and_stopped_grading_processes_are_replaced(tmp_path: Path) -> None:
    ref = demo_submissions.reference("a2", tmp_path / "ref")
    batch = tmp_path / "batch"
    for k in range(4):
        shutil.copytree(ref, batch / f"s{k}")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "grader", "grade", "-a", "a2", str(batch), "--out", str(out)]
    proc = subprocess.Popen(
        [*cmd, "-j", "2", "-q", "--tasks", *TASKS, "--student-timeout", "300"], cwd=ROOT
    )
    killed: int | None = None
    stopped: int | None = None
    try:
        end = time.monotonic() + 300
        before: set[int] = set()
        while proc.poll() is None and stopped is None and time.monotonic() < end:
            # seen twice 50 ms apart: a grading process, not a sandbox (or the sandbox
            # self-test) caught between the fork and the exec of its Popen
            now = set(grading_children(proc.pid))
            kids, before = sorted(now & before), now
            for kid in kids:
                if killed is None:
                    os.kill(kid, signal.SIGKILL)
                    killed = kid
                elif kid != killed and stopped is None:
                    os.kill(kid, signal.SIGSTOP)
                    stopped = kid
            time.sleep(0.05)
        assert proc.wait(timeout=900) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert killed is not None and stopped is not None
    with open(out / "grades.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["student"] for r in rows] == ["s0", "s1", "s2", "s3"]
    assert all(float(r["total"]) == float(r["max_total"]) > 0 for r in rows), rows
    assert (
        not Path(f"/proc/{stopped}").exists() or b"Z" in Path(f"/proc/{stopped}/stat").read_bytes()
    )
