"""公开测试：梯度范数、残差块、鞍点、降噪自编码器、参数个数 / Public tests of a4 (numpy + pytest)."""

import numpy as np
import pytest
from autoencoder import corrupt, dae_backward, dae_forward, pretrain_layers
from depth_width import param_count
from momentum import descend, saddle
from residual import residual_backward, residual_forward
from vanishing import layer_gradient_norms


@pytest.mark.points(
    2, "逐层梯度范数：个数与梯度消失", "per-layer gradient norms: count and vanishing"
)
def test_layer_gradient_norms() -> None:
    norms = layer_gradient_norms(6, "sigmoid", width=16, m=64)
    assert len(norms) == 6 and all(isinstance(n, float) and n > 0 for n in norms)
    assert norms[0] < norms[-1] / 10


@pytest.mark.points(2, "残差块前向", "residual block forward")
def test_residual_forward() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 2))
    W1, b1, W2, b2 = (
        rng.normal(size=(2, 4)),
        rng.normal(size=4),
        rng.normal(size=(4, 2)),
        rng.normal(size=2),
    )
    out, _ = residual_forward(a, W1, b1, W2, b2, "relu")
    assert np.allclose(out, a + np.maximum(a @ W1 + b1, 0) @ W2 + b2)


@pytest.mark.points(
    2, "残差块反向：形状与恒等捷径", "residual block backward: shapes, identity path"
)
def test_residual_backward() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=(3, 2))
    W1, b1, b2 = rng.normal(size=(2, 4)), rng.normal(size=4), rng.normal(size=2)
    _, cache = residual_forward(a, W1, b1, np.zeros((4, 2)), b2, "sigmoid")
    dout = rng.normal(size=(3, 2))
    da, dW1, db1, dW2, db2 = residual_backward(dout, cache)
    assert (dW1.shape, db1.shape, dW2.shape, db2.shape) == ((2, 4), (4,), (4, 2), (2,))
    assert np.allclose(da, dout) and np.allclose(db2, dout.sum(axis=0))


@pytest.mark.points(2, "鞍点上的梯度下降与冲量法", "GD and momentum on the saddle")
def test_descend() -> None:
    path, values = descend(saddle, (0.5, 0.5), optimizer="gd", lr=0.1, steps=2)
    assert path.shape == (3, 2) and values.shape == (3,)
    assert np.allclose(path[1], [0.5 - 0.1 * (0.125 - 0.5), 0.45])
    mpath, _ = descend(saddle, (0.5, 0.5), optimizer="momentum", lr=0.1, beta=0.9, steps=2)
    v1 = -0.1 * saddle(np.array([0.5, 0.5]))[1]
    v2 = 0.9 * v1 - 0.1 * saddle(mpath[1])[1]
    assert np.allclose(mpath[1], np.array([0.5, 0.5]) + v1) and np.allclose(mpath[2], mpath[1] + v2)


@pytest.mark.points(1, "掩码噪声", "masking noise")
def test_corrupt() -> None:
    X = np.ones((50, 4))
    Xt, mask = corrupt(X, 0.25, np.random.default_rng(0))
    assert np.array_equal(mask, np.random.default_rng(0).random((50, 4)) >= 0.25)
    assert np.array_equal(Xt, mask)


@pytest.mark.points(2, "降噪自编码器前向与反向的形状", "DAE forward and backward shapes")
def test_dae_shapes() -> None:
    rng = np.random.default_rng(2)
    X, mask = rng.uniform(size=(5, 6)), np.ones((5, 6))
    W1, b1, W2, b2 = rng.normal(size=(6, 3)), np.zeros(3), rng.normal(size=(3, 6)), np.zeros(6)
    xhat, cache = dae_forward(X, mask, W1, b1, W2, b2)
    sig = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    assert np.allclose(xhat, sig(sig(X @ W1) @ W2))
    grads = dae_backward((xhat - X) / 5, cache)
    assert [g.shape for g in grads] == [(6, 3), (3,), (3, 6), (6,)]


@pytest.mark.points(1, "逐层预训练的形状", "layer-wise pre-training shapes")
def test_pretrain_layers_shapes() -> None:
    X = np.random.default_rng(3).uniform(size=(40, 8))
    Ws, bs = pretrain_layers(X, [8, 5, 3], epochs=2)
    assert [W.shape for W in Ws] == [(8, 5), (5, 3)] and [b.shape for b in bs] == [(5,), (3,)]


@pytest.mark.points(1, "参数个数", "parameter count")
def test_param_count() -> None:
    assert param_count([2, 2, 2]) == 12 and param_count([1, 32, 1]) == param_count([1, 8, 8, 1])
