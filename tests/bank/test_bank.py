"""题库的目标 / The bank's targets: every mistake caught, every alternative at full marks.

Runs the whole bank (``python -m tests.bank`` without the public-test column, one student id)
in process and asserts the targets of issue 9: wrong caught 100 % on the intended task,
alternatives at full marks 100 %, hints naming the mistake 100 % (the issue's bar is ≥ 90 %),
and one mistake costs one task (or names the dependency it blocked) — strictly for a1/a2, no
worse than the last measurement for a3/a4.
"""

from __future__ import annotations

import functools

import pytest
from bank_entries import ALTERNATIVES, WRONG
from bank_run import Outcome, collateral, run_bank, summary

from grader.suites import oracles


@functools.cache
def outcomes() -> tuple[Outcome, ...]:
    """整个题库评一次 / Grade the whole bank once per session."""
    oracles.warm()
    entries = [*WRONG, *ALTERNATIVES]
    return tuple(run_bank(entries, ids=("bank-ci",), public=False, collateral=True))


def test_bank_size() -> None:
    """≥ 60 个错误、≥ 20 个另解，覆盖 a1–a4 / At least 60 wrong and 20 alternatives, a1–a4."""
    assert len(WRONG) >= 60 and len(ALTERNATIVES) >= 20
    assert {e.assignment for e in WRONG} == {"a1", "a2", "a3", "a4"}
    assert len({e.name for e in (*WRONG, *ALTERNATIVES)}) == len(WRONG) + len(ALTERNATIVES)


@pytest.mark.parametrize("assignment", ["a1", "a2", "a3", "a4"])
def test_every_mistake_caught_and_alternatives_full(assignment: str) -> None:
    """错误都被抓住、另解满分 / Every wrong entry loses points; every alternative keeps them."""
    mine = [o for o in outcomes() if o.entry.assignment == assignment]
    missed = [(o.entry.name, o.message) for o in mine if o.entry.wrong and not o.caught]
    assert not missed
    lost = [(o.entry.name, o.lost, o.message) for o in mine if not o.entry.wrong and not o.full]
    assert not lost


def test_hints_name_the_mistake() -> None:
    """每个错误都得到点名的提示 / Every caught mistake gets the hint that names it.

    Issue 9's bar is ≥ 90 %; the bank holds 100 %, so a new entry whose mistake goes unnamed
    fails here until its hint is written next to its task.
    """
    named, caught = summary(list(outcomes()))["hints_named"]
    unnamed = [(o.entry.name, o.hints) for o in outcomes() if o.entry.wrong and not o.named]
    assert caught and named == caught, unnamed


#: Wrong entries whose mistake costs another task without naming the dependency, measured
#: before issue 9's collateral work (``python -m tests.bank --no-public --ids 1 --ref-ids 0``):
#: a1 1/24, a2 17/29, a3 4/23, a4 3/14. Measured again on branch s14-9audit (873e6d7): 0 in
#: every assignment (a1 0/40, a2 0/49, a3 0/44, a4 0/43), so none may come back.
UNNAMED_AT_MOST = {"a1": 0, "a2": 0, "a3": 0, "a4": 0}


@pytest.mark.parametrize("assignment", ["a1", "a2", "a3", "a4"])
def test_one_mistake_costs_one_task_or_names_the_dependency(assignment: str) -> None:
    """一个错误只扣一个任务，否则点名依赖 / One mistake costs one task, or names its cause."""
    one, named, n = collateral(list(outcomes()))[assignment]
    unnamed = [
        (o.entry.name, sorted(o.unnamed - {o.entry.task}))
        for o in outcomes()
        if o.entry.assignment == assignment and o.entry.wrong and o.unnamed - {o.entry.task}
    ]
    assert n and one + named + len(unnamed) == n
    assert len(unnamed) <= UNNAMED_AT_MOST[assignment], unnamed
