"""公开测试：TLU、感知机、逻辑回归 / Public tests: TLU, perceptron, logistic regression."""

import numpy as np
import pytest
from neurons import (
    logistic_forward,
    logistic_gradient,
    logistic_update,
    perceptron_predict,
    perceptron_update,
    tlu,
)

X_AND = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


@pytest.mark.points(2, "TLU 实现与门", "TLU computes AND")
def test_tlu_and() -> None:
    assert np.array_equal(tlu(X_AND, np.array([1.0, 1.0]), 1.5), [0, 0, 0, 1])
    assert tlu(X_AND, 1.0, 0.5).shape == (4,)


@pytest.mark.points(1, "感知机输出", "perceptron output")
def test_perceptron_predict() -> None:
    assert np.array_equal(perceptron_predict(X_AND, np.array([1.0, 1.0]), -1.5), [0, 0, 0, 1])


@pytest.mark.points(2, "感知机学习规则一步", "one step of the perceptron rule")
def test_perceptron_update() -> None:
    w, b = perceptron_update(np.zeros(2), 0.0, np.array([1.0, 2.0]), 0.0, lr=0.5)
    assert np.allclose(w, [-0.5, -1.0]) and np.isclose(b, -0.5)
    w2, b2 = perceptron_update(w, b, np.array([1.0, 2.0]), 0.0, lr=0.5)  # now correct
    assert np.allclose(w2, w) and np.isclose(b2, b)


@pytest.mark.points(3, "逻辑回归前向、梯度与更新", "logistic forward, gradient and update")
def test_logistic() -> None:
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    y = np.array([1.0, 0.0])
    w, b = np.array([0.1, -0.2]), 0.05
    a = logistic_forward(X, w, b)
    assert a.shape == (2,) and np.allclose(a, 1 / (1 + np.exp(-(X @ w + b))))
    J, dw, db = logistic_gradient(X, y, w, b)
    assert np.isclose(J, -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))
    assert np.allclose(dw, X.T @ (a - y) / 2) and np.isclose(db, np.mean(a - y))
    w1, b1 = logistic_update(w, b, dw, db, 0.5)
    assert np.allclose(w1, w - 0.5 * dw) and np.isclose(b1, b - 0.5 * db)
