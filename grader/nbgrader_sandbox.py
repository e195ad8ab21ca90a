"""沙箱中的笔记本内核 / nbgrader's notebook kernel inside the sandbox.

nbgrader executes a student's notebook in a Jupyter kernel. Run as is, that kernel is a
process of the instructor: it can read ``source/`` (the solutions), write ``gradebook.db`` or a
classmate's ``submitted/`` folder. :class:`SandboxedKernelManager` starts the kernel through
:func:`sandbox_argv` instead: an allow-list sandbox in which only the system, the Python
installation (with the kit's own ``grader``/``nncore`` packages masked) and the kernel's own
scratch directories exist. The kernel talks to nbgrader over ``ipc`` (Unix sockets in its
scratch directory), so it needs no network.

:func:`sandbox_argv` is the one adapter between the bridge and the sandbox implementation.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
MASKED_PACKAGES = ("grader", "nncore")


class SandboxUnavailable(RuntimeError):
    """没有可用的沙箱 / No allow-list sandbox (bubblewrap) on this machine."""


def sandbox_available() -> bool:
    """bubblewrap 是否可用 / True when the allow-list sandbox (``bwrap``) can be used."""
    return shutil.which("bwrap") is not None and sys.platform.startswith("linux")


def _python_dirs() -> list[str]:
    """解释器与包所在目录（只读绑定）/ Python installation directories bound read-only."""
    dirs = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    for entry in sys.path:
        if entry and os.path.isdir(entry) and "site-packages" in entry:
            dirs.add(os.path.realpath(entry))
    return sorted(dirs)


def _masked_dirs() -> list[str]:
    """学生代码不得导入的套件包 / The kit's own packages (hidden suites, reference library)."""
    out = []
    for name in MASKED_PACKAGES:
        with contextlib.suppress(ImportError, ValueError):
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.submodule_search_locations:
                out += [os.path.realpath(p) for p in spec.submodule_search_locations]
    return out


def sandbox_argv(argv: Sequence[str], *, rw: Sequence[Path], cwd: Path) -> list[str]:
    """在沙箱中运行 ``argv`` 的命令行 / The command line that runs ``argv`` in the sandbox.

    Allow-list (bubblewrap): the system directories and the Python installation read-only,
    ``rw`` read-write, a private ``/tmp``; nothing else of the host exists (no course root, no
    exchange, no home, no repository). The kit's ``grader`` and ``nncore`` packages are masked
    even when installed into site-packages. New PID/IPC/UTS/network namespaces, all
    capabilities dropped, the sandbox dies with its parent.

    Raises :class:`SandboxUnavailable` when bubblewrap is missing (fail closed: no student
    notebook runs unsandboxed).
    """
    if not sandbox_available():
        raise SandboxUnavailable(
            "没有 bubblewrap（bwrap），不能在沙箱中执行学生笔记本；请安装（apt-get install "
            "bubblewrap）/ bubblewrap (bwrap) is missing: student notebooks cannot run "
            "sandboxed; install it (apt-get install bubblewrap)"
        )
    cmd = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session"]
    # the kernel's parent is the sandbox's init (pid 1): ipykernel would take that as "parent
    # gone" and quit; --die-with-parent ends the sandbox with its parent instead.
    cmd += ["--unsetenv", "JPY_PARENT_PID"]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    for top in SYSTEM_DIRS:
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    for d in _python_dirs():
        cmd += ["--ro-bind", d, d]
    for d in _masked_dirs():
        cmd += ["--tmpfs", d]
    for d in rw:
        real = os.path.realpath(d)
        cmd += ["--bind", real, real]
    if os.geteuid() == 0:
        cmd += ["--cap-drop", "ALL"]
    cmd += ["--chdir", os.path.realpath(cwd), "--"]
    return [*cmd, *argv]


def kernel_env(home: Path) -> dict[str, str]:
    """内核的完整环境 / The kernel's complete environment (nothing of the instructor's)."""
    env = {
        "PATH": os.pathsep.join(
            [str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "MPLBACKEND": "agg",
        "MPLCONFIGDIR": str(home / ".matplotlib"),
        "IPYTHONDIR": str(home / ".ipython"),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if "NBGRADER_EXECUTION" in os.environ:
        env["NBGRADER_EXECUTION"] = os.environ["NBGRADER_EXECUTION"]
    return env


class SandboxedKernelManager(AsyncKernelManager):
    """在沙箱中启动内核 / A kernel manager whose kernel runs inside :func:`sandbox_argv`.

    Set ``c.Execute.kernel_manager_class`` to this class (the bridge and the course's
    ``nbgrader_config.py`` written by ``setup`` do). The kernel sees its working directory
    (nbgrader's copy of the submission) and a private scratch directory (HOME, sockets) only.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._scratch = Path(tempfile.mkdtemp(prefix="nnkit-kernel-")).resolve()
        (self._scratch / "home").mkdir()
        self.transport = "ipc"
        self.connection_file = str(self._scratch / "kernel.json")
        self.ip = str(self._scratch / "k")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """把内核命令包进沙箱 / Launch ``kernel_cmd`` wrapped by the sandbox."""
        cwd = Path(kw.get("cwd") or os.getcwd()).resolve()
        kw["env"] = kernel_env(self._scratch / "home")
        argv = sandbox_argv(kernel_cmd, rw=[cwd, self._scratch], cwd=cwd)
        await super()._async_launch_kernel(argv, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        """清理临时目录 / Remove the scratch directory once the kernel is gone."""
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._scratch, ignore_errors=True)
