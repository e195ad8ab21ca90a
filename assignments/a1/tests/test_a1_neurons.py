"""公开测试：TLU、感知机、逻辑回归 / Public tests: TLU, perceptron, logistic regression.

固定输入（含恰好在阈值上的情形）；隐藏测试用随机输入检查同样的性质。
Fixed inputs (including sums exactly at the threshold); the hidden tests check the same
properties on random inputs.
"""

import numpy as np
import pytest
import selfcheck as sc
from neurons import (
    logistic_forward,
    logistic_gradient,
    logistic_update,
    perceptron_predict,
    perceptron_update,
    tlu,
)

X_GATE = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
AT_THRESHOLD = (
    "恰好等于阈值时输出 1：用 ≥，不是 >",
    "output 1 exactly at the threshold: use ≥, not >",
)

# 逻辑回归的固定数据 / Fixed data for logistic regression
X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -1.5]])
Y = np.array([1.0, 0.0, 1.0])
W, B = np.array([0.1, -0.2]), 0.05
A = np.array([0.4378234991142019, 0.46257015465625045, 0.598687660112452])
J = 0.6533039066894428
DW = np.array([-0.4084676084952742, -0.0970331382040497])
DB = -0.16697289537236523


def look(name: str, formula: str) -> tuple[str, str]:
    return f"neurons.py 中的 {name}：{formula}", f"{name} in neurons.py: {formula}"


@pytest.mark.task("a1.tlu")
def test_tlu_vector_weights() -> None:
    where = look("tlu", "y = 1[Σ_i w_i x_i ≥ θ]")
    w = np.array([1.0, 1.0])
    sc.expect(
        sc.call(tlu, X_GATE, w, 1.5),
        [0, 0, 0, 1],
        "tlu(X, (1, 1), 1.5)（与门 / AND）",
        where,
        dtype=np.float64,  # the docstring: floats 0.0 / 1.0 (not bool, not int)
    )
    # 第 2、3 行恰好等于 θ = 1 / rows 2 and 3 sum exactly to θ = 1
    sc.expect(
        sc.call(tlu, X_GATE, w, 1.0),
        [0, 1, 1, 1],
        "tlu(X, (1, 1), 1.0)",
        where,
        mistakes=[([0, 0, 0, 1], *AT_THRESHOLD)],
    )
    X3 = np.array([[2.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
    sc.expect(
        sc.call(tlu, X3, np.array([1.0, -2.0, 0.5]), 0.0),
        [1, 0, 0],
        "tlu(X (3, 3), w = (1, −2, 0.5), θ = 0)",
        where,
    )


@pytest.mark.task("a1.tlu")
def test_tlu_scalar_weight() -> None:
    where = look("tlu", "标量 w：y = 1[w Σ_i x_i ≥ θ] / scalar w: y = 1[w Σ_i x_i ≥ θ]")
    got = sc.call(tlu, X_GATE, 1.0, 1.0)
    sc.expect(
        got,
        [0, 1, 1, 1],
        "tlu(X, 1.0, 1.0)（或门 / OR）",
        where,
        mistakes=[([0, 0, 0, 1], *AT_THRESHOLD)],
    )
    sc.expect(np.shape(got), (4,), "tlu 输出的形状 / output shape", where)


@pytest.mark.task("a1.perceptron")
def test_perceptron_predict() -> None:
    where = look("perceptron_predict", "y = 1[wᵀx + b ≥ 0]")
    w = np.array([1.0, 1.0])
    sc.expect(
        sc.call(perceptron_predict, X_GATE, w, -1.5),
        [0, 0, 0, 1],
        "perceptron_predict",
        where,
        dtype=np.float64,  # the docstring: floats 0.0 / 1.0 (not bool, not int)
    )
    # wᵀx + b = 0 恰好在边界上（第 2、3 行）/ exactly on the boundary (rows 2 and 3)
    sc.expect(
        sc.call(perceptron_predict, X_GATE, w, -1.0),
        [0, 1, 1, 1],
        "perceptron_predict（wᵀx + b = 0 时 / on the boundary）",
        where,
        mistakes=[([0, 0, 0, 1], *AT_THRESHOLD)],
    )


def _update(w, b, x, y, lr, want_w, want_b, what, tie: bool = False) -> None:
    where = look("perceptron_update", "ŷ = 1[wᵀx + b ≥ 0]; w := w + α(y − ŷ)x; b := b + α(y − ŷ)")
    got = sc.parts(sc.call(perceptron_update, w, b, x, y, lr), 2, "perceptron_update", "(w, b)")
    sign = (
        "符号反了：w := w + α(y − ŷ)x（y − ŷ，不是 ŷ − y）",
        "sign error: w := w + α(y − ŷ)x (y − ŷ, not ŷ − y)",
    )
    no_lr = ("忘了学习率 α", "forgot the learning rate α")
    delta = (
        "ŷ 是阈值化的输出 1[wᵀx + b ≥ 0]（0 或 1），不是 wᵀx + b：y − (wᵀx + b) 是 delta 规则",
        "ŷ is the thresholded output 1[wᵀx + b ≥ 0] (0 or 1), not wᵀx + b: y − (wᵀx + b) is "
        "the delta rule",
    )
    d = y - float(x @ w + b)  # the error under the delta rule
    tied = [(w, *AT_THRESHOLD)] if tie else []  # at the tie (y = 0) the delta rule agrees with >
    sc.expect(
        got[0],
        want_w,
        f"w（{what}）",
        where,
        mistakes=[
            *tied,
            (2 * w - want_w, *sign),
            (w + (want_w - w) / lr, *no_lr),
            (w + lr * d * x, *delta),
        ],
    )
    sc.expect(
        got[1],
        want_b,
        f"b（{what}）",
        where,
        scalar=True,
        mistakes=[(2 * b - want_b, *sign), (b + (want_b - b) / lr, *no_lr), (b + lr * d, *delta)],
    )


@pytest.mark.task("a1.perceptron")
def test_perceptron_update_mistakes() -> None:
    w, x = np.array([0.5, -1.0]), np.array([1.0, 2.0])  # wᵀx + b = −1.3 < 0 → ŷ = 0
    _update(w, -0.2, x, 1.0, 0.5, np.array([1.0, 0.0]), 0.3, "ŷ = 0, y = 1")
    x2 = np.array([2.0, 0.5])  # wᵀx + b = 0.3 ≥ 0 → ŷ = 1
    _update(w, -0.2, x2, 0.0, 0.25, np.array([0.0, -1.125]), -0.45, "ŷ = 1, y = 0")


@pytest.mark.task("a1.perceptron")
def test_perceptron_update_correct_and_tie() -> None:
    w, x = np.array([0.5, -1.0]), np.array([2.0, 0.5])
    _update(w, -0.2, x, 1.0, 0.5, w, -0.2, "已分对：不变 / already right: unchanged")
    # wᵀx + b = 0：ŷ = 1（≥），y = 0 → 要更新 / on the boundary ŷ = 1 (≥), y = 0 → update
    x0 = np.array([1.0, 0.5])
    _update(w, 0.0, x0, 0.0, 1.0, np.array([-0.5, -1.5]), -1.0, "wᵀx + b = 0, y = 0", tie=True)


@pytest.mark.task("a1.logistic")
def test_logistic_forward() -> None:
    where = look("logistic_forward", "a = σ(Xw + b)，用你的 sigmoid / with your sigmoid")
    with sc.depends("test_sigmoid_values", "test_sigmoid_extreme_inputs"):
        sc.expect(sc.call(logistic_forward, X, W, B), A, "a = σ(Xw + b)", where)
        got = sc.call(logistic_forward, X * 5000, W, B, stable=True)  # z = −1500, −1000, 1750
        sc.expect(got, [0.0, 0.0, 1.0], "a（极端输入 / extreme inputs X·5000）", where, atol=1e-12)


@pytest.mark.task("a1.logistic")
def test_logistic_gradient() -> None:
    where = look("logistic_gradient", "J = −(1/m)Σ[y ln a + (1−y) ln(1−a)], ∂J/∂w = (1/m)Xᵀ(a − y)")
    got = sc.parts(sc.call(logistic_gradient, X, Y, W, B), 3, "logistic_gradient", "(J, dw, db)")
    m1 = ("忘了除以样本数 m：J = (1/m) Σ_n …", "forgot the 1/m: J = (1/m) Σ_n …")
    sign = (
        "符号反了：∂J/∂w = (1/m) Xᵀ(a − y)（a − y，不是 y − a）",
        "sign error: ∂J/∂w = (1/m) Xᵀ(a − y) (a − y, not y − a)",
    )
    with sc.depends("test_sigmoid_values"):
        sc.expect(got[0], J, "J", where, scalar=True, mistakes=[(3 * J, *m1)])
        sc.expect(got[1], DW, "∂J/∂w", where, mistakes=[(3 * DW, *m1), (-DW, *sign)])
        sc.expect(got[2], DB, "∂J/∂b", where, scalar=True, mistakes=[(3 * DB, *m1), (-DB, *sign)])
    # 极端输入：z = −1500, −1000, 1750；J 必须有限且精确 / extreme inputs: J finite and exact
    stable = (
        "用稳定写法 J = mean(ln(1 + e^z) − y z)（np.logaddexp(0, z)），不要对 σ(z) 取 ln",
        "use the stable J = mean(ln(1 + e^z) − y z) (np.logaddexp(0, z)), not ln σ(z)",
    )
    out = sc.call(logistic_gradient, X * 5000, Y, W, B, stable=True)
    got = sc.parts(out, 3, "logistic_gradient", "(J, dw, db)")
    sc.expect(got[0], 499.98333333333335, "J（极端输入 / extreme inputs X·5000）", where,
              scalar=True, otherwise=stable)  # fmt: skip
    sc.expect(got[1], [-1666.6666666666665, -3333.333333333333], "∂J/∂w（极端 / extreme）", where)
    sc.expect(got[2], -1 / 3, "∂J/∂b（极端 / extreme）", where, scalar=True)


@pytest.mark.task("a1.logistic")
def test_logistic_update() -> None:
    where = look("logistic_update", "w := w − α ∂J/∂w, b := b − α ∂J/∂b")
    got = sc.parts(sc.call(logistic_update, W, B, DW, DB, 0.5), 2, "logistic_update", "(w, b)")
    sign = ("符号反了：梯度下降用减号 w := w − α∂J/∂w", "sign error: gradient descent subtracts")
    sc.expect(
        got[0],
        W - 0.5 * DW,
        "w",
        where,
        mistakes=[(W + 0.5 * DW, *sign), (W - DW, "忘了学习率 α", "forgot the learning rate α")],
    )
    sc.expect(got[1], B - 0.5 * DB, "b", where, scalar=True, mistakes=[(B + 0.5 * DB, *sign)])
