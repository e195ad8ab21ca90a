"""隐藏测试任务登记表 / The registry of hidden, point-bearing tasks.

Every task has an id (``a2.dense_backward``), points, a title in Chinese and English, a
partial-credit rule written out for students and TAs, the stub functions it calls (names from
:mod:`grader.manifest`) and a check function. A check runs in the trusted parent: it builds
hidden inputs from ``ctx.rng`` (seeded per student and task), calls the student's functions in
the sandbox through ``ctx.call`` and compares the plain-data replies with the oracles.

Partial-credit rules:

``fraction``  points × (cases passed / cases run) — used where cases are independent (random
              networks, several activations); rounded to 0.01.
``all``       all or nothing — used where one case decides (例题1's exact values, a training
              run, a stability property).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from grader import manifest
from grader.compare import Comparison

FRACTION = "fraction"
ALL = "all"

CREDIT_RULES: dict[str, tuple[str, str]] = {
    FRACTION: (
        "按通过的用例比例给分（各用例独立）",
        "points × fraction of cases passed (the cases are independent)",
    ),
    ALL: ("全对才得分", "all or nothing"),
}


@dataclass
class Reply:
    """一次沙箱调用的结果（可信端视角）/ One sandbox call, as the trusted parent sees it.

    ``ok`` with ``value`` (plain decoded data) or a failure ``kind`` (``not_implemented``,
    ``exception``, ``timeout``, ``memory``, ``exit``, ``crash``, ``missing_attr``, …) with
    ``error`` (type and masked text). ``mutated`` names the arguments the student's function
    changed in place; ``warnings`` lists numpy/Python warning categories raised during the
    call (e.g. ``overflow``); ``forbidden`` lists blocked imports seen in the worker.
    """

    ok: bool
    value: Any = None
    kind: str = ""
    error: str = ""
    mutated: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    function: str = ""
    frames: str = field(default="", repr=False)  # trusted-side only: never shown in a report


class Context(Protocol):
    """检查函数看到的上下文 / What a check function receives from the engine."""

    rng: np.random.Generator
    seed: int
    student: str

    def call(self, function: str, *args: Any, **kwargs: Any) -> Reply:
        """调用学生函数 / Call stub ``function`` (manifest key ``module.func``) in the sandbox."""
        ...

    def call_with(
        self,
        function: str,
        args: tuple[Any, ...] | list[Any],
        kwargs: dict[str, Any] | None = None,
        *,
        replays: list[dict[str, Any]] | None = None,
    ) -> Reply:
        """在参考数据上调用 / Call ``function`` on reference-built inputs (see the engine)."""
        ...

    def run(self, driver: str, *args: Any) -> Reply:
        """运行沙箱端驱动程序 / Run a grader driver routine (e.g. a training loop) in the worker."""
        ...


@dataclass
class Case:
    """一个用例的结果 / The result of one case of a task.

    ``label_zh`` / ``label_en`` describe the case without values ("随机网络 2/5",
    "例题1"), ``comparisons`` the checks made, ``hints`` mistake codes recognised by the check,
    ``reply`` the failed call if the student's code did not answer.
    """

    label_zh: str
    label_en: str
    passed: bool
    comparisons: list[Comparison] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    reply: Reply | None = None
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class Task:
    """一个计分任务 / One graded task.

    Points and titles come from :mod:`grader.manifest` (the single source of truth shared with
    the notebooks); ``functions`` are the stubs it calls as ``module.function``.
    """

    id: str
    functions: tuple[str, ...]
    check: Callable[[Context], list[Case]]
    credit: str = FRACTION
    checked_zh: str = ""
    checked_en: str = ""
    cpu_seconds: float = 10.0
    wall_seconds: float = 20.0

    @property
    def spec(self) -> manifest.Task:
        """清单中的任务 / The manifest entry of this task (points, titles)."""
        return manifest.get(self.assignment).task(self.id)

    @property
    def points(self) -> float:
        """满分 / Full points (from the manifest)."""
        return float(self.spec.points)

    @property
    def assignment(self) -> str:
        """所属作业 / The assignment (``a2`` of ``a2.dense_backward``)."""
        return self.id.split(".", 1)[0]

    def credit_rule(self) -> tuple[str, str]:
        """部分得分规则 / The partial-credit rule (zh, en)."""
        return CREDIT_RULES[self.credit]

    def score(self, cases: list[Case]) -> float:
        """按规则计分 / Points earned for these case results under the task's rule."""
        if not cases:
            return 0.0
        passed = sum(c.passed for c in cases)
        if self.credit == ALL:
            return float(self.points) if passed == len(cases) else 0.0
        return round(float(self.points) * passed / len(cases), 2)


_TASKS: dict[str, Task] = {}


def register(task: Task) -> Task:
    """登记任务 / Register a task (ids are unique)."""
    if task.id in _TASKS and _TASKS[task.id] is not task:
        raise ValueError(f"duplicate task id {task.id}")
    if task.credit not in CREDIT_RULES:
        raise ValueError(f"unknown credit rule {task.credit!r} for {task.id}")
    _TASKS[task.id] = task
    return task


def task(
    id: str, functions: tuple[str, ...], **kwargs: Any
) -> Callable[[Callable[[Context], list[Case]]], Task]:
    """装饰器形式的登记 / Decorator form of :func:`register`.

    The task id must exist in the manifest and every function must be a stub of the
    assignment there (checked at registration, so a renamed stub fails loudly).
    """

    def deco(check: Callable[[Context], list[Case]]) -> Task:
        t = Task(id, functions, check, **kwargs)
        spec = manifest.get(t.assignment)
        spec.task(id)
        for f in functions:
            module, _, name = f.partition(".")
            spec.stub(module, name)
        return register(t)

    return deco


ASSIGNMENTS = ("a1", "a2", "a3", "a4")
#: Suites kept in their own modules (tasks of the assignments above, registered the same way).
EXTRA_SUITES = ("a4_lecture",)


def load_suites() -> None:
    """导入全部隐藏测试集 / Import every suite module so its tasks register."""
    import importlib

    for a in (*ASSIGNMENTS, *EXTRA_SUITES):
        importlib.import_module(f"grader.suites.{a}")


def tasks_for(assignment: str) -> list[Task]:
    """某作业的全部任务（按登记顺序）/ The tasks of one assignment, in registration order."""
    load_suites()
    if assignment not in ASSIGNMENTS:
        raise KeyError(f"unknown assignment {assignment!r}; known: {', '.join(ASSIGNMENTS)}")
    return [t for t in _TASKS.values() if t.assignment == assignment]


def all_tasks() -> list[Task]:
    """全部任务 / Every registered task."""
    load_suites()
    return list(_TASKS.values())


def get(task_id: str) -> Task:
    """按 id 取任务 / Look a task up by id."""
    load_suites()
    return _TASKS[task_id]
