"""全连接层与激活层（a2 的内容，给定）/ Dense and activation layers (from a2, given).

权重布局（讲义的 w_ji）/ Weight layout: ``W`` (N_l, N_{l+1}), ``W[j, i] = w_ji^(l)`` from unit j
of layer l to unit i of layer l+1; one sample per row: z^(l+1) = a^(l) W^(l) + b^(l+1).
"""

from __future__ import annotations

import numpy as np
from activations import Activation, get_activation

# ---- given code (给定代码): DenseCache ----
DenseCache = tuple[np.ndarray, np.ndarray]


# ---- end given ----
# ---- given code (给定代码): ActivationCache ----
ActivationCache = tuple[np.ndarray, np.ndarray, Activation]


# ---- end given ----
# ---- given code (给定代码): dense_forward ----
def dense_forward(a: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, DenseCache]:
    """全连接层前向 / Dense forward: z^(l+1) = a^(l) W^(l) + b^(l+1).

    Shapes: a (m, N_l), W (N_l, N_{l+1}), b (N_{l+1},) -> z (m, N_{l+1}); cache = (a, W).
    """
    z = a @ W + b
    return z, (a, W)


# ---- end given ----
# ---- given code (给定代码): dense_backward ----
def dense_backward(dz: np.ndarray, cache: DenseCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """全连接层反向 / Dense backward.

    With δ^(l+1) = ∂J/∂z^(l+1) = ``dz`` (m, N_{l+1}):
    ∂J/∂w_ji^(l) = Σ_n a_j^(l) δ_i^(l+1)  ->  dW = aᵀ dz        (N_l, N_{l+1});
    ∂J/∂b_i^(l+1) = Σ_n δ_i^(l+1)         ->  db = Σ_n dz       (N_{l+1},);
    ∂J/∂a_j^(l) = Σ_i w_ji^(l) δ_i^(l+1)  ->  da = dz Wᵀ        (m, N_l).
    The loss already carries the 1/m of the empirical risk, so the sums over n are averages.
    """
    a, W = cache
    dW = a.T @ dz
    db = dz.sum(axis=0)
    da = dz @ W.T
    return da, dW, db


# ---- end given ----
# ---- given code (给定代码): activation_forward ----
def activation_forward(
    z: np.ndarray, activation: str | Activation
) -> tuple[np.ndarray, ActivationCache]:
    """激活层前向 / Activation forward: a = f(z); shapes (m, N) -> (m, N)."""
    f = get_activation(activation)
    a = f.forward(z)
    return a, (z, a, f)


# ---- end given ----
# ---- given code (给定代码): activation_backward ----
def activation_backward(da: np.ndarray, cache: ActivationCache) -> np.ndarray:
    """激活层反向 / Activation backward: δ = ∂J/∂z = ∂J/∂a ⊙ f'(z); shape (m, N)."""
    z, a, f = cache
    return f.backward(da, z, a)


# ---- end given ----
