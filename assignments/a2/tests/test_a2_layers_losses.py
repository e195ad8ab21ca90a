"""公开测试：全连接层与损失 / Public tests: dense layer and losses (numpy + pytest only)."""

import numpy as np
import pytest
from layers import dense_backward, dense_forward
from losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    half_squared_error,
    softmax_cross_entropy,
)

RNG = np.random.default_rng(0)
A = RNG.normal(size=(3, 2))
W = RNG.normal(size=(2, 4))
B = RNG.normal(size=4)


@pytest.mark.points(2, "全连接层前向 z = aW + b", "dense forward z = aW + b")
def test_dense_forward() -> None:
    z, _ = dense_forward(A, W, B)
    assert z.shape == (3, 4)
    assert np.allclose(z, A @ W + B)


@pytest.mark.points(3, "全连接层反向的形状与数值", "dense backward shapes and values")
def test_dense_backward() -> None:
    _, cache = dense_forward(A, W, B)
    dz = np.ones((3, 4))
    da, dW, db = dense_backward(dz, cache)
    assert da.shape == A.shape and dW.shape == W.shape and db.shape == B.shape
    assert np.allclose(db, [3, 3, 3, 3])
    assert np.allclose(dW, A.sum(axis=0)[:, None] * np.ones((1, 4)))
    assert np.allclose(da, np.tile(W.sum(axis=1), (3, 1)))


@pytest.mark.points(2, "平方误差 ½‖h−y‖²", "half squared error ½‖h−y‖²")
def test_half_squared_error() -> None:
    h, y = np.array([[0.8166, 0.7363]]), np.array([[0.6, 0.6]])
    J, dh = half_squared_error(h, y)
    assert np.isclose(J, 0.5 * ((0.2166) ** 2 + (0.1363) ** 2))
    assert np.allclose(dh, h - y)


@pytest.mark.points(2, "二分类交叉熵", "binary cross-entropy")
def test_bce() -> None:
    h, y = np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])
    J, dh = binary_cross_entropy(h, y)
    assert np.isclose(J, -(np.log(0.9) + np.log(0.8)) / 2)
    assert dh.shape == (2, 1)
    z = np.log(h / (1 - h))
    J2, dz = binary_cross_entropy_with_logits(z, y)
    assert np.isclose(J2, J) and np.allclose(dz, (h - y) / 2)


@pytest.mark.points(2, "softmax 交叉熵", "softmax cross-entropy")
def test_softmax_ce() -> None:
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    J, dz = softmax_cross_entropy(z, y)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert np.isclose(J, -np.mean(np.log(p[y == 1])))
    assert np.allclose(dz, (p - y) / 2)
