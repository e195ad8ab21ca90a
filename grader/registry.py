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

No registration at import: each suite module listed in :data:`SUITES` exposes its tasks as data
(``TASKS = (...)``, :class:`Task` objects or :class:`grader.suites.spec.Spec` tables) and its
suite-wide hint texts as ``HINTS``; :func:`table` builds the registry from that explicit list
the first time it is needed (:func:`build_table` is the pure version, used by the tests).
Importing a suite module changes nothing anywhere.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import Any, Protocol

import numpy as np

from grader import manifest
from grader.compare import Comparison
from grader.text import EMPTY, Text

FRACTION = "fraction"
ALL = "all"

CREDIT_RULES: dict[str, Text] = {
    FRACTION: Text(
        "按通过的用例比例给分（各用例独立）",
        "points × fraction of cases passed (the cases are independent)",
    ),
    ALL: Text("全对才得分", "all or nothing"),
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

    ``label`` describes the case without values ("随机网络 2/5" / "random network 2/5"),
    ``comparisons`` the checks made, ``hints`` mistake codes recognised by the check, ``reply``
    the failed call if the student's code did not answer, ``note`` a short extra reason
    ("x 未恢复原值" / "x was not restored"); never a hidden value. ``blocked_by``: the ids of
    the tasks whose failing functions this case could not do without (set by
    :func:`grader.suites.common.blocked_by`; recorded in report.json).
    """

    label: Text
    passed: bool
    comparisons: list[Comparison] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    reply: Reply | None = None
    note: Text = EMPTY
    blocked_by: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        """The label and note are :class:`grader.text.Text` (the one bilingual type)."""
        if not isinstance(self.label, Text) or not isinstance(self.note, Text):
            raise TypeError("Case(label: Text, passed, …, note: Text): use grader.text.Text")


@dataclass(frozen=True)
class Task:
    """一个计分任务 / One graded task.

    Points and titles come from :mod:`grader.manifest` (the single source of truth shared with
    the notebooks); ``functions`` are the stubs it calls as ``module.function``; ``checked``
    says what is checked (shown in every message); ``hints`` are the texts of the mistake codes
    only this task gives (codes shared by several tasks live in
    :data:`grader.feedback.HINTS`). ``supersedes`` maps a code to codes it overrides in the
    task's report: when the code is named anywhere in the task, the codes it supersedes are
    dropped from the task's hints (a case where two mistakes give the same value names the
    first in its table; a mistake that explains the other cases too is the better advice).
    """

    id: str
    functions: tuple[str, ...]
    check: Callable[[Context], list[Case]]
    credit: str = FRACTION
    checked: Text = EMPTY
    cpu_seconds: float = 10.0
    wall_seconds: float = 20.0
    hints: Mapping[str, Text] = field(default_factory=dict)
    supersedes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

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

    def credit_rule(self) -> Text:
        """部分得分规则 / The partial-credit rule."""
        return CREDIT_RULES[self.credit]

    def named(self, hints: list[str]) -> list[str]:
        """去掉被取代的提示 / ``hints`` without the codes superseded by another named code
        (order kept)."""
        dropped = {old for code in hints for old in self.supersedes.get(code, ())}
        return [h for h in hints if h not in dropped]

    def score(self, cases: list[Case]) -> float:
        """按规则计分 / Points earned for these case results under the task's rule."""
        if not cases:
            return 0.0
        passed = sum(c.passed for c in cases)
        if self.credit == ALL:
            return float(self.points) if passed == len(cases) else 0.0
        return round(float(self.points) * passed / len(cases), 2)


def task(
    id: str, functions: tuple[str, ...], **kwargs: Any
) -> Callable[[Callable[[Context], list[Case]]], Task]:
    """把检查函数变成任务（不登记）/ Decorator: turn a check function into a :class:`Task`.

    Nothing is registered: list the task in its module's ``TASKS``. The manifest id and the
    stubs are validated when the table is built (:func:`build_table`).
    """

    def deco(check: Callable[[Context], list[Case]]) -> Task:
        return Task(id, functions, check, **kwargs)

    return deco


ASSIGNMENTS = ("a1", "a2", "a3", "a4")
#: The suite modules, in report order (a4_lecture adds tasks of a4).
SUITES = ("a1", "a2", "a3", "a4", "a4_lecture")


@dataclass(frozen=True)
class Table:
    """登记表 / The registry: every task by id (suite order) and every hint text by code."""

    tasks: Mapping[str, Task]
    hints: Mapping[str, Text]


def _as_task(item: Any) -> Task:
    """任务或规格 → 任务 / A TASKS entry: a Task, or a spec with ``.task()``."""
    return item if isinstance(item, Task) else item.task()


def _validate(t: Task) -> None:
    """任务 id 与桩函数须在清单中 / The id and every stub must exist in the manifest."""
    if t.credit not in CREDIT_RULES:
        raise ValueError(f"unknown credit rule {t.credit!r} for {t.id}")
    if not isinstance(t.checked, Text):
        raise TypeError(f"{t.id}: checked must be a grader.text.Text")
    for code, old in t.supersedes.items():
        if not isinstance(old, tuple) or not all(isinstance(o, str) for o in old):
            raise TypeError(f"{t.id}: supersedes[{code!r}] must be a tuple of hint codes")
        if code in old or any(code in t.supersedes.get(o, ()) for o in old):
            raise ValueError(f"{t.id}: {code!r} and a code it supersedes supersede each other")
    spec = manifest.get(t.assignment)
    spec.task(t.id)
    for f in t.functions:
        module, _, name = f.partition(".")
        spec.stub(module, name)


def _add_hints(into: dict[str, Text], hints: Mapping[str, Text], where: str) -> None:
    """合并提示（同一代码不得有两种文本）/ Merge hint texts; one text per code."""
    for code, text in hints.items():
        if not isinstance(text, Text):
            raise TypeError(f"hint {code!r} of {where} must be a grader.text.Text")
        if code in into and into[code] != text:
            raise ValueError(f"hint {code!r} has two different texts ({where})")
        into[code] = text


def build_table(modules: Iterable[ModuleType]) -> Table:
    """由套件模块建表（纯函数）/ Build the registry from suite modules (no side effects).

    Reads each module's ``TASKS`` (required) and ``HINTS`` (optional). Task ids must be unique
    and exist in the manifest; a hint code may have only one text across the catalogue
    (:data:`grader.feedback.HINTS`), the modules and the tasks.
    """
    from grader import feedback

    tasks: dict[str, Task] = {}
    hints: dict[str, Text] = {}
    _add_hints(hints, feedback.HINTS, "grader.feedback")
    for mod in modules:
        _add_hints(hints, getattr(mod, "HINTS", {}), mod.__name__)
        for item in mod.TASKS:
            t = _as_task(item)
            _validate(t)
            if t.id in tasks:
                raise ValueError(f"duplicate task id {t.id}")
            tasks[t.id] = t
            _add_hints(hints, t.hints, t.id)
    return Table(MappingProxyType(tasks), MappingProxyType(hints))  # read-only views


@functools.cache
def table() -> Table:
    """全部套件的登记表（首次使用时建立）/ The registry of every suite in :data:`SUITES`."""
    return build_table(importlib.import_module(f"grader.suites.{s}") for s in SUITES)


def tasks_for(assignment: str) -> list[Task]:
    """某作业的全部任务（按套件顺序）/ The tasks of one assignment, in suite order."""
    if assignment not in ASSIGNMENTS:
        raise KeyError(f"unknown assignment {assignment!r}; known: {', '.join(ASSIGNMENTS)}")
    return [t for t in table().tasks.values() if t.assignment == assignment]


def all_tasks() -> list[Task]:
    """全部任务 / Every task."""
    return list(table().tasks.values())


def get(task_id: str) -> Task:
    """按 id 取任务 / Look a task up by id."""
    return table().tasks[task_id]


def hint(code: str) -> Text:
    """提示代码的文本 / The text of a mistake code (empty for an unknown code)."""
    return table().hints.get(code, EMPTY)
