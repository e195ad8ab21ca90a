"""公开测试：通用近似、辅助损失、退化、RBM/DBN / Public tests: approximation, auxiliary loss,
degradation, RBM/DBN (numpy + pytest)."""

import itertools

import numpy as np
import pytest
import selfcheck as sc
from approximation import approximation_curve, fit_output_weights, sigmoid_sum, staircase_units
from auxiliary import auxiliary_loss
from data import load_digits
from degradation import training_error
from rbm import cd1_gradients, free_energy, hidden_probs, pretrain_rbms, visible_probs


def _sig(t: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-t))


@pytest.mark.task("a4.approximation")
def test_sigmoid_sum() -> None:
    x = np.array([0.0, 0.5, 1.0])
    got = sigmoid_sum(x, np.array([2.0, -1.0]), np.array([0.0, 1.0]), np.array([1.0, 3.0]))
    want = _sig(2 * x) + 3 * _sig(-x + 1)
    assert got.shape == (3,), f"F 的形状应为 (m,) / F must have shape (m,), got {got.shape}"
    assert np.allclose(got, want), "F(x) ≠ Σ v_i σ(w_i x + b_i)（检查广播 / check broadcasting）"


@pytest.mark.task("a4.approximation")
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


@pytest.mark.task("a4.auxiliary")
@pytest.mark.parametrize(("loss", "out", "K"), [("mse", "identity", 2), ("bce", "sigmoid", 1)])
def test_auxiliary_loss(loss: str, out: str, K: int) -> None:
    """Two hidden layers; ½‖h − y‖² with K = 2 linear outputs, and K = 1 sigmoid + bce."""
    rng = np.random.default_rng(0)
    sizes = [3, 4, 4, K]
    Ws = [rng.normal(size=(i, o)) for i, o in itertools.pairwise(sizes)]
    bs = [rng.normal(size=o) for o in sizes[1:]]
    V, c = rng.normal(size=(4, K)), rng.normal(size=K)
    X = rng.normal(size=(5, 3))
    y = rng.uniform(size=(5, K)) if loss == "mse" else rng.integers(0, 2, (5, K)).astype(float)
    acts = ["sigmoid", "sigmoid", out]
    J, dWs, dbs, dV, _ = auxiliary_loss(X, y, Ws, bs, acts, V, c, 2, 0.5, loss, out)
    # the known mistake: the head's error added to δ^(2) after f′ instead of to ∂J/∂a^(2)
    a2 = _sig(X @ Ws[0] + bs[0])
    h_aux = a2 @ V + c if out == "identity" else _sig(a2 @ V + c)
    da_aux = 0.5 * (h_aux - y) / X.shape[0] @ V.T
    after_fprime = X.T @ (da_aux * (1 - a2 * (1 - a2)))  # that mistake's dW^(1) − the right one
    eps = 1e-6
    for name, p, g in (("W^(1)", Ws[0], dWs[0]), ("V", V, dV)):
        num = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + eps
            fp = auxiliary_loss(X, y, Ws, bs, acts, V, c, 2, 0.5, loss, out)[0]
            p[i] = old - eps
            fm = auxiliary_loss(X, y, Ws, bs, acts, V, c, 2, 0.5, loss, out)[0]
            p[i] = old
            num[i] = (fp - fm) / (2 * eps)
        skipped = name == "W^(1)" and np.allclose(g, num + after_fprime, atol=1e-6)
        assert np.allclose(g, num, atol=1e-6), (
            f"∂J/∂{name} 与数值梯度不符"
            + ("（辅助误差要在乘 f′ 之前加到 ∂J/∂a^(k) 上：da = da + da_aux，再 activation_backward）"
               if skipped else "")
            + f" / ∂J/∂{name} disagrees with numerical gradients"
            + (" (add the head's error to ∂J/∂a^(k) before the f′ factor: da = da + da_aux, "
               "then activation_backward)" if skipped else "")
        )  # fmt: skip
    assert np.isfinite(J) and len(dWs) == 3 and len(dbs) == 3, "返回 (J, dWs, dbs, dV, dc)"


#: training_error on the first m digits, with the values the reference returns (the given fit is
#: deterministic for a seed): (m, hidden_layers, width, keywords, J at the final parameters,
#: fit's running average over the last epoch — the value of a known mistake).
DEGRADATION = [
    (50, 1, 6, {"epochs": 1, "seed": 0}, 2.31742325488229, 2.3307286933474716),
    (60, 3, 8, {"epochs": 2, "seed": 1, "batch_size": 16}, 2.2892523229847046, 2.3282950751790232),
    (60, 3, 8, {"epochs": 2, "seed": 1, "batch_size": 16, "residual": True}, 2.2614945901750967,
     2.3109901099859913),
    (60, 3, 8, {"epochs": 2, "seed": 1, "batch_size": 16, "activation": "tanh"}, 1.693479982047553,
     1.9381720910695786),
    (60, 3, 8, {"epochs": 2, "seed": 1, "batch_size": 16, "residual": True, "activation": "tanh"},
     1.7579213703588203, 2.030346487555323),
]  # fmt: skip


def _twin(case: int, drop: str) -> float:
    """去掉关键字 ``drop`` 的同一用例的参考值 / J of the same case without the keyword ``drop``."""
    m, depth, width, kw = DEGRADATION[case][:4]
    rest = {k: v for k, v in kw.items() if k != drop}
    return next(c[4] for c in DEGRADATION if c[:4] == (m, depth, width, rest))


@pytest.mark.task("a4.degradation")
@pytest.mark.parametrize("case", range(len(DEGRADATION)))
def test_training_error(case: int) -> None:
    m, depth, width, kw, want, running = DEGRADATION[case]
    X, y = load_digits()
    J = training_error(X[:m], y[:m], depth, width, **kw)
    assert isinstance(J, float) and np.isfinite(J), (
        f"应返回有限的 float / must return a finite float, got {J!r}"
    )
    assert not np.isclose(J, running, rtol=1e-6, atol=0), (
        "你返回的是 fit 记录的一轮平均损失；要的是最终参数下整个训练集上的 J = net.loss(X, y, 'ce')[0] / "
        "you returned fit's running average; return J = net.loss(X, y, 'ce')[0] at the final "
        "parameters"
    )
    if "activation" in kw:
        assert not np.isclose(J, _twin(case, "activation"), rtol=1e-6, atol=0), (
            "网络用了默认的 sigmoid：把 activation 传给 MLP(…, activation, 'softmax', …) 与 "
            "ResidualNet(…, activation=activation, …) / the network used the default sigmoid: pass "
            "activation on to MLP(…, activation, 'softmax', …) and ResidualNet(…, "
            "activation=activation, …)"
        )
    if kw.get("residual"):
        plain = _twin(case, "residual")  # the same arguments without residual=True
        assert not np.isclose(J, plain, rtol=1e-6, atol=0), (
            "residual=True 要建 ResidualNet(N_1, width, (hidden_layers - 1) // 2, K, …) / "
            "residual=True must build ResidualNet(N_1, width, (hidden_layers - 1) // 2, K, …)"
        )
    assert np.isclose(J, want, rtol=1e-6, atol=0), (
        f"J = {J!r}，应为 {want!r}：网络与训练要严格按文档（K = max(y) + 1，init='xavier'，seed=seed，"
        f"fit(..., loss='ce', optimizer='momentum', lr, epochs, batch_size, seed)）/ J = {J!r}, "
        f"expected {want!r}: build and train exactly as the docstring says (K = max(y) + 1, "
        "init='xavier', seed=seed, fit(..., loss='ce', optimizer='momentum', lr, epochs, "
        "batch_size, seed))"
    )


def _rbm_case(seed: int, m: int, n_v: int, n_h: int) -> tuple[np.ndarray, ...]:
    """固定的小 RBM 用例 / A fixed small RBM case: V (m, n_v) binary, W, b, c, U (m, n_h)."""
    rng = np.random.default_rng(seed)
    V = (rng.random((m, n_v)) > 0.5).astype(float)
    W, b, c = rng.normal(size=(n_v, n_h)), rng.normal(size=n_v), rng.normal(size=n_h)
    return V, W, b, c, rng.random((m, n_h))


@pytest.mark.task("a4.rbm")
def test_cd1_gradients() -> None:
    V, W, b, c, U = _rbm_case(2, 4, 3, 2)
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


@pytest.mark.task("a4.rbm")
def test_cd1_bias_gradients_and_error() -> None:
    V, W, b, c, U = _rbm_case(5, 5, 4, 3)
    _, db, dc, err = cd1_gradients(V, W, b, c, U)
    p_h0 = hidden_probs(V, W, c)
    h0 = (U < p_h0).astype(float)  # 采样 / the sample h0 = 1[U < p_h0]
    p_v1 = visible_probs(h0, W, b)  # 由采样的 h0 重构 / reconstructed from the sampled h0
    p_h1 = hidden_probs(p_v1, W, c)
    want_db, want_dc = np.mean(V - p_v1, axis=0), np.mean(p_h0 - p_h1, axis=0)
    assert np.allclose(db, want_db), (
        "Δb ≠ mean(V − p_v1)：数据项减重构项，对样本取平均"
        + ("（你的符号反了）" if np.allclose(db, -want_db) else "")
        + " / Δb must be mean(V − p_v1): data minus reconstruction, averaged over the samples"
        + (" (yours has the wrong sign)" if np.allclose(db, -want_db) else "")
    )
    sampled = np.allclose(dc, np.mean(h0 - p_h1, axis=0))
    assert np.allclose(dc, want_dc), (
        "Δc ≠ mean(p_h0 − p_h1)（数据项减重构项）"
        + ("（正相要用概率 p_h0，不是采样 h0）" if sampled else "")
        + " / Δc must be mean(p_h0 − p_h1) (data minus reconstruction)"
        + (
            " (the positive term uses the probabilities p_h0, not the samples h0)"
            if sampled
            else ""
        )
    )
    want_err = float(np.sum((V - p_v1) ** 2) / 5)
    per_unit = np.isclose(float(err), want_err / V.shape[1])
    assert np.isclose(float(err), want_err), (
        "重构误差 = Σ (V − p_v1)² / m：对可见单元求和、对样本平均"
        + ("（你又除以了可见单元数）" if per_unit else "")
        + " / the reconstruction error is Σ (V − p_v1)² / m: summed over the visible units, "
        "averaged over the samples"
        + (" (yours also divides by the number of units)" if per_unit else "")
    )


@pytest.mark.task("a4.dbn")
def test_pretrain_rbms_shapes() -> None:
    X = np.random.default_rng(0).uniform(size=(32, 8))
    Ws, bs = pretrain_rbms(X, [8, 5, 3], epochs=1)
    assert [W.shape for W in Ws] == [(8, 5), (5, 3)], "W^(l) 形状 / shapes of W^(l)"
    assert [b.shape for b in bs] == [(5,), (3,)], "返回隐偏置 c / return the hidden biases c"


@pytest.mark.task("a4.dbn")
def test_pretrain_rbms_follows_the_steps() -> None:
    """与给定的 RBM + fit 逐层训练的结果相同 / Equal to greedy training with the given RBM and fit
    (RBM l with seed + l, momentum, the next RBM on rbm.transform(codes))."""
    from rbm import RBM
    from training import fit

    where = ("rbm.py 中的 pretrain_rbms：RBM(n_in, n_out, seed=seed + l)，fit(rbm, codes, codes, loss='mse', optimizer='momentum', …, seed=seed + l, …)，codes = rbm.transform(codes)",
             "pretrain_rbms in rbm.py: RBM(n_in, n_out, seed=seed + l), fit(rbm, codes, codes, loss='mse', optimizer='momentum', …, seed=seed + l, …), codes = rbm.transform(codes)")  # fmt: skip
    X = np.random.default_rng(2).uniform(size=(48, 8))
    Ws, bs = sc.parts(sc.call(pretrain_rbms, X, [8, 5, 3], epochs=2, batch_size=16, seed=3), 2,
                      "pretrain_rbms", "(weights, biases)")  # fmt: skip

    def rbms(optimizer: str, step: int) -> list[np.ndarray]:
        out, codes = [], X
        for l, (n_in, n_out) in enumerate(itertools.pairwise([8, 5, 3])):
            rbm = RBM(n_in, n_out, seed=3 + step * l)
            fit(rbm, codes, codes, loss="mse", optimizer=optimizer, lr=0.1, epochs=2,
                batch_size=16, seed=3 + step * l, track_accuracy=False)  # fmt: skip
            out += [rbm.W, rbm.c]
            codes = rbm.transform(codes)
        return out

    want, sgd, same_seed = rbms("momentum", 1), rbms("sgd", 1), rbms("momentum", 0)
    got = [Ws[0], bs[0], Ws[1], bs[1]]
    for k, what in enumerate(("W^(1)", "c^(2)", "W^(2)", "c^(3)")):
        sc.expect(got[k], want[k], what, where,
                  mistakes=[(sgd[k], "RBM 用普通 SGD 训练了：fit(…, optimizer='momentum', …)", "the RBMs were trained with plain SGD: fit(…, optimizer='momentum', …)"),
                            (same_seed[k], "每个 RBM 用了同一个种子：第 l 个是 seed + l", "every RBM got the same seed: RBM l's is seed + l")])  # fmt: skip
