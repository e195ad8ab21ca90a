"""冲量 vs 普通梯度下降（二维函数）/ Momentum vs plain gradient descent on 2-D functions.

普通梯度下降 / Plain GD: θ := θ − α ∇J(θ).   冲量法 / Momentum: v := β v − α ∇J(θ); θ := θ + v.
在鞍点附近 ∇J ≈ 0，梯度下降停滞很久；冲量累积速度，更快离开。
Near a saddle point ∇J ≈ 0 and GD lingers; momentum builds up speed and leaves sooner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from optim import gradient_descent_update, momentum_update

# ---- given code (给定代码): Objective ----
Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


# ---- end given ----
# ---- given code (给定代码): ravine ----
def ravine(p: np.ndarray, kappa: float = 50.0) -> tuple[float, np.ndarray]:
    """狭长山谷 / A ravine f(x, y) = ½(x² + κ y²); minimum 0 at (0, 0). p (2,) -> (f, ∇f)."""
    x, y = p
    return 0.5 * (x * x + kappa * y * y), np.array([x, kappa * y])


# ---- end given ----
# ---- given code (给定代码): saddle ----
def saddle(p: np.ndarray) -> tuple[float, np.ndarray]:
    """鞍点 / f(x, y) = x⁴/4 − x²/2 + y²/2: saddle at (0, 0), minima −¼ at (±1, 0).

    p (2,) -> (f, ∇f) with ∇f = (x³ − x, y).
    """
    x, y = p
    return x**4 / 4 - x * x / 2 + y * y / 2, np.array([x**3 - x, y])


# ---- end given ----


def descend(
    objective: Objective,
    start: Sequence[float],
    *,
    optimizer: str = "gd",
    lr: float = 0.01,
    beta: float = 0.9,
    steps: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    """在二维函数上迭代 / Run plain GD or momentum for ``steps`` steps on a 2-D function.

    ``objective(θ) -> (f(θ), ∇f(θ))`` with θ of shape (2,), e.g. :func:`saddle`.
    θ_0 = ``start`` (float64), v_0 = 0. 每一步 / each step: evaluate ``f, g = objective(θ)``,
    record f, then update θ with ``gradient_descent_update([θ], [g], lr)`` when
    ``optimizer == "gd"`` or ``momentum_update([θ], [g], [v], lr, beta)`` when
    ``optimizer == "momentum"`` (the functions from ``optim``).

    返回 / Returns ``(path, values)``: path (steps + 1, 2) = θ_0 … θ_steps and values
    (steps + 1,) = f(θ_0) … f(θ_steps) (the last one evaluated after the final step).
    """
    ### BEGIN SOLUTION
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
    ### END SOLUTION
