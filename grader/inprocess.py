"""进程内运行（只用于可信代码）/ An in-process stand-in for the sandbox, for TRUSTED code only.

The calibration (the reference under 1,000 student ids) and the grading-accuracy bank (the
reference with one known mutation) run code the kit itself wrote, thousands of times. Starting
a sandbox worker per task would take hours; this runner imports the submission's modules into
the grader process instead, with the same wire format as the sandbox (every argument and reply
goes through :mod:`grader.sandbox.protocol`, so the checks see exactly the types, copies and
in-place echoes they see from a worker). It offers **no isolation, no limits and no import
blocking**: never use it for a student's submission (``grader.engine`` uses it only when asked
to with ``in_process=True``; the CLI and the batch never ask).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.util
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import numpy as np

from grader.driver import DRIVER_FILE, DRIVER_MODULE
from grader.sandbox.protocol import ALLOWED_KINDS, MAX_DEPTH, ProtocolError
from grader.sandbox.runner import CallResult, GlobalSeeding

_CODE: dict[tuple[str, str], CodeType] = {}
#: Observers of :class:`InProcessRunner` CPU times (see :func:`observe_cpu`).
_CPU_OBSERVERS: list[Callable[[dict[str, float]], None]] = []


@contextmanager
def observe_cpu(callback: Callable[[dict[str, float]], None]) -> Iterator[None]:
    """记录每个运行器的 CPU 时间 / Tell ``callback`` the CPU seconds of every runner closed.

    One runner serves one task (``grader.engine.grade_task``), so the calls come in task
    order, each with ``{"total": CPU from the runner's creation to its close, "student": CPU
    inside its calls}`` (the submission's side: the driver and the student's code; the rest,
    total − student, is the grader's side: inputs, oracles, references, comparisons).
    """
    _CPU_OBSERVERS.append(callback)
    try:
        yield
    finally:
        _CPU_OBSERVERS.remove(callback)


def _code(path: Path) -> CodeType:
    """编译（按内容缓存）/ Compile a module's source, cached by file name and content."""
    text = path.read_text("utf-8")
    key = (path.name, hashlib.sha256(text.encode("utf-8")).hexdigest())
    if key not in _CODE:
        _CODE[key] = compile(text, str(path), "exec")
    return _CODE[key]


class _Loader(importlib.abc.Loader):
    """从提交目录加载模块（缓存编译结果）/ Load a submission module with a cached code object."""

    def __init__(self, path: Path) -> None:
        """Bind the module's file."""
        self.path = path

    def exec_module(self, module: ModuleType) -> None:
        """Run the module's (cached) code in its namespace."""
        exec(_code(self.path), module.__dict__)


class _Finder(importlib.abc.MetaPathFinder):
    """只为提交的模块名给出规格 / Find the submission's own modules (nothing else)."""

    def __init__(self, work: Path, names: set[str]) -> None:
        """Bind the submission folder and its module names."""
        self.work, self.names = work, names

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        """The spec of ``name`` if it is one of the submission's modules."""
        if name not in self.names or name == DRIVER_MODULE:
            return None
        file = self.work / f"{name}.py"
        return importlib.util.spec_from_file_location(name, file, loader=_Loader(file))


def wire_copy(value: Any, keep: Callable[[Any], None] = lambda _: None) -> Any:
    """协议往返的结果（不经文本）/ ``decode(encode(value))`` without the JSON and base64.

    Same mapping as :mod:`grader.sandbox.protocol`: None, bool, int, float, str as they are;
    complex and bytes copied; a numeric array (any ndarray subclass becomes a plain ndarray)
    copied, C-ordered unless only Fortran-contiguous, with its dtype and byte order; a numpy
    scalar a fresh scalar of its dtype; lists and dicts rebuilt, tuples (named ones too) as
    plain tuples. Anything else (other types, object or string dtypes, a dict key that is
    not a JSON scalar) is passed to ``keep`` and returned as itself, as the sandbox's handle
    would be resolved; nesting deeper than ``MAX_DEPTH`` raises ``ProtocolError`` as decode does.
    The protocol's size budgets (values, arrays, bytes) are not applied: trusted code only.
    """

    def unknown(obj: Any) -> Any:
        keep(obj)
        return obj

    def cp(obj: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:  # encode would send a handle there, which decode refuses
            raise ProtocolError("value nested too deeply")
        t = type(obj)
        if obj is None or t is bool or t is str or t is int or t is float:
            return obj
        if t is complex:
            return complex(obj.real, obj.imag)
        if t is bytes:
            return bytes(obj)
        if isinstance(obj, np.ndarray | np.generic):
            arr = np.asarray(obj)
            if (
                arr.dtype.hasobject
                or arr.dtype.kind not in ALLOWED_KINDS
                or arr.dtype.names is not None
            ):
                return unknown(obj)
            fortran = arr.flags.f_contiguous and not arr.flags.c_contiguous
            out = np.array(arr, order="F" if fortran else "C", copy=True)
            return out[()] if isinstance(obj, np.generic) else out
        if t is list:
            return [cp(x, depth + 1) for x in obj]
        if t is tuple or (isinstance(obj, tuple) and hasattr(obj, "_fields")):
            return tuple(cp(x, depth + 1) for x in tuple.__iter__(obj))
        if t is dict:
            if not all(k is None or type(k) in (str, int, float, bool) for k in dict.keys(obj)):
                return unknown(obj)
            return {cp(k, depth + 1): cp(v, depth + 1) for k, v in dict.items(obj)}
        return unknown(obj)

    return cp(value, 0)


class InProcessRunner(GlobalSeeding):
    """与 :class:`grader.sandbox.Sandbox` 同接口的进程内运行器 / Same interface as Sandbox.

    Each instance imports the submission's modules afresh (a new module state per task, as a
    fresh worker would have) and forgets them on :meth:`close`.
    """

    forbidden_imports: tuple[str, ...] = ()
    startup_seconds: float = 0.0

    def __init__(self, work: Path, **_: Any) -> None:
        """Bind the submission copy ``work`` (the driver is loaded from the grader package)."""
        self.work = Path(work).resolve()
        self.isolation: dict[str, Any] = {"level": "in-process (trusted code only)"}
        self.startup_seconds = 0.0  # no worker to start (the engine's timing breakdown)
        self._cpu0, self.student_cpu = time.process_time(), 0.0
        names = {n[:-3] for n in os.listdir(self.work) if n.endswith(".py")}
        self._names = names | {DRIVER_MODULE}
        self._objects: list[Any] = []
        self._purge()
        self._driver = self._load_driver()

    def _purge(self) -> None:
        """忘掉提交模块 / Forget every module of the submission (fresh state)."""
        for name in self._names:
            sys.modules.pop(name, None)

    def _load_driver(self) -> ModuleType:
        """加载驱动 / Load the worker-side driver as a private module."""
        mod = ModuleType(DRIVER_MODULE)
        mod.__file__ = str(DRIVER_FILE)
        exec(_code(DRIVER_FILE), mod.__dict__)
        return mod

    def _wire(self, value: Any) -> Any:
        """按沙箱协议往返一次 / What a round trip through the sandbox wire format gives.

        :func:`wire_copy` builds the value :func:`grader.sandbox.protocol.decode` would build
        from :func:`~grader.sandbox.protocol.encode`'s output, without the text in between
        (``tests/grader/test_inprocess_wire.py`` checks both agree); anything without a wire
        form stays here as itself, as a worker's handle would refer to it.
        """
        return wire_copy(value, self._objects.append)

    def call(self, module: str, function: str, *args: Any, **kwargs: Any) -> CallResult:
        """调用驱动例程 / Call ``driver.function(*args)`` with the submission importable."""
        if module != DRIVER_MODULE:
            raise ValueError("the in-process runner only runs the grading driver")
        old_cwd, old_path = os.getcwd(), list(sys.path)
        os.chdir(self.work)
        sys.path.insert(0, str(self.work))
        finder = _Finder(self.work, self._names)
        sys.meta_path.insert(0, finder)
        cpu0 = time.process_time()
        state, seed = np.random.get_state(), self._call_seed()
        try:
            args_in, kwargs_in = self._wire(list(args)), self._wire(kwargs)
            if seed is not None:
                np.random.seed(seed)
            value = getattr(self._driver, function)(*args_in, **kwargs_in)
            return CallResult(ok=True, value=self._wire(value))
        except Exception as exc:  # the submission's exception, as the worker would report it
            tb = traceback.extract_tb(exc.__traceback__)
            own = [f for f in tb if Path(f.filename).resolve().parent == self.work]
            where = "\n".join(
                f'  File "{Path(f.filename).name}", line {f.lineno}, in {f.name}' for f in own
            )
            return CallResult(
                ok=False,
                status="error",
                error_type=type(exc).__name__,
                message_zh=str(exc),
                message_en=str(exc),
                traceback=where,
            )
        finally:
            np.random.set_state(state)  # the trusted process's own global generator is untouched
            os.chdir(old_cwd)
            sys.path[:] = old_path
            sys.meta_path.remove(finder)
            self.student_cpu += time.process_time() - cpu0

    def close(self) -> None:
        """忘掉模块与对象 / Forget the submission's modules and held objects."""
        self._purge()
        self._objects.clear()
        cpu = {"total": time.process_time() - self._cpu0, "student": self.student_cpu}
        for observe in _CPU_OBSERVERS:
            observe(cpu)
