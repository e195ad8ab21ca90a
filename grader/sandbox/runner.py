"""Trusted side of the sandbox: start workers, send calls, classify every kind of failure.

Typical use (one ``Sandbox`` per submission; the worker is reused across calls and
restarted after any failure; :meth:`Sandbox.begin_task` gives each task a fresh worker)::

    with Sandbox(Path("submissions/s001"), modules=["layers"], limits=Limits(wall_seconds=5)) as sb:
        r = sb.call("layers", "dense_forward", x, w, b)
        if r.ok:
            out, cache = r.value            # arrays; the student's cache may be a Handle
            g = sb.call("layers", "dense_backward", dout, cache)
        else:
            print(r.status, r.message_zh, r.message_en)

``call`` never raises for anything the student does: the outcome is a :class:`CallResult` with
``status`` in :data:`STATUSES`.  Values coming back are rebuilt by :mod:`.protocol` (JSON +
``np.load(allow_pickle=False)``); nothing from the worker is ever unpickled or evaluated, so all
comparisons made afterwards in this process use the parent's own, untouched numpy.

When the grader is root, one bwrap sandbox serves all worker lifetimes of a ``Sandbox``: each
worker is a fresh fork of the sandbox's zygote with its own uid, and everything the previous
worker left is destroyed and checked (see :mod:`.zygote`).  Otherwise (or with
``reuse=False``) every worker lifetime gets its own sandbox.

Thread note: on Linux the worker is tied (PR_SET_PDEATHSIG / bwrap --die-with-parent) to the
*thread* that started it; use a sandbox from one long-lived thread or process.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import isolation, protocol
from .zygote import Zygote, ZygoteError

#: Every possible ``CallResult.status``.
STATUSES = ("ok", "timeout", "memory", "crashed", "exit", "error", "reply_too_large", "protocol")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_MEMORY_HINTS = ("MemoryError", "Cannot allocate memory", "out of memory", "std::bad_alloc")


@dataclass(frozen=True)
class Limits:
    """Resource limits of a worker.

    ``cpu_seconds``, ``wall_seconds`` and ``reply_bytes`` apply to each call; the others apply
    to the worker for its whole lifetime (one task).  ``worker_cpu_seconds`` is the hard
    RLIMIT_CPU of each sandbox process across all its calls.  ``nprocs`` bounds the processes
    *and threads* of the whole sandbox (RLIMIT_NPROC of its private uid), so the sandbox as a
    group can use at most ``nprocs * memory_bytes`` of address space; ``tmp_bytes`` sizes its
    private ``/tmp`` and ``/dev/shm``; the submission folder itself is read-only.  While a call
    runs, the resident memory of all the sandbox's processes together is kept under
    ``memory_bytes`` and their CPU use under ``group_cpus`` cores (checked every 0.1 s; the
    sandbox is killed otherwise).
    """

    cpu_seconds: float = 10.0
    wall_seconds: float = 20.0
    memory_bytes: int = 2 << 30
    file_bytes: int = 64 << 20
    nprocs: int = 8
    reply_bytes: int = 64 << 20
    open_files: int = 256
    start_seconds: float = 30.0
    tmp_bytes: int = 64 << 20
    worker_cpu_seconds: float = 600.0
    group_cpus: float = 1.5

    def rlimits(self) -> dict[str, int]:
        """The per-process limits the sandbox bootstrap applies (see ``worker.apply_limits``)."""
        return {
            "as": int(self.memory_bytes),
            "fsize": int(self.file_bytes),
            "nofile": int(self.open_files),
            "nproc": int(self.nprocs),
            "cpu_hard": max(1, int(self.worker_cpu_seconds)),
        }


@dataclass(frozen=True)
class Handle:
    """Opaque reference to an object that lives in the worker (e.g. a student's ``cache``).

    Pass it back as an argument of a later call; it is only valid while the worker that
    created it (``generation``) is alive.
    """

    id: int
    generation: int
    type_name: str = ""


@dataclass
class CallResult:
    """Outcome of one call into the sandbox.

    ``ok`` is True only for ``status == "ok"``; then ``value`` holds the decoded reply (arrays,
    scalars, nested list/tuple/dict, :class:`Handle`).  Otherwise ``message_zh``/``message_en``
    explain what happened, ``error_type`` names the student's exception (if any) and
    ``traceback`` shows only frames in the student's files.
    """

    ok: bool
    value: Any = None
    status: str = "ok"
    message_zh: str = ""
    message_en: str = ""
    error_type: str | None = None
    traceback: str = ""
    forbidden_imports: tuple[str, ...] = ()
    elapsed: float = 0.0
    exit_code: int | None = None
    signal: int | None = None
    log_tail: str = field(default="", repr=False)

    @property
    def message(self) -> str:
        """``"<中文> / <English>"`` in one line."""
        return f"{self.message_zh} / {self.message_en}"


class _Failure(Exception):
    """Internal: a call ended in a non-ok status (carries the finished result)."""

    def __init__(self, result: CallResult) -> None:
        """Wrap ``result``."""
        super().__init__(result.status)
        self.result = result


def _fail(status: str, zh: str, en: str, **kw: Any) -> CallResult:
    """Build a failed :class:`CallResult`."""
    return CallResult(ok=False, status=status, message_zh=zh, message_en=en, **kw)


def _file_of(module: str) -> str:
    """``"pkg.mod"`` → ``"pkg/mod.py"`` (how students see their modules)."""
    return module.replace(".", "/") + ".py"


class GlobalSeeding:
    """学生代码的全局随机数可复现 / Makes ``np.random``'s global generator reproducible.

    After :meth:`seed_global_random`, every call of student code starts with numpy's global
    generator seeded from the task's seed and the call's number since then (a one-way hash of
    both, so the state a student can read reveals nothing of the seed, which also draws the
    hidden inputs). Code that draws from ``np.random`` instead of the generator it is given
    gets the same draws every time the same task is graded: a regrade gives the same grade.
    Shared by the sandbox (the worker seeds before each call) and the in-process runner.
    """

    _global_seed: int | None = None
    _seeded_calls: int = 0

    def seed_global_random(self, seed: int | None) -> None:
        """从现在起按 ``seed`` 设定 / Seed every following call from ``seed`` (None: don't)."""
        self._global_seed, self._seeded_calls = seed, 0

    def _call_seed(self) -> list[int] | None:
        """下一次调用的全局种子 / The next call's global seed (four 32-bit words), or None."""
        if self._global_seed is None:
            return None
        text = f"np.random|{self._global_seed}|{self._seeded_calls}"
        self._seeded_calls += 1
        d = hashlib.sha256(text.encode()).digest()
        return [int.from_bytes(d[i : i + 4], "little") for i in range(0, 16, 4)]


class Sandbox(GlobalSeeding):
    """Runs a submission's code in an isolated, resource-limited worker process.

    Parameters
    ----------
    submission_dir:
        Folder with the student's modules, bound **read-only** as the worker's working folder
        (``/nnkit/work``); give it a private copy (the engine does, see
        :func:`grader.engine.prepare_copy`).  Its files must be world-readable.
    modules:
        If given, only these modules may be called.
    limits:
        :class:`Limits`; can be changed later with :meth:`set_limits`.
    forbidden:
        Top-level modules the student's code may not import; attempts are blocked and reported.
    insecure:
        Allow running without a namespace sandbox when bubblewrap does not work (never as root;
        reports say so).  Otherwise :class:`~grader.sandbox.SandboxUnavailable` is raised.
    reuse:
        Keep one bwrap sandbox for all worker lifetimes (a fresh zygote fork with its own uid
        each time, see :mod:`.zygote`); only possible when the grader is root, ignored
        otherwise.
    zygote:
        A running sandbox lent by its owner (:class:`.zygote.WarmSlot`, bound to
        ``submission_dir``) to use instead of starting one; :meth:`close` leaves it running
        (idle and clean) for its owner unless it had to be thrown away.
    """

    def __init__(
        self,
        submission_dir: Path | str,
        *,
        modules: Iterable[str] | None = None,
        limits: Limits = Limits(),
        forbidden: Iterable[str] = ("nncore", "grader"),
        insecure: bool = False,
        reuse: bool = True,
        zygote: Zygote | None = None,
    ) -> None:
        """Remember the configuration and detect the isolation level (worker starts lazily)."""
        self.submission_dir = Path(submission_dir).resolve()
        self.modules = None if modules is None else frozenset(modules)
        self.limits = limits
        self.forbidden = tuple(dict.fromkeys(forbidden))
        self.plan = isolation.detect(insecure)
        self.isolation: dict[str, Any] = self.plan.report()
        self._proc: subprocess.Popen[bytes] | None = None
        self._uid: int | None = None
        self._wd: isolation.WorkerDir | None = None
        self._generation = 0
        self._next_id = 1
        self._forbidden_seen: set[str] = set()
        self._killed_for: str | None = None
        self._cpu_mark: tuple[float, float] | None = None
        self._lock = threading.RLock()
        self.startup_seconds: float | None = None
        #: seconds spent starting, stopping and cleaning workers and sandboxes (timings)
        self.overhead_seconds = 0.0
        self.reuse = bool(reuse and self.plan.as_root and not self.plan.insecure)
        self._zygote: Zygote | None = zygote if self.reuse else None
        self._lent = self._zygote
        self._log: Path | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> Sandbox:
        """Return self (the worker starts on the first call)."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Kill the worker and delete its temporary files."""
        self.close()

    def __del__(self) -> None:
        """Best-effort cleanup if the sandbox was not closed."""
        with contextlib.suppress(Exception):
            self.close()

    @property
    def generation(self) -> int:
        """Number of the current worker lifetime (handles of older lifetimes are stale)."""
        return self._generation

    @property
    def worker_pid(self) -> int | None:
        """Host pid of the worker: its bwrap (per-worker sandbox) or the forked worker itself."""
        return self._proc.pid if self._proc is not None else None

    @property
    def forbidden_imports(self) -> tuple[str, ...]:
        """Forbidden modules the submission tried to import so far (across restarts)."""
        return tuple(sorted(self._forbidden_seen))

    def set_limits(self, limits: Limits) -> None:
        """Use ``limits`` from now on; restarts the worker if a lifetime limit changed."""
        old, self.limits = self.limits, limits
        lifetime = ("memory_bytes", "file_bytes", "nprocs", "open_files", "worker_cpu_seconds")
        if any(getattr(old, k) != getattr(limits, k) for k in lifetime):
            self.restart()

    def begin_task(self, limits: Limits) -> None:
        """Start a new task: the current worker (and all it left) is destroyed, the next call
        starts a fresh one with ``limits``, and forbidden imports are recorded afresh."""
        with self._lock:
            self.restart()
            self.limits = limits
            self._forbidden_seen = set()
            self.startup_seconds = None

    def close(self) -> None:
        """Kill the worker and its sandbox and remove their temporary directory (a lent sandbox
        is left, idle and clean, to its owner)."""
        with self._lock:
            t0 = time.monotonic()
            self._end_worker()
            zygote, self._zygote = self._zygote, None
            lent = self._lent
            if zygote is not None and zygote is not lent:
                zygote.close()
            if self._wd is not None and (lent is None or self._wd is not lent.wd):
                self._wd.cleanup()
            self._wd = None
            self.overhead_seconds += time.monotonic() - t0

    def restart(self) -> None:
        """Kill the current worker (if any); the next call starts a fresh one (new handles)."""
        with self._lock:
            t0 = time.monotonic()
            self._end_worker()
            self.overhead_seconds += time.monotonic() - t0

    def _end_worker(self) -> None:
        """Kill the current worker with every process of its uid.  Per-worker sandbox: remove
        its folder.  Shared sandbox: clean it (or throw it away if that fails)."""
        proc, self._proc = self._proc, None
        uid, self._uid = self._uid, None
        stopped = True
        if proc is not None or uid is not None:
            stopped = self._kill(proc, uid)
        if self._zygote is not None:
            if uid is not None and not (stopped and self._zygote.clean(uid)):
                self._zygote.close()
                self._zygote = None
            if self._log is not None:  # the worker's stderr (up to file_bytes): not kept
                with contextlib.suppress(OSError):
                    self._log.unlink()
        elif self._wd is not None:
            self._wd.cleanup()
            self._wd = None

    def start(self) -> CallResult:
        """Start a worker now if none is running; returns an ok or a failed result."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return CallResult(ok=True, message_zh="工作进程已启动", message_en="worker running")
            t0 = time.monotonic()
            try:
                self._spawn()
            except _Failure as f:
                self._end_worker()
                return f.result
            finally:
                self.overhead_seconds += time.monotonic() - t0
            return CallResult(ok=True, message_zh="工作进程已启动", message_en="worker started")

    def _spawn(self) -> None:
        """Create the temporary tree, launch the wrapped bootstrap and wait for its hello."""
        self._end_worker()
        lim = self.limits
        t0 = time.monotonic()
        if not self.submission_dir.is_dir():
            raise _Failure(
                _fail(
                    "error",
                    f"提交目录不存在：{self.submission_dir}",
                    f"submission folder does not exist: {self.submission_dir}",
                    error_type="SubmissionError",
                )
            )
        if self.reuse:
            self._fork_worker()
        else:
            self._launch_worker()
        assert self._proc is not None
        assert self._proc.stdin is not None and self._proc.stdout is not None
        os.set_blocking(self._proc.stdin.fileno(), False)
        os.set_blocking(self._proc.stdout.fileno(), False)
        self._generation += 1
        self._killed_for = None
        reply = self._receive(t0 + lim.start_seconds, 1 << 16, None)
        if not reply.get("hello"):
            raise _Failure(self._protocol_error("the worker did not say hello"))
        self.startup_seconds = time.monotonic() - t0

    def _fork_worker(self) -> None:
        """Shared sandbox: fork a worker from the zygote (starting the sandbox if needed;
        one more try in a new sandbox if the zygote fails)."""
        lim = self.limits
        for attempt in (0, 1):
            try:
                z = self._zygote
                if z is None or not z.alive() or z.tmp_bytes != int(lim.tmp_bytes):
                    if z is not None:
                        z.close()
                    self._zygote = None
                    z = Zygote(
                        self.plan,
                        self.submission_dir,
                        forbidden=list(self.forbidden),
                        tmp_bytes=int(lim.tmp_bytes),
                        start_seconds=lim.start_seconds,
                    )
                    self._zygote = z
                self._wd = z.wd
                self._log = z.wd.root / f"worker{self._generation + 1}.log"
                uid = isolation.pick_uid()
                with open(self._log, "wb") as log:
                    self._proc = z.spawn(uid, lim.rlimits(), log.fileno())  # type: ignore[assignment]
                self._uid = uid
                return
            except (ZygoteError, OSError) as exc:
                if self._zygote is not None:
                    self._zygote.close()
                    self._zygote = None
                if attempt:
                    raise _Failure(
                        _fail(
                            "crashed",
                            f"无法启动工作进程：{exc}",
                            f"cannot start the worker: {exc}",
                        )
                    ) from None

    def _launch_worker(self) -> None:
        """Per-worker sandbox: launch a new bwrap sandbox running the bootstrap."""
        lim = self.limits
        wd = isolation.WorkerDir.create()
        self._wd = wd
        self._log = wd.log
        with open(wd.log, "wb") as log:
            try:
                self._proc, self._uid = isolation.launch(
                    self.plan,
                    wd,
                    limits=lim.rlimits(),
                    ro=[(str(self.submission_dir), isolation.WORK)],
                    tmp_bytes=int(lim.tmp_bytes),
                    forbidden=list(self.forbidden),
                    stderr=log,
                )
            except OSError as exc:
                raise _Failure(
                    _fail(
                        "crashed",
                        f"无法启动工作进程：{exc}",
                        f"cannot start the worker: {exc}",
                    )
                ) from None

    def _kill(self, proc: Any, uid: int | None) -> bool:
        """Kill the whole sandbox, or the shared sandbox's worker with every process of its
        uid (see :func:`isolation.stop`), and close the pipes; False if something survived."""
        stopped = isolation.stop(proc, uid)
        if proc is None:
            return stopped
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        return stopped

    # -- I/O ------------------------------------------------------------------------------
    def _send(self, message: dict[str, Any], deadline: float) -> None:
        """Write one frame to the worker before ``deadline`` (raises _Failure otherwise)."""
        assert self._proc is not None and self._proc.stdin is not None
        data = memoryview(protocol.frame(message))
        fd = self._proc.stdin.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_WRITE)
            while data:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Failure(self._timeout())
                if not sel.select(left):
                    continue
                try:
                    n = os.write(fd, data[: 1 << 20])
                except BlockingIOError:
                    continue
                except (BrokenPipeError, OSError):
                    raise _Failure(self._after_death()) from None
                data = data[n:]

    def _read_exact(self, n: int, deadline: float, sel: selectors.BaseSelector) -> bytes | None:
        """Read ``n`` bytes before ``deadline``; None on end of file (raises on timeout)."""
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        buf = bytearray()
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Failure(self._timeout())
            if not sel.select(min(left, 0.1)):
                # A child forked by the student may keep the pipe open after the worker died:
                # notice the death without waiting for end of file.
                if self._proc.poll() is not None:
                    return None
                self._watch_group()
                continue
            try:
                part = os.read(fd, min(n - len(buf), 1 << 20))
            except BlockingIOError:
                continue
            if not part:
                return None
            buf += part
        return bytes(buf)

    def _receive(self, deadline: float, max_bytes: int, expect_id: int | None) -> dict[str, Any]:
        """Read and parse one reply frame (size-bounded); raise _Failure on any problem."""
        assert self._proc is not None and self._proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self._proc.stdout.fileno(), selectors.EVENT_READ)
            head = self._read_exact(protocol.HEADER.size, deadline, sel)
            if head is None:
                raise _Failure(self._after_death())
            (size,) = protocol.HEADER.unpack(head)
            if size > max_bytes:
                self._kill_current("reply_too_large")
                mib = max_bytes / 2**20
                raise _Failure(
                    _fail(
                        "reply_too_large",
                        f"返回数据过大（{size} 字节，上限 {mib:.1f} MiB）",
                        f"reply too large ({size} bytes, limit {mib:.1f} MiB)",
                    )
                )
            body = self._read_exact(size, deadline, sel)
            if body is None:
                raise _Failure(self._after_death())
        try:
            msg = protocol.parse_body(body)
            if expect_id is not None and msg.get("id") != expect_id:
                raise protocol.ProtocolError("reply id does not match the request")
        except protocol.ProtocolError as exc:
            raise _Failure(self._protocol_error(str(exc))) from None
        forbidden = msg.get("forbidden", [])
        if isinstance(forbidden, list):
            self._forbidden_seen.update(str(x)[:100] for x in forbidden[:100])
        return msg

    def _watch_group(self) -> None:
        """Group limits while a call runs: resident memory of all the sandbox's processes
        together at most ``memory_bytes``, and at most ``group_cpus`` busy cores (averaged
        over >= 1 s).  Raises _Failure after killing the sandbox."""
        assert self._proc is not None
        z = self._zygote
        if self.reuse and z is not None and z.bwrap_pid is not None:
            # orphans of the worker are re-parented to the sandbox's init: count all but the zygote
            rss, cpu, _n = isolation.group_usage(z.bwrap_pid, exclude=z.pid)
        else:
            rss, cpu, _n = isolation.group_usage(self._proc.pid)
        now = time.monotonic()
        if rss > self.limits.memory_bytes:
            self._kill_current("memory")
            raise _Failure(self._memory("", None, None))
        t_prev, cpu_prev = self._cpu_mark or (now, cpu)
        if self._cpu_mark is None:
            self._cpu_mark = (now, cpu)
        elif now - t_prev >= 1.0:
            if (cpu - cpu_prev) / (now - t_prev) > self.limits.group_cpus:
                self._kill_current("cpu")
                c = self.limits.group_cpus
                raise _Failure(
                    _fail(
                        "timeout",
                        f"CPU 使用过多：多个进程同时忙碌（上限 {c:g} 个核）",
                        f"too much CPU: several busy processes at once (limit {c:g} cores)",
                        log_tail=self._log_tail(),
                    )
                )
            self._cpu_mark = (now, cpu)

    # -- failure classification -----------------------------------------------------------
    def _kill_current(self, reason: str) -> None:
        """Kill the running worker, remembering why (used to classify its death)."""
        self._killed_for = reason
        if self._proc is not None:
            self._kill(self._proc, self._uid if self.reuse else None)

    def _log_tail(self, limit: int = 4000) -> str:
        """Last ``limit`` bytes of the worker's stderr (student prints and crash messages)."""
        if self._log is None:
            return ""
        try:
            with open(self._log, "rb") as fh:
                fh.seek(0, os.SEEK_END)
                fh.seek(max(0, fh.tell() - limit))
                return fh.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def _timeout(self) -> CallResult:
        """Kill the worker group after a wall-time overrun and describe it."""
        self._kill_current("timeout")
        w, c = self.limits.wall_seconds, self.limits.cpu_seconds
        return _fail(
            "timeout",
            f"超时：超过 {w:g} 秒墙钟时间（CPU 限制 {c:g} 秒），可能有死循环",
            f"timed out: exceeded {w:g} s wall time (CPU limit {c:g} s); infinite loop?",
            log_tail=self._log_tail(),
        )

    def _protocol_error(self, detail: str) -> CallResult:
        """Kill the worker after a malformed reply and describe it."""
        self._kill_current("protocol")
        return _fail(
            "protocol",
            f"工作进程返回了无法解析或不安全的数据：{detail[:200]}",
            f"the worker sent malformed or unsafe data: {detail[:200]}",
            log_tail=self._log_tail(),
        )

    def _after_death(self) -> CallResult:
        """The worker closed its pipe: reap it and turn its exit status into a result."""
        proc = self._proc
        rc: int | None = None
        if proc is not None:
            try:
                rc = proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._kill(proc, None)
                rc = proc.returncode
        tail = self._log_tail()
        sig: int | None = None
        code: int | None = None
        if rc is not None and rc < 0:
            sig = -rc
        elif rc is not None and not self.plan.insecure and not self.reuse and 128 < rc < 129 + 64:
            sig = rc - 128  # bwrap reports a child killed by signal N as exit code 128 + N
        else:
            code = rc
        if self._killed_for == "timeout" or sig == getattr(signal, "SIGXCPU", -1):
            c = self.limits.cpu_seconds
            return _fail(
                "timeout",
                f"超时：超过 CPU 时间限制（{c:g} 秒）",
                f"timed out: CPU time limit ({c:g} s) exceeded",
                signal=sig,
                log_tail=tail,
            )
        if any(h in tail for h in _MEMORY_HINTS):
            return self._memory(tail, sig, code)
        if sig is not None:
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else sig
            return _fail(
                "crashed",
                f"工作进程崩溃（信号 {name}）",
                f"the worker process crashed (signal {name})",
                signal=sig,
                log_tail=tail,
            )
        return _fail(
            "exit",
            f"代码提前退出了进程（退出码 {code}），请不要调用 sys.exit / os._exit / exit()",
            f"the code ended the process (exit code {code}); do not call sys.exit / os._exit / exit()",
            exit_code=code,
            log_tail=tail,
        )

    def _memory(self, tail: str, sig: int | None, code: int | None) -> CallResult:
        """Describe an out-of-memory failure."""
        mib = self.limits.memory_bytes / 2**20
        return _fail(
            "memory",
            f"内存不足：超过 {mib:.0f} MiB 内存限制",
            f"out of memory: exceeded the {mib:.0f} MiB memory limit",
            error_type="MemoryError",
            signal=sig,
            exit_code=code,
            log_tail=tail,
        )

    def _from_error_reply(self, msg: dict[str, Any], module: str | None, attr: str) -> CallResult:
        """Turn a worker error reply into a result with trusted zh/en wording."""
        kind = msg.get("kind")
        etype = str(msg.get("error_type") or "")[:100] or None
        text = str(msg.get("message") or "")[:2000]
        tb = str(msg.get("traceback") or "")[:8000]
        where = _file_of(module) if module else "the object"
        if kind == "missing_module":
            return _fail(
                "error",
                f"未找到模块 {module}（{where}）",
                f"module {module} not found ({where})",
                error_type="MissingModule",
            )
        if kind == "missing_attr":
            return _fail(
                "error",
                f"未找到函数 {attr}（{where}）",
                f"function {attr} not found in {where}",
                error_type="MissingFunction",
            )
        if kind == "missing_callable":
            return _fail(
                "error",
                f"{where} 中的 {attr} 不是函数",
                f"{attr} in {where} is not callable",
                error_type="MissingFunction",
            )
        if kind == "memory":
            r = self._memory(self._log_tail(), None, None)
            r.traceback = tb
            return r
        if kind == "exit":
            code = msg.get("code")
            code = code if isinstance(code, int) else None
            return _fail(
                "exit",
                f"代码调用了 sys.exit / exit()（退出码 {code}），请不要退出进程",
                f"the code called sys.exit / exit() (exit code {code}); do not exit the process",
                error_type="SystemExit",
                exit_code=code,
                traceback=tb,
            )
        return _fail(
            "error",
            f"代码抛出异常 {etype}：{text}",
            f"the code raised {etype}: {text}",
            error_type=etype,
            traceback=tb,
            log_tail=self._log_tail(),
        )

    # -- calls ----------------------------------------------------------------------------
    def _encode_arg(self, obj: Any) -> dict[str, Any]:
        """Encode a :class:`Handle` argument; refuse stale handles and unknown objects."""
        if isinstance(obj, Handle):
            if obj.generation != self._generation or self._proc is None:
                raise _StaleHandle(obj)
            return {"__handle__": obj.id}
        raise protocol.Unencodable(f"cannot send a value of type {type(obj).__name__}")

    def _decode_handle(self, tag: dict[str, Any]) -> Handle:
        """Make a :class:`Handle` for a handle tag in a reply."""
        return Handle(int(tag["__handle__"]), self._generation, str(tag.get("type", ""))[:100])

    def request(
        self,
        op: str,
        *,
        module: str | None = None,
        handle: Handle | None = None,
        attr: str = "",
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> CallResult:
        """Send one request (``call``, ``getattr`` or ``check``) and classify its outcome.

        Never raises for anything the submission does; after any failure the worker is killed
        and the next request starts a fresh one.
        """
        t0 = time.monotonic()
        with self._lock:
            result = self._request(op, module, handle, attr, args, kwargs or {})
        result.elapsed = time.monotonic() - t0
        result.forbidden_imports = self.forbidden_imports
        return result

    def _request(
        self,
        op: str,
        module: str | None,
        handle: Handle | None,
        attr: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> CallResult:
        """Body of :meth:`request` (lock held)."""
        for name in (module, attr or None):
            if name is not None and not _NAME.match(name):
                return _fail(
                    "error",
                    f"无效的名称 {name!r}",
                    f"invalid name {name!r}",
                    error_type="ArgumentError",
                )
        if module is not None and self.modules is not None and module not in self.modules:
            return _fail(
                "error",
                f"不允许调用模块 {module}",
                f"module {module} may not be called",
                error_type="ArgumentError",
            )
        if self._proc is None or self._proc.poll() is not None:
            started = self.start()
            if not started.ok:
                return started
        rid = self._next_id
        self._next_id += 1
        message: dict[str, Any] = {"op": op, "id": rid, "attr": attr}
        message["cpu_seconds"] = float(self.limits.cpu_seconds)
        if op == "call":
            message["seed"] = self._call_seed()
        try:
            if handle is not None:
                message["handle"] = self._encode_arg(handle)["__handle__"]
            else:
                message["module"] = module
            message["args"] = protocol.encode(list(args), self._encode_arg)
            message["kwargs"] = protocol.encode(dict(kwargs), self._encode_arg)
        except _StaleHandle as exc:
            return _fail(
                "error",
                f"句柄 {exc.handle.id} 已失效（工作进程已重启）",
                f"handle {exc.handle.id} is stale (the worker was restarted)",
                error_type="StaleHandle",
            )
        except (protocol.Unencodable, ValueError, RecursionError) as exc:
            return _fail(
                "error",
                f"参数无法发送给工作进程：{exc}",
                f"argument cannot be sent to the worker: {exc}",
                error_type="ArgumentError",
            )
        deadline = time.monotonic() + self.limits.wall_seconds
        try:
            self._killed_for = None
            self._cpu_mark = None
            self._send(message, deadline)
            reply = self._receive(deadline, int(self.limits.reply_bytes), rid)
            if reply.get("ok") is True:
                try:
                    value = protocol.decode(reply.get("value"), self._decode_handle)
                except protocol.ProtocolError as exc:
                    raise _Failure(self._protocol_error(str(exc))) from None
                return CallResult(ok=True, value=value, message_zh="完成", message_en="ok")
            if reply.get("kind") == "bad_request":
                raise _Failure(self._protocol_error("bad request"))
            result = self._from_error_reply(reply, module, attr)
        except _Failure as f:
            result = f.result
        self.restart()  # restart after any failure
        return result

    def call(self, module: str, function: str, *args: Any, **kwargs: Any) -> CallResult:
        """Call ``module.function(*args, **kwargs)`` in the worker (``function`` may be dotted,
        e.g. ``"Dense.forward"``).  Arguments: arrays, scalars, nested list/tuple/dict, Handles.
        """
        return self.request("call", module=module, attr=function, args=args, kwargs=kwargs)

    def getattr(self, target: str | Handle, attr: str) -> CallResult:
        """Read attribute ``attr`` of a submission module (by name) or of a handle's object."""
        if isinstance(target, Handle):
            return self.request("getattr", handle=target, attr=attr)
        return self.request("getattr", module=target, attr=attr)

    def import_error(self, module: str, function: str | None = None) -> CallResult | None:
        """Return None if ``module`` (and ``function`` in it) can be imported, else the failure
        (e.g. "未找到函数 dense_forward / function dense_forward not found in layers.py")."""
        r = self.request("check", module=module, attr=function or "")
        return None if r.ok else r

    def release(self, *handles: Handle) -> None:
        """Let the worker forget ``handles`` (frees memory in long tasks)."""
        ids = [h.id for h in handles if h.generation == self._generation]
        with self._lock:
            if not ids or self._proc is None:
                return
            rid = self._next_id
            self._next_id += 1
            deadline = time.monotonic() + self.limits.wall_seconds
            try:
                self._send({"op": "release", "id": rid, "handles": ids}, deadline)
                self._receive(deadline, 1 << 16, rid)
            except _Failure:
                self.restart()


class _StaleHandle(Exception):
    """A handle from an earlier worker lifetime was passed to a call."""

    def __init__(self, handle: Handle) -> None:
        """Keep the offending handle."""
        super().__init__(handle)
        self.handle = handle
