"""数值梯度检验 / Numerical gradient checking with central differences."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """中心差分 / Central differences: ∂f/∂x_k ≈ (f(x + ε e_k) − f(x − ε e_k)) / (2ε).

    ``f`` 无参数，读取 ``x``；逐个元素就地扰动 x 后必须恢复原值 / ``f`` takes no arguments and
    reads ``x``; perturb one entry of x in place at a time and restore it afterwards.
    形状 / Shape: 返回与 x 同形状的 float64 数组 / returns a float64 array shaped like x.
    用 float64：float32 的舍入误差会淹没 ε / use float64 (float32 rounding swamps ε).
    """
    raise NotImplementedError('请实现 numerical_gradient（约 12 行）/ implement numerical_gradient (about 12 lines)')


# ---- given code (给定代码): relative_error ----
def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """相对误差 / Relative error ‖a − n‖ / (‖a‖ + ‖n‖) (0 when both are 0)."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / denom) if denom > 0 else 0.0


# ---- end given ----
