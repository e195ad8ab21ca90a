"""Standalone bootstrap of the untrusted sandbox worker.

This file is *copied* into a fresh temporary directory (``/nnkit/boot`` inside the sandbox) and
started as ``python -S -s -P -B nnkit_worker.py config.json``.  It must never import ``grader`` or
``nncore``: it only uses the standard library, numpy (from a private directory that holds
nothing but numpy) and the wire-format module copied next to it.

Start-up order (all before any student code runs):

1. apply hard resource limits (address space, file size, open files, core size 0, processes,
   lifetime CPU), ignore SIGXFSZ so an oversized write raises ``OSError`` instead of killing us;
2. ``PR_SET_NO_NEW_PRIVS`` and ``PR_SET_PDEATHSIG(SIGKILL)`` on Linux, then check the parent is
   still alive;
3. if configured (grader running as root), drop to an unprivileged uid/gid so that hard limits
   cannot be raised again and RLIMIT_NPROC is enforced;
4. import numpy and the wire format, move the protocol onto private file descriptors (fd 1 then
   points at the log so ``print`` cannot corrupt the protocol, fd 0 at /dev/null);
5. put the submission copy first on ``sys.path`` and install an import hook that blocks and
   records forbidden top-level modules (``nncore``, ``grader``, ...).

With ``"exec"`` in the configuration (see ``grader.sandbox.run_command``) it ``execve``'s that
command after step 3 instead.  Otherwise it answers requests one at a time: ``call``, ``getattr``, ``check``, ``release``, ``ping``.

Zygote mode (``"zygote": true``; one sandbox per submission, grader running as root)
----------------------------------------------------------------------------------
The bootstrap skips step 3 and becomes the sandbox's *zygote*: it makes itself non-dumpable
(no ptrace, no ``/proc/<pid>/mem``), imports numpy and the wire format -- never anything of the
student's -- and then obeys a control socket (fd 0, ``SOCK_SEQPACKET``) from the trusted grader:

``spawn``  fork a task worker: the child closes the control socket, takes the request/reply
           pipes and the log passed with the message (``SCM_RIGHTS``), starts a new session,
           applies the task's limits, switches to the task's own fresh uid (no capabilities
           left), re-seeds numpy's global generator and serves requests as in step 5;
``wait``   report a task worker's wait status (the grader has killed it);
``clean``  after the grader has killed every process of the task's uid: remove what the task
           left in ``/tmp``, ``/dev/shm``, ``/dev/mqueue`` and SysV IPC (a child running as the
           task's uid does it), then check that all of it is empty.  Not clean = the grader
           throws the whole sandbox away.

The zygote keeps uid 0 with only CAP_SETUID/CAP_SETGID inside the sandbox; a task worker runs
as another uid, so the kernel refuses it ptrace, ``/proc/<pid>/mem``, signals and ``prlimit``
on the zygote.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import importlib.abc
import importlib.util
import json
import math
import os
import resource
import signal
import socket
import sys
import time
import traceback
from typing import Any

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
IPC_RMID = 0
#: What a task may leave behind in the sandbox and the zygote removes (see ``clean``).
SCRATCH = ("/tmp", "/dev/shm", "/dev/mqueue")
SYSV = ("shm", "sem", "msg")
MAX_TEXT = 2000
MAX_FRAMES = 8


def _prctl(option: int, arg: int) -> bool:
    """Call Linux ``prctl(option, arg)``; return False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, arg, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _set_limit(name: str, value: int | None) -> None:
    """Set both soft and hard limit ``resource.<name>`` to ``value`` (None = leave alone)."""
    res = getattr(resource, name, None)
    if res is None or value is None:
        return
    try:
        resource.setrlimit(res, (value, value))
    except (ValueError, OSError):
        # e.g. macOS refuses RLIMIT_AS; keep whatever the system allows.
        try:
            _soft, hard = resource.getrlimit(res)
            if hard == resource.RLIM_INFINITY or value <= hard:
                resource.setrlimit(res, (value, hard))
        except (ValueError, OSError):
            pass


def apply_limits(limits: dict[str, Any]) -> None:
    """Apply the hard resource limits described by ``limits`` to this process."""
    _set_limit("RLIMIT_CORE", 0)
    _set_limit("RLIMIT_AS", limits.get("as"))
    _set_limit("RLIMIT_FSIZE", limits.get("fsize"))
    _set_limit("RLIMIT_NOFILE", limits.get("nofile"))
    _set_limit("RLIMIT_NPROC", limits.get("nproc"))
    _set_limit("RLIMIT_CPU", limits.get("cpu_hard"))
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def drop_privileges(uid: int | None, gid: int | None) -> None:
    """Switch to ``uid``/``gid`` (only meaningful when started as root); exit if it fails."""
    if uid is None:
        return
    try:
        os.setgroups([])
        os.setgid(gid if gid is not None else uid)
        os.setuid(uid)
    except OSError as exc:
        sys.stderr.write(f"nnkit worker: cannot drop privileges: {exc}\n")
        os._exit(97)
    if os.getuid() != uid or os.geteuid() != uid:
        os._exit(97)


class ForbiddenImportBlocker(importlib.abc.MetaPathFinder):
    """Meta-path finder that refuses (and records) imports of forbidden top-level packages."""

    def __init__(self, forbidden: list[str]) -> None:
        """Block every module whose top-level package is in ``forbidden``."""
        self.forbidden = frozenset(forbidden)
        self.attempts: set[str] = set()

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        """Raise ModuleNotFoundError for forbidden names; return None (defer) otherwise."""
        top = fullname.partition(".")[0]
        if top in self.forbidden:
            self.attempts.add(top)
            raise ModuleNotFoundError(
                f"禁止导入 {top}：评分沙箱中不可使用参考答案或评分器 / "
                f"importing {top!r} is not allowed in the grading sandbox",
                name=fullname,
            )
        return None


def _seed_global_random(seed: Any) -> None:
    """按父进程给的种子重设 np.random / Seed numpy's global generator with the parent's words
    (a list of 32-bit ints; anything else leaves it as it is)."""
    if not (isinstance(seed, list) and seed and all(type(w) is int for w in seed)):
        return
    import numpy

    numpy.random.seed([w & 0xFFFFFFFF for w in seed])


class Worker:
    """Request loop of the untrusted worker (runs the student's code)."""

    def __init__(self, config: dict[str, Any], proto: Any, fd_in: int, fd_out: int) -> None:
        """Keep the configuration, the wire-format module and the protocol descriptors."""
        self.config = config
        self.proto = proto
        self.fd_in = fd_in
        self.fd_out = fd_out
        self.workdir = os.path.realpath(config["workdir"])
        self.handles: dict[int, Any] = {}
        self.next_handle = 1
        self.blocker = ForbiddenImportBlocker(config.get("forbidden", []))

    # -- framing --------------------------------------------------------------------------
    def _read_exact(self, n: int) -> bytes | None:
        """Read exactly ``n`` bytes from the request pipe; None on end of file."""
        chunks = bytearray()
        while len(chunks) < n:
            part = os.read(self.fd_in, min(n - len(chunks), 1 << 20))
            if not part:
                return None
            chunks += part
        return bytes(chunks)

    def read_request(self) -> dict[str, Any] | None:
        """Return the next request, or None when the parent closed the pipe."""
        head = self._read_exact(self.proto.HEADER.size)
        if head is None:
            return None
        (size,) = self.proto.HEADER.unpack(head)
        body = self._read_exact(size)
        return None if body is None else self.proto.parse_body(body)

    def send(self, message: dict[str, Any]) -> None:
        """Write one framed reply (adds the list of blocked imports seen so far)."""
        message["forbidden"] = sorted(self.blocker.attempts)
        data = self.proto.frame(message)
        view = memoryview(data)
        while view:
            written = os.write(self.fd_out, view)
            view = view[written:]

    # -- values ---------------------------------------------------------------------------
    def _register(self, obj: Any) -> dict[str, Any]:
        """Store ``obj`` in the handle table and return its handle tag."""
        hid = self.next_handle
        self.next_handle += 1
        self.handles[hid] = obj
        return {"__handle__": hid, "type": type(obj).__name__[:100]}

    def _lookup(self, tag: dict[str, Any]) -> Any:
        """Return the object of a handle tag sent back by the parent."""
        hid = tag["__handle__"]
        if hid not in self.handles:
            raise LookupError(f"unknown handle {hid}")
        return self.handles[hid]

    # -- modules --------------------------------------------------------------------------
    def _in_submission(self, filename: str | None) -> bool:
        """True if ``filename`` lies inside the submission copy."""
        if not filename:
            return False
        path = os.path.realpath(filename)
        return path == self.workdir or path.startswith(self.workdir + os.sep)

    def load_module(self, name: str) -> Any:
        """Import ``name`` from the submission copy only (never stdlib or numpy)."""
        if name in sys.modules:
            mod = sys.modules[name]
            if self._in_submission(getattr(mod, "__file__", None)):
                return mod
            raise _Missing("module", name)
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not self._in_submission(spec.origin):
            raise _Missing("module", name)
        return importlib.import_module(name)

    def resolve(self, req: dict[str, Any]) -> Any:
        """Return the callable or attribute a request points at (module or handle based)."""
        if "handle" in req:
            obj = self._lookup({"__handle__": req["handle"]})
        else:
            obj = self.load_module(req["module"])
        for part in req["attr"].split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise _Missing("attr", req["attr"]) from None
        return obj

    # -- errors ---------------------------------------------------------------------------
    def _short_traceback(self, exc: BaseException) -> str:
        """Return the traceback restricted to frames in the student's files."""
        lines: list[str] = []
        try:
            frames = [
                f
                for f in traceback.extract_tb(exc.__traceback__)
                if self._in_submission(f.filename)
            ][-MAX_FRAMES:]
            for f in frames:
                rel = os.path.relpath(os.path.realpath(f.filename), self.workdir)
                lines.append(f'  File "{rel}", line {f.lineno}, in {f.name}')
                if f.line:
                    lines.append(f"    {f.line.strip()[:200]}")
        except Exception:
            pass
        return "\n".join(lines)

    def error_reply(self, rid: int, exc: BaseException) -> dict[str, Any]:
        """Describe an exception raised by student code as an error reply."""
        if isinstance(exc, _Missing):
            return {"id": rid, "ok": False, "kind": "missing_" + exc.what, "name": exc.name}
        try:
            text = str(exc)[:MAX_TEXT]
        except BaseException:
            text = "<unprintable exception>"
        kind = "exception"
        code: Any = None
        if isinstance(exc, SystemExit):
            kind = "exit"
            code = exc.code if isinstance(exc.code, int) and not isinstance(exc.code, bool) else 1
            if exc.code is None:
                code = 0
        elif isinstance(exc, MemoryError):
            kind = "memory"
        return {
            "id": rid,
            "ok": False,
            "kind": kind,
            "code": code,
            "error_type": type(exc).__name__[:100],
            "message": text,
            "traceback": self._short_traceback(exc),
        }

    # -- operations -----------------------------------------------------------------------
    def _arm_cpu(self, seconds: Any) -> None:
        """Set the soft CPU limit to 'CPU used so far + seconds' (SIGXCPU when exceeded)."""
        if not isinstance(seconds, int | float) or seconds <= 0:
            return
        usage = resource.getrusage(resource.RUSAGE_SELF)
        want = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (want, hard))

    def handle(self, req: dict[str, Any]) -> dict[str, Any]:
        """Execute one request and return its reply (never raises)."""
        rid = req.get("id", 0)
        op = req.get("op")
        try:
            if op == "ping":
                return {"id": rid, "ok": True, "value": None}
            if op == "release":
                for hid in req.get("handles", []):
                    self.handles.pop(hid, None)
                return {"id": rid, "ok": True, "value": None}
            self._arm_cpu(req.get("cpu_seconds"))
            if op == "check":
                self.load_module(req["module"])
                if req.get("attr"):
                    self.resolve(req)
                return {"id": rid, "ok": True, "value": None}
            if op == "getattr":
                result = self.resolve(req)
            elif op == "call":
                fn = self.resolve(req)
                if not callable(fn):
                    raise _Missing("callable", req["attr"])
                args = self.proto.decode(req.get("args", []), self._lookup)
                kwargs = self.proto.decode(req.get("kwargs", {"__di__": []}), self._lookup)
                _seed_global_random(req.get("seed"))
                result = fn(*args, **kwargs)
            else:
                return {"id": rid, "ok": False, "kind": "bad_request", "message": str(op)[:100]}
            value = self.proto.encode(result, self._register)
            del result
            return {"id": rid, "ok": True, "value": value}
        except BaseException as exc:
            reply = self.error_reply(rid, exc)
            del exc
            return reply

    def serve(self) -> None:
        """Answer requests until the parent closes the pipe."""
        sys.meta_path.insert(0, self.blocker)
        self.send({"id": 0, "ok": True, "hello": True, "pid": os.getpid(), "uid": os.getuid()})
        while True:
            req = self.read_request()
            if req is None:
                return
            reply = self.handle(req)
            try:
                self.send(reply)
            except (MemoryError, ValueError, TypeError) as exc:
                self.send(
                    {
                        "id": req.get("id", 0),
                        "ok": False,
                        "kind": "exception",
                        "error_type": type(exc).__name__,
                        "message": "reply could not be serialised",
                        "traceback": "",
                    }
                )


class _Missing(Exception):
    """A module/attribute the parent asked for does not exist in the submission."""

    def __init__(self, what: str, name: str) -> None:
        """Record what kind of thing (``module``, ``attr``, ``callable``) is missing."""
        super().__init__(f"{what} {name} not found")
        self.what = what
        self.name = name


def _probe(config: dict[str, Any], np: Any) -> dict[str, Any]:
    """Self-test used when choosing an isolation level (no student code involved)."""
    import decimal  # noqa: F401  (lazy stdlib import after the privilege drop)
    import socket

    result: dict[str, Any] = {"numpy": str(np.__version__), "uid": os.getuid()}
    result["visible"] = [p for p in config["probe"].get("canaries", []) if os.path.exists(p)]
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            status = dict(line.split(":", 1) for line in fh if ":" in line)
        result["cap_eff"] = status.get("CapEff", "").strip()
        result["pids"] = sum(e.isdigit() for e in os.listdir("/proc"))
    except OSError:
        result["cap_eff"] = None
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(("192.0.2.1", 9))
        result["network"] = "open"
    except OSError as exc:
        result["network"] = "blocked" if exc.errno in (101, 113, 99, 1, 13) else "unknown"
    result["ok"] = float(np.ones(3).sum()) == 3.0
    return result


# -- zygote mode ---------------------------------------------------------------------------
def leftovers() -> list[str]:
    """What a task left behind: non-empty scratch folders and SysV IPC objects."""
    out: list[str] = []
    for d in SCRATCH:
        try:
            if os.path.isdir(d) and os.listdir(d):
                out.append(d)
        except OSError:
            out.append(d)
    for kind in SYSV:
        try:
            with open(f"/proc/sysvipc/{kind}", encoding="ascii") as fh:
                if len(fh.read().splitlines()) > 1:
                    out.append(f"sysv {kind}")
        except OSError:
            pass
    return out


def wipe() -> None:
    """Delete everything in the scratch folders (iteratively, any depth, no symlink followed)
    and remove every SysV IPC object this uid may remove.  Runs as the task's uid."""
    for top in SCRATCH:
        dirs: list[str] = []
        todo = [top] if os.path.isdir(top) else []
        while todo:
            d = todo.pop()
            if d != top:
                with contextlib.suppress(OSError):
                    os.chmod(d, 0o700)
            try:
                with os.scandir(d) as it:
                    for e in it:
                        if e.is_dir(follow_symlinks=False):
                            todo.append(e.path)
                            dirs.append(e.path)
                        else:
                            with contextlib.suppress(OSError):
                                os.unlink(e.path)
            except OSError:
                continue
        for d in reversed(dirs):
            with contextlib.suppress(OSError):
                os.rmdir(d)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return
    for kind in SYSV:
        try:
            with open(f"/proc/sysvipc/{kind}", encoding="ascii") as fh:
                ids = [int(line.split()[1]) for line in fh.read().splitlines()[1:]]
        except (OSError, ValueError, IndexError):
            continue
        for i in ids:
            if kind == "shm":
                libc.shmctl(i, IPC_RMID, None)
            elif kind == "sem":
                libc.semctl(i, 0, IPC_RMID)
            else:
                libc.msgctl(i, IPC_RMID, None)


def _wait_child(pid: int, timeout: float) -> int | None:
    """Wait status of child ``pid`` within ``timeout`` seconds (None: still running)."""
    end = time.monotonic() + timeout
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return -1
        if done:
            return status
        if time.monotonic() > end:
            return None
        time.sleep(0.005)


def _clean(uid: Any) -> dict[str, Any]:
    """The ``clean`` operation (all processes of ``uid`` are already dead)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    if not leftovers():
        return {"clean": True}
    if not isinstance(uid, int) or uid <= 0:
        return {"clean": False, "left": leftovers()}
    pid = os.fork()
    if pid == 0:
        try:
            apply_limits({"cpu_hard": 30, "as": 1 << 30})
            drop_privileges(uid, uid)
            wipe()
        finally:
            os._exit(0)
    if _wait_child(pid, 30.0) is None:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        _wait_child(pid, 5.0)
    left = leftovers()
    return {"clean": not left, "left": left}


def _task(config: dict[str, Any], req: dict[str, Any], fds: list[int], proto: Any) -> None:
    """Child of the zygote: become one task worker (never returns)."""
    try:
        high = [fcntl_dup(fd) for fd in fds]  # out of the way of 0-4
        os.dup2(high[2], 1)
        os.dup2(high[2], 2)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        fd_in, fd_out = os.dup2(high[0], 3), os.dup2(high[1], 4)  # as in a fresh worker
        os.closerange(5, 1 << 16)
        os.setsid()
        parent = os.getppid()
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(98)
        apply_limits(req.get("limits", {}))
        drop_privileges(req.get("uid"), req.get("uid"))
        with contextlib.suppress(OSError):
            os.nice(5)
        import numpy as np

        np.random.seed()  # a fresh process would have a fresh global generator
        os.chdir(config["workdir"])
        sys.path.insert(0, config["workdir"])
        worker = Worker(config, proto, fd_in, fd_out)
        with contextlib.suppress(BrokenPipeError, OSError):
            worker.serve()
    finally:
        os._exit(0)


def fcntl_dup(fd: int) -> int:
    """Duplicate ``fd`` to a number >= 100 (above the standard descriptors)."""
    import fcntl

    return fcntl.fcntl(fd, fcntl.F_DUPFD, 100)


def zygote(config: dict[str, Any], proto: Any) -> None:
    """Serve the grader's control socket (fd 0): spawn / wait / clean (see module docstring)."""
    _prctl(PR_SET_DUMPABLE, 0)
    ctl = socket.socket(fileno=os.dup(0))
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    ctl.send(json.dumps({"hello": True, "pid": os.getpid()}).encode())
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(ctl, 1 << 16, 4)
        except OSError:
            return
        if not data:
            return
        try:
            req = json.loads(data)
            op = req.get("op")
            if op == "spawn" and len(fds) == 3:
                pid = os.fork()
                if pid == 0:
                    ctl.close()
                    _task(config, req, fds, proto)
                reply: dict[str, Any] = {"pid": pid}
            elif op == "wait":
                reply = {"status": _wait_child(int(req["pid"]), float(req.get("timeout", 0)))}
            elif op == "clean":
                reply = _clean(req.get("uid"))
            else:
                reply = {"error": f"bad request {op!r}"[:200]}
        except Exception as exc:  # trusted requests; answer rather than die
            reply = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        finally:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
        ctl.send(json.dumps(reply).encode())


def _load_protocol(config: dict[str, Any]) -> Any:
    """Load the wire-format module copied next to the bootstrap."""
    spec = importlib.util.spec_from_file_location("_nnkit_protocol", config["protocol"])
    proto = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(proto)  # type: ignore[union-attr]
    return proto


def main() -> None:
    """Bootstrap: apply limits, isolate, then serve requests (or run the probe)."""
    with open(sys.argv[1], encoding="utf-8") as fh:
        config = json.load(fh)
    apply_limits(config.get("limits", {}))
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    pdeath = _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if pdeath and config.get("parent_pid") and os.getppid() != config["parent_pid"]:
        os._exit(98)  # the grader died before PR_SET_PDEATHSIG was armed
    if config.get("zygote"):
        sys.path.append(config["pylib"])
        # imported once here, inherited by every task worker (numpy.random is lazy in numpy 2)
        import numpy
        import numpy.random

        numpy.random.seed()

        zygote(config, _load_protocol(config))
        os._exit(0)
    drop_privileges(config.get("uid"), config.get("gid"))
    with contextlib.suppress(OSError):
        os.nice(5)  # the trusted grader keeps priority over student code
    if config.get("exec"):
        argv = [str(a) for a in config["exec"]]
        os.chdir(config["workdir"])
        try:
            os.execve(argv[0], argv, dict(os.environ))
        except OSError as exc:
            sys.stderr.write(f"nnkit sandbox: cannot run {argv[0]}: {exc}\n")
            os._exit(127)

    # Private protocol descriptors; fd 1 becomes the log, fd 0 /dev/null.
    fd_in, fd_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)

    sys.path.append(config["pylib"])
    import numpy as np

    proto = _load_protocol(config)
    if config.get("probe") is not None:
        os.write(fd_out, proto.frame(_probe(config, np)))
        return
    os.chdir(config["workdir"])
    sys.path.insert(0, config["workdir"])
    worker = Worker(config, proto, fd_in, fd_out)
    with contextlib.suppress(BrokenPipeError, OSError):
        worker.serve()
    os._exit(0)


if __name__ == "__main__":
    main()
