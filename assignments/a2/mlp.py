"""多层感知机：前向复合与误差反传 / The multilayer perceptron: forward and backpropagation.

记号 / Notation: a^(1) = x;  z^(l+1) = a^(l) W^(l) + b^(l+1);  a^(l+1) = f^(l+1)(z^(l+1)).
误差后向传播 / Backpropagation:
δ^(L) = ∂J/∂a^(L) ⊙ f'(z^(L));   δ^(l) = f'(z^(l)) ⊙ Σ_j w_ij^(l) δ_j^(l+1);
∂J/∂w_ji^(l) = a_j^(l) δ_i^(l+1);   ∂J/∂b_i^(l+1) = δ_i^(l+1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from activations import Activation
from layers import (
    ActivationCache,
    DenseCache,
    activation_backward,
    activation_forward,
    dense_backward,
    dense_forward,
)

# ---- given code (给定代码): LayerCache ----
LayerCache = tuple[DenseCache, ActivationCache]


# ---- end given ----


def mlp_forward(
    X: np.ndarray,
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[str | Activation],
) -> tuple[np.ndarray, list[LayerCache]]:
    """前向传播（函数复合）/ Forward pass as a composition of layers.

    a^(1) = X;  对每层 / for each layer l: z^(l+1) = dense_forward(a^(l), W^(l), b^(l+1)),
    a^(l+1) = activation_forward(z^(l+1), f^(l+1)).
    形状 / Shapes: X (m, N_1); weights[l] (N_l, N_{l+1}); biases[l] (N_{l+1},);
    activations[l] 如 / e.g. "sigmoid" -> (a^(L) (m, N_L), caches).
    每层一个缓存 / One cache per layer: ``(dense_cache, activation_cache)``, as returned by
    ``dense_forward`` and ``activation_forward``.
    """
    raise NotImplementedError('请实现 mlp_forward（约 7 行）/ implement mlp_forward (about 7 lines)')


def backprop(
    delta: np.ndarray, caches: Sequence[LayerCache]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """误差逐层反传（δ 递推）/ The δ recursion, from δ^(L) = ∂J/∂z^(L) (m, N_L).

    从最后一层往前 / From the last layer back: ``dense_backward`` gives dW^(l), db^(l+1) and
    ∂J/∂a^(l); then δ^(l) = ∂J/∂a^(l) ⊙ f'(z^(l)) via ``activation_backward`` with the cache of
    layer l−1 (not needed for the input layer).
    所有 δ 都用更新前的权重 / Every δ uses the weights *before* any update (they are in the
    caches). 返回 / Returns (dW per layer, db per layer), shapes as the weights and biases.
    """
    raise NotImplementedError('请实现 backprop（约 8 行）/ implement backprop (about 8 lines)')


def mlp_backward(
    dout: np.ndarray, caches: Sequence[LayerCache]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """反向传播 / Backward pass from dout = ∂J/∂a^(L) (m, N_L).

    δ^(L) = ∂J/∂a^(L) ⊙ f'(z^(L))（用输出层的激活缓存 / with the output layer's activation
    cache), then ``backprop``. 返回 / Returns (dW per layer, db per layer).
    """
    raise NotImplementedError('请实现 mlp_backward（约 1 行）/ implement mlp_backward (about 1 lines)')


# ---- given code (给定代码): flatten ----
def flatten(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """按讲义顺序展平 / Concatenate arrays row-major into one vector (the slide's order)."""
    return np.concatenate([np.ravel(a) for a in arrays])


# ---- end given ----
