"""加深 vs 加宽（参数量相同）/ Depth vs width at an equal parameter count.

讲义 §1：“增加一层比加宽一层更有效”。1-32-1 与 1-8-8-1 都有 97 个参数。
Lecture §1: adding a layer is more effective than widening one. 1-32-1 and 1-8-8-1 both have
97 parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np


def param_count(sizes: Sequence[int]) -> int:
    """参数个数 / Number of weights and biases of a fully connected network.

    Σ_l (N_l + 1)·N_{l+1}：W^(l) 有 N_l·N_{l+1} 个权重，b^(l+1) 有 N_{l+1} 个偏置。
    W^(l) has N_l·N_{l+1} weights and b^(l+1) has N_{l+1} biases.
    例 / e.g. ``param_count([2, 2, 2]) == 12`` (例题1), ``param_count([1, 32, 1]) == 97``.
    返回 / Returns a Python int.
    """
    ### BEGIN SOLUTION
    return sum((n_in + 1) * n_out for n_in, n_out in pairwise(sizes))
    ### END SOLUTION


# ---- given code (给定代码): equal_param_architectures ----
def equal_param_architectures() -> dict[str, list[int]]:
    """参数量相同的宽/深网络 / Wide and deep networks with exactly equal parameter counts."""
    archs = {"wide 1-32-1": [1, 32, 1], "deep 1-8-8-1": [1, 8, 8, 1]}
    assert len({param_count(s) for s in archs.values()}) == 1
    return archs


# ---- end given ----
# ---- given code (给定代码): target_function ----
def target_function(x: np.ndarray) -> np.ndarray:
    """待拟合函数 / The function fitted: y = sin(2π·3x)·(1 − x) + x, x ∈ [0, 1]; (m, 1) -> (m, 1)."""
    return np.sin(6 * np.pi * x) * (1 - x) + x


# ---- end given ----
