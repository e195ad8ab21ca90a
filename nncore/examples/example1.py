"""例题1：2-2-2 网络的一次更新 / 例题1: one update of the 2-2-2 sigmoid network.

W = (0.2, 0.3, 0.4, 0.5 | 0.3, 0.3 | 0.7, 0.5, 0.8, 0.3 | 0.5, 0.5), x = (0.4, 0.6),
y = (0.6, 0.6), J = ½ Σ_j (y_j − f_j)², α = 0.1.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from nncore.examples.one_step import one_step_report, render_rows
from nncore.examples.slide_values import (
    EXAMPLE1_ALPHA,
    EXAMPLE1_SIZES,
    EXAMPLE1_SLIDE,
    EXAMPLE1_THETA,
    EXAMPLE1_X,
    EXAMPLE1_Y,
)
from nncore.mlp import MLP

TITLE = "例题1：2-2-2 Sigmoid 网络的一次权重更新 / 例题1: one weight update of the 2-2-2 sigmoid network"


def example1_model() -> MLP:
    """例题1 的网络，参数按讲义输入 / 例题1's network with the slide's parameters."""
    return MLP.from_flat(EXAMPLE1_SIZES, EXAMPLE1_THETA, activation="sigmoid")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """例题1 没有额外选项 / 例题1 takes no options beyond --json."""


def run(args: argparse.Namespace | None = None) -> dict[str, Any]:
    """计算例题1 并与讲义比较 / Compute 例题1 and compare with the slide."""
    report = one_step_report(
        example1_model(),
        np.array([EXAMPLE1_X]),
        np.array([EXAMPLE1_Y]),
        loss="mse",
        lr=EXAMPLE1_ALPHA,
        slide=EXAMPLE1_SLIDE,
    )
    return {"example": "1", "title": TITLE, **report}


def render(report: dict[str, Any]) -> str:
    """文本输出 / Text output, with a summary of where the slide is wrong."""
    bad = [r for r in report["rows"] if r["status"] in ("slip", "wrong")]
    summary = (
        f"\n{len(bad)} 处与讲义不符（⚠ 末位、✗ 错误），见 docs/errata.md / "
        f"{len(bad)} rows differ from the slide (⚠ last digit, ✗ wrong); see docs/errata.md"
    )
    return TITLE + "\n" + render_rows(report) + ("\n" + summary if bad else "")
