"""numpy 自带 BLAS 的直接调用 / Prepared calls into the BLAS that numpy already ships.

``np.matmul`` has no β: it cannot compute C := AB + βC, so momentum's v := βv − α ∂J/∂W
costs a product into a buffer and then two more passes over v; and numpy cannot update two
vectors in one pass. BLAS can: ``gemm`` folds βv into the product, and ``rotm`` (a 2 × 2
map applied element-wise to two vectors) does the weight decay and the step at once:
s := s − kθ, θ := θ + s in one pass over θ and s. This module finds ``?gemm`` and ``?rotm``
in the OpenBLAS that numpy's wheels carry (``numpy.libs`` / ``numpy/.dylibs``, symbols such
as ``scipy_cblas_sgemm64_``): no new dependency.

:func:`kernels` returns :class:`BlasKernels` when the library, the symbols and a self-test
(every transpose combination, β = 0 and β ≠ 0, and ``rotm``, against float64 numpy) are all
good, else :class:`NumpyKernels`, the same operations in numpy (equal up to float rounding).
Both *prepare* an operation on fixed arrays once and return a callable without arguments,
so that the per-call cost is one foreign call (pointers and leading dimensions are worked
out once; the arrays must stay where they are, which the callable keeps alive):

* ``product(a, b, c, alpha=1, beta=0)``: c := α·a @ b + β·c; a (M, K), b (K, N), c (M, N), each
  C-contiguous or the transpose of a C-contiguous array (any row stride), c C-contiguous
  rows and not overlapping a or b (the caller's duty); other layouts go to numpy;
* ``decay_step(theta, s, k, beta=1)``: s := s − k·θ, then θ := θ + s, then s := β·s (two
  contiguous vectors of the same size; β ≠ 1 lets a momentum velocity be kept as βv, so
  that the next gradient product adds to it with β = 1, see ``nncore.fastpath``);
* ``sumsq(v)``: a callable returning Σ v² as a Python float (``?dot`` of a contiguous v with
  itself, as ``np.vdot`` computes it);
* ``affine(a, b, bias, c, alpha=1)``: c := α·a @ b + bias (the row ``bias`` added to every row
  of c), a *list* of calls to run in order: with BLAS the bias is copied into c by a
  one-column product and the product adds to it with β = 1 (no broadcast pass over c);
  numpy: the product, then ``np.add``;
* ``absmax(v)``: a callable returning max |v| as a Python float (``i?amax`` of a contiguous v
  and one look-up; numpy: its largest and smallest element, two reductions).

``NNCORE_BLAS=numpy`` in the environment switches the direct calls off. Integers are passed
as 64-bit: right for numpy's ILP64 OpenBLAS and, on the 64-bit ABIs, read correctly by a
32-bit-integer BLAS too (the low half of the register or stack slot); the self-test decides.
Every argument of a prepared call is a ctypes instance of the exact C type (``c_int64``,
``c_float``/``c_double``, ``c_void_p``), so the routines are called without ``argtypes``:
ctypes then passes the instances as they are instead of converting each argument on every
call (about 0.3 µs per call, with thousands of calls per epoch).
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["BlasKernels", "NumpyKernels", "kernels"]

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
#: (prefix, suffix) of the CBLAS symbols, most specific first (numpy ≥ 2 wheels: scipy_…64_)
_NAMINGS = (("scipy_", "64_"), ("", "64_"), ("", ""))


class _Call(partial):
    """预备好的调用 / A prepared call ``fn(*args)`` (a ``partial``: called at C speed); ``keep``
    holds the arrays its pointers point into."""

    keep: tuple[Any, ...]


def _prepared(fn: Callable[..., Any], args: tuple[Any, ...], keep: tuple[Any, ...]) -> _Call:
    """``fn(*args)`` prepared, keeping ``keep`` alive as long as the call."""
    call = _Call(fn, *args)
    call.keep = keep
    return call


def _sumsq(v: np.ndarray) -> float:
    """Σ v² as a Python float (numpy's ``vdot``)."""
    return float(np.vdot(v, v))


def _absmax(v: np.ndarray) -> float:
    """max |v| as a Python float (numpy: the largest and the smallest element; NaN if v has one)."""
    top, low = float(np.maximum.reduce(v, None)), float(np.minimum.reduce(v, None))
    return top if top != top else max(top, -low)


class NumpyKernels:
    """numpy 实现 / The prepared operations in plain numpy (the fallback, and the reference)."""

    name = "numpy"

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = np.dtype(dtype)

    def product(
        self, a: np.ndarray, b: np.ndarray, c: np.ndarray, *, alpha: float = 1.0, beta: float = 0.0
    ) -> Callable[[], None]:
        """c := α·a @ b + β·c, prepared: a (M, K), b (K, N), c (M, N)."""
        if beta == 0.0 and alpha == 1.0:
            return partial(np.matmul, a, b, c)
        tmp = c if beta == 0.0 else np.empty(c.shape, self.dtype)

        def run() -> None:
            np.matmul(a, b, out=tmp)
            if alpha != 1.0:
                tmp.__imul__(alpha)
            if tmp is not c:
                if beta != 1.0:
                    c.__imul__(beta)
                c.__iadd__(tmp)

        return run

    def decay_step(
        self, theta: np.ndarray, s: np.ndarray, k: float, beta: float = 1.0
    ) -> Callable[[], None]:
        """s := s − k·θ, θ := θ + s, s := β·s, prepared (same size, contiguous)."""
        tmp = np.empty(theta.shape, self.dtype) if k else None
        factor = np.array(beta, self.dtype)

        def run() -> None:
            if tmp is not None:
                s.__isub__(np.multiply(theta, k, out=tmp))
            theta.__iadd__(s)
            if beta != 1.0:
                s.__imul__(factor)

        return run

    def sumsq(self, v: np.ndarray) -> Callable[[], float]:
        """Σ v², prepared (v contiguous): a callable returning a Python float."""
        return partial(_sumsq, v)

    def absmax(self, v: np.ndarray) -> Callable[[], float]:
        """max |v|, prepared (v contiguous): a callable returning a Python float."""
        return partial(_absmax, v)

    def affine(
        self, a: np.ndarray, b: np.ndarray, bias: np.ndarray, c: np.ndarray, *, alpha: float = 1.0
    ) -> list[Callable[[], Any]]:
        """c := α·a @ b + bias, prepared as calls run in order: a (M, K), b (K, N), bias (N,).

        numpy: the product into c, then c += bias (a broadcast ``np.add``).
        """
        return [self.product(a, b, c, alpha=alpha), partial(np.add, c, bias, c)]


class BlasKernels(NumpyKernels):
    """直接调用 BLAS / The prepared operations as single calls into numpy's own BLAS."""

    name = "blas"

    def __init__(self, dtype: np.dtype, routines: tuple[Any, ...]) -> None:
        super().__init__(dtype)
        self._gemm, self._rotm = routines[:2]
        # optional (numpy's own operations without them): ?dot, i?amax
        self._dot, self._iamax = (*routines[2:4], None, None)[:2]
        self._real = ctypes.c_float if self.dtype == np.float32 else ctypes.c_double

    def _layout(self, a: np.ndarray) -> tuple[int, int] | None:
        """(transpose flag, leading dimension) of a 2-D operand, None if BLAS cannot read it."""
        if a.dtype != self.dtype or a.ndim != 2 or not a.flags.aligned:
            return None
        (n0, n1), (s0, s1), size = a.shape, a.strides, self.dtype.itemsize
        if (s1 == size or n1 == 1) and (n0 == 1 or (s0 % size == 0 and s0 // size >= n1)):
            return _NO_TRANS, max(s0 // size if n0 > 1 else n1, n1, 1)
        if (s0 == size or n0 == 1) and (n1 == 1 or (s1 % size == 0 and s1 // size >= n0)):
            return _TRANS, max(s1 // size if n1 > 1 else n0, n0, 1)
        return None

    def product(
        self, a: np.ndarray, b: np.ndarray, c: np.ndarray, *, alpha: float = 1.0, beta: float = 0.0
    ) -> Callable[[], None]:
        """c := α·a @ b + β·c as one ``gemm`` (numpy when a layout does not fit)."""
        la, lb, lc = self._layout(a), self._layout(b), self._layout(c)
        (m, k), (k2, n) = a.shape, b.shape
        if (
            la is None
            or lb is None
            or lc is None
            or lc[0] != _NO_TRANS
            or k != k2
            or c.shape != (m, n)
            or not c.flags.writeable
            or not (m and n and k)
        ):
            return super().product(a, b, c, alpha=alpha, beta=beta)
        i64, ptr, real = ctypes.c_int64, ctypes.c_void_p, self._real
        args = (i64(_ROW_MAJOR), i64(la[0]), i64(lb[0]), i64(m), i64(n), i64(k), real(alpha),
                ptr(a.ctypes.data), i64(la[1]), ptr(b.ctypes.data), i64(lb[1]), real(beta),
                ptr(c.ctypes.data), i64(lc[1]))  # fmt: skip
        return _prepared(self._gemm, args, (a, b, c))

    def decay_step(
        self, theta: np.ndarray, s: np.ndarray, k: float, beta: float = 1.0
    ) -> Callable[[], None]:
        """s := s − k·θ, θ := θ + s, s := β·s as one ``rotm`` pass:
        (θ, s) := ((1 − k)θ + s, −βkθ + βs)."""
        ok = all(v.dtype == self.dtype and v.flags.c_contiguous for v in (theta, s))
        if not ok or theta.size != s.size or not theta.size:
            return super().decay_step(theta, s, k, beta)
        # flag −1: x := h11 x + h12 y, y := h21 x + h22 y, with x = θ, y = s
        param = np.array([-1.0, 1.0 - k, -beta * k, 1.0, beta], self.dtype)
        i64, ptr = ctypes.c_int64, ctypes.c_void_p
        args = (i64(theta.size), ptr(theta.ctypes.data), i64(1), ptr(s.ctypes.data), i64(1),
                ptr(param.ctypes.data))  # fmt: skip
        return _prepared(self._rotm, args, (theta, s, param))

    def affine(
        self, a: np.ndarray, b: np.ndarray, bias: np.ndarray, c: np.ndarray, *, alpha: float = 1.0
    ) -> list[Callable[[], Any]]:
        """c := α·a @ b + bias as two ``gemm``: c := 1_M biasᵀ (the (M, 1) ones times the row:
        a copy of bias into every row, exact), then c := α·a @ b + 1·c.

        A broadcast ``np.add`` over a narrow c costs several times a small ``gemm`` call. The
        numbers: with β = 1 the kernel adds α·(a @ b) to the exact bias, the same rounding as
        the product and then the sum when α·(a @ b) is exact (α a power of two, the engine's
        case) and K fits one of OpenBLAS's K blocks (else partial sums meet the bias in a
        different order: equal up to rounding).
        """
        ones = np.ones((c.shape[0], 1), self.dtype)
        return [self.product(ones, bias[None, :], c), self.product(a, b, c, alpha=alpha, beta=1.0)]

    def sumsq(self, v: np.ndarray) -> Callable[[], float]:
        """Σ v² as one ``?dot`` of v with itself (numpy's ``vdot`` when v does not fit)."""
        if self._dot is None or v.dtype != self.dtype or not v.flags.c_contiguous or not v.size:
            return super().sumsq(v)
        i64, ptr = ctypes.c_int64, ctypes.c_void_p
        p = ptr(v.ctypes.data)
        return _prepared(self._dot, (i64(v.size), p, i64(1), p, i64(1)), (v,))

    def absmax(self, v: np.ndarray) -> Callable[[], float]:
        """max |v| as one ``i?amax`` (the 0-based index of the first largest |v_i|) and a
        look-up; numpy's two reductions when v does not fit."""
        if self._iamax is None or v.dtype != self.dtype or not v.flags.c_contiguous or not v.size:
            return super().absmax(v)
        flat = v.reshape(-1)  # a view: contiguous
        i64 = ctypes.c_int64
        index = _prepared(self._iamax, (i64(v.size), ctypes.c_void_p(v.ctypes.data), i64(1)), (v,))

        def run() -> float:
            return abs(float(flat[index()]))

        return run


def _library_candidates() -> list[Path]:
    """numpy 的 BLAS 库文件 / The BLAS library files of this numpy, the loaded one first."""
    root = Path(np.__file__).resolve().parent
    found: list[Path] = []
    maps = Path("/proc/self/maps")
    if maps.exists():  # Linux: the library numpy has actually loaded
        for line in maps.read_text().splitlines():
            parts = line.split(maxsplit=5)
            path = parts[5] if len(parts) == 6 else ""
            if "blas" in path.lower() and path.startswith(str(root)):
                found.append(Path(path))
    for folder in (root.parent / "numpy.libs", root / ".dylibs"):
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if "blas" in p.name.lower())
    return list(dict.fromkeys(found))


def _bind(lib: ctypes.CDLL, dtype: np.dtype) -> tuple[Any, ...] | None:
    """取出符号 / ?gemm, ?rotm, ?dot and i?amax of the first naming the library has (?dot and
    i?amax may be missing, None: then ``sumsq`` and ``absmax`` use numpy), or None.

    Fresh function objects without ``argtypes`` (see the module docstring): every prepared
    call passes ctypes instances of the exact C types.
    """
    real = ctypes.c_float if dtype == np.float32 else ctypes.c_double
    letter = "s" if dtype == np.float32 else "d"
    for prefix, suffix in _NAMINGS:
        try:
            gemm = lib[f"{prefix}cblas_{letter}gemm{suffix}"]
            rotm = lib[f"{prefix}cblas_{letter}rotm{suffix}"]
        except AttributeError:
            continue
        gemm.restype = rotm.restype = None
        optional = []
        for name, restype in (("dot", real), ("amax", ctypes.c_size_t)):
            routine = getattr(lib, f"{prefix}cblas_{letter if name == 'dot' else 'i' + letter}"
                                   f"{name}{suffix}", None)  # fmt: skip
            if routine is not None:
                routine.restype = restype
            optional.append(routine)
        return gemm, rotm, *optional
    return None


def self_test(k: NumpyKernels) -> bool:
    """自检 / Every transpose combination, β = 0 and β ≠ 0, decay_step, sumsq and absmax,
    against float64."""
    rng = np.random.default_rng(0)
    tol = 1e-4 if k.dtype == np.float32 else 1e-12
    for ta in (False, True):
        for tb in (False, True):
            for beta in (0.0, 0.7):
                a = rng.standard_normal((6, 5) if ta else (5, 6)).astype(k.dtype)
                b = rng.standard_normal((4, 6) if tb else (6, 4)).astype(k.dtype)
                a, b = (a.T if ta else a), (b.T if tb else b)
                c = rng.standard_normal((5, 4)).astype(k.dtype)
                want = -0.5 * (a.astype(float) @ b.astype(float)) + beta * c
                if beta == 0.0:
                    c[0, 0] = np.nan  # β = 0 must ignore what c held
                k.product(a, b, c, alpha=-0.5, beta=beta)()
                if not np.allclose(c, want, rtol=tol, atol=tol):
                    return False
    theta, s = rng.standard_normal(7).astype(k.dtype), rng.standard_normal(7).astype(k.dtype)
    want_s = s - 0.25 * theta.astype(float)
    want_theta = theta + want_s
    want_s *= 0.9
    k.decay_step(theta, s, 0.25, 0.9)()
    v = rng.standard_normal(9).astype(k.dtype)
    w = np.array([[0.5, -3.0, 2.0], [3.0, -1.0, 0.0]], k.dtype)  # the first largest |w| is −3
    return bool(
        np.allclose(s, want_s, rtol=tol, atol=tol)
        and np.allclose(theta, want_theta, rtol=tol, atol=tol)
        and np.isclose(k.sumsq(v)(), float(v.astype(float) @ v), rtol=tol, atol=tol)
        and k.absmax(w)() == 3.0
        and k.absmax(w[1:])() == 3.0
    )


@cache
def _find(dtype_name: str) -> tuple[Any, ...] | None:
    """一次查找 / The first library whose routines pass the self-test (once per dtype)."""
    dtype = np.dtype(dtype_name)
    if os.environ.get("NNCORE_BLAS", "").lower() == "numpy" or dtype not in (
        np.float32,
        np.float64,
    ):
        return None
    for path in _library_candidates():
        try:
            routines = _bind(ctypes.CDLL(str(path)), dtype)
            if routines is not None and self_test(BlasKernels(dtype, routines)):
                return routines
        except Exception:  # any failure means: not this library
            continue
    return None


def kernels(dtype: np.dtype) -> NumpyKernels:
    """该 dtype 的内核 / BLAS kernels for ``dtype`` if found and sound, else numpy's.

    Searched once per dtype per process (a few ms; never at ``import nncore``).
    """
    routines = _find(np.dtype(dtype).name)
    return NumpyKernels(dtype) if routines is None else BlasKernels(dtype, routines)
