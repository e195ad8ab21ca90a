"""残差块（ResNet 的残差连接）/ The residual block (ResNet's skip connection).

一个残差块把 a^(l) (m, N) 经过两个全连接层映射到 a^(l+2)，再把输入加回来：
A block maps a^(l) (m, N) through two dense layers and adds its input back:

    z^(l+1) = a^(l) W1 + b1,      a^(l+1) = f(z^(l+1))
    z^(l+2) = a^(l+1) W2 + b2,    a^(l+2) = a^(l) + z^(l+2)

反向时误差经两条路回到 a^(l)：恒等捷径（不衰减）和权重路径，
Backward, the error reaches a^(l) twice — straight through the skip and back through the
weights:  δ^(l+1) = (δ^(l+2) W2ᵀ) ⊙ f'(z^(l+1)),   ∂J/∂a^(l) = δ^(l+2) + δ^(l+1) W1ᵀ.
"""

from __future__ import annotations

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

# ---- given code (给定代码): ResidualCache ----
ResidualCache = tuple[DenseCache, ActivationCache, DenseCache]


# ---- end given ----


def residual_forward(
    a: np.ndarray,
    W1: np.ndarray,
    b1: np.ndarray,
    W2: np.ndarray,
    b2: np.ndarray,
    activation: str | Activation = "relu",
) -> tuple[np.ndarray, ResidualCache]:
    """残差块前向 / Residual block forward: a^(l+2) = a + f(a W1 + b1) W2 + b2.

    用给定的 ``dense_forward`` 与 ``activation_forward`` / use the given layer functions.
    形状 / Shapes: a (m, N); W1 (N, H); b1 (H,); W2 (H, N); b2 (N,) -> out (m, N).
    返回 / Returns ``(out, cache)`` with ``cache = (dense cache 1, activation cache,
    dense cache 2)`` for :func:`residual_backward`.
    """
    ### BEGIN SOLUTION
    z1, dense1 = dense_forward(a, W1, b1)
    h, act1 = activation_forward(z1, activation)
    z2, dense2 = dense_forward(h, W2, b2)
    return a + z2, (dense1, act1, dense2)
    ### END SOLUTION


def residual_backward(
    dout: np.ndarray, cache: ResidualCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """残差块反向 / Residual block backward from ``dout`` = δ^(l+2) = ∂J/∂a^(l+2) (m, N).

    δ^(l+1) = (δ^(l+2) W2ᵀ) ⊙ f'(z^(l+1));  ∂J/∂W2 = a^(l+1)ᵀ δ^(l+2), ∂J/∂b2 = Σ_n δ^(l+2);
    ∂J/∂W1 = a^(l)ᵀ δ^(l+1), ∂J/∂b1 = Σ_n δ^(l+1);  ∂J/∂a^(l) = δ^(l+2) + δ^(l+1) W1ᵀ.

    返回 / Returns ``(da, dW1, db1, dW2, db2)`` shaped as a (m, N), W1 (N, H), b1 (H,),
    W2 (H, N), b2 (N,).
    """
    ### BEGIN SOLUTION
    dense1, act1, dense2 = cache
    dh, dW2, db2 = dense_backward(dout, dense2)
    delta1 = activation_backward(dh, act1)
    da_dense, dW1, db1 = dense_backward(delta1, dense1)
    return dout + da_dense, dW1, db1, dW2, db2
    ### END SOLUTION
