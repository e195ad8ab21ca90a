"""降噪自编码器与逐层预训练 / Denoising autoencoders and greedy layer-wise pre-training.

讲义 §5（局部最优）：改进初始化方式 — 1. 预训练（无监督）：用大量无标签数据逐层预训练；
2. 微调（有监督）：用少量有标签数据做 BP 微调。
Lecture §5: 1. pre-train layer by layer, unsupervised, on plenty of unlabelled data;
2. fine-tune with backpropagation on a few labelled samples.

一个降噪自编码器（DAE）/ One denoising autoencoder on inputs x (m, N):

    x̃ = x ⊙ mask                            （掩码噪声：每个输入以概率 p 置零 / masking noise）
    a^(2) = f(x̃ W1 + b1)                    （编码 / encoder, the hidden code）
    x̂ = a^(3) = g(a^(2) W2 + b2)            （解码 / decoder）
    J = (1/2m) Σ_n ‖x̂^(n) − x^(n)‖²          （重构**干净的** x / reconstruct the *clean* x）
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from init import get_initialiser
from losses import half_squared_error, weight_decay
from mlp import LayerCache, mlp_backward, mlp_forward
from training import fit


def corrupt(X: np.ndarray, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """掩码噪声 / Masking noise: x̃ = x ⊙ mask, mask_nj = 1 with probability 1 − noise, else 0.

    用 ``rng.random(X.shape) >= noise`` 生成掩码（恰好调用一次 rng.random）。
    Draw the mask as ``rng.random(X.shape) >= noise`` (exactly one call of ``rng.random``).

    形状 / Shapes: X (m, N) -> (x̃ (m, N), mask (m, N)), both in X's dtype.
    """
    raise NotImplementedError('请实现 corrupt（约 2 行）/ implement corrupt (about 2 lines)')


def dae_forward(
    X: np.ndarray,
    mask: np.ndarray,
    W1: np.ndarray,
    b1: np.ndarray,
    W2: np.ndarray,
    b2: np.ndarray,
    activation: str = "sigmoid",
    output_activation: str = "sigmoid",
) -> tuple[np.ndarray, list[LayerCache]]:
    """降噪自编码器前向 / DAE forward: x̂ = g(f((x ⊙ mask) W1 + b1) W2 + b2).

    一个两层网络作用在加噪输入上：用给定的 ``mlp_forward``。
    A two-layer network applied to the corrupted input: use the given ``mlp_forward``.
    形状 / Shapes: X, mask (m, N); W1 (N, H); b1 (H,); W2 (H, N); b2 (N,) -> x̂ (m, N).
    返回 / Returns ``(x̂, cache)`` (the caches of ``mlp_forward``) for :func:`dae_backward`.
    """
    raise NotImplementedError('请实现 dae_forward（约 1 行）/ implement dae_forward (about 1 lines)')


def dae_backward(
    dxhat: np.ndarray, cache: list[LayerCache]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """降噪自编码器反向 / DAE backward from ∂J/∂x̂ (m, N).

    δ^(3) = ∂J/∂x̂ ⊙ g'(z^(3));  δ^(2) = (δ^(3) W2ᵀ) ⊙ f'(z^(2));
    ∂J/∂W2 = a^(2)ᵀ δ^(3),  ∂J/∂W1 = x̃ᵀ δ^(2)  (the given ``mlp_backward`` does this).
    返回 / Returns ``(dW1, db1, dW2, db2)``, shaped as W1 (N, H), b1 (H,), W2 (H, N), b2 (N,).
    """
    raise NotImplementedError('请实现 dae_backward（约 2 行）/ implement dae_backward (about 2 lines)')


# ---- given code (给定代码): dae_loss ----
def dae_loss(
    X: np.ndarray,
    mask: np.ndarray,
    params: Sequence[np.ndarray],
    lam: float = 0.0,
    activation: str = "sigmoid",
    output_activation: str = "sigmoid",
) -> tuple[float, list[np.ndarray]]:
    """重构误差与梯度 / J = (1/2m) Σ ‖x̂ − x‖² + λ/(2m) Σ w² and [dW1, db1, dW2, db2].

    ``params`` = [W1, b1, W2, b2]; X, mask (m, N); the target is the clean X.
    """
    W1, b1, W2, b2 = params
    xhat, cache = dae_forward(X, mask, W1, b1, W2, b2, activation, output_activation)
    J, dxhat = half_squared_error(xhat, X)
    dW1, db1, dW2, db2 = dae_backward(dxhat, cache)
    if lam:
        R, (dR1, dR2) = weight_decay([W1, W2], lam, X.shape[0])
        J, dW1, dW2 = J + R, dW1 + dR1, dW2 + dR2
    return J, [dW1, db1, dW2, db2]


# ---- end given ----
# ---- given code (给定代码): DenoisingAutoencoder ----
class DenoisingAutoencoder:
    """一个降噪自编码器 N-H-N / One denoising autoencoder N-H-N, trainable with :func:`fit`.

    Each call of :meth:`loss` draws a fresh mask from the seeded generator, so every
    mini-batch sees new noise. ``params`` = [W1 (N, H), b1 (H,), W2 (H, N), b2 (N,)].
    """

    def __init__(
        self,
        n_in: int,
        n_hidden: int,
        *,
        noise: float = 0.3,
        activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        init: str = "xavier",
        seed: int | None = 0,
        dtype: np.dtype | type = np.float64,
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.noise = noise
        self.activation, self.output_activation = activation, output_activation
        self.dtype = np.dtype(dtype)
        make = get_initialiser(init)
        self.weights = [
            make(n_in, n_hidden, self.rng).astype(self.dtype),
            make(n_hidden, n_in, self.rng).astype(self.dtype),
        ]
        self.biases = [np.zeros(n_hidden, self.dtype), np.zeros(n_in, self.dtype)]

    @property
    def params(self) -> list[np.ndarray]:
        """[W1, b1, W2, b2]（引用）/ The parameter arrays (references)."""
        return [self.weights[0], self.biases[0], self.weights[1], self.biases[1]]

    def loss(
        self, X: np.ndarray, y: np.ndarray | None = None, loss: str = "mse", lam: float = 0.0
    ) -> tuple[float, list[np.ndarray]]:
        """带新噪声的重构损失 / Reconstruction loss of freshly corrupted X; ``y`` is ignored."""
        _, mask = corrupt(X, self.noise, self.rng)
        return dae_loss(X, mask, self.params, lam, self.activation, self.output_activation)

    def encode(self, X: np.ndarray) -> np.ndarray:
        """编码 / The hidden code a^(2) = f(x W1 + b1) of clean inputs, shape (m, H)."""
        return mlp_forward(X, self.weights[:1], self.biases[:1], [self.activation])[0]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """重构 / Reconstruction x̂ of clean (uncorrupted) inputs, shape (m, N)."""
        acts = [self.activation, self.output_activation]
        return mlp_forward(X, self.weights, self.biases, acts)[0]


# ---- end given ----


def pretrain_layers(
    X: np.ndarray,
    sizes: Sequence[int],
    *,
    activation: str = "sigmoid",
    noise: float = 0.3,
    epochs: int = 10,
    lr: float = 0.1,
    batch_size: int = 32,
    lam: float = 0.0,
    seed: int = 0,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """逐层无监督预训练 / Greedy layer-wise DAE pre-training of the hidden layers.

    ``sizes`` = [N_1, N_2, …, N_{L−1}]（输入层与各隐层；输出层留给微调 / input and hidden
    sizes; the output layer is left to fine-tuning). 对第 l 层（l = 0, 1, …）/ for layer l:

    1. ``dae = DenoisingAutoencoder(n_in, n_out, noise=noise, activation=activation,
       seed=seed + l, dtype=codes.dtype)``;
    2. ``fit(dae, codes, codes, loss="mse", optimizer="momentum", lr=lr, epochs=epochs,
       batch_size=batch_size, lam=lam, seed=seed + l, track_accuracy=False)``;
    3. 保存编码器 / keep the encoder ``dae.weights[0]``, ``dae.biases[0]``;
    4. ``codes = dae.encode(codes)`` — 下一层在这一层的编码上训练 / the next layer trains on
       this layer's codes (the first layer on ``codes = np.asarray(X)``).

    返回 / Returns (weights, biases): W^(l) (N_l, N_{l+1}), b^(l+1) (N_{l+1},) per hidden layer.
    """
    raise NotImplementedError('请实现 pretrain_layers（约 11 行）/ implement pretrain_layers (about 11 lines)')
