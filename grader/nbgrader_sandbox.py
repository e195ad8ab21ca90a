"""沙箱中执行学生笔记本 / nbgrader's notebook execution inside the grading sandbox.

nbgrader's ``Execute`` runs a student's notebook in a kernel that is a process of the
instructor: it can read ``source/`` (the solutions), write ``gradebook.db`` or a classmate's
``submitted/``. :class:`SandboxedExecute` replaces it (same options: ``Execute.timeout``,
``extra_arguments``, ``error_on_timeout``): it copies the notebook's folder to a private
temporary folder and runs :mod:`grader.nbgrader_runner` (nbclient: client and kernel) *inside*
the kit's allow-list sandbox (:func:`grader.sandbox.run_command`, the same sandbox as the
trusted grader's worker): the sandbox sees the system's Python, the installed packages (the
kit's own ``grader``/``nncore`` left out), that copy and nothing else — no course root, no
exchange, no output folders. Only the cell *outputs* come back into nbgrader's notebook.

:func:`run_sandboxed` is the one adapter between nbgrader and the sandbox implementation.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import Execute

from grader.nbgrader_layout import snapshot
from grader.text import Text

MASKED_PACKAGES = ("grader", "nncore", "nnkit")
WORK, META, RUNNER, SITE = "/submission", "/nnkit-meta", "/nnkit-run", "/nnkit-site"
RUNNER_SCRIPT = Path(__file__).with_name("nbgrader_runner.py")


class NotebookRunError(RuntimeError):
    """笔记本未能在沙箱中执行完 / The notebook run in the sandbox did not complete."""


def run_sandboxed(
    argv: Sequence[str],
    *,
    ro: Sequence[tuple[Path, str]],
    rw: Sequence[tuple[Path, str]],
    cwd: str,
    env: dict[str, str],
    timeout: float,
) -> tuple[int | None, str, bool]:
    """在沙箱中运行命令 / Run ``argv`` in the grading sandbox: (returncode, stderr, timed out).

    The adapter to :func:`grader.sandbox.run_command` (allow-list bubblewrap, unprivileged uid,
    no network, everything killed on return). Raises ``SandboxUnavailable`` without a sandbox:
    no student notebook ever runs unsandboxed.
    """
    from grader.sandbox import Limits, run_command

    limits = Limits(
        memory_bytes=4 << 30,
        nprocs=256,
        file_bytes=256 << 20,
        open_files=1024,
        tmp_bytes=512 << 20,
        worker_cpu_seconds=max(60.0, timeout),
    )
    r = run_command(
        list(argv), ro_binds=ro, rw_binds=rw, cwd=cwd, env=env, limits=limits, timeout=timeout
    )
    return r.returncode, r.stderr.decode("utf-8", "replace"), r.timed_out


def site_binds() -> list[tuple[Path, str]]:
    """已安装的包（不含套件自己的包）/ Installed packages for the sandbox, the kit's left out.

    Every entry of the site-packages folder that holds nbclient is bound read-only under
    ``/nnkit-site`` — except ``grader`` (hidden suites), ``nncore`` (the reference library) and
    their metadata, so a non-editable install of the kit shows nothing either.
    """
    import nbclient

    site = Path(nbclient.__file__).resolve().parents[1]
    out = []
    for entry in sorted(site.iterdir()):
        low = entry.name.lower()
        if any(low == m or low.startswith(m + "-") or low.startswith(m + ".") for m in MASKED):
            continue
        if low.startswith("__editable__") or low.endswith(".pth") or low == "__pycache__":
            continue
        out.append((entry, f"{SITE}/{entry.name}"))
    return out


MASKED = MASKED_PACKAGES


def merge_outputs(nb: Any, executed: Any) -> None:
    """只取回输出 / Copy outputs and execution counts of ``executed`` into ``nb``.

    Sources and metadata stay nbgrader's (a notebook written by student code can change
    outputs only). Raises NotebookRunError if the cells do not line up.
    """
    if len(executed.cells) != len(nb.cells):
        raise NotebookRunError(
            Text("执行结果的单元数不符", "the executed notebook's cells do not match").joined()
        )
    for cell, done in zip(nb.cells, executed.cells, strict=True):
        if cell.cell_type == "code" and done.cell_type == "code":
            cell.outputs = done.get("outputs", [])
            cell.execution_count = done.get("execution_count")


class SandboxedExecute(Execute):
    """nbgrader 的 Execute，在沙箱中执行 / nbgrader's Execute, run inside the sandbox."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """复制 → 沙箱中执行 → 取回输出 / Copy, execute sandboxed, take the outputs back."""
        from grader.sandbox import sandbox_python

        folder = Path(resources.get("metadata", {}).get("path") or ".")
        cells = sum(1 for c in nb.cells if c.cell_type == "code")
        per_cell = float(self.timeout or 30)
        total = per_cell * (cells + 2) + 60.0
        with tempfile.TemporaryDirectory(prefix="nnkit-nb-") as tmp_name:
            tmp = Path(tmp_name)
            work, meta, run = tmp / "work", tmp / "meta", tmp / "run"
            snapshot(folder, work)
            for d in (meta, run):
                d.mkdir()
            for p in work.glob("*.ipynb"):
                p.unlink()
            shutil.copyfile(RUNNER_SCRIPT, run / "runner.py")
            nbformat.write(nb, meta / "in.ipynb")
            settings = {
                "timeout": per_cell,
                "error_on_timeout": dict(self.error_on_timeout),
                "kernel_name": "python3",
                "extra_arguments": list(self.extra_arguments)
                or ["--HistoryManager.hist_file=:memory:"],
            }
            (meta / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
            for d in (work, meta):
                for dirpath, dirnames, filenames in os.walk(d):
                    for name in dirnames + filenames:
                        os.chmod(os.path.join(dirpath, name), 0o777)
                os.chmod(d, 0o777)
            env = {
                "PYTHONPATH": SITE,
                "MPLBACKEND": "agg",
                "MPLCONFIGDIR": "/tmp/matplotlib",
                "IPYTHONDIR": "/tmp/ipython",
                "JUPYTER_CONFIG_DIR": "/tmp/jupyter",
                "JUPYTER_DATA_DIR": "/tmp/jupyter-data",
                "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime",
                "JUPYTER_PLATFORM_DIRS": "1",
                "NBGRADER_EXECUTION": os.environ.get("NBGRADER_EXECUTION", "autograde"),
            }
            rc, err, timed_out = run_sandboxed(
                [sandbox_python(), f"{RUNNER}/runner.py", META, WORK],
                ro=[(run, RUNNER), *site_binds()],
                rw=[(work, WORK), (meta, META)],
                cwd=WORK,
                env=env,
                timeout=total,
            )
            out = meta / "out.ipynb"
            if timed_out:
                raise NotebookRunError(
                    Text(
                        "笔记本执行超时（{t:g} s），已终止",
                        "the notebook run timed out after {t:g} s and was killed",
                    )
                    .format(t=total)
                    .joined()
                )
            if rc != 0 or not out.is_file():
                tail = err.strip().splitlines()[-5:]
                failed = Text(
                    "笔记本执行失败（退出码 {rc}）", "the notebook run failed (exit {rc})"
                )
                raise NotebookRunError(f"{failed.format(rc=rc).joined()}: " + " | ".join(tail))
            merge_outputs(nb, nbformat.read(out, as_version=4))
        return nb, resources
