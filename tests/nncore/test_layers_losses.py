"""全连接层与损失函数的反向传播 / Backward of the dense layer and of every loss."""

import numpy as np
import pytest

from nncore.activations import sigmoid
from nncore.gradcheck import numerical_gradient, relative_error
from nncore.layers import dense_backward, dense_forward
from nncore.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    get_loss,
    half_squared_error,
    softmax_cross_entropy,
    weight_decay,
)

rng = np.random.default_rng(1)


def test_dense_backward_matches_finite_differences():
    a, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    G = rng.normal(size=(5, 4))
    _, cache = dense_forward(a, W, b)
    da, dW, db = dense_backward(G, cache)

    def f():
        return float(np.sum(G * dense_forward(a, W, b)[0]))

    for analytic, x in ((da, a), (dW, W), (db, b)):
        assert relative_error(analytic, numerical_gradient(f, x)) < 1e-7


def test_dense_layout_is_w_ji_from_j_to_i():
    W = np.array([[0.2, 0.3], [0.4, 0.5]])  # (w11, w12, w21, w22) of 例题1
    z, _ = dense_forward(np.array([[0.4, 0.6]]), W, np.array([0.3, 0.3]))
    assert z[0, 0] == pytest.approx(0.2 * 0.4 + 0.4 * 0.6 + 0.3)  # z1 = w11 x1 + w21 x2 + b1


def _check_loss(fn, h, y):
    J, grad = fn(h, y)
    numeric = numerical_gradient(lambda: fn(h, y)[0], h)
    assert relative_error(grad, numeric) < 1e-7
    return J


def test_half_squared_error_value_and_gradient():
    h, y = rng.uniform(size=(4, 3)), rng.uniform(size=(4, 3))
    J = _check_loss(half_squared_error, h, y)
    assert J == pytest.approx(np.mean(0.5 * np.sum((h - y) ** 2, axis=1)))


def test_binary_cross_entropy_gradients():
    h, y = rng.uniform(0.1, 0.9, size=(6, 1)), rng.integers(0, 2, size=(6, 1)).astype(float)
    _check_loss(binary_cross_entropy, h, y)
    z = rng.normal(size=(6, 1))
    J = _check_loss(binary_cross_entropy_with_logits, z, y)
    assert J == pytest.approx(binary_cross_entropy(sigmoid(z), y)[0], rel=1e-12)


def test_softmax_cross_entropy_gradient_and_labels():
    z, labels = rng.normal(size=(5, 4)), rng.integers(0, 4, size=5)
    Y = np.eye(4)[labels]
    J = _check_loss(softmax_cross_entropy, z, Y)
    assert J == pytest.approx(softmax_cross_entropy(z, labels)[0])


def test_losses_stable_at_extreme_logits():
    z = np.array([[1e4], [-1e4]])
    y = np.array([[0.0], [1.0]])
    J, grad = binary_cross_entropy_with_logits(z, y)
    assert J == pytest.approx(1e4) and np.all(np.isfinite(grad))
    J, grad = softmax_cross_entropy(np.array([[1e4, -1e4]]), np.array([1]))
    assert J == pytest.approx(2e4) and np.all(np.isfinite(grad))
    J, _ = binary_cross_entropy(np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]]))
    assert np.isfinite(J)


def test_weight_decay_value_and_gradient():
    Ws = [rng.normal(size=(3, 2)), rng.normal(size=(2, 1))]
    value, grads = weight_decay(Ws, lam=0.3, m=7)
    assert value == pytest.approx(0.3 / 14 * sum(np.sum(W**2) for W in Ws))
    for W, g in zip(Ws, grads, strict=True):
        numeric = numerical_gradient(lambda: weight_decay(Ws, 0.3, 7)[0], W)
        assert relative_error(g, numeric) < 1e-7


def test_unknown_loss_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        get_loss("hinge")
