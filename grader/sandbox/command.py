"""Run an arbitrary command inside the grading sandbox (e.g. a Jupyter kernel, nbclient).

Same allow-list bubblewrap sandbox, same bootstrap, same limits machinery as the grading
worker (:func:`grader.sandbox.isolation.launch` is the single entry point): the command sees
the interpreter and standard library, numpy (on ``PYTHONPATH``), a private size-limited
``/tmp`` (= HOME) and *only* the extra folders you bind in.  Example (run a notebook with
nbclient from a virtual environment whose ``site-packages`` you bind read-only)::

    from grader.sandbox import Limits, run_command, sandbox_python

    r = run_command(
        [sandbox_python(), "-m", "nbclient_runner", "/nb/in.ipynb", "/out/out.ipynb"],
        ro_binds=[(venv_site, "/opt/site"), (notebook_dir, "/nb")],
        rw_binds=[(out_dir, "/out")],
        env={"PYTHONPATH": "/opt/site"},
        limits=Limits(memory_bytes=2 << 30, nprocs=64),
        timeout=600,
    )
    if r.timed_out or r.returncode != 0: ...

The command runs as an unprivileged uid with no capabilities and no network; everything it
started is killed when it returns.  Writable binds are the only way out of the sandbox: bind
only folders made for this run.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import isolation
from .runner import Limits


@dataclass
class CommandResult:
    """Outcome of :func:`run_command`.

    ``returncode`` is the command's exit status (negative or 128+N = killed by signal N; None
    if it had to be killed at the timeout, then ``timed_out`` is True).  ``stdout``/``stderr``
    hold at most ``output_bytes`` each (``truncated`` says if more was written).
    """

    returncode: int | None
    stdout: bytes
    stderr: bytes
    timed_out: bool
    seconds: float
    truncated: bool = False
    isolation: dict[str, Any] = field(default_factory=dict)


def sandbox_python() -> str:
    """Path of the Python interpreter as seen inside the sandbox (same path as on the host)."""
    return isolation.host_layout().exe


def _pairs(
    binds: Iterable[tuple[str | Path, str]] | Mapping[str | Path, str],
) -> list[tuple[str, str]]:
    """Normalise binds to (absolute host source, absolute sandbox destination) pairs."""
    items = binds.items() if isinstance(binds, Mapping) else binds
    out = []
    for src, dest in items:
        src_s = os.path.realpath(os.fspath(src))
        if not os.path.exists(src_s):
            raise FileNotFoundError(f"bind source does not exist: {src_s}")
        if not str(dest).startswith("/") or str(dest) in ("/", "/proc", "/dev", "/tmp"):
            raise ValueError(f"bad sandbox destination: {dest!r}")
        out.append((src_s, str(dest)))
    return out


def run_command(
    argv: Sequence[str],
    *,
    ro_binds: Iterable[tuple[str | Path, str]] | Mapping[str | Path, str] = (),
    rw_binds: Iterable[tuple[str | Path, str]] | Mapping[str | Path, str] = (),
    cwd: str = "/tmp",
    env: Mapping[str, str] | None = None,
    limits: Limits | None = None,
    timeout: float = 60.0,
    input: bytes = b"",
    output_bytes: int = 1 << 20,
    insecure: bool = False,
) -> CommandResult:
    """Run ``argv`` inside the allow-list sandbox and wait for it (at most ``timeout`` s).

    ``ro_binds`` / ``rw_binds``: (host path, sandbox path) pairs (or a mapping) made visible
    read-only / writable; ``cwd`` is a sandbox path.  ``env`` is added to the scrubbed
    environment (PATH, LANG, HOME=/tmp, single-threaded BLAS); ``PYTHONPATH`` always ends with
    the sandbox's numpy folder.  ``limits``: ``memory_bytes`` (RLIMIT_AS per process),
    ``nprocs`` (processes + threads of the whole sandbox), ``file_bytes``, ``open_files``,
    ``worker_cpu_seconds`` (RLIMIT_CPU per process), ``tmp_bytes`` (size of ``/tmp``);
    None = :class:`Limits` defaults.
    ``argv[0]`` must be an absolute path visible inside (e.g. :func:`sandbox_python`).

    Raises :class:`~grader.sandbox.SandboxUnavailable` if no sandbox works (and not
    ``insecure``), ``FileNotFoundError``/``ValueError`` for bad binds; never for anything the
    command does.
    """
    plan = isolation.detect(insecure)
    limits = limits or Limits()
    if not argv or not str(argv[0]).startswith("/"):
        raise ValueError("argv[0] must be an absolute path inside the sandbox")
    ro = _pairs(ro_binds)
    rw = _pairs(rw_binds)
    extra = dict(env or {})
    site = isolation.SITE if not plan.insecure else None
    if site:
        extra["PYTHONPATH"] = ":".join(p for p in (extra.get("PYTHONPATH"), site) if p)
    wd = isolation.WorkerDir.create()
    t0 = time.monotonic()
    proc = uid = None
    try:
        with open(wd.root / "out", "w+b") as out, open(wd.root / "err", "w+b") as err:
            proc, uid = isolation.launch(
                plan,
                wd,
                limits=limits.rlimits(),
                ro=ro,
                rw=rw,
                cwd=cwd,
                tmp_bytes=int(limits.tmp_bytes),
                exec_argv=[str(a) for a in argv],
                env=extra,
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=err,
            )
            timed_out = False
            try:
                proc.communicate(input=input, timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
            isolation.stop(proc, uid)
            rc = None if timed_out else proc.returncode
            outputs = []
            truncated = False
            for fh in (out, err):
                fh.seek(0, os.SEEK_END)
                truncated |= fh.tell() > output_bytes
                fh.seek(0)
                outputs.append(fh.read(output_bytes))
        return CommandResult(
            returncode=rc,
            stdout=outputs[0],
            stderr=outputs[1],
            timed_out=timed_out,
            seconds=time.monotonic() - t0,
            truncated=truncated,
            isolation=plan.report(),
        )
    finally:
        isolation.stop(proc, uid)
        wd.cleanup()
