"""符号 oracle 的测试 / Tests of the exact symbolic oracle ``grader.oracles.symbolic``."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp

from grader.oracles import symbolic as S

EX1_FLAT = np.array([0.2, 0.3, 0.4, 0.5, 0.3, 0.3, 0.7, 0.5, 0.8, 0.3, 0.5, 0.5])
EX1_X = np.array([0.4, 0.6])
EX1_Y = np.array([0.6, 0.6])


# ---- independent plain-numpy float64 reference (forward + δ-recursion) ----------------------


def _f(name: str, z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z)) if name == "sigmoid" else np.tanh(z)


def _df(name: str, a: np.ndarray) -> np.ndarray:  # derivative written in terms of a = f(z)
    return a * (1.0 - a) if name == "sigmoid" else 1.0 - a**2


def np_reference(sizes, acts, loss, flat, X, Y) -> tuple[float, np.ndarray]:
    """J and ∂J/∂θ (slide order) for sigmoid/tanh nets, sigmoid output, mse or bce."""
    flat, X = np.asarray(flat, dtype=float), np.atleast_2d(np.asarray(X, dtype=float))
    Y = np.asarray(Y, dtype=float).reshape(len(X), -1)
    layers, pos = [], 0
    for n, k in itertools.pairwise(sizes):
        layers.append((flat[pos : pos + n * k].reshape(n, k), flat[pos + n * k : pos + n * k + k]))
        pos += n * k + k
    cost, gw, gb = 0.0, [np.zeros_like(W) for W, _ in layers], [np.zeros_like(b) for _, b in layers]
    for x, y in zip(X, Y, strict=True):
        a = [x]
        for (W, b), name in zip(layers, acts, strict=True):
            a.append(_f(name, a[-1] @ W + b))
        h = a[-1]
        if loss == "mse":
            cost += 0.5 * np.sum((h - y) ** 2)
            delta = (h - y) * _df(acts[-1], h)
        else:  # bce with a sigmoid output
            cost -= np.sum(y * np.log(h) + (1 - y) * np.log(1 - h))
            delta = h - y
        for k in range(len(layers) - 1, -1, -1):
            gw[k] += np.outer(a[k], delta)
            gb[k] += delta
            if k:
                delta = (layers[k][0] @ delta) * _df(acts[k - 1], a[k])
    grad = np.concatenate([np.concatenate([w.ravel(), b]) for w, b in zip(gw, gb, strict=True)])
    return cost / len(X), grad / len(X)


# ---- 例题1 ------------------------------------------------------------------------------------


def test_example1_forward_matches_slide() -> None:
    (z2, h), (z3, out) = S.forward_values(S.EXAMPLE1_ARCH, EX1_FLAT, EX1_X)
    assert z2[0] == pytest.approx(0.2 * 0.4 + 0.4 * 0.6 + 0.3, abs=1e-15)  # w_ji: from j to i
    assert np.round(h, 4).tolist() == [0.6502, 0.6726]
    assert np.round(out, 4).tolist() == [0.8166, 0.7363]
    ex = S.example1()
    assert np.round(ex["h"], 4).tolist() == [0.6502, 0.6726]
    assert np.round(ex["outputs"], 4).tolist() == [0.8166, 0.7363]
    np.testing.assert_allclose(ex["h"], h, rtol=1e-15)
    np.testing.assert_allclose(ex["z3"], z3, rtol=1e-15)


def test_example1_second_layer_matches_slide() -> None:
    ex = S.example1()
    assert round(ex["grad"]["w11^(2)"], 4) == 0.0211
    assert round(ex["updated"]["w11^(2)"], 4) == 0.6979
    assert round(ex["updated"]["w22^(2)"], 4) == 0.2982
    # The slide's 0.7979 (the 0.8 weight, w21^(2) in its W order) and 0.4982 (the 0.5 weight)
    # are within one unit of the 4th decimal of the exact values.
    assert abs(ex["updated"]["w21^(2)"] - 0.7979) < 1e-4
    assert abs(ex["updated"]["w12^(2)"] - 0.4982) < 1e-4


def test_example1_first_layer_slide_values_are_not_reproduced() -> None:
    ex = S.example1()
    assert ex["grad"]["w11^(1)"] == pytest.approx(0.0032695926775717, abs=1e-15)
    assert abs(ex["grad"]["w11^(1)"] - (-0.053)) > 0.05  # slide erratum
    assert abs(ex["updated"]["w11^(1)"] - 0.2053) > 5e-3


def test_example1_names_and_update() -> None:
    ex = S.example1()
    assert ex["names"] == [
        *("w11^(1)", "w12^(1)", "w21^(1)", "w22^(1)", "b1^(2)", "b2^(2)"),
        *("w11^(2)", "w12^(2)", "w21^(2)", "w22^(2)", "b1^(3)", "b2^(3)"),
    ]
    assert list(ex["grad"]) == ex["names"] and list(ex["updated"]) == ex["names"]
    np.testing.assert_allclose(ex["updated_flat"], EX1_FLAT - 0.1 * ex["grad_flat"], atol=1e-15)
    h, o, y = ex["h"], ex["outputs"], EX1_Y
    assert ex["J"] == pytest.approx(0.5 * np.sum((y - o) ** 2), rel=1e-14)
    # ∂J/∂w11^(2) as the slide writes it: h1 · σ'(z1^(3)) · (f1 − y1)
    assert ex["grad"]["w11^(2)"] == pytest.approx(h[0] * o[0] * (1 - o[0]) * (o[0] - y[0]), 1e-14)


def test_numpy_reference_agrees_on_example1() -> None:
    J_ref, g_ref = np_reference((2, 2, 2), ("sigmoid", "sigmoid"), "mse", EX1_FLAT, EX1_X, EX1_Y)
    J, g = S.gradient(S.EXAMPLE1_ARCH, EX1_FLAT, EX1_X, EX1_Y)
    assert J == pytest.approx(J_ref, abs=1e-12)
    np.testing.assert_allclose(g, g_ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(S.example1()["grad_flat"], g_ref, rtol=0, atol=1e-12)
    new = S.one_step_update(S.EXAMPLE1_ARCH, EX1_FLAT, EX1_X, EX1_Y, 0.1)
    np.testing.assert_allclose(new, EX1_FLAT - 0.1 * g_ref, rtol=0, atol=1e-12)


# ---- random cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_numpy_reference_agrees_on_random_cases(seed: int) -> None:
    arch, flat, X, Y = S.random_case(seed)
    J_ref, g_ref = np_reference(arch.sizes, arch.activations, arch.loss, flat, X, Y)
    J, g = S.gradient(arch, flat, X, Y)
    assert g.shape == (arch.n_params,) and g.dtype == np.float64
    assert J == pytest.approx(J_ref, abs=1e-12)
    np.testing.assert_allclose(g, g_ref, rtol=0, atol=1e-12)


def _central_fd(cost, flat: np.ndarray, step: float = 1e-6) -> np.ndarray:
    out = np.empty_like(flat)
    for p in range(flat.size):
        e = np.zeros_like(flat)
        e[p] = step
        out[p] = (cost(flat + e) - cost(flat - e)) / (2 * step)
    return out


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_finite_differences_float64(seed: int) -> None:
    arch, flat, X, Y = S.random_case(seed)
    _, g = S.gradient(arch, flat, X, Y)
    fd = _central_fd(
        lambda t: np_reference(arch.sizes, arch.activations, arch.loss, t, X, Y)[0], flat
    )
    assert np.linalg.norm(fd - g) <= 1e-7 * np.linalg.norm(g)


@pytest.mark.parametrize(
    ("sizes", "acts", "loss", "lam"),
    [
        ((2, 3, 2), ("relu", "identity"), "mse", 0.0),
        ((2, 3, 2), ("leaky_relu", "tanh"), "mse", 0.0),
        ((3, 2, 3), ("tanh", "softmax"), "ce", 0.0),
        ((2, 2, 1), ("sigmoid", "sigmoid"), "bce", 0.0),
        ((2, 3, 2, 1), ("tanh", "sigmoid", "sigmoid"), "mse", 0.3),
    ],
)
def test_finite_differences_other_activations_losses(sizes, acts, loss, lam) -> None:
    model = S.SymbolicMLP(sizes, acts, loss, weight_decay=lam > 0)
    rng = np.random.default_rng(7)
    flat = rng.uniform(-1, 1, model.arch.n_params)
    X = rng.uniform(-1, 1, (3, sizes[0]))
    Y = np.eye(sizes[-1])[[0, 1, 2]] if loss == "ce" else rng.uniform(0, 1, (3, sizes[-1]))
    _, g = model.gradient(flat, X, Y, lam)
    fd = _central_fd(lambda t: model.gradient(t, X, Y, lam)[0], flat)
    assert np.linalg.norm(fd - g) <= 1e-7 * np.linalg.norm(g)


@pytest.mark.parametrize(
    ("sizes", "acts", "loss"),
    [
        ((2, 3, 2), ("tanh", "sigmoid"), "mse"),
        ((1, 2, 2), ("sigmoid", "softmax"), "ce"),
        ((2, 2, 1), ("sigmoid", "sigmoid"), "bce"),
        ((1, 2, 2, 1), ("tanh", "sigmoid", "identity"), "mse"),
        ((1, 2, 1), ("leaky_relu", "identity"), "mse"),
    ],
)
def test_full_and_layered_methods_agree(sizes, acts, loss) -> None:
    full = S.SymbolicMLP(sizes, acts, loss, method="full")
    layered = S.SymbolicMLP(sizes, acts, loss, method="layered")
    assert (full.method, layered.method) == ("full", "layered")
    rng = np.random.default_rng(3)
    flat = rng.uniform(-1, 1, full.arch.n_params)
    X = rng.uniform(-1, 1, (4, sizes[0]))
    Y = np.eye(sizes[-1])[[0, 1, 1, 0]] if loss == "ce" else rng.uniform(0, 1, (4, sizes[-1]))
    J1, g1 = full.gradient(flat, X, Y)
    J2, g2 = layered.gradient(flat, X, Y)
    assert J1 == pytest.approx(J2, rel=1e-15)
    np.testing.assert_allclose(g1, g2, rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("method", ["full", "layered"])
def test_relu_derivative_at_zero_convention(method: str) -> None:
    # 1-1-1 net, x = 1, w11^(1) = 0.5, b1^(2) = -0.5  ->  z^(2) = 0 exactly.
    flat = [0.5, -0.5, 2.0, 0.25]  # w11^(1), b1^(2), w11^(2), b1^(3)
    relu = S.SymbolicMLP((1, 1, 1), ("relu", "identity"), "mse", method=method)
    leaky = S.SymbolicMLP((1, 1, 1), ("leaky_relu", "identity"), "mse", method=method)
    _, g = relu.gradient(flat, [1.0], [1.0])
    assert g[0] == 0.0 and g[1] == 0.0  # relu'(0) = 0
    _, g = leaky.gradient(flat, [1.0], [1.0])
    # ∂J/∂w11^(1) = (a^(3) − y) · w11^(2) · leaky'(0) · x = (0.25 − 1) · 2 · 0.01 · 1
    assert g[0] == pytest.approx(-0.015, rel=1e-15)


# ---- caching, weight decay, validation ------------------------------------------------------


def test_derivation_is_cached() -> None:
    arch = S.Arch((1, 3, 1), ("tanh", "identity"), "mse")
    before = S.derivation_cache_info()
    m1 = S.SymbolicMLP.from_arch(arch)
    mid = S.derivation_cache_info()
    m2 = S.SymbolicMLP((1, 3, 1), ["tanh", "identity"], "mse")
    S.gradient(arch, np.zeros(arch.n_params), [0.5], [0.1])
    after = S.derivation_cache_info()
    assert mid.misses == before.misses + 1
    assert after.misses == mid.misses  # no re-derivation
    assert after.hits >= mid.hits + 2
    assert m1._d is m2._d


def test_weight_decay_weights_only_and_averaged() -> None:
    arch = S.Arch((2, 2, 1), ("sigmoid", "sigmoid"), "mse")
    arch_wd = S.Arch((2, 2, 1), ("sigmoid", "sigmoid"), "mse", weight_decay=True)
    flat = np.linspace(-0.8, 0.8, 9)
    X, Y = [[0.1, 0.2], [0.3, -0.4], [1.0, 0.5]], [1.0, 0.0, 1.0]
    J0, g0 = S.gradient(arch, flat, X, Y)
    J1, g1 = S.gradient(arch_wd, flat, X, Y, lam=0.3)
    is_w = np.array([n.startswith("w") for n in S.param_names((2, 2, 1))])
    assert J1 - J0 == pytest.approx(0.3 / (2 * 3) * np.sum(flat[is_w] ** 2), rel=1e-12)
    np.testing.assert_allclose(g1 - g0, np.where(is_w, 0.3 / 3 * flat, 0.0), atol=1e-15)
    with pytest.raises(ValueError, match="weight_decay"):
        S.gradient(arch, flat, X, Y, lam=0.3)


def test_cost_expr_matches_numeric_cost() -> None:
    model = S.SymbolicMLP.from_arch(S.exercise_arch("bce"))
    X, Y = [[0.5, -0.25], [1.0, 2.0]], [1.0, 0.0]
    flat = [0.1, -0.2, 0.3, 0.4, 0.0, 0.5, -0.6, 0.7, 0.1]
    subs = dict(zip(model.params, map(sp.Float, flat), strict=True))
    for n in range(2):
        subs |= {sp.Symbol(f"x{k + 1}^[{n + 1}]", real=True): sp.Float(X[n][k]) for k in range(2)}
        subs[sp.Symbol(f"y1^[{n + 1}]", real=True)] = sp.Float(Y[n])
    value = model.cost_expr(2).xreplace(subs).evalf(30)
    assert float(value) == pytest.approx(S.gradient(model, flat, X, Y)[0], rel=1e-14)


def test_validation_errors() -> None:
    with pytest.raises(ValueError, match="sigmoid output"):
        S.Arch((2, 1), ("tanh",), "bce")
    with pytest.raises(ValueError, match="softmax"):
        S.Arch((2, 2, 2), ("softmax", "softmax"), "ce")
    with pytest.raises(ValueError, match="activations"):
        S.Arch((2, 2, 2), ("sigmoid",), "mse")
    with pytest.raises(ValueError, match="12 entries"):
        S.gradient(S.EXAMPLE1_ARCH, EX1_FLAT[:-1], EX1_X, EX1_Y)
    with pytest.raises(ValueError, match="shape"):
        S.gradient(S.EXAMPLE1_ARCH, EX1_FLAT, [[0.4, 0.6, 0.1]], [[0.6, 0.6]])
    assert S.Arch((2, 2, 2), "sigmoid").activations == ("sigmoid", "sigmoid")


# ---- 练习题 and random_case -------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize(
    ("X", "Y"),
    [
        ([[0.0, 0.0], [1.0, 1.0]], [0.0, 1.0]),
        ([[0.4, 0.6], [0.9, 0.1], [0.2, 0.8], [0.7, 0.7]], [[1.0], [0.0], [1.0], [0.0]]),
    ],
)
def test_exercise_matches_numpy_reference(X, Y, loss: str) -> None:
    flat = np.array([0.2, 0.3, 0.4, 0.5, 0.3, 0.3, 0.7, 0.8, 0.5])
    _, g_ref = np_reference((2, 2, 1), ("sigmoid", "sigmoid"), loss, flat, X, Y)
    new = S.exercise(flat, X, Y, alpha=0.1, loss=loss)
    assert new.shape == (9,)
    np.testing.assert_allclose(new, flat - 0.1 * g_ref, rtol=0, atol=1e-12)
    assert not np.allclose(new, flat)


def test_random_case_reproducible_and_in_range() -> None:
    for seed in range(60):
        arch, flat, X, Y = S.random_case(seed)
        arch2, flat2, X2, Y2 = S.random_case(seed)
        assert arch == arch2
        assert np.array_equal(flat, flat2) and np.array_equal(X, X2) and np.array_equal(Y, Y2)
        assert 1 <= arch.n_hidden <= 3 and all(1 <= n <= 5 for n in arch.sizes[1:-1])
        assert 1 <= arch.sizes[0] <= 3 and 1 <= arch.sizes[-1] <= 3
        assert set(arch.activations[:-1]) <= {"sigmoid", "tanh"}
        assert arch.activations[-1] == "sigmoid" and arch.loss == "mse"
        assert flat.shape == (arch.n_params,) and np.all(np.abs(flat) <= 1)
        assert 1 <= X.shape[0] <= 4 and X.shape == (X.shape[0], arch.sizes[0])
        assert Y.shape == (X.shape[0], arch.sizes[-1])
