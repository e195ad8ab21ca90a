"""多层感知机：梯度、参数顺序、同时更新、错误输入 / MLP: gradients, slide order, simultaneous update, bad input."""

import numpy as np
import pytest

from nncore import MLP
from nncore._checks import NonFiniteError, ShapeError
from nncore.gradcheck import gradcheck_model
from nncore.layers import activation_backward, dense_backward
from nncore.optim import GradientDescent, Momentum, gradient_descent_update, minibatches

EXAMPLE1 = [0.2, 0.3, 0.4, 0.5, 0.3, 0.3, 0.7, 0.5, 0.8, 0.3, 0.5, 0.5]

CASES = [
    ([3, 4, 2], ["tanh", "sigmoid"], "mse", 0.0),
    ([2, 5, 3, 1], ["sigmoid", "relu", "sigmoid"], "bce", 0.1),
    ([4, 3, 3, 3, 3], ["leaky_relu", "tanh", "sigmoid", "softmax"], "ce", 0.05),
    ([3, 2, 4, 2], ["sigmoid", "identity", "sigmoid"], "bce", 0.0),
    ([2, 3, 2, 2, 3], ["tanh", "tanh", "tanh", "identity"], "mse", 0.2),
]


@pytest.mark.parametrize(("sizes", "acts", "loss", "lam"), CASES)
def test_random_mlp_gradients_match_finite_differences(sizes, acts, loss, lam):
    rng = np.random.default_rng(len(sizes))
    net = MLP(sizes, activations=acts, init="xavier", seed=3)
    for b in net.biases:
        b[...] = rng.normal(size=b.shape)
    X = rng.normal(size=(6, sizes[0]))
    if loss == "ce":
        y = rng.integers(0, sizes[-1], size=6)
    elif loss == "bce":
        y = rng.integers(0, 2, size=(6, sizes[-1])).astype(float)
    else:
        y = rng.normal(size=(6, sizes[-1]))
    assert gradcheck_model(net, X, y, loss, lam) < 1e-7


def test_flat_vector_is_in_the_slide_order():
    net = MLP.from_flat([2, 2, 2], EXAMPLE1)
    assert net.weights[0][0, 1] == 0.3  # w12^(1)
    assert net.weights[0][1, 0] == 0.4  # w21^(1)
    assert net.biases[1].tolist() == [0.5, 0.5]  # b^(3)
    np.testing.assert_array_equal(net.get_flat(), EXAMPLE1)
    assert net.parameter_names()[:6] == [
        "w11^(1)",
        "w12^(1)",
        "w21^(1)",
        "w22^(1)",
        "b1^(2)",
        "b2^(2)",
    ]
    h = net.predict([0.4, 0.6])
    np.testing.assert_allclose(h, [[0.8166, 0.7363]], atol=5e-5)


def test_simultaneous_update_differs_from_the_sequential_bug():
    """Hidden δ must come from the old weights: computing it after updating W^(2) is a bug."""
    net = MLP.from_flat([2, 2, 2], EXAMPLE1)
    X, y = np.array([[0.4, 0.6]]), np.array([[0.6, 0.6]])
    _, grads = net.loss(X, y)
    correct = gradient_descent_update(net.params, grads, 0.1)

    # The classic bug: update W^(2) first, then backpropagate δ^(2) through the new W^(2).
    out, caches = net.forward(X)
    delta3 = activation_backward((out - y), caches[1][1])
    _, dW2, _ = dense_backward(delta3, caches[1][0])
    W2_new = net.weights[1] - 0.1 * dW2
    da2 = delta3 @ W2_new.T
    delta2 = activation_backward(da2, caches[0][1])
    _, dW1_bug, _ = dense_backward(delta2, caches[0][0])
    W1_bug = net.weights[0] - 0.1 * dW1_bug

    assert np.abs(W1_bug - correct[0]).max() > 1e-6  # the bug is visible …
    GradientDescent(0.1).step(net.params, grads)
    np.testing.assert_array_equal(net.weights[0], correct[0])  # … and the optimiser avoids it


def test_mlp_learns_xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = MLP([2, 3, 1], "tanh", "sigmoid", init="xavier", seed=0)
    opt = Momentum(lr=0.5, beta=0.9)
    for _ in range(1500):
        _, grads = net.loss(X, y, "bce")
        opt.step(net.params, grads)
    assert np.array_equal(net.predict(X) > 0.5, y > 0.5)


def test_float32_end_to_end():
    net = MLP([3, 4, 2], dtype=np.float32, seed=1)
    X = np.ones((5, 3), dtype=np.float32)
    _, grads = net.loss(X, np.zeros((5, 2), dtype=np.float32), "mse", lam=0.1)
    assert all(g.dtype == np.float32 for g in grads)
    GradientDescent(0.1).step(net.params, grads)
    assert all(p.dtype == np.float32 for p in net.params)


def test_minibatches_cover_every_sample_once():
    batches = list(minibatches(10, 3, np.random.default_rng(0)))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))


def test_bad_inputs_get_clear_errors():
    net = MLP([2, 2, 2])
    with pytest.raises(ShapeError, match="length 12"):
        net.set_flat(np.zeros(11))
    with pytest.raises(ShapeError, match="2 columns"):
        net.predict(np.zeros((3, 5)))
    with pytest.raises(NonFiniteError, match="NaN"):
        net.predict(np.array([[np.nan, 1.0]]))
    with pytest.raises(ShapeError, match="shape"):
        net.loss(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="unknown activation"):
        MLP([2, 2], "sigmoidd")
    with pytest.raises(ValueError, match="need 2 activations"):
        MLP([2, 2, 2], activations=["sigmoid"])
    with pytest.raises(ValueError, match="at least two"):
        MLP([2])
