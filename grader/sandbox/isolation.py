"""Choose, probe and describe how strongly the sandbox worker is isolated.

Levels, strongest first (the first one whose real probe passes is used):

``bwrap``
    bubblewrap: read-only root, fresh ``/tmp``, the repository root (with ``solutions/`` and the
    hidden suites), ``../shared``, the grader's HOME and any configured path hidden behind empty
    tmpfs mounts; only the Python installation, the numpy directories and the sandbox's own
    temporary directories are bound back.  New network, PID, IPC and UTS namespaces; the worker
    dies with its parent.  When the grader runs as root, bwrap keeps only CAP_SETUID/CAP_SETGID
    and the worker immediately switches to an unprivileged uid (so hard rlimits cannot be raised
    and RLIMIT_NPROC is enforced).
``unshare``
    ``unshare --net`` (``--user --map-root-user --net`` when not root): no network, but the file
    system is fully visible.
``rlimits``
    A separate process with resource limits only (e.g. macOS or a locked-down container).

All levels also use: scrubbed environment, temporary HOME, a temporary copy of the submission as
cwd, a ``sys.path`` of [submission copy, stdlib, numpy-only directory], the import blocker.
"""

from __future__ import annotations

import itertools
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import protocol

LEVELS = ("bwrap", "unshare", "rlimits")
_HERE = Path(__file__).resolve().parent
WORKER_SCRIPT = _HERE / "worker.py"
PROTOCOL_SCRIPT = _HERE / "protocol.py"
_uid_counter = itertools.count()
_cache: dict[tuple[Any, ...], IsolationPlan] = {}
_cache_lock = threading.Lock()


def repo_root() -> Path | None:
    """Return the source checkout containing ``grader/`` (and ``nncore/``), if there is one."""
    root = _HERE.parents[1]
    if (root / "grader").is_dir() and root.name != "site-packages":
        return root
    return None


def default_hidden() -> list[Path]:
    """Paths hidden from the worker by default: repo root, ``../shared``, nncore, HOME."""
    out: list[Path] = []
    root = repo_root()
    if root is not None:
        out.append(root)
        if (root.parent / "shared").is_dir():
            out.append(root.parent / "shared")
    else:
        out.append(_HERE.parent)
    try:
        import importlib.util

        spec = importlib.util.find_spec("nncore")
        if spec is not None and spec.origin:
            out.append(Path(spec.origin).parent)
    except (ImportError, ValueError):
        pass
    home = Path(os.path.expanduser("~"))
    if home.is_dir() and str(home.resolve()) != "/":
        out.append(home)
    return out


def base_interpreter() -> str:
    """The base interpreter behind a virtual environment, which lives under ``sys.base_prefix``.

    A venv made with copies (``venv.EnvBuilder()``'s default, as ``kit.py`` does) has its own
    ``bin/python`` inside the venv, i.e. inside the repo that the sandbox hides; the base
    interpreter is all the worker needs (it gets numpy through its own path).
    """
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (
        getattr(sys, "_base_executable", None),
        os.path.join(sys.base_prefix, "bin", version),
        os.path.join(sys.base_prefix, "bin", "python3"),
    ):
        if candidate and os.path.exists(candidate):
            real = os.path.realpath(candidate)
            if _is_under(real, os.path.realpath(sys.base_prefix)):
                return real
    return os.path.realpath(sys.executable)


def python_paths() -> tuple[str, str, list[str]]:
    """Return (interpreter, stdlib prefix, numpy directories) that the worker needs to run."""
    exe = base_interpreter()
    prefix = os.path.realpath(sys.base_prefix)
    site = Path(np.__file__).resolve().parent.parent
    dirs = [str(site / name) for name in ("numpy", "numpy.libs") if (site / name).exists()]
    return exe, prefix, dirs


def _is_under(path: str, parent: str) -> bool:
    """True if ``path`` equals ``parent`` or lies inside it."""
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


@dataclass
class WorkerDir:
    """Private temporary tree of one worker lifetime.

    ``root/work`` (copy of the submission, cwd), ``root/home`` (HOME), ``root/boot`` (bootstrap,
    wire format, config; read-only), ``root/pylib`` (symlinks to numpy only), ``root/log``
    (the worker's stderr, kept outside its view).
    """

    root: Path
    work: Path
    home: Path
    boot: Path
    pylib: Path
    log: Path

    @classmethod
    def create(cls, submission: Path | None, copy_bytes: int) -> WorkerDir:
        """Make the tree; copy ``submission`` (regular files only, no symlinks) into ``work``."""
        root = Path(tempfile.mkdtemp(prefix="nnkit-sbx-")).resolve()
        wd = cls(root, root / "work", root / "home", root / "boot", root / "pylib", root / "log")
        try:
            for d in (wd.work, wd.home, wd.boot, wd.pylib):
                d.mkdir()
            if submission is not None:
                _copy_submission(Path(submission), wd.work, copy_bytes)
            shutil.copyfile(WORKER_SCRIPT, wd.boot / "nnkit_worker.py")
            shutil.copyfile(PROTOCOL_SCRIPT, wd.boot / "nnkit_protocol.py")
            for target in python_paths()[2]:
                os.symlink(target, wd.pylib / Path(target).name)
            os.chmod(root, 0o711)
            for d in (wd.boot, wd.pylib):
                os.chmod(d, 0o755)
        except BaseException:
            wd.cleanup()
            raise
        return wd

    def give_to(self, uid: int, gid: int) -> None:
        """Make ``work`` and ``home`` owned by the unprivileged worker uid (root only)."""
        for top in (self.work, self.home):
            for dirpath, dirnames, filenames in os.walk(top):
                os.chown(dirpath, uid, gid)
                for name in dirnames + filenames:
                    os.lchown(os.path.join(dirpath, name), uid, gid)

    def cleanup(self) -> None:
        """Delete the tree, even if the student removed permissions inside it."""

        def onerror(func: Any, path: str, _exc: Any) -> None:
            try:
                os.chmod(os.path.dirname(path), 0o700)
                if os.path.isdir(path) and not os.path.islink(path):
                    os.chmod(path, 0o700)
                func(path)
            except OSError:
                pass

        shutil.rmtree(self.root, onerror=onerror)
        if self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)


def _copy_submission(src: Path, dst: Path, limit: int) -> None:
    """Copy regular files and directories of ``src`` into ``dst``; skip symlinks and caches.

    Symlinks are skipped on purpose: following them would let a submission pull files of the
    trusted side (e.g. a solution) into the sandbox.  Raises OSError if more than ``limit``
    bytes would be copied.
    """
    total = 0
    src = src.resolve()
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        rel = Path(dirpath).relative_to(src)
        dirnames[:] = [
            d
            for d in dirnames
            if d not in ("__pycache__", ".git") and not os.path.islink(os.path.join(dirpath, d))
        ]
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode):
                continue
            total += st.st_size
            if total > limit:
                raise OSError(f"submission larger than {limit} bytes")
            shutil.copyfile(path, dst / rel / name)


def scrubbed_env(home: Path) -> dict[str, str]:
    """The complete environment of the worker."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def pick_uid() -> int:
    """An unused-looking uid for the worker when the grader is root (distinct per sandbox)."""
    return 200000 + (os.getpid() % 50000) * 16 + next(_uid_counter) % 16


@dataclass(frozen=True)
class IsolationPlan:
    """How workers are wrapped; ``report()`` describes it in Chinese and English."""

    level: str
    hidden: tuple[str, ...] = ()
    drop_uid: bool = False
    unshare_user: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def network(self) -> str:
        """``"unshared"`` if the worker has no network, else ``"shared"``."""
        return "unshared" if self.level in ("bwrap", "unshare") else "shared"

    def wrap(self, python_argv: list[str], wd: WorkerDir) -> list[str]:
        """Return the full command that starts ``python_argv`` at this level for ``wd``."""
        if self.level == "unshare":
            extra = ["--user", "--map-root-user"] if self.unshare_user else []
            return ["unshare", *extra, "--net", "--", *python_argv]
        if self.level != "bwrap":
            return list(python_argv)
        _exe, prefix, np_dirs = python_paths()
        needed = [prefix, *np_dirs]
        cmd = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        cmd += ["--perms", "1777", "--tmpfs", "/tmp"]

        def hide(path: str) -> list[str]:
            if os.path.isdir(path):
                return ["--tmpfs", path]
            return ["--ro-bind", "/dev/null", path]

        for h in self.hidden:
            cmd += hide(h)
        masked = [*self.hidden, "/tmp"]

        def mount_point(dest: str) -> list[str]:
            # bwrap creates missing mount points with mode 0700, which an unprivileged worker
            # cannot traverse: create the ancestors inside masked dirs as 0755 first.
            out: list[str] = []
            for h in masked:
                if _is_under(dest, h) and dest != h:
                    parts = Path(dest).relative_to(h).parts[:-1]
                    for i in range(1, len(parts) + 1):
                        out += ["--perms", "0755", "--dir", str(Path(h, *parts[:i]))]
            return out

        for p in needed:
            cmd += [*mount_point(p), "--ro-bind", p, p]
        for h in self.hidden:  # a hidden path inside something we bound back
            if any(_is_under(h, p) and h != p for p in needed):
                cmd += hide(h)
        for kind, d in (("--ro-bind", wd.boot), ("--ro-bind", wd.pylib)):
            cmd += [*mount_point(str(d)), kind, str(d), str(d)]
        for kind, d in (("--bind", wd.work), ("--bind", wd.home)):
            cmd += [*mount_point(str(d)), kind, str(d), str(d)]
        cmd += ["--chdir", str(wd.work)]
        cmd += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
        cmd += ["--die-with-parent", "--new-session"]
        if os.geteuid() == 0:
            cmd += ["--cap-drop", "ALL"]
            if self.drop_uid:
                cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        return [*cmd, "--", *python_argv]

    def report(self) -> dict[str, Any]:
        """Machine-readable description plus ``description_zh`` / ``description_en``."""
        root = os.geteuid() == 0 if hasattr(os, "geteuid") else False
        nproc = "enforced" if (not root or self.drop_uid) else "not enforced (root)"
        fs = "repo hidden" if self.level == "bwrap" else "visible (read access to the repo)"
        zh = {
            "bwrap": "bubblewrap 沙箱：仓库、答案和隐藏测试不可见，无网络，独立 PID 命名空间，"
            "资源限制（CPU/墙钟时间、内存、文件大小、进程数）。",
            "unshare": "unshare 网络隔离 + 资源限制：无网络，但文件系统可见（未使用 bwrap）。",
            "rlimits": "仅独立进程 + 资源限制：文件系统和网络都可访问（无 bwrap/unshare，"
            "例如 macOS 或受限容器）。",
        }[self.level]
        en = {
            "bwrap": "bubblewrap sandbox: repo, solutions and hidden suites invisible, no network, "
            "own PID namespace, resource limits (CPU/wall time, memory, file size, processes).",
            "unshare": "unshare network isolation + resource limits: no network, but the file "
            "system is visible (bwrap not used).",
            "rlimits": "separate process + resource limits only: file system and network are "
            "reachable (no bwrap/unshare, e.g. macOS or a restricted container).",
        }[self.level]
        if root and not self.drop_uid:
            zh += " 以 root 运行：RLIMIT_NPROC 不生效"
            en += " Running as root: RLIMIT_NPROC is not enforced"
            if self.level == "bwrap":
                zh += "（已去除全部 capabilities）。"
                en += " (all capabilities dropped)."
            else:
                zh += "，硬限制可被学生代码提升。"
                en += " and student code could raise the hard limits."
        return {
            "level": self.level,
            "network": self.network,
            "filesystem": fs,
            "pid_namespace": self.level == "bwrap",
            "hidden": list(self.hidden) if self.level == "bwrap" else [],
            "unprivileged_uid": self.drop_uid,
            "nproc": nproc,
            "kill_on_timeout": "pid namespace" if self.level == "bwrap" else "process group",
            "notes": list(self.notes),
            "description_zh": zh,
            "description_en": en,
        }


def worker_config(
    wd: WorkerDir,
    *,
    limits: dict[str, Any],
    forbidden: list[str],
    uid: int | None,
    parent_pid: int | None,
    probe: dict[str, Any] | None = None,
) -> Path:
    """Write the bootstrap's JSON configuration into ``wd.boot`` and return its path."""
    import json

    config = {
        "workdir": str(wd.work),
        "pylib": str(wd.pylib),
        "protocol": str(wd.boot / "nnkit_protocol.py"),
        "forbidden": forbidden,
        "limits": limits,
        "uid": uid,
        "gid": uid,
        "parent_pid": parent_pid,
        "probe": probe,
    }
    path = wd.boot / "config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    os.chmod(path, 0o644)
    return path


def python_argv(config: Path) -> list[str]:
    """Interpreter command line: no site, no user site, no script dir on sys.path, no .pyc.

    ``-E`` is not used so that PYTHONHASHSEED/PYTHONDONTWRITEBYTECODE from the scrubbed
    environment apply; the environment is fully controlled by the parent anyway.
    """
    exe = python_paths()[0]
    return [exe, "-S", "-s", "-P", "-B", str(config.parent / "nnkit_worker.py"), str(config)]


def canaries(hidden: tuple[str, ...]) -> list[str]:
    """Existing files inside the hidden paths that a bwrap worker must not be able to see."""
    out = [str(Path(__file__).resolve())]
    for h in hidden:
        try:
            with os.scandir(h) as it:
                for entry in it:
                    if entry.is_file(follow_symlinks=False):
                        out.append(entry.path)
                        break
        except OSError:
            continue
    return [c for c in out if any(_is_under(c, h) for h in hidden)]


def _probe(plan: IsolationPlan, timeout: float = 20.0) -> tuple[bool, str]:
    """Start a real worker bootstrap under ``plan`` in probe mode and check what it sees."""
    wd = WorkerDir.create(None, 0)
    try:
        uid = pick_uid() if plan.drop_uid else None
        if uid is not None:
            wd.give_to(uid, uid)
        cfg = worker_config(
            wd,
            limits={"as": 2 << 30, "fsize": 1 << 20, "nofile": 64, "cpu_hard": 30},
            forbidden=[],
            uid=uid,
            parent_pid=None,
            probe={"canaries": canaries(plan.hidden)},
        )
        argv = plan.wrap(python_argv(cfg), wd)
        if shutil.which(argv[0]) is None and not os.path.isabs(argv[0]):
            return False, f"{argv[0]} not found"
        try:
            proc = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                env=scrubbed_env(wd.home),
                cwd=str(wd.work),
                timeout=timeout,
                start_new_session=True,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return False, f"{type(exc).__name__}: {exc}"
        out = proc.stdout
        if proc.returncode != 0 or len(out) < protocol.HEADER.size:
            return False, f"exit {proc.returncode}: {proc.stderr.decode(errors='replace')[-300:]}"
        result = protocol.parse_body(out[protocol.HEADER.size :])
        if not result.get("ok"):
            return False, "numpy does not work"
        if plan.level in ("bwrap", "unshare") and result.get("network") != "blocked":
            return False, f"network {result.get('network')}"
        if plan.level == "bwrap" and result.get("visible"):
            return False, f"still visible: {result['visible']}"
        if plan.drop_uid and result.get("uid") != uid:
            return False, "uid not dropped"
        return True, "ok"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"
    finally:
        wd.cleanup()


def detect(hide: tuple[str, ...] = (), force: str | None = None) -> IsolationPlan:
    """Return the strongest working isolation plan (probed once per process and cached).

    ``hide`` adds paths to hide under bwrap; ``force`` restricts the choice to that level or
    weaker (useful in tests and on machines where a strong level misbehaves).
    """
    hidden = tuple(
        dict.fromkeys(
            os.path.realpath(p)
            for p in [*map(str, default_hidden()), *map(str, hide)]
            if os.path.exists(p) and os.path.realpath(p) != "/"
        )
    )
    key = (hidden, force)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    levels = list(LEVELS[LEVELS.index(force) :]) if force else list(LEVELS)
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    notes: list[str] = []
    chosen: IsolationPlan | None = None
    for level in levels:
        if not sys.platform.startswith("linux") and level != "rlimits":
            continue
        candidates: list[IsolationPlan] = []
        for drop in (True, False) if root else (False,):
            candidates.append(
                IsolationPlan(level, hidden, drop_uid=drop, unshare_user=not root, notes=())
            )
        for plan in candidates:
            ok, why = _probe(plan)
            if ok:
                chosen = plan
                break
            notes.append(f"{level}{' +uid' if plan.drop_uid else ''}: {why}")
        if chosen is not None:
            break
    if chosen is None:
        chosen = IsolationPlan("rlimits", hidden, drop_uid=False)
        notes.append("no level passed its probe; using plain rlimits")
    chosen = IsolationPlan(chosen.level, hidden, chosen.drop_uid, chosen.unshare_user, tuple(notes))
    with _cache_lock:
        _cache[key] = chosen
    return chosen


def isolation_report(hide: tuple[str, ...] = (), force: str | None = None) -> dict[str, Any]:
    """Detect the isolation level (see :func:`detect`) and return its bilingual report."""
    return detect(tuple(map(str, hide)), force).report()
