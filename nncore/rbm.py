"""受限玻尔兹曼机与 DBN 逐层预训练 / Restricted Boltzmann machines, CD-1 and DBN pre-training.

讲义 §5 (局部最优): 改进初始化方式，如 DAE、DBN. A deep belief network (DBN) is pre-trained
greedily, one Bernoulli RBM per hidden layer, each on the hidden probabilities of the one below;
the weights then initialise an MLP that is fine-tuned with labels (as with the DAE).

One RBM: visible units v ∈ {0, 1}^N (or probabilities in [0, 1]), hidden units h ∈ {0, 1}^H,
energy E(v, h) = −v W hᵀ − v b − h c, so

    p(h_j = 1 | v) = σ(v W + c)_j,      p(v_i = 1 | h) = σ(h Wᵀ + b)_i,
    free energy F(v) = −v b − Σ_j log(1 + exp((v W + c)_j)),   p(v) ∝ exp(−F(v)).

The log-likelihood gradient ∂ log p(v)/∂W = ⟨vᵀh⟩_data − ⟨vᵀh⟩_model has an intractable model
term; contrastive divergence (CD-1, Hinton 2002) replaces it by one Gibbs step from the data.
Per mini-batch V (m, N), with uniform random numbers U (m, H) in [0, 1):

    p_h0 = σ(V W + c);  h0 = (U < p_h0)                              (sampled hidden states)
    p_v1 = σ(h0 Wᵀ + b)                                              (reconstruction, probabilities)
    p_h1 = σ(p_v1 W + c)
    ΔW = (Vᵀ p_h0 − p_v1ᵀ p_h1) / m,  Δb = mean(V − p_v1),  Δc = mean(p_h0 − p_h1)

(probabilities rather than samples wherever that only reduces noise, as in Hinton's guide).
ΔW is −∂/∂W of the mean free-energy difference F(V) − F(p_v1) with the reconstruction held
fixed — that is how the tests check it by finite differences — and the parameters move *up*:
W := W + α ΔW.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from nncore.activations import sigmoid
from nncore.training import fit

__all__ = [
    "RBM",
    "cd1_gradients",
    "free_energy",
    "hidden_probs",
    "pretrain_rbms",
    "visible_probs",
]


def hidden_probs(V: np.ndarray, W: np.ndarray, c: np.ndarray) -> np.ndarray:
    """隐单元概率 / p(h = 1 | v) = σ(v W + c); V (m, N), W (N, H), c (H,) -> (m, H)."""
    return sigmoid(V @ W + c)


def visible_probs(H: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """可见单元概率 / p(v = 1 | h) = σ(h Wᵀ + b); H (m, H), W (N, H), b (N,) -> (m, N)."""
    return sigmoid(H @ W.T + b)


def free_energy(V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """自由能 / F(v) = −v b − Σ_j log(1 + exp((v W + c)_j)); V (m, N) -> (m,)."""
    return -V @ b - np.sum(np.logaddexp(0.0, V @ W + c), axis=1)


def cd1_gradients(
    V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray, U: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """CD-1 的参数增量方向 / One step of contrastive divergence (CD-1) on a mini-batch.

    Shapes: V (m, N) in [0, 1]; W (N, H); b (N,); c (H,); U (m, H) uniform in [0, 1), the
    random numbers that sample the hidden states h0 = (U < p_h0) (1 with probability p_h0).
    Returns
    (ΔW (N, H), Δb (N,), Δc (H,), reconstruction error mean_n ‖v − p_v1‖²); the update is
    *ascent*: W := W + α ΔW.
    """
    m = V.shape[0]
    p_h0 = hidden_probs(V, W, c)
    h0 = (U < p_h0).astype(V.dtype)
    p_v1 = visible_probs(h0, W, b)
    p_h1 = hidden_probs(p_v1, W, c)
    dW = (V.T @ p_h0 - p_v1.T @ p_h1) / m
    db = np.mean(V - p_v1, axis=0)
    dc = np.mean(p_h0 - p_h1, axis=0)
    err = float(np.sum((V - p_v1) ** 2) / m)
    return dW, db, dc, err


class RBM:
    """伯努利 RBM / A Bernoulli RBM N-H, trainable with :func:`nncore.training.fit`.

    ``params`` = [W (N, H), b (N,), c (H,)]. :meth:`loss` returns the reconstruction error and
    the *negated* CD-1 directions, so fit's descent step W := W − α(−ΔW) is CD-1's ascent.
    Weights start at N(0, 0.01²), biases at 0 (Hinton's guide); a seeded generator draws the
    uniform numbers U that sample
    the hidden states of every mini-batch.
    """

    def __init__(self, n_visible: int, n_hidden: int, *, seed: int | None = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.W = 0.01 * self.rng.standard_normal((n_visible, n_hidden))
        self.b = np.zeros(n_visible)
        self.c = np.zeros(n_hidden)

    @property
    def params(self) -> list[np.ndarray]:
        """[W, b, c]（引用）/ The parameter arrays (references)."""
        return [self.W, self.b, self.c]

    def loss(
        self, X: np.ndarray, y: np.ndarray | None = None, loss: str = "mse", lam: float = 0.0
    ) -> tuple[float, list[np.ndarray]]:
        """重构误差与 −CD-1 方向 / Reconstruction error and [−ΔW (+ λW/m), −Δb, −Δc]."""
        U = self.rng.random((X.shape[0], self.c.size))
        dW, db, dc, err = cd1_gradients(X, self.W, self.b, self.c, U)
        gW = -dW + (lam / X.shape[0]) * self.W if lam else -dW
        return err, [gW, -db, -dc]

    def transform(self, X: np.ndarray) -> np.ndarray:
        """隐层概率（作为下一层的输入）/ p(h = 1 | x), the input of the next RBM (m, H)."""
        return hidden_probs(X, self.W, self.c)

    def reconstruct(self, X: np.ndarray) -> np.ndarray:
        """确定性重构 / σ(p(h|x) Wᵀ + b), shape (m, N)."""
        return visible_probs(self.transform(X), self.W, self.b)


def pretrain_rbms(
    X: np.ndarray,
    sizes: Sequence[int],
    *,
    epochs: int = 10,
    lr: float = 0.1,
    batch_size: int = 32,
    seed: int = 0,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """DBN 逐层预训练 / Greedy layer-wise pre-training of a DBN with CD-1.

    ``sizes`` = [N_1, …, N_{L−1}] (input and hidden sizes). RBM l (seed ``seed + l``) is
    trained with momentum (β = 0.9) on the hidden probabilities of the RBM below (the first on X
    in [0, 1]). Returns (weights, biases) to initialise an MLP: W^(l) (N_l, N_{l+1}) and the
    *hidden* biases c as b^(l+1) (N_{l+1},) — the encoder a^(l+1) = σ(a^(l) W^(l) + b^(l+1)).
    """
    weights, biases = [], []
    codes = np.asarray(X, dtype=np.float64)
    for l, (n_in, n_out) in enumerate(pairwise(sizes)):
        rbm = RBM(n_in, n_out, seed=seed + l)
        fit(rbm, codes, codes, loss="mse", optimizer="momentum", lr=lr, epochs=epochs,
            batch_size=batch_size, seed=seed + l, track_accuracy=False)  # fmt: skip
        weights.append(rbm.W)
        biases.append(rbm.c)
        codes = rbm.transform(codes)
    return weights, biases
