"""讲义 §5 的问题，实测 / The lecture's deep-network problems, measured (梯度消失、冲量、深度、预训练).

``--only vanishing|momentum|depth|pretraining`` runs one part; by default all four run.
"""

from __future__ import annotations

import argparse
from typing import Any

from nncore.problems import (
    depth_vs_width,
    momentum_vs_gd_2d,
    momentum_vs_gd_network,
    pretraining_vs_random,
    vanishing_table,
)

TITLE = "讲义 §5 问题分析，实测 / §5 problems of deep networks, measured"
PARTS = ("vanishing", "momentum", "depth", "pretraining")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """选项 / Options."""
    parser.add_argument("--only", choices=PARTS, help="只运行一部分 / run one part only")
    parser.add_argument(
        "--plot", metavar="PATH", help="保存梯度范数图 / save the gradient-norm plot"
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    """运行所选部分 / Run the chosen parts."""
    parts = [args.only] if args.only else list(PARTS)
    report: dict[str, Any] = {"example": "problems", "title": TITLE}
    if "vanishing" in parts:
        report["vanishing"] = vanishing_table()
        if args.plot:
            from nncore.plotting import plot_gradient_norms

            per_layer = dict(report["vanishing"]["per_layer"])
            per_layer["sigmoid + residual (per block)"] = report["vanishing"]["residual_per_block"]["sigmoid"]  # fmt: skip
            saved = plot_gradient_norms(per_layer, args.plot)
            report["plot"] = str(saved) if saved else None
    if "momentum" in parts:
        two_d = momentum_vs_gd_2d()
        for case in two_d.values():
            case.pop("paths")
        report["momentum"] = {"2d": two_d, "xor": momentum_vs_gd_network()}
    if "depth" in parts:
        depth = depth_vs_width()
        for key in ("x_test", "y_test"):
            depth.pop(key)
        for model in depth["models"].values():
            model.pop("best_fit")
        report["depth"] = depth
    if "pretraining" in parts:
        report["pretraining"] = pretraining_vs_random()
    return report


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    return str(v) if isinstance(v, int) else f"{v:.2g}"


def render(report: dict[str, Any]) -> str:
    """文本输出 / Text output: one table per part."""
    lines = [TITLE]
    if "vanishing" in report:
        v = report["vanishing"]
        lines += [
            "",
            "梯度消失：‖∂J/∂W^(1)‖ / ‖∂J/∂W^(L−1)‖（首层/末层，随层数）/ vanishing gradients: "
            "first-layer over last-layer gradient norm vs number of weight layers",
            f"{'activation':<14}" + "".join(f"{d:>9}" for d in v["depths"]),
        ]
        for act, row in v["ratio"].items():
            lines.append(f"{act:<14}" + "".join(f"{_fmt(r):>9}" for r in row))
        lines.append(
            "残差网络各块 ‖∂J/∂W1‖（输入侧在前）/ residual blocks' ‖∂J/∂W1‖, input side first:"
        )
        for act, row in v["residual_per_block"].items():
            lines.append(f"  {act:<12}" + " ".join(_fmt(r) for r in row))
    if "momentum" in report:
        lines += ["", "冲量 vs 梯度下降（到达目标的步数）/ momentum vs GD (steps to the target):"]
        for name, case in report["momentum"]["2d"].items():
            lines.append(
                f"  {name:<8} GD {_fmt(case['gd']['steps_to_target'])}, "
                f"momentum {_fmt(case['momentum']['steps_to_target'])} (α = {case['lr']})"
            )
        xor = report["momentum"]["xor"]
        for opt in ("gd", "momentum"):
            runs = xor[opt]
            reached = sum(r["epochs_to_target"] is not None for r in runs)
            lines.append(
                f"  XOR 2-2-1 {opt:<9}: {reached}/{len(runs)} 次达到 J < {xor['target']} / reached; "
                "轮数 / epochs " + ", ".join(str(r["epochs_to_target"] or "—") for r in runs)
            )
    if "depth" in report:
        lines += ["", "加深 vs 加宽（参数量相同）/ depth vs width at equal parameter count:"]
        for name, m in report["depth"]["models"].items():
            lines.append(
                f"  {name:<14} {m['params']} 参数 / params: 测试 MSE / test MSE best "
                f"{m['best']:.4f}, median {m['median']:.4f}"
            )
    if "pretraining" in report:
        p = report["pretraining"]
        lines += [
            "",
            f"预训练 vs 随机初始化（{p['n_labelled']} 个有标签、{p['n_unlabelled']} 个无标签样本）/ "
            f"pre-training vs random init ({p['n_labelled']} labelled, {p['n_unlabelled']} unlabelled):",
            f"  {'-'.join(map(str, p['sizes']))}: 随机 / random {100 * p['random_mean']:.1f} %, "
            f"预训练 / pre-trained {100 * p['pretrained_mean']:.1f} % (test, mean of {len(p['random'])} seeds)",
        ]
    if report.get("plot"):
        lines.append(f"图已保存 / plot saved: {report['plot']}")
    return "\n".join(lines)
