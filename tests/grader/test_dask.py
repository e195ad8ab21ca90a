"""Dask 后端：与本地进程池相同的 grades.csv，可续跑 / The Dask backend: same grades.csv, resumes.

Runs a real local Dask cluster of several worker processes (``--dask local:3``); ``distributed``
is part of the ``dev`` extra, so CI has it.
"""

from __future__ import annotations

import json
from pathlib import Path

import distributed  # noqa: F401  (fail loudly if the dev extra is missing)
from grading_helpers import warm

from grader import demo, demo_submissions
from grader.batch import grade_batch

TASKS = ["a2.loss_mse", "a2.gd_update"]


def _bank(tmp: Path) -> list[Path]:
    """参考、空白、典型错误、单个错误 / Reference, blank release, typical mistakes, one mistake."""
    subs = demo.build_submissions("a2", tmp / "subs")
    subs.append(
        demo_submissions.with_mistakes("a2", ("forgot_1_over_m",), tmp / "subs" / "one_mistake")
    )
    return subs


def test_dask_cluster_gives_identical_grades_and_resumes(tmp_path: Path) -> None:
    warm()
    subs = _bank(tmp_path)
    pool, dask = tmp_path / "pool", tmp_path / "dask"
    code, _ = grade_batch("a2", subs, pool, workers=2, quiet=True, tasks=TASKS)
    assert code == 0
    # first Dask run is "killed" after three students …
    code, first = grade_batch("a2", subs[:3], dask, quiet=True, tasks=TASKS, dask="local:3")
    assert code == 0 and len(first) == 3
    kept = dask / subs[0].name / "report.json"
    kept_bytes = kept.read_bytes()  # a regrade would rewrite it (other timings)
    # … the second run grades only the fourth and keeps the finished reports
    code, reports = grade_batch("a2", subs, dask, quiet=True, tasks=TASKS, dask="local:3")
    assert code == 0 and len(reports) == 4
    assert kept.read_bytes() == kept_bytes
    csv_pool = (pool / "grades.csv").read_bytes()
    assert (dask / "grades.csv").read_bytes() == csv_pool
    assert csv_pool.count(b"\n") == 5 and b"reference,2,2,4,4" in csv_pool
    for s in subs:  # the client wrote the same per-student files, with the same feedback
        a = json.loads((pool / s.name / "report.json").read_text("utf-8"))
        b = json.loads((dask / s.name / "report.json").read_text("utf-8"))
        for key in ("student", "total", "fingerprint", "isolation"):
            assert a[key] == b[key], key
        strip = ("seconds",)
        assert [{k: v for k, v in t.items() if k not in strip} for t in a["tasks"]] == [
            {k: v for k, v in t.items() if k not in strip} for t in b["tasks"]
        ]
        assert (dask / s.name / "report.html").is_file()
    assert not list(dask.rglob("*.tmp"))
    # each worker reported its isolation level; the class report lists them
    workers = json.loads((dask / "dask_workers.json").read_text("utf-8"))
    assert len(workers) == 3 and all(w["level"] for w in workers.values())
    summary = json.loads((dask / "summary.json").read_text("utf-8"))
    assert summary["dask_workers"] == workers and summary["students"] == 4


def test_bad_dask_address_is_a_clear_error(tmp_path: Path, capsys) -> None:
    from grader import cli

    sub = demo_submissions.reference("a2", tmp_path / "s")
    argv = ["grade", "-a", "a2", str(sub), "--out", str(tmp_path / "o"), "-q"]
    assert cli.main([*argv, "--tasks", "a2.loss_mse", "--dask", "local:many"]) == 2
    err = capsys.readouterr().err
    assert "--dask local:N 需要一个整数，收到 'local:many'" in err
    assert "--dask local:N needs a number, got 'local:many'" in err


def test_console_lines_are_bilingual_text() -> None:
    """每个工作节点一行，中英各一遍 / One line per worker in each language, no hand-joined
    literal; a weaker isolation level is pointed out."""
    from grader.dask_backend import Remote

    class Client:
        def register_plugin(self, plugin: object) -> None:
            pass

        def run(self, fn: object) -> dict[str, dict[str, str]]:
            return {
                "tcp://w1": {"host": "h1", "level": "bwrap", "description_zh": "全隔离",
                             "description_en": "full isolation"},
                "tcp://w2": {"host": "h2", "level": "unshare", "description_zh": "",
                             "description_en": "weaker"},
            }  # fmt: skip

    printed: list[str] = []
    remote = Remote.__new__(Remote)
    remote.client, remote._sources = Client(), {}
    remote.console = type("Console", (), {"print": lambda self, s: printed.append(s)})()
    remote._start("a2")
    assert printed == [
        "Dask 工作节点 tcp://w1（h1）：隔离级别 bwrap — 全隔离 / "
        "Dask worker tcp://w1 (h1): isolation bwrap — full isolation",
        "Dask 工作节点 tcp://w2（h2）：隔离级别 unshare — weaker / "
        "Dask worker tcp://w2 (h2): isolation unshare — weaker",
        "[yellow]注意：部分工作节点的隔离较弱：unshare / note: some workers use weaker "
        "isolation: unshare",
    ]
