"""全连接层与激活层的前向/反向 / Forward and backward of the dense and activation layers.

CS231n 风格 / CS231n style: ``forward(...) -> (out, cache)`` and
``backward(dout, cache) -> grads``.

权重布局 / Weight layout (the lecture's ``w_ji``): ``W`` has shape (N_l, N_{l+1}) and
``W[j, i] = w_ji^(l)`` is the weight **from unit j of layer l to unit i of layer l+1**.
With one sample per row, ``a`` of shape (m, N_l), the lecture's
``z_i^(l+1) = Σ_j w_ji^(l) a_j^(l) + b_i^(l+1)`` for all samples at once is
``z = a @ W + b``. Read row-major, ``W`` is the slide's order (w11, w12, w21, w22, …).
"""

from __future__ import annotations

import numpy as np

from nncore.activations import Activation, get_activation

DenseCache = tuple[np.ndarray, np.ndarray]
ActivationCache = tuple[np.ndarray, np.ndarray, Activation]


def dense_forward(a: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, DenseCache]:
    """全连接层前向 / Dense forward: z^(l+1) = a^(l) W^(l) + b^(l+1).

    Shapes: a (m, N_l), W (N_l, N_{l+1}), b (N_{l+1},) -> z (m, N_{l+1}); cache = (a, W).
    """
    z = a @ W + b
    return z, (a, W)


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


def activation_forward(
    z: np.ndarray, activation: str | Activation
) -> tuple[np.ndarray, ActivationCache]:
    """激活层前向 / Activation forward: a = f(z); shapes (m, N) -> (m, N)."""
    f = get_activation(activation)
    a = f.forward(z)
    return a, (z, a, f)


def activation_backward(da: np.ndarray, cache: ActivationCache) -> np.ndarray:
    """激活层反向 / Activation backward: δ = ∂J/∂z = ∂J/∂a ⊙ f'(z); shape (m, N)."""
    z, a, f = cache
    return f.backward(da, z, a)
