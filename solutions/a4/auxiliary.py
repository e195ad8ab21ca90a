"""中间层引入损失函数（辅助输出）/ An auxiliary loss on a middle layer (GoogLeNet's cure).

讲义 §5 梯度消失的应对策略：中间层引入损失函数，如 GoogLeNet。深网络 a^(1) = x → … → a^(L) = h(x)
在第 k 个隐层上多接一个输出头 / Lecture §5: a deep network gets a second head on hidden layer k:

    h_aux(x) = g(a^(k) V + c),      V (N_k, K), c (K,)

两个头预测同一个目标 y，训练组合目标 / both heads predict y; the training objective is

    J = J_main(h(x), y) + λ_aux · J_aux(h_aux(x), y).

反向时到达 a^(k) 的误差是两条路径之和 / backward, the error reaching a^(k) is the sum

    ∂J/∂a^(k) = δ^(k+1) W^(k)ᵀ  +  λ_aux · δ_aux Vᵀ,      δ_aux = ∂J_aux/∂z_aux,

所以第 k 层以下的层得到只穿过 k − 1 层的误差信号。测试时只用主输出。
so the layers below k get an error that crossed only k − 1 layers. Only h(x) is used at test time.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from activations import Activation
from init import get_initialiser
from layers import activation_backward, dense_backward
from losses import check_targets, get_loss, weight_decay
from mlp import LayerCache, mlp_forward


# ---- given code (给定代码): output_delta ----
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


# ---- end given ----


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

    形状 / Shapes: X (m, N_1); weights[l] (N_l, N_{l+1}), biases[l] (N_{l+1},) — 主网络，最后一层是
    输出层 / the main network, output layer last; V (N_k, K), c (K,): 辅助头读 a^(k) / the head on
    a^(k), k = ``aux_layer``（与讲义一样从 1 数起：a^(1) = x，所以 a^(k) 是 weights[k − 2] 那一层的输出，
    也是 weights[k − 1] 的输入 / 1-based as in the lecture: a^(k) is the input of weights[k − 1]).

    步骤 / Steps: 1. ``mlp_forward`` 主网络与辅助头（激活 ``aux_activation``）/ forward both heads;
    2. 用给定的 ``output_delta`` 得到两头的 J 与 δ / J and δ of each head (same ``loss``, same y);
    3. 辅助头反向 / the head backward: ``dense_backward(λ_aux δ_aux, …)`` gives dV, dc and its
    error at a^(k); 4. 主网络逐层反传（``dense_backward`` / ``activation_backward``），在 a^(k) 处
    加上辅助头的误差 / back through the main network, adding the head's error at a^(k).

    返回 / Returns ``(J, dWs, dbs, dV, dc)``, dWs/dbs shaped as weights/biases.
    """
    ### BEGIN SOLUTION
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
    ### END SOLUTION


# ---- given code (给定代码): AuxiliaryNet ----
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


# ---- end given ----
