"""快速路径与普通路径相等 / The library's fast path equals the plain sgd_epoch path."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import fastpath
from nncore._blas import BlasKernels, NumpyKernels
from nncore.fastpath import EpochEngine, fast_sgd_epoch, supports
from nncore.mlp import MLP
from nncore.optim import GradientDescent, Momentum
from nncore.training import fit, sgd_epoch


@pytest.fixture(autouse=True, params=["blas", "numpy"])
def kernels(request, monkeypatch):
    """Every test runs twice: with the direct BLAS calls and with the numpy fallback."""
    if request.param == "numpy":
        monkeypatch.setattr(fastpath, "kernels", NumpyKernels)
    else:
        assert isinstance(fastpath.kernels(np.float32), BlasKernels)  # found on this machine
    return request.param


CASES = [
    # sizes, activations, loss, optimizer, batch, lam
    ([6, 8, 4], ["sigmoid", "softmax"], "ce", "momentum", 7, 0.5),
    ([6, 8, 5, 1], ["tanh", "sigmoid", "sigmoid"], "bce", "sgd", 5, 0.0),
    ([6, 8, 2], ["relu", "identity"], "mse", "momentum", 64, 1.0),
    ([6, 3], ["sigmoid"], "mse", "sgd", 4, 0.2),
    ([6, 8, 4], ["leaky_relu", "softmax"], "ce", "sgd", 1, 0.1),
    ([6, 8, 5, 1], ["sigmoid", "sigmoid", "sigmoid"], "bce", "momentum", 5, 0.3),
    ([6, 8, 3], ["sigmoid", "softmax"], "ce", "momentum", 23, 0.2),  # one batch: all of X
    ([6, 8, 3], ["sigmoid", "softmax"], "ce", "sgd", 50, 0.0),  # batch_size > m
]


def _data(sizes: list[int], loss: str, m: int = 23) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(m, sizes[0]))
    if loss == "ce":
        return X, rng.integers(0, sizes[-1], m)
    if loss == "bce":
        return X, rng.integers(0, 2, m).astype(float)
    return X, rng.normal(size=(m, sizes[-1]))


def _opt(name: str) -> GradientDescent | Momentum:
    return Momentum(0.2, 0.9) if name == "momentum" else GradientDescent(0.3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("sizes", "acts", "loss", "opt", "batch", "lam"), CASES)
def test_engine_equals_sgd_epoch(sizes, acts, loss, opt, batch, lam, dtype):
    X, y = _data(sizes, loss)
    plain = MLP(sizes, activations=acts, seed=1, init="xavier", dtype=dtype)
    fast = plain.copy()
    o1, o2 = _opt(opt), _opt(opt)
    r1, r2 = np.random.default_rng(9), np.random.default_rng(9)
    engine = EpochEngine(fast, X, y, loss=loss, optimizer=o2, batch_size=batch, lam=lam)
    tol = {"rtol": 1e-11, "atol": 1e-12} if dtype == np.float64 else {"rtol": 2e-5, "atol": 2e-6}
    for _ in range(3):
        J1 = sgd_epoch(plain, X, y, loss=loss, optimizer=o1, batch_size=batch, lam=lam, rng=r1)
        J2 = engine.run(r2)
        assert J2 == pytest.approx(J1, **{"rel": tol["rtol"] * 10, "abs": tol["atol"]})
        for p, q in zip(plain.params, fast.params, strict=True):
            assert q.dtype == p.dtype == dtype
            np.testing.assert_allclose(q, p, **tol)


def test_in_order_and_one_off_call():
    X, y = _data([6, 8, 4], "ce")
    a = MLP([6, 8, 4], "sigmoid", "softmax", seed=3)
    b = a.copy()
    J1 = sgd_epoch(a, X, y, loss="ce", optimizer=GradientDescent(0.5), batch_size=10)
    J2 = fast_sgd_epoch(b, X, y, loss="ce", optimizer=GradientDescent(0.5), batch_size=10)
    assert J2 == pytest.approx(J1, rel=1e-12)
    np.testing.assert_allclose(b.get_flat(), a.get_flat(), rtol=1e-12, atol=1e-14)


def test_fit_fast_equals_fit_plain():
    X, y = _data([6, 8, 4], "ce", m=50)
    kw = dict(loss="ce", optimizer="momentum", lr=0.3, epochs=6, batch_size=8, lam=0.1,
              val_split=0.2, patience=2, seed=4)  # fmt: skip
    a = MLP([6, 8, 4], "sigmoid", "softmax", seed=0)
    b = a.copy()
    ha, hb = fit(a, X, y, fast=False, **kw), fit(b, X, y, fast=True, **kw)
    np.testing.assert_allclose(hb.loss, ha.loss, rtol=1e-11)
    np.testing.assert_allclose(hb.val_loss, ha.val_loss, rtol=1e-11)
    assert hb.accuracy == ha.accuracy and hb.best_epoch == ha.best_epoch
    np.testing.assert_allclose(b.get_flat(), a.get_flat(), rtol=1e-10, atol=1e-13)


def test_other_optimizers_and_models_still_work():
    class Halved(GradientDescent):
        def step(self, params, grads):
            super().step(params, [g / 2 for g in grads])

    X, y = _data([6, 3], "mse")
    a = MLP([6, 3], "sigmoid", seed=0)
    b = a.copy()
    sgd_epoch(a, X, y, optimizer=Halved(0.4), batch_size=5)
    EpochEngine(b, X, y, optimizer=Halved(0.4), batch_size=5).run()
    np.testing.assert_allclose(b.get_flat(), a.get_flat(), rtol=1e-12)

    class Custom(MLP):
        def loss(self, X, y, loss="mse", lam=0.0):
            return super().loss(X, y, loss, lam)

    assert supports(a) and not supports(Custom([2, 1]))
    with pytest.raises(TypeError):
        EpochEngine(Custom([6, 3]), X, y, optimizer=GradientDescent())


def test_engine_validates_once():
    net = MLP([2, 1], "identity")
    with pytest.raises(ValueError, match="NaN"):
        EpochEngine(net, np.array([[1.0, np.nan]]), np.zeros(1), optimizer=GradientDescent())
    with pytest.raises(ValueError, match="batch_size"):
        EpochEngine(net, np.ones((2, 2)), np.zeros(2), optimizer=GradientDescent(), batch_size=0)


def test_parameters_share_one_vector_and_velocities_follow():
    X, y = _data([6, 8, 4], "ce")
    net, opt = MLP([6, 8, 4], "sigmoid", "softmax", seed=2), Momentum(0.2, 0.9)
    opt.step(net.params, net.loss(X[:5], y[:5], "ce")[1])  # velocities of the original arrays
    ref, ref_opt = net.copy(), Momentum(0.2, 0.9)
    for v, w in zip(ref_opt.state_for(ref.params), opt.velocities, strict=True):
        v[...] = w
    engine = EpochEngine(net, X, y, loss="ce", optimizer=opt, batch_size=7, lam=0.3)
    assert all(p.base is engine.theta for p in net.params)  # one flat vector, slide order
    np.testing.assert_array_equal(net.get_flat(), ref.get_flat())
    r1, r2 = np.random.default_rng(0), np.random.default_rng(0)

    def both() -> None:
        engine.run(r1)
        sgd_epoch(ref, X, y, loss="ce", optimizer=ref_opt, batch_size=7, lam=0.3, rng=r2)
        np.testing.assert_allclose(net.get_flat(), ref.get_flat(), rtol=1e-11, atol=1e-13)

    both()
    # a plain Momentum.step in between replaces the velocity arrays: the engine follows
    opt.step(net.params, net.loss(X[:3], y[:3], "ce")[1])
    ref_opt.step(ref.params, ref.loss(X[:3], y[:3], "ce")[1])
    both()
    opt.reset()  # fresh velocities are zeros again
    ref_opt.reset()
    both()


@pytest.mark.parametrize(("loss", "out", "k"), [("bce", "sigmoid", 1), ("ce", "softmax", 3)])
def test_saturated_logits_stay_finite_and_equal(loss, out, k):
    X, y = _data([3, k], loss, m=9)
    plain = MLP([3, 4, k], "tanh", out, seed=0)
    for W in plain.weights:
        W *= 3e3  # |z| in the thousands: exp would overflow without the stable forms
    fast = plain.copy()
    J1 = sgd_epoch(plain, X, y, loss=loss, optimizer=GradientDescent(1e-4), batch_size=4)
    J2 = EpochEngine(fast, X, y, loss=loss, optimizer=GradientDescent(1e-4), batch_size=4).run()
    assert np.isfinite(J2) and J2 == pytest.approx(J1, rel=1e-9)
    np.testing.assert_allclose(fast.get_flat(), plain.get_flat(), rtol=1e-9, atol=1e-9)


def _pair(sizes, acts, dtype, seed=1):
    plain = MLP(sizes, activations=acts, seed=seed, init="xavier", dtype=dtype)
    return plain, plain.copy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("far", [False, True])
def test_softmax_batch_shift_and_per_row_fallback_equal_plain(dtype, far):
    """One batch-wide shift when the rows' maxima are close; a per-row shift when a row lies
    so far below the batch maximum that e^(z − max) would lose it (far: hundreds apart)."""
    X, y = _data([6, 4], "ce", m=16)
    if far:  # zero inputs: logits = b ≈ 0; the others: logits in the hundreds
        X[::2] = 0.0
        X[1::2] *= 300.0
    plain, fast = _pair([6, 4], ["softmax"], dtype)
    z = X @ plain.weights[0] + plain.biases[0]
    gaps = [(zb.max() - zb.max(axis=1)).max() for zb in (z[:8], z[8:])]
    assert (min(gaps) > 100) if far else (max(gaps) < 20)  # the case is what it says
    J1 = sgd_epoch(plain, X, y, loss="ce", optimizer=GradientDescent(1e-6), batch_size=8)
    engine = EpochEngine(fast, X, y, loss="ce", optimizer=GradientDescent(1e-6), batch_size=8)
    J2 = engine.run()
    # float32: e^-100 is below the precision bound, both batches shift per row; float64 keeps it
    assert engine.row_shifts == (2 if far and dtype == np.float32 else 0)
    rtol = 1e-11 if dtype == np.float64 else 2e-5
    assert np.isfinite(J2) and J2 == pytest.approx(J1, rel=rtol)
    np.testing.assert_allclose(fast.get_flat(), plain.get_flat(), rtol=rtol, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("opt", ["sgd", "momentum", "momentum0", "custom"])
def test_weight_decay_every_optimizer_and_in_order_slices(dtype, opt):
    """λ > 0 with GD (its own αλ/m·W buffer), momentum (the velocity held as βv during the
    epoch), momentum with β = 0 (the velocity held as itself) and an optimizer with its own
    step (plain gradients + (λ/m)W), shuffled and in order."""

    class Halved(GradientDescent):
        def step(self, params, grads):
            super().step(params, [g / 2 for g in grads])

    make = {"sgd": lambda: GradientDescent(0.3), "momentum": lambda: Momentum(0.2, 0.9),
            "momentum0": lambda: Momentum(0.2, 0.0), "custom": lambda: Halved(0.4)}[opt]  # fmt: skip
    X, y = _data([6, 8, 5, 3], "ce", m=29)
    plain, fast = _pair([6, 8, 5, 3], ["sigmoid", "tanh", "softmax"], dtype)
    o1, o2 = make(), make()
    engine = EpochEngine(fast, X, y, loss="ce", optimizer=o2, batch_size=6, lam=0.7)
    tol = {"rtol": 1e-11, "atol": 1e-12} if dtype == np.float64 else {"rtol": 2e-5, "atol": 2e-6}
    for rng_seed in (3, None, 4):  # None: in order, the batches are slices of X
        r1 = None if rng_seed is None else np.random.default_rng(rng_seed)
        r2 = None if rng_seed is None else np.random.default_rng(rng_seed)
        J1 = sgd_epoch(plain, X, y, loss="ce", optimizer=o1, batch_size=6, lam=0.7, rng=r1)
        J2 = engine.run(r2)
        assert J2 == pytest.approx(J1, rel=tol["rtol"] * 10, abs=tol["atol"])
        np.testing.assert_allclose(fast.get_flat(), plain.get_flat(), **tol)
    if opt.startswith("momentum"):  # the velocities the optimizer holds are the engine's, equal
        for v, w in zip(o2.velocities, o1.velocities, strict=True):
            np.testing.assert_allclose(v, w, **tol)


def test_zero_learning_rate_still_counts_the_decay_in_the_loss():
    X, y = _data([6, 8, 4], "ce")
    for make in (lambda: GradientDescent(0.0), lambda: Momentum(0.0, 0.9)):
        plain, fast = _pair([6, 8, 4], ["sigmoid", "softmax"], np.float64)
        J1 = sgd_epoch(plain, X, y, loss="ce", optimizer=make(), batch_size=5, lam=2.0)
        J2 = fast_sgd_epoch(fast, X, y, loss="ce", optimizer=make(), batch_size=5, lam=2.0)
        assert J2 == pytest.approx(J1, rel=1e-12)
        np.testing.assert_array_equal(fast.get_flat(), plain.get_flat())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_logits_shift_once_for_the_batch(dtype):
    """Logits around 100: e^z would overflow float32, so the batch is shifted by its maximum
    (and no row needs its own shift); float64 needs no shift. Both equal the plain path."""
    X, y = _data([6, 4], "ce", m=16)
    plain, fast = _pair([6, 4], ["softmax"], dtype)
    plain.biases[0][...] = 100.0
    fast.biases[0][...] = 100.0
    J1 = sgd_epoch(plain, X, y, loss="ce", optimizer=Momentum(1e-3), batch_size=8, lam=0.1)
    engine = EpochEngine(fast, X, y, loss="ce", optimizer=Momentum(1e-3), batch_size=8, lam=0.1)
    assert (engine.exp_safe < 100) == (dtype == np.float32)
    J2 = engine.run()
    assert engine.row_shifts == 0
    rtol = 1e-11 if dtype == np.float64 else 2e-5
    assert np.isfinite(J2) and J2 == pytest.approx(J1, rel=rtol)
    np.testing.assert_allclose(fast.get_flat(), plain.get_flat(), rtol=rtol, atol=1e-6)


def test_engine_uses_the_kernels_of_the_fixture(kernels):
    X, y = _data([6, 8, 4], "ce")
    engine = EpochEngine(MLP([6, 8, 4], "sigmoid", "softmax"), X, y, optimizer=Momentum(),
                         loss="ce")  # fmt: skip
    assert engine.ops.name == kernels
