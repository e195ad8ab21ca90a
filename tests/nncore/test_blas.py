"""numpy 自带 BLAS 的预备调用 / The prepared BLAS calls of ``nncore._blas`` and their fallback.

Every prepared operation is compared with float64 numpy, for the BLAS kernels and for the
numpy fallback alike; layouts BLAS cannot read go to numpy and are still right; a library
whose routines give wrong answers is rejected by the self-test; ``NNCORE_BLAS=numpy`` and a
missing library give the numpy kernels.
"""

from __future__ import annotations

import ctypes
import subprocess
import sys

import numpy as np
import pytest

from nncore import _blas
from nncore._blas import BlasKernels, NumpyKernels, kernels, self_test

DTYPES = [np.float32, np.float64]


def _tol(dtype) -> dict[str, float]:
    return {"rtol": 2e-5, "atol": 2e-5} if dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-12}


def _both(dtype) -> list[NumpyKernels]:
    return [kernels(dtype), NumpyKernels(dtype)]


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_wheel_blas_is_found_and_passes_its_self_test(dtype):
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    k = kernels(dtype)
    if "openblas" in str(blas.get("name", "")).lower():  # numpy's own wheels: must be used
        assert isinstance(k, BlasKernels) and k.name == "blas"
    assert self_test(k) and self_test(NumpyKernels(dtype))


def _operands(rng, dtype):
    """a (5, 7), b (7, 4) in several layouts, each with the plain array it equals."""
    a = rng.standard_normal((5, 7)).astype(dtype)
    b = rng.standard_normal((7, 4)).astype(dtype)
    wide_a = np.zeros((5, 9), dtype)  # rows with a longer stride (a slice of a wider buffer)
    wide_a[:, :7] = a
    a_t = np.ascontiguousarray(a.T)  # a stored transposed
    b_t = np.ascontiguousarray(b.T)
    return [
        (a, b),
        (wide_a[:, :7], b),
        (a_t.T, b),
        (a, b_t.T),
        (a_t.T, b_t.T),
        (a[::-1][::-1], b[:, ::-1][:, ::-1]),
        (np.asfortranarray(a)[:, :], b),
        (a[::-1], b),  # negative stride: numpy's product
        (np.repeat(a, 2, axis=1)[:, ::2], b),  # columns 2 apart: numpy's product
    ]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("alpha", "beta"), [(1.0, 0.0), (0.5, 0.0), (-0.3, 0.9), (1.0, 1.0)])
def test_product_equals_numpy_in_every_layout(dtype, alpha, beta):
    rng = np.random.default_rng(1)
    for k in _both(dtype):
        for a, b in _operands(rng, dtype):
            c0 = rng.standard_normal((5, 4)).astype(dtype)
            want = alpha * (a.astype(float) @ b.astype(float)) + beta * c0
            c = c0.copy()
            run = k.product(a, b, c, alpha=alpha, beta=beta)
            run()
            np.testing.assert_allclose(c, want, **_tol(dtype))
            c[...] = c0  # prepared: the same call again reads the arrays' current values
            run()
            np.testing.assert_allclose(c, want, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_product_into_rows_of_a_wider_buffer_and_one_row(dtype):
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((3, 6)).astype(dtype), rng.standard_normal((6, 4)).astype(dtype)
    for k in _both(dtype):
        out = np.full((3, 7), 5.0, dtype)
        k.product(a, b, out[:, :4])()  # c's rows 7 apart
        np.testing.assert_allclose(out[:, :4], a @ b, **_tol(dtype))
        assert (out[:, 4:] == 5.0).all()  # nothing written beside it
        ones, row = np.ones((1, 3), dtype), np.full((1, 4), 2.0, dtype)
        k.product(ones, b[:3], row, beta=0.5)()  # a column sum as a 1-row product
        np.testing.assert_allclose(row[0], b[:3].sum(axis=0) + 1.0, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k_decay", [0.25, 1e-9, 0.0])
@pytest.mark.parametrize("beta", [1.0, 0.9, 0.0])
def test_decay_step_equals_the_numpy_passes(dtype, k_decay, beta):
    rng = np.random.default_rng(3)
    for k in _both(dtype):
        theta = rng.standard_normal(1001).astype(dtype)
        s = rng.standard_normal(1001).astype(dtype) * 0.01
        want_s = s.astype(float) - k_decay * theta
        want_theta = theta + want_s
        want_s *= beta
        k.decay_step(theta, s, k_decay, beta)()
        np.testing.assert_allclose(s, want_s, **_tol(dtype))
        np.testing.assert_allclose(theta, want_theta, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_sumsq_equals_float64(dtype):
    rng = np.random.default_rng(4)
    for k in _both(dtype):
        v = rng.standard_normal(1001).astype(dtype)
        run = k.sumsq(v)
        got = run()
        assert type(got) is float
        assert got == pytest.approx(float(v.astype(float) @ v), rel=_tol(dtype)["rtol"])
        v[0] += 1.0  # prepared: the same call reads v's current values
        assert run() == pytest.approx(float(v.astype(float) @ v), rel=_tol(dtype)["rtol"])


def test_a_library_giving_wrong_answers_is_rejected():
    """The self-test has teeth: routines that do nothing fail it, so numpy is used."""
    noop_gemm = ctypes.CFUNCTYPE(None, *[ctypes.c_int64] * 6, ctypes.c_float, ctypes.c_void_p,
                                 ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64, ctypes.c_float,
                                 ctypes.c_void_p, ctypes.c_int64)(lambda *args: None)  # fmt: skip
    real = kernels(np.float32)
    assert isinstance(real, BlasKernels)
    assert not self_test(BlasKernels(np.float32, (noop_gemm, real._rotm)))


def test_no_library_or_no_symbols_gives_numpy(monkeypatch, tmp_path):
    _blas._find.cache_clear()
    try:
        monkeypatch.setattr(_blas, "_library_candidates", lambda: [tmp_path / "libnothing.so"])
        assert type(kernels(np.float32)) is NumpyKernels
        libc = ctypes.CDLL(None)  # a real library without any BLAS symbol
        assert _blas._bind(libc, np.dtype(np.float32)) is None
    finally:
        monkeypatch.undo()
        _blas._find.cache_clear()
    assert isinstance(kernels(np.float32), BlasKernels)


def test_environment_switch_turns_the_direct_calls_off():
    code = "import numpy as np; from nncore._blas import kernels; print(kernels(np.float32).name)"
    env = {"NNCORE_BLAS": "numpy", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=60, check=True)  # fmt: skip
    assert out.stdout.strip() == "numpy"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("alpha", [1.0, 0.5, -0.3])
def test_affine_equals_the_product_then_the_bias(dtype, alpha):
    rng = np.random.default_rng(5)
    a = rng.standard_normal((32, 100)).astype(dtype)
    b = rng.standard_normal((100, 10)).astype(dtype)
    theta = rng.standard_normal(25).astype(dtype)
    bias = theta[5:15]  # a view into a parameter vector, as the engine's b^(l)
    for k in _both(dtype):
        c = np.full((32, 10), np.nan, dtype)  # whatever c held is overwritten
        calls = k.affine(a, b, bias, c, alpha=alpha)
        for call in calls:
            call()
        np.testing.assert_allclose(c, alpha * (a.astype(float) @ b) + bias, **_tol(dtype))
        # the engine's case (α a power of two, one K block): the numbers of product + sum
        if alpha in (1.0, 0.5):
            want = np.empty_like(c)
            np.matmul(a, b, out=want)
            want *= dtype(alpha)
            want += bias
            np.testing.assert_array_equal(c, want)
        bias += 1.0  # prepared: the same calls read the bias's current values
        for call in calls:
            call()
        np.testing.assert_allclose(c, alpha * (a.astype(float) @ b) + bias, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_absmax_equals_numpy_and_reads_the_current_values(dtype):
    rng = np.random.default_rng(6)
    for k in _both(dtype):
        z = rng.standard_normal((32, 10)).astype(dtype)
        run = k.absmax(z[:7])  # the first rows of a buffer, as the engine's last batch
        got = run()
        assert type(got) is float and got == float(np.abs(z[:7]).max())
        z[3, 4] = -100.0  # the largest |z| negative, then positive
        assert run() == 100.0
        z[6, 9] = 250.0
        assert run() == 250.0
        z[8, 0] = -1e30  # beyond the 7 rows: not read
        assert run() == 250.0
        z[0, 0] = np.inf
        assert run() == np.inf
