"""公开测试：激活函数 / Public tests: activation functions (numpy + pytest only).

固定输入；隐藏测试用随机输入检查同样的性质 / Fixed inputs; the hidden tests check the same
properties on random inputs. 参考值由公式算出 / Expected values come from the formulas.
"""

import numpy as np
import pytest
import selfcheck as sc
from activations import (
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    sign,
    step,
    tanh,
    tanh_derivative,
)

T = np.array([[-3.0, -0.5, 0.0], [0.5, 1.5, 3.0]])  # 含 0 与负数 / with 0 and negatives
EXTREME = np.array([-1e4, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e4])
SIG_T = np.array(
    [
        [0.04742587317756678, 0.3775406687981454, 0.5],
        [0.6224593312018546, 0.8175744761936437, 0.9525741268224334],
    ]
)
SIG_EXTREME = np.array([0.0, 0.0, 1.928749847963918e-22, 0.5, 1.0, 1.0, 1.0])


def look(name: str, formula: str) -> tuple[str, str]:
    return f"activations.py 中的 {name}：{formula}", f"{name} in activations.py: {formula}"


KEEP_FLOAT32 = (
    "float32 输入要返回 float32（模块文档字符串）：先 z = _as_float(z)（浮点保持原精度），返回前 "
    ".astype(z.dtype)；.astype(float) 或没有 .astype 的 np.where(…, 1.0, …) 会得到 float64",
    "float32 input must give float32 (the module's docstring): z = _as_float(z) first (floats "
    "keep their dtype), then return ….astype(z.dtype); .astype(float), or np.where(…, 1.0, …) "
    "without .astype, gives float64",
)


def expect_float32(fn, want, where: tuple[str, str], *args) -> None:
    """float32 输入保持 float32 / A float32 z gives float32 (values at float32 tolerances)."""
    __tracebackhide__ = True  # pytest: show the test's line, not this helper
    z32 = T.astype(np.float32)
    got = sc.call(fn, z32, *args)
    what = f"{fn.__name__}(float32 z" + "".join(f", {a}" for a in args) + ")"
    sc.expect(got, want, what, where, dtype=np.float32, otherwise=KEEP_FLOAT32)


@pytest.mark.task("a1.threshold")
def test_step() -> None:
    where = look("step", "f(t) = 1 若 t ≥ 0，否则 0 / 1 if t ≥ 0 else 0")
    z = np.array([-2.0, -1e-9, 0.0, 1e-9, 2.0])
    at0 = ("在 t = 0 处应取 1（t ≥ 0，不是 t > 0）", "f(0) must be 1 (t ≥ 0, not t > 0)")
    sc.expect(
        sc.call(step, z),
        [0, 0, 1, 1, 1],
        "step(z)",
        where,
        floating=True,
        mistakes=[([0, 0, 0, 1, 1], *at0)],
    )
    sc.expect(
        sc.call(step, np.zeros((2, 3))),
        np.ones((2, 3)),
        "step(0)（形状 / shape (2, 3)）",
        where,
        mistakes=[(np.zeros((2, 3)), *at0)],
    )
    expect_float32(step, (T >= 0) * 1.0, where)


@pytest.mark.task("a1.threshold")
def test_sign() -> None:
    where = look("sign", "sgn(t) = 1 若 t ≥ 0，否则 −1 / 1 if t ≥ 0 else −1")
    z = np.array([[-2.0, 0.0], [1e-9, 3.0]])
    sc.expect(
        sc.call(sign, z),
        [[-1, 1], [1, 1]],
        "sign(z)",
        where,
        floating=True,
        mistakes=[
            (
                [[-1, 0], [1, 1]],
                "np.sign(0) = 0，但讲义规定 sgn(0) = 1",
                "np.sign(0) = 0, but the lecture sets sgn(0) = 1",
            ),
            (
                [[-1, -1], [1, 1]],
                "在 t = 0 处应取 1（t ≥ 0，不是 t > 0）",
                "sgn(0) must be 1 (t ≥ 0, not t > 0)",
            ),
        ],
    )
    expect_float32(sign, np.where(T >= 0, 1.0, -1.0), where)


@pytest.mark.task("a1.sigmoid")
def test_sigmoid_values() -> None:
    where = look("sigmoid", "σ(t) = 1 / (1 + e^{−t})")
    sc.expect(sc.call(sigmoid, T), SIG_T, "sigmoid(z)", where, dtype=np.float64)
    # 讲义例：0.2·0.4 + 0.4·0.6 + 0.3 = 0.62 → σ = 0.6502 / the slide's h1
    sc.expect(sc.call(sigmoid, np.array(0.62)), 0.6502, "sigmoid(0.62)", where, rtol=1e-4)


@pytest.mark.task("a1.sigmoid")
def test_sigmoid_extreme_inputs() -> None:
    where = look("sigmoid", "只用 e^{−|t|}，分 t ≥ 0 与 t < 0 / use only e^{−|t|}")
    got = sc.call(sigmoid, EXTREME, stable=True)
    sc.expect(got, SIG_EXTREME, "sigmoid(±1e4, ±1000, ±50, 0)", where)


@pytest.mark.task("a1.sigmoid")
def test_sigmoid_float32() -> None:
    where = look(
        "sigmoid", "float32 输入返回 float32，且不溢出 / float32 stays float32, no overflow"
    )
    z = (T * 40).astype(np.float32)  # |z| ≤ 120: float32 overflows beyond e^{88.7}
    want = (1 / (1 + np.exp(-z.astype(np.float64)))).astype(np.float32)
    got = sc.call(sigmoid, z, stable=True)
    sc.expect(got, want, "sigmoid(float32 z)", where, dtype=np.float32)  # float32 tolerances


@pytest.mark.task("a1.sigmoid")
def test_sigmoid_derivative() -> None:
    where = look("sigmoid_derivative", "σ'(t) = σ(t)(1 − σ(t))，在 z 处求 / at z")
    want = SIG_T * (1 - SIG_T)
    sc.expect(
        sc.call(sigmoid_derivative, T),
        want,
        "sigmoid_derivative(z)",
        where,
        mistakes=[
            (
                T * (1 - T),
                "把 z 当成了 a = σ(z)：应先算 σ(z)，再求 σ(z)(1 − σ(z))",
                "treated z as a = σ(z): compute σ(z) first, then σ(z)(1 − σ(z))",
            ),
            (SIG_T, "返回了 σ(z) 而不是它的导数", "returned σ(z) instead of its derivative"),
        ],
    )
    got = sc.call(sigmoid_derivative, EXTREME, stable=True)
    sc.expect(
        got,
        SIG_EXTREME * (1 - SIG_EXTREME),
        "sigmoid_derivative(极端 / extreme z)",
        look("sigmoid_derivative", "用你稳定的 sigmoid / use your stable sigmoid"),
    )
    expect_float32(sigmoid_derivative, want, where)


@pytest.mark.task("a1.tanh")
def test_tanh() -> None:
    where = look("tanh", "tanh(t) = (e^t − e^{−t}) / (e^t + e^{−t}) = 2σ(2t) − 1")
    sc.expect(
        sc.call(tanh, T),
        np.tanh(T),
        "tanh(z)",
        where,
        dtype=np.float64,
        mistakes=[
            (
                np.tanh(T / 2),
                "讲义勘误：2σ(t) − 1 = tanh(t/2)，tanh(t) = 2σ(2t) − 1",
                "erratum: 2σ(t) − 1 = tanh(t/2); tanh(t) = 2σ(2t) − 1",
            ),
        ],
    )
    z32 = T.astype(np.float32)
    sc.expect(
        sc.call(tanh, z32), np.tanh(z32), "tanh(float32 z)", where, dtype=np.float32, rtol=1e-5
    )


@pytest.mark.task("a1.tanh")
def test_tanh_derivative() -> None:
    where = look("tanh_derivative", "tanh'(t) = 1 − tanh²(t)，在 z 处求 / at z")
    sc.expect(
        sc.call(tanh_derivative, T),
        1 - np.tanh(T) ** 2,
        "tanh_derivative(z)",
        where,
        mistakes=[
            (
                1 - T * T,
                "把 z 当成了 a = tanh(z)：应为 1 − tanh²(z)",
                "treated z as a = tanh(z): use 1 − tanh²(z)",
            )
        ],
    )
    expect_float32(tanh_derivative, 1 - np.tanh(T) ** 2, where)


@pytest.mark.task("a1.relu")
def test_relu() -> None:
    where = look("relu", "f(t) = max(0, t)")
    sc.expect(sc.call(relu, T), np.maximum(T, 0), "relu(z)", where, dtype=np.float64)
    z32 = T.astype(np.float32)
    sc.expect(sc.call(relu, z32), np.maximum(z32, 0), "relu(float32 z)", where, dtype=np.float32)


@pytest.mark.task("a1.relu")
def test_relu_derivative() -> None:
    where = look("relu_derivative", "f'(t) = 1 若 t > 0，否则 0（t = 0 处取 0）/ 1 if t > 0 else 0")
    sc.expect(
        sc.call(relu_derivative, T),
        (T > 0) * 1.0,
        "relu_derivative(z)",
        where,
        dtype=np.float64,  # float in, the same float out: not a boolean array
        mistakes=[((T >= 0) * 1.0, "t = 0 处导数取 0（用 t > 0）", "take 0 at t = 0 (use t > 0)")],
    )
    expect_float32(relu_derivative, (T > 0) * 1.0, where)


@pytest.mark.task("a1.leaky_relu")
def test_leaky_relu() -> None:
    where = look("leaky_relu", "f(t) = t 若 t > 0，否则 slope·t / t if t > 0 else slope·t")
    sc.expect(
        sc.call(leaky_relu, T, 0.1),
        np.where(T > 0, T, 0.1 * T),
        "leaky_relu(z, 0.1)",
        where,
        mistakes=[
            (
                np.where(T > 0, T, 0.01 * T),
                "没有用传入的 slope（只在默认 0.01 时正确）：负半轴用 slope * t，不要写死 0.01",
                "the slope argument is ignored (right only for the default 0.01): use slope * t "
                "on the negative half-axis, not a hard-coded 0.01",
            ),
            (
                np.where(T > 0, T, 0.1),
                "负半轴是 slope·t（随 t 变化），不是常数 slope：np.where(t > 0, t, slope * t)",
                "on the negative half-axis it is slope·t (it varies with t), not the constant "
                "slope: np.where(t > 0, t, slope * t)",
            ),
        ],
    )
    sc.expect(
        sc.call(leaky_relu, T),
        np.where(T > 0, T, 0.01 * T),
        "leaky_relu(z)（默认 / default slope 0.01）",
        where,
    )
    z32 = T.astype(np.float32)
    sc.expect(
        sc.call(leaky_relu, z32),
        np.where(z32 > 0, z32, np.float32(0.01) * z32),
        "leaky_relu(float32 z)",
        where,
        dtype=np.float32,
        rtol=1e-6,
    )


@pytest.mark.task("a1.leaky_relu")
def test_leaky_relu_derivative() -> None:
    where = look("leaky_relu_derivative", "f'(t) = 1 若 t > 0，否则 slope / 1 if t > 0 else slope")
    sc.expect(
        sc.call(leaky_relu_derivative, T, 0.2),
        np.where(T > 0, 1.0, 0.2),
        "leaky_relu_derivative(z, 0.2)",
        where,
        mistakes=[
            (
                np.where(T >= 0, 1.0, 0.2),
                "t = 0 处导数取 slope（用 t > 0）",
                "take slope at t = 0 (use t > 0)",
            ),
            (
                np.where(T > 0, 1.0, 0.01),
                "没有用传入的 slope（只在默认 0.01 时正确）：负半轴的导数是 slope，不要写死 0.01",
                "the slope argument is ignored (right only for the default 0.01): the derivative "
                "on the negative half-axis is slope, not a hard-coded 0.01",
            ),
        ],
    )
    sc.expect(
        sc.call(leaky_relu_derivative, T),
        np.where(T > 0, 1.0, 0.01),
        "leaky_relu_derivative(z)（默认 / default slope 0.01）",
        where,
    )
    expect_float32(leaky_relu_derivative, np.where(T > 0, 1.0, 0.2), where, 0.2)


INTEGER_Z = np.array([[-2, 0, 3]])
INTEGER_CASES = [  # (task, function, f(−2, 0, 3))
    ("a1.threshold", step, [[0.0, 1.0, 1.0]]),
    ("a1.threshold", sign, [[-1.0, 1.0, 1.0]]),
    ("a1.sigmoid", sigmoid, 1 / (1 + np.exp(-INTEGER_Z.astype(float)))),
    ("a1.sigmoid", sigmoid_derivative, None),
    ("a1.tanh", tanh, np.tanh(INTEGER_Z.astype(float))),
    ("a1.tanh", tanh_derivative, 1 - np.tanh(INTEGER_Z.astype(float)) ** 2),
    ("a1.relu", relu, [[0.0, 0.0, 3.0]]),
    ("a1.relu", relu_derivative, [[0.0, 0.0, 1.0]]),
    ("a1.leaky_relu", leaky_relu, [[-0.02, 0.0, 3.0]]),
    ("a1.leaky_relu", leaky_relu_derivative, [[0.01, 0.01, 1.0]]),
]


@pytest.mark.parametrize(
    ("fn", "want"),
    [pytest.param(f, w, marks=pytest.mark.task(t), id=f.__name__) for t, f, w in INTEGER_CASES],
)
def test_integer_input_gives_float64(fn, want) -> None:
    """整数输入先转为 float64（模块文档字符串）/ Integer input becomes float64 (the module's
    docstring)."""
    if want is None:  # σ' from σ itself
        s = 1 / (1 + np.exp(-INTEGER_Z.astype(float)))
        want = s * (1 - s)
    where = look(fn.__name__, "整数输入先用 _as_float(z) 转为 float64 / integers first become float64 via _as_float(z)")  # fmt: skip
    sc.expect(
        sc.call(fn, INTEGER_Z), want, f"{fn.__name__}(整数 / integer z)", where, dtype=np.float64
    )
