"""公开测试：激活函数 / Public tests: activation functions (numpy + pytest only)."""

import numpy as np
import pytest
from activations import (
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    sign,
    step,
    tanh,
    tanh_derivative,
)

T = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])


@pytest.mark.points(1, "step：阈值与 f(0)=1", "step: threshold and f(0) = 1")
def test_step() -> None:
    assert np.array_equal(step(T), [0, 0, 1, 1, 1])
    assert step(np.zeros((2, 3))).shape == (2, 3)


@pytest.mark.points(1, "sgn：取值 ±1，sgn(0)=1", "sgn: values ±1, sgn(0) = 1")
def test_sign() -> None:
    assert np.array_equal(sign(T), [-1, -1, 1, 1, 1])


@pytest.mark.points(2, "sigmoid 的值与形状", "sigmoid values and shape")
def test_sigmoid() -> None:
    assert np.allclose(sigmoid(T), 1 / (1 + np.exp(-T)))
    assert sigmoid(np.zeros((3, 2))).shape == (3, 2)
    assert np.isclose(sigmoid(np.array(0.2 * 0.4 + 0.4 * 0.6 + 0.3)), 0.6502, atol=5e-5)


@pytest.mark.points(1, "sigmoid 的导数 σ(1−σ)", "sigmoid derivative σ(1−σ)")
def test_sigmoid_derivative() -> None:
    s = 1 / (1 + np.exp(-T))
    assert np.allclose(sigmoid_derivative(T), s * (1 - s))
    assert np.isclose(sigmoid_derivative(np.array(0.0)), 0.25)


@pytest.mark.points(2, "tanh 及其导数", "tanh and its derivative")
def test_tanh() -> None:
    assert np.allclose(tanh(T), np.tanh(T))
    assert np.allclose(tanh_derivative(T), 1 - np.tanh(T) ** 2)


@pytest.mark.points(2, "ReLU 及其导数", "ReLU and its derivative")
def test_relu() -> None:
    assert np.array_equal(relu(T), [0, 0, 0, 0.5, 2])
    assert np.array_equal(relu_derivative(T), [0, 0, 0, 1, 1])


@pytest.mark.points(2, "Leaky ReLU 及其导数", "Leaky ReLU and its derivative")
def test_leaky_relu() -> None:
    assert np.allclose(leaky_relu(T, 0.1), [-0.2, -0.05, 0, 0.5, 2])
    assert np.allclose(leaky_relu_derivative(T, 0.1), [0.1, 0.1, 0.1, 1, 1])
