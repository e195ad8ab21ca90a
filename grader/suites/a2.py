"""作业 2 隐藏测试：神经网络与反向传播 / Hidden suite of a2: networks and backpropagation.

Oracles: sympy's exact derivatives (:mod:`grader.oracles.symbolic`) for 例题1, for random small
networks from a fixed pool and for the 练习题 on the student's own samples; nncore for layer-level
cases; closed-form derivatives for the numerical-gradient task. All inputs are drawn from the
task's seed (student + task), so they differ between students and cannot be hard-coded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import pairwise
from typing import Any

import numpy as np

from grader.compare import matches
from grader.oracles import symbolic
from grader.registry import ALL, Case, Context, Reply, task
from grader.suites import oracles
from grader.suites.common import (
    AnyOf,
    Expect,
    case_from_reply,
    pick_item,
    run_case,
)
from grader.suites.replay import plain_caches, replay
from grader.suites.spec import Cases, Draw, Mistake, Out, Review, Spec, Values, no_inputs
from grader.text import Text
from nncore import layers, losses
from nncore.activations import get_activation
from nncore.examples.exercise import DEFAULT_THETA, MAX_SAMPLES, MIN_SAMPLES, check_samples
from nncore.examples.slide_values import EXAMPLE1_ALPHA
from nncore.mlp import backprop as nn_backprop
from nncore.mlp import mlp_forward, unflatten

RANDOM = Text("随机用例", "random case")


def _dense_shapes(rng: np.random.Generator, k: int) -> tuple[int, int, int]:
    """(m, N_l, N_{l+1})；第一个用例为方阵以识别转置 / first case square (detects Wᵀ)."""
    m = int(rng.integers(2, 6))
    if k == 0:
        n = int(rng.integers(2, 5))
        return m, n, n
    return m, int(rng.integers(1, 6)), int(rng.integers(1, 6))


def _dense_inputs(d: Draw) -> dict[str, Any]:
    """随机 a (m, N_l)、W (N_l, N_{l+1})、b (N_{l+1},)，第一个用例 W 为方阵 / Random a, W, b."""
    m, n_in, n_out = _dense_shapes(d.rng, d.k)
    a = d.rng.uniform(-1, 1, (m, n_in))
    W = d.rng.uniform(-1, 1, (n_in, n_out))
    b = d.rng.uniform(-1, 1, n_out)
    return {"m": m, "a": a, "W": W, "b": b, "square": n_in == n_out}


# ------------------------------------------------------------------------------------------
DENSE_FORWARD = Spec(
    "a2.dense_forward",
    checked=Text(
        "随机 a^(l)、W^(l)、b^(l+1) 上 z^(l+1) = a^(l) W^(l) + b^(l+1) 的值与形状，且不修改输入",
        "z^(l+1) = a^(l) W^(l) + b^(l+1) (values, shape) on random a, W, b; inputs unchanged",
    ),
    cases=(
        Cases(
            "layers.dense_forward",
            RANDOM,
            _dense_inputs,
            lambda v: (v.a @ v.W + v.b, (v.a, v.W)),
            (Out("z^(l+1)", pick=0),),
            args=("a", "W", "b"),
            mistakes={
                "transposed_w": lambda v: (v.a @ v.W.T + v.b,) if v.square else None,
                "forgot_bias": lambda v: (v.a @ v.W,),
            },
            n=4,
        ),
    ),
)


def _backward_inputs(d: Draw) -> dict[str, Any]:
    """随机 a、W、b 与 δ^(l+1) = dz (m, N_{l+1}) / Random a, W, b and the incoming δ."""
    v = _dense_inputs(d)
    return {**v, "dz": d.rng.uniform(-1, 1, (v["m"], v["W"].shape[1])) / v["m"]}


def _own_cache(ctx: Context, v: Values) -> tuple[Any, ...]:
    """(dz, 你的 dense_forward 给出的缓存) / The arguments: dz and the cache of YOUR forward.

    The student's own cache when their forward returns a pair, otherwise the documented
    ``(a, W)``.
    """
    fwd = ctx.call("layers.dense_forward", v.a, v.W, v.b)
    cache: Any = (v.a, v.W)
    if fwd.ok and isinstance(fwd.value, tuple | list) and len(fwd.value) == 2:
        cache = fwd.value[1]
    return v.dz, cache


DENSE_BACKWARD = Spec(
    "a2.dense_backward",
    checked=Text(
        "给定 δ^(l+1)，∂J/∂a^(l) = δ Wᵀ、∂J/∂W^(l) = a^(l)ᵀ δ、∂J/∂b^(l+1) = Σ_n δ（随机用例，缓存来自你的 dense_forward）",
        "given δ^(l+1): ∂J/∂a^(l) = δ Wᵀ, ∂J/∂W^(l) = a^(l)ᵀ δ, ∂J/∂b^(l+1) = Σ_n δ "
        "(random cases; the cache comes from your dense_forward)",
    ),
    functions=("layers.dense_forward", "layers.dense_backward"),
    cases=(
        Cases(
            "layers.dense_backward",
            RANDOM,
            _backward_inputs,
            lambda v: layers.dense_backward(v.dz, (v.a, v.W)),
            (Out("∂J/∂a^(l)", pick=0), Out("∂J/∂W^(l)", pick=1), Out("∂J/∂b^(l+1)", pick=2)),
            args=_own_cache,
            mistakes={
                "transposed_w": lambda v: (v.dz @ v.W, v.dz.T @ v.a, None) if v.square else None,
                "extra_1_over_m": lambda v: (None, v.want[1] / v.m, v.want[2] / v.m),
                "bias_gradient": lambda v: (
                    None,
                    None,
                    AnyOf((v.dz.mean(axis=0), np.zeros(v.dz.shape[1]))),
                ),
                "sign_error": lambda v: tuple(-g for g in v.want),
            },
            n=4,
        ),
    ),
    hints={
        "extra_1_over_m": Text(
            "多除了一次 m：损失函数的梯度已经带了 1/m，这里不要再除。",
            "Divided by m twice: the loss gradient already carries 1/m; do not divide again here.",
        ),
        "bias_gradient": Text(
            "偏置的梯度是对样本求和（损失已含 1/m）：∂J/∂b_i^(l+1) = Σ_n δ_i^(l+1)。",
            "The bias gradient sums over the samples (the loss already has 1/m): "
            "∂J/∂b_i^(l+1) = Σ_n δ_i^(l+1) (not a mean, not zero).",
        ),
    },
)


# ------------------------------------------------------------------------------------------
def _loss(
    function: str,
    label: Text,
    inputs: Callable[[Draw], Mapping[str, Any]],
    oracle: Callable[..., tuple[float, np.ndarray]],
    args: tuple[str, str],
    what: str,
    *,
    m: str = "m",
    rtol: float = 1e-6,
    n: int = 1,
    stable: bool = False,
    kwargs: tuple[str, ...] = (),
    review: Review | None = None,
    **more: Mistake,
) -> Cases:
    """一个损失函数的用例组：(J, ∂J/∂·) 与常见错误 / Cases of a loss returning (J, ∂J/∂·).

    Known mistakes: no 1/m (both outputs × m, the sample count named by ``m``), the sign of
    the gradient, and ``more``. ``kwargs`` are passed by keyword to the stub and the oracle.
    """
    return Cases(
        function,
        label,
        inputs,
        lambda v: oracle(v[args[0]], v[args[1]], **{k: v[k] for k in kwargs}),
        (Out("J", pick=0, rtol=rtol, scalar=True), Out(what, pick=1, rtol=rtol)),
        args=args,
        kwargs=kwargs,
        mistakes={
            "missing_1_over_m": lambda v: (v.want[0] * v[m], v.want[1] * v[m]),
            "sign_error": lambda v: (None, -v.want[1]),
            **more,
        },
        n=n,
        stable=stable,
        review=review,
    )


def _mse_inputs(d: Draw) -> dict[str, Any]:
    """m ≥ 3（缺 ½ 与缺 1/m 不会重合），K = 1、3、4–5 / m ≥ 3 and K = 1, 3, 4–5."""
    # m ≥ 3: a missing ½ (factor 2) and a missing 1/m (factor m) never coincide
    # K ≠ 2: a ½ left in the gradient and a gradient divided by K never coincide
    m, K = int(d.rng.integers(3, 7)), (1, 3, int(d.rng.integers(4, 6)))[d.k]
    return {"m": m, "h": d.rng.uniform(-1, 2, (m, K)), "y": d.rng.uniform(0, 1, (m, K))}


def _mse_large_inputs(d: Draw) -> dict[str, Any]:
    """极端值：|h|、|y| ≈ 10⁷ 而 h − y ≈ 1 / Extreme values: large h and y, close together."""
    m, K = int(d.rng.integers(3, 7)), int(d.rng.integers(1, 4))
    y = d.rng.uniform(-1e7, 1e7, (m, K))
    return {"m": m, "h": y + d.rng.uniform(-2, 2, (m, K)), "y": y}


def _mse_expanded(v: Values) -> tuple[float, None]:
    """½(h² − 2hy + y²) 展开计算的 J（大数值下相消）/ J from the expanded square (cancels)."""
    h, y = v.h, v.y
    return float(np.mean(0.5 * np.sum(h * h - 2 * h * y + y * y, axis=1))), None


LOSS_MSE = Spec(
    "a2.loss_mse",
    checked=Text(
        "J = (1/m) Σ_n ½‖h − y‖² 及 ∂J/∂h = (h − y)/m（随机用例，以及 |h|、|y| ≈ 10⁷ 而 h − y ≈ 1 的极端值）",
        "J = (1/m) Σ_n ½‖h − y‖² and ∂J/∂h = (h − y)/m (random cases, and extreme values: "
        "|h|, |y| ≈ 10⁷ with h − y ≈ 1)",
    ),
    cases=(
        _loss(
            "losses.half_squared_error",
            RANDOM,
            _mse_inputs,
            losses.half_squared_error,
            ("h", "y"),
            "∂J/∂h",
            n=3,
            missing_half=lambda v: (2 * v.want[0], 2 * v.want[1]),
            half_in_gradient=lambda v: (None, v.want[1] / 2),
            mean_over_outputs=lambda v: (
                (v.want[0] / v.h.shape[1], v.want[1] / v.h.shape[1]) if v.h.shape[1] > 1 else None
            ),
        ),
        _loss(
            "losses.half_squared_error",
            Text("极端值：|h|、|y| ≈ 10⁷，h − y ≈ 1", "extreme values: |h|, |y| ≈ 10⁷, h − y ≈ 1"),
            _mse_large_inputs,
            losses.half_squared_error,
            ("h", "y"),
            "∂J/∂h",
            missing_half=lambda v: (2 * v.want[0], 2 * v.want[1]),
            mse_expanded=_mse_expanded,
        ),
    ),
    hints={
        "mse_expanded": Text(
            "先算差 diff = h − y，再求 ½ Σ diff²：把 (h − y)² 展开成 h² − 2hy + y² 在 h、y 很大而相近时会相消，"
            "丢掉全部有效数字。",
            "Take the difference first (diff = h − y, then ½ Σ diff²): expanding (h − y)² into "
            "h² − 2hy + y² cancels catastrophically when h and y are large and close.",
        ),
        "missing_half": Text(
            "平方误差带 ½：l = ½‖h − y‖²，J = (1/m) Σ_n ½‖h^(n) − y^(n)‖²，这样 ∂l/∂h = h − y。",
            "The squared error has a ½: l = ½‖h − y‖², J = (1/m) Σ_n ½‖h^(n) − y^(n)‖², so "
            "that ∂l/∂h = h − y.",
        ),
        "half_in_gradient": Text(
            "∂J/∂h = (h − y)/m：½‖h − y‖² 的 ½ 与求导得到的 2 相消，梯度里不再有 ½。",
            "∂J/∂h = (h − y)/m: the ½ of ½‖h − y‖² cancels the 2 from the derivative; the "
            "gradient has no ½.",
        ),
        "mean_over_outputs": Text(
            "对 K 个输出求和、只对 m 个样本求平均：J = (1/m) Σ_n ½ Σ_k (h_k − y_k)²，∂J/∂h = (h − y)/m"
            "（不要再除以 K）。",
            "Sum over the K outputs, average over the m samples only: "
            "J = (1/m) Σ_n ½ Σ_k (h_k − y_k)², ∂J/∂h = (h − y)/m (do not divide by K too).",
        ),
    },
)


def _bce_setup(rng: np.random.Generator) -> dict[str, Any]:
    """共享的 m、K、h ∈ [0.05, 0.95]、标签 y / Shared sizes, probabilities and labels."""
    # K ≥ 2 for every student: an average over the m·K entries differs from one over m
    m, K = int(rng.integers(3, 7)), int(rng.integers(2, 4))
    h, y = rng.uniform(0.05, 0.95, (m, K)), rng.integers(0, 2, (m, K)).astype(float)
    return {"m": m, "K": K, "h": h, "y": y}


def _exact_probabilities(d: Draw) -> dict[str, Any]:
    """h 恰为 0 或 1（每个学生都有一个 0 和一个 1）/ Probabilities exactly 0 or 1."""
    m = d.v.m
    y2 = d.rng.integers(0, 2, (m, 1)).astype(float)
    h2 = np.where(d.rng.random((m, 1)) < 0.5, y2, d.rng.uniform(0.2, 0.8, (m, 1)))
    y2[:2, 0], h2[:2, 0] = (0.0, 1.0), (0.0, 1.0)  # every student: an exact 0 and an exact 1
    return {"h2": h2, "y2": y2}


def _exact_float32(d: Draw) -> dict[str, Any]:
    """float32 的 h 恰为 0 或 1（h = y 处）/ float32 probabilities exactly 0 or 1 where h = y.

    In float32 1 − 1e-12 rounds to 1.0, so a clip to [eps, 1 − eps] leaves h = 1 and gives
    ln 0 and 0/0; the docstring's bound 1 − np.finfo(float32).epsneg does not. Where h = y the
    result hardly depends on the bound (a student who works in float64 gets the same values
    to rtol 1e-4), so only the rounding to 1.0 fails.
    """
    exact = _exact_probabilities(d)
    return {"h4": exact["h2"].astype(np.float32), "y4": exact["y2"].astype(np.float32)}


def _symptoms_only(code: str) -> Review:
    """只有症状时点名原因 / A review naming ``code`` first when a case failed with no known
    mistake matched, at most NaN/inf or a warning (ln 0 and 0/0 of an h that reached 0 or 1):
    ``bce_clip`` on the float64 case (no clip, or the unclipped h somewhere), and
    ``bce_float32_bound`` on the float32 one (the clip works in float64 but its upper bound
    rounds to 1.0; ``bce_clip`` supersedes it when the float64 case failed too)."""

    def review(case: Case, reply: Reply, v: Values) -> Case:
        if not case.passed and reply.ok and set(case.hints) <= {"nonfinite", "unstable"}:
            case.hints.insert(0, code)
        return case

    return review


def _given_eps(d: Draw) -> dict[str, Any]:
    """给定 eps（1e-3 到 1e-2），h 有落在 [eps, 1 − eps] 之外的项 / A given eps with h outside
    [eps, 1 − eps] for every student: h = eps/10 and 0 with y = 1, 1 − eps/10 and 1 with y = 0."""
    eps = float(d.rng.uniform(1e-3, 1e-2))
    m = int(d.rng.integers(3, 6))
    h5, y5 = d.rng.uniform(0.2, 0.8, (m, 2)), d.rng.integers(0, 2, (m, 2)).astype(float)
    # eps/10 and 1 − eps/10 (only the given eps clips them), and an exact 0 and 1 (so that
    # no clip at all gives ln 0 here, not the value of a hard-coded 1e-12)
    h5[0, 0], y5[0, 0], h5[1, 1], y5[1, 1] = eps / 10, 1.0, 1 - eps / 10, 0.0
    h5[2, 0], y5[2, 0], h5[2, 1], y5[2, 1] = 0.0, 1.0, 1.0, 0.0
    return {"h5": h5, "y5": y5, "eps": eps, "m5": m}


def _huge_logits(d: Draw) -> dict[str, Any]:
    """|z| = 50、1000（每个学生同样的几种值）/ The same kinds of huge logits for everyone."""
    z3 = d.rng.permutation(np.array([-1000.0, -50.0, 50.0, 1000.0]))[:, None]
    y3 = d.rng.permutation(np.array([0.0, 0.0, 1.0, 1.0]))[:, None]
    return {"z3": z3, "y3": y3, "m3": 4}


def _over_outputs(h: str) -> Mistake:
    """J 与梯度也对 K 个输出求平均 / J and the gradient averaged over the K outputs too (each
    output compared on its own: J/K, ∂J/K or both); None when K = 1."""
    return lambda v: (
        (v.want[0] / v[h].shape[1], v.want[1] / v[h].shape[1]) if v[h].shape[1] > 1 else None
    )


def _bce_mistakes(h: str, y: str) -> dict[str, Mistake]:
    """概率形式的常见错误 / Typical mistakes of BCE on probabilities ``h`` with labels ``y``.

    ``bce_prob_gradient``: the logits' gradient (h − y)/m; ``bce_one_term``: J without the
    (1 − y) ln(1 − h) term (both on the clipped h).
    """

    def clipped(v: Values) -> np.ndarray:
        return np.clip(v[h], 1e-12, 1 - 1e-12)

    return {
        "bce_mean_over_outputs": _over_outputs(h),
        "bce_prob_gradient": lambda v: (None, (clipped(v) - v[y]) / v[h].shape[0]),
        "bce_one_term": lambda v: (
            float(np.mean(-np.sum(v[y] * np.log(clipped(v)), axis=1))),
            None,
        ),
    }


LOSS_BCE = Spec(
    "a2.loss_bce",
    checked=Text(
        "二分类交叉熵：概率形式（含 h = 0 或 1 的极端值）与 logit 形式（含 |z| = 1000，须无溢出）",
        "binary cross-entropy: on probabilities (including h = 0 or 1) and on logits "
        "(including |z| = 1000, without overflow)",
    ),
    setup=_bce_setup,
    cases=(
        _loss(
            "losses.binary_cross_entropy",
            Text("概率形式，常规值", "probabilities, ordinary values"),
            no_inputs,
            losses.binary_cross_entropy,
            ("h", "y"),
            "∂J/∂h",
            **_bce_mistakes("h", "y"),
        ),
        _loss(
            "losses.binary_cross_entropy",
            Text("概率形式，h 恰为 0 或 1", "probabilities, h exactly 0 or 1"),
            _exact_probabilities,
            losses.binary_cross_entropy,
            ("h2", "y2"),
            "∂J/∂h",
            rtol=1e-4,
            review=_symptoms_only("bce_clip"),
            **_bce_mistakes("h2", "y2"),
        ),
        _loss(
            "losses.binary_cross_entropy",
            Text("概率形式，float32，h 恰为 0 或 1", "probabilities, float32, h exactly 0 or 1"),
            _exact_float32,
            losses.binary_cross_entropy,
            ("h4", "y4"),
            "∂J/∂h",
            rtol=1e-4,
            stable=True,
            review=_symptoms_only("bce_float32_bound"),
            **_bce_mistakes("h4", "y4"),
        ),
        _loss(
            "losses.binary_cross_entropy",
            Text("概率形式，给定 eps", "probabilities, a given eps"),
            _given_eps,
            losses.binary_cross_entropy,
            ("h5", "y5"),
            "∂J/∂h",
            m="m5",
            kwargs=("eps",),
            bce_eps_ignored=lambda v: losses.binary_cross_entropy(v.h5, v.y5),
        ),
        _loss(
            "losses.binary_cross_entropy_with_logits",
            Text("logit 形式，常规值", "logits, ordinary values"),
            lambda d: {"z": d.rng.uniform(-4, 4, (d.v.m, d.v.K))},
            losses.binary_cross_entropy_with_logits,
            ("z", "y"),
            "∂J/∂z^(L)",
            stable=True,
            logits_not_probabilities=lambda v: (None, (v.z - v.y) / v.m),
            bce_mean_over_outputs=_over_outputs("z"),
        ),
        _loss(
            "losses.binary_cross_entropy_with_logits",
            Text("logit 形式，|z| 极大（数值稳定性）", "logits, huge |z| (numerical stability)"),
            _huge_logits,
            losses.binary_cross_entropy_with_logits,
            ("z3", "y3"),
            "∂J/∂z^(L)",
            m="m3",
            stable=True,
        ),
    ),
    supersedes={"bce_clip": ("bce_float32_bound", "bce_eps_ignored")},
    hints={
        "bce_clip": Text(
            "h 为 0 或 1 时出现 ln 0 或 0/0：先把 h 裁剪到 [eps, 上界]，J 与梯度都用裁剪后的 h。",
            "h = 0 or 1 gives ln 0 or 0/0: clip h to [eps, upper bound] first, and use the "
            "clipped h in J and in the gradient.",
        ),
        "bce_float32_bound": Text(
            "float32 中 1 − 1e-12 舍入为 1.0：裁剪后 h 仍可能等于 1，于是 ln 0 与 0/0。上界用 "
            "min(1 − eps, 1 − np.finfo(dtype).epsneg)，dtype = np.result_type(h, 0.5)（见文档字符串）。",
            "In float32 1 − 1e-12 rounds to 1.0: after the clip h can still be 1, giving ln 0 "
            "and 0/0. Use the upper bound min(1 − eps, 1 − np.finfo(dtype).epsneg) with dtype = "
            "np.result_type(h, 0.5) (see the docstring).",
        ),
        "bce_eps_ignored": Text(
            "用传入的 eps 裁剪：h 裁剪到 [eps, 1 − eps]，不要写死 1e-12。",
            "Clip with the eps passed in: h goes to [eps, 1 − eps]; do not hard-code 1e-12.",
        ),
        "bce_mean_over_outputs": Text(
            "对 K 个输出求和、只对 m 个样本求平均：J = −(1/m) Σ_n Σ_k [y_k ln h_k + (1 − y_k) ln(1 − h_k)]，"
            "梯度除以 m（不是 m·K，不要用 np.mean 对整个数组求平均）。",
            "Sum over the K outputs, average over the m samples only: J = −(1/m) Σ_n Σ_k "
            "[y_k ln h_k + (1 − y_k) ln(1 − h_k)], gradient divided by m (not m·K; no np.mean "
            "over the whole array).",
        ),
        "bce_prob_gradient": Text(
            "概率形式的梯度是 ∂J/∂h = (h − y) / (h (1 − h)) / m；(h − y)/m 是对 logit z 的梯度（已乘过 σ'）。",
            "On probabilities the gradient is ∂J/∂h = (h − y) / (h (1 − h)) / m; (h − y)/m is "
            "the gradient with respect to the logit z (σ' already applied).",
        ),
        "bce_one_term": Text(
            "二分类交叉熵有两项：l = −[y ln h + (1 − y) ln(1 − h)]；你漏了 (1 − y) ln(1 − h)。",
            "Binary cross-entropy has two terms: l = −[y ln h + (1 − y) ln(1 − h)]; the "
            "(1 − y) ln(1 − h) term is missing.",
        ),
        "logits_not_probabilities": Text(
            "logit 形式的梯度是 ∂J/∂z = (σ(z) − y)/m：先把 logit z 变成概率 σ(z)，不是 (z − y)/m。",
            "The gradient on logits is ∂J/∂z = (σ(z) − y)/m: turn the logit z into the "
            "probability σ(z) first; it is not (z − y)/m.",
        ),
    },
)


def _softmax_setup(rng: np.random.Generator) -> dict[str, Any]:
    """共享的 m、K ≥ 3、类别标签 / Shared sizes and class labels (one-hot and integer)."""
    # m ≠ K for every student: a gradient divided by K instead of m shows
    K = int(rng.integers(3, 6))
    m = K + int(rng.integers(1, 3))
    labels = rng.integers(0, K, m)
    return {"m": m, "K": K, "labels": labels.astype(np.int64), "onehot": np.eye(K)[labels]}


def _logits(target: str, huge: bool = False) -> Callable[[Draw], Mapping[str, Any]]:
    """随机 logit（``huge``：每行加 ±1000）与目标 / Random logits (±1000 per row) and targets."""

    def inputs(d: Draw) -> dict[str, Any]:
        z = d.rng.uniform(-3, 3, (d.v.m, d.v.K))
        if huge:
            z = z + d.rng.choice([-1000.0, 1000.0], (d.v.m, 1))
        return {"z": z, "t": d.v[target]}

    return inputs


def _softmax_over_samples(
    z: np.ndarray, Y: np.ndarray, shift_axis: int
) -> tuple[float, np.ndarray]:
    """沿样本维归一化的 softmax 交叉熵（常见错误）/ Softmax-CE normalised over the samples."""
    with np.errstate(all="ignore"):
        shifted = z - z.max(axis=shift_axis, keepdims=True)
        log_p = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
        return float(np.mean(-np.sum(Y * log_p, axis=1))), (np.exp(log_p) - Y) / z.shape[0]


def _softmax_axis(v: Values) -> tuple[AnyOf, AnyOf]:
    """沿样本维归一化（两种减最大值的方式之一）/ Normalised over the samples, either max shift."""
    wrong = [_softmax_over_samples(v.z, v.onehot, shift) for shift in (0, 1)]
    return AnyOf(w[0] for w in wrong), AnyOf(w[1] for w in wrong)


def _softmax_ce(label: Text, target: str, huge: bool = False) -> Cases:
    """softmax 交叉熵的一个用例 / One softmax cross-entropy case (stability checked)."""
    return _loss(
        "losses.softmax_cross_entropy",
        label,
        _logits(target, huge),
        losses.softmax_cross_entropy,
        ("z", "t"),
        "∂J/∂z^(L)",
        stable=True,
        softmax_axis=_softmax_axis,
        softmax_mean_over_outputs=_over_outputs("z"),
        softmax_grad_over_K=lambda v: (None, v.want[1] * v.z.shape[0] / v.z.shape[1]),
    )


LOSS_SOFTMAX_CE = Spec(
    "a2.loss_softmax_ce",
    checked=Text(
        "softmax 交叉熵 J 与 ∂J/∂z = (softmax(z) − y)/m：独热标签、整数标签、极大 logit（须无溢出）",
        "softmax cross-entropy J and ∂J/∂z = (softmax(z) − y)/m: one-hot targets, integer "
        "labels, huge logits (without overflow)",
    ),
    setup=_softmax_setup,
    cases=(
        _softmax_ce(Text("独热标签", "one-hot targets"), "onehot"),
        _softmax_ce(Text("整数标签", "integer labels"), "labels"),
        _softmax_ce(
            Text("极大 logit（数值稳定性）", "huge logits (numerical stability)"), "onehot", True
        ),
    ),
    hints={
        "softmax_mean_over_outputs": Text(
            "J = −(1/m) Σ_n Σ_k y_k ln softmax(z)_k：对类别求和、只对 m 个样本求平均（不要用 np.mean 对整个数组求平均）。",
            "J = −(1/m) Σ_n Σ_k y_k ln softmax(z)_k: sum over the classes, average over the m "
            "samples only (no np.mean over the whole array).",
        ),
        "softmax_grad_over_K": Text(
            "梯度除以样本数 m = z.shape[0]，不是类别数 K = z.shape[1]：∂J/∂z = (softmax(z) − y)/m。",
            "Divide the gradient by the number of samples m = z.shape[0], not by the number of "
            "classes K = z.shape[1]: ∂J/∂z = (softmax(z) − y)/m.",
        ),
        "softmax_axis": Text(
            "softmax 要沿最后一维（每个样本的 K 个类别）归一化，而不是沿样本维。",
            "Normalise softmax along the last axis (the K classes of each sample), not over "
            "samples.",
        ),
    },
)


# ------------------------------------------------------------------------------------------
ACTS = ("sigmoid", "tanh", "relu", "identity")


def _random_mlp(
    rng: np.random.Generator, square: bool = False, depth: int = 0, K: int = 0
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray], list[str]]:
    """随机网络（nncore 对照）/ A random MLP for nncore-checked forward cases.

    ``depth`` layers (random 1–3 when 0); ``K`` output units (random when 0).
    """
    depth = depth or int(rng.integers(1, 4))
    if square:
        n = int(rng.integers(2, 5))
        sizes = [n] * (depth + 1)
    else:
        sizes = [int(s) for s in rng.integers(1, 6, depth + 1)]
    if K:
        sizes[-1] = K
    Ws = [rng.uniform(-1, 1, (i, o)) for i, o in pairwise(sizes)]
    bs = [rng.uniform(-1, 1, o) for o in sizes[1:]]
    acts = [str(a) for a in rng.choice(ACTS, depth)]
    X = rng.uniform(-2, 2, (int(rng.integers(2, 5)), sizes[0]))
    return X, Ws, bs, acts


def _forward(
    X: np.ndarray,
    Ws: list[np.ndarray],
    bs: list[np.ndarray],
    acts: list[str],
    *,
    transpose: bool = False,
    bias: bool = True,
) -> np.ndarray:
    """前向（可模拟常见错误）/ Forward pass, optionally with a typical mistake."""
    a = X
    for W, b, f in zip(Ws, bs, acts, strict=True):
        a = get_activation(f).forward(a @ (W.T if transpose else W) + (b if bias else 0))
    return a


# --- reference-built inputs (one mistake costs one task; see grader/suites/replay.py) ------
# A task that calls one stub gets its inputs from the reference, as plain data: caches from the
# reference forward pass (plain_caches), and the calls the tested function makes to the
# student's OTHER stubs answered from masked tables of the reference's answers (replay).


def _dense_forward_replays(
    X: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], acts: list[str]
) -> list[dict[str, Any]]:
    """正确的 mlp_forward 对 dense_forward 的调用 / dense_forward(a^(l), W^(l), b^(l+1)) → (z, cache)."""
    calls, a = [], X
    for W, b, f in zip(Ws, bs, acts, strict=True):
        z, cache = layers.dense_forward(a, W, b)
        calls.append(((a, W, b), (z, cache)))
        a = get_activation(f).forward(z)
    return [replay("layers", "dense_forward", calls)]


def _dense_backward_replays(delta: np.ndarray, caches: list[Any]) -> list[dict[str, Any]]:
    """正确的 backprop 对 dense_backward 的调用 / dense_backward(δ^(l+1), (a, W)) from δ^(L)."""
    calls = []
    for l in range(len(caches) - 1, -1, -1):
        da, dW, db = layers.dense_backward(delta, caches[l][0])
        calls.append(((delta, caches[l][0]), (da, dW, db)))
        if l > 0:
            delta = layers.activation_backward(da, caches[l - 1][1])
    return [replay("layers", "dense_backward", calls)]


@task(
    "a2.mlp_forward",
    ("mlp.mlp_forward",),
    checked=Text(
        "随机网络（1–3 层、sigmoid/tanh/ReLU/线性）的输出 a^(L) = f(…f(x W^(1) + b^(2))…)"
        "（你的 mlp_forward 对 dense_forward 的调用由参考答案作答，所以 dense_forward 的错误不影响本题）",
        "the output a^(L) = f(…f(x W^(1) + b^(2))…) of random networks (1–3 layers, "
        "sigmoid/tanh/ReLU/identity); the calls your mlp_forward makes to dense_forward are answered "
        "by the reference, so a mistake in dense_forward does not cost this task",
    ),
    hints={
        "cache_layout": Text(
            "mlp_forward 的缓存不对：每层一个 (dense_cache, activation_cache)，即 dense_forward 与 "
            "activation_forward 返回的缓存 ((a^(l), W^(l)), (z^(l+1), a^(l+1), f))，按层的顺序。",
            "mlp_forward's caches are wrong: one (dense_cache, activation_cache) per layer, as "
            "returned by dense_forward and activation_forward, ((a^(l), W^(l)), (z^(l+1), "
            "a^(l+1), f)), in layer order.",
        ),
        "activation_per_layer": Text(
            "每层用它自己的激活函数：第 l 层是 activations[l]，不是 activations[0]。",
            "Each layer uses its own activation: layer l applies activations[l], not "
            "activations[0].",
        ),
        "output_not_activated": Text(
            "输出层也有激活函数：返回 a^(L) = f^(L)(z^(L))，不是 z^(L)。",
            "The output layer has an activation too: return a^(L) = f^(L)(z^(L)), not z^(L).",
        ),
    },
)
def mlp_forward_task(ctx: Context) -> list[Case]:
    """4 个随机网络，按比例给分 / 4 random networks; fraction credit.

    Each case compares a^(L) and the caches (per layer a^(l), W^(l), z^(l+1), a^(l+1): the
    other tasks get their caches from the reference, so the student's are judged here).
    """
    cases = []
    # every student: a square net (detects Wᵀ), 3 layers with K = 1 and a sigmoid output
    # (a missing output activation shows), 2 layers, one random
    for k, (depth, K) in enumerate(((0, 0), (3, 1), (2, 0), (0, 0))):
        X, Ws, bs, acts = _random_mlp(ctx.rng, square=(k == 0), depth=depth, K=K)
        if k == 1:  # a sigmoid output after another first activation, for every student
            acts[-1] = "sigmoid"
            acts[0] = "tanh" if acts[0] == "sigmoid" else acts[0]
        out, caches = mlp_forward(X, Ws, bs, acts)
        mistakes = {"forgot_bias": _forward(X, Ws, bs, acts, bias=False)}
        if out.shape[1] == 1:
            mistakes["squeezed_output"] = out[:, 0]
        if k == 0:
            mistakes["transposed_w"] = _forward(X, Ws, bs, acts, transpose=True)
        if acts[-1] != "identity":
            mistakes["output_not_activated"] = caches[-1][1][0]
        if len(set(acts)) > 1:  # every layer with the first layer's activation
            mistakes["activation_per_layer"] = mlp_forward(X, Ws, bs, [acts[0]] * len(acts))[0]
        want_caches = _cache_arrays((out, caches))
        reply = ctx.call_with(
            "mlp.mlp_forward", (X, Ws, bs, acts), replays=_dense_forward_replays(X, Ws, bs, acts)
        )
        label = Text("随机网络", "random network").numbered(k + 1, 4)
        # the dense cache holding the layer's output a^(l+1) instead of its input a^(l)
        out_in_dense = [((act[1], dense[1]), act) for dense, act in caches]
        expects = [
            Expect("a^(L)", out, pick_item(0), mistakes),
            Expect(
                "caches",
                want_caches,
                _cache_arrays,
                {"cache_layout": _cache_arrays((out, out_in_dense))},
            ),
        ]
        case = case_from_reply(reply, expects, label)
        # the layout hint only when the caches have the wrong structure; wrong values in
        # right-shaped caches come from the same mistake as a^(L)'s, named by its hints
        if any(c.what == "caches" and c.kind in ("type", "shape") for c in case.comparisons):
            case.hints = ["cache_layout", *(h for h in case.hints if h != "wrong_type")]
        cases.append(case)
    return cases


def _cache_arrays(value: Any) -> np.ndarray:
    """缓存中的数组 / The arrays of ``(a^(L), caches)``'s caches: a, W, z, a' per layer, flat.

    Raises TypeError when the caches do not have the contract's layout
    ``[((a, W), (z, a', f)), …]`` (the comparison then fails as a wrong type).
    """
    try:
        parts = []
        for dense, act in value[1]:
            a, W = dense
            parts += [a, W, act[0], act[1]]
        return np.concatenate([np.asarray(p, dtype=np.float64).ravel() for p in parts])
    except (TypeError, ValueError, IndexError, KeyError) as exc:
        raise TypeError("caches do not have the layout [((a, W), (z, a, f)), ...]") from exc


def _variant_grads(
    X: np.ndarray,
    Ws: list[np.ndarray],
    bs: list[np.ndarray],
    acts: list[str],
    delta: np.ndarray,
    variant: str,
) -> list[np.ndarray] | None:
    """δ 递推的常见错误 / Gradients [dW1, db1, …] of a typical δ-recursion mistake.

    ``delta`` is δ^(L) (``backprop``) or ∂J/∂a^(L) (``mlp_backward``, then the output f' is
    applied first unless ``variant == "no_output_fprime"``). Variants: ``missing_fprime``
    (no hidden f'), ``fprime_wrong_layer`` (δ^(l) with layer l+1's f', where shapes allow),
    ``sigmoid_fprime`` (σ' = a(1 − a) for every hidden layer, whatever its activation),
    ``sigmoid_or_tanh`` (a(1 − a) for sigmoid layers, 1 − a² for every other one);
    ``""`` is the right recursion. None if the variant cannot happen.
    """
    zs, a_list = [], [X]
    for W, b, f in zip(Ws, bs, acts, strict=True):
        zs.append(a_list[-1] @ W + b)
        a_list.append(get_activation(f).forward(zs[-1]))
    grads: list[np.ndarray] = [np.empty(0)] * (2 * len(Ws))
    with np.errstate(all="ignore"):
        for l in range(len(Ws) - 1, -1, -1):
            grads[2 * l], grads[2 * l + 1] = a_list[l].T @ delta, delta.sum(axis=0)
            if l == 0:
                break
            da = delta @ Ws[l].T
            if variant == "missing_fprime":
                delta = da
            elif variant == "fprime_wrong_layer":
                if zs[l].shape != da.shape:
                    return None
                delta = get_activation(acts[l]).backward(da, zs[l], a_list[l + 1])
            elif variant in ("sigmoid_fprime", "sigmoid_or_tanh"):
                a = a_list[l]
                sig = variant == "sigmoid_fprime" or acts[l - 1] == "sigmoid"
                delta = da * (a * (1 - a) if sig else 1 - a * a)
            else:
                delta = get_activation(acts[l - 1]).backward(da, zs[l - 1], a_list[l])
    return grads


def _grad_expects(
    arch: symbolic.Arch,
    grad_flat: np.ndarray,
    wrong: dict[str, list[np.ndarray] | None] | None = None,
) -> list[Expect]:
    """每层 ∂J/∂W、∂J/∂b 的期望 / Expected ∂J/∂W^(l), ∂J/∂b^(l+1) from a flat gradient.

    ``wrong`` maps a mistake code to the gradients that mistake gives (see _variant_grads).
    """
    gW, gb = unflatten(grad_flat, arch.sizes)
    out = []
    for l in range(len(gW)):
        mW = {c: g[2 * l] for c, g in (wrong or {}).items() if g is not None}
        mb = {c: g[2 * l + 1] for c, g in (wrong or {}).items() if g is not None}
        out.append(Expect(f"∂J/∂W^({l + 1})", gW[l], pick_item(0, l), mW))
        out.append(Expect(f"∂J/∂b^({l + 2})", gb[l], pick_item(1, l), mb))
    return out


def _backward_case(
    ctx: Context,
    arch: symbolic.Arch,
    flat: np.ndarray,
    X: np.ndarray,
    Y: np.ndarray,
    label: Text,
) -> Case:
    """一个反传用例 / One backprop case on the reference's caches (plain data).

    The caches come from the reference forward pass (never the student's ``mlp_forward``), and
    the student's ``dense_backward`` is answered by the reference on the right δ's, so only the
    δ recursion (``backprop``) and ``mlp_backward`` are judged here.
    """
    Ws, bs = unflatten(flat, arch.sizes)
    acts = list(arch.activations)
    _, grad = symbolic.gradient(arch, flat, X, Y)
    out, caches = mlp_forward(X, Ws, bs, acts)
    plain = plain_caches(caches)
    m = X.shape[0]
    variants = ("missing_fprime", "fprime_wrong_layer")
    if arch.loss == "bce":
        delta = (out - Y) / m
        wrong = {v: _variant_grads(X, Ws, bs, acts, delta, v) for v in variants}
        reply = ctx.call_with(
            "mlp.backprop", (delta, plain), replays=_dense_backward_replays(delta, caches)
        )
        case = case_from_reply(reply, _grad_expects(arch, grad, wrong), label)
        _reversed_hint(case, reply, arch, grad)
        return _depth_hint(case, reply, len(Ws))
    dout = (out - Y) / m
    dL = layers.activation_backward(dout, caches[-1][1])
    wrong = {v: _variant_grads(X, Ws, bs, acts, dL, v) for v in variants}
    no_out = _variant_grads(X, Ws, bs, acts, dout, "")  # the output f' left out
    reply = ctx.call_with(
        "mlp.mlp_backward", (dout, plain), replays=_dense_backward_replays(dL, caches)
    )
    case = case_from_reply(reply, _grad_expects(arch, grad, wrong), label)
    if not case.passed and no_out is not None:
        _add_hint_if(case, reply, no_out, "missing_fprime")
    if not case.passed:  # f' from a formula for sigmoid (or sigmoid and tanh) layers only
        sig_out = dout * out * (1 - out)  # σ' = a(1 − a) at the output, whatever f^(L) is
        # the formula must differ from the right gradients (an all-sigmoid net) and from the
        # other named mistakes (with every ReLU unit dead, 1 − a² = 1 is "no f'" exactly)
        others = [g for g in (_variant_grads(X, Ws, bs, acts, dL, ""), no_out, *wrong.values())
                  if g is not None]  # fmt: skip
        for dl, variant in ((sig_out, ""), (dL, "sigmoid_fprime"), (sig_out, "sigmoid_fprime"),
                            (dL, "sigmoid_or_tanh")):  # fmt: skip
            grads = _variant_grads(X, Ws, bs, acts, dl, variant)
            if grads is not None and not any(
                all(matches(g, w) for g, w in zip(grads, other, strict=True)) for other in others
            ):
                _add_hint_if(case, reply, grads, "fprime_of_layer")
    first = caches[0][1]
    if not case.passed and len(Ws) > 1 and first[0].shape == dout.shape:
        # δ^(L) = ∂J/∂a^(L) ⊙ f'(z^(2)): the output error with the first layer's f'
        dL_first = layers.activation_backward(dout, first)
        wrong_first = _variant_grads(X, Ws, bs, acts, dL_first, "")
        if wrong_first is not None:
            _add_hint_if(case, reply, wrong_first, "fprime_wrong_layer")
    _reversed_hint(case, reply, arch, grad)
    return _depth_hint(case, reply, len(Ws))


def _reversed_hint(case: Case, reply: Reply, arch: symbolic.Arch, grad: np.ndarray) -> None:
    """梯度按输出层在前的顺序返回 / The gradients came back output layer first."""
    gW, gb = unflatten(grad, arch.sizes)
    if not case.passed and len(gW) > 1:
        rev = [g for l in reversed(range(len(gW))) for g in (gW[l], gb[l])]
        _add_hint_if(case, reply, rev, "layers_reversed")


def _add_hint_if(case: Case, reply: Reply, grads: list[np.ndarray], code: str) -> None:
    """学生的全部梯度等于某个错误时加提示 / Add ``code`` if every gradient equals the mistake's."""
    v = reply.value if reply.ok else None
    if not (isinstance(v, tuple | list) and len(v) == 2):
        return
    dWs, dbs = v
    if not (isinstance(dWs, list | tuple) and isinstance(dbs, list | tuple)):
        return
    if len(dWs) * 2 != len(grads) or len(dbs) * 2 != len(grads):
        return
    got = [g for pair in zip(dWs, dbs, strict=True) for g in pair]
    if all(matches(g, w) for g, w in zip(got, grads, strict=True)) and code not in case.hints:
        case.hints.insert(0, code)


def _depth_hint(case: Case, reply: Reply, n_layers: int) -> Case:
    """层数不对时给出“只处理了一个隐含层”的提示 / Hint when fewer layers came back."""
    v = reply.value if reply.ok else None
    if (
        not case.passed
        and isinstance(v, tuple | list)
        and len(v) == 2
        and isinstance(v[0], list | tuple)
        and (len(v[0]) != n_layers or any(g is None for g in v[0]))  # a layer never reached
    ):
        case.hints = ["one_hidden_layer", *(h for h in case.hints if h != "wrong_type")]
    return case


@task(
    "a2.mlp_backward",
    ("mlp.mlp_backward", "mlp.backprop"),
    checked=Text(
        "随机小网络（1–3 个隐含层、1–5 个单元；sigmoid、tanh、ReLU 与 identity 层）上 δ 递推得到的全部 ∂J/∂W^(l)、∂J/∂b^(l+1)，与 sympy 精确导数比较"
        "（mlp_backward 从 ∂J/∂a^(L) 开始；backprop 从 δ^(L) 开始）；缓存由参考前向传播给出，对 dense_backward 的调用由参考答案作答，"
        "所以 mlp_forward 与 dense_backward 的错误不影响本题",
        "every ∂J/∂W^(l), ∂J/∂b^(l+1) from the δ recursion on random small networks (1–3 "
        "hidden layers, 1–5 units; sigmoid, tanh, ReLU and identity layers) against sympy's exact derivatives (mlp_backward starts from "
        "∂J/∂a^(L), backprop from δ^(L)); the caches come from the reference forward pass and the "
        "calls to dense_backward are answered by the reference, so a mistake in mlp_forward or "
        "dense_backward does not cost this task",
    ),
    hints={
        "fprime_of_layer": Text(
            "δ^(l) = ∂J/∂a^(l) ⊙ f'(z^(l)) 要用这一层自己的激活函数的导数：sigmoid 是 a(1 − a)，tanh 是 1 − a²，"
            "ReLU 是 1[z > 0]，identity 是 1（输出层也一样）。用 activation_backward(da, cache)，它知道每层的 f。",
            "δ^(l) = ∂J/∂a^(l) ⊙ f'(z^(l)) takes the derivative of this layer's own activation: "
            "sigmoid a(1 − a), tanh 1 − a², ReLU 1[z > 0], identity 1 (the output layer too). "
            "Use activation_backward(da, cache): it knows each layer's f.",
        ),
        "layers_reversed": Text(
            "梯度列表要按层的顺序返回：dWs[0] = ∂J/∂W^(1)（输入层那一层）…… dWs[-1] 是输出层；"
            "你的顺序反了（反向传播是从输出层算起，但结果按层号存放）。",
            "Return the gradients in layer order: dWs[0] = ∂J/∂W^(1) (the input side) … "
            "dWs[-1] the output layer; yours are reversed (backprop runs from the output, but "
            "store each result at its layer's index).",
        ),
    },
)
def mlp_backward_task(ctx: Context) -> list[Case]:
    """3 个 mlp_backward + 1 个 backprop 用例，按比例给分 / 3 + 1 cases; fraction credit."""
    cases = []
    # every student: 2 hidden layers with K = 1, a square net (a wrong layer's f' fits the
    # shapes), 3 hidden layers, and a random cross-entropy net through backprop
    pools = (oracles.DEEP_K1, oracles.SQUARE, oracles.DEEPEST, oracles.BCE_POOL)
    for k, pool in enumerate((*pools, oracles.OTHER_ACTS)):
        arch, flat, X, Y = oracles.random_network(ctx.rng, pool)
        label = Text("随机网络", "random network").numbered(k + 1, 5)
        cases.append(_backward_case(ctx, arch, flat, X, Y, label))
    return cases


@task(
    "a2.gd_update",
    ("optim.gradient_descent_update",),
    checked=Text(
        "W := W − α ∂J/∂W 对每个参数同时更新，返回新数组、不修改传入的数组",
        "W := W − α ∂J/∂W for every parameter at once; new arrays returned, inputs unchanged",
    ),
)
def gd_update(ctx: Context) -> list[Case]:
    """3 个随机用例，按比例给分 / 3 random cases; fraction credit."""
    cases = []
    for k in range(3):
        shapes = [(2, 3), (3,), (3, 1), (1,)]
        params = [ctx.rng.uniform(-1, 1, s) for s in shapes]
        grads = [ctx.rng.uniform(-1, 1, s) for s in shapes]
        lr = float(ctx.rng.uniform(0.05, 0.9))
        expects = [
            Expect(
                f"θ_{i + 1}",
                p - lr * g,
                pick_item(i),
                {"sign_error": p + lr * g, "no_learning_rate": p - g},
            )
            for i, (p, g) in enumerate(zip(params, grads, strict=True))
        ]
        cases.append(
            run_case(
                ctx,
                "optim.gradient_descent_update",
                (params, grads, lr),
                expects,
                RANDOM.numbered(k + 1, 3),
            )
        )
    return cases


# ------------------------------------------------------------------------------------------
def _sequential_update(
    theta: np.ndarray,
    X: np.ndarray,
    Y: np.ndarray,
    alpha: float,
    sizes: tuple[int, ...] = (2, 2, 2),
    loss: str = "mse",
) -> np.ndarray:
    """非同时更新（先改 W^(2) 再用新 W^(2) 反传）/ The non-simultaneous (sequential) update.

    One hidden layer, sigmoid everywhere; ``loss`` "mse" or "bce" (δ^(3) = (a^(3) − y)/m).
    """
    Ws, bs = unflatten(theta, sizes)
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
    m = X.shape[0]
    sig = get_activation("sigmoid")
    a2 = sig.forward(X @ Ws[0] + bs[0])
    a3 = sig.forward(a2 @ Ws[1] + bs[1])
    d3 = (a3 - Y) / m if loss == "bce" else (a3 - Y) * a3 * (1 - a3) / m
    W2 = Ws[1] - alpha * a2.T @ d3
    b3 = bs[1] - alpha * d3.sum(axis=0)
    d2 = (d3 @ W2.T) * a2 * (1 - a2)
    W1 = Ws[0] - alpha * X.T @ d2
    b2 = bs[0] - alpha * d2.sum(axis=0)
    return np.concatenate([W1.ravel(), b2, W2.ravel(), b3])


def _pairs(Ws: list[np.ndarray], bs: list[np.ndarray]) -> list[np.ndarray]:
    """[W1, b1, W2, b2, …]（讲义顺序）/ Weights and biases interleaved, the slide's order."""
    return [p for pair in zip(Ws, bs, strict=True) for p in pair]


@task(
    "a2.example1",
    (
        "mlp.mlp_forward",
        "mlp.mlp_backward",
        "mlp.backprop",
        "optim.gradient_descent_update",
    ),
    credit=ALL,
    checked=Text(
        "例题1（2-2-2 sigmoid 网络，x = (0.4, 0.6)，y = (0.6, 0.6)，α = 0.1），三部分各在参考输入上判分："
        "mlp_forward 的输出 a^(3)；mlp_backward 在参考前向缓存与 ∂J/∂a^(3) = a^(3) − y 上的全部梯度；"
        "gradient_descent_update 在精确梯度上的一次更新；与 sympy 的精确结果比较（不是讲义上四舍五入的数）。"
        "对 dense_forward、dense_backward 的调用由参考答案作答",
        "例题1 (2-2-2 sigmoid net, x = (0.4, 0.6), y = (0.6, 0.6), α = 0.1), three parts, "
        "each on reference inputs: the output a^(3) of mlp_forward; every gradient from "
        "mlp_backward on the reference forward caches and ∂J/∂a^(3) = a^(3) − y; one "
        "gradient_descent_update on the exact gradients; against sympy's exact results (not the "
        "slide's rounded numbers). Calls to dense_forward and dense_backward are answered by the "
        "reference",
    ),
)
def example1(ctx: Context) -> list[Case]:
    """3 个检查全部通过才得分 / 3 checks, all or nothing."""
    ex = oracles.example1()
    theta = np.asarray(ex["params"], dtype=float)
    X, Y = ex["x"][None, :], ex["y"][None, :]
    Ws, bs = unflatten(theta, (2, 2, 2))
    acts = ["sigmoid", "sigmoid"]
    out, caches = mlp_forward(X, Ws, bs, acts)
    fwd = ctx.call_with(
        "mlp.mlp_forward", (X, Ws, bs, acts), replays=_dense_forward_replays(X, Ws, bs, acts)
    )
    cases = [
        case_from_reply(
            fwd,
            [Expect("a^(3)", ex["outputs"][None, :], pick_item(0))],
            Text("例题1 前向传播", "例题1 forward pass"),
        )
    ]
    dout = out - Y  # m = 1
    dL = layers.activation_backward(dout, caches[-1][1])
    wrong = {"missing_fprime": _variant_grads(X, Ws, bs, acts, dL, "missing_fprime")}
    back = ctx.call_with(
        "mlp.mlp_backward",
        (dout, plain_caches(caches)),
        replays=_dense_backward_replays(dL, caches),
    )
    label = Text("例题1 梯度", "例题1 gradients")
    cases.append(
        case_from_reply(back, _grad_expects(symbolic.EXAMPLE1_ARCH, ex["grad_flat"], wrong), label)
    )
    grad = np.asarray(ex["grad_flat"], dtype=float)
    upd = ex["updated_flat"]
    reply = ctx.call_with(
        "optim.gradient_descent_update",
        (_pairs(Ws, bs), _pairs(*unflatten(grad, (2, 2, 2))), EXAMPLE1_ALPHA),
    )
    expects = [
        Expect(
            "θ − α∂J/∂θ",
            upd,
            _flat_params,
            {"sign_error": 2 * theta - upd, "no_learning_rate": theta - grad},
        )
    ]
    # writing into the parameters is judged (and costs points) in a2.gd_update alone
    label = Text("例题1 一次更新", "例题1 one update")
    cases.append(case_from_reply(reply, expects, label, inplace_ok=True))
    return cases


def _flat_params(value: Any) -> np.ndarray:
    """参数列表 → 讲义顺序向量 / A list of parameter arrays as one slide-order vector."""
    out = _safe_flat(value)
    if out is None:
        raise TypeError("not a list of arrays")
    return out


def _safe_flat(value: Any) -> np.ndarray | None:
    """尽量展平 / Flatten a list of numeric arrays, or None."""
    if not isinstance(value, list | tuple):
        return None
    try:
        return np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in value])
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------------------------------
def _quadratic(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """f(x) = ½ xᵀAx + cᵀx + Σ sin(3x) 的 A、c / The A (symmetric) and c of the test function."""
    n = int(np.prod(shape))
    B = rng.uniform(-1, 1, (n, n))
    return (B + B.T) / 2, rng.uniform(-1, 1, n)


@task(
    "a2.numerical_gradient",
    ("gradcheck.numerical_gradient",),
    hints={
        "not_all_entries": Text(
            "要对 x 的每一个元素求导：循环 x.size 次（或 np.ndindex(x.shape)），不是 len(x) 次。",
            "Differentiate with respect to every entry of x: loop x.size times (or over "
            "np.ndindex(x.shape)), not len(x) times.",
        ),
        "central_factor": Text(
            "中心差分除以 2ε：(f(x + ε) − f(x − ε)) / (2ε)；只除以 ε 会得到两倍的梯度。",
            "The central difference divides by 2ε: (f(x + ε) − f(x − ε)) / (2ε); dividing by ε "
            "gives twice the gradient.",
        ),
        "perturbs_copy": Text(
            "梯度全为 0：f() 读的是传入的 x 本身，必须就地改 x 的元素（之后再恢复），不能改它的副本。",
            "The gradient is all zeros: f() reads the x passed in, so perturb x's own entries "
            "in place (and restore them afterwards), not a copy of x.",
        ),
    },
    checked=Text(
        "f(x) = ½xᵀAx + cᵀx + Σ sin(3x) 的中心差分梯度（一维和二维 x、默认 ε 与给定的较大 ε——后者须与该 ε 的中心差分一致；"
        "还有一个 float32 的 x），结果为 float64、形状与 x 相同，且 x 被恢复（允许几个 ulp 的舍入）",
        "central-difference gradient of f(x) = ½xᵀAx + cᵀx + Σ sin(3x) (1-D and 2-D x; the "
        "default ε and a given, larger ε, where it must equal the central difference at that ε; "
        "also a float32 x): a float64 result shaped like x, and x restored afterwards (up to a "
        "few ulps of rounding)",
    ),
)
def numerical_gradient(ctx: Context) -> list[Case]:
    """4 个用例，按比例给分 / 4 cases; fraction credit."""
    cases = []
    # (shape, eps passed (None: the default 1e-6), rtol against the exact gradient; None: an
    # exact replay of the central difference at that eps — so an ignored eps is seen)
    specs: list[tuple[tuple[int, ...], float | None, float | None]] = [
        ((int(ctx.rng.integers(3, 6)),), None, 1e-5),
        ((2, int(ctx.rng.integers(2, 4))), None, 1e-5),
        ((int(ctx.rng.integers(3, 6)),), 0.05, None),
        ((int(ctx.rng.integers(3, 6)),), 0.01, 1e-2),  # a float32 x: the result stays float64
    ]
    for k, (shape, eps, rtol) in enumerate(specs):
        A, c = _quadratic(ctx.rng, shape)
        x = ctx.rng.uniform(-1, 1, shape)
        if k == 3:  # ε = 0.01 is far above float32's rounding; the docstring wants float64 out
            x = x.astype(np.float32)
        xf = x.ravel().astype(np.float64)

        def f(v: np.ndarray, A: np.ndarray = A, c: np.ndarray = c) -> float:
            return float(0.5 * v @ A @ v + c @ v + np.sum(np.sin(3 * v)))

        grad = (A @ xf + c + 3 * np.cos(3 * xf)).reshape(shape)
        h = eps or 1e-6
        fwd, central = np.empty(xf.size), np.empty(xf.size)
        for i in range(xf.size):
            xp, xm = xf.copy(), xf.copy()
            xp[i] += h
            xm[i] -= h
            fwd[i] = (f(xp) - f(xf)) / h
            central[i] = (f(xp) - f(xm)) / (2 * h)
        mistakes: dict[str, Any] = {"forward_difference": fwd.reshape(shape)}
        want = grad
        if rtol is None:
            want, rtol = central.reshape(shape), 1e-8
            mistakes["eps_ignored"] = grad
        mistakes["central_factor"] = 2 * want  # (f₊ − f₋)/ε: the 2 of 2ε missing
        mistakes["perturbs_copy"] = np.zeros(shape)  # f never saw the perturbed x
        if len(shape) > 1:  # a loop over len(x) = shape[0] entries only, the rest left 0
            partial_ = want.ravel().copy()
            partial_[shape[0] :] = 0.0
            mistakes["not_all_entries"] = partial_.reshape(shape)
        exp = Expect(
            "∂f/∂x",
            want,
            pick_item("result"),
            mistakes,
            rtol=rtol,
            atol_scale=1.0,
            dtype=np.float64,
        )
        reply = ctx.run("numgrad", A, c, x, eps)
        label = Text("用例", "case").numbered(k + 1, len(specs))
        case = case_from_reply(reply, [exp], label)
        if (
            reply.ok
            and isinstance(reply.value, dict)
            and not _restored(reply.value.get("x_after"), x, h)
        ):
            case.passed = False
            case.hints.insert(0, "not_restored")
            case.note = Text("x 未恢复原值", "x was not restored")
        cases.append(case)
    return cases


def _restored(after: Any, x: np.ndarray, eps: float) -> bool:
    """x 已恢复（允许几个 ulp 的舍入）/ x is back to its values, up to a few ulps.

    ``x[k] += ε; …; x[k] -= 2ε; …; x[k] += ε`` restores x only up to rounding (an ulp or
    two of max(|x_k|, ε)); a perturbation left in place is off by ε, far beyond that.
    """
    if not isinstance(after, np.ndarray) or after.shape != x.shape or after.dtype != x.dtype:
        return False
    with np.errstate(all="ignore"):
        tol = 4 * np.spacing(np.maximum(np.abs(x), np.asarray(eps, dtype=x.dtype)))
        return bool(np.all(np.abs(after - x) <= tol))


# ------------------------------------------------------------------------------------------
def _samples(value: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """检查学生的样本 / Validate the student's (X, y); None if invalid.

    The one contract of ``my_samples`` (the stub's docstring, the CLI, the public test):
    :func:`nncore.examples.exercise.check_samples` — X (m, 2) finite, y (m,) in {0, 1},
    MIN_SAMPLES ≤ m ≤ MAX_SAMPLES, both classes present.
    """
    if isinstance(value, dict):
        value = (value.get("X"), value.get("y"))
    if not isinstance(value, tuple | list) or len(value) != 2:
        return None
    try:
        X = np.asarray(value[0], dtype=np.float64)
        y = np.asarray(value[1], dtype=np.float64)
        check_samples(X, y)
    except (TypeError, ValueError):
        return None
    return X, y


def _update_replays(
    theta: np.ndarray, X: np.ndarray, y: np.ndarray, alpha: float, loss: str
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """参考的一次更新及其对其他存根的调用 / The reference update and its calls to other stubs.

    ``one_update``'s contract names ``mlp_forward``, ``half_squared_error`` + ``mlp_backward``
    (mse) or ``binary_cross_entropy_with_logits`` on z^(3) + ``backprop`` (bce), and
    ``gradient_descent_update``; each is answered by the reference on the right inputs, so
    ``one_update`` is judged alone. Returns (new θ (9,), replays).
    """
    Ws, bs = unflatten(np.asarray(theta, dtype=float), (2, 2, 1))
    Y = np.asarray(y, dtype=float).reshape(-1, 1)
    acts = ["sigmoid", "sigmoid"]
    out, caches = mlp_forward(X, Ws, bs, acts)
    plain = plain_caches(caches)
    reps = [replay("mlp", "mlp_forward", [((X, Ws, bs, acts), (out, plain))])]
    if loss in ("bce", "bce_fprime"):  # "bce_fprime": the mistake of applying f' again
        J, delta = losses.binary_cross_entropy_with_logits(caches[-1][1][0], Y)
        if loss == "bce_fprime":
            delta = layers.activation_backward(delta, caches[-1][1])
        reps.append(
            replay(
                "losses", "binary_cross_entropy_with_logits", [((caches[-1][1][0], Y), (J, delta))]
            )
        )
    else:
        J, dout = losses.half_squared_error(out, Y)
        delta = layers.activation_backward(dout, caches[-1][1])
        if loss == "mse_no_fprime":  # the mistake of leaving out the output's f'
            delta = dout
        reps.append(replay("losses", "half_squared_error", [((out, Y), (J, dout))]))
        reps.append(replay("mlp", "mlp_backward", [((dout, plain), nn_backprop(delta, caches))]))
    dWs, dbs = nn_backprop(delta, caches)
    reps.append(replay("mlp", "backprop", [((delta, plain), (dWs, dbs))]))
    params, grads = _pairs(Ws, bs), _pairs(dWs, dbs)
    new = [p - alpha * g for p, g in zip(params, grads, strict=True)]
    reps.append(replay("optim", "gradient_descent_update", [((params, grads, alpha), new)]))
    return np.concatenate([p.ravel() for p in new]), reps


@task(
    "a2.exercise",
    ("exercise.my_samples", "exercise.one_update"),
    checked=Text(
        "练习题：my_samples() 给出有效的二分类样本（X (m, 2) 有限、y (m,) 取 0/1、"
        f"{MIN_SAMPLES} ≤ m ≤ {MAX_SAMPLES}、两类都有）；one_update 在你自己的样本上（½‖h−y‖² 与交叉熵、讲义初值与随机初值）"
        "和在隐藏样本上的一次更新，与 sympy 对你的样本重新推导的精确结果比较；one_update 对 mlp_forward、损失、"
        "mlp_backward/backprop、gradient_descent_update 的调用由参考答案作答，所以只评 one_update 本身",
        "练习题: my_samples() returns valid binary samples (X (m, 2) finite, y (m,) in "
        f"{{0, 1}}, {MIN_SAMPLES} ≤ m ≤ {MAX_SAMPLES}, both classes); one_update on your own samples "
        "(½‖h−y‖² and cross-entropy, the slide's and random initial values) and on hidden samples, "
        "against sympy's exact update recomputed for your samples; the calls one_update makes to "
        "mlp_forward, the loss, mlp_backward/backprop and gradient_descent_update are answered by "
        "the reference, so only one_update itself is judged",
    ),
    hints={
        "y_shape": Text(
            "y 可以是 (m,) 也可以是 (m, 1)：用 y.reshape(-1, 1) 变成 (m, 1)。y[:, None] 会把 (m, 1) 变成 (m, 1, 1)，"
            "之后的广播把结果撑大。",
            "y may come as (m,) or as (m, 1): make it (m, 1) with y.reshape(-1, 1). y[:, None] "
            "turns an (m, 1) y into (m, 1, 1), and broadcasting then blows up the result.",
        ),
        "alpha_fixed": Text(
            "用传入的学习率 alpha，不要写死讲义的 α = 0.1：θ := θ − alpha · ∂J/∂θ。",
            "Use the learning rate alpha passed in, not the slide's α = 0.1 hard-coded: "
            "θ := θ − alpha · ∂J/∂θ.",
        ),
        "theta_layout": Text(
            "θ 的排列是逐层的 [W^(1), b^(2), W^(2), b^(3)]（flatten 按 W, b, W, b 的顺序），不是先放所有 W 再放所有 b。",
            "θ is laid out layer by layer, [W^(1), b^(2), W^(2), b^(3)] (flatten in the order W, "
            "b, W, b), not all the W's first and then the b's.",
        ),
        "bce_output_fprime": Text(
            "交叉熵配 sigmoid 输出时 δ^(L) = ∂J/∂z^(L) = (a^(L) − y)/m 已经含有 f'：不要再乘 f'(z^(L))"
            "（用 backprop 从 δ^(L) 开始，不用 mlp_backward）。",
            "With cross-entropy on a sigmoid output, δ^(L) = ∂J/∂z^(L) = (a^(L) − y)/m already "
            "includes f': do not multiply by f'(z^(L)) again (start backprop from δ^(L); do not "
            "use mlp_backward).",
        ),
    },
)
def exercise(ctx: Context) -> list[Case]:
    """4 个用例，按比例给分 / 4 cases; fraction credit."""
    rng = ctx.rng
    cases: list[Case] = []
    got = ctx.call("exercise.my_samples")
    samples = _samples(got.value) if got.ok else None
    if samples is None:
        label = Text("你的样本 my_samples()", "your samples my_samples()")
        if got.ok:
            cases.append(
                Case(
                    label,
                    False,
                    hints=["invalid_samples"],
                    note=Text("样本无效", "invalid samples"),
                )
            )
        else:
            cases.append(Case(label, False, reply=got))
    else:
        cases.append(Case(Text("你的样本 my_samples()", "your samples my_samples()"), True))
    theta0 = np.asarray(DEFAULT_THETA, dtype=float)
    hidden_X = rng.uniform(0, 1, (4, 2))
    # y as (m, 1) here (the docstring allows (m,) or (m, 1)); the student's samples give (m,)
    hidden_y = np.array([[0.0], [1.0], [0.0], [1.0]])
    runs = [
        (
            theta0,
            0.1,
            "mse",
            Text("你的样本，讲义初值，½‖h−y‖²", "your samples, slide's θ, ½‖h−y‖²"),
        ),
        (
            rng.uniform(-1, 1, 9),
            float(rng.uniform(0.1, 1.0)),
            "bce",
            Text("你的样本，随机初值，交叉熵", "your samples, random θ, cross-entropy"),
        ),
        (
            rng.uniform(-1, 1, 9),
            float(rng.uniform(0.1, 1.0)),
            "mse",
            Text("隐藏样本，随机初值，½‖h−y‖²", "hidden samples, random θ, ½‖h−y‖²"),
        ),
    ]
    for k, (theta, alpha, loss, label) in enumerate(runs):
        if k < 2:
            if samples is None:
                cases.append(
                    Case(
                        label,
                        False,
                        hints=["invalid_samples"] if got.ok else [],
                        reply=None if got.ok else got,
                        note=Text("没有有效样本", "no valid samples"),
                    )
                )
                continue
            X, y = samples
        else:
            X, y = hidden_X, hidden_y
        want = symbolic.exercise(theta, X, y, alpha, loss)
        _, replays = _update_replays(theta, X, y, alpha, loss)
        mistakes = {
            "sequential_update": _sequential_update(theta, X, y, alpha, (2, 2, 1), loss),
            "sign_error": 2 * theta - want,
            "no_learning_rate": theta - (theta - want) / alpha,
            # ∂J/∂a^(3) (or δ) without its 1/m: the whole gradient m times too large
            "missing_1_over_m": theta - len(X) * (theta - want),
        }
        if alpha != 0.1:  # the slide's α hard-coded instead of the α passed in
            mistakes["alpha_fixed"] = theta - 0.1 * (theta - want) / alpha
        if loss == "bce":
            mistakes["bce_output_fprime"] = _update_replays(theta, X, y, alpha, "bce_fprime")[0]
        else:
            mistakes["missing_fprime"] = _update_replays(theta, X, y, alpha, "mse_no_fprime")[0]
        new_W, new_b = unflatten(want, (2, 2, 1))
        mistakes["theta_layout"] = np.concatenate([p.ravel() for p in (*new_W, *new_b)])
        exp = Expect("θ − α∂J/∂θ", want, lambda r: r, mistakes)
        reply = ctx.call_with("exercise.one_update", (theta, X, y, alpha, loss), replays=replays)
        case = case_from_reply(reply, [exp], label)
        if not case.passed and reply.ok and np.ndim(y) == 2 and np.shape(reply.value) != (9,):
            case.hints.insert(0, "y_shape")  # the (m, 1) y of the hidden run was mishandled
        cases.append(case)
    return cases


#: 本作业的任务（报告顺序）/ This suite's tasks, in report order.
TASKS = (
    DENSE_FORWARD,
    DENSE_BACKWARD,
    LOSS_MSE,
    LOSS_BCE,
    LOSS_SOFTMAX_CE,
    mlp_forward_task,
    mlp_backward_task,
    gd_update,
    example1,
    numerical_gradient,
    exercise,
)
