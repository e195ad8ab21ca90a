"""残差块的梯度检验 / Residual block: backward against central differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest

from nncore.gradcheck import numerical_gradient, relative_error
from nncore.residual import residual_backward, residual_forward


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "leaky_relu"])
def test_residual_backward_matches_finite_differences(activation: str) -> None:
    rng = np.random.default_rng(0)
    m, n, h = 5, 4, 3
    a = rng.normal(size=(m, n))
    W1, b1 = rng.normal(size=(n, h)), rng.normal(size=h)
    W2, b2 = rng.normal(size=(h, n)), rng.normal(size=n)
    G = rng.normal(size=(m, n))  # J = Σ G ⊙ a^(l+2), so ∂J/∂a^(l+2) = G

    def J() -> float:
        return float(np.sum(G * residual_forward(a, W1, b1, W2, b2, activation)[0]))

    out, cache = residual_forward(a, W1, b1, W2, b2, activation)
    assert out.shape == a.shape
    grads = residual_backward(G, cache)
    for analytic, x in zip(grads, (a, W1, b1, W2, b2), strict=True):
        assert analytic.shape == x.shape
        assert relative_error(analytic, numerical_gradient(J, x)) < 1e-7


def test_residual_skip_carries_gradient_when_branch_is_dead() -> None:
    """零权重时 ∂J/∂a^(l) = δ^(l+2)：恒等通路不衰减 / With zero weights only the skip path remains."""
    a = np.linspace(-1, 1, 12).reshape(3, 4)
    zeros = (np.zeros((4, 2)), np.zeros(2), np.zeros((2, 4)), np.zeros(4))
    out, cache = residual_forward(a, *zeros, activation="sigmoid")
    np.testing.assert_allclose(out, a)
    da = residual_backward(np.ones_like(a), cache)[0]
    np.testing.assert_allclose(da, np.ones_like(a))


def test_residual_float32_stays_float32() -> None:
    rng = np.random.default_rng(1)
    arrays = [rng.normal(size=s).astype(np.float32) for s in [(2, 3), (3, 2), (2,), (2, 3), (3,)]]
    out, cache = residual_forward(*arrays)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in residual_backward(out, cache))
