"""讲义其余部分：通用近似、辅助损失、退化、RBM/DBN、例题2 符号勘误 / The rest of the lecture.

Every gradient is checked against central differences (or an exact enumeration for the RBM);
the effects (error falling with N, degradation, the auxiliary loss reaching the first layers)
are asserted as effects with margins, never as times.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nncore import approximation as UA
from nncore import auxiliary as AUX
from nncore import degradation as DEG
from nncore import rbm as RBM
from nncore.activations import sigmoid
from nncore.data import load_digits
from nncore.examples.example2_sign import sign_erratum
from nncore.gradcheck import gradcheck_model, numerical_gradient, relative_error
from nncore.mlp import MLP


# --- universal approximation ----------------------------------------------------------------
def test_sigmoid_sum_is_the_lecture_formula() -> None:
    rng = np.random.default_rng(0)
    x, w, b, v = rng.uniform(size=7), rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
    want = [sum(v[i] / (1 + np.exp(-(w[i] * xn + b[i]))) for i in range(4)) for xn in x]
    assert np.allclose(UA.sigmoid_sum(x, w, b, v), want)


def test_output_weights_solve_the_normal_equations() -> None:
    x = np.linspace(0, 1, 50)
    y = np.cos(3 * x)
    w, b = UA.staircase_units(7)
    v = UA.fit_output_weights(x, y, w, b)
    Phi = sigmoid(np.outer(x, w) + b)
    assert np.allclose(Phi.T @ (Phi @ v - y), 0, atol=1e-9)


def test_error_falls_as_units_grow() -> None:
    c = UA.approximation_curve(lambda x: x + 0.3 * np.sin(2 * np.pi * x), [2, 8, 32, 128])
    err = c["max_error"]
    assert all(a > b for a, b in itertools.pairwise(err)), err
    assert err[0] > 0.2 and err[-1] < 0.005


def test_two_layers_represent_the_composition_exactly_one_layer_needs_many_more() -> None:
    x = np.linspace(0, 1, 1001)
    assert np.max(np.abs(UA.deep_forward(x, 2) - UA.composed_target(x, 2))) < 1e-12
    g, gg = (lambda x: UA.composed_target(x, 1)), (lambda x: UA.composed_target(x, 2))
    assert UA.composed_target(np.array([0.0, 1.0]), 1).min() >= -1e-9
    n_g, n_gg = UA.units_needed(g, 0.05, max_units=128), UA.units_needed(gg, 0.05, max_units=128)
    assert n_g is not None and n_gg is not None
    # two hidden layers: 8 units; one hidden layer (staircase bound): ≥ 3× as many as for g
    assert n_gg >= 3 * n_g and n_gg > 8


def test_trained_one_layer_still_needs_more_units_than_two_layers() -> None:
    """训练整个隐层后也一样 / Also with the hidden layer trained (fixed seed, deterministic)."""
    g, gg = (lambda x: UA.composed_target(x, 1)), (lambda x: UA.composed_target(x, 2))
    assert UA.trained_one_layer(g, 4) < 0.06  # g: 4 units suffice (it *is* 4 sigmoids)
    assert UA.trained_one_layer(gg, 16) > 0.2  # g∘g: 16 units in one layer are far off, while
    # two hidden layers of 4 units (8 in all) represent it exactly (test above)


# --- auxiliary loss -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("loss", "out"), [("ce", "softmax"), ("mse", "identity"), ("bce", "sigmoid")]
)
def test_auxiliary_loss_gradients_match_finite_differences(loss: str, out: str) -> None:
    rng = np.random.default_rng(3)
    sizes, k, lam = [3, 4, 5, 4, 3], 3, 0.7
    Ws = [rng.normal(size=(i, o)) for i, o in itertools.pairwise(sizes)]
    bs = [rng.normal(size=o) for o in sizes[1:]]
    V, c = rng.normal(size=(5, 3)), rng.normal(size=3)
    X = rng.normal(size=(6, 3))
    y = rng.integers(0, 3, 6) if loss == "ce" else rng.uniform(size=(6, 3))
    acts = ["tanh"] * 3 + [out]
    _, dWs, dbs, dV, dc = AUX.auxiliary_loss(X, y, Ws, bs, acts, V, c, k, lam, loss, out)

    def f() -> float:
        return AUX.auxiliary_loss(X, y, Ws, bs, acts, V, c, k, lam, loss, out)[0]

    for analytic, p in [*zip(dWs, Ws, strict=True), *zip(dbs, bs, strict=True), (dV, V), (dc, c)]:
        assert relative_error(analytic, numerical_gradient(f, p)) < 1e-7
    J0 = AUX.auxiliary_loss(X, y, Ws, bs, acts, V, c, k, 0.0, loss, out)[0]
    main = MLP(sizes, "tanh", out, seed=0)
    main.weights, main.biases = [W.copy() for W in Ws], [b.copy() for b in bs]
    assert np.isclose(J0, main.loss(X, y, loss)[0])  # λ = 0: the plain network's J


def test_auxiliary_net_gradcheck_and_first_layer_gradient() -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 4)), rng.integers(0, 3, 5)
    net = AUX.AuxiliaryNet([4, 5, 5, 5, 3], 3, lam_aux=0.5, seed=1)
    assert gradcheck_model(net, X, y, "ce", lam=0.1) < 1e-6
    Xd, yd = load_digits()
    sizes = [64, 32, 32, 32, 32, 10]
    g0 = AUX.AuxiliaryNet(sizes, 3, lam_aux=0.0, seed=0).loss(Xd[:300], yd[:300], "ce")[1][0]
    g1 = AUX.AuxiliaryNet(sizes, 3, lam_aux=0.5, seed=0).loss(Xd[:300], yd[:300], "ce")[1][0]
    assert np.linalg.norm(g1) > 5 * np.linalg.norm(g0)


# --- degradation ----------------------------------------------------------------------------
def test_residual_net_gradcheck() -> None:
    rng = np.random.default_rng(2)
    net = DEG.ResidualNet(5, 4, 2, 3, seed=1, block_scale=1.0)
    assert gradcheck_model(net, rng.normal(size=(6, 5)), rng.integers(0, 3, 6), "ce", 0.1) < 1e-6


def test_deep_plain_networks_degrade_residual_ones_do_not() -> None:
    X, y = load_digits()
    sub = np.random.default_rng(0).permutation(X.shape[0])[:500]
    deg = DEG.degradation(X[sub], y[sub], n_blocks=(0, 1, 3))
    plain, res = deg["plain"], deg["residual"]
    assert plain[0] == res[0]  # no blocks: the same network
    # the deeper plain networks end at a much higher *training* loss (ln 10 ≈ 2.30 = chance)
    assert plain[1] > 5 * plain[0] and plain[2] > 5 * plain[0]
    # the same depths with residual blocks stay within a small factor of the shallow net
    assert max(res) < 2 * plain[0] and max(res) < plain[1] / 5


def test_training_error_is_the_final_training_loss() -> None:
    X, y = load_digits()
    J = DEG.training_error(X[:60], y[:60], 1, 8, epochs=2, seed=4)
    net = MLP([64, 8, 10], "sigmoid", "softmax", init="xavier", seed=4)
    from nncore.training import fit

    fit(net, X[:60], y[:60], loss="ce", optimizer="momentum", lr=0.1, epochs=2, seed=4,
        track_accuracy=False)  # fmt: skip
    assert J == net.loss(X[:60], y[:60], "ce")[0]


# --- RBM / DBN ------------------------------------------------------------------------------
def test_cd1_is_the_free_energy_gradient_with_the_reconstruction_fixed() -> None:
    rng = np.random.default_rng(5)
    V = (rng.random((6, 4)) > 0.5).astype(float)
    W, b, c = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=3)
    U = rng.random((6, 3))
    dW, db, dc, err = RBM.cd1_gradients(V, W, b, c, U)
    p_v1 = RBM.visible_probs((U < RBM.hidden_probs(V, W, c)).astype(float), W, b)
    assert np.isclose(err, np.sum((V - p_v1) ** 2) / 6)

    def f() -> float:
        return -float(np.mean(RBM.free_energy(V, W, b, c) - RBM.free_energy(p_v1, W, b, c)))

    for analytic, p in ((dW, W), (db, b), (dc, c)):
        assert relative_error(analytic, numerical_gradient(f, p)) < 1e-7


def _exact_log_likelihood_grad(V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray):
    """枚举全部状态的精确梯度 / Exact ∂ mean log p(v)/∂W by enumerating all (v, h)."""
    N = W.shape[0]
    vs = np.array(list(itertools.product([0, 1], repeat=N)), dtype=float)
    p = np.exp(-RBM.free_energy(vs, W, b, c))
    p /= p.sum()
    model = (vs * p[:, None]).T @ RBM.hidden_probs(vs, W, c)
    data = V.T @ RBM.hidden_probs(V, W, c) / V.shape[0]
    return data - model


def test_cd1_positive_phase_and_mean_direction_agree_with_exact_gradient() -> None:
    """独立参考：精确似然梯度 / Independent reference: the exact likelihood gradient (N = 4).

    The positive statistics equal the exact data term; averaged over many U the CD-1 direction
    points the same way as the exact gradient (CD-1 is biased, so only the direction is checked).
    """
    rng = np.random.default_rng(6)
    V = (rng.random((40, 4)) > 0.5).astype(float)
    W, b, c = rng.normal(0, 0.5, (4, 3)), rng.normal(0, 0.5, 4), rng.normal(0, 0.5, 3)
    exact = _exact_log_likelihood_grad(V, W, b, c)
    mean_cd = np.mean([RBM.cd1_gradients(V, W, b, c, rng.random((40, 3)))[0] for _ in range(400)],
                      axis=0)  # fmt: skip
    cos = np.sum(exact * mean_cd) / (np.linalg.norm(exact) * np.linalg.norm(mean_cd))
    assert cos > 0.8, cos


def test_cd1_training_raises_the_exact_likelihood() -> None:
    rng = np.random.default_rng(7)
    proto = np.array([[1, 1, 0, 0, 1], [0, 0, 1, 1, 0]], dtype=float)
    V = proto[rng.integers(0, 2, 200)]
    V = np.abs(V - (rng.random(V.shape) < 0.05))  # 5 % bit flips
    rbm = RBM.RBM(5, 3, seed=0)
    vs = np.array(list(itertools.product([0, 1], repeat=5)), dtype=float)

    def loglik() -> float:
        logZ = np.log(np.sum(np.exp(-RBM.free_energy(vs, rbm.W, rbm.b, rbm.c))))
        return float(np.mean(-RBM.free_energy(V, rbm.W, rbm.b, rbm.c)) - logZ)

    before = loglik()
    from nncore.training import fit

    fit(rbm, V, V, optimizer="momentum", lr=0.1, epochs=30, batch_size=20, track_accuracy=False)
    assert loglik() > before + 1.0


def test_pretrain_rbms_stacks_on_hidden_probabilities() -> None:
    X = np.random.default_rng(0).uniform(size=(64, 10))
    Ws, bs = RBM.pretrain_rbms(X, [10, 6, 4], epochs=2, seed=3)
    assert [W.shape for W in Ws] == [(10, 6), (6, 4)] and [b.shape for b in bs] == [(6,), (4,)]
    r = RBM.RBM(10, 6, seed=3)
    from nncore.training import fit

    fit(r, X, X, optimizer="momentum", lr=0.1, epochs=2, seed=3, track_accuracy=False)
    assert np.array_equal(Ws[0], r.W) and np.array_equal(bs[0], r.c)


# --- 例题2 sign erratum -----------------------------------------------------------------------
def test_slide_sign_of_example2_maximises_the_error() -> None:
    r = sign_erratum()
    assert r["correct"]["mse_after"] < r["correct"]["mse_before"] / 3
    assert r["slide"]["mse_after"] > 100 * r["slide"]["mse_before"]
