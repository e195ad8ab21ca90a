"""可信端的比较 / Comparisons, done in the trusted grader parent only.

Everything here runs in the grader process on plain data decoded from the worker (numpy arrays,
Python scalars, lists, tuples, dicts): the student's code is never involved, so a student who
redefines ``numpy.allclose`` in the worker changes nothing here.

A :class:`Comparison` records *how* a value differs from the expected one (shape, dtype,
finiteness, max relative error, first bad index) but never the expected value itself, so it can
be shown to a student without leaking a hidden oracle value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.text import Text

#: Default tolerances: relative error per entry ``|g − e| / max(|e|, atol_scale)``.
RTOL = 1e-6
ATOL_SCALE = 1e-8
#: float32 tolerances (used whenever the expected or returned value is float32): relative
#: 1e-5 (about 80 float32 ulps) with an absolute floor of RTOL32·ATOL_SCALE32 = 1e-6 (about
#: 8 ulps of 1), so any float32-friendly formulation of the same formula passes.
RTOL32 = 1e-5
ATOL_SCALE32 = 0.1


def dtype_tolerance(
    got: np.ndarray, want: np.ndarray, rtol: float, atol_scale: float
) -> tuple[float, float]:
    """按 dtype 放宽容差 / Widen (rtol, atol_scale) to float32 sizes when float32 is involved."""
    if np.float32 in (got.dtype, want.dtype) or np.float16 in (got.dtype, want.dtype):
        return max(rtol, RTOL32), max(atol_scale, ATOL_SCALE32)
    return rtol, atol_scale


OK = "ok"
BAD_TYPE = "type"
BAD_SHAPE = "shape"
BAD_DTYPE = "dtype"
NONFINITE = "nonfinite"
BAD_VALUE = "value"


@dataclass
class Comparison:
    """一次比较的结果 / The outcome of one comparison (no expected values inside).

    ``kind`` is one of ``ok``, ``type``, ``shape``, ``dtype``, ``nonfinite``, ``value``.
    ``what`` names the compared value: lecture notation (``∂J/∂W^(l)``, a plain string, the
    same in both languages) or a :class:`Text` when the name has words (``Text("重构误差",
    "reconstruction error")``); :attr:`name` is it as a ``Text``.
    ``got_shape`` / ``want_shape`` are shapes (public: they follow from the stub's docstring),
    ``max_rel_err`` the largest relative error, ``first_bad`` the first bad multi-index.
    """

    kind: str
    what: str | Text = ""
    got_shape: tuple[int, ...] | None = None
    want_shape: tuple[int, ...] | None = None
    got_type: str = ""
    max_rel_err: float | None = None
    first_bad: tuple[int, ...] | None = None
    n_bad: int = 0
    n_total: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> Text:
        """双语名称 / The compared value's name in both languages."""
        return Text.of(self.what)

    @property
    def ok(self) -> bool:
        """通过 / True when the value matched."""
        return self.kind == OK

    def to_json(self) -> dict[str, Any]:
        """JSON 形式 / JSON-ready form (for report.json): ``what`` on one line ("zh / en" when
        the name has words) and ``what_zh`` / ``what_en``."""
        return {
            "kind": self.kind,
            "what": self.name.joined(),
            **self.name.fields("what"),
            "got_shape": list(self.got_shape) if self.got_shape is not None else None,
            "want_shape": list(self.want_shape) if self.want_shape is not None else None,
            "got_type": self.got_type,
            "max_rel_err": _finite_or_none(self.max_rel_err),
            "first_bad": list(self.first_bad) if self.first_bad is not None else None,
            "n_bad": self.n_bad,
            "n_total": self.n_total,
        }


def _finite_or_none(x: float | None) -> float | None:
    """把非有限数换成 None（JSON 中不出现 NaN）/ Non-finite floats become None in JSON."""
    if x is None or not np.isfinite(x):
        return None
    return float(x)


def as_numeric_array(value: Any) -> np.ndarray | None:
    """把学生返回值转成数值数组；不行则 None / A numeric ndarray from a reply, or None.

    Accepts ndarrays, numpy scalars, Python numbers and (nested) lists/tuples of numbers.
    Object arrays, strings, dicts and handles give None.
    """
    if isinstance(value, bool):
        value = float(value)
    if isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, int | float | np.generic):
        arr = np.asarray(value)
    elif isinstance(value, list | tuple):
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return None
    else:
        return None
    if arr.dtype.hasobject or arr.dtype.kind not in "biuf":
        return None
    return arr


def relative_errors(
    got: np.ndarray, want: np.ndarray, atol_scale: float = ATOL_SCALE
) -> np.ndarray:
    """逐项相对误差 / Entry-wise relative error |g − e| / max(|e|, atol_scale) (float64).

    Equal entries have error 0, infinities included (a mistake's value may hold an inf, e.g.
    a best loss never updated from its start); any other entry facing an inf or a NaN gets
    NaN or inf, without a floating-point warning.
    """
    g = np.asarray(got, dtype=np.float64)
    e = np.asarray(want, dtype=np.float64)
    with np.errstate(all="ignore"):
        return np.where(g == e, 0.0, np.abs(g - e) / np.maximum(np.abs(e), atol_scale))


def max_rel_error(got: Any, want: np.ndarray, atol_scale: float = ATOL_SCALE) -> float:
    """最大相对误差（形状不符或非数值时为 inf）/ Max relative error; inf if incomparable."""
    arr = as_numeric_array(got)
    w = np.asarray(want)
    if arr is None or arr.shape != w.shape:
        if arr is not None and arr.size == w.size and w.ndim <= 1 and arr.ndim <= 1:
            arr = arr.reshape(w.shape)
        else:
            return float("inf")
    bad = ~np.isfinite(arr)
    if np.any(bad) and not np.array_equal(arr[bad], w[bad]):  # ±inf only where w has it; NaN never
        return float("inf")
    if w.size == 0:
        return 0.0
    return float(np.max(relative_errors(arr, w, atol_scale)))


def compare_array(
    got: Any,
    want: np.ndarray,
    what: str | Text = "",
    *,
    rtol: float = RTOL,
    atol_scale: float = ATOL_SCALE,
    float_dtype: np.dtype | None = None,
    allow_scalar_shape: bool = False,
) -> Comparison:
    """比较一个数组 / Compare one returned array with the expected one.

    Checks in order: numeric type, shape (``(n,)`` vs ``(1, n)`` are *different* shapes unless
    ``allow_scalar_shape`` lets a 0-d/1-element value stand for a scalar), dtype (floating
    point, and exactly ``float_dtype`` when given), all entries finite, and every entry's
    relative error ≤ ``rtol``.
    """
    want = np.asarray(want)
    arr = as_numeric_array(got)
    if arr is None:
        return Comparison(BAD_TYPE, what, want_shape=want.shape, got_type=_type_name(got))
    if allow_scalar_shape and want.size == 1 and arr.size == 1:
        arr = arr.reshape(want.shape)
    if arr.shape != want.shape:
        return Comparison(
            BAD_SHAPE, what, got_shape=arr.shape, want_shape=want.shape, got_type=_type_name(got)
        )
    base = dict(what=what, got_shape=arr.shape, want_shape=want.shape, got_type=_type_name(got))
    if float_dtype is not None and arr.dtype != np.dtype(float_dtype):
        return Comparison(
            BAD_DTYPE,
            **base,
            extra={"got_dtype": str(arr.dtype), "want_dtype": str(np.dtype(float_dtype))},
        )
    finite = np.isfinite(arr.astype(np.float64)) if arr.size else np.ones(0, bool)
    if not np.all(finite):
        bad = np.argwhere(~finite)
        return Comparison(
            NONFINITE,
            **base,
            first_bad=tuple(int(i) for i in bad[0]) if arr.ndim else (),
            n_bad=int(bad.shape[0]) if arr.ndim else 1,
            n_total=int(arr.size),
        )
    if arr.size == 0:
        return Comparison(OK, **base, max_rel_err=0.0)
    rtol, atol_scale = dtype_tolerance(arr, want, rtol, atol_scale)
    rel = relative_errors(arr, want, atol_scale)
    worst = float(np.max(rel))
    if worst <= rtol:
        return Comparison(OK, **base, max_rel_err=worst, n_total=int(arr.size))
    bad = np.argwhere(rel > rtol)
    return Comparison(
        BAD_VALUE,
        **base,
        max_rel_err=worst,
        first_bad=tuple(int(i) for i in bad[0]) if arr.ndim else (),
        n_bad=int(bad.shape[0]) if arr.ndim else 1,
        n_total=int(arr.size),
    )


def matches(got: Any, want: np.ndarray, rtol: float = 1e-6) -> bool:
    """是否与某个候选值一致（用于诊断常见错误）/ Whether ``got`` equals a candidate value.

    Used to recognise common mistakes: the parent computes what a transposed W, a missing f'
    or a missing 1/m would have produced and checks whether the student's value is that.
    """
    arr = as_numeric_array(got)
    w = np.asarray(want)
    if arr is None:
        return False
    rtol, atol_scale = dtype_tolerance(arr, w, rtol, ATOL_SCALE)
    return max_rel_error(got, w, atol_scale) <= rtol


def _type_name(value: Any) -> str:
    """返回值的类型描述 / A short description of a reply's type (no values)."""
    if isinstance(value, np.ndarray):
        return f"ndarray[{value.dtype}]"
    if value is None:
        return "None"
    return type(value).__name__
