"""受限玻尔兹曼机、CD-1 与 DBN 逐层预训练 / RBMs, CD-1 and DBN pre-training.

讲义 §5（局部最优）：改进初始化方式，如 DAE、DBN。深度信念网络（DBN）逐层预训练：每个隐层一个伯努利
RBM，在下一层的隐单元概率上训练；权重再初始化 MLP，用标注数据微调（与 DAE 相同）。
Lecture §5: a DBN is pre-trained greedily, one Bernoulli RBM per hidden layer on the hidden
probabilities of the layer below; the weights initialise an MLP that is fine-tuned with labels.

一个 RBM / One RBM: v ∈ {0, 1}^N (或 [0, 1] 中的概率 / or probabilities), h ∈ {0, 1}^H,
能量 / energy E(v, h) = −v W hᵀ − v b − h c:

    p(h_j = 1 | v) = σ(v W + c)_j,      p(v_i = 1 | h) = σ(h Wᵀ + b)_i,
    自由能 / free energy F(v) = −v b − Σ_j log(1 + exp((v W + c)_j)),   p(v) ∝ exp(−F(v)).

对数似然梯度 ⟨vᵀh⟩_data − ⟨vᵀh⟩_model 的模型项算不出来；对比散度 CD-1 用从数据出发的一步 Gibbs 采样
代替它 / contrastive divergence (CD-1) replaces the intractable model term by one Gibbs step
from the data. 参数向**上**更新 / the update is ascent: W := W + α ΔW.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from activations import sigmoid
from training import fit


# ---- given code (给定代码): hidden_probs ----
def hidden_probs(V: np.ndarray, W: np.ndarray, c: np.ndarray) -> np.ndarray:
    """隐单元概率 / p(h = 1 | v) = σ(v W + c); V (m, N), W (N, H), c (H,) -> (m, H)."""
    return sigmoid(V @ W + c)


# ---- end given ----
# ---- given code (给定代码): visible_probs ----
def visible_probs(H: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """可见单元概率 / p(v = 1 | h) = σ(h Wᵀ + b); H (m, H), W (N, H), b (N,) -> (m, N)."""
    return sigmoid(H @ W.T + b)


# ---- end given ----
# ---- given code (给定代码): free_energy ----
def free_energy(V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """自由能 / F(v) = −v b − Σ_j log(1 + exp((v W + c)_j)); V (m, N) -> (m,)."""
    return -V @ b - np.sum(np.logaddexp(0.0, V @ W + c), axis=1)


# ---- end given ----


def cd1_gradients(
    V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray, U: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """CD-1 的参数增量方向 / One step of contrastive divergence (CD-1) on a mini-batch.

    用给定的 ``hidden_probs`` / ``visible_probs`` / use the given helpers:

        p_h0 = σ(V W + c);   h0 = (U < p_h0)（以概率 p_h0 取 1 的采样 / sampled hidden states）
        p_v1 = σ(h0 Wᵀ + b)（重构，用概率 / the reconstruction, probabilities）
        p_h1 = σ(p_v1 W + c)
        ΔW = (Vᵀ p_h0 − p_v1ᵀ p_h1) / m,   Δb = mean_n(V − p_v1),   Δc = mean_n(p_h0 − p_h1)
        重构误差 / reconstruction error = Σ (V − p_v1)² / m

    形状 / Shapes: V (m, N) in [0, 1]; W (N, H); b (N,); c (H,); U (m, H) 均匀随机数 / uniform
    in [0, 1). 返回 / Returns ``(ΔW (N, H), Δb (N,), Δc (H,), error: float)``.
    """
    ### BEGIN SOLUTION
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
    ### END SOLUTION


# ---- given code (给定代码): RBM ----
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


# ---- end given ----


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

    ``sizes`` = [N_1, …, N_{L−1}]（输入与隐层大小 / input and hidden sizes）。对第 l 对相邻层
    （l = 0, 1, …）/ for the l-th pair of sizes: ``rbm = RBM(n_in, n_out, seed=seed + l)``，
    ``fit(rbm, codes, codes, loss="mse", optimizer="momentum", lr=lr, epochs=epochs,
    batch_size=batch_size, seed=seed + l, track_accuracy=False)``；记下 W 与**隐**偏置 c /
    keep W and the *hidden* bias c; 下一层的输入 / the next input is ``codes = rbm.transform(codes)``
    （第一层的 codes 是 float64 的 X / the first codes are X as float64).
    返回 / Returns (weights, biases): W^(l) (N_l, N_{l+1}), b^(l+1) = c (N_{l+1},) — 编码器 /
    the encoder a^(l+1) = σ(a^(l) W^(l) + b^(l+1)) that initialises the MLP.
    """
    ### BEGIN SOLUTION
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
    ### END SOLUTION
