"""降噪自编码器与预训练 / Denoising autoencoder backward and layer-wise pre-training."""

from __future__ import annotations

import numpy as np
import pytest

from nncore.autoencoder import (
    DenoisingAutoencoder,
    corrupt,
    dae_backward,
    dae_forward,
    dae_loss,
    pretrain_layers,
)
from nncore.gradcheck import numerical_gradient, relative_error


@pytest.mark.parametrize(("activation", "lam"), [("sigmoid", 0.0), ("tanh", 0.3)])
def test_dae_loss_gradients_match_finite_differences(activation: str, lam: float) -> None:
    rng = np.random.default_rng(0)
    X = rng.random((6, 5))
    _, mask = corrupt(X, 0.3, rng)
    params = [
        rng.normal(size=(5, 3)),
        rng.normal(size=3),
        rng.normal(size=(3, 5)),
        rng.normal(size=5),
    ]
    _, grads = dae_loss(X, mask, params, lam, activation)
    for g, p in zip(grads, params, strict=True):
        numeric = numerical_gradient(lambda: dae_loss(X, mask, params, lam, activation)[0], p)
        assert relative_error(g, numeric) < 1e-7


def test_dae_forward_backward_pair_shapes_and_mask() -> None:
    rng = np.random.default_rng(2)
    X = rng.random((4, 6))
    Xt, mask = corrupt(X, 0.5, rng)
    assert set(np.unique(mask)) <= {0.0, 1.0}
    np.testing.assert_array_equal(Xt, X * mask)
    W1, b1, W2, b2 = rng.normal(size=(6, 2)), np.zeros(2), rng.normal(size=(2, 6)), np.zeros(6)
    xhat, cache = dae_forward(X, mask, W1, b1, W2, b2)
    assert xhat.shape == X.shape
    dW1, db1, dW2, db2 = dae_backward(xhat - X, cache)
    assert (dW1.shape, db1.shape, dW2.shape, db2.shape) == ((6, 2), (2,), (2, 6), (6,))
    # A zeroed input contributes nothing to ∂J/∂W1 (its row of x̃ᵀ δ is zero).
    dead = np.all(mask == 0, axis=0)
    np.testing.assert_array_equal(dW1[dead], 0.0)


def test_dae_model_and_pretraining_reduce_reconstruction_error() -> None:
    rng = np.random.default_rng(3)
    X = (rng.random((200, 16)) < 0.3).astype(float)
    dae = DenoisingAutoencoder(16, 8, noise=0.2, seed=0)
    before = float(np.mean((dae.predict(X) - X) ** 2))
    from nncore.training import fit

    fit(dae, X, X, loss="mse", optimizer="momentum", lr=0.5, epochs=20, track_accuracy=False)
    after = float(np.mean((dae.predict(X) - X) ** 2))
    assert after < before
    Ws, bs = pretrain_layers(X, [16, 8, 4], epochs=2, seed=0)
    assert [W.shape for W in Ws] == [(16, 8), (8, 4)] and [b.shape for b in bs] == [(8,), (4,)]
