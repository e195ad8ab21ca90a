"""激活函数：导数、稳定性、阈值函数 / Activations: derivatives, stability, threshold functions."""

import numpy as np
import pytest

from nncore.activations import ACTIVATIONS, get_activation, sigmoid, softmax, tanh
from nncore.gradcheck import numerical_gradient, relative_error
from nncore.layers import activation_backward, activation_forward

DIFFERENTIABLE = ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"]


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_backward_matches_finite_differences(name):
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 5))
    z[np.abs(z) < 1e-3] = 0.5  # keep away from the ReLU kink
    G = rng.normal(size=z.shape)
    _, cache = activation_forward(z, name)
    dz = activation_backward(G, cache)
    numeric = numerical_gradient(lambda: float(np.sum(G * get_activation(name).forward(z))), z)
    assert relative_error(dz, numeric) < 1e-7


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "identity"])
def test_derivative_is_slope(name):
    f = get_activation(name)
    z = np.linspace(-3, 3, 13) + 0.05
    numeric = (f.forward(z + 1e-6) - f.forward(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(f.derivative(z), numeric, rtol=1e-6, atol=1e-9)


def test_sigmoid_stable_at_extremes():
    z = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    a = sigmoid(z)  # pytest -W error turns any overflow warning into a failure
    np.testing.assert_array_equal(a, [0.0, 0.0, 0.5, 1.0, 1.0])
    assert get_activation("sigmoid").derivative(z)[0] == 0.0


def test_softmax_stable_and_normalised():
    z = np.array([[1e4, 0.0, -1e4], [3.0, 3.0, 3.0]])
    a = softmax(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    np.testing.assert_allclose(a[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(a[1], 1 / 3)


def test_float32_stays_float32():
    z = np.linspace(-2, 2, 5, dtype=np.float32)
    for name in ACTIVATIONS:
        assert get_activation(name).forward(z).dtype == np.float32, name


def test_threshold_functions_as_on_the_slide():
    t = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(get_activation("step").forward(t), [0, 1, 1])
    np.testing.assert_array_equal(get_activation("sign").forward(t), [-1, 1, 1])  # sgn(0) = 1


@pytest.mark.parametrize("name", ["step", "sign"])
def test_threshold_functions_refuse_backprop(name):
    assert get_activation(name).derivative is None
    _, cache = activation_forward(np.ones((1, 2)), name)
    with pytest.raises(ValueError, match="cannot be backpropagated"):
        activation_backward(np.ones((1, 2)), cache)


def test_unknown_activation_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown activation 'sigmod'.*sigmoid"):
        get_activation("sigmod")


def test_tanh_slip_in_the_lecture():
    t = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(2 * sigmoid(t) - 1, tanh(t / 2), atol=1e-15)
    np.testing.assert_allclose(2 * sigmoid(2 * t) - 1, tanh(t), atol=1e-15)
    assert not np.allclose(2 * sigmoid(t) - 1, tanh(t))
