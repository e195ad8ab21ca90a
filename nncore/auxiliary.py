"""中间层引入损失函数（辅助输出）/ An auxiliary loss on a middle layer (GoogLeNet's cure).

讲义 §5 梯度消失问题的应对策略：中间层引入损失函数，如 GoogLeNet. A deep network
a^(1) = x → … → a^(L) = h(x) gets a second output head on hidden layer k:

    h_aux(x) = g(a^(k) V + c),     V (N_k, K), c (K,)

and is trained on the combined objective (both heads predict the same targets y)

    J = J_main(h(x), y) + λ_aux · J_aux(h_aux(x), y).

Backward, the error reaching a^(k) is the sum of the two paths,

    ∂J/∂a^(k) = δ^(k+1) W^(k)ᵀ  +  λ_aux · δ_aux Vᵀ,      δ_aux = ∂J_aux/∂z_aux,

so the layers below k get an error signal that crossed only k − 1 layers instead of L − 1:
with sigmoid units (σ' ≤ 0.25) this is far larger than what survives the long path.
At test time only the main head is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from nncore.activations import Activation
from nncore.init import get_initialiser
from nncore.layers import activation_backward, dense_backward
from nncore.losses import check_targets, get_loss, weight_decay
from nncore.mlp import LayerCache, mlp_forward

__all__ = ["AuxiliaryNet", "auxiliary_loss", "output_delta"]


def output_delta(
    out: np.ndarray, cache: LayerCache, y: np.ndarray, loss: str
) -> tuple[float, np.ndarray]:
    """输出层的 J 与 δ / J and δ = ∂J/∂z of one output head (m, K).

    ``cache`` is the head's layer cache (dense, activation). Where the output activation and
    the loss fuse (softmax + 'ce', sigmoid + 'bce') δ = (a − y)/m comes straight from z;
    otherwise δ = ∂J/∂a ⊙ g'(z).
    """
    spec = get_loss(loss)
    target = check_targets(out, y, spec)
    act_cache = cache[1]
    if spec.fused is not None and act_cache[2].name == spec.fused_with:
        return spec.fused(act_cache[0], target)
    J, dout = spec.fn(out, target)
    return J, activation_backward(dout, act_cache)


def auxiliary_loss(
    X: np.ndarray,
    y: np.ndarray,
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[str | Activation],
    V: np.ndarray,
    c: np.ndarray,
    aux_layer: int,
    lam_aux: float,
    loss: str = "ce",
    aux_activation: str = "softmax",
) -> tuple[float, list[np.ndarray], list[np.ndarray], np.ndarray, np.ndarray]:
    """组合损失及其梯度 / J = J_main + λ_aux J_aux and all its gradients.

    Shapes: X (m, N_1); weights[l] (N_l, N_{l+1}), biases[l] (N_{l+1},) for l = 0 … L−2 (the
    main network, output layer last); V (N_k, K), c (K,) the auxiliary head on a^(k) with
    k = ``aux_layer`` (1-based like the lecture: a^(1) = x, so 2 ≤ k ≤ L − 1 is a hidden
    layer; a^(k) is the output of ``weights[k − 2]``). Both heads use ``loss`` against y.

    Returns ``(J, dWs, dbs, dV, dc)``: dWs/dbs as weights/biases, dV (N_k, K), dc (K,).
    """
    out, caches = mlp_forward(X, weights, biases, activations)
    a_k = caches[aux_layer - 1][0][0]
    aux_out, aux_cache = mlp_forward(a_k, [V], [c], [aux_activation])
    J_main, delta = output_delta(out, caches[-1], y, loss)
    J_aux, delta_aux = output_delta(aux_out, aux_cache[0], y, loss)
    da_aux, dV, dc = dense_backward(lam_aux * delta_aux, aux_cache[0][0])
    n = len(caches)
    dWs: list[np.ndarray] = [np.empty(0)] * n
    dbs: list[np.ndarray] = [np.empty(0)] * n
    for l in range(n - 1, -1, -1):
        da, dWs[l], dbs[l] = dense_backward(delta, caches[l][0])
        if l == aux_layer - 1:
            da = da + da_aux
        if l > 0:
            delta = activation_backward(da, caches[l - 1][1])
    return J_main + lam_aux * J_aux, dWs, dbs, dV, dc


class AuxiliaryNet:
    """带辅助输出的深网络 / A deep network with an auxiliary head, trainable with ``fit``.

    ``sizes`` = [N_1, …, N_L] of the main network (hidden activation ``activation``, output
    ``output``); the head reads a^(aux_layer) and has the output's size. ``params`` =
    [W^(1), b^(2), …, W^(L−1), b^(L), V, c]. ``lam_aux = 0`` trains the plain network (the
    head is then ignored: its gradients are zero).
    """

    def __init__(
        self,
        sizes: Sequence[int],
        aux_layer: int,
        *,
        lam_aux: float = 0.3,
        activation: str = "sigmoid",
        output: str = "softmax",
        init: str = "xavier",
        seed: int | None = 0,
    ) -> None:
        if not 2 <= aux_layer <= len(sizes) - 1:
            raise ValueError(f"aux_layer must be a hidden layer 2…{len(sizes) - 1}: {aux_layer}")
        rng = np.random.default_rng(seed)
        make = get_initialiser(init)
        self.sizes, self.aux_layer, self.lam_aux = list(sizes), aux_layer, lam_aux
        self.activations = [activation] * (len(sizes) - 2) + [output]
        self.output = output
        self.weights = [make(i, o, rng) for i, o in pairwise(sizes)]
        self.biases = [np.zeros(o) for o in sizes[1:]]
        self.V = make(sizes[aux_layer - 1], sizes[-1], rng)
        self.c = np.zeros(sizes[-1])

    @property
    def params(self) -> list[np.ndarray]:
        """参数（引用）/ [W^(1), b^(2), …, V, c] (references)."""
        return [p for W, b in zip(self.weights, self.biases, strict=True) for p in (W, b)] + [
            self.V,
            self.c,
        ]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """主输出 / The main head's output h(x) (m, N_L)."""
        return mlp_forward(np.asarray(X, dtype=np.float64), self.weights, self.biases,
                           self.activations)[0]  # fmt: skip

    def loss(
        self, X: np.ndarray, y: np.ndarray, loss: str = "ce", lam: float = 0.0
    ) -> tuple[float, list[np.ndarray]]:
        """J = J_main + λ_aux J_aux (+ λ/(2m) Σ w²) 与梯度 / and gradients in ``params`` order."""
        J, dWs, dbs, dV, dc = auxiliary_loss(X, y, self.weights, self.biases, self.activations,
                                             self.V, self.c, self.aux_layer, self.lam_aux, loss,
                                             self.output)  # fmt: skip
        if lam:
            R, dR = weight_decay(self.weights, lam, X.shape[0])
            J += R
            dWs = [dW + d for dW, d in zip(dWs, dR, strict=True)]
        grads = [g for dW, db in zip(dWs, dbs, strict=True) for g in (dW, db)]
        return J, [*grads, dV, dc]
