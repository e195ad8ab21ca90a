"""闭式任务的声明式规格 / Declarative specs for the closed-form tasks.

A closed-form task reads like a table: which stub is called on which inputs, what the oracle
returns, which outputs are compared, which known mistakes are recognised, and their hints::

    DENSE_FORWARD = Spec(
        "a2.dense_forward",
        checked=Text("z^(l+1) = a^(l) W^(l) + b^(l+1) …", "z^(l+1) = a^(l) W^(l) + b^(l+1) …"),
        cases=(
            Cases(
                "layers.dense_forward",
                RANDOM,
                n=4,
                inputs=lambda d: _dense_inputs(d.rng, d.k),      # k = 0 … n−1
                args=("a", "W", "b"),
                oracle=lambda v: v.a @ v.W + v.b,
                outputs=(Out("z^(l+1)", pick=0),),
                mistakes={"forgot_bias": lambda v: (v.a @ v.W,)},
            ),
        ),
    )

*  **Inputs** come from the task's rng only: ``setup`` (drawn once per task, shared by every
   case) and each group's ``inputs`` (drawn for its k-th case), in table order, so the hidden
   inputs are reproducible per student and submission. Fixed cases that every student gets
   (ties, extremes, K = 1 …) are written into ``inputs`` (by ``d.k``) or as their own group.
*  **Oracle** — the reference return value of the stub for those inputs (nncore or a closed
   form); :class:`Values` ``v`` holds the shared and case inputs by name and, for the
   mistakes, the oracle's result as ``v.want``.
*  **Outputs** — what is compared (:class:`Out`: its name in lecture notation, which part of
   the reply, tolerance, dtype). Tolerances widen to float32 sizes automatically
   (:func:`grader.compare.dtype_tolerance`).
*  **Mistakes** — code → the value the stub returns under that mistake (same structure as the
   oracle's; ``None`` where the mistake cannot happen or does not change that output; an
   :class:`~grader.suites.common.AnyOf` when one mistake has several forms). A failing output
   that equals a mistake's value gets that code's hint.
*  **Hints** — :class:`grader.text.Text` per code that only this task gives, written in the
   spec; codes shared by many tasks are in :data:`grader.feedback.HINTS`.

The framework turns a spec into the task's check (:meth:`Spec.task`): every comparison,
in-place check, stability check and hint match is :func:`grader.suites.common.case_from_reply`,
the same code as the tasks that stay code. A label used by several cases is numbered
("随机用例 2/4"). Nothing is registered on import: a suite lists its specs in ``TASKS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.compare import ATOL_SCALE, RTOL
from grader.registry import FRACTION, Case, Context, Reply, Task
from grader.suites.common import Expect, case_from_reply
from grader.text import Text


class Values(dict[str, Any]):
    """一个用例的命名输入 / A case's named values (``v.X`` is ``v["X"]``); ``v.want`` = oracle."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Draw:
    """输入生成器看到的 / What an input generator receives.

    ``rng`` the task's generator, ``k`` the case's index in its group (0 … n−1), ``n`` the
    group's size, ``v`` the shared values drawn by the spec's ``setup``, ``prev`` the values
    of the case just before (to test a second stub on the same inputs without a new draw).
    """

    rng: np.random.Generator
    k: int
    n: int
    v: Values
    prev: Values


#: ``Out.dtype``: the returned dtype must equal the expected value's (float32 stays float32).
SAME = "same"


@dataclass(frozen=True)
class Out:
    """一个被比较的输出 / One compared output of the stub's reply.

    ``what`` names it in lecture notation (``∂J/∂W^(l)``); ``pick`` selects it from the reply
    (``None``: the whole reply, an int/str: ``reply[pick]``, or a function); ``rtol`` and
    ``atol_scale`` are the float64 tolerances (relative error |g − e| / max(|e|, atol_scale));
    ``scalar`` lets a 0-d/1-element value stand for a number; ``dtype`` requires an exact
    dtype (a numpy dtype, or :data:`SAME` for the expected value's own dtype).
    """

    what: str | Text
    pick: int | str | Callable[[Any], Any] | None = None
    rtol: float = RTOL
    atol_scale: float = ATOL_SCALE
    scalar: bool = False
    dtype: Any = None

    def select(self, value: Any) -> Any:
        """从回复中取出这一项 / This output's part of a reply (or of an oracle/mistake value)."""
        if self.pick is None:
            return value
        if callable(self.pick):
            return self.pick(value)
        return value[self.pick]

    def candidate(self, value: Any) -> Any:
        """错误值中的这一项（不适用时 None）/ This output's part of a mistake value, or None."""
        if value is None:
            return None
        try:
            return self.select(value)
        except (IndexError, KeyError, TypeError):
            return None


Mistake = Callable[[Values], Any]


@dataclass(frozen=True)
class Cases:
    """一组调用同一桩函数的用例 / A group of cases that call one stub.

    ``function`` (``module.func``) is called with ``args`` (names of values, in order, or a
    function ``(ctx, v) -> tuple`` when the arguments need the sandbox, e.g. a cache built
    by the student's own forward pass) and ``kwargs`` (names passed by keyword); ``n`` cases
    are drawn by ``inputs`` (a :class:`Draw` → dict of named values). ``stable`` fails a case
    with overflow/invalid warnings; ``inplace_ok`` allows modified arguments.

    ``routine`` runs a worker-side driver routine (``ctx.run(routine, *args)``, e.g. one that
    calls the stub on a hidden model and returns ``{"result": …}``) instead of calling the
    stub directly; a failure is attributed to ``function``. ``review(case, reply, v)``
    returns the case after a task-specific look at the reply (an extra property, a hint that
    needs the whole reply); it must not draw from the rng (:func:`fallback` and
    :func:`routine_mutated` are common reviews). ``outputs`` may also be a function of the
    case's values (a reply whose number of parts depends on the inputs, e.g. one ∂R/∂W^(l) per
    layer, or an output whose pick needs the inputs).
    """

    function: str
    label: Text
    inputs: Callable[[Draw], Mapping[str, Any]]
    oracle: Callable[[Values], Any]
    outputs: tuple[Out, ...] | Callable[[Values], tuple[Out, ...]]
    args: tuple[str, ...] | Callable[[Context, Values], tuple[Any, ...]] = ()
    kwargs: tuple[str, ...] = ()
    mistakes: Mapping[str, Mistake] = field(default_factory=dict)
    n: int = 1
    stable: bool = False
    inplace_ok: bool = False
    routine: str = ""
    review: Callable[[Case, Reply, Values], Case] | None = None

    def outs(self, v: Values) -> tuple[Out, ...]:
        """这个用例比较的输出 / The outputs compared for the case with values ``v``."""
        return self.outputs(v) if callable(self.outputs) else self.outputs

    def expects(self, v: Values) -> list[Expect]:
        """期望输出与错误候选 / The expected outputs and each mistake's candidate values."""
        wrong = {code: f(v) for code, f in self.mistakes.items()}
        for code, value in wrong.items():
            if isinstance(v.want, tuple) and not isinstance(value, tuple | list | None):
                raise TypeError(f"mistake {code!r} must return a tuple like the oracle (or None)")
        out = []
        for o in self.outs(v):
            want = np.asarray(o.select(v.want))
            out.append(
                Expect(
                    o.what,
                    want,
                    o.select,
                    {code: o.candidate(value) for code, value in wrong.items()},
                    rtol=o.rtol,
                    scalar=o.scalar,
                    atol_scale=o.atol_scale,
                    dtype=want.dtype if o.dtype == SAME else o.dtype,
                )
            )
        return out

    def call_args(self, ctx: Context, v: Values) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """调用参数 / The positional and keyword arguments of the call."""
        args = self.args(ctx, v) if callable(self.args) else tuple(v[a] for a in self.args)
        return args, {k: v[k] for k in self.kwargs}

    def reply(self, ctx: Context, v: Values) -> Reply:
        """调用桩函数或驱动例程 / Call the stub (or run the routine) on the case's values."""
        args, kwargs = self.call_args(ctx, v)
        if not self.routine:
            return ctx.call(self.function, *args, **kwargs)
        if kwargs:
            raise TypeError(f"routine {self.routine!r} takes positional arguments only")
        reply = ctx.run(self.routine, *args)
        if not reply.ok:
            from grader.suites.heldout import attribute

            attribute(reply, self.function)
        return reply

    def case(self, ctx: Context, v: Values, label: Text) -> Case:
        """运行一个用例 / Run one case: call, compare, diagnose, review."""
        reply = self.reply(ctx, v)
        case = case_from_reply(
            reply, self.expects(v), label, stable=self.stable, inplace_ok=self.inplace_ok
        )
        return self.review(case, reply, v) if self.review else case


@dataclass(frozen=True)
class Spec:
    """一个闭式任务的规格 / The spec of one closed-form task (see the module docstring).

    ``cases`` run in order; ``setup`` draws the values shared by every case; ``functions``
    defaults to the stubs the groups call (give it when an ``args`` function calls more);
    ``hints`` are the texts of the codes only this task gives; ``supersedes`` maps a code to
    the codes it overrides in the task's report (:attr:`grader.registry.Task.supersedes`).
    """

    id: str
    checked: Text
    cases: tuple[Cases, ...]
    setup: Callable[[np.random.Generator], Mapping[str, Any]] | None = None
    hints: Mapping[str, Text] = field(default_factory=dict)
    functions: tuple[str, ...] = ()
    credit: str = FRACTION
    supersedes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def stubs(self) -> tuple[str, ...]:
        """任务调用的桩函数 / The stubs this task calls (every group's stub must be listed)."""
        called = tuple(dict.fromkeys(g.function for g in self.cases))
        if self.functions and not set(called) <= set(self.functions):
            raise ValueError(f"{self.id}: functions must list every stub the cases call")
        return self.functions or called

    def task(self) -> Task:
        """规格 → 任务 / The registry task whose check runs this table."""
        return Task(
            self.id,
            self.stubs(),
            self.check,
            credit=self.credit,
            checked=self.checked,
            hints=self.hints,
            supersedes=self.supersedes,
        )

    def labels(self) -> list[Text]:
        """每个用例的标签（重复的加编号）/ Each case's label; repeated labels are numbered."""
        flat = [g.label for g in self.cases for _ in range(g.n)]
        total = {lab: flat.count(lab) for lab in flat}
        seen: dict[Text, int] = {}
        out = []
        for lab in flat:
            seen[lab] = seen.get(lab, 0) + 1
            out.append(lab.numbered(seen[lab], total[lab]) if total[lab] > 1 else lab)
        return out

    def check(self, ctx: Context) -> list[Case]:
        """运行全部用例 / Draw, call, compare and diagnose every case of the table."""
        shared = Values(self.setup(ctx.rng) if self.setup else {})
        labels = iter(self.labels())
        cases = []
        prev = Values()
        for group in self.cases:
            for k in range(group.n):
                v = Values(shared)
                v.update(group.inputs(Draw(ctx.rng, k, group.n, shared, prev)))
                v["want"] = group.oracle(v)
                cases.append(group.case(ctx, v, next(labels)))
                prev = v
        return cases


Review = Callable[[Case, Reply, Values], Case]


def fallback(code: str) -> Review:
    """兜底提示 / A review giving ``code`` to a case whose stub answered wrongly and matched no
    known mistake (e.g. "build the network exactly as documented")."""

    def review(case: Case, reply: Reply, v: Values) -> Case:
        if not case.passed and not case.hints and case.reply is None:
            case.hints.append(code)
        return case

    return review


def routine_mutated(note: Text, hint: str = "inplace") -> Review:
    """例程报告参数被就地修改 / A review failing a routine case whose reply says
    ``"mutated": True`` (the worker compared an argument before and after the stub's call);
    ``note`` names the argument, ``hint`` says what the change does."""

    def review(case: Case, reply: Reply, v: Values) -> Case:
        if isinstance(reply.value, dict) and reply.value.get("mutated"):
            case.passed = False
            case.hints.insert(0, hint)
            case.note = note
        return case

    return review


def no_inputs(d: Draw) -> Mapping[str, Any]:
    """不再抽取新值（只用共享值）/ A case that draws nothing (it uses the shared values)."""
    return {}
