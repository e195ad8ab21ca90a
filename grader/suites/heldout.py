"""训练类任务的公共部分：留出数据、参数检查、阈值用例 / Shared parts of the training tasks.

The trust rule for training (``ARCHITECTURE.md``): the worker trains with the student's code and
returns *parameters* only; the trusted parent rebuilds the network with nncore and evaluates it
on data the worker never received (a held-out split of the embedded digits, a fresh sample of
例题2's curve). Every training task passes at ≥ min(threshold, reference − margin) (≤ max(…)
for an MSE), the reference being nncore trained in this process on the same seed, data and
initial weights (:func:`threshold_case`); the documented thresholds and margins are in
:mod:`grader.suites.settings`, their calibration in :mod:`grader.suites.calibrate` and
``python -m grader.reference_check``.

Also here: :func:`property_case`, a case judged by properties (coverage of every sample,
reproducibility, …) rather than by one expected array.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from grader import feedback
from grader.compare import BAD_SHAPE, BAD_TYPE, NONFINITE, Comparison, as_numeric_array
from grader.registry import Case, Reply
from grader.text import Text
from nncore.mlp import MLP


@functools.cache
def digits() -> tuple[np.ndarray, np.ndarray]:
    """内置 8×8 手写数字（只读，缓存）/ The embedded 8×8 digits X (1797, 64) in [0, 1], y (1797,).

    Loaded in the trusted parent only; the worker receives the training part as arrays.
    """
    from importlib import metadata

    from grader.oracles import diskcache
    from nncore.data import digits as source

    def load() -> dict[str, np.ndarray]:
        X, y = source.load_digits()  # imports scikit-learn: seconds; the cache skips it
        return {"X": X, "y": y}

    version = (metadata.version("scikit-learn"), diskcache.file_hash(source.__file__))
    data = diskcache.arrays("digits", version, load)
    X, y = data["X"], data["y"]
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def digit_split(rng: np.random.Generator, sizes: Sequence[int]) -> list[np.ndarray]:
    """数字数据的随机划分（每个学生不同）/ Disjoint random index sets of the given sizes."""
    X, _ = digits()
    order = rng.permutation(X.shape[0])
    out, start = [], 0
    for n in sizes:
        out.append(np.sort(order[start : start + n]))
        start += n
    return out


def xavier_params(rng: np.random.Generator, sizes: Sequence[int]) -> list[np.ndarray]:
    """Xavier 初值（由评分器生成）/ Xavier-uniform weights and zero biases, [W1, b1, W2, b2, …]."""
    params: list[np.ndarray] = []
    for n_in, n_out in pairwise(sizes):
        r = np.sqrt(6.0 / (n_in + n_out))
        params += [rng.uniform(-r, r, (n_in, n_out)), np.zeros(n_out)]
    return params


def param_shapes(sizes: Sequence[int]) -> list[tuple[int, ...]]:
    """参数形状 / Shapes of [W1, b1, W2, b2, …] for layer sizes ``sizes``."""
    out: list[tuple[int, ...]] = []
    for n_in, n_out in pairwise(sizes):
        out += [(n_in, n_out), (n_out,)]
    return out


def check_params(value: Any, shapes: list[tuple[int, ...]], what: str | Text) -> list[Comparison]:
    """检查返回的参数列表 / Type, shape and finiteness of a returned list of parameter arrays.

    Returns the failed comparisons (empty when the parameters are usable); the k-th array is
    named ``what[k]``.
    """
    if not isinstance(value, list | tuple) or len(value) != len(shapes):
        n = len(value) if isinstance(value, list | tuple) else 0
        return [
            Comparison(
                BAD_SHAPE if isinstance(value, list | tuple) else BAD_TYPE,
                what,
                got_shape=(n,),
                want_shape=(len(shapes),),
                got_type=type(value).__name__,
            )
        ]
    bad: list[Comparison] = []
    for k, (p, shape) in enumerate(zip(value, shapes, strict=True)):
        arr = as_numeric_array(p)
        name = Text.of(what) + Text(f"[{k}]", f"[{k}]")
        if arr is None:
            bad.append(Comparison(BAD_TYPE, name, got_type=type(p).__name__, want_shape=shape))
        elif arr.shape != shape:
            bad.append(Comparison(BAD_SHAPE, name, got_shape=arr.shape, want_shape=shape))
        elif not np.all(np.isfinite(arr.astype(np.float64))):
            n_bad = int(np.sum(~np.isfinite(arr.astype(np.float64))))
            bad.append(Comparison(NONFINITE, name, got_shape=arr.shape, want_shape=shape,
                                  first_bad=tuple(int(i) for i in np.argwhere(
                                      ~np.isfinite(arr.astype(np.float64)))[0]),
                                  n_bad=n_bad, n_total=int(arr.size)))  # fmt: skip
    return bad


def network(sizes: Sequence[int], activations: Sequence[str], params: Sequence[Any]) -> MLP:
    """用（已检查的）参数建 nncore 网络 / An nncore MLP holding checked parameters."""
    net = MLP(list(sizes), activations=list(activations), seed=0)
    for p, value in zip(net.params, params, strict=True):
        p[...] = np.asarray(value, dtype=np.float64)
    return net


def property_case(
    label: Text, problems: list[tuple[str, Text]], reply: Reply | None = None
) -> Case:
    """按性质判定的用例 / A case judged by properties.

    ``problems`` lists ``(hint code, text)`` for each violated property (empty: passed); the
    first one becomes the case's note. The texts describe the student's own output only.
    """
    if not problems:
        return Case(label, True)
    hints = [c for c, _ in problems if c]
    return Case(label, False, hints=list(dict.fromkeys(hints)), note=problems[0][1], reply=reply)


#: Observers of threshold decisions: the trusted reference sweep (:mod:`grader.reference_check`)
#: only. What they receive (values derived from hidden data) never reaches a report.
_OBSERVERS: list[Callable[[dict[str, Any]], None]] = []


@contextlib.contextmanager
def observe_thresholds(callback: Callable[[dict[str, Any]], None]) -> Iterator[None]:
    """观察阈值判定（仅参考扫描）/ Pass every threshold decision to ``callback`` meanwhile.

    ``callback`` receives ``{"label", "value", "threshold", "reference", "bar", "headroom",
    "at_least"}``: the case's English label, the student's metric, the documented threshold,
    the same-seed reference's metric (NaN if none), the bar actually applied, how far the
    value is on the passing side of the bar (negative: failed) and whether the bar is a
    minimum (accuracy) or a maximum (an MSE). For the reference sweep's worst-case table;
    never for a report.
    """
    _OBSERVERS.append(callback)
    try:
        yield
    finally:
        _OBSERVERS.remove(callback)


def threshold_case(
    label: Text,
    value: float,
    *,
    at_least: float | None = None,
    at_most: float | None = None,
    what: Text,
    fmt: str = "{:.4f}",
    hints: tuple[str, ...] = ("training_poor",),
    reference: float | Callable[[], float] | None = None,
    margin: float = 0.0,
) -> Case:
    """阈值用例 / A case that passes when ``value`` is ≥ ``at_least`` / ≤ ``at_most``.

    With ``reference`` (the nncore reference trained on the SAME seed, data and initial
    weights, here in the parent), the bar is relaxed to the reference's own result within
    ``margin``: pass at ≥ min(at_least, reference − margin) or ≤ max(at_most, reference +
    margin). So a correct submission can never fail because its hidden split was a hard one.
    The message shows the student's own value and the documented threshold; the reference's
    value (derived from hidden data) is never printed.

    ``reference`` may be a function computing it: it is then called only when the decision
    depends on it, i.e. when ``value`` is not finite or misses the documented threshold (a
    value that meets the threshold passes whatever the reference, since the relaxed bar is
    never stricter), or when the reference sweep observes the decisions. The outcome and the
    message are the same as with the value; a correct run that meets the threshold does not
    pay for training the reference.
    """
    if callable(reference):
        meets = bool(np.isfinite(value)) and (at_least is None or value >= at_least) and (
            at_most is None or value <= at_most)  # fmt: skip
        reference = None if meets and not _OBSERVERS else reference()
    ok = bool(np.isfinite(value))
    ref_ok = reference is not None and bool(np.isfinite(reference))
    headroom = float("inf")
    if at_least is not None:
        bar = min(at_least, reference - margin) if ref_ok else at_least  # type: ignore[operator]
        ok = ok and value >= bar
        headroom = min(headroom, value - bar)
    if at_most is not None:
        bar = max(at_most, reference + margin) if ref_ok else at_most  # type: ignore[operator]
        ok = ok and value <= bar
        headroom = min(headroom, bar - value)
    for observe in _OBSERVERS:
        observe({"label": label.en, "value": float(value), "bar": float(bar),
                 "at_least": at_least is not None,
                 "threshold": float(at_least if at_least is not None else at_most),  # type: ignore[arg-type]
                 "reference": float(reference) if ref_ok else float("nan"),  # type: ignore[arg-type]
                 "headroom": headroom if np.isfinite(value) else float("-inf")})  # fmt: skip
    if ok:
        return Case(label, True)
    need_zh = f"≥ {fmt.format(at_least)}" if at_least is not None else f"≤ {fmt.format(at_most)}"
    need_en = need_zh
    if ref_ok:  # the margin is a published constant of the suite; the reference value is not
        need_zh += "（或与同一数据、同一初值上训练的参考答案相差不超过规定的容差）"
        need_en += (
            " (or within the set margin of the reference trained on the same data and weights)"
        )
    got = fmt.format(value) if np.isfinite(value) else "NaN/inf"
    note = Text(f"{what.zh} 为 {got}，要求 {need_zh}", f"{what.en} is {got}; required {need_en}")
    return Case(label, False, hints=list(hints), note=note)


def failed_params_case(label: Text, bad: list[Comparison]) -> Case:
    """参数不可用 / A case failed because the returned parameters are unusable."""
    hints = [c for comp in bad for c in feedback.symptom_hints(comp)]
    return Case(label, False, comparisons=bad, hints=hints)


def accuracy(net: MLP, X: np.ndarray, y: np.ndarray) -> float:
    """留出数据上的准确率 / Accuracy of ``net`` on held-out (X, y) (nncore's rule)."""
    from nncore.training import accuracy as _accuracy

    with np.errstate(all="ignore"):
        out = net.predict(X)
    if not np.all(np.isfinite(out)):
        return float("nan")
    return _accuracy(out, y)


def as_stat(value: Any, shape: tuple[int, ...]) -> np.ndarray | None:
    """返回的统计量（如 μ、σ）/ A returned statistic as float64 of ``shape``, or None."""
    arr = as_numeric_array(value)
    if arr is None or arr.size != int(np.prod(shape)):
        return None
    arr = arr.astype(np.float64).reshape(shape)
    return arr if np.all(np.isfinite(arr)) else None


def compare_stat(
    value: Any, want: np.ndarray, what: str | Text, shape: tuple[int, ...]
) -> Comparison:
    """比较返回的统计量 / Compare a returned statistic with the oracle's (same rules as arrays)."""
    from grader.compare import compare_array

    arr = as_numeric_array(value)
    if arr is not None and arr.size == int(np.prod(shape)):
        value = arr.reshape(shape)
    return compare_array(value, np.asarray(want).reshape(shape), what)


def attribute(reply: Reply, function: str, functions: tuple[str, ...] = ()) -> Reply:
    """把驱动例程的失败归到学生函数 / Attribute a failed driver routine to a student function.

    A routine runs several stubs; "not implemented" is kept only when the stub that raised is
    one this task grades (its name is in the error text), otherwise the failure is reported
    as the exception it is (e.g. sgd_epoch calling an unimplemented minibatches).
    """
    reply.function = function
    if reply.kind == "not_implemented":
        names = {f.rsplit(".", 1)[-1] for f in (*functions, function)}
        if not any(f"in {n}" in reply.frames or n in reply.error for n in names):
            reply.kind = "exception"
    return reply
