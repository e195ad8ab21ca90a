"""The grader's sandbox contains hostile submissions (fixtures in ``tests/grader/hostile``).

Each test checks a real outcome and then that the *next* call in the same sandbox still works.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox import Handle, Limits, ProtocolError, Sandbox, isolation_report, protocol
from grader.sandbox.isolation import alive, repo_root

HOSTILE = Path(__file__).resolve().parent / "hostile"
LIMITS = Limits(
    cpu_seconds=2,
    wall_seconds=3,
    memory_bytes=1 << 30,
    file_bytes=16 << 20,
    nprocs=24,
    reply_bytes=1 << 20,
    start_seconds=20,
)


@pytest.fixture(params=["shared", "per-worker"])
def sb(request: pytest.FixtureRequest) -> Sandbox:
    """A sandbox over the hostile submission at the strongest isolation level: one sandbox for
    all worker lifetimes (zygote forks; the grader is root here), and one per lifetime (what a
    grader that is not root gets)."""
    with Sandbox(HOSTILE, limits=LIMITS, reuse=request.param == "shared") as box:
        assert box.reuse == (request.param == "shared")
        yield box


def assert_still_works(box: Sandbox) -> None:
    """The sandbox answers a normal call after whatever happened before."""
    r = box.call("good", "echo", np.arange(3))
    assert r.ok, r
    assert np.array_equal(r.value[0][0], np.arange(3))


def processes_of_uid(uid: int | None) -> list[int]:
    """Pids of live (non-zombie) processes owned by the sandbox's private ``uid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            owner = os.stat(f"/proc/{entry}").st_uid
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if owner == uid and state != "Z":
            found.append(int(entry))
    return found


def processes_mentioning(text: str) -> list[int]:
    """Pids of live (non-zombie) processes whose command line contains ``text``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmd and state != "Z":
            found.append(int(entry))
    return found


def wait_gone(text: str, seconds: float = 3.0) -> list[int]:
    """Wait until no process mentions ``text``; return those still alive."""
    end = time.monotonic() + seconds
    while (left := processes_mentioning(text)) and time.monotonic() < end:
        time.sleep(0.05)
    return left


def descendants(pid: int) -> list[int]:
    """All descendants of ``pid`` (Linux /proc children lists)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tids = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                kids = Path(f"/proc/{p}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            out += map(int, kids)
            todo += map(int, kids)
    return out


# -- normal operation ---------------------------------------------------------------------------


def test_round_trip_and_handles() -> None:
    """Arrays keep dtype/shape/values exactly; a student's cache object travels as a handle."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    w = rng.standard_normal((3, 5))
    b = np.arange(5, dtype=np.int16)
    with Sandbox(HOSTILE, limits=LIMITS) as box:
        assert box.isolation["level"] == "bwrap"
        r = box.call("good", "dense_forward", x, w, b)
        assert r.ok and r.status == "ok", r
        out, cache = r.value
        assert isinstance(cache, Handle) and cache.type_name == "Cache"
        expected = x @ w + b
        assert out.dtype == expected.dtype and out.shape == expected.shape
        assert np.array_equal(out, expected)
        dout = np.ones_like(out)
        r = box.call("good", "dense_backward", dout, cache)
        assert r.ok, r
        dx, dw, db = r.value
        assert np.array_equal(dx, dout @ w.T) and np.array_equal(dw, x.T @ dout)
        assert np.array_equal(db, dout.sum(axis=0))

        odd = (np.int8(-3), np.float16(1.5), True, None, "中文", 2**70, 1 + 2j, b"\0\1")
        odd += (float("nan"), float("-inf"), np.zeros((0, 3), np.uint8), np.asfortranarray(w))
        r = box.call("good", "echo", *odd, nested={"k": [x, (b, {"d": 1})], 3: "int key"})
        assert r.ok, r
        args, kwargs = r.value
        for sent, got in zip(odd, args, strict=True):
            assert type(got) is type(sent)
            if isinstance(sent, np.ndarray | np.generic):
                assert got.dtype == sent.dtype and got.shape == sent.shape
                assert np.array_equal(got, sent)
            elif isinstance(sent, float) and np.isnan(sent):
                assert np.isnan(got)
            else:
                assert got == sent
        assert np.array_equal(kwargs["nested"]["k"][0], x) and kwargs["nested"][3] == "int key"

        box.restart()  # handles die with their worker
        r = box.call("good", "dense_backward", dout, cache)
        assert r.status == "error" and r.error_type == "StaleHandle", r
        assert_still_works(box)


def test_errors_missing_names_and_traceback(sb: Sandbox) -> None:
    """A student exception, a missing function and a missing module are clear zh/en errors."""
    r = sb.call("good", "raise_value_error")
    assert r.status == "error" and r.error_type == "ValueError"
    assert "shapes do not match" in r.message_en and "good.py" in r.traceback
    assert "runner" not in r.traceback and "nnkit_worker" not in r.traceback
    r = sb.call("good", "dense_fwd")
    assert r.message_zh == "未找到函数 dense_fwd（good.py）"
    assert r.message_en == "function dense_fwd not found in good.py"
    assert sb.import_error("good", "dense_forward") is None
    miss = sb.import_error("layers")
    assert (
        miss is not None and miss.error_type == "MissingModule" and "layers.py" in miss.message_en
    )
    assert sb.import_error("numpy") is not None  # only the submission's own modules are callable
    assert_still_works(sb)


def test_environment_is_scrubbed(sb: Sandbox) -> None:
    """Worker sees only the scrubbed env, the read-only copy as cwd, no site-packages on path."""
    r = sb.call("snoop", "info")
    assert r.ok, r
    env, path, cwd = r.value["env"], r.value["path"], r.value["cwd"]
    assert set(env) - {"PWD"} == {
        "PATH",
        "LANG",
        "HOME",
        "TMPDIR",
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "PYTHONHASHSEED",
        "PYTHONDONTWRITEBYTECODE",
    }
    assert env["OPENBLAS_NUM_THREADS"] == "1" and env["PYTHONHASHSEED"] == "0"
    assert cwd == "/nnkit/work" and path[0] == cwd and env["HOME"] == "/tmp"
    root = str(repo_root())
    assert not any(p.startswith(root) or "site-packages" in p for p in path)
    assert r.value["uid"] not in (0, os.getuid())


# -- hangs, memory, exits, crashes --------------------------------------------------------------


def test_infinite_loop_times_out(sb: Sandbox) -> None:
    """A CPU-bound loop dies of RLIMIT_CPU (SIGXCPU after 1-2 s of CPU: the limit has 1 s
    granularity) long before the 10 s wall limit; a sleeping loop hits the wall limit."""
    sb.set_limits(Limits(**{**LIMITS.__dict__, "cpu_seconds": 1, "wall_seconds": 10}))
    r = sb.call("loops", "spin")
    assert r.status == "timeout" and r.signal == signal.SIGXCPU, r
    assert r.elapsed < 10
    assert "超时" in r.message_zh and "timed out" in r.message_en
    assert_still_works(sb)
    sb.set_limits(Limits(**{**LIMITS.__dict__, "wall_seconds": 1}))
    r = sb.call("loops", "sleep_forever")
    assert r.status == "timeout" and r.signal is None, r
    assert 1 <= r.elapsed < 2
    assert_still_works(sb)


@pytest.mark.parametrize("fn", ["numpy_bomb", "list_bomb"])
def test_memory_bomb(sb: Sandbox, fn: str) -> None:
    """np.ones(10**11) and unbounded list growth hit RLIMIT_AS: status 'memory'."""
    sb.set_limits(Limits(**{**LIMITS.__dict__, "memory_bytes": 512 << 20}))
    r = sb.call("memory", fn)
    assert r.status == "memory" and r.error_type == "MemoryError", r
    assert "内存" in r.message_zh and "memory" in r.message_en
    assert_still_works(sb)


@pytest.mark.parametrize(
    ("module", "fn", "code"),
    [
        ("exits", "call_sys_exit", 3),
        ("exits", "call_os_exit", 1),
        ("exit_at_import", "anything", 3),
        ("osexit_at_import", "anything", 1),
    ],
)
def test_exit_in_call_or_import(sb: Sandbox, module: str, fn: str, code: int) -> None:
    """sys.exit / os._exit, in a call or at import, is 'exit' with the exit code."""
    r = sb.call(module, fn)
    assert r.status == "exit" and r.exit_code == code, r
    assert_still_works(sb)


def test_worker_killed_mid_task(sb: Sandbox) -> None:
    """Another thread SIGKILLs the worker's Python process during a call: 'crashed'."""
    assert sb.start().ok

    def killer() -> None:
        time.sleep(0.4)
        for pid in [sb.worker_pid, *descendants(sb.worker_pid)]:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"nnkit_worker.py" in cmd and not cmd.startswith(b"bwrap"):
                os.kill(pid, signal.SIGKILL)

    t = threading.Thread(target=killer)
    t.start()
    r = sb.call("killme", "nap", 10)
    t.join()
    assert r.status == "crashed" and r.signal == signal.SIGKILL, r
    assert r.elapsed < 3
    assert_still_works(sb)


def test_huge_reply_is_refused(sb: Sandbox) -> None:
    """A reply above reply_bytes is 'reply_too_large'; the parent never reads it in."""
    r = sb.call("huge", "big_reply", 2_000_000)  # 16 MB of float64 > 1 MiB limit
    assert r.status == "reply_too_large", r
    assert "过大" in r.message_zh and "too large" in r.message_en
    assert_still_works(sb)


def test_forged_pickle_reply_is_never_unpickled(sb: Sandbox) -> None:
    """Student code writes a forged reply with a pickled object array onto the pipe."""
    r = sb.call("forge", "forged_pickle")
    assert r.status == "protocol", r
    assert_still_works(sb)


def test_protocol_rejects_unsafe_payloads() -> None:
    """The parent's decoder refuses pickles, object dtypes, unknown tags and deep nesting."""
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    bad = {"__nd__": base64.b64encode(buf.getvalue()).decode()}
    for payload in (bad, {"__eval__": "1"}, {"__nd__": "!!"}, {"a": 1, "b": 2}):
        with pytest.raises(ProtocolError):
            protocol.decode(payload, lambda t: t)
    deep: list = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ProtocolError):
        protocol.decode(deep, lambda t: t)
    with pytest.raises(ProtocolError):
        protocol.parse_body(b'{"x": NaN}')


# -- the trust boundary -------------------------------------------------------------------------


def test_patched_numpy_stays_in_the_worker(sb: Sandbox) -> None:
    """A submission replacing numpy.allclose only fools its own process, never the parent."""
    original = np.allclose
    x = np.arange(4.0)
    r = sb.call("cheat", "forward", x)
    assert r.ok
    assert np.allclose is original and not np.allclose(r.value, 2 * x)  # parent's comparison
    fooled = sb.call("cheat", "worker_says", 1.0, 2.0)
    assert fooled.ok and fooled.value is True  # the patch was real, but only over there
    assert not np.allclose(1.0, 2.0)


def test_import_of_nncore_and_grader_is_blocked_and_reported() -> None:
    """`import nncore` / `import grader` fail with a zh/en message and are reported."""
    with Sandbox(HOSTILE, limits=LIMITS) as box:
        r = box.call("sneaky", "answer")
        assert r.ok and r.value == 42  # the attempt was swallowed, but it is still reported
        assert r.forbidden_imports == ("nncore",)
        r = box.call("snoop", "import_module", "grader.sandbox")
        assert r.status == "error" and r.error_type == "ModuleNotFoundError", r
        assert "禁止导入 grader" in r.message_zh
        assert box.forbidden_imports == ("grader", "nncore")
        assert_still_works(box)


def test_repo_is_invisible_under_bwrap(sb: Sandbox) -> None:
    """Under bwrap the repo's files cannot be read, and nncore stays unimportable even with
    the import hook removed and the repo root put back on sys.path."""
    root = repo_root()
    assert root is not None
    targets = [root / "grader" / "sandbox" / "runner.py", Path(__file__)]
    if (root / "nncore" / "__init__.py").exists():
        targets.append(root / "nncore" / "__init__.py")
    for target in targets:
        assert target.exists()
        r = sb.call("snoop", "read_file", str(target))
        assert r.status == "error" and r.error_type == "FileNotFoundError", (target, r)
    r = sb.call("snoop", "import_bypassing_hook", "grader", str(root))
    assert r.status == "error" and r.error_type == "ModuleNotFoundError", r
    assert "禁止" not in r.message_zh  # failed because the files are hidden, not by the hook
    assert sb.isolation["filesystem"] == "allow-list"
    assert_still_works(sb)


def test_network_is_unreachable(sb: Sandbox) -> None:
    """In the sandbox's own network namespace a connect attempt fails immediately."""
    assert sb.isolation["network"] == "unshared"
    r = sb.call("snoop", "connect", "1.1.1.1", 80)
    assert r.status == "error" and r.error_type in ("OSError", "TimeoutError"), r
    assert r.elapsed < 2.5
    assert_still_works(sb)


# -- processes and files ------------------------------------------------------------------------


def test_fork_loop_is_bounded_and_cleaned_up() -> None:
    """50 forks against nprocs=8: forks fail once the limit (processes + threads of the
    sandbox's private uid) is hit, and every child dies with the worker."""
    limits = Limits(**{**LIMITS.__dict__, "nprocs": 8})
    with Sandbox(HOSTILE, limits=limits) as box:
        r = box.call("forks", "fork_many", 50, 20)
        assert r.ok, r
        started, failed = r.value
        assert started + failed == 50
        assert started <= 7 and failed >= 43
        uid = box._uid
        assert len(processes_of_uid(uid)) >= 1
        box.restart()
        assert processes_of_uid(uid) == []
        assert_still_works(box)


def test_children_killed_with_the_group_on_timeout() -> None:
    """Processes the student spawned die with the worker when a call times out."""
    marker = f"{700 + uuid.uuid4().int % 200}.{uuid.uuid4().int % 10**6:06d}"
    escape = True  # a setsid() child leaves the group: the PID namespace still ends it
    limits = Limits(**{**LIMITS.__dict__, "wall_seconds": 1.5})
    with Sandbox(HOSTILE, limits=limits) as box:
        r = box.call("loops", "spawn_and_hang", marker, escape)
        assert r.status == "timeout", r
        assert wait_gone(marker) == []
        assert_still_works(box)


def test_worker_dies_with_its_parent() -> None:
    """If the grader process is SIGKILLed mid-call, its worker (and sandbox) die too."""
    code = (
        "from grader.sandbox import Sandbox\n"
        f"sb = Sandbox({str(HOSTILE)!r})\n"
        "assert sb.start().ok\n"
        "print(sb._uid, sb._wd.root, flush=True)\n"
        "sb.call('killme', 'nap', 60)\n"
    )
    grader_proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=repo_root(), stdout=subprocess.PIPE, text=True
    )
    try:
        uid_text, marker = grader_proc.stdout.readline().split()
        uid = int(uid_text)
        time.sleep(0.3)
        assert processes_of_uid(uid)
    finally:
        grader_proc.kill()
        grader_proc.wait()
        grader_proc.stdout.close()
    end = time.monotonic() + 3
    while processes_of_uid(uid) and time.monotonic() < end:
        time.sleep(0.05)
    assert processes_of_uid(uid) == []
    shutil.rmtree(marker, ignore_errors=True)  # the killed grader could not clean up


def test_file_size_limit(sb: Sandbox) -> None:
    """The submission folder is read-only; in /tmp a 100 MB write hits the 16 MiB
    RLIMIT_FSIZE (EFBIG), and the 64 MiB tmpfs is full long before the host disk."""
    r = sb.call("files", "write_big", 100)
    assert r.status == "error" and r.error_type == "OSError", r
    assert "Read-only file system" in r.message_en
    r = sb.call("files", "write_big", 100, "/tmp/big.bin")
    assert r.status == "error" and "File too large" in r.message_en, r
    sb.set_limits(Limits(**{**LIMITS.__dict__, "file_bytes": 1 << 30}))
    r = sb.call("files", "write_big", 100, "/dev/shm/big.bin")
    assert r.status == "error" and "No space left on device" in r.message_en, r
    assert_still_works(sb)


def test_isolation_report_is_bilingual() -> None:
    """The report names the level and explains it in Chinese and English."""
    rep = isolation_report()
    assert rep["level"] == "bwrap" and rep["insecure"] is False
    assert rep["description_zh"] and rep["description_en"]
    assert {"network", "filesystem", "unprivileged_uid", "pid_namespace"} <= set(rep)


def test_trusted_decoder_budgets() -> None:
    """Replies are bounded before any allocation: value count (counted on the raw bytes),
    array count, and an .npy header whose shape does not match its data."""
    many = b'{"value": [' + b"[]," * 300_000 + b"[]]}"
    with pytest.raises(ProtocolError, match="too many values"):
        protocol.parse_body(many)
    tiny = protocol.encode([np.zeros(1)] * (protocol.MAX_ARRAYS + 1))
    with pytest.raises(ProtocolError, match="too many arrays"):  # not the time budget, under load
        protocol.decode(tiny, lambda t: t, seconds=600.0)
    with pytest.raises(ProtocolError, match="decoding took longer than 0 s"):
        protocol.decode(protocol.encode(list(range(5000))), lambda t: t, seconds=0.0)
    buf = io.BytesIO()
    np.save(buf, np.zeros(2))
    raw = buf.getvalue().replace(b"(2,)", b"(10000000000,)".ljust(len(b"(2,)")))
    lying = {"__nd__": base64.b64encode(raw).decode()}
    with pytest.raises(ProtocolError):
        protocol.decode(lying, lambda t: t)
    with pytest.raises(ProtocolError, match="does not match"):
        header_fixed = buf.getvalue().replace(b"(2,)", b"(3,)")
        protocol.decode({"__nd__": base64.b64encode(header_fixed).decode()}, lambda t: t)
    ok = protocol.decode(protocol.encode(np.arange(6.0).reshape(2, 3)), lambda t: t)
    assert np.array_equal(ok, np.arange(6.0).reshape(2, 3))


def test_proc1_cmdline_names_no_host_path() -> None:
    """Inside the sandbox, pid 1's command line holds bwrap's fd argument, the interpreter
    and /nnkit paths only (the bind sources travel through a file descriptor)."""
    from grader.sandbox import run_command, sandbox_python

    code = "print(open('/proc/1/cmdline').read().replace(chr(0), ' '))"
    r = run_command([sandbox_python(), "-S", "-c", code])
    assert r.returncode == 0, r.stderr
    words = r.stdout.decode().split()
    assert words[:3] == ["bwrap", "--args", words[2]] and words[2].isdigit()
    paths = [w for w in words if w.startswith("/")]
    assert paths and all(p == sandbox_python() or p.startswith("/nnkit/") for p in paths), paths
    assert str(repo_root()) not in r.stdout.decode()


# -- one sandbox per submission (zygote) --------------------------------------------------------


def test_each_task_gets_a_fresh_worker_in_the_same_sandbox() -> None:
    """begin_task: same bwrap sandbox, a new worker with a new uid; nothing of the previous
    worker's processes (a setsid daemon included) or files survives."""
    with Sandbox(HOSTILE, limits=LIMITS) as box:
        r = box.call("leftovers", "daemon")
        assert r.ok, r
        first = box.call("leftovers", "seen").value
        assert first["uid"] in first["uids"]  # the daemon runs as this worker's uid
        bwrap = box._zygote.bwrap_pid
        old_uid = box._uid
        box.begin_task(LIMITS)
        assert processes_of_uid(old_uid) == []
        second = box.call("leftovers", "seen").value
        assert box._zygote.bwrap_pid == bwrap  # the sandbox was reused
        assert second["uid"] not in (first["uid"], 0) and second["pid"] != first["pid"]
        assert set(second["uids"]) <= {0}  # only bwrap's init and the zygote besides itself
        assert set(second["zombies"]) <= {0}  # and no unreaped process of the earlier task
        assert second["tmp"] == []


def test_a_process_whose_first_thread_exited_counts_as_alive() -> None:
    """A process whose first thread has exited shows ``Z`` in /proc while another of its
    threads still runs, and cannot be reaped yet: ``kill_uid`` must count (and kill) it, so
    that stopping a task waits for it and the zygote's clean-up reaps it (before, such a task
    worker stayed an unreaped zombie into the next task)."""
    import platform

    from grader.sandbox import isolation

    sys_exit = {"x86_64": 60, "aarch64": 93}.get(platform.machine())
    if sys_exit is None:
        pytest.skip("exit syscall number unknown on this machine")
    uid = isolation.pick_uid()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            import ctypes

            os.setuid(uid)
            threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
            os.write(w, b"x")
            ctypes.CDLL(None).syscall(sys_exit, 0)  # ends this (the first) thread only
        finally:
            os._exit(0)
    os.close(w)
    assert os.read(r, 1) == b"x"
    os.close(r)
    try:
        t0 = time.monotonic()
        while Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0] != b"Z":
            assert time.monotonic() - t0 < 10
            time.sleep(0.01)
        (state,) = [s for p, s in isolation.uid_processes(uid) if p == pid]
        assert state not in (b"Z", b"X")  # its other thread still runs
        assert isolation.kill_uid(uid) == 1
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert isolation.uid_processes(uid) == []


def test_the_next_task_never_sees_an_unreaped_process_of_the_last(monkeypatch) -> None:
    """The killed processes of a task are zombies until their parent (for an orphan: the
    sandbox's init) reaps them, and a zombie keeps its uid in /proc.  With the sandbox's
    init stopped (as a loaded machine may delay it) the daemon of the last task stays a
    zombie: the clean-up waits for it to be reaped and, when it is not, throws the sandbox
    away, so the next task sees no process of the last one, dead or alive."""
    from grader.sandbox import zygote as Z
    from grader.sandbox.isolation import children

    monkeypatch.setattr(Z, "REAP_SECONDS", 0.5)
    with Sandbox(HOSTILE, limits=LIMITS) as box:
        assert box.call("leftovers", "daemon").ok
        first = box.call("leftovers", "seen").value
        bwrap = box._zygote.bwrap_pid
        (init,) = children(bwrap)  # the sandbox's pid 1, parent of the zygote and of orphans
        os.kill(init, signal.SIGSTOP)
        try:
            box.begin_task(LIMITS)
            second = box.call("leftovers", "seen")
        finally:
            with contextlib.suppress(OSError):
                os.kill(init, signal.SIGCONT)
        assert second.ok, second
        assert first["uid"] not in second.value["uids"] + second.value["zombies"], second.value
        assert set(second.value["uids"]) | set(second.value["zombies"]) <= {0}, second.value
        assert box._zygote.bwrap_pid != bwrap  # the sandbox whose init did not reap was replaced


def test_a_sandbox_that_cannot_be_cleaned_is_replaced() -> None:
    """A folder chain too deep for the cleaner: the check after the clean-up fails, so the
    whole sandbox is thrown away and the next worker runs in a new, empty one."""
    with Sandbox(HOSTILE, limits=LIMITS) as box:
        r = box.call("leftovers", "too_deep", 2100)  # "/d" * 2100 > PATH_MAX
        assert r.ok, r
        bwrap = box._zygote.bwrap_pid
        box.begin_task(LIMITS)
        after = box.call("leftovers", "seen")
        assert after.ok and after.value["tmp"] == [], after
        assert box._zygote.bwrap_pid != bwrap
        assert not alive(bwrap)  # the old sandbox is gone


# -- modules compiled once in the trusted process (grader/sandbox/bytecode.py) -----------------


def test_compiled_modules_are_used_only_when_they_match_their_source(tmp_path: Path) -> None:
    """write_bytecode gives every compiling module a checked hash-based .pyc (none for a syntax
    error, which still fails in the worker as without the cache).  The worker loads the .pyc
    while its hash matches the source (shown with a .pyc whose code was swapped: its code
    runs) and compiles the source afresh once the source changed."""
    import importlib.util
    import marshal

    from grader.sandbox.bytecode import write_bytecode
    from grader.sandbox.isolation import WORK, make_readable

    work = tmp_path / "w"
    work.mkdir()
    (work / "good.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    (work / "bad.py").write_text("def f(:\n    return 1\n", encoding="utf-8")
    assert write_bytecode(work, WORK) == 1
    tag = sys.implementation.cache_tag
    pyc = work / "__pycache__" / f"good.{tag}.pyc"
    data = pyc.read_bytes()
    assert data[:4] == importlib.util.MAGIC_NUMBER and data[4:8] == (3).to_bytes(4, "little")
    assert not (work / "__pycache__" / f"bad.{tag}.pyc").exists()
    swapped = compile("def f():\n    return 99\n", f"{WORK}/good.py", "exec")
    pyc.write_bytes(data[:16] + marshal.dumps(swapped))  # same header: same source hash
    make_readable(work)
    with Sandbox(work, limits=LIMITS) as box:
        assert box.call("good", "f").value == 99  # the .pyc was used
        r = box.call("bad", "f")
        assert not r.ok and r.error_type == "SyntaxError", r
    (work / "good.py").write_text("def f():\n    return 2\n", encoding="utf-8")
    with Sandbox(work, limits=LIMITS) as box:
        assert box.call("good", "f").value == 2  # the source changed: the .pyc is ignored


def test_global_random_is_seeded_per_task_and_call() -> None:
    """np.random 的全局生成器按任务种子和调用序号重设 / The global generator is reseeded
    before every call from the task's seed and the call's number: the same task graded again
    draws the same numbers (a regrade gives the same grade), another call or another seed draws
    others, and without a seed the draws are fresh."""

    def draws(box: Sandbox, seed: int | None, calls: int = 2) -> list[list[float]]:
        box.begin_task(LIMITS)
        box.seed_global_random(seed)
        out = []
        for _ in range(calls):
            r = box.call("good", "global_draws")
            assert r.ok, r
            out.append([float(v) for v in r.value])
        return out

    with Sandbox(HOSTILE, limits=LIMITS) as box:
        first, again, other = draws(box, 12345), draws(box, 12345), draws(box, 2**63 + 7)
        fresh = [draws(box, None, 1)[0] for _ in range(2)]
    assert first == again  # reproducible, across worker lifetimes
    assert first[0] != first[1]  # each call its own draws
    assert other[0] != first[0] and other[1] != first[1]
    assert fresh[0] != fresh[1] and fresh[0] not in first  # unseeded: entropy as before
