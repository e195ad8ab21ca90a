"""例题2：曲线拟合，不同初始值得到不同结果 / 例题2: curve fitting from several initialisations.

y = x + 0.3 sin(2πx) + ε, x ∈ [0, 1], ε ~ U[−0.1, 0.1] (noise variance 0.01/3 ≈ 0.00333).
1-N-1 network, sigmoid hidden units, linear output a^(3) = z^(3);
J = (1/2m) Σ (a^(3) − y)² + λ/(2m) Σ w². The same data and training from different initial
weights end in different optima: small weights stall on the plateau near the saddle
(almost a straight line), larger ones find the curve.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from nncore.data import ZScore, curve
from nncore.mlp import MLP
from nncore.training import fit

TITLE = "例题2：曲线拟合（多个初始值）/ 例题2: curve fitting from several initialisations"
NOISE_VARIANCE = 0.01 / 3
#: (initial-weight limit r, seed): W^(1), b^(2) ~ U[−r, r]; W^(2) ~ U[−0.5, 0.5]; b^(3) = 0.
INITS: tuple[tuple[float, int], ...] = ((0.5, 0), (0.5, 1), (0.5, 2), (3.0, 0), (3.0, 1), (3.0, 2))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """例题2 的选项 / 例题2's options."""
    add = parser.add_argument
    add("--hidden", type=int, default=5, help="隐层单元数 N / hidden units N")
    add("--m", type=int, default=200, help="样本数 / number of samples")
    add("--epochs", type=int, default=3000, help="全批量训练轮数 / full-batch epochs")
    add("--lr", type=float, default=0.3, help="学习率 α / learning rate α")
    add("--lam", type=float, default=1e-4, help="权值衰减 λ / weight decay λ")
    add("--seed", type=int, default=0, help="数据的随机种子 / seed of the data")
    add("--plot", metavar="PATH", help="保存拟合曲线图 / save the fitted curves (matplotlib)")


def init_network(hidden: int, limit: float, seed: int) -> MLP:
    """按给定范围初始化 1-N-1 网络 / A 1-N-1 net with W^(1), b^(2) ~ U[−r, r], W^(2) ~ U[−½, ½]."""
    net = MLP([1, hidden, 1], "sigmoid", "identity", seed=seed)
    rng = np.random.default_rng(seed)
    net.weights[0][...] = rng.uniform(-limit, limit, (1, hidden))
    net.biases[0][...] = rng.uniform(-limit, limit, hidden)
    net.weights[1][...] = rng.uniform(-0.5, 0.5, (hidden, 1))
    return net


def run(args: argparse.Namespace) -> dict[str, Any]:
    """从各初始值训练 / Train from each initialisation; MSE = (1/m) Σ (a − y)² of each."""
    x, y = curve(args.m, seed=args.seed)
    noise = y - (x + 0.3 * np.sin(2 * np.pi * x))
    scaler = ZScore().fit(x)  # x is standardised (fitted on the training x) before the net
    xs = scaler.transform(x)
    grid = np.linspace(0, 1, 101)[:, None]
    truth = grid + 0.3 * np.sin(2 * np.pi * grid)
    runs = []
    for limit, seed in INITS:
        net = init_network(args.hidden, limit, seed)
        h = fit(net, xs, y, loss="mse", optimizer="momentum", lr=args.lr, epochs=args.epochs,
                lam=args.lam, batch_size=args.m, seed=seed, track_accuracy=False)  # fmt: skip
        fitted = net.predict(scaler.transform(grid))
        runs.append(
            {
                "init": f"U[-{limit:g}, {limit:g}] seed {seed}",
                "limit": limit,
                "seed": seed,
                "J": h.loss[-1],
                "mse": float(np.mean((net.predict(xs) - y) ** 2)),
                "mse_to_true_curve": float(np.mean((fitted - truth) ** 2)),
                "fit": fitted[:, 0].tolist(),
            }
        )
    best = min(runs, key=lambda r: r["mse"])
    report = {
        "example": "2",
        "title": TITLE,
        "settings": {
            "hidden": args.hidden,
            "m": args.m,
            "epochs": args.epochs,
            "lr": args.lr,
            "lam": args.lam,
            "data_seed": args.seed,
            "optimizer": "momentum (full batch)",
        },
        "noise_variance": NOISE_VARIANCE,
        "sample_noise_variance": float(np.mean(noise**2)),
        "runs": runs,
        "best": best["init"],
        "best_mse": best["mse"],
        "mse_spread": float(max(r["mse"] for r in runs) - best["mse"]),
        "grid": grid[:, 0].tolist(),
        "x": x[:, 0].tolist(),
        "y": y[:, 0].tolist(),
    }
    if args.plot:
        from nncore.plotting import plot_curve_fits

        fits = {f"{r['init']}: MSE {r['mse']:.4f}": r["fit"] for r in runs}
        saved = plot_curve_fits(report["x"], report["y"], report["grid"], fits, args.plot)
        report["plot"] = str(saved) if saved else None
    return report


def render(report: dict[str, Any]) -> str:
    """文本输出 / Text output: one row per initialisation."""
    s = report["settings"]
    lines = [
        TITLE,
        f"网络 / network 1-{s['hidden']}-1 (sigmoid, 线性输出 / linear output), m = {s['m']}, "
        f"λ = {s['lam']}, α = {s['lr']}, {s['epochs']} 轮 / epochs, {s['optimizer']}",
        f"噪声方差 / noise variance 0.01/3 = {report['noise_variance']:.5f} "
        f"(本数据 / this sample: {report['sample_noise_variance']:.5f})",
        f"{'初始值 / initialisation':<28}{'MSE':>10}{'J':>10}{'MSE 对真曲线 / to true curve':>30}",
    ]
    for r in report["runs"]:
        lines.append(
            f"{r['init']:<28}{r['mse']:>10.5f}{r['J']:>10.5f}{r['mse_to_true_curve']:>30.5f}"
        )
    lines.append(
        f"结果随初始值而不同（MSE 相差 {report['mse_spread']:.4f}）：小初始值停在近似直线的平台/鞍点附近，"
        f"最好的是 {report['best']}，MSE {report['best_mse']:.5f}\n"
        f"Results depend on the initial values (MSE spread {report['mse_spread']:.4f}): small "
        f"initial weights stall near a plateau/saddle (almost a straight line); the best is "
        f"{report['best']} with MSE {report['best_mse']:.5f}"
    )
    if report.get("plot"):
        lines.append(f"图已保存 / plot saved: {report['plot']}")
    return "\n".join(lines)
