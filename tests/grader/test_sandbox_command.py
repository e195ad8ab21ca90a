"""run_command: an arbitrary command in the same allow-list sandbox (used by the nbgrader bridge)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from grader.sandbox import Limits, run_command, sandbox_python

SCRIPT = r"""
import os, sys, socket
import numpy as np
print("uid", os.getuid(), "numpy", np.ones(2).sum())
print("cwd", os.getcwd())
print("in", open("/data/in.txt").read().strip())
open("/out/result.txt", "w").write("written")
try:
    open("/data/evil.txt", "w")
    print("ro-write", "ok")
except OSError:
    print("ro-write", "refused")
print("root", sorted(os.listdir("/")))
print("pids", sum(e.isdigit() for e in os.listdir("/proc")))
try:
    socket.create_connection(("192.0.2.1", 9), timeout=1)
    print("net", "open")
except OSError:
    print("net", "blocked")
print("repo", os.path.exists(sys.argv[1]))
print("home", os.environ["HOME"], os.listdir(os.environ["HOME"]))
"""


def test_run_command_binds_and_isolation(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    out.mkdir()
    os.chmod(out, 0o777)  # the sandbox uid must be able to write it
    (data / "in.txt").write_text("hello\n")
    (data / "run.py").write_text(SCRIPT)
    repo_file = str(Path(__file__).resolve())
    r = run_command(
        [sandbox_python(), "-S", "/data/run.py", repo_file],
        ro_binds=[(data, "/data")],
        rw_binds={out: "/out"},
        cwd="/data",
        limits=Limits(memory_bytes=1 << 30),
        timeout=60,
    )
    assert r.returncode == 0 and not r.timed_out, r.stderr.decode()
    lines = dict(line.split(" ", 1) for line in r.stdout.decode().splitlines())
    assert lines["uid"].split()[0] != "0"
    assert lines["uid"].endswith("numpy 2.0")
    assert lines["cwd"] == "/data"
    assert lines["in"] == "hello"
    assert lines["ro-write"] == "refused"
    assert lines["net"] == "blocked"
    assert lines["repo"] == "False"
    assert lines["home"] == "/tmp []"
    assert int(lines["pids"]) <= 3
    top = set(ast.literal_eval(lines["root"]))
    assert "work" not in top  # the host's checkouts
    assert top <= {"data", "out", "dev", "etc", "lib", "lib64", "lib32", "bin", "nnkit", "proc"} | {
        "root",  # only as the parent of an interpreter installed under /root (pyenv)
        "tmp",
        "usr",
        "opt",
        "home",
    }, top
    assert (out / "result.txt").read_text() == "written"
    assert r.isolation["level"] == "bwrap"
    assert not (data / "evil.txt").exists()


def test_run_command_timeout_kills_everything(tmp_path: Path) -> None:
    code = (
        "import os, time\nfor _ in range(3):\n    os.fork() or time.sleep(1000)\ntime.sleep(1000)"
    )
    r = run_command([sandbox_python(), "-S", "-c", code], timeout=1.5)
    assert r.timed_out and r.returncode is None
    assert r.seconds < 15


def test_run_command_exit_code_and_output_cap() -> None:
    code = "import sys; sys.stdout.write('x' * 5000); sys.exit(3)"
    r = run_command([sandbox_python(), "-S", "-c", code], output_bytes=100)
    assert r.returncode == 3
    assert r.stdout == b"x" * 100 and r.truncated
