"""在 Dask 集群上评分 / Grade a batch on a Dask distributed cluster (``grade … --dask``).

``python -m grader grade -a a2 SUBS… --out OUT --dask tcp://scheduler:8786`` (or
``--dask local:4`` for four local worker processes) runs the same per-submission job as the
local pool, on Dask workers:

1. the **trusted client** (this process) reads each submission (regular files only, with the
   same limits as :func:`grader.engine.prepare_copy`) and computes its fingerprint; finished
   students are skipped exactly as with the local pool (resume works across runs and backends);
2. each Dask worker receives the files, grades them with :func:`grader.engine.grade_submission`
   in its own sandbox (the same isolation code; the level is probed and reported per worker)
   and returns the plain ``report.json`` data;
3. the client writes ``report.json``, ``report.html`` and ``grades.csv`` itself, atomically,
   as results arrive.

Every worker gets the compiled sympy oracles and the seed salt (``NNKIT_GRADER_SALT``) from the
client when it joins (a worker plugin), so no worker derives the oracles and every worker draws
the same hidden cases (use TLS, ``tls://``, on a network you do not trust). Workers need the same nnkit version installed with its ``kit``
extra (numpy, sympy, …) and, for the strongest isolation, ``bwrap`` (bubblewrap).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from grader.extras import require
from grader.text import Text

#: 控制台消息 / Console messages of the backend (one line each: ``.joined()``)
BAD_LOCAL = Text(
    "--dask local:N 需要一个整数，收到 {address}", "--dask local:N needs a number, got {address}"
)
WORKER = Text(
    "Dask 工作节点 {addr}（{host}）：隔离级别 {level} — {zh}",
    "Dask worker {addr} ({host}): isolation {level} — {en}",
)
WEAK = Text(
    "注意：部分工作节点的隔离较弱：{levels}", "note: some workers use weaker isolation: {levels}"
)

try:
    from distributed import WorkerPlugin as _PluginBase
except ImportError:  # the module stays importable; require() explains what to install
    _PluginBase = object  # type: ignore[assignment,misc]

#: name under which the plugin is registered on the workers
PLUGIN = "nnkit-grader"
#: the workers' isolation levels of the last Dask run, next to grades.csv
WORKERS_FILE = "dask_workers.json"


def read_submission(sub: Path) -> dict[str, bytes]:
    """提交的文件（与 prepare_copy 同样的规则）/ A submission's files, by the copy's rules.

    Returns ``{relative posix path: bytes}``: regular files only, no symlinks, no hidden or
    ``__pycache__`` folders, files up to 2 MiB, at most 200 files (as
    :func:`grader.engine.prepare_copy`).
    """
    from grader.driver import KIT_NAMES
    from grader.engine import prepare_copy

    with tempfile.TemporaryDirectory(prefix="nnkit-send-") as tmp:
        dest = Path(tmp) / "s"
        prepare_copy(sub, dest)
        return {
            p.relative_to(dest).as_posix(): p.read_bytes()
            for p in sorted(dest.rglob("*"))
            if p.is_file() and p.name not in KIT_NAMES
        }


def grade_files(
    student: str,
    files: dict[str, bytes],
    assignment: str,
    tasks: list[str] | None,
    insecure: bool = False,
) -> dict[str, Any]:
    """在工作节点上评一个学生 / On a worker: write the files, grade, return report.json data.

    Never raises: a failure of the grader becomes ``{"student", "error"}`` (as in the pool).
    """
    from grader.engine import grade_submission

    try:
        with tempfile.TemporaryDirectory(prefix="nnkit-dask-") as tmp:
            root = Path(tmp) / "submission"
            root.mkdir()
            for rel, data in files.items():
                parts = PurePosixPath(rel).parts
                if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
                    continue
                path = root.joinpath(*parts)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            report = grade_submission(
                root, assignment, student=student, tasks=tasks, insecure=insecure
            )
            return report.to_json()
    except Exception as exc:  # the grader itself failed for this student
        return {"student": student, "error": f"{type(exc).__name__}: {exc}"}


def worker_isolation() -> dict[str, Any]:
    """工作节点的隔离级别 / This worker's sandbox isolation report (probed once per process)."""
    import socket

    from grader.sandbox import isolation_report

    try:
        rep = isolation_report()
    except Exception as exc:  # no sandbox on this worker: say so (its jobs become error rows)
        rep = {"level": "unavailable", "description_en": str(exc), "description_zh": str(exc)}
    return {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "level": rep.get("level"),
        "description_zh": rep.get("description_zh", ""),
        "description_en": rep.get("description_en", ""),
        "notes": rep.get("notes", []),
    }


class GraderPlugin(_PluginBase):  # type: ignore[misc,valid-type]
    """工作节点插件 / Worker plugin: install the client's compiled oracles, probe the sandbox.

    Registered with the client; runs on every worker, including workers that join later.
    """

    name = PLUGIN

    def __init__(self, sources: dict[str, str], assignment: str, salt: str) -> None:
        """Keep the oracle sources (plain text), the assignment and the client's seed salt."""
        self.sources = sources
        self.assignment = assignment
        self.salt = salt

    def setup(self, worker: Any = None) -> None:
        """Use the client's salt, install the oracle sources, load the oracles, probe."""
        from grader.oracles import diskcache

        # Hidden cases are seeded from (salt, student, task): every worker must use the
        # client's salt, or a worker with another NNKIT_GRADER_SALT would grade other cases.
        os.environ["NNKIT_GRADER_SALT"] = self.salt
        diskcache.install(self.sources)
        if self.assignment == "a2":
            from grader.suites import oracles

            oracles.warm()
        elif self.assignment in ("a3", "a4"):
            from grader.suites import heldout

            heldout.digits()
        worker_isolation()


def _cluster(address: str) -> tuple[Any, Any]:
    """连接或启动集群 / ``(client, local cluster or None)`` for an address or ``local:N``."""
    distributed = require("distributed", "dask")
    if address.startswith("local:"):
        try:
            n = int(address.split(":", 1)[1])
        except ValueError:
            raise ValueError(BAD_LOCAL.format(address=repr(address)).joined()) from None
        cluster = distributed.LocalCluster(
            n_workers=max(1, n),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
        return distributed.Client(cluster), cluster
    return distributed.Client(address), None


class Remote:
    """一次批量评分的 Dask 后端 / The Dask backend of one batch (see the module docstring)."""

    def __init__(self, address: str, console: Any) -> None:
        """Connect (or start ``local:N``), ship the oracles, report isolation per worker."""
        from grader.oracles import diskcache

        self.console = console
        self.client, self.cluster = _cluster(address)
        self.address = address
        self._sources = diskcache.export()
        self.workers: dict[str, dict[str, Any]] = {}

    def _start(self, assignment: str) -> None:
        """Register the plugin and collect each worker's isolation level."""
        from grader.engine import salt

        self.client.register_plugin(GraderPlugin(self._sources, assignment, salt()))
        self.workers = self.client.run(worker_isolation)
        for addr, iso in sorted(self.workers.items()):
            self.console.print(
                WORKER.format(
                    addr=addr,
                    host=iso["host"],
                    level=iso["level"],
                    zh=iso.get("description_zh") or iso["description_en"],
                    en=iso["description_en"],
                ).joined()
            )
        weak = {iso["level"] for iso in self.workers.values()} - {"bwrap"}
        if weak:
            self.console.print(f"[yellow]{WEAK.format(levels=', '.join(sorted(weak))).joined()}")

    def grade(self, jobs: list[Any]) -> Iterator[dict[str, Any]]:
        """提交全部任务，按完成顺序产出报告 / Submit every job; yield reports as they finish.

        The reports are written here, by the client (atomically), before they are yielded.
        """
        from distributed import as_completed

        from grader.batch import fingerprint, write_report

        if not jobs:
            return
        assignment = jobs[0][1]
        self._start(assignment)
        from grader.batch import atomic_write

        atomic_write(  # the class report lists them (summary.html)
            Path(jobs[0][2]) / WORKERS_FILE,
            json.dumps(self.workers, ensure_ascii=False, indent=1, sort_keys=True),
        )
        # Bounded in flight: a few jobs per worker thread, so a cohort of thousands is never
        # read into the client's memory (or the scheduler's) all at once.
        threads = sum(self.client.nthreads().values()) or 1
        pending = iter(jobs)
        futures: dict[Any, tuple[Path, Path, bytes]] = {}
        running = as_completed()

        def submit_next() -> None:
            job = next(pending, None)
            if job is None:
                return
            sub, a, out, tasks, key, insecure = job  # as grader.batch.Job
            path = Path(sub)
            fut = self.client.submit(
                grade_files, path.name, read_submission(path), a, tasks, insecure, pure=False
            )
            futures[fut] = (path, Path(out), key)
            running.add(fut)

        for _ in range(max(4, 3 * threads)):
            submit_next()
        for fut in running:
            path, out, key = futures.pop(fut)
            submit_next()
            try:
                report = fut.result()
            except Exception as exc:  # the worker died or the task could not run
                yield {"student": path.name, "error": f"Dask: {type(exc).__name__}: {exc}"}
                continue
            if "error" in report:
                yield report
                continue
            yield write_report(out, path.name, report, fingerprint(path), key)

    def close(self) -> None:
        """关闭连接（及本地集群）/ Close the client (and the local cluster, if we started it)."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
