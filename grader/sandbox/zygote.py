"""One sandbox per submission: a bwrap sandbox whose zygote forks a fresh worker per task.

Starting a bubblewrap sandbox costs about 0.5 s (namespaces, mounts, the interpreter, numpy);
grading a2 starts one per task and per failure.  A :class:`Zygote` starts the sandbox once per
submission (through :func:`.isolation.launch`, like every sandbox) with the bootstrap in zygote
mode (see ``worker.py``): it imports numpy and nothing of the student's, makes itself
non-dumpable and waits on a control socket.  Each worker lifetime (a task, or a restart after a
failure) is a ``fork`` of it (:meth:`Zygote.spawn`), with

* its own fresh random uid: ptrace, ``/proc/<pid>/mem``, signals and ``prlimit`` against the
  zygote or a later worker are refused by the kernel; RLIMIT_NPROC bounds the worker alone;
* its own limits (CPU, wall, memory, file size, processes), set before the uid switch;
* fresh request/reply pipes and log created here and passed over the socket (``SCM_RIGHTS``);
  the child closes the control socket before it imports anything.

When a worker ends, :func:`.isolation.stop` kills every process of its uid (from this,
trusted, side: the grader is root) and :meth:`Zygote.clean` removes what it left in ``/tmp``,
``/dev/shm``, ``/dev/mqueue`` and SysV IPC, then checks that all of it is empty; anything
unexpected (not clean, a process that would not die, a zygote that does not answer) throws the
whole sandbox away, and the next worker starts in a new one.  Only a root grader uses this
(it needs a fresh uid per worker); otherwise :class:`~grader.sandbox.Sandbox` keeps one
sandbox per worker lifetime.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from . import isolation

#: Seconds to wait for the zygote's answer to a control request.
CONTROL_SECONDS = 20.0
CLEAN_SECONDS = 40.0
#: Seconds to wait for the sandbox's init to reap the killed processes of a task's uid.
REAP_SECONDS = 5.0


class ZygoteError(RuntimeError):
    """The per-submission sandbox failed (it has been torn down; start a new one)."""


class TaskProcess:
    """A task worker forked by the zygote, with the part of :class:`subprocess.Popen`'s
    interface the runner uses (``pid`` is its host pid; ``stdin``/``stdout`` its pipes)."""

    def __init__(self, zygote: Zygote, ns_pid: int, pid: int, stdin: Any, stdout: Any) -> None:
        """Bind the worker's pids (in the sandbox and on the host) and its pipes."""
        self.zygote = zygote
        self.ns_pid = ns_pid
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.returncode: int | None = None
        self._killed = False

    def poll(self) -> int | None:
        """The exit status if the worker has ended (a zombie until the zygote reaps it)."""
        if self.returncode is None and not isolation.alive(self.pid):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.wait(timeout=1.0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait (through the zygote) for the worker to end; ``-N`` = killed by signal N."""
        if self.returncode is not None:
            return self.returncode
        if self._killed and not isolation.alive(self.pid):
            self.returncode = -9  # we killed it; the zygote reaps it at the next clean-up
            return self.returncode
        try:
            status = self.zygote.request(
                {"op": "wait", "pid": self.ns_pid, "timeout": timeout or 0}
            )
        except ZygoteError:
            status = {"status": -1}
        st = status.get("status")
        if st is None:
            raise subprocess.TimeoutExpired("task worker", timeout or 0)
        if not isinstance(st, int) or st < 0:
            self.returncode = -9  # gone without a status (the sandbox was torn down)
        elif os.WIFSIGNALED(st):
            self.returncode = -os.WTERMSIG(st)
        else:
            self.returncode = os.WEXITSTATUS(st)
        return self.returncode

    def kill(self) -> None:
        """SIGKILL the worker (the grader is root)."""
        if self.returncode is None:
            self._killed = True
            with contextlib.suppress(OSError):
                os.kill(self.pid, 9)


class Zygote:
    """The bwrap sandbox of one submission (see the module docstring)."""

    def __init__(
        self,
        plan: isolation.IsolationPlan,
        submission_dir: Path,
        *,
        forbidden: list[str],
        tmp_bytes: int,
        start_seconds: float = 30.0,
        wait: bool = True,
    ) -> None:
        """Start the sandbox and wait for the zygote's hello (raises :class:`ZygoteError`);
        ``wait=False``: only start it (several start side by side), :meth:`ready` waits."""
        self.tmp_bytes = int(tmp_bytes)
        self.uids: set[int] = set()
        self.wd = isolation.WorkerDir.create()
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self.pid: int | None = None
        self.submission_dir = Path(submission_dir)
        self._t0 = time.monotonic()
        self._deadline = self._t0 + start_seconds
        try:
            host, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            self._sock = host
            with child, open(self.wd.log, "wb") as log:
                self._proc, _ = isolation.launch(
                    plan,
                    self.wd,
                    limits={},
                    ro=[(str(submission_dir), isolation.WORK)],
                    tmp_bytes=self.tmp_bytes,
                    forbidden=list(forbidden),
                    stdin=child.fileno(),
                    stdout=log,
                    stderr=log,
                    zygote=True,
                )
        except BaseException:
            self.close()
            raise
        if wait:
            self.ready()

    def ready(self) -> None:
        """Wait for the zygote's hello (at once if it came already); raises
        :class:`ZygoteError` (the sandbox is then closed)."""
        if self.pid is not None:
            return
        try:
            if self._proc is None:
                raise ZygoteError("the sandbox is closed")
            hello = self._receive(self._deadline)
            ns_pid = hello.get("pid")
            pid = isolation.host_pid(self._proc.pid, ns_pid) if isinstance(ns_pid, int) else None
            if not hello.get("hello") or pid is None:
                raise ZygoteError("the zygote did not say hello")
            self.pid = pid
            # bwrap and its init: what runs in an idle sandbox besides the zygote
            self._base_processes = self._live_processes()
        except BaseException:
            self.close()
            raise
        self.startup_seconds = time.monotonic() - self._t0

    @property
    def bwrap_pid(self) -> int | None:
        """Host pid of the sandbox's bwrap process (None once closed)."""
        return self._proc.pid if self._proc is not None else None

    def alive(self) -> bool:
        """True while the sandbox and its zygote run (also in a process that did not start it,
        see :class:`WarmSlot`: a dead bwrap is a zombie until its owner reaps it)."""
        return (
            self._proc is not None
            and self.pid is not None
            and isolation.alive(self._proc.pid)
            and isolation.alive(self.pid)
        )

    def idle(self) -> bool:
        """True if nothing but the sandbox itself runs in it and its scratch folders and IPC
        are empty; otherwise the sandbox is closed (used before lending it to the next
        submission, see :class:`WarmSlot`)."""
        if not self.alive() or self._proc is None:
            self.close()
            return False
        if not self.clean(0):  # reaps the task workers, checks that nothing is left
            return False
        t0 = time.monotonic()
        while self._live_processes() != self._base_processes:
            if time.monotonic() - t0 > 0.2:  # not an orphan being reaped: something still runs
                self.close()
                return False
            time.sleep(0.005)
        return True

    def _live_processes(self) -> int:
        """Live (not zombie) processes of the sandbox, the zygote excluded."""
        assert self._proc is not None
        n, todo = 0, [self._proc.pid]
        while todo and n < 10_000:
            p = todo.pop()
            if p != self.pid and isolation.alive(p):
                n += 1
            todo += isolation.children(p)
        return n

    # -- control channel ------------------------------------------------------------------
    def _receive(self, deadline: float) -> dict[str, Any]:
        """One reply from the zygote before ``deadline``."""
        if self._sock is None:
            raise ZygoteError("the sandbox is closed")
        self._sock.settimeout(max(0.001, deadline - time.monotonic()))
        try:
            data = self._sock.recv(1 << 16)
            reply = json.loads(data)
        except (OSError, ValueError) as exc:
            self.close()
            raise ZygoteError(f"the zygote did not answer: {type(exc).__name__}") from None
        if not isinstance(reply, dict) or "error" in reply:
            self.close()
            raise ZygoteError(f"the zygote failed: {str(reply)[:200]}")
        return reply

    def request(
        self, message: dict[str, Any], fds: list[int] = (), seconds: float = CONTROL_SECONDS
    ) -> dict[str, Any]:  # type: ignore[assignment]
        """Send one control request (with ``fds``) and return the zygote's reply."""
        if self._sock is None:
            raise ZygoteError("the sandbox is closed")
        deadline = time.monotonic() + seconds + float(message.get("timeout") or 0)
        try:
            self._sock.settimeout(seconds)
            socket.send_fds(self._sock, [json.dumps(message).encode()], list(fds))
        except OSError as exc:
            self.close()
            raise ZygoteError(f"the zygote is gone: {type(exc).__name__}") from None
        return self._receive(deadline)

    # -- workers --------------------------------------------------------------------------
    def spawn(self, uid: int, limits: dict[str, Any], log: int) -> TaskProcess:
        """Fork a task worker running as ``uid`` with ``limits``; its stderr goes to ``log``."""
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        try:
            self.uids.add(uid)
            reply = self.request({"op": "spawn", "uid": uid, "limits": limits}, [req_r, rep_w, log])
        except BaseException:
            for fd in (req_w, rep_r):
                os.close(fd)
            raise
        finally:
            os.close(req_r)
            os.close(rep_w)
        ns_pid = reply.get("pid")
        pid = isolation.host_pid(self.pid, ns_pid, depth=1) if isinstance(ns_pid, int) else None
        stdin, stdout = os.fdopen(req_w, "wb", buffering=0), os.fdopen(rep_r, "rb", buffering=0)
        if pid is None:
            stdin.close()
            stdout.close()
            self.close()
            raise ZygoteError("the task worker did not start")
        return TaskProcess(self, ns_pid, pid, stdin, stdout)

    def clean(self, uid: int) -> bool:
        """After every process of ``uid`` is dead: remove what it left; True if all is empty
        and nothing of ``uid`` is left in the process table (its zombies reaped too).
        Otherwise the sandbox is closed (the next worker needs a new one)."""
        try:
            ok = self.request({"op": "clean", "uid": uid}, seconds=CLEAN_SECONDS).get("clean")
        except ZygoteError:
            return False
        if ok is not True or (uid and not isolation.wait_reaped(uid, REAP_SECONDS)):
            self.close()
            return False
        return True

    def close(self) -> None:
        """Tear the whole sandbox down (its PID namespace dies with bwrap) and delete its
        temporary folder."""
        proc, self._proc = self._proc, None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if proc is not None:
            isolation.stop(proc, None)
        if self.uids:
            isolation.stop(None, self.uids)
        self.wd.cleanup()


class WarmSlot:
    """One grading slot's sandbox, started once and lent to one submission after another.

    The batch (:func:`grader.batch.run_jobs`) owns one per worker slot; the sandbox's bwrap is
    the batch process's child.  Its work folder (``work``, bound read-only at ``/nnkit/work``)
    is emptied and refilled with the next submission's copy by the grading process
    (:func:`grader.engine.grade_submission`); the zygote never imports anything from it.  A
    submission gets the same guarantees from a lent sandbox as its tasks get from each other
    (see the module docstring): every worker is a fresh fork with a fresh uid, and after it
    every process of that uid is killed and ``/tmp``, ``/dev/shm``, message queues and SysV
    IPC are emptied and checked.  Before each loan :meth:`lend` checks again that nothing
    runs in the sandbox but the sandbox itself and that everything is empty
    (:meth:`Zygote.idle`); a grading process that did not end normally (killed, stopped, over
    its deadline) gets its slot's sandbox thrown away (:meth:`discard`).  Known leak, as
    between tasks: the PID and IPC-number counters carry over.
    """

    def __init__(self, plan: isolation.IsolationPlan, forbidden: list[str], tmp_bytes: int) -> None:
        """Create the slot's (empty, world-readable) work folder; the sandbox starts lazily."""
        import tempfile

        self.plan = plan
        self.forbidden = list(forbidden)
        self.tmp_bytes = int(tmp_bytes)
        self.work = Path(tempfile.mkdtemp(prefix="nnkit-slot-"))
        os.chmod(self.work, 0o755)
        self.zygote: Zygote | None = None
        #: sandboxes started, and seconds spent starting and checking them (benchmark)
        self.starts = 0
        self.seconds = 0.0

    def lend(self) -> Zygote | None:
        """The slot's sandbox, idle and checked (a new one if needed); None if none starts
        (the grading process then starts its own, as without a slot)."""
        t0 = time.monotonic()
        z = self.zygote
        if z is not None and z.pid is None:  # started by start(): wait for its hello
            try:
                z.ready()
            except ZygoteError:
                z = None
        elif z is not None and not z.idle():
            z = None
        if z is None:
            try:
                z = Zygote(self.plan, self.work, forbidden=self.forbidden, tmp_bytes=self.tmp_bytes)
                self.starts += 1
            except ZygoteError:
                z = None
        self.zygote = z
        self.seconds += time.monotonic() - t0
        return z

    def start(self) -> None:
        """Start the slot's sandbox without waiting for it (the batch starts every slot's side
        by side; :meth:`lend` waits)."""
        if self.zygote is None:
            try:
                self.zygote = Zygote(
                    self.plan,
                    self.work,
                    forbidden=self.forbidden,
                    tmp_bytes=self.tmp_bytes,
                    wait=False,
                )
                self.starts += 1
            except (ZygoteError, OSError):
                self.zygote = None

    def discard(self) -> None:
        """Throw the sandbox away (its borrower did not end normally)."""
        z, self.zygote = self.zygote, None
        if z is not None:
            z.close()

    def close(self) -> None:
        """Throw the sandbox away and delete the work folder."""
        import shutil

        self.discard()
        shutil.rmtree(self.work, ignore_errors=True)
