"""作业 1 隐藏测试：人工神经元 / Hidden suite of a1: the artificial neuron.

Oracle: nncore (closed-form functions). Anti-shortcut checks: exact zeros for the threshold
functions (f(0) = 1, sgn(0) = 1), extreme inputs for sigmoid and logistic regression (no
overflow warning, finite and exact), float32 inputs must stay float32, inputs never modified.
"""

from __future__ import annotations

import numpy as np

from grader.registry import Case, Context, task
from grader.suites.common import Expect, numbered, pick_item, run_case
from nncore import activations as A
from nncore import neurons as N

EXTREME = np.array([-1e4, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e4])


def _z(ctx: Context, zeros: bool = False) -> np.ndarray:
    """随机输入（可含 0）/ Random pre-activations, optionally with exact zeros."""
    z = ctx.rng.uniform(-4, 4, (int(ctx.rng.integers(2, 5)), int(ctx.rng.integers(2, 5))))
    if zeros:
        z[ctx.rng.random(z.shape) < 0.4] = 0.0
    return z


def _elementwise(
    ctx: Context,
    fn: str,
    z: np.ndarray,
    want: np.ndarray,
    label: tuple[str, str],
    mistakes: dict | None = None,
    stable: bool = False,
    **kw: object,
) -> Case:
    """逐元素函数的一个用例 / One case of an element-wise function (float dtype enforced)."""
    exp = Expect(f"{fn.split('.')[1]}(z)", want, mistakes=mistakes or {}, dtype=want.dtype)
    return run_case(ctx, fn, (z,), [exp], label, kwargs=dict(kw) or None, stable=stable)


@task(
    "a1.threshold",
    ("activations.step", "activations.sign"),
    checked_zh="单极性阈值 f(t) = 1[t ≥ 0] 与双极性 sgn（sgn(0) = 1），含 t 恰为 0，返回浮点数组",
    checked_en="unipolar threshold f(t) = 1[t ≥ 0] and bipolar sgn (sgn(0) = 1), including t = 0 "
    "exactly, as float arrays",
)
def threshold(ctx: Context) -> list[Case]:
    """4 个用例，按比例给分 / 4 cases; fraction credit."""
    cases = []
    for k, (fn, ref, wrong) in enumerate(
        [
            ("activations.step", A.step, lambda z: (z > 0).astype(float)),
            ("activations.sign", A.sign, lambda z: np.where(z > 0, 1.0, -1.0)),
        ]
    ):
        for j, zeros in enumerate((False, True)):
            z = _z(ctx, zeros)
            mistakes = {"threshold_at_zero": wrong(z)}
            if fn == "activations.sign":
                mistakes["np_sign"] = np.sign(z)
            cases.append(
                _elementwise(
                    ctx, fn, z, ref(z), numbered("用例", "case", 2 * k + j + 1, 4), mistakes
                )
            )
    return cases


def _pair_task(ctx: Context, name: str, deriv_mistakes: dict, extreme: bool) -> list[Case]:
    """函数及其导数的用例 / Cases of an activation and its derivative."""
    f, df = getattr(A, name), getattr(A, f"{name}_derivative")
    cases = []
    z = _z(ctx, zeros=True)
    fm = {"tanh_half": 2 * A.sigmoid(z) - 1} if name == "tanh" else {}
    cases.append(
        _elementwise(ctx, f"activations.{name}", z, f(z), ("f(z)，常规值", "f(z), ordinary"), fm)
    )
    z = _z(ctx, zeros=True)
    m = {k: v(z) for k, v in deriv_mistakes.items()}
    cases.append(
        _elementwise(
            ctx, f"activations.{name}_derivative", z, df(z), ("f'(z)，常规值", "f'(z), ordinary"), m
        )
    )
    z32 = _z(ctx).astype(np.float32) * (25 if extreme else 1)
    if extreme:  # the same kinds of value for every student: past float32's exp overflow
        z32.flat[:2] = (-100.0, 100.0)
    cases.append(
        _elementwise(
            ctx,
            f"activations.{name}",
            z32,
            f(z32),
            ("float32 输入保持 float32", "float32 input stays float32"),
            stable=extreme,
        )
    )
    if extreme:
        z = ctx.rng.permutation(EXTREME)[None, :]
        cases.append(
            _elementwise(
                ctx,
                f"activations.{name}",
                z,
                f(z),
                ("极端输入 |z| ≤ 1e4（数值稳定性）", "extreme |z| ≤ 1e4 (stability)"),
                stable=True,
            )
        )
        cases.append(
            _elementwise(
                ctx,
                f"activations.{name}_derivative",
                z,
                df(z),
                ("导数，极端输入", "derivative, extreme inputs"),
                stable=True,
            )
        )
    return cases


@task(
    "a1.sigmoid",
    ("activations.sigmoid", "activations.sigmoid_derivative"),
    checked_zh="σ(t) = 1/(1+e^{−t}) 与 σ'(t) = σ(t)(1−σ(t))：常规值、float32、|t| 到 1e4 的极端值（不得溢出）",
    checked_en="σ(t) = 1/(1+e^{−t}) and σ'(t) = σ(t)(1−σ(t)): ordinary values, float32, extreme "
    "|t| up to 1e4 (no overflow)",
)
def sigmoid(ctx: Context) -> list[Case]:
    """5 个用例，按比例给分 / 5 cases; fraction credit."""
    return _pair_task(
        ctx,
        "sigmoid",
        {"derivative_of_a": lambda z: z * (1 - z), "wrong_derivative": lambda z: A.sigmoid(z)},
        extreme=True,
    )


@task(
    "a1.tanh",
    ("activations.tanh", "activations.tanh_derivative"),
    checked_zh="tanh(t) 与 tanh'(t) = 1 − tanh²(t)（注意：2σ(t) − 1 = tanh(t/2)，不是 tanh(t)）",
    checked_en="tanh(t) and tanh'(t) = 1 − tanh²(t) (note: 2σ(t) − 1 = tanh(t/2), not tanh(t))",
)
def tanh(ctx: Context) -> list[Case]:
    """3 个用例，按比例给分 / 3 cases; fraction credit."""
    return _pair_task(ctx, "tanh", {"derivative_of_a": lambda z: 1 - z * z}, extreme=False)


@task(
    "a1.relu",
    ("activations.relu", "activations.relu_derivative"),
    checked_zh="ReLU f(t) = max(0, t) 与 f'(t) = 1[t > 0]（t = 0 处取 0）",
    checked_en="ReLU f(t) = max(0, t) and f'(t) = 1[t > 0] (0 at t = 0)",
)
def relu(ctx: Context) -> list[Case]:
    """3 个用例，按比例给分 / 3 cases; fraction credit."""
    return _pair_task(ctx, "relu", {"wrong_derivative": lambda z: (z >= 0).astype(float)}, False)


@task(
    "a1.leaky_relu",
    ("activations.leaky_relu", "activations.leaky_relu_derivative"),
    checked_zh="Leaky ReLU f(t) = t（t > 0）或 slope·t，及其导数；默认 slope = 0.01 与给定 slope",
    checked_en="Leaky ReLU f(t) = t (t > 0) else slope·t and its derivative; default slope 0.01 "
    "and a given slope",
)
def leaky_relu(ctx: Context) -> list[Case]:
    """4 个用例，按比例给分 / 4 cases; fraction credit."""
    cases = _pair_task(ctx, "leaky_relu", {}, False)
    slope = float(ctx.rng.uniform(0.05, 0.3))
    z = _z(ctx, zeros=True)
    cases.append(
        _elementwise(
            ctx,
            "activations.leaky_relu_derivative",
            z,
            A.leaky_relu_derivative(z, slope),
            ("给定 slope", "given slope"),
            {"slope_ignored": A.leaky_relu_derivative(z)},
            slope=slope,
        )
    )
    return cases


@task(
    "a1.tlu",
    ("neurons.tlu",),
    checked_zh="TLU y = 1[Σ_i w_i x_i ≥ θ]：向量 w 与标量 w，含恰好等于 θ 的情形",
    checked_en="TLU y = 1[Σ_i w_i x_i ≥ θ]: vector w and scalar w, including sums exactly at θ",
)
def tlu(ctx: Context) -> list[Case]:
    """3 个用例，按比例给分 / 3 cases; fraction credit."""
    cases = []
    for k in range(3):
        m, n = int(ctx.rng.integers(4, 8)), int(ctx.rng.integers(2, 4))
        X = ctx.rng.integers(0, 3, (m, n)).astype(float)
        w = float(ctx.rng.integers(1, 3)) if k == 2 else ctx.rng.integers(-2, 3, n).astype(float)
        sums = np.sort(X @ np.broadcast_to(w, (n,)))
        theta = float(sums[len(sums) // 2])  # one of the sums: a tie Σ = θ for every student
        want = N.tlu(X, w, theta)
        wrong = (X @ np.broadcast_to(w, (n,)) > theta).astype(float)
        exp = Expect("y", want, mistakes={"threshold_at_zero": wrong})
        cases.append(
            run_case(ctx, "neurons.tlu", (X, w, theta), [exp], numbered("用例", "case", k + 1, 3))
        )
    return cases


@task(
    "a1.perceptron",
    ("neurons.perceptron_predict", "neurons.perceptron_update"),
    checked_zh="感知机输出 y = 1[wᵀx + b ≥ 0] 与学习规则 w := w + α(y − ŷ)x、b := b + α(y − ŷ)（返回新值，不改输入）",
    checked_en="perceptron output y = 1[wᵀx + b ≥ 0] and the learning rule w := w + α(y − ŷ)x, "
    "b := b + α(y − ŷ) (new values returned, inputs unchanged)",
)
def perceptron(ctx: Context) -> list[Case]:
    """2 个输出用例 + 4 个更新用例（含平局），按比例给分 / 2 + 4 cases (ties included)."""
    rng = ctx.rng
    n = int(rng.integers(2, 5))
    # dyadic values (multiples of 1/8): every wᵀx + b below is exact, so ties are exact zeros
    X = rng.integers(-8, 9, (6, n)) / 8.0
    w, b = rng.integers(-8, 9, n) / 8.0, float(rng.integers(-4, 5)) / 8.0
    X[int(rng.integers(6))] = 0.0
    b_tie = 0.0  # the all-zero row sits exactly on the boundary wᵀx + b = 0 with b = 0
    cases = [
        run_case(
            ctx,
            "neurons.perceptron_predict",
            (X, w, bb),
            [Expect("y", want, mistakes={"threshold_at_zero": (X @ w + bb > 0).astype(float)})],
            label,
        )
        for bb, want, label in (
            (b, N.perceptron_predict(X, w, b), ("输出", "output")),
            (b_tie, N.perceptron_predict(X, w, b_tie),
             ("输出，含 wᵀx + b = 0 的样本", "output, with a sample on wᵀx + b = 0")),
        )
    ]  # fmt: skip
    # updates: a misclassified positive, a misclassified negative, a correct one, and the tie
    # wᵀx + b = 0 with y = 0 (ŷ = 1 under the lecture's ≥, so the tie case must update)
    for k in range(4):
        x = rng.integers(-8, 9, n) / 8.0
        bk = b
        if k == 3:
            bk = -float(x @ w)  # exact: dyadic
        pred = float(x @ w + bk >= 0)
        y = {0: 1.0 - pred, 1: 1.0 - pred, 2: pred, 3: 0.0}[k]
        lr = float(rng.integers(1, 8)) / 8.0
        nw, nb = N.perceptron_update(w, bk, x, y, lr)
        err = y - pred
        gt = y - float(x @ w + bk > 0)
        mis_w = {
            "sign_error": w - lr * err * x,
            "no_learning_rate": w + err * x if lr != 1 else None,
            "threshold_at_zero": w + lr * gt * x if gt != err else None,
        }
        mis_b = {
            "sign_error": bk - lr * err,
            "no_learning_rate": bk + err if lr != 1 else None,
            "bias_not_updated": bk if err else None,
            "threshold_at_zero": bk + lr * gt if gt != err else None,
        }
        exps = [
            Expect("w", nw, pick_item(0), mis_w),
            Expect("b", nb, pick_item(1), mis_b, scalar=True),
        ]
        label = (
            ("更新，wᵀx + b = 0 且 y = 0", "update, wᵀx + b = 0 with y = 0")
            if k == 3
            else numbered("更新", "update", k + 1, 3)
        )
        cases.append(run_case(ctx, "neurons.perceptron_update", (w, bk, x, y, lr), exps, label))
    return cases


@task(
    "a1.logistic",
    # logistic_forward/gradient use the student's own sigmoid (their contract): a failing
    # a1.sigmoid is named as this task's dependency (engine.name_dependencies)
    (
        "neurons.logistic_forward",
        "neurons.logistic_gradient",
        "neurons.logistic_update",
        "activations.sigmoid",
    ),
    checked_zh="逻辑回归 a = σ(wᵀx + b)（含极端值）、J 与 ∂J/∂w = (1/m)Xᵀ(a − y)、∂J/∂b，以及一步更新",
    checked_en="logistic regression a = σ(wᵀx + b) (including extreme values), J with "
    "∂J/∂w = (1/m)Xᵀ(a − y) and ∂J/∂b, and one update",
)
def logistic(ctx: Context) -> list[Case]:
    """5 个用例，按比例给分 / 5 cases; fraction credit."""
    rng = ctx.rng
    m, n = int(rng.integers(4, 8)), int(rng.integers(2, 4))
    X, w, b = rng.uniform(-1, 1, (m, n)), rng.uniform(-1, 1, n), float(rng.uniform(-1, 1))
    y = rng.integers(0, 2, m).astype(float)
    cases = [
        run_case(
            ctx,
            "neurons.logistic_forward",
            (X, w, b),
            [Expect("a", N.logistic_forward(X, w, b), mistakes={"forgot_bias": A.sigmoid(X @ w)})],
            ("前向", "forward"),
        )
    ]
    Xe = X * 2000.0
    cases.append(
        run_case(
            ctx,
            "neurons.logistic_forward",
            (Xe, w, b),
            [Expect("a", N.logistic_forward(Xe, w, b))],
            ("前向，极端值（数值稳定性）", "forward, extreme values (stability)"),
            stable=True,
        )
    )
    J, dw, db = N.logistic_gradient(X, y, w, b)
    exps = [
        Expect("J", J, pick_item(0), {"missing_1_over_m": J * m}, scalar=True),
        Expect("∂J/∂w", dw, pick_item(1), {"missing_1_over_m": dw * m, "sign_error": -dw}),
        Expect(
            "∂J/∂b", db, pick_item(2), {"missing_1_over_m": db * m, "sign_error": -db}, scalar=True
        ),
    ]
    cases.append(
        run_case(ctx, "neurons.logistic_gradient", (X, y, w, b), exps, ("梯度", "gradient"))
    )
    # the loss at extreme inputs (|z| ~ 1e3): finite and exact, without overflow warnings
    Je, dwe, dbe = N.logistic_gradient(Xe, y, w, b)
    cases.append(
        run_case(
            ctx,
            "neurons.logistic_gradient",
            (Xe, y, w, b),
            [
                Expect("J", Je, pick_item(0), scalar=True),
                Expect("∂J/∂w", dwe, pick_item(1)),
                Expect("∂J/∂b", dbe, pick_item(2), scalar=True),
            ],
            ("梯度，极端值（数值稳定性）", "gradient, extreme values (stability)"),
            stable=True,
        )
    )
    lr = float(rng.uniform(0.05, 1.0))
    nw, nb = N.logistic_update(w, b, dw, db, lr)
    exps = [
        Expect("w", nw, pick_item(0), {"sign_error": w + lr * dw, "no_learning_rate": w - dw}),
        Expect("b", nb, pick_item(1), {"sign_error": b + lr * db, "no_learning_rate": b - db},
               scalar=True),
    ]  # fmt: skip
    cases.append(
        run_case(ctx, "neurons.logistic_update", (w, b, dw, db, lr), exps, ("更新", "update"))
    )
    return cases
