"""梯度消失，实测 / Vanishing gradients, measured: ‖∂J/∂W^(l)‖ layer by layer.

δ^(l) = f'(z^(l)) ⊙ (δ^(l+1) W^(l)ᵀ): every layer multiplies the error by f'(z) and by the
weights. σ'(t) ≤ 0.25, so with sigmoid units the early layers' gradients shrink roughly
geometrically with depth; tanh' ≤ 1 shrinks them less; ReLU / Leaky ReLU pass 1 where active.
A residual connection a^(l+2) = a^(l) + F(a^(l)) adds an undamped path for δ.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nncore.init import get_initialiser
from nncore.losses import half_squared_error
from nncore.mlp import MLP
from nncore.residual import residual_backward, residual_forward

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")


def _default_init(activation: str) -> str:
    """He 初始化配 ReLU 类，否则 Xavier / He for ReLU-like units, Xavier otherwise."""
    return "he" if "relu" in activation else "xavier"


def _probe(width: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.random.Generator]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, width)), rng.normal(size=(m, 1)), rng


def layer_gradient_norms(
    depth: int,
    activation: str,
    *,
    width: int = 32,
    m: int = 256,
    init: str | None = None,
    seed: int = 0,
) -> list[float]:
    """各层权重梯度的范数 / ‖∂J/∂W^(l)‖_F for l = 1 … depth, at initialisation.

    Network: ``depth`` weight layers, width-``width`` hidden layers of ``activation``, one
    linear output unit; J = ½ mean ‖a^(L) − y‖² on X ~ N(0, 1) (m, width), y ~ N(0, 1) (m, 1).
    ``init`` defaults to He for ReLU-like units and Xavier otherwise.
    """
    X, y, _ = _probe(width, m, seed)
    net = MLP([width] * depth + [1], activation, "identity",
              init=init or _default_init(activation), seed=seed)  # fmt: skip
    _, grads = net.loss(X, y, "mse")
    return [float(np.linalg.norm(g)) for g in grads[0::2]]


def residual_gradient_norms(
    n_blocks: int,
    activation: str,
    *,
    width: int = 32,
    m: int = 256,
    init: str | None = None,
    seed: int = 0,
) -> list[float]:
    """残差网络各块第一层的梯度范数 / ‖∂J/∂W1‖_F of each residual block (input side first).

    ``n_blocks`` blocks a^(l+2) = a^(l) + f(a^(l) W1 + b1) W2 + b2 (so 2·n_blocks weight
    layers), then a linear output unit; data and loss as in :func:`layer_gradient_norms`.
    """
    X, y, rng = _probe(width, m, seed)
    make = get_initialiser(init or _default_init(activation))
    blocks = [
        (make(width, width, rng), np.zeros(width), make(width, width, rng), np.zeros(width))
        for _ in range(n_blocks)
    ]
    w_out = make(width, 1, rng)
    a, caches = X, []
    for block in blocks:
        a, cache = residual_forward(a, *block, activation=activation)
        caches.append(cache)
    _, dout = half_squared_error(a @ w_out, y)
    da = dout @ w_out.T
    norms = []
    for cache in reversed(caches):
        da, dW1, *_ = residual_backward(da, cache)
        norms.append(float(np.linalg.norm(dW1)))
    return norms[::-1]


def vanishing_table(
    depths: Sequence[int] = range(2, 11),
    activations: Sequence[str] = ACTIVATIONS,
    *,
    width: int = 32,
    m: int = 256,
    seeds: Sequence[int] = (0, 1, 2),
) -> dict:
    """梯度消失表 / Table of ‖∂J/∂W^(1)‖ / ‖∂J/∂W^(L−1)‖ (first over last layer) vs depth.

    Averaged (geometric mean) over ``seeds``. Also returns the per-layer norms at the largest
    depth for every activation, and for residual networks of as many weight layers.
    Returns ``{"depths", "ratio": {act: [...]}, "first": {act: [...]}, "per_layer":
    {act: [...]}, "residual_per_block": {act: [...]}}``.
    """
    depths = list(depths)
    ratio: dict[str, list[float]] = {}
    first: dict[str, list[float]] = {}
    per_layer: dict[str, list[float]] = {}
    residual: dict[str, list[float]] = {}
    for act in activations:
        ratio[act], first[act] = [], []
        for depth in depths:
            norms = np.array(
                [layer_gradient_norms(depth, act, width=width, m=m, seed=s) for s in seeds]
            )
            ratio[act].append(float(np.exp(np.mean(np.log(norms[:, 0] / norms[:, -1])))))
            first[act].append(float(np.exp(np.mean(np.log(norms[:, 0])))))
        per_layer[act] = layer_gradient_norms(max(depths), act, width=width, m=m, seed=seeds[0])
        residual[act] = residual_gradient_norms(
            max(1, max(depths) // 2), act, width=width, m=m, seed=seeds[0]
        )
    return {
        "depths": depths,
        "ratio": ratio,
        "first": first,
        "per_layer": per_layer,
        "residual_per_block": residual,
    }
