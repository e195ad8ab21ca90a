"""数值梯度检验 / Numerical gradient checking with central differences."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """中心差分 / Central differences: ∂f/∂x_k ≈ (f(x + ε e_k) − f(x − ε e_k)) / (2ε).

    ``f`` takes no arguments and reads ``x``, which is perturbed in place and restored.
    Shape: as x. Use float64: in float32 the rounding error swamps ε.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    for k in range(flat_x.size):
        old = flat_x[k]
        flat_x[k] = old + eps
        f_plus = f()
        flat_x[k] = old - eps
        f_minus = f()
        flat_x[k] = old
        flat_g[k] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """相对误差 / Relative error ‖a − n‖ / (‖a‖ + ‖n‖) (0 when both are 0)."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / denom) if denom > 0 else 0.0


def gradcheck_model(
    model: object,
    X: np.ndarray,
    y: np.ndarray,
    loss: str = "mse",
    lam: float = 0.0,
    eps: float = 1e-6,
) -> float:
    """检验模型全部梯度 / Max relative error of ``model.loss``'s gradients vs central differences.

    ``model`` needs ``params`` (list of arrays, modified in place and restored) and
    ``loss(X, y, loss, lam) -> (J, grads)``, like :class:`nncore.mlp.MLP`.
    """
    _, grads = model.loss(X, y, loss, lam)  # type: ignore[attr-defined]
    worst = 0.0
    for p, g in zip(model.params, grads, strict=True):  # type: ignore[attr-defined]
        numeric = numerical_gradient(lambda: model.loss(X, y, loss, lam)[0], p, eps)  # type: ignore[attr-defined]
        worst = max(worst, relative_error(g, numeric))
    return worst
