"""逐层预训练：DAE 的精简循环 / Greedy layer-wise pre-training: the DAE's lean loop.

讲义 §5: 预训练（无监督）逐层进行. :func:`nncore.autoencoder.pretrain_layers` trains each DAE
through the generic :func:`nncore.training.fit` (an ``sgd_epoch`` per epoch, a generic
forward/backward with caches and a ``Momentum`` object per batch), which costs about twice the
arithmetic on the a4 settings. :func:`pretrain_daes` does the same computation batch by batch,
with the same random numbers drawn in the same order from the same generators (the models are
nncore's own ``DenoisingAutoencoder``, so their initial weights and noise generators are
nncore's) and the same numpy operations in the same order, so its results are **identical** to
the library's (``tests/nncore/test_greedy.py`` asserts array equality). Per layer l and epoch,
with ``rng = default_rng(seed + l)`` and batches B of ``rng.permutation(m)``: mask ~
Bernoulli(1 − noise) from the DAE's generator, x̃ = x ⊙ mask, a^(2) = σ(x̃ W1 + b1),
x̂ = σ(a^(2) W2 + b2), δ^(3) = ((x̂ − x)/|B|) ⊙ x̂(1 − x̂), δ^(2) = (δ^(3) W2ᵀ) ⊙ a^(2)(1 − a^(2)),
momentum v := 0.9 v − α g, θ := θ + v (v starts at 0); codes = σ(codes W1 + b1) for the next
layer. Only sigmoid units without weight decay are lean (the a4 settings); anything else calls
the library's loop.

The RBM (DBN) pre-training needs no lean copy: its per-batch work is CD-1 itself, and a lean
loop measured only about 5 % faster, so :func:`rbm_pretrainer` and the grader's a4.dbn
reference call :func:`nncore.rbm.pretrain_rbms`. The experiments
(:mod:`~nncore.problems.pretraining`, :mod:`~nncore.problems.dbn`) build their pre-trainers
here; a4.pretraining's same-seed reference is :func:`pretrain_daes`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from nncore import autoencoder as AE
from nncore import rbm as RBM
from nncore.activations import sigmoid

#: 每种预训练：(无标签数据, 各层大小, 种子) -> (权值列表, 偏置列表)
#: A pre-training: (unlabelled X, layer sizes without the output, seed) -> (weights, biases).
Pretrainer = Callable[[np.ndarray, list[int], int], tuple[list[np.ndarray], list[np.ndarray]]]

BETA = 0.9  # fit's default momentum coefficient, which both pre-trainings use


def _momentum(params: list[np.ndarray], grads: list[np.ndarray], v: list[np.ndarray],
              lr: float) -> None:  # fmt: skip
    """v := βv − α g, θ := θ + v, in place (nncore's momentum_update, same operations)."""
    for k, (p, g) in enumerate(zip(params, grads, strict=True)):
        v[k] = BETA * v[k] - lr * g
        p[...] = p + v[k]


def _batches(data: np.ndarray, seed: int, epochs: int, batch_size: int) -> Iterator[np.ndarray]:
    """fit 的批次 / The mini-batches ``fit`` visits: per epoch ``rng.permutation(m)`` in blocks."""
    rng, m = np.random.default_rng(seed), data.shape[0]
    for _ in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            yield data[order[start : start + batch_size]]


def _arguments(library: Callable[..., Any], X: np.ndarray, sizes: Sequence[int],
               kw: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """库函数的参数（含默认值）/ The arguments as the library function binds them, defaults
    included: one source for the parameters and their defaults (TypeError on an unknown one)."""
    bound = inspect.signature(library).bind(X, sizes, **kw)
    bound.apply_defaults()
    return bound.arguments


def pretrain_daes(
    X: np.ndarray, sizes: Sequence[int], **kw: Any
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """逐层 DAE 预训练（与库相同）/ :func:`nncore.autoencoder.pretrain_layers`, identically.

    Takes exactly ``pretrain_layers``'s keyword arguments (activation, noise, epochs, lr,
    batch_size, lam, seed) with its defaults. X (m, N_1) in [0, 1]; ``sizes`` = [N_1, …,
    N_{L−1}]; returns the encoders (W^(l) (N_l, N_{l+1}), b^(l+1) (N_{l+1},)) per hidden layer.
    """
    a = _arguments(AE.pretrain_layers, X, sizes, kw)
    if a["activation"] != "sigmoid" or a["lam"]:
        return AE.pretrain_layers(X, sizes, **kw)
    noise, lr, seed = a["noise"], a["lr"], a["seed"]
    weights, biases = [], []
    codes = np.asarray(X)
    for l, (n_in, n_out) in enumerate(pairwise(sizes)):
        dae = AE.DenoisingAutoencoder(n_in, n_out, noise=noise, activation="sigmoid",
                                      seed=seed + l, dtype=codes.dtype)  # fmt: skip
        params = dae.params  # [W1, b1, W2, b2], updated in place
        W1, b1, W2, b2 = params
        v = [np.zeros_like(p) for p in params]
        data = np.asarray(codes, dtype=dae.dtype)
        for x in _batches(data, seed + l, a["epochs"], a["batch_size"]):
            mask = (dae.rng.random(x.shape) >= noise).astype(x.dtype)
            xt = x * mask
            a2 = sigmoid(xt @ W1 + b1)
            a3 = sigmoid(a2 @ W2 + b2)
            d3 = ((a3 - x) / a3.shape[0]) * (a3 * (1 - a3))
            d2 = (d3 @ W2.T) * (a2 * (1 - a2))
            _momentum(params, [xt.T @ d2, d2.sum(axis=0), a2.T @ d3, d3.sum(axis=0)], v, lr)
        weights.append(dae.weights[0])
        biases.append(dae.biases[0])
        codes = dae.encode(codes)
    return weights, biases


def dae_pretrainer(*, noise: float = 0.3, epochs: int = 10) -> Pretrainer:
    """DAE 预训练器 / A :data:`Pretrainer` running :func:`pretrain_daes` (lr 0.1, batch 32)."""

    def run(X_un: np.ndarray, sizes: list[int], seed: int):
        return pretrain_daes(X_un, sizes, noise=noise, epochs=epochs, seed=seed)

    return run


def rbm_pretrainer(*, epochs: int = 10, lr: float = 0.1) -> Pretrainer:
    """DBN 预训练器 / A :data:`Pretrainer` running :func:`nncore.rbm.pretrain_rbms` (batch 32)."""

    def run(X_un: np.ndarray, sizes: list[int], seed: int):
        return RBM.pretrain_rbms(X_un, sizes, epochs=epochs, lr=lr, seed=seed)

    return run
