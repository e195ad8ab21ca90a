"""批量评分 / Batch grading: ``python -m grader grade --assignment a2 SUB... --out OUT``.

Writes, for each submission folder (its own name is the student id, even for a symlink):

* ``OUT/<student>/report.json`` and ``OUT/<student>/report.html`` — written atomically (a
  temporary file, then :func:`os.replace`) as soon as that student is done, by the trusted
  grading process: a killed batch loses no finished grade;
* ``OUT/grades.csv`` — one row per student, one column per autograded task, the total and the
  maximum, ready for an LMS (rewritten atomically after every student, only by the batch's
  main process);
* ``OUT/summary.html`` and ``OUT/summary.json`` — the class report (:mod:`grader.summary`);
* a terminal table with a progress bar (rich).

Trust: student code runs only in the allow-list sandbox (:mod:`grader.sandbox`), which cannot
see ``OUT``.  Without a working sandbox the batch refuses to start (exit 4) unless
``--insecure`` is given, and then every report says so.  ``OUT`` is made private (0700) and
holds a random key (``OUT/.nnkit-key``, 0600); every report.json carries an HMAC-SHA256 with it.

Re-running resumes: a student whose ``report.json`` has a valid HMAC and matches the same
assignment, grader version and submission contents (a SHA-256 of the selected files, see
:mod:`grader.files`) is not graded again (``--force`` regrades).  Each student is graded in a
fresh forked process (``--workers N`` at a time; the sympy oracles are derived once before, so
they are inherited; their compiled code is cached on disk across batches:
:mod:`grader.oracles.diskcache`).  ``--dask ADDRESS`` (or ``local:N``) grades on a Dask cluster
instead (:mod:`grader.dask_backend`); this process still writes every file.  A grading
process that dies, is stopped (SIGSTOP) or overruns its deadline is killed and the student
re-run once; a second failure becomes a ``grader_error`` row: the batch always completes.

Exit code 0 when grading completed (whatever the scores); 2 for bad arguments; 3 if the grader
failed on some task or student (reported as ``grader_error``); 4 if no sandbox works here.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import hmac
import io
import json
import multiprocessing as mp
import os
import secrets
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable
from multiprocessing.connection import wait as wait_any
from pathlib import Path
from typing import Any

from grader import files, manifest, report_html
from grader.registry import tasks_for
from grader.text import Text

HELP = Text("批量评分", "grade submissions with the hidden suite").joined()
TOTAL = Text("总分", "total")
ERROR = Text("错误", "error")
INSECURE = Text(
    "不安全模式：没有沙箱，学生代码可读取本机文件，成绩不可信",
    "INSECURE: no sandbox, student code can read this machine's files; grades cannot be trusted",
)

#: Timings of the last :func:`grade_batch` in this process (seconds): ``derive`` (sympy oracles
#: or held-out data), ``worker_start`` (connecting to / starting a Dask cluster), ``wall``
#: (grading), ``summary`` (the class report); read by ``benchmarks/bench_grading.py``.
LAST_RUN: dict[str, float] = {}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """grade 子命令的选项 / Options of ``grade``."""
    parser.add_argument("--assignment", "-a", required=True, help="a1 | a2 | a3 | a4")
    parser.add_argument(
        "submissions",
        nargs="+",
        type=Path,
        help=Text(
            "学生提交目录（目录名 = 学号）；不含 .py 的目录按其子目录展开",
            "submission folders (folder name = student id); a folder without .py files is "
            "expanded to its subfolders",
        ).joined(),
    )
    parser.add_argument(
        "--out", "-o", type=Path, required=True, help=Text("输出目录", "output folder").joined()
    )
    parser.add_argument(
        "--workers", "-j", type=int, default=1, help=Text("并行进程数", "processes").joined()
    )
    parser.add_argument(
        "--force", action="store_true", help=Text("重新评分", "regrade everything").joined()
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help=Text("不显示表格", "no table").joined()
    )
    parser.add_argument(
        "--tasks",
        nargs="+",
        metavar="TASK_ID",
        help=Text("只评这些任务", "grade only these task ids").joined(),
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help=Text(
            "没有沙箱也评分（不安全，报告中会注明；不能以 root 运行）",
            "grade even without a namespace sandbox (INSECURE, said on every report; refused as "
            "root)",
        ).joined(),
    )
    parser.add_argument(
        "--student-timeout",
        type=float,
        default=None,
        help=Text(
            "每个学生的评分时限（秒）", "deadline per student in seconds (default: from the tasks)"
        ).joined(),
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help=Text(
            "在 Dask 集群上评分（tcp://host:8786 或 local:N）",
            "grade on a Dask cluster (scheduler address, or local:N for N local worker "
            "processes); needs .[dask]",
        ).joined(),
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
    """提交内容的指纹 / SHA-256 over the files that are graded (:func:`grader.files.select`);
    bounded and never raises (non-UTF-8 names, deep trees, huge or many files)."""
    return files.fingerprint(folder)


def expand(paths: Iterable[Path]) -> list[Path]:
    """展开提交目录 / Expand folders without .py files to their subfolders.

    A folder named on the command line is the instructor's choice and is resolved; its
    subfolders (the students') are not: a symlinked subfolder keeps its own name as the
    student id, and :mod:`grader.files` grades nothing behind a symlink.
    """
    out: list[Path] = []
    for p in paths:
        p = p.resolve()
        if not p.is_dir():
            raise FileNotFoundError(
                f"{Text('提交目录不存在', 'no such submission folder').joined()}: {p}"
            )
        if any(p.glob("*.py")):
            out.append(p)
        else:
            with os.scandir(p) as it:
                out += sorted(
                    p / e.name
                    for e in it
                    if not e.name.startswith(".") and (e.is_dir() or e.is_symlink())
                )
    return out


def _utf8(name: str) -> bool:
    """True if a folder name is valid UTF-8 (it becomes a CSV row and a report folder)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


KEY_FILE = ".nnkit-key"


def output_key(out: Path) -> bytes:
    """结果目录的私钥 / The batch's HMAC key: ``OUT/.nnkit-key`` (created 0600, OUT 0700)."""
    out.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(out, 0o700)
    path = out / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def _canonical(report: dict[str, Any]) -> bytes:
    """The signed bytes of a report (everything but its ``mac``)."""
    body = {k: v for k, v in report.items() if k != "mac"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(report: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 of a report."""
    return hmac.new(key, _canonical(report), hashlib.sha256).hexdigest()


def _done(
    out: Path, sub: Path, assignment: str, fp: str, ids: list[str], key: bytes
) -> dict[str, Any] | None:
    """已完成的报告（可续跑）/ The finished report of a student, if signed by us and still valid."""
    from grader.engine import GRADER_VERSION

    path = out / sub.name / "report.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not hmac.compare_digest(
        str(data.get("mac", "")), sign(data, key)
    ):
        return None
    ok = (
        data.get("assignment") == assignment
        and data.get("grader_version") == GRADER_VERSION
        and data.get("fingerprint") == fp
        and data.get("student") == sub.name
        and [t.get("id") for t in data.get("tasks", [])] == ids
    )
    return data if ok else None


def grade_one(
    sub: Path,
    assignment: str,
    out: Path,
    tasks: list[str] | None = None,
    *,
    key: bytes | None = None,
    insecure: bool = False,
    zygote: Any = None,
) -> dict[str, Any]:
    """评一个学生并原子写出报告 / Grade one student and write its signed reports atomically.

    ``zygote``: the slot's running sandbox (:class:`grader.sandbox.zygote.WarmSlot`), if any.
    """
    from grader.engine import grade_submission

    fp = fingerprint(sub)
    report = grade_submission(
        sub, assignment, tasks=tasks, insecure=insecure, zygote=zygote
    ).to_json()
    return write_report(out, sub.name, report, fp, key if key is not None else output_key(out))


def write_report(
    out: Path, student: str, report: dict[str, Any], fp: str, key: bytes
) -> dict[str, Any]:
    """签名并原子写出报告 / Sign a student's report and write report.json/.html atomically."""
    report["fingerprint"] = fp
    report["mac"] = sign(report, key)
    folder = out / student
    atomic_write(folder / "report.html", report_html.render(report))
    atomic_write(folder / "report.json", json.dumps(report, ensure_ascii=False, indent=1))
    return report


Job = tuple[str, str, str, "list[str] | None", bytes, bool]


def _worker(job: Job, zygote: Any = None) -> dict[str, Any]:
    """一个学生的评分进程 / Grade one student (never raises: a failure becomes an error row)."""
    sub, assignment, out, tasks, key, insecure = job
    try:
        return grade_one(
            Path(sub), assignment, Path(out), tasks, key=key, insecure=insecure, zygote=zygote
        )
    except Exception as exc:  # the grader itself failed for this student
        return {"student": Path(sub).name, "error": f"{type(exc).__name__}: {exc}"}


def _child(job: Job, conn: Any, scratch: str, zygote: Any = None) -> None:
    """Forked grading process: private temp folder, grade, send the report, exit."""
    os.makedirs(scratch, exist_ok=True)
    tempfile.tempdir = scratch
    os.environ["TMPDIR"] = scratch
    try:
        conn.send(_worker(job, zygote))
    finally:
        conn.close()


def _stopped(pid: int) -> bool:
    """True if process ``pid`` is stopped (SIGSTOP/SIGTSTP) or traced."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] in (b"T", b"t")
    except OSError:
        return False


def run_jobs(
    jobs: list[Job],
    workers: int,
    deadline: float,
    on_result: Callable[[dict[str, Any]], None],
    slots: list[Any] | None = None,
    last_started: Callable[[], None] | None = None,
) -> None:
    """Grade ``jobs`` in fresh forked processes, ``workers`` at a time.

    A process that dies without a result, is stopped, or runs longer than ``deadline`` seconds
    is killed; its student is re-run once, then reported as an error row.  Each process gets
    its own temporary folder, removed whatever happened.  ``slots`` (one
    :class:`grader.sandbox.zygote.WarmSlot` per worker, or None): each process borrows its
    slot's running sandbox; a process that did not end normally gets it thrown away.
    ``last_started`` is called once when no job is waiting any more (the last ones run): work
    for the batch's end that then overlaps with them (nothing is forked after it).
    """
    ctx = mp.get_context("fork")
    pending = deque((job, 0) for job in jobs)
    running: dict[Any, tuple[Any, Any, Job, int, float, str, int]] = {}
    free = list(range(workers))
    scratch_root = tempfile.mkdtemp(prefix="nnkit-batch-")
    serial = 0
    try:
        while pending or running:
            while pending and len(running) < workers:
                job, attempt = pending.popleft()
                serial += 1
                scratch = os.path.join(scratch_root, str(serial))
                slot = free.pop()
                zygote = slots[slot].lend() if slots else None
                recv, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(job, send, scratch, zygote), daemon=True)
                proc.start()
                send.close()
                running[recv] = (proc, recv, job, attempt, time.monotonic(), scratch, slot)
            if not pending and last_started is not None:
                last_started()
                last_started = None
            ready = wait_any(list(running), timeout=0.5)
            for conn in list(running):
                proc, recv, job, attempt, t0, scratch, slot = running[conn]
                result = None
                failure = ""
                if conn in ready:
                    try:
                        result = recv.recv()
                    except (EOFError, OSError):
                        failure = "the grading process died"
                elif not proc.is_alive():
                    failure = "the grading process died"
                elif _stopped(proc.pid):
                    failure = "the grading process was stopped"
                elif time.monotonic() - t0 > deadline:
                    failure = f"the grading process ran longer than {deadline:g} s"
                else:
                    continue
                del running[conn]
                with contextlib.suppress(OSError):
                    os.kill(proc.pid, signal.SIGKILL)
                proc.join(5)
                recv.close()
                files.remove_tree(scratch)
                if slots and result is None:
                    slots[slot].discard()  # the borrower did not end normally
                free.append(slot)
                if result is not None:
                    on_result(result)
                elif attempt == 0:
                    pending.append((job, 1))
                else:
                    name = Path(job[0]).name
                    on_result({"student": name, "error": f"{failure} (twice)"})
    finally:
        for proc, recv, *_ in running.values():
            with contextlib.suppress(OSError):
                os.kill(proc.pid, signal.SIGKILL)
            proc.join(5)
            recv.close()
        for s in slots or ():
            s.close()
        files.remove_tree(scratch_root)


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
    table = Table(title=f"{assignment} {Text('评分', 'grades').joined()}")
    if len(reports) <= 6:
        table.add_column(Text("任务", "task").joined())
        for r in reports:
            table.add_column(r["student"], justify="right")
        for i in ids:
            table.add_row(i, *(_cell(b.get(i)) for b in by))
        table.add_row(
            f"[bold]{TOTAL.joined()}",
            *(f"[bold]{r.get('total', 0):g}/{r.get('max_total', 0):g}" for r in reports),
        )
        return table
    table.add_column(Text("学生", "student").joined())
    for k, _ in enumerate(ids, 1):
        table.add_column(f"T{k}", justify="right")
    table.add_column(TOTAL.joined(), justify="right", style="bold")
    for r, b in zip(reports, by, strict=True):
        table.add_row(
            r["student"],
            *(_cell(b.get(i)) for i in ids),
            f"{r.get('total', 0):g}/{r.get('max_total', 0):g}",
        )
    table.caption = " ".join(f"T{k}={i}" for k, i in enumerate(ids, 1))
    return table


def _error_report(name: str, assignment: str, tasks: list[str] | None, error: str) -> dict:
    """评分失败的学生行 / The row of a student whose grading failed twice (0, grader_error)."""
    info = manifest.get(assignment)
    ids = _ids(assignment, tasks)
    pts = {t.id: float(t.points) for t in info.tasks}
    zh = "评分器未能完成此学生的评分（不是学生的错，请重新运行）"
    en = "the grader could not finish this student (not the student's fault; re-run the batch)"
    return {
        "student": name,
        "assignment": assignment,
        "total": 0.0,
        "max_total": sum(pts.get(i, 0.0) for i in ids),
        "tasks": [
            {
                "id": i,
                "points": 0.0,
                "max_points": pts.get(i, 0.0),
                "status": "grader_error",
                "message_zh": f"{zh}：{error}",
                "message_en": f"{en}: {error}",
            }
            for i in ids
        ],
        "error": error,
    }


def _prepare_summary() -> None:
    """Import the class report's plotting library while the last students are graded."""
    from grader import summary

    with contextlib.suppress(Exception):  # the class report never costs the batch
        summary.prepare()


def warm_slots(plan: Any, assignment: str, tasks: list[str] | None, n: int) -> list[Any] | None:
    """每个并行进程一个常驻沙箱 / One running sandbox per worker slot, lent to one student after
    another (:class:`grader.sandbox.zygote.WarmSlot`): the sandbox, its interpreter and numpy
    start ``n`` times per batch instead of once per student.  Only with the per-submission
    sandbox (a root grader, not insecure); None otherwise."""
    if not (plan.as_root and not plan.insecure):
        return None
    from grader.engine import FORBIDDEN, task_limits
    from grader.sandbox.zygote import WarmSlot

    first = next((t for t in tasks_for(assignment) if tasks is None or t.id in tasks), None)
    if first is None:
        return None
    tmp_bytes = task_limits(first).tmp_bytes
    slots = [WarmSlot(plan, list(FORBIDDEN), tmp_bytes) for _ in range(n)]
    for s in slots:  # side by side: the first loans wait for one start, not n
        s.start()
    return slots


def default_deadline(assignment: str, tasks: list[str] | None) -> float:
    """每个学生的时限 / Per-student deadline: generous multiples of the tasks' wall limits."""
    return 120.0 + sum(
        8 * t.wall_seconds for t in tasks_for(assignment) if tasks is None or t.id in tasks
    )


def grade_batch(
    assignment: str,
    submissions: list[Path],
    out: Path,
    *,
    workers: int = 1,
    force: bool = False,
    quiet: bool = False,
    tasks: list[str] | None = None,
    insecure: bool = False,
    student_timeout: float | None = None,
    dask: str | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """批量评分 / Grade ``submissions`` into ``out``; returns (exit code, reports).

    ``dask`` (an address or ``local:N``) grades on a Dask cluster instead of forked processes.

    Raises :class:`grader.sandbox.SandboxUnavailable` when no sandbox works and not
    ``insecure`` (the command line turns it into exit code 4).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from grader.sandbox import isolation
    from grader.suites import oracles

    console = Console(stderr=True, quiet=quiet)
    manifest.get(assignment)
    plan = isolation.detect(insecure)  # before any fork: probed once, inherited
    if plan.insecure:
        Console(stderr=True).print(f"[bold red]{INSECURE.joined()}")
    subs = expand(submissions)
    errors: list[str] = []
    for s in [s for s in subs if not _utf8(s.name)]:
        subs.remove(s)
        skipped = Text("跳过文件夹名不是 UTF-8 的提交", "skipped a folder whose name is not UTF-8")
        name = str(s).encode("utf-8", "backslashreplace").decode("utf-8")
        errors.append(f"{skipped.joined()}: {name}")
    names = [s.name for s in subs]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        console.print(
            f"[red]{Text('学号重复', 'duplicate student ids').joined()}: {', '.join(sorted(dup))}"
        )
        return 2, []
    key = output_key(out)
    ids = _ids(assignment, tasks)
    reports: dict[str, dict[str, Any]] = {}
    todo: list[Path] = []
    for s in subs:
        prev = None if force else _done(out, s, assignment, fingerprint(s), ids, key)
        if prev is not None:
            reports[s.name] = prev
        else:
            todo.append(s)
    t0 = time.perf_counter()
    LAST_RUN.clear()
    if todo:  # the release's given modules, parsed once here instead of once per student
        from grader.engine import warm_static

        root = Path(__file__).resolve().parents[1]
        warm_static([root / "assignments" / manifest.get(assignment).folder])
    derive = oracles.warm() if todo and assignment == "a2" else {}
    t_derive = time.perf_counter() - t0
    if todo and assignment in ("a3", "a4"):
        from grader.suites import heldout

        heldout.digits()  # load the embedded digits once, before the processes fork
    LAST_RUN["derive"] = time.perf_counter() - t0
    if todo and derive:
        from grader.oracles import diskcache

        console.print(
            f"sympy oracle {Text('推导', 'derivation').joined()}: {t_derive:.2f} s "
            f"({len(derive) - 1} oracles, once per batch; cache {diskcache.stats})"
        )
    if len(reports):
        resuming = Text("续跑：跳过 {n} 个已完成", "resuming: {n} already done")
        console.print(resuming.format(n=len(reports)).joined())
    jobs: list[Job] = [(str(s), assignment, str(out), tasks, key, insecure) for s in todo]
    deadline = student_timeout or default_deadline(assignment, tasks)
    # No refresh thread: grading processes are forked while the display is up.
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        auto_refresh=False,
    ) as progress:
        bar = progress.add_task(
            Text("评分", "grading").joined(), total=len(subs), completed=len(reports)
        )
        progress.refresh()

        def on_result(r: dict[str, Any]) -> None:
            if "error" in r:
                errors.append(f"{r['student']}: {r['error']}")
                r = _error_report(r["student"], assignment, tasks, r["error"])
            elif any(t["status"] == "grader_error" for t in r["tasks"]):
                errors.append(f"{r['student']}: grader_error in a task")
            reports[r["student"]] = r
            write_csv(out, assignment, list(reports.values()), tasks)
            progress.advance(bar)
            progress.refresh()

        if dask and jobs:
            from grader import dask_backend

            t1 = time.perf_counter()
            remote = dask_backend.Remote(dask, console)
            LAST_RUN["worker_start"] = time.perf_counter() - t1
            try:
                for r in remote.grade(jobs):
                    on_result(r)
            finally:
                remote.close()
        elif sys.platform.startswith("linux"):
            n = max(1, workers)
            slots = warm_slots(plan, assignment, tasks, n)
            run_jobs(jobs, n, deadline, on_result, slots, last_started=_prepare_summary)
            LAST_RUN["lend"] = sum(s.seconds for s in slots or ())
            LAST_RUN["sandbox_starts"] = sum(s.starts for s in slots or ())
        else:  # no fork: grade in this process (the sandbox refuses non-Linux without --insecure)
            for job in jobs:
                on_result(_worker(job))
    all_reports = [reports[n] for n in sorted(reports)]
    write_csv(out, assignment, all_reports, tasks)
    LAST_RUN["wall"] = time.perf_counter() - t0
    if all_reports:
        from grader import summary

        t1 = time.perf_counter()
        try:
            summary.write(out, assignment, all_reports, tasks, errors)  # summary.html/.json
        except Exception as exc:  # the class report never costs a grade or the batch
            failed = Text("班级报告失败", "class report failed").joined()
            console.print(f"[red]{failed}: {type(exc).__name__}: {exc}")
        LAST_RUN["summary"] = time.perf_counter() - t1
    if not quiet:
        Console().print(_table(assignment, all_reports, tasks))
    iso = next((r.get("isolation", {}) for r in all_reports if r.get("isolation")), {})
    console.print(
        f"{Text('隔离级别', 'isolation').joined()}: {iso.get('level', '?')} — "
        f"{iso.get('description_en', '')}\n"
        f"{Text('报告', 'reports').joined()}: {out}/<student>/report.html, report.json; "
        f"{Text('成绩', 'grades').joined()}: {out / 'grades.csv'}; "
        f"{Text('班级报告', 'class report').joined()}: {out / 'summary.html'}"
    )
    for e in errors:
        console.print(f"[red]{Text('评分器错误', 'grader error').joined()}: {e}")
    return (3 if errors else 0), all_reports


def run(args: argparse.Namespace) -> int:
    """grade 子命令 / Entry point of ``python -m grader grade``."""
    from grader.sandbox import SandboxUnavailable

    try:
        code, _ = grade_batch(
            args.assignment,
            list(args.submissions),
            args.out,
            workers=max(1, args.workers),
            force=args.force,
            quiet=args.quiet,
            tasks=args.tasks,
            insecure=args.insecure,
            student_timeout=args.student_timeout,
            dask=args.dask,
        )
    except (KeyError, FileNotFoundError, ImportError) as exc:
        print(f"{ERROR.joined()}: {exc}", file=sys.stderr)
        return 2
    except SandboxUnavailable as exc:
        print(f"{ERROR.joined()}: {exc}", file=sys.stderr)
        return 4
    except (OSError, TimeoutError, ValueError) as exc:  # e.g. no Dask scheduler at --dask
        print(f"{ERROR.joined()}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    return code
