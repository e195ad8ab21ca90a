"""绘图（可选，matplotlib 延迟导入）/ Optional plots; matplotlib is imported only when drawing.

Every function takes plain data (lists/arrays, as in the examples' JSON reports) and a path,
saves one PNG and returns the path, or returns None with a bilingual notice on stderr when
matplotlib is not installed. Nothing is shown on screen (the Agg backend is used).
Labels inside figures are English only: matplotlib's default font has no CJK glyphs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "plot_available",
    "plot_curve_fits",
    "plot_digits_report",
    "plot_gradient_norms",
    "save_figure",
]


def plot_available() -> bool:
    """matplotlib 是否可用 / Whether matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def save_figure(draw: Callable[[Any], None], path: str | Path, ncols: int = 1) -> Path | None:
    """建图、绘制并保存 / Create a figure with ``ncols`` axes, call ``draw(axes)``, save to path."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "未安装 matplotlib，跳过绘图 / matplotlib is not installed; no plot saved",
            file=sys.stderr,
        )
        return None
    fig, axes = plt.subplots(1, ncols, figsize=(5.5 * ncols, 4.2), squeeze=False)
    draw(axes[0] if ncols > 1 else axes[0][0])
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_curve_fits(
    x: Sequence[float],
    y: Sequence[float],
    grid: Sequence[float],
    fits: dict[str, Sequence[float]],
    path: str | Path,
) -> Path | None:
    """例题2：数据与各初始化的拟合曲线 / 例题2: the data and one fitted curve per initialisation."""

    def draw(ax: Any) -> None:
        ax.scatter(x, y, s=8, c="gray", label="data")
        for name, f in fits.items():
            ax.plot(grid, f, lw=1.5, label=name)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title("y = x + 0.3 sin(2πx) + ε")
        ax.legend(fontsize=7)

    return save_figure(draw, path)


def plot_gradient_norms(per_layer: dict[str, Sequence[float]], path: str | Path) -> Path | None:
    """梯度消失：各层梯度范数（对数坐标）/ Per-layer ‖∂J/∂W^(l)‖ on a log scale."""

    def draw(ax: Any) -> None:
        for name, norms in per_layer.items():
            ax.semilogy(range(1, len(norms) + 1), norms, marker="o", label=name)
        ax.set_xlabel("layer l (1 = input side)")
        ax.set_ylabel("‖∂J/∂W^(l)‖")
        ax.set_title("vanishing gradients")
        ax.legend(fontsize=8)

    return save_figure(draw, path)


def plot_digits_report(
    history: dict[str, list[float]], confusion: Sequence[Sequence[int]] | None, path: str | Path
) -> Path | None:
    """例题3/4：损失曲线与混淆矩阵 / 例题3/4: loss curves and (optionally) the confusion matrix."""

    def draw(axes: Any) -> None:
        ax = axes[0]
        ax.plot(history["loss"], label="train loss")
        if history.get("val_loss"):
            ax.plot(history["val_loss"], label="val loss")
        ax.set_xlabel("epoch")
        ax.set_ylabel("J")
        ax.legend()
        if confusion is not None:
            axes[1].imshow(confusion, cmap="Blues")
            axes[1].set_xlabel("predicted")
            axes[1].set_ylabel("true")
            axes[1].set_title("confusion matrix")

    if confusion is None:
        return save_figure(lambda ax: draw([ax]), path)
    return save_figure(draw, path, ncols=2)
