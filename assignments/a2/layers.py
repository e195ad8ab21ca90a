"""全连接层与激活层的前向/反向 / Forward and backward of the dense and activation layers.

风格 / Style: ``forward(...) -> (out, cache)`` and ``backward(dout, cache) -> grads``.

权重布局（讲义的 w_ji）/ Weight layout (the lecture's ``w_ji``): ``W`` has shape
(N_l, N_{l+1}) and ``W[j, i] = w_ji^(l)`` is the weight **from unit j of layer l to unit i of
layer l+1**. 每行一个样本 / One sample per row: ``a`` has shape (m, N_l), and the lecture's
z_i^(l+1) = Σ_j w_ji^(l) a_j^(l) + b_i^(l+1) for all m samples at once is ``z = a @ W + b``.
按行展开 W 即讲义的顺序 / Read row-major, W is the slide's order (w11, w12, w21, w22, …).
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


def dense_forward(a: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, DenseCache]:
    """全连接层前向 / Dense (fully connected) layer forward.

    z_i^(l+1) = Σ_j w_ji^(l) a_j^(l) + b_i^(l+1)，矩阵形式 / in matrix form z = a W + b.
    形状 / Shapes: a (m, N_l), W (N_l, N_{l+1}), b (N_{l+1},) -> z (m, N_{l+1}).
    返回 / Returns ``(z, cache)`` with ``cache = (a, W)``: what the backward pass needs.
    """
    raise NotImplementedError('请实现 dense_forward（约 2 行）/ implement dense_forward (about 2 lines)')


def dense_backward(dz: np.ndarray, cache: DenseCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """全连接层反向 / Dense layer backward.

    输入 / Input: δ^(l+1) = ∂J/∂z^(l+1) = ``dz`` (m, N_{l+1}), cache = (a, W) from the forward.
    ∂J/∂w_ji^(l) = Σ_n a_j^(l) δ_i^(l+1)   ->  dW = aᵀ dz   (N_l, N_{l+1});
    ∂J/∂b_i^(l+1) = Σ_n δ_i^(l+1)          ->  db = Σ_n dz  (N_{l+1},);
    ∂J/∂a_j^(l) = Σ_i w_ji^(l) δ_i^(l+1)   ->  da = dz Wᵀ   (m, N_l).
    损失已带 1/m，所以这里只求和 / The loss already carries the 1/m, so only sum over n here.
    返回 / Returns ``(da, dW, db)``.
    """
    raise NotImplementedError('请实现 dense_backward（约 5 行）/ implement dense_backward (about 5 lines)')


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
