"""评测题库 / Grade the bank: hidden suites and public tests on every entry.

``python -m tests.bank [--ids N] [--ref-ids N [--ref-jobs J]] [--no-public] [--no-collateral] [--only NAME ...]``

For every WRONG entry: does the intended task lose points for every student id (caught), does
its hint name the mistake (one of the entry's codes), which other tasks lose points
(collateral), and does the assignment's public pytest suite fail on it. For every ALTERNATIVE:
full marks on every task that uses the changed module, and the public tests pass. The hidden
suites run in process (:mod:`grader.inprocess`: the bank is the kit's own code).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bank_entries import ALTERNATIVES, WRONG, Entry

from grader import demo_submissions
from grader.engine import _local_imports, grade_submission
from grader.registry import tasks_for

ROOT = Path(__file__).resolve().parents[2]
IDS = ("bank-student-1", "bank-student-2")


@dataclass
class Outcome:
    """一个条目的结果 / What happened to one entry."""

    entry: Entry
    caught: bool = False  # wrong: intended task lost points for every id
    named: bool = False  # wrong: a hint named the mistake for every id
    full: bool = False  # alternative: full marks on every affected task for every id
    lost: dict[str, float] = field(default_factory=dict)  # task -> points lost (worst id)
    unnamed: set[str] = field(default_factory=set)  # lost tasks not naming the dependency
    blocked_by: dict[str, list[str]] = field(default_factory=dict)  # task -> report's blocked_by
    hints: list[str] = field(default_factory=list)
    public_failed: bool | None = None  # None: not run
    message: str = ""


def build(entry: Entry, dest: Path) -> Path:
    """参考答案 + 一处修改 / The reference solution with the entry's one mutation."""
    sub = demo_submissions.reference(entry.assignment, dest)
    demo_submissions.apply(sub, (demo_submissions.Patch(entry.file, entry.old, entry.new),))
    return sub


def affected_tasks(entry: Entry, sub: Path) -> list[str]:
    """用到被修改模块的任务 / Tasks whose stubs live in, or import, the changed module."""
    stem = entry.file.removesuffix(".py")
    deps = {p.stem: _local_imports(p.read_text("utf-8")) for p in sub.glob("*.py")}
    users, grew = {stem}, True
    while grew:
        new = {m for m, d in deps.items() if d & users} - users
        users |= new
        grew = bool(new)
    return [
        t.id for t in tasks_for(entry.assignment) if {f.split(".")[0] for f in t.functions} & users
    ]


def grade_entry(entry: Entry, ids: Iterable[str], tmp: Path, collateral: bool = False) -> Outcome:
    """隐藏测试 / Grade one entry on the hidden suite under each id.

    ``collateral`` grades a wrong entry on every task its change reaches (not only the
    intended one), to see whether one mistake costs one task.
    """
    sub = build(entry, tmp / entry.name / "submission")
    out = Outcome(entry)
    tasks = affected_tasks(entry, sub) if (collateral or not entry.wrong) else [entry.task]
    caught, named, full = True, True, True
    for sid in ids:
        report = grade_submission(sub, entry.assignment, student=sid, tasks=tasks, in_process=True)
        failed = {t.id for t in report.tasks if t.points < t.max_points}
        for t in report.tasks:
            if t.points < t.max_points:
                out.lost[t.id] = max(out.lost.get(t.id, 0.0), round(t.max_points - t.points, 2))
                # named: the report's blocked_by (data, not the hint's words) cites a task that
                # lost points in the same report
                if not set(t.blocked_by) & failed:
                    out.unnamed.add(t.id)
                if t.blocked_by:
                    out.blocked_by[t.id] = sorted(
                        set(out.blocked_by.get(t.id, [])) | set(t.blocked_by)
                    )
            if t.id == entry.task:
                caught &= t.points < t.max_points
                named &= bool(set(entry.hints) & set(t.hints))
                out.hints = sorted(set(out.hints) | set(t.hints))
                out.message = t.message_en
            elif not entry.wrong and t.points < t.max_points:
                full = False
                out.message = f"{t.id}: {t.message_en}"
    out.caught, out.named, out.full = (
        (caught, named, False) if entry.wrong else (False, False, full)
    )
    return out


def public_tests_fail(entry: Entry, tmp: Path) -> bool:
    """公开测试是否失败 / Whether the assignment's public pytest tests fail on the entry."""
    return run_public_tests(entry, tmp).returncode != 0


def run_public_tests(entry: Entry, tmp: Path) -> subprocess.CompletedProcess[str]:
    """运行公开测试 / Run the assignment's public pytest tests on the entry (output captured)."""
    sub = build(entry, tmp / entry.name / "public")
    src = ROOT / "solutions" / entry.assignment
    shutil.copytree(src / "tests", sub / "tests")
    for extra in ("pytest.ini",):
        if (src / extra).is_file():
            shutil.copyfile(src / extra, sub / extra)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-W", "ignore"],
        cwd=sub,
        capture_output=True,
        text=True,
        timeout=900,
    )


def run_bank(
    entries: list[Entry],
    ids: Iterable[str] = IDS,
    public: bool = True,
    jobs: int = 2,
    collateral: bool = False,
) -> list[Outcome]:
    """评测条目 / Grade the entries (hidden suite in process; public tests in subprocesses)."""
    ids = tuple(ids)
    with tempfile.TemporaryDirectory(prefix="nnkit-bank-") as tmpdir:
        tmp = Path(tmpdir)
        pool = ThreadPoolExecutor(max_workers=jobs) if public else None
        futures = {e.name: pool.submit(public_tests_fail, e, tmp) for e in entries} if pool else {}
        outcomes = [grade_entry(e, ids, tmp, collateral) for e in entries]
        for o in outcomes:
            if o.entry.name in futures:
                o.public_failed = futures[o.entry.name].result()
        if pool:
            pool.shutdown()
    return outcomes


def collateral(outcomes: list[Outcome]) -> dict[str, tuple[int, int, int]]:
    """一个错误的代价 / Per assignment: (one task, more tasks with the dependency named, caught).

    A caught wrong entry costs *one task* when it loses points on its intended task only; it
    costs more *with the dependency named* when every other task it costs names, in the
    report's ``blocked_by`` data, a task that lost points in the same report (the message then
    says "依赖的 … 未通过 / blocked by your …"). The rest is unnamed collateral. Needs
    ``collateral=True`` grading.
    """
    out: dict[str, tuple[int, int, int]] = {}
    for a in sorted({o.entry.assignment for o in outcomes}):
        mine = [o for o in outcomes if o.entry.wrong and o.caught and o.entry.assignment == a]
        one = sum(set(o.lost) <= {o.entry.task} for o in mine)
        named = sum(
            not set(o.lost) <= {o.entry.task} and not (o.unnamed & set(o.lost)) - {o.entry.task}
            for o in mine
        )
        out[a] = (one, named, len(mine))
    return out


def collateral_lines(outcomes: list[Outcome]) -> list[str]:
    """每个作业一行 / One line per assignment: one mistake costs one task, or names the cause."""
    lines = []
    for a, (one, named, n) in collateral(outcomes).items():
        lines.append(
            f"collateral {a}: one mistake costs one task {one}/{n}; costs more only with the "
            f"dependency named {named}/{n}; unnamed collateral {n - one - named}/{n}"
        )
    return lines


def summary(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """汇总数 / The summary counts (numerator, denominator)."""
    wrong = [o for o in outcomes if o.entry.wrong]
    alts = [o for o in outcomes if not o.entry.wrong]
    out = {
        "caught": (sum(o.caught for o in wrong), len(wrong)),
        "alternatives_full": (sum(o.full for o in alts), len(alts)),
        "hints_named": (sum(o.named for o in wrong if o.caught), sum(o.caught for o in wrong)),
        "one_task": (sum(set(o.lost) <= {o.entry.task} for o in wrong if o.caught),
                     sum(o.caught for o in wrong)),
    }  # fmt: skip
    if any(o.public_failed is not None for o in outcomes):  # the public-test column
        out["public_caught"] = (sum(bool(o.public_failed) for o in wrong), len(wrong))
        out["alternatives_failing_public"] = (sum(bool(o.public_failed) for o in alts), len(alts))
    return out


def line(counts: dict[str, tuple[int, int]]) -> str:
    """一行摘要 / The one-line summary."""

    def pct(k: str) -> str:
        a, b = counts[k]
        return f"{a}/{b}" + (f" ({100 * a / b:.0f} %)" if b else "")

    text = (
        f"wrong caught {pct('caught')} on the intended task; alternatives at full marks "
        f"{pct('alternatives_full')}; hints naming the mistake {pct('hints_named')}"
    )
    if "public_caught" in counts:
        text += (
            f"; public tests caught {pct('public_caught')}; alternatives failing a public test "
            f"{counts['alternatives_failing_public'][0]}"
        )
    return text


def main(argv: list[str] | None = None) -> int:
    """命令行 / ``python -m tests.bank``."""
    ap = argparse.ArgumentParser(prog="python -m tests.bank", description=__doc__)
    ap.add_argument("--ids", type=int, default=len(IDS), help="student ids per entry")
    ap.add_argument("--ref-ids", type=int, default=20, help="ids for the reference worst case")
    ap.add_argument(
        "--ref-jobs", type=int, default=1, help="processes for the reference worst case"
    )
    ap.add_argument("--no-public", action="store_true", help="skip the public pytest tests")
    ap.add_argument("--only", nargs="*", help="entry names")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per entry")
    ap.add_argument(
        "--no-collateral",
        action="store_true",
        help="grade wrong entries on their intended task only (faster; no collateral lines)",
    )
    ap.add_argument(
        "--collateral", action="store_true", help="(the default) grade every reached task"
    )
    args = ap.parse_args(argv)
    entries = [e for e in (*WRONG, *ALTERNATIVES) if not args.only or e.name in args.only]
    ids = [f"bank-student-{k + 1}" for k in range(args.ids)]
    collat = not args.no_collateral
    outcomes = run_bank(entries, ids, public=not args.no_public, collateral=collat)
    for o in outcomes:
        e = o.entry
        bad = (e.wrong and not (o.caught and o.named)) or (not e.wrong and not o.full)
        extra = e.wrong and (set(o.lost) - {e.task})
        pub = e.wrong and o.public_failed is False
        if args.verbose or bad or extra:
            kind = "WRONG" if e.wrong else "ALT"
            print(
                f"[{kind}] {e.assignment} {e.name}: lost={o.lost} "
                f"unnamed={sorted(o.unnamed - {e.task})} blocked_by={o.blocked_by} hints={o.hints} "
                f"want={list(e.hints)} public_failed={o.public_failed}"
                + (f"\n    {o.message[:300]}" if bad else "")
            )
        elif args.verbose and pub:
            print(f"[public misses] {e.name}")
    counts = summary(outcomes)
    text = line(counts)
    if collat:
        a, b = counts["one_task"]
        text += f"; one mistake costs one task {a}/{b}"
    if args.ref_ids:
        from grader.reference_check import worst_case

        worst = worst_case(args.ref_ids, jobs=args.ref_jobs)
        losing = {t: w for t, w in worst.items() if w["ids_losing"]}
        text += f"; reference worst case over {args.ref_ids} ids: " + (
            "full marks on every task"
            if not losing
            else ", ".join(
                f"{t} −{w['max_lost']} ({w['ids_losing']} ids)" for t, w in losing.items()
            )
        )
    print(text)
    if collat:
        print("\n".join(collateral_lines(outcomes)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
