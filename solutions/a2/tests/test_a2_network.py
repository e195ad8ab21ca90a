"""公开测试：例题1、反向传播、更新、梯度检验、练习题 / Public tests: 例题1, backprop, update,
gradient check and the 练习题."""

import numpy as np
import pytest
from exercise import my_samples, one_update
from gradcheck import numerical_gradient
from losses import half_squared_error
from mlp import mlp_backward, mlp_forward
from optim import gradient_descent_update

# 例题1：2-2-2，全部 sigmoid / 例题1: 2-2-2, sigmoid everywhere; W[j, i] = w_ji
W1, B1 = np.array([[0.2, 0.3], [0.4, 0.5]]), np.array([0.3, 0.3])
W2, B2 = np.array([[0.7, 0.5], [0.8, 0.3]]), np.array([0.5, 0.5])
X, Y = np.array([[0.4, 0.6]]), np.array([[0.6, 0.6]])


def example1():
    out, caches = mlp_forward(X, [W1, W2], [B1, B2], ["sigmoid", "sigmoid"])
    J, dout = half_squared_error(out, Y)
    return out, caches, J, dout


@pytest.mark.points(3, "例题1 前向：h1, h2, y1, y2", "例题1 forward: h1, h2, y1, y2")
def test_example1_forward() -> None:
    out, caches, _, _ = example1()
    assert out.shape == (1, 2) and len(caches) == 2
    assert np.allclose(out, [[0.8166, 0.7363]], atol=5e-5)


@pytest.mark.points(3, "例题1 第二层梯度 ∂J/∂w11^(2) ≈ 0.0211", "例题1 ∂J/∂w11^(2) ≈ 0.0211")
def test_example1_backward() -> None:
    _, caches, _, dout = example1()
    dWs, dbs = mlp_backward(dout, caches)
    assert [g.shape for g in dWs] == [(2, 2), (2, 2)] and [g.shape for g in dbs] == [(2,), (2,)]
    assert np.isclose(dWs[1][0, 0], 0.0211, atol=5e-5)


@pytest.mark.points(2, "例题1 更新：w11^(2) → 0.6979", "例题1 update: w11^(2) → 0.6979")
def test_example1_update() -> None:
    _, caches, _, dout = example1()
    dWs, dbs = mlp_backward(dout, caches)
    new = gradient_descent_update([W1, B1, W2, B2], [dWs[0], dbs[0], dWs[1], dbs[1]], 0.1)
    assert np.allclose(new[2], [[0.6979, 0.4983], [0.7978, 0.2982]], atol=1.5e-4)
    assert np.allclose(W2, [[0.7, 0.5], [0.8, 0.3]]), "不要修改传入的数组 / do not modify inputs"


@pytest.mark.points(2, "中心差分数值梯度", "central-difference numerical gradient")
def test_numerical_gradient() -> None:
    x = np.array([1.0, -2.0, 0.5])
    g = numerical_gradient(lambda: float(np.sum(x**3)), x)
    assert g.shape == (3,) and np.allclose(g, 3 * x**2, atol=1e-6)
    assert np.array_equal(x, [1.0, -2.0, 0.5]), "x 必须恢复原值 / x must be restored"


@pytest.mark.points(3, "练习题：样本合法、一次更新", "练习题: valid samples, one update")
def test_exercise() -> None:
    Xs, ys = my_samples()
    assert Xs.ndim == 2 and Xs.shape[1] == 2 and ys.shape == (Xs.shape[0],)
    assert 2 <= Xs.shape[0] <= 10 and set(np.unique(ys)) == {0.0, 1.0}
    theta = np.array([0.2, 0.3, 0.4, 0.5, 0.3, 0.3, 0.7, 0.8, 0.5])
    Xd = np.array([[0.1, 0.2], [0.2, 0.1], [0.8, 0.9], [0.9, 0.7]])
    yd = np.array([0.0, 0.0, 1.0, 1.0])
    new = one_update(theta, Xd, yd, 0.1, "mse")
    expected = [0.1999986, 0.2999876, 0.3999888, 0.4999771, 0.2991151, 0.2989820,
                0.6970631, 0.7970601, 0.4948834]  # fmt: skip
    assert new.shape == (9,) and np.allclose(new, expected, atol=1e-6)
