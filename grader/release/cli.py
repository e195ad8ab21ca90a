"""``python -m grader build [--check]``：生成学生版 / Build the student release."""

from __future__ import annotations

import argparse
import sys
import time

from grader.text import Text

HELP = Text(
    "由 solutions/ 与 nncore 生成 assignments/（--check：只检查）", "build the student release"
).joined()
UP_TO_DATE = Text("发布版与新构建一致", "release is up to date")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """选项 / Options."""
    parser.add_argument(
        "--check",
        action="store_true",
        help=Text(
            "不写文件；与新构建有任何差异即失败（CI 用）", "write nothing, fail on any drift (CI)"
        ).joined(),
    )


def run(args: argparse.Namespace) -> int:
    """运行构建 / Run the build; 0 on success, 1 on drift or a failed check."""
    from grader.release.build import BuildError, build

    start = time.perf_counter()
    try:
        report = build(check=args.check)
    except BuildError as exc:
        print(f"{Text('构建失败', 'build failed').joined()}:\n{exc}", file=sys.stderr)
        return 1
    took = time.perf_counter() - start
    names = ", ".join(report.assignments)
    if report.drift:
        print(f"{Text('与新构建不一致', 'drift from a fresh build').joined()}:", file=sys.stderr)
        for line in report.drift:
            print(f"  {line}", file=sys.stderr)
        print(f"{Text('请运行', 'run').joined()}: python -m grader build", file=sys.stderr)
        return 1
    if args.check:
        print(f"{UP_TO_DATE.joined()} ({names}; {took:.1f} s)")
    else:
        for path in report.written:
            print(f"{Text('写入', 'wrote').joined()} {path}")
        print(
            Text("构建完成：{n}，{t:.1f} s", "built {n} in {t:.1f} s")
            .format(n=names, t=took)
            .joined()
        )
    return 0
