"""``python -m grader nbgrader …``：nbgrader 流程 + 可信评分 / nbgrader with the trusted grader.

Subcommands (see ``docs/nbgrader.md``)::

    setup     --course C --assignment a2 [--force]    kit source → course, course config,
                                                      generate_assignment, stripped release
    autograde --course C --assignment a2 [--student S …] [--workers N] [--timeout SEC] [--force]
    feedback  --course C --assignment a2 [--student S …]
    export    --course C --out grades.csv [--assignment a2 …]

Exit codes: 0 done (even if some notebooks failed: they are listed per student), 2 bad
arguments or a course that fails the bridge's checks, 3 a trusted-grader error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.text import Text

HELP = Text(
    "nbgrader 流程（可信评分写入成绩库）", "nbgrader flow with trusted scores in the gradebook"
).joined()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """nbgrader 子命令的选项 / Options of ``nbgrader`` and its subcommands."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def common(p: argparse.ArgumentParser, students: bool = True) -> None:
        p.add_argument(
            "--course",
            "-c",
            type=Path,
            required=True,
            help=Text("nbgrader 课程根目录", "course root").joined(),
        )
        p.add_argument("--assignment", "-a", required=True, help="a1 | a2 | a3 | a4")
        if students:
            p.add_argument(
                "--student",
                "-s",
                nargs="+",
                help=Text("只处理这些学生", "only these students").joined(),
            )

    p = sub.add_parser(
        "setup",
        help=Text(
            "装入作业并生成发布版", "add an assignment to the course and release it"
        ).joined(),
    )
    common(p, students=False)
    p.add_argument(
        "--force",
        action="store_true",
        help=Text(
            "用套件版本覆盖 source/<作业> 中的修改", "replace edits in source/<aid> by the kit's"
        ).joined(),
    )
    p = sub.add_parser(
        "autograde", help=Text("自动评分 + 可信评分", "autograde with trusted scores").joined()
    )
    common(p)
    p.add_argument(
        "--force",
        action="store_true",
        help=Text(
            "重新执行所有笔记本（默认只执行有改动的提交）",
            "re-execute every notebook (default: only changed submissions)",
        ).joined(),
    )
    p.add_argument(
        "--workers", "-j", type=int, default=1, help=Text("可信评分进程数", "processes").joined()
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=900.0,
        help=Text(
            "每个学生笔记本评分的时限（秒）", "wall-time limit per student's notebook (s)"
        ).joined(),
    )
    common(
        sub.add_parser(
            "feedback", help=Text("生成反馈（检查隐藏测试）", "feedback, checked").joined()
        )
    )
    p = sub.add_parser("export", help=Text("导出成绩 CSV", "export grades to CSV").joined())
    p.add_argument(
        "--course", "-c", type=Path, required=True, help=Text("课程根目录", "course root").joined()
    )
    p.add_argument(
        "--out", "-o", type=Path, required=True, help=Text("CSV 文件", "CSV file").joined()
    )
    p.add_argument(
        "--assignment", "-a", nargs="+", help=Text("只导出这些作业", "only these").joined()
    )


def _print_outcomes(outcomes: list) -> None:
    """每个学生的结果表 / The per-student table."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=Text("nbgrader 桥接结果", "bridge results").joined())
    for col in (
        Text("学生", "student").joined(),
        Text("笔记本", "notebook").joined(),
        Text("模块保留", "modules kept").joined(),
        Text("可信总分", "trusted total").joined(),
        Text("写入单元", "cells written").joined(),
        Text("说明", "notes").joined(),
    ):
        table.add_column(col)
    nb_text = {
        "ok": "[green]ok",
        "failed": "[red]失败 failed",
        "timeout": "[red]超时 timeout",
        "layout": "[red]目录有误 layout",
    }
    for o in outcomes:
        kept = {True: "是 yes", False: "[red]否 no", None: "–"}[o.modules_kept]
        notes = "; ".join(
            [
                *([Text("未改变，沿用", "unchanged, kept").joined()] if o.reused else []),
                *([o.nbgrader_error] if o.nbgrader_error else []),
                *o.problems,
                *o.warnings,
                *(
                    [
                        f"{Text('助教改分保留', 'TA overrides kept').joined()}: "
                        f"{', '.join(o.overrides_kept)}"
                    ]
                    if o.overrides_kept
                    else []
                ),
                *(
                    [f"{Text('迟交扣分', 'late penalty').joined()} {o.late_penalty:g}"]
                    if o.late_penalty
                    else []
                ),
            ]
        )
        table.add_row(
            o.student,
            nb_text.get(o.nbgrader, o.nbgrader),
            kept,
            f"{o.trusted_total:g}/{o.trusted_max:g}",
            str(len(o.written)),
            notes,
        )
    Console().print(table)


ERROR = Text("错误", "error")


def run(args: argparse.Namespace) -> int:
    """运行 / Entry point of ``python -m grader nbgrader``."""
    from grader import nbgrader_bridge as bridge

    try:
        if args.action == "setup":
            for line in bridge.setup_assignment(args.course, args.assignment, force=args.force):
                print(line)
            print(f"{Text('完成', 'done').joined()}: {args.assignment}")
            return 0
        if args.action == "autograde":
            code, outcomes = bridge.autograde(
                args.course,
                args.assignment,
                args.student,
                workers=max(1, args.workers),
                timeout=args.timeout,
                force=args.force,
            )
            _print_outcomes(outcomes)
            failed = [o.student for o in outcomes if o.nbgrader != "ok"]
            if failed:
                failed_text = Text(
                    "笔记本评分失败（可信分数已写入）",
                    "notebook autograde failed (trusted scores written)",
                )
                print(f"{failed_text.joined()}: {', '.join(failed)}")
            course = bridge.Course.open(args.course)
            iso = next((o.isolation for o in outcomes if o.isolation), "?")
            print(f"{Text('可信评分器隔离级别', 'trusted grader isolation').joined()}: {iso}")
            print(
                Text(
                    "可信报告：{path}；思考题等人工评分单元请在 formgrader 中评分",
                    "trusted reports: {path}; grade the written answers in formgrader",
                )
                .format(path=course.reports(args.assignment))
                .joined()
            )
            return code
        if args.action == "feedback":
            lines, deleted = bridge.generate_feedback(args.course, args.assignment, args.student)
            for student, text in lines.items():
                print(f"{student}:")
                for line in text:
                    print(f"  {line}")
            if deleted:
                deleted_text = Text(
                    "反馈含隐藏测试，已删除（请检查源笔记本）",
                    "feedback showed hidden tests and was deleted (check the source notebook)",
                )
                print(f"{deleted_text.joined()}: {', '.join(deleted)}", file=sys.stderr)
                return 1
            return 0
        if args.action == "export":
            path = bridge.export_csv(args.course, args.out, args.assignment)
            print(f"{Text('已导出', 'exported').joined()}: {path}")
            return 0
    except (bridge.BridgeError, KeyError, FileNotFoundError) as exc:
        print(f"{ERROR.joined()}: {exc}", file=sys.stderr)
        return 2
    return 2
