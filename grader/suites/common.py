"""隐藏测试集的公共工具 / Shared helpers of the hidden suites.

:func:`run_case` calls one student function in the sandbox and turns the plain-data reply into
a :class:`grader.registry.Case`: every expected output is compared here (trusted parent), the
student's value is also compared with the values that typical mistakes would produce (a
transposed W, a missing f', a missing 1/m …) to pick a hint, arguments modified in place fail
the case, and for stability cases any overflow/invalid warning fails it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.compare import BAD_TYPE, Comparison, compare_array, matches
from grader.registry import Case, Context, Reply
from grader.text import EMPTY, Text


class AnyOf(tuple):
    """一个错误的几种可能结果 / Several values one mistake may produce (any one matches)."""


@dataclass
class Expect:
    """一个期望输出 / One expected output of a call.

    ``pick`` selects the value from the student's reply (e.g. ``lambda r: r[0]`` for the z of
    ``(z, cache)``); ``what`` names it in lecture notation (``∂J/∂W^(l)``); ``mistakes`` maps a
    hint code to the value that mistake would give.
    """

    what: str | Text
    want: Any
    pick: Callable[[Any], Any] = field(default=lambda r: r)
    mistakes: dict[str, Any] = field(default_factory=dict)
    rtol: float = 1e-6
    scalar: bool = False
    atol_scale: float = 1e-8
    dtype: Any = None


def pick_item(*path: int | str) -> Callable[[Any], Any]:
    """按下标取返回值的一部分 / Select ``reply[i][j]…`` from a tuple/list reply."""

    def pick(value: Any) -> Any:
        for i in path:
            value = value[i]
        return value

    return pick


def compare_expect(value: Any, exp: Expect) -> tuple[Comparison, list[str]]:
    """比较并诊断 / Compare one picked value and list every known mistake it matches.

    Returns the comparison and, when it failed, the codes of ``exp.mistakes`` whose value the
    student's equals, in the table's order. A mistake whose value equals the expected one on
    this case (a tie rule on inputs without a tie) says nothing about the student's value and
    is never matched: a right value of the wrong dtype is a dtype problem, not that mistake.
    :func:`diagnose` picks the case's hints from these lists.
    """
    try:
        got = exp.pick(value)
    except (IndexError, KeyError, TypeError):
        return Comparison(BAD_TYPE, exp.what, got_type=type(value).__name__), ["wrong_type"]
    want = np.asarray(exp.want)
    comp = compare_array(
        got,
        want,
        exp.what,
        rtol=exp.rtol,
        atol_scale=exp.atol_scale,
        allow_scalar_shape=exp.scalar,
        float_dtype=exp.dtype,
    )
    codes: list[str] = []
    if not comp.ok:
        rtol = max(exp.rtol, 1e-9)
        for code, candidate in exp.mistakes.items():
            options = candidate if isinstance(candidate, AnyOf) else (candidate,)
            if any(
                c is not None
                and matches(got, np.asarray(c), rtol)
                and not matches(want, np.asarray(c), rtol)
                for c in options
            ):
                codes.append(code)
    return comp, codes


def diagnose(matched: list[list[str]]) -> list[str]:
    """一个用例的提示 / The mistake codes of a case, from what each failed output matched.

    ``matched`` holds, per failed output, the codes it matched (:func:`compare_expect`). A code
    that every failed output matched explains the whole reply, so it alone is the hint: a code
    that explains only some outputs names a different mistake (θ + v with the gradient's sign
    flipped in v also has the v of the other convention, θ − v), and the two hints would
    contradict each other. Codes that all explain the whole reply coincide on this case (a mean
    over samples is both "1/m twice" and "∂J/∂b as a mean"): the first in the table's order is
    the hint, so a table lists the more telling code first, and inputs are drawn so that
    mistakes with different advice do not coincide. When no code explains everything, each
    failed output names its first match.
    """
    whole = [c for c in matched[0] if all(c in m for m in matched[1:])] if matched else []
    if whole:
        return whole[:1]
    return list(dict.fromkeys(m[0] for m in matched if m))


def case_from_reply(
    reply: Reply,
    expects: list[Expect],
    label: Text,
    *,
    stable: bool = False,
    inplace_ok: bool = False,
) -> Case:
    """由回复生成用例结果 / Build a Case from a reply and the expected outputs."""
    if not reply.ok:
        return Case(label, False, reply=reply)
    comps: list[Comparison] = []
    matched: list[list[str]] = []
    for exp in expects:
        comp, codes = compare_expect(reply.value, exp)
        comps.append(comp)
        if not comp.ok:
            matched.append(codes)
    hints = diagnose(matched)
    passed = all(c.ok for c in comps)
    note = EMPTY
    if reply.mutated and not inplace_ok:
        passed = False
        hints.insert(0, "inplace")
        note = MUTATED.format(args=", ".join(str(k + 1) for k in reply.mutated))
    if stable and any(w in ("overflow", "invalid", "divide") for w in reply.warnings):
        if passed:
            hints.insert(0, "overflow_warning")
            note = WARNED
        else:
            hints.append("unstable")
        passed = False
    return Case(label, passed, comps, hints, None, note)


MUTATED = Text("第 {args} 个参数被就地修改", "argument(s) {args} modified in place")
WARNED = Text(
    "数值正确，但计算中出现了溢出/无效值警告",
    "values are right but the computation raised overflow/invalid warnings",
)


def run_case(
    ctx: Context,
    function: str,
    args: tuple[Any, ...],
    expects: list[Expect],
    label: Text,
    *,
    kwargs: dict[str, Any] | None = None,
    stable: bool = False,
    inplace_ok: bool = False,
) -> Case:
    """调用并比较 / Call ``function(*args)`` in the sandbox and compare with ``expects``."""
    reply = ctx.call(function, *args, **(kwargs or {}))
    return case_from_reply(reply, expects, label, stable=stable, inplace_ok=inplace_ok)


RANDOM = Text("随机用例", "random case")
CASE = Text("用例", "case")


def blocked_by(case: Case, function: str, task_id: str) -> None:
    """注明失败的依赖 / Name the failing dependency in a case's note and hints.

    For a task that cannot be tested without another of the student's functions: the note
    says "依赖的 … 未通过（见 …）/ blocked by your … (see …)" and the case gets the
    ``blocked_by_dependency`` hint (shown first); ``task_id`` is recorded as data
    (``Case.blocked_by`` → the task's ``blocked_by`` in report.json → the class report).
    """
    case.hints.insert(0, "blocked_by_dependency")
    if task_id not in case.blocked_by:
        case.blocked_by.append(task_id)
    case.note = case.note + Text(
        f"（依赖的 {function} 未通过，见 {task_id}）",
        f" (blocked by your {function}: see {task_id})",
    )
