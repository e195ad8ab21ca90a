"""退化：深的普通网络训练误差反而更高，残差网络没有 / Degradation of deep plain networks.

讲义 §5: 所谓退化，是指神经网络模型在训练集与测试集上所表现出的性能随着网络层数加深而降低的现象 …
退化网络模型会出现严重欠拟合现象. A deeper plain network could copy a shallower one (extra layers
≈ identity), yet trained for the same epochs it reaches a *higher training error*; with residual
blocks a^(l+2) = a^(l) + F(a^(l)) the identity is the default and the gap disappears.

The residual network here: input layer a^(2) = f(x W_in + b_in), then ``n_blocks`` residual
blocks (:mod:`nncore.residual`, each two dense layers), then the output layer
h = g(a W_out + b_out). The plain network of the same depth has the same dense layers
without the skips: 1 + 2·n_blocks hidden layers of the same width.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nncore.auxiliary import output_delta
from nncore.init import get_initialiser
from nncore.layers import activation_backward, dense_backward
from nncore.losses import weight_decay
from nncore.mlp import MLP, mlp_forward
from nncore.residual import ResidualCache, residual_backward, residual_forward
from nncore.training import fit

__all__ = [
    "ResidualNet",
    "degradation",
    "stack_backward",
    "stack_forward",
    "training_error",
]

Block = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def stack_forward(
    a: np.ndarray, blocks: Sequence[Block], activation: str = "sigmoid"
) -> tuple[np.ndarray, list[ResidualCache]]:
    """残差块堆叠前向 / Forward through residual blocks one after another.

    a (m, N); blocks = [(W1 (N, H), b1 (H,), W2 (H, N), b2 (N,)), …]. Each block:
    a := a + f(a W1 + b1) W2 + b2. Returns (a after the last block (m, N), one cache per block).
    """
    caches = []
    for W1, b1, W2, b2 in blocks:
        a, cache = residual_forward(a, W1, b1, W2, b2, activation)
        caches.append(cache)
    return a, caches


def stack_backward(
    dout: np.ndarray, caches: Sequence[ResidualCache]
) -> tuple[np.ndarray, list[Block]]:
    """残差块堆叠反向 / Backward through the blocks, last block first.

    ``dout`` = ∂J/∂a after the last block (m, N). Returns (∂J/∂a before the first block (m, N),
    [(dW1, db1, dW2, db2) per block, in the blocks' order]).
    """
    grads: list[Block] = []
    da = dout
    for cache in reversed(caches):
        da, dW1, db1, dW2, db2 = residual_backward(da, cache)
        grads.append((dW1, db1, dW2, db2))
    return da, grads[::-1]


class ResidualNet:
    """残差网络 / Input layer, ``n_blocks`` residual blocks, output layer; trainable with fit.

    ``params`` = [W_in, b_in, (W1, b1, W2, b2) per block …, W_out, b_out]. Every W2 starts
    at ``block_scale`` × its initialiser's draw, so each block starts near the identity
    a^(l+2) ≈ a^(l) (sums of many blocks would otherwise grow with depth).
    """

    def __init__(
        self,
        n_in: int,
        width: int,
        n_blocks: int,
        n_out: int,
        *,
        activation: str = "sigmoid",
        output: str = "softmax",
        init: str = "xavier",
        block_scale: float = 0.1,
        seed: int | None = 0,
    ) -> None:
        rng = np.random.default_rng(seed)
        make = get_initialiser(init)
        self.activation, self.output = activation, output
        self.W_in, self.b_in = make(n_in, width, rng), np.zeros(width)
        self.blocks = [
            (
                make(width, width, rng),
                np.zeros(width),
                block_scale * make(width, width, rng),
                np.zeros(width),
            )
            for _ in range(n_blocks)
        ]
        self.W_out, self.b_out = make(width, n_out, rng), np.zeros(n_out)

    @property
    def params(self) -> list[np.ndarray]:
        """参数（引用）/ The parameter arrays (references), in the documented order."""
        return [self.W_in, self.b_in, *(p for blk in self.blocks for p in blk), self.W_out,
                self.b_out]  # fmt: skip

    def _forward(self, X: np.ndarray) -> tuple[np.ndarray, list, list, list]:
        a, in_cache = mlp_forward(X, [self.W_in], [self.b_in], [self.activation])
        a, caches = stack_forward(a, self.blocks, self.activation)
        out, out_cache = mlp_forward(a, [self.W_out], [self.b_out], [self.output])
        return out, in_cache, caches, out_cache

    def predict(self, X: np.ndarray) -> np.ndarray:
        """网络输出 / The output h(x) (m, n_out)."""
        return self._forward(np.asarray(X, dtype=np.float64))[0]

    def loss(
        self, X: np.ndarray, y: np.ndarray, loss: str = "ce", lam: float = 0.0
    ) -> tuple[float, list[np.ndarray]]:
        """J 与全部梯度 / J (+ λ/(2m) Σ w² over every weight matrix) and the gradients."""
        out, in_cache, caches, out_cache = self._forward(X)
        J, delta = output_delta(out, out_cache[0], y, loss)
        da, dW_out, db_out = dense_backward(delta, out_cache[0][0])
        da, block_grads = stack_backward(da, caches)
        _, dW_in, db_in = dense_backward(activation_backward(da, in_cache[0][1]), in_cache[0][0])
        grads = [dW_in, db_in, *(g for blk in block_grads for g in blk), dW_out, db_out]
        if lam:
            idx = [0, *(2 + 4 * i + j for i in range(len(self.blocks)) for j in (0, 2))]
            idx.append(len(grads) - 2)
            R, dR = weight_decay([self.params[k] for k in idx], lam, X.shape[0])
            J += R
            for k, d in zip(idx, dR, strict=True):
                grads[k] = grads[k] + d
        return J, grads


def training_error(
    X: np.ndarray,
    y: np.ndarray,
    hidden_layers: int,
    width: int,
    *,
    residual: bool = False,
    activation: str = "sigmoid",
    epochs: int = 20,
    lr: float = 0.1,
    batch_size: int = 32,
    seed: int = 0,
) -> float:
    """训练后的训练误差 / The training loss J on all of (X, y) after training.

    Builds the plain network MLP([N_1] + [width] * hidden_layers + [K], activation, "softmax",
    init="xavier", seed=seed) — or, with ``residual=True``, ResidualNet(N_1, width,
    (hidden_layers − 1) // 2, K, activation=activation, seed=seed), the same dense layers
    with skips — where K = max(y) + 1; trains it with fit(net, X, y, loss="ce",
    optimizer="momentum", lr=lr, epochs=epochs, batch_size=batch_size, seed=seed,
    track_accuracy=False); returns J = net.loss(X, y, "ce")[0] at the *final* parameters
    (not the epoch's running average that fit records). X (m, N_1), y (m,) labels.
    """
    n_out = int(np.max(y)) + 1
    if residual:
        net = ResidualNet(X.shape[1], width, (hidden_layers - 1) // 2, n_out,
                          activation=activation, seed=seed)  # fmt: skip
    else:
        sizes = [X.shape[1]] + [width] * hidden_layers + [n_out]
        net = MLP(sizes, activation, "softmax", init="xavier", seed=seed)
    fit(net, X, y, loss="ce", optimizer="momentum", lr=lr, epochs=epochs,
        batch_size=batch_size, seed=seed, track_accuracy=False)  # fmt: skip
    return float(net.loss(X, y, "ce")[0])


def degradation(
    X: np.ndarray,
    y: np.ndarray,
    n_blocks: Sequence[int] = (0, 1, 2, 4),
    *,
    width: int = 16,
    activation: str = "sigmoid",
    epochs: int = 20,
    lr: float = 0.1,
    batch_size: int = 32,
    seeds: Sequence[int] = (0,),
) -> dict[str, list[float]]:
    """退化实验 / Final training loss of plain and residual networks of growing depth.

    For each b in ``n_blocks``: the plain MLP has 1 + 2b hidden layers of ``width`` units, the
    residual net 1 input layer + b blocks (the same dense layers, plus the skips); both are
    trained the same way (:func:`training_error`); the loss is averaged over ``seeds``.
    Returns {"hidden_layers", "plain", "residual"}.
    """
    out: dict[str, list[float]] = {"hidden_layers": [], "plain": [], "residual": []}
    kw = {"activation": activation, "epochs": epochs, "lr": lr, "batch_size": batch_size}
    for b in n_blocks:
        depth = 1 + 2 * int(b)
        out["hidden_layers"].append(depth)
        for kind in ("plain", "residual"):
            losses = [training_error(X, y, depth, width, residual=kind == "residual", seed=s,
                                     **kw) for s in seeds]  # fmt: skip
            out[kind].append(float(np.mean(losses)))
    return out
