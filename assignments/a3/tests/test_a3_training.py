"""公开测试：小批量、冲量、权值衰减、归一化、早停 / Public tests of a3 (numpy + pytest only)."""

import numpy as np
import pytest
from losses import weight_decay
from mlp import MLP
from optim import GradientDescent, minibatches, momentum_update
from preprocessing import minmax_fit, minmax_transform, zscore_fit, zscore_transform
from training import early_stopping_step, sgd_epoch


@pytest.mark.points(1, "小批量：顺序与大小", "mini-batches: order and sizes")
def test_minibatches_in_order() -> None:
    batches = [b.tolist() for b in minibatches(7, 3)]
    assert batches == [[0, 1, 2], [3, 4, 5], [6]]


@pytest.mark.points(1, "小批量：打乱后每个样本恰好一次", "mini-batches: shuffled, each sample once")
def test_minibatches_shuffled() -> None:
    batches = list(minibatches(10, 4, np.random.default_rng(1)))
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    assert np.concatenate(batches).tolist() == np.random.default_rng(1).permutation(10).tolist()


@pytest.mark.points(2, "冲量法一步", "one momentum step")
def test_momentum_update() -> None:
    p, g, v = [np.array([1.0, -1.0])], [np.array([2.0, 0.0])], [np.array([0.5, 0.5])]
    new_p, new_v = momentum_update(p, g, v, lr=0.1, beta=0.5)
    assert np.allclose(new_v[0], [0.05, 0.25]) and np.allclose(new_p[0], [1.05, -0.75])
    assert np.allclose(p[0], [1.0, -1.0]), "不要就地修改 / do not modify the inputs"


@pytest.mark.points(2, "权值衰减的值与梯度", "weight decay value and gradient")
def test_weight_decay() -> None:
    W = np.array([[1.0, 2.0], [0.0, -2.0]])
    R, (dW,) = weight_decay([W], lam=0.5, m=2)
    assert np.isclose(R, 0.5 / 4 * 9) and np.allclose(dW, 0.25 * W)


@pytest.mark.points(2, "z-score 拟合与变换", "z-score fit and transform")
def test_zscore() -> None:
    X = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]])
    mu, sd = zscore_fit(X)
    assert np.allclose(mu, [2, 1]) and np.allclose(sd, [np.sqrt(8 / 3), 0])
    Z = zscore_transform(X, mu, sd)
    assert Z.shape == (3, 2) and np.allclose(Z[:, 0].mean(), 0) and np.allclose(Z[:, 1], 0)


@pytest.mark.points(1, "最小-最大缩放", "min-max scaling")
def test_minmax() -> None:
    X = np.array([[0.0, 5.0], [10.0, 5.0]])
    lo, hi = minmax_fit(X)
    assert np.allclose(
        minmax_transform(np.array([[5.0, 5.0], [20.0, 5.0]]), lo, hi), [[0.5, 0], [2, 0]]
    )


@pytest.mark.points(
    2, "一轮 SGD：全批量等于一步梯度下降", "one SGD epoch: full batch is one GD step"
)
def test_sgd_epoch_full_batch() -> None:
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    a, b = (
        MLP([2, 3, 1], "sigmoid", "identity", seed=0),
        MLP([2, 3, 1], "sigmoid", "identity", seed=0),
    )
    J = sgd_epoch(a, X, Y, loss="mse", optimizer=GradientDescent(0.5), batch_size=8)
    J_ref, grads = b.loss(X, Y, "mse")
    assert np.isclose(J, J_ref)
    for p, q, g in zip(a.params, b.params, grads, strict=True):
        assert np.allclose(p, q - 0.5 * g)


@pytest.mark.points(
    1, "一轮 SGD：返回按批大小加权的平均损失", "one SGD epoch: size-weighted mean loss"
)
def test_sgd_epoch_mean_loss() -> None:
    X, Y = np.arange(5.0)[:, None], np.zeros((5, 1))
    net = MLP([1, 1], "identity", seed=0)
    net.weights[0][...] = 1.0
    J = sgd_epoch(net, X, Y, loss="mse", optimizer=GradientDescent(0.0), batch_size=2)
    assert np.isclose(J, np.mean(0.5 * np.arange(5.0) ** 2))


@pytest.mark.points(2, "早停规则", "early stopping rule")
def test_early_stopping() -> None:
    assert early_stopping_step(np.inf, -1, 0, 1.0, 0, patience=2) == (1.0, 0, 0, False)
    assert early_stopping_step(1.0, 0, 0, 1.2, 1, patience=2) == (1.0, 0, 1, False)
    assert early_stopping_step(1.0, 0, 1, 1.1, 2, patience=2) == (1.0, 0, 2, True)
