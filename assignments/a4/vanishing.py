"""梯度消失，实测 / Vanishing gradients, measured: ‖∂J/∂W^(l)‖ layer by layer.

反向传播 / Backpropagation: δ^(l) = f'(z^(l)) ⊙ (δ^(l+1) W^(l)ᵀ)。每经过一层，误差都要乘上
f'(z) 和权重。σ'(t) ≤ 0.25，所以 sigmoid 网络中靠近输入的层梯度随深度近似按几何级数变小；
ReLU 在激活区导数为 1。
Every layer multiplies the error by f'(z) and by the weights; σ'(t) ≤ 0.25, so with sigmoid
units the early layers' gradients shrink roughly geometrically with depth; ReLU passes 1.
"""

from __future__ import annotations

import numpy as np
from mlp import MLP


# ---- given code (给定代码): _default_init ----
def _default_init(activation: str) -> str:
    """He 初始化配 ReLU 类，否则 Xavier / He for ReLU-like units, Xavier otherwise."""
    return "he" if "relu" in activation else "xavier"


# ---- end given ----
# ---- given code (给定代码): _probe ----
def _probe(width: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.random.Generator]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, width)), rng.normal(size=(m, 1)), rng


# ---- end given ----


def layer_gradient_norms(
    depth: int,
    activation: str,
    *,
    width: int = 32,
    m: int = 256,
    init: str | None = None,
    seed: int = 0,
) -> list[float]:
    """各层权重梯度的 Frobenius 范数 / ‖∂J/∂W^(l)‖_F for l = 1 … depth, at initialisation.

    网络 / Network: ``MLP([width] * depth + [1], activation, "identity", init=..., seed=seed)``
    — ``depth`` 个权重层，隐层宽 ``width``，一个线性输出单元；``init`` 为 None 时用
    ``_default_init(activation)``（ReLU 类用 He，否则 Xavier）。
    ``depth`` weight layers, hidden width ``width``, one linear output; ``init`` defaults to
    ``_default_init(activation)`` (He for ReLU-like units, else Xavier).

    数据 / Data: ``X, y, _ = _probe(width, m, seed)`` (X ~ N(0,1) (m, width), y (m, 1));
    J = ½ mean ‖a^(L) − y‖² (``net.loss(X, y, "mse")``, gradients in the order W^(1), b^(2),
    W^(2), …).

    返回 / Returns a list of ``depth`` floats ‖∂J/∂W^(1)‖_F, …, ‖∂J/∂W^(L−1)‖_F (input side
    first); ‖A‖_F = sqrt(Σ_ji a_ji²) (``np.linalg.norm``).
    """
    raise NotImplementedError('请实现 layer_gradient_norms（约 5 行）/ implement layer_gradient_norms (about 5 lines)')
