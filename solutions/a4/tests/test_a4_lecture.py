"""公开测试：通用近似、辅助损失、退化、RBM/DBN / Public tests: approximation, auxiliary loss,
degradation, RBM/DBN (numpy + pytest)."""

import itertools

import numpy as np
import pytest
from approximation import approximation_curve, fit_output_weights, sigmoid_sum, staircase_units
from auxiliary import auxiliary_loss
from data import load_digits
from degradation import training_error
from rbm import cd1_gradients, free_energy, hidden_probs, pretrain_rbms, visible_probs


def _sig(t: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-t))


@pytest.mark.points(1, "通用近似：F(x) = Σ v_i σ(w_i x + b_i)", "approximation: F(x)")
def test_sigmoid_sum() -> None:
    x = np.array([0.0, 0.5, 1.0])
    got = sigmoid_sum(x, np.array([2.0, -1.0]), np.array([0.0, 1.0]), np.array([1.0, 3.0]))
    want = _sig(2 * x) + 3 * _sig(-x + 1)
    assert got.shape == (3,), f"F 的形状应为 (m,) / F must have shape (m,), got {got.shape}"
    assert np.allclose(got, want), "F(x) ≠ Σ v_i σ(w_i x + b_i)（检查广播 / check broadcasting）"


@pytest.mark.points(1, "通用近似：误差随 N 下降", "approximation: error falls with N")
def test_error_falls_with_units() -> None:
    x = np.linspace(0, 1, 40)
    w, b = staircase_units(5)
    v = fit_output_weights(x, np.sin(3 * x), w, b)
    Phi = _sig(np.outer(x, w) + b)
    assert v.shape == (5,), f"v 的形状应为 (N,) / v must have shape (N,), got {np.shape(v)}"
    assert np.allclose(Phi.T @ (Phi @ v - np.sin(3 * x)), 0, atol=1e-8), (
        "v 不是最小二乘解 / v is not the least-squares solution"
    )
    err = approximation_curve(lambda t: t + 0.3 * np.sin(2 * np.pi * t), [2, 16, 64])["max_error"]
    assert err[0] > err[1] > err[2], f"误差应随 N 下降 / the error must fall with N: {err}"


@pytest.mark.points(2, "辅助损失：J 与梯度（数值梯度）", "auxiliary loss: J and gradients")
def test_auxiliary_loss() -> None:
    rng = np.random.default_rng(0)
    sizes = [3, 4, 4, 2]
    Ws = [rng.normal(size=(i, o)) for i, o in itertools.pairwise(sizes)]
    bs = [rng.normal(size=o) for o in sizes[1:]]
    V, c = rng.normal(size=(4, 2)), rng.normal(size=2)
    X, y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    acts = ["sigmoid", "sigmoid", "identity"]
    J, dWs, dbs, dV, _ = auxiliary_loss(X, y, Ws, bs, acts, V, c, 2, 0.5, "mse", "identity")
    eps = 1e-6
    for name, p, g in (("W^(1)", Ws[0], dWs[0]), ("V", V, dV)):
        num = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + eps
            fp = auxiliary_loss(X, y, Ws, bs, acts, V, c, 2, 0.5, "mse", "identity")[0]
            p[i] = old - eps
            fm = auxiliary_loss(X, y, Ws, bs, acts, V, c, 2, 0.5, "mse", "identity")[0]
            p[i] = old
            num[i] = (fp - fm) / (2 * eps)
        assert np.allclose(g, num, atol=1e-6), (
            f"∂J/∂{name} 与数值梯度不符 / ∂J/∂{name} disagrees with numerical gradients"
        )
    assert np.isfinite(J) and len(dWs) == 3 and len(dbs) == 3, "返回 (J, dWs, dbs, dV, dc)"


@pytest.mark.points(1, "退化：训练后的训练误差", "degradation: training error")
def test_training_error() -> None:
    X, y = load_digits()
    J = training_error(X[:50], y[:50], 1, 6, epochs=1, seed=0)
    assert isinstance(J, float) and np.isfinite(J), (
        f"应返回有限的 float / must return a finite float, got {J!r}"
    )
    assert 0 < J < 2.5, f"J = {J} 不合理（10 类的随机水平约 2.3）/ implausible J (chance ≈ 2.3)"


@pytest.mark.points(2, "RBM：CD-1（自由能差的数值梯度）", "RBM: CD-1 (free-energy gradient)")
def test_cd1_gradients() -> None:
    rng = np.random.default_rng(2)
    V = (rng.random((4, 3)) > 0.5).astype(float)
    W, b, c = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=2)
    U = rng.random((4, 2))
    dW, db, dc, _ = cd1_gradients(V, W, b, c, U)
    assert (dW.shape, db.shape, dc.shape) == ((3, 2), (3,), (2,)), "形状 / shapes"
    p_v1 = visible_probs((U < hidden_probs(V, W, c)).astype(float), W, b)
    eps = 1e-6
    num = np.zeros_like(W)
    for i in np.ndindex(W.shape):
        old = W[i]
        W[i] = old + eps
        fp = -np.mean(free_energy(V, W, b, c) - free_energy(p_v1, W, b, c))
        W[i] = old - eps
        fm = -np.mean(free_energy(V, W, b, c) - free_energy(p_v1, W, b, c))
        W[i] = old
        num[i] = (fp - fm) / (2 * eps)
    assert np.allclose(dW, num, atol=1e-7), (
        "ΔW ≠ (Vᵀ p_h0 − p_v1ᵀ p_h1)/m（检查正相用概率、符号与 1/m / check probabilities, sign, 1/m）"
    )


@pytest.mark.points(1, "DBN：逐层预训练的形状", "DBN: shapes of the pre-trained layers")
def test_pretrain_rbms_shapes() -> None:
    X = np.random.default_rng(0).uniform(size=(32, 8))
    Ws, bs = pretrain_rbms(X, [8, 5, 3], epochs=1)
    assert [W.shape for W in Ws] == [(8, 5), (5, 3)], "W^(l) 形状 / shapes of W^(l)"
    assert [b.shape for b in bs] == [(5,), (3,)], "返回隐偏置 c / return the hidden biases c"
