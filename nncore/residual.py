"""残差块（ResNet 的残差连接）/ The residual block (ResNet's skip connection).

讲义 §5 names residual connections as a cure for vanishing gradients. A block maps
a^(l) (m, N) to a^(l+2) (m, N) through two dense layers and adds its input back
(the identity-mapping form of ResNet: nothing but the sum sits on the skip path):

    z^(l+1) = a^(l) W^(l) + b^(l+1),       a^(l+1) = f(z^(l+1))
    z^(l+2) = a^(l+1) W^(l+1) + b^(l+2),   a^(l+2) = a^(l) + z^(l+2)

Backward, with δ^(l+2) = ∂J/∂a^(l+2) = ∂J/∂z^(l+2): the error reaches a^(l) twice,
straight through the skip and back through the weights,

    δ^(l+1) = (δ^(l+2) W^(l+1)ᵀ) ⊙ f'(z^(l+1)),   ∂J/∂a^(l) = δ^(l+2) + δ^(l+1) W^(l)ᵀ,

so even when the f' factors are tiny (sigmoid: ≤ 0.25) the identity path carries δ^(l+2)
back undamped — the cure for vanishing gradients the lecture names.
CS231n style: ``residual_forward(...) -> (out, cache)``, ``residual_backward(dout, cache)``.
"""

from __future__ import annotations

import numpy as np

from nncore.activations import Activation
from nncore.layers import (
    ActivationCache,
    DenseCache,
    activation_backward,
    activation_forward,
    dense_backward,
    dense_forward,
)

ResidualCache = tuple[DenseCache, ActivationCache, DenseCache]

__all__ = ["ResidualCache", "residual_backward", "residual_forward"]


def residual_forward(
    a: np.ndarray,
    W1: np.ndarray,
    b1: np.ndarray,
    W2: np.ndarray,
    b2: np.ndarray,
    activation: str | Activation = "relu",
) -> tuple[np.ndarray, ResidualCache]:
    """残差块前向 / Residual block forward: a^(l+2) = a + f(a W1 + b1) W2 + b2.

    Shapes: a (m, N); W1 (N, H); b1 (H,); W2 (H, N); b2 (N,) -> out (m, N).
    Returns ``(out, cache)`` for :func:`residual_backward`.
    """
    z1, dense1 = dense_forward(a, W1, b1)
    h, act1 = activation_forward(z1, activation)
    z2, dense2 = dense_forward(h, W2, b2)
    return a + z2, (dense1, act1, dense2)


def residual_backward(
    dout: np.ndarray, cache: ResidualCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """残差块反向 / Residual block backward.

    ``dout`` = δ^(l+2) = ∂J/∂a^(l+2) (m, N). Returns ``(da, dW1, db1, dW2, db2)`` with the
    shapes of a (m, N), W1 (N, H), b1 (H,), W2 (H, N), b2 (N,); ``da`` = δ^(l+2) (skip path)
    plus the error that came back through both dense layers.
    """
    dense1, act1, dense2 = cache
    dh, dW2, db2 = dense_backward(dout, dense2)
    delta1 = activation_backward(dh, act1)
    da_dense, dW1, db1 = dense_backward(delta1, dense1)
    return dout + da_dense, dW1, db1, dW2, db2
