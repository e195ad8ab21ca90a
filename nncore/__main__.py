"""命令行 / Command line: ``python -m nncore example NAME [--json]``, ``python -m nncore errata``."""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
from typing import Any

from nncore.examples import EXAMPLES


def build_parser() -> argparse.ArgumentParser:
    """命令行解析器 / The argument parser; each example adds its own options."""
    parser = argparse.ArgumentParser(
        prog="python -m nncore",
        description="nncore：复现讲义例题 / reproduce the lecture's worked examples",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    example = commands.add_parser("example", help="运行例题 / run a worked example")
    names = example.add_subparsers(dest="name", required=True, metavar="NAME")
    for name, module_path in EXAMPLES.items():
        module = importlib.import_module(module_path)
        sub = names.add_parser(name, help=(module.__doc__ or "").splitlines()[0])
        sub.add_argument("--json", action="store_true", help="输出 JSON / machine-readable output")
        module.add_arguments(sub)
        sub.set_defaults(module=module)
    commands.add_parser("errata", help="打印讲义勘误页 / print the errata page (Markdown)")
    return parser


def json_safe(value: Any, path: str = "$") -> tuple[Any, list[str]]:
    """JSON 不允许 NaN/inf：换成 null 并记下位置 / Replace non-finite floats by None.

    Returns (the cleaned value, the JSON paths of what was replaced); dicts, lists and tuples
    are walked, numpy scalars count as floats.
    """
    if isinstance(value, dict):
        out, bad = {}, []
        for k, v in value.items():
            out[k], b = json_safe(v, f"{path}.{k}")
            bad += b
        return out, bad
    if isinstance(value, list | tuple):
        items = [json_safe(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return [v for v, _ in items], [p for _, b in items for p in b]
    if isinstance(value, float) and not math.isfinite(value):
        return None, [path]
    return value, []


def main(argv: list[str] | None = None) -> int:
    """入口 / Entry point; returns the exit code (2 with a clear message on bad input)."""
    args = build_parser().parse_args(argv)
    if args.command == "errata":
        from nncore.examples.errata import errata_markdown

        sys.stdout.write(errata_markdown())
        return 0
    try:
        report = args.module.run(args)
    except (ValueError, OSError, FloatingPointError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        report, replaced = json_safe({k: v for k, v in report.items() if not callable(v)})
        if replaced:
            where = ", ".join(replaced[:5]) + (" …" if len(replaced) > 5 else "")
            print(
                f"警告 / warning: {len(replaced)} 个非有限数（NaN/inf）在 JSON 中写为 null / "
                f"non-finite numbers (NaN/inf) written as null in the JSON: {where}",
                file=sys.stderr,
            )
        print(json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(args.module.render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
