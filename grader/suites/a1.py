"""作业 1 隐藏测试：人工神经元 / Hidden suite of a1: the artificial neuron.

Every task is a declarative table (:mod:`grader.suites.spec`). Oracle: nncore (closed-form
functions). Cases every student gets: exact zeros for the threshold functions (f(0) = 1,
sgn(0) = 1) and sums exactly at θ / on wᵀx + b = 0 (TLU, perceptron prediction and update);
extreme inputs for sigmoid and logistic regression (no overflow warning, finite and exact);
float32 inputs must stay float32; inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from grader.suites.common import CASE
from grader.suites.spec import SAME, Cases, Draw, Mistake, Out, Spec, no_inputs
from grader.text import Text
from nncore import activations as A
from nncore import neurons as N

EXTREME = np.array([-1e4, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e4])


def _z(rng: np.random.Generator, zeros: bool = False) -> np.ndarray:
    """随机输入 (2–4)×(2–4)，可含 0 / Random pre-activations, optionally with exact zeros.

    With ``zeros`` about 40 % of the entries are exactly 0, and for every student at least one
    (the first) is 0 and at least one (the last) is not: the tie at 0 is always tested, and
    the case is never all zeros.
    """
    z = rng.uniform(-4, 4, (int(rng.integers(2, 5)), int(rng.integers(2, 5))))
    if zeros:
        mask = rng.random(z.shape) < 0.4
        mask.flat[0], mask.flat[-1] = True, False
        z[mask] = 0.0
    return z


def _elementwise(
    fn: str,
    label: Text,
    inputs: Callable[[Draw], Mapping[str, Any]],
    mistakes: Mapping[str, Mistake] | None = None,
    *,
    n: int = 1,
    stable: bool = False,
    kwargs: tuple[str, ...] = (),
) -> Cases:
    """逐元素函数 f(z) 的用例组（dtype 须与输入一致）/ Cases of an element-wise stub f(z).

    The oracle is nncore's function of the same name; the returned dtype must equal the
    expected one (float32 in, float32 out).
    """
    ref = getattr(A, fn)
    return Cases(
        f"activations.{fn}",
        label,
        inputs,
        lambda v: ref(v.z, **{k: v[k] for k in kwargs}),
        (Out(f"{fn}(z)", dtype=SAME),),
        args=("z",),
        kwargs=kwargs,
        mistakes=mistakes or {},
        n=n,
        stable=stable,
    )


def _random_z(d: Draw) -> dict[str, Any]:
    """随机 z（含恰为 0 的项）/ Random z with exact zeros."""
    return {"z": _z(d.rng, zeros=True)}


def _integer_z(d: Draw) -> dict[str, Any]:
    """整数 z（含 0、正数与负数）/ An integer z with 0, a negative and a positive entry: the
    module's contract "integer input becomes float64" is checked for every student."""
    z = d.rng.integers(-3, 4, (2, int(d.rng.integers(3, 5))))
    z.flat[:3] = (0, -int(d.rng.integers(1, 4)), int(d.rng.integers(1, 4)))
    return {"z": z}


def _integer(fn: str, mistakes: Mapping[str, Mistake] | None = None) -> Cases:
    """整数输入得到 float64 / Integer input gives float64 (the dtype is compared exactly)."""
    return _elementwise(
        fn, Text("整数输入得到 float64", "integer input gives float64"), _integer_z, mistakes
    )


def _pair(
    name: str,
    f_mistakes: Mapping[str, Mistake],
    df_mistakes: Mapping[str, Mistake],
    extreme: bool,
) -> tuple[Cases, ...]:
    """激活函数及其导数 / An activation and its derivative: ordinary values, float32, extremes.

    The float32 z is drawn once and used by f and f' (both must return float32).
    ``extreme``: the float32 case reaches past float32's exp overflow (±100 for every
    student) and two more cases take |z| up to 1e4 (stability, no warnings).
    """

    def float32(d: Draw) -> dict[str, Any]:
        z32 = _z(d.rng).astype(np.float32) * (25 if extreme else 1)
        if extreme:  # the same kinds of value for every student: past float32's exp overflow
            z32.flat[:2] = (-100.0, 100.0)
        return {"z": z32}

    groups = [
        _elementwise(name, Text("f(z)，常规值", "f(z), ordinary"), _random_z, f_mistakes),
        _elementwise(
            f"{name}_derivative", Text("f'(z)，常规值", "f'(z), ordinary"), _random_z, df_mistakes
        ),
        _elementwise(
            name,
            Text("float32 输入保持 float32", "float32 input stays float32"),
            float32,
            f_mistakes,
            stable=extreme,
        ),
        _elementwise(
            f"{name}_derivative",
            Text("f'(z)，float32 输入保持 float32", "f'(z), float32 input stays float32"),
            lambda d: {"z": d.prev.z},  # the same float32 z as f's case just before
            df_mistakes,
            stable=extreme,
        ),
        _integer(name, f_mistakes),
        _integer(f"{name}_derivative", df_mistakes),
    ]
    if extreme:
        groups += [
            _elementwise(
                name,
                Text("极端输入 |z| ≤ 1e4（数值稳定性）", "extreme |z| ≤ 1e4 (stability)"),
                lambda d: {"z": d.rng.permutation(EXTREME)[None, :]},
                stable=True,
            ),
            _elementwise(
                f"{name}_derivative",
                Text("导数，极端输入", "derivative, extreme inputs"),
                lambda d: {"z": d.prev.z},  # the same extreme inputs
                stable=True,
            ),
        ]
    return tuple(groups)


# ------------------------------------------------------------------------------------------
def _threshold(fn: str, wrong: Mistake, **more: Mistake) -> tuple[Cases, Cases, Cases]:
    """阈值函数：随机 z、含 0 的 z、整数 z、float32 z / A threshold function on random z, on z
    with zeros, on an integer z (float64 out) and on a float32 z with zeros (float32 out)."""
    mistakes = {"threshold_at_zero": wrong, **more}
    return (
        _elementwise(fn, CASE, lambda d: {"z": _z(d.rng, zeros=d.k == 1)}, mistakes, n=2),
        _integer(fn, mistakes),
        _elementwise(
            fn,
            Text("float32 输入保持 float32", "float32 input stays float32"),
            lambda d: {"z": _z(d.rng, zeros=True).astype(np.float32)},
            mistakes,
        ),
    )


THRESHOLD = Spec(
    "a1.threshold",
    checked=Text(
        "单极性阈值 f(t) = 1[t ≥ 0] 与双极性 sgn（sgn(0) = 1），含 t 恰为 0，返回浮点数组（整数输入得到 float64，"
        "float32 输入保持 float32）",
        "unipolar threshold f(t) = 1[t ≥ 0] and bipolar sgn (sgn(0) = 1), including t = 0 "
        "exactly, as float arrays (integer input gives float64, float32 input stays float32)",
    ),
    cases=(
        *_threshold("step", lambda v: (v.z > 0).astype(float)),
        *_threshold("sign", lambda v: np.where(v.z > 0, 1.0, -1.0), np_sign=lambda v: np.sign(v.z)),
    ),
    hints={
        "np_sign": Text(
            "np.sign(0) = 0，但讲义的 sgn(0) = 1：用 np.where(t >= 0, 1.0, -1.0)。",
            "np.sign(0) = 0, but the lecture's sgn(0) = 1: use np.where(t >= 0, 1.0, -1.0).",
        ),
    },
)

SIGMOID = Spec(
    "a1.sigmoid",
    checked=Text(
        "σ(t) = 1/(1+e^{−t}) 与 σ'(t) = σ(t)(1−σ(t))：常规值、float32、整数输入（得到 float64）、|t| 到 1e4 的极端值"
        "（σ 与 σ' 都不得溢出或告警）",
        "σ(t) = 1/(1+e^{−t}) and σ'(t) = σ(t)(1−σ(t)): ordinary values, float32, integer "
        "input (float64 out), extreme |t| up to 1e4 (no overflow or warning in σ or σ')",
    ),
    cases=_pair(
        "sigmoid",
        {},
        {
            "derivative_of_a": lambda v: v.z * (1 - v.z),
            "wrong_derivative": lambda v: A.sigmoid(v.z),
            "sigmoid_deriv_mixed": lambda v: A.sigmoid(v.z) * (1 - v.z),
        },
        extreme=True,
    ),
    hints={
        "sigmoid_deriv_mixed": Text(
            "σ'(t) = σ(t)(1 − σ(t))：两个因子都是 σ(t)，你写成了 σ(t)(1 − t)。",
            "σ'(t) = σ(t)(1 − σ(t)): both factors are σ(t); you wrote σ(t)(1 − t).",
        ),
    },
)

TANH = Spec(
    "a1.tanh",
    checked=Text(
        "tanh(t) 与 tanh'(t) = 1 − tanh²(t)（注意：2σ(t) − 1 = tanh(t/2)，不是 tanh(t)）；整数输入得到 float64，"
        "float32 输入保持 float32",
        "tanh(t) and tanh'(t) = 1 − tanh²(t) (note: 2σ(t) − 1 = tanh(t/2), not tanh(t)); "
        "integer input gives float64, float32 input stays float32",
    ),
    cases=_pair(
        "tanh",
        {"tanh_half": lambda v: 2 * A.sigmoid(v.z) - 1},
        {
            "derivative_of_a": lambda v: 1 - v.z * v.z,
            "tanh_half": lambda v: 1 - (2 * A.sigmoid(v.z) - 1) ** 2,  # with the wrong tanh
            "tanh_deriv_unsquared": lambda v: 1 - A.tanh(v.z),
        },
        extreme=False,
    ),
    hints={
        "tanh_half": Text(
            "讲义勘误：2σ(t) − 1 = tanh(t/2)，不是 tanh(t)；tanh(t) = 2σ(2t) − 1（或 np.tanh）。",
            "Slide erratum: 2σ(t) − 1 = tanh(t/2), not tanh(t); tanh(t) = 2σ(2t) − 1 (or np.tanh).",
        ),
        "tanh_deriv_unsquared": Text(
            "tanh'(t) = 1 − tanh²(t)：tanh 要平方，不是 1 − tanh(t)。",
            "tanh'(t) = 1 − tanh²(t): square the tanh; it is not 1 − tanh(t).",
        ),
    },
)

RELU = Spec(
    "a1.relu",
    checked=Text(
        "ReLU f(t) = max(0, t) 与 f'(t) = 1[t > 0]（t = 0 处取 0）；整数输入得到 float64，float32 输入保持 float32",
        "ReLU f(t) = max(0, t) and f'(t) = 1[t > 0] (0 at t = 0); integer input gives float64, "
        "float32 input stays float32",
    ),
    cases=_pair(
        "relu", {}, {"wrong_derivative": lambda v: (v.z >= 0).astype(float)}, extreme=False
    ),
)

LEAKY_RELU = Spec(
    "a1.leaky_relu",
    checked=Text(
        "Leaky ReLU f(t) = t（t > 0）或 slope·t，及其导数；默认 slope = 0.01 与给定 slope；整数输入得到 float64，"
        "float32 输入保持 float32",
        "Leaky ReLU f(t) = t (t > 0) else slope·t and its derivative; default slope 0.01 "
        "and a given slope; integer input gives float64, float32 input stays float32",
    ),
    cases=(
        *_pair(
            "leaky_relu",
            {"leaky_constant": lambda v: np.where(v.z > 0, v.z, 0.01)},
            {"leaky_deriv_at_zero": lambda v: np.where(v.z >= 0, 1.0, 0.01)},
            extreme=False,
        ),
        _elementwise(
            "leaky_relu",
            Text("f(z)，给定 slope", "f(z), given slope"),
            lambda d: {"slope": float(d.rng.uniform(0.05, 0.3)), "z": _z(d.rng, zeros=True)},
            {
                "slope_ignored": lambda v: A.leaky_relu(v.z),
                "leaky_constant": lambda v: np.where(v.z > 0, v.z, v.slope),
            },
            kwargs=("slope",),
        ),
        _elementwise(
            "leaky_relu_derivative",
            Text("f'(z)，给定 slope", "f'(z), given slope"),
            lambda d: {"slope": d.prev.slope, "z": d.prev.z},  # f's case just before
            {
                "slope_ignored": lambda v: A.leaky_relu_derivative(v.z),
                "leaky_deriv_at_zero": lambda v: np.where(v.z >= 0, 1.0, v.slope),
            },
            kwargs=("slope",),
        ),
    ),
    hints={
        "leaky_deriv_at_zero": Text(
            "f'(0) 取 slope：导数在 t > 0（严格大于）时为 1，否则为 slope（与 ReLU'(0) = 0 同一约定）。",
            "f'(0) is slope: the derivative is 1 for t > 0 (strictly) and slope otherwise (the "
            "same convention as ReLU'(0) = 0).",
        ),
        "slope_ignored": Text(
            "没有用传入的 slope 参数（只在默认值 0.01 时正确）：负半轴用 slope。",
            "The slope argument is ignored (right only for the default 0.01): use slope on the "
            "negative half-axis.",
        ),
        "leaky_constant": Text(
            "负半轴的输出是 slope·t（随 t 变化），不是常数 slope：np.where(t > 0, t, slope * t)。",
            "On the negative half-axis the output is slope·t (it varies with t), not the "
            "constant slope: np.where(t > 0, t, slope * t).",
        ),
    },
)


# ------------------------------------------------------------------------------------------
def _tlu_inputs(d: Draw) -> dict[str, Any]:
    """X、w（第 3 个用例为标量）与 θ = 某个样本的加权和（必有平局）/ X, w and a tied θ."""
    m, n = int(d.rng.integers(4, 8)), int(d.rng.integers(2, 4))
    X = d.rng.integers(0, 3, (m, n)).astype(float)
    w = float(d.rng.integers(1, 3)) if d.k == 2 else d.rng.integers(-2, 3, n).astype(float)
    sums = np.sort(X @ np.broadcast_to(w, (n,)))
    theta = float(sums[len(sums) // 2])  # one of the sums: a tie Σ = θ for every student
    return {"X": X, "w": w, "theta": theta, "n": n}


TLU = Spec(
    "a1.tlu",
    checked=Text(
        "TLU y = 1[Σ_i w_i x_i ≥ θ]：向量 w 与标量 w，含恰好等于 θ 的情形；y 是 float64 的 0.0/1.0",
        "TLU y = 1[Σ_i w_i x_i ≥ θ]: vector w and scalar w, including sums exactly at θ; y as "
        "float64 0.0/1.0",
    ),
    cases=(
        Cases(
            "neurons.tlu",
            CASE,
            _tlu_inputs,
            lambda v: N.tlu(v.X, v.w, v.theta),
            (Out("y", dtype=np.float64),),
            args=("X", "w", "theta"),
            mistakes={
                "threshold_at_zero": lambda v: (
                    v.X @ np.broadcast_to(v.w, (v.n,)) > v.theta
                ).astype(float),
                "theta_sign": lambda v: (v.X @ np.broadcast_to(v.w, (v.n,)) + v.theta >= 0).astype(
                    float
                ),
            },
            n=3,
        ),
    ),
    hints={
        "theta_sign": Text(
            "TLU 比较的是 Σ_i w_i x_i ≥ θ（θ 是阈值，等价于偏置 b = −θ），不是 Σ + θ ≥ 0。",
            "The TLU compares Σ_i w_i x_i ≥ θ (θ is a threshold, i.e. a bias b = −θ), not "
            "Σ + θ ≥ 0.",
        ),
    },
)


def _perceptron_setup(rng: np.random.Generator) -> dict[str, Any]:
    """共享的 X、w、b（1/8 的倍数：wᵀx + b 精确，平局恰为 0）/ Shared dyadic X, w, b.

    Multiples of 1/8, so every wᵀx + b is exact and ties are exact zeros; one row of X is 0.
    """
    n = int(rng.integers(2, 5))
    X = rng.integers(-8, 9, (6, n)) / 8.0
    w, b = rng.integers(-8, 9, n) / 8.0, float(rng.integers(-4, 5)) / 8.0
    X[int(rng.integers(6))] = 0.0
    return {"n": n, "X": X, "w": w, "b": b}


def _predict(label: Text, tie: bool) -> Cases:
    """感知机输出；``tie``：b = 0，全零行恰在边界上 / Output; with b = 0 the zero row ties."""
    return Cases(
        "neurons.perceptron_predict",
        label,
        lambda d: {"bb": 0.0 if tie else d.v.b},
        lambda v: N.perceptron_predict(v.X, v.w, v.bb),
        (Out("y", dtype=np.float64),),
        args=("X", "w", "bb"),
        mistakes={"threshold_at_zero": lambda v: (v.X @ v.w + v.bb > 0).astype(float)},
    )


def _update_inputs(d: Draw, tie: bool) -> dict[str, Any]:
    """一次更新：误分的正例、误分的负例、分对的样本；或 wᵀx + b = 0 且 y = 0 的平局.

    One update: a misclassified positive, a misclassified negative, a correct one (k = 0, 1,
    2), or the tie wᵀx + b = 0 with y = 0 (ŷ = 1 under the lecture's ≥, so it must update).
    """
    x = d.rng.integers(-8, 9, d.v.n) / 8.0
    bk = -float(x @ d.v.w) if tie else d.v.b  # exact: dyadic
    pred = float(x @ d.v.w + bk >= 0)
    y = 0.0 if tie else {0: 1.0 - pred, 1: 1.0 - pred, 2: pred}[d.k]
    lr = float(d.rng.integers(1, 8)) / 8.0
    gt = y - float(x @ d.v.w + bk > 0)  # the error under the wrong rule ">"
    dr = y - float(x @ d.v.w + bk)  # the error under the delta rule (no threshold)
    return {"x": x, "bk": bk, "y": y, "lr": lr, "err": y - pred, "gt": gt, "dr": dr}


def _update(label: Text, n: int, tie: bool) -> Cases:
    """感知机学习规则 / The perceptron learning rule w := w + α(y − ŷ)x, b := b + α(y − ŷ)."""
    return Cases(
        "neurons.perceptron_update",
        label,
        lambda d: _update_inputs(d, tie),
        lambda v: N.perceptron_update(v.w, v.bk, v.x, v.y, v.lr),
        (Out("w", pick=0), Out("b", pick=1, scalar=True)),
        args=("w", "bk", "x", "y", "lr"),
        mistakes={
            "sign_error": lambda v: (v.w - v.lr * v.err * v.x, v.bk - v.lr * v.err),
            "no_learning_rate": lambda v: (v.w + v.err * v.x, v.bk + v.err) if v.lr != 1 else None,
            "bias_not_updated": lambda v: (None, v.bk) if v.err else None,
            "threshold_at_zero": lambda v: (
                (v.w + v.lr * v.gt * v.x, v.bk + v.lr * v.gt) if v.gt != v.err else None
            ),
            # after threshold_at_zero: at a tie both leave w, b unchanged, and a genuine ">"
            # fails only there; the task lets delta_rule supersede the tie's threshold_at_zero
            "delta_rule": lambda v: (v.w + v.lr * v.dr * v.x, v.bk + v.lr * v.dr),
        },
        n=n,
    )


PERCEPTRON = Spec(
    "a1.perceptron",
    checked=Text(
        "感知机输出 y = 1[wᵀx + b ≥ 0]（float64 的 0.0/1.0）与学习规则 w := w + α(y − ŷ)x、b := b + α(y − ŷ)"
        "（返回新值，不改输入）",
        "perceptron output y = 1[wᵀx + b ≥ 0] (float64 0.0/1.0) and the learning rule "
        "w := w + α(y − ŷ)x, b := b + α(y − ŷ) (new values returned, inputs unchanged)",
    ),
    setup=_perceptron_setup,
    cases=(
        _predict(Text("输出", "output"), tie=False),
        _predict(Text("输出，含 wᵀx + b = 0 的样本", "output, with a sample on wᵀx + b = 0"), True),
        _update(Text("更新", "update"), 3, tie=False),
        _update(Text("更新，wᵀx + b = 0 且 y = 0", "update, wᵀx + b = 0 with y = 0"), 1, True),
    ),
    supersedes={"delta_rule": ("threshold_at_zero",)},
    hints={
        "delta_rule": Text(
            "感知机的误差用阈值化的输出：ŷ = 1[wᵀx + b ≥ 0]（0 或 1），不是 wᵀx + b 本身"
            "（y − (wᵀx + b) 是 delta 规则，不是感知机规则）。",
            "The perceptron's error uses the thresholded output ŷ = 1[wᵀx + b ≥ 0] (0 or 1), "
            "not wᵀx + b itself (y − (wᵀx + b) is the delta rule, not the perceptron rule).",
        ),
        "bias_not_updated": Text(
            "偏置也要更新：b := b + α(y − ŷ)（相当于输入恒为 1 的权重）。",
            "Update the bias too: b := b + α(y − ŷ) (a weight whose input is always 1).",
        ),
    },
)


# ------------------------------------------------------------------------------------------
def _logistic_setup(rng: np.random.Generator) -> dict[str, Any]:
    """共享的 m、X、w、b、y / Shared data: X (m, n), w (n,), b, labels y (m,)."""
    m, n = int(rng.integers(4, 8)), int(rng.integers(2, 4))
    X, w, b = rng.uniform(-1, 1, (m, n)), rng.uniform(-1, 1, n), float(rng.uniform(-1, 1))
    y = rng.integers(0, 2, m).astype(float)
    Xe = X * 2000.0
    # every student: one sample at z = wᵀx + b ≈ +1500 and one at ≈ −1500 (e^{±z} overflows)
    Xe[0] = 1500.0 * w / float(w @ w)
    Xe[1] = -Xe[0]
    return {"m": m, "X": X, "w": w, "b": b, "y": y, "Xe": Xe}


def _forward(label: Text, X: str, mistakes: Mapping[str, Mistake], stable: bool) -> Cases:
    """a = σ(Xw + b) on ``X`` ("X" or the extreme "Xe", |z| ~ 1e3)."""
    return Cases(
        "neurons.logistic_forward",
        label,
        no_inputs,
        lambda v: N.logistic_forward(v[X], v.w, v.b),
        (Out("a"),),
        args=(X, "w", "b"),
        mistakes=mistakes,
        stable=stable,
    )


def _gradient(label: Text, X: str, mistakes: Mapping[str, Mistake], stable: bool) -> Cases:
    """(J, ∂J/∂w, ∂J/∂b) on ``X``; at extreme inputs finite and exact, without warnings."""
    return Cases(
        "neurons.logistic_gradient",
        label,
        no_inputs,
        lambda v: N.logistic_gradient(v[X], v.y, v.w, v.b),
        (Out("J", pick=0, scalar=True), Out("∂J/∂w", pick=1), Out("∂J/∂b", pick=2, scalar=True)),
        args=(X, "y", "w", "b"),
        mistakes=mistakes,
        stable=stable,
    )


def _update_step(d: Draw) -> dict[str, Any]:
    """一次更新的输入：梯度取自 nncore，α 随机 / The true gradient and a random α."""
    _, dw, db = N.logistic_gradient(d.v.X, d.v.y, d.v.w, d.v.b)
    return {"dw": dw, "db": db, "lr": float(d.rng.uniform(0.05, 1.0))}


LOGISTIC = Spec(
    "a1.logistic",
    checked=Text(
        "逻辑回归 a = σ(wᵀx + b)（含极端值）、J 与 ∂J/∂w = (1/m)Xᵀ(a − y)、∂J/∂b，以及一步更新",
        "logistic regression a = σ(wᵀx + b) (including extreme values), J with "
        "∂J/∂w = (1/m)Xᵀ(a − y) and ∂J/∂b, and one update",
    ),
    setup=_logistic_setup,
    # logistic_forward/gradient use the student's own sigmoid (their contract): a failing
    # a1.sigmoid is named as this task's dependency (engine.name_dependencies)
    functions=(
        "neurons.logistic_forward",
        "neurons.logistic_gradient",
        "neurons.logistic_update",
        "activations.sigmoid",
    ),
    cases=(
        _forward(
            Text("前向", "forward"),
            "X",
            {
                "forgot_bias": lambda v: A.sigmoid(v.X @ v.w),
                "step_not_sigmoid": lambda v: (v.X @ v.w + v.b >= 0).astype(float),
            },
            stable=False,
        ),
        _forward(
            Text("前向，极端值（数值稳定性）", "forward, extreme values (stability)"),
            "Xe",
            {},
            stable=True,
        ),
        _gradient(
            Text("梯度", "gradient"),
            "X",
            {
                "missing_1_over_m": lambda v: tuple(v.m * g for g in v.want),
                "sign_error": lambda v: tuple(-g for g in v.want),
                "extra_1_over_m": lambda v: (None, v.want[1] / v.m, v.want[2] / v.m),
                "forgot_bias": lambda v: (
                    None,
                    v.X.T @ (A.sigmoid(v.X @ v.w) - v.y) / v.m,
                    float(np.mean(A.sigmoid(v.X @ v.w) - v.y)),
                ),
            },
            stable=False,
        ),
        _gradient(
            Text("梯度，极端值（数值稳定性）", "gradient, extreme values (stability)"),
            "Xe",
            {},
            stable=True,
        ),
        Cases(
            "neurons.logistic_update",
            Text("更新", "update"),
            _update_step,
            lambda v: N.logistic_update(v.w, v.b, v.dw, v.db, v.lr),
            (Out("w", pick=0), Out("b", pick=1, scalar=True)),
            args=("w", "b", "dw", "db", "lr"),
            mistakes={
                "sign_error": lambda v: (v.w + v.lr * v.dw, v.b + v.lr * v.db),
                "no_learning_rate": lambda v: (v.w - v.dw, v.b - v.db),
                "logistic_bias_not_updated": lambda v: (None, v.b),
            },
        ),
    ),
    hints={
        "logistic_bias_not_updated": Text(
            "偏置也要走一步：b := b − α ∂J/∂b，返回新的 (w, b)。",
            "Step the bias too: b := b − α ∂J/∂b, and return the new (w, b).",
        ),
        "step_not_sigmoid": Text(
            "逻辑回归输出概率 a = σ(wᵀx + b)（用 sigmoid），不是 TLU 的阶跃 1[wᵀx + b ≥ 0]。",
            "Logistic regression outputs a probability a = σ(wᵀx + b) (the sigmoid), not the "
            "TLU's step 1[wᵀx + b ≥ 0].",
        ),
    },
)

#: 本作业的任务（报告顺序）/ This suite's tasks, in report order.
TASKS = (THRESHOLD, SIGMOID, TANH, RELU, LEAKY_RELU, TLU, PERCEPTRON, LOGISTIC)
