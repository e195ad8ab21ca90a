"""冲量 vs 普通梯度下降 / Momentum vs plain gradient descent, measured.

Plain GD: θ := θ − α ∇J(θ). Momentum: v := β v − α ∇J(θ); θ := θ + v.
On a ravine (a long narrow valley) α is limited by the steep direction, so GD crawls along
the flat one; momentum accumulates speed there. Near a saddle point ∇J ≈ 0, GD lingers;
momentum leaves sooner. The same happens when training a network (XOR).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nncore.mlp import MLP
from nncore.optim import gradient_descent_update, momentum_update

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def ravine(p: np.ndarray, kappa: float = 50.0) -> tuple[float, np.ndarray]:
    """狭长山谷 / A ravine f(x, y) = ½(x² + κ y²); minimum 0 at (0, 0). p (2,) -> (f, ∇f)."""
    x, y = p
    return 0.5 * (x * x + kappa * y * y), np.array([x, kappa * y])


def saddle(p: np.ndarray) -> tuple[float, np.ndarray]:
    """鞍点 / f(x, y) = x⁴/4 − x²/2 + y²/2: saddle at (0, 0), minima −¼ at (±1, 0).

    p (2,) -> (f, ∇f) with ∇f = (x³ − x, y).
    """
    x, y = p
    return x**4 / 4 - x * x / 2 + y * y / 2, np.array([x**3 - x, y])


def descend(
    objective: Objective,
    start: Sequence[float],
    *,
    optimizer: str = "gd",
    lr: float = 0.01,
    beta: float = 0.9,
    steps: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    """在二维函数上迭代 / Run GD or momentum on a 2-D function.

    Returns the trajectory (steps + 1, 2) and the function values (steps + 1,).
    """
    theta = np.asarray(start, dtype=np.float64)
    v = np.zeros_like(theta)
    path, values = [theta], []
    for _ in range(steps):
        f, g = objective(theta)
        values.append(f)
        if optimizer == "momentum":
            (theta,), (v,) = momentum_update([theta], [g], [v], lr, beta)
        else:
            (theta,) = gradient_descent_update([theta], [g], lr)
        path.append(theta)
    values.append(objective(theta)[0])
    return np.array(path), np.array(values)


def _first_below(values: Sequence[float], target: float) -> int | None:
    hits = np.flatnonzero(np.asarray(values) < target)
    return int(hits[0]) if hits.size else None


def momentum_vs_gd_2d(steps: int = 300, beta: float = 0.9) -> dict:
    """两个二维函数上的比较 / Steps to reach the minimum on the ravine and the saddle.

    Ravine κ = 50 from (10, 1) with α = 0.035 (< 2/κ, GD's stability limit), target f < 1e-3;
    saddle from (1e-3, 1) with α = 0.1, target f < −0.249. ``None``: not reached.
    """
    cases = {
        "ravine": (ravine, (10.0, 1.0), 0.035, 1e-3),
        "saddle": (saddle, (1e-3, 1.0), 0.1, -0.249),
    }
    report: dict = {}
    for name, (fn, start, lr, target) in cases.items():
        report[name] = {"start": list(start), "lr": lr, "target": target, "paths": {}}
        for opt in ("gd", "momentum"):
            path, values = descend(fn, start, optimizer=opt, lr=lr, beta=beta, steps=steps)
            report[name][opt] = {
                "steps_to_target": _first_below(values, target),
                "final_f": float(values[-1]),
            }
            report[name]["paths"][opt] = path.tolist()
    return report


def momentum_vs_gd_network(
    seeds: Sequence[int] = range(5),
    *,
    epochs: int = 2000,
    lr: float = 0.5,
    beta: float = 0.9,
    target: float = 0.05,
) -> dict:
    """在网络上比较 / GD vs momentum training a 2-2-1 sigmoid network on XOR (full batch, bce).

    For each seed (the same initial weights for both), epochs until J < ``target`` (None:
    never) and the final J. Returns ``{"gd": [...], "momentum": [...]}`` lists of dicts.
    """
    from nncore.data import xor
    from nncore.training import fit

    X, y = xor()
    report: dict = {"epochs": epochs, "lr": lr, "target": target, "gd": [], "momentum": []}
    for seed in seeds:
        for opt in ("gd", "momentum"):
            net = MLP([2, 2, 1], "sigmoid", init="uniform", seed=seed)
            h = fit(net, X, y, loss="bce", optimizer=opt, lr=lr, beta=beta, epochs=epochs,
                    seed=seed, track_accuracy=False)  # fmt: skip
            report[opt].append(
                {
                    "seed": seed,
                    "epochs_to_target": _first_below(h.loss, target),
                    "final_loss": h.loss[-1],
                }
            )
    return report
