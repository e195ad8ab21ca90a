"""nncore 作为库：float32、约定、输入检查、优化器状态 / nncore as a library (issue 12)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nncore.__main__ import json_safe, main
from nncore._checks import ShapeError
from nncore.init import get_initialiser, get_initializer
from nncore.losses import binary_cross_entropy, one_hot_targets, softmax_cross_entropy
from nncore.mlp import MLP
from nncore.optim import GradientDescent, Momentum
from nncore.training import History, evaluate, fit, sgd_epoch


# --- float32 BCE ---------------------------------------------------------------------------------
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_bce_float32_prediction_of_exactly_one_stays_finite(y):
    h = np.array([[1.0], [0.0], [0.5]], dtype=np.float32)
    J, dJ = binary_cross_entropy(h, np.array([[y], [y], [y]], dtype=np.float32))
    assert np.isfinite(J) and np.all(np.isfinite(dJ))
    # still the true loss where h is not clipped (float64 reference)
    J64, _ = binary_cross_entropy(np.array([[0.5]]), np.array([[y]]))
    J32, _ = binary_cross_entropy(h[2:], np.array([[y]], dtype=np.float32))
    assert J32 == pytest.approx(J64, rel=1e-6)


def test_bce_float64_clip_unchanged():
    J, _ = binary_cross_entropy(np.array([[1.0]]), np.array([[0.0]]))
    assert J == pytest.approx(-np.log(1e-12), rel=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_evaluate_agrees_with_mlp_loss_on_saturated_sigmoid(dtype):
    net = MLP([1, 1], "sigmoid", dtype=dtype).set_flat([40.0, 0.0])  # z = 40, y = 0
    X, y = np.array([[1.0]]), np.array([0.0])
    J_loss, _ = net.loss(X, y, "bce")
    J_eval, _ = evaluate(net, X, y, "bce")
    assert J_eval == pytest.approx(J_loss, rel=1e-6)
    assert J_loss == pytest.approx(40.0, rel=1e-6)  # ln(1 + e^40) ≈ 40


def test_float32_bce_fit_val_loss_is_finite():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(float)
    net = MLP([3, 1], "sigmoid", dtype=np.float32).set_flat([60.0, 0.0, 0.0, 0.0])
    h = fit(net, X, y, loss="bce", lr=0.0, epochs=2, validation=(X, y))
    assert np.all(np.isfinite(h.val_loss)) and np.all(np.isfinite(h.loss))


# --- weight decay convention ------------------------------------------------------------------
def test_weight_decay_convention_history_val_loss_and_lecture_agree():
    """m = 48, |B| = 16: every J_B carries λ/(2m) Σ w², so all three numbers agree."""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(48, 3)), rng.integers(0, 2, 48).astype(float)
    net = MLP([3, 4, 1], "sigmoid", seed=2)
    lam = 3.0
    J_lecture, _ = net.loss(X, y, "bce", lam)  # the whole set: λ/(2m) Σ w², m = 48
    h = fit(net, X, y, loss="bce", lr=0.0, epochs=1, batch_size=16, lam=lam, validation=(X, y))
    assert h.loss[0] == pytest.approx(J_lecture, rel=1e-12)
    assert h.val_loss[0] == pytest.approx(J_lecture, rel=1e-12)
    # each step decays by α(λ/m)W, whatever the batch size (torch: weight_decay = λ/m)
    W0 = net.weights[0].copy()
    zero = np.zeros_like(y)
    net2 = net.copy()
    sgd_epoch(net2, X * 0, zero, loss="mse", optimizer=GradientDescent(0.1), batch_size=16,
              lam=lam)  # fmt: skip
    # with zero inputs and targets the data gradient of W^(1) vanishes: 3 steps of (λ/m)W
    assert np.allclose(net2.weights[0], W0 * (1 - 0.1 * lam / 48) ** 3)


def test_val_loss_uses_training_m_for_decay():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(30, 2)), rng.normal(size=(30, 1))
    net = MLP([2, 1], "identity", seed=0)
    Xv, yv = X[:10], y[:10]
    h = fit(net, X, y, lr=0.0, epochs=1, lam=2.0, validation=(Xv, yv))
    J_data, _ = net.loss(Xv, yv, "mse")
    decay = 2.0 / (2 * 30) * float(np.sum(net.weights[0] ** 2))
    assert h.val_loss[0] == pytest.approx(J_data + decay, rel=1e-12)


# --- targets -----------------------------------------------------------------------------------
def test_softmax_ce_rejects_rows_not_summing_to_one():
    z = np.zeros((2, 3))
    with pytest.raises(ValueError, match="sum"):
        softmax_cross_entropy(z, np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
    Y = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])  # soft labels: dz is the gradient of J
    z = np.random.default_rng(0).normal(size=(2, 3))
    _, dz = softmax_cross_entropy(z, Y)
    num = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[i] = 1e-6
        num[i] = (softmax_cross_entropy(z + e, Y)[0] - softmax_cross_entropy(z - e, Y)[0]) / 2e-6
    np.testing.assert_allclose(dz, num, atol=1e-8)


def test_float_labels_must_be_whole_numbers():
    with pytest.raises(ValueError, match="whole"):
        one_hot_targets(np.array([0.0, 1.7]), 3)
    assert np.array_equal(one_hot_targets(np.array([0.0, 2.0]), 3), [[1, 0, 0], [0, 0, 1]])


# --- fit input checks --------------------------------------------------------------------------
def test_fit_zero_samples_is_a_bilingual_shape_error():
    net = MLP([2, 1], "identity")
    with pytest.raises(ShapeError, match="至少一个样本") as info:
        fit(net, np.zeros((0, 2)), np.zeros(0))
    assert "at least one sample" in str(info.value)


def test_fit_row_mismatch_is_shape_error_like_mlp_loss():
    net = MLP([2, 1], "identity")
    X, y = np.zeros((4, 2)), np.zeros((3, 1))
    with pytest.raises(ShapeError):
        fit(net, X, y)
    with pytest.raises(ShapeError):
        net.loss(X, y)


@pytest.mark.parametrize(("out", "loss"), [("identity", "bce"), ("sigmoid", "ce"), ("tanh", "ce")])
def test_probability_losses_need_a_probability_output(out, loss):
    k = 3 if loss == "ce" else 1
    net = MLP([2, k], out)
    X, y = np.zeros((4, 2)), np.zeros(4, dtype=int)
    with pytest.raises(ValueError, match="output layer"):
        fit(net, X, y, loss=loss)
    with pytest.raises(ValueError, match="output layer"):
        net.loss(X, y, loss)


def test_fit_divergence_raises_instead_of_recording_nan():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)) * 100, rng.normal(size=(20, 1)) * 100
    net = MLP([2, 8, 1], "relu", "identity", seed=0)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="learning rate"):
        fit(net, X, y, lr=10.0, epochs=20, validation=(X, y))


# --- optimisers, repr, names -------------------------------------------------------------------
def test_momentum_refuses_another_networks_parameters():
    a, b = MLP([2, 3, 1], seed=0), MLP([2, 3, 1], seed=1)  # same shapes: no broadcast error
    X, y = np.ones((2, 2)), np.ones((2, 1))
    opt = Momentum(0.1, 0.9)
    opt.step(a.params, a.loss(X, y)[1])
    with pytest.raises(ValueError, match="reset"):
        opt.step(b.params, b.loss(X, y)[1])
    c = MLP([4, 1])
    with pytest.raises(ValueError, match="reset"):
        fit(c, np.ones((3, 4)), np.ones(3), optimizer=opt)
    opt.reset()
    before = b.get_flat()
    opt.step(b.params, b.loss(X, y)[1])  # fresh velocities: one plain GD step
    assert np.allclose(b.get_flat(), before - 0.1 * np.concatenate(
        [g.ravel() for g in b.copy().set_flat(before).loss(X, y)[1]]))  # fmt: skip


def test_mlp_repr_is_useful():
    text = repr(MLP([784, 100, 10], "sigmoid", "softmax", dtype=np.float32))
    assert text == (
        "MLP(sizes=[784, 100, 10], activations=['sigmoid', 'softmax'], dtype=float32, "
        "n_params=79510)"
    )


def test_get_initializer_with_alias():
    assert get_initialiser is get_initializer
    assert get_initializer("xavier")(3, 2, np.random.default_rng(0)).shape == (3, 2)


# --- CLI JSON ----------------------------------------------------------------------------------
def test_json_safe_replaces_non_finite_numbers():
    value, bad = json_safe({"a": [1.0, float("nan")], "b": {"c": float("inf")}, "d": "x"})
    assert value == {"a": [1.0, None], "b": {"c": None}, "d": "x"}
    assert bad == ["$.a[1]", "$.b.c"]


def test_cli_json_never_prints_bare_nan(monkeypatch, capsys):
    import nncore.examples.example1 as ex1

    monkeypatch.setattr(
        ex1, "run", lambda args: {"history": History(val_loss=[float("nan")]).to_dict()}
    )
    assert main(["example", "1", "--json"]) == 0
    out = capsys.readouterr()
    parsed = json.loads(out.out, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))
    assert parsed["history"]["val_loss"] == [None]
    assert "警告" in out.err and "null" in out.err


def test_non_finite_validation_loss_stops_fit(monkeypatch):
    import nncore.training as T

    monkeypatch.setattr(T, "evaluate", lambda *a, **k: (float("nan"), 0.5))
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    net = MLP([2, 2], "sigmoid", "softmax")
    with pytest.raises(FloatingPointError, match="monitored nan"):
        fit(net, X, y, loss="ce", epochs=3, validation=(X, y), patience=2)
