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
    failed_dependency,
    pick_item,
    run_case,
)
from grader.suites.spec import Cases, Draw, Mistake, Out, Spec, Values, no_inputs
from grader.text import EMPTY, Text
from nncore import layers, losses
from nncore.activations import get_activation
from nncore.examples.exercise import DEFAULT_THETA
from nncore.examples.slide_values import EXAMPLE1_ALPHA
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
                "bias_gradient": lambda v: (None, None, v.dz.mean(axis=0)),
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
            "∂J/∂b_i^(l+1) = Σ_n δ_i^(l+1).",
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
    **more: Mistake,
) -> Cases:
    """一个损失函数的用例组：(J, ∂J/∂·) 与常见错误 / Cases of a loss returning (J, ∂J/∂·).

    Known mistakes: no 1/m (both outputs × m, the sample count named by ``m``), the sign of
    the gradient, and ``more``.
    """
    return Cases(
        function,
        label,
        inputs,
        lambda v: oracle(v[args[0]], v[args[1]]),
        (Out("J", pick=0, rtol=rtol, scalar=True), Out(what, pick=1, rtol=rtol)),
        args=args,
        mistakes={
            "missing_1_over_m": lambda v: (v.want[0] * v[m], v.want[1] * v[m]),
            "sign_error": lambda v: (None, -v.want[1]),
            **more,
        },
        n=n,
        stable=stable,
    )


def _mse_inputs(d: Draw) -> dict[str, Any]:
    """m ≥ 3（缺 ½ 与缺 1/m 不会重合），K = 1、2、3–4 / m ≥ 3 and K = 1, 2, 3–4."""
    # m ≥ 3: a missing ½ (factor 2) and a missing 1/m (factor m) never coincide
    m, K = int(d.rng.integers(3, 7)), (1, 2, int(d.rng.integers(3, 5)))[d.k]
    return {"m": m, "h": d.rng.uniform(-1, 2, (m, K)), "y": d.rng.uniform(0, 1, (m, K))}


LOSS_MSE = Spec(
    "a2.loss_mse",
    checked=Text(
        "J = (1/m) Σ_n ½‖h − y‖² 及 ∂J/∂h = (h − y)/m（随机用例）",
        "J = (1/m) Σ_n ½‖h − y‖² and ∂J/∂h = (h − y)/m (random cases)",
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
        ),
    ),
    hints={
        "missing_half": Text(
            "平方误差带 ½：l = ½‖h − y‖²，J = (1/m) Σ_n ½‖h^(n) − y^(n)‖²，这样 ∂l/∂h = h − y。",
            "The squared error has a ½: l = ½‖h − y‖², J = (1/m) Σ_n ½‖h^(n) − y^(n)‖², so "
            "that ∂l/∂h = h − y.",
        ),
    },
)


def _bce_setup(rng: np.random.Generator) -> dict[str, Any]:
    """共享的 m、K、h ∈ [0.05, 0.95]、标签 y / Shared sizes, probabilities and labels."""
    m, K = int(rng.integers(3, 7)), int(rng.integers(1, 3))
    h, y = rng.uniform(0.05, 0.95, (m, K)), rng.integers(0, 2, (m, K)).astype(float)
    return {"m": m, "K": K, "h": h, "y": y}


def _exact_probabilities(d: Draw) -> dict[str, Any]:
    """h 恰为 0 或 1（每个学生都有一个 0 和一个 1）/ Probabilities exactly 0 or 1."""
    m = d.v.m
    y2 = d.rng.integers(0, 2, (m, 1)).astype(float)
    h2 = np.where(d.rng.random((m, 1)) < 0.5, y2, d.rng.uniform(0.2, 0.8, (m, 1)))
    y2[:2, 0], h2[:2, 0] = (0.0, 1.0), (0.0, 1.0)  # every student: an exact 0 and an exact 1
    return {"h2": h2, "y2": y2}


def _huge_logits(d: Draw) -> dict[str, Any]:
    """|z| = 50、1000（每个学生同样的几种值）/ The same kinds of huge logits for everyone."""
    z3 = d.rng.permutation(np.array([-1000.0, -50.0, 50.0, 1000.0]))[:, None]
    y3 = d.rng.permutation(np.array([0.0, 0.0, 1.0, 1.0]))[:, None]
    return {"z3": z3, "y3": y3, "m3": 4}


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
        ),
        _loss(
            "losses.binary_cross_entropy",
            Text("概率形式，h 恰为 0 或 1", "probabilities, h exactly 0 or 1"),
            _exact_probabilities,
            losses.binary_cross_entropy,
            ("h2", "y2"),
            "∂J/∂h",
            rtol=1e-4,
        ),
        _loss(
            "losses.binary_cross_entropy_with_logits",
            Text("logit 形式，常规值", "logits, ordinary values"),
            lambda d: {"z": d.rng.uniform(-4, 4, (d.v.m, d.v.K))},
            losses.binary_cross_entropy_with_logits,
            ("z", "y"),
            "∂J/∂z^(L)",
            stable=True,
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
)


def _softmax_setup(rng: np.random.Generator) -> dict[str, Any]:
    """共享的 m、K ≥ 3、类别标签 / Shared sizes and class labels (one-hot and integer)."""
    m, K = int(rng.integers(3, 7)), int(rng.integers(3, 6))
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


@task(
    "a2.mlp_forward",
    ("mlp.mlp_forward",),
    checked=Text(
        "随机网络（1–3 层、sigmoid/tanh/ReLU/线性）的输出 a^(L) = f(…f(x W^(1) + b^(2))…)",
        "the output a^(L) = f(…f(x W^(1) + b^(2))…) of random networks (1–3 layers, "
        "sigmoid/tanh/ReLU/identity)",
    ),
)
def mlp_forward_task(ctx: Context) -> list[Case]:
    """4 个随机网络，按比例给分 / 4 random networks; fraction credit."""
    cases = []
    # every student: a square net (detects Wᵀ), 3 layers with K = 1, 2 layers, one random
    for k, (depth, K) in enumerate(((0, 0), (3, 1), (2, 0), (0, 0))):
        X, Ws, bs, acts = _random_mlp(ctx.rng, square=(k == 0), depth=depth, K=K)
        out, _ = mlp_forward(X, Ws, bs, acts)
        mistakes = {"forgot_bias": _forward(X, Ws, bs, acts, bias=False)}
        if out.shape[1] == 1:
            mistakes["squeezed_output"] = out[:, 0]
        if k == 0:
            mistakes["transposed_w"] = _forward(X, Ws, bs, acts, transpose=True)
        cases.append(
            run_case(
                ctx,
                "mlp.mlp_forward",
                (X, Ws, bs, acts),
                [Expect("a^(L)", out, pick_item(0), mistakes)],
                Text("随机网络", "random network").numbered(k + 1, 4),
            )
        )
    return cases


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
    ``no_output_fprime``; ``""`` is the right recursion. None if the variant cannot happen.
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
    """一个反传用例（缓存来自学生的 mlp_forward）/ One backprop case (cache from the student)."""
    Ws, bs = unflatten(flat, arch.sizes)
    acts = list(arch.activations)
    _, grad = symbolic.gradient(arch, flat, X, Y)
    out = _forward(X, Ws, bs, acts)
    m = X.shape[0]
    fwd = ctx.call("mlp.mlp_forward", X, Ws, bs, acts)
    if not fwd.ok or not isinstance(fwd.value, tuple | list) or len(fwd.value) != 2:
        bad = (
            fwd
            if not fwd.ok
            else Reply(
                False,
                kind="exception",
                function="mlp.mlp_forward",
                error="mlp_forward must return (a^(L), caches)",
            )
        )
        return failed_dependency(label, bad)
    caches = fwd.value[1]
    fwd_ok = matches(fwd.value[0], out)  # the student's forward pass feeds these caches
    variants = ("missing_fprime", "fprime_wrong_layer")
    if arch.loss == "bce":
        delta = (out - Y) / m
        wrong = {v: _variant_grads(X, Ws, bs, acts, delta, v) for v in variants}
        reply = ctx.call("mlp.backprop", delta, caches)
    else:
        dout = (out - Y) / m
        dL = get_activation(acts[-1]).backward(dout, _pre_activation(X, Ws, bs, acts), out)
        wrong = {v: _variant_grads(X, Ws, bs, acts, dL, v) for v in variants}
        no_out = _variant_grads(X, Ws, bs, acts, dout, "")  # the output f' left out
        reply = ctx.call("mlp.mlp_backward", dout, caches)
        case = case_from_reply(reply, _grad_expects(arch, grad, wrong), label)
        if not case.passed and no_out is not None:
            _add_hint_if(case, reply, no_out, "missing_fprime")
        return _blocked(_depth_hint(case, reply, len(Ws)), fwd_ok)
    case = case_from_reply(reply, _grad_expects(arch, grad, wrong), label)
    return _blocked(_depth_hint(case, reply, len(Ws)), fwd_ok)


FORWARD_BLOCKED = Text(
    "依赖的 mlp.mlp_forward 未通过（见 a2.mlp_forward / a2.dense_forward）",
    "blocked by your mlp.mlp_forward (see a2.mlp_forward / a2.dense_forward)",
)


def _blocked(case: Case, forward_ok: bool) -> Case:
    """前向未通过时注明依赖 / Name the failing forward pass this case depended on."""
    if not case.passed and not forward_ok:
        case.hints.insert(0, "blocked_by_dependency")
        sep = Text("；", "; ") if case.note else EMPTY
        case.note = case.note + sep + FORWARD_BLOCKED
    return case


def _pre_activation(
    X: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], acts: list[str]
) -> np.ndarray:
    """输出层的 z^(L) / The output layer's pre-activation z^(L)."""
    a = X
    for W, b, f in zip(Ws[:-1], bs[:-1], acts[:-1], strict=True):
        a = get_activation(f).forward(a @ W + b)
    return a @ Ws[-1] + bs[-1]


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
        and len(v[0]) != n_layers
    ):
        case.hints = ["one_hidden_layer", *(h for h in case.hints if h != "wrong_type")]
    return case


@task(
    "a2.mlp_backward",
    ("mlp.mlp_forward", "mlp.mlp_backward", "mlp.backprop"),
    checked=Text(
        "随机小网络（1–3 个隐含层、1–5 个单元）上 δ 递推得到的全部 ∂J/∂W^(l)、∂J/∂b^(l+1)，与 sympy 精确导数比较"
        "（mlp_backward 从 ∂J/∂a^(L) 开始；backprop 从 δ^(L) 开始）",
        "every ∂J/∂W^(l), ∂J/∂b^(l+1) from the δ recursion on random small networks (1–3 "
        "hidden layers, 1–5 units) against sympy's exact derivatives (mlp_backward starts from "
        "∂J/∂a^(L), backprop from δ^(L))",
    ),
)
def mlp_backward_task(ctx: Context) -> list[Case]:
    """3 个 mlp_backward + 1 个 backprop 用例，按比例给分 / 3 + 1 cases; fraction credit."""
    cases = []
    # every student: 2 hidden layers with K = 1, a square net (a wrong layer's f' fits the
    # shapes), 3 hidden layers, and a random cross-entropy net through backprop
    pools = (oracles.DEEP_K1, oracles.SQUARE, oracles.DEEPEST, oracles.BCE_POOL)
    for k, pool in enumerate(pools):
        arch, flat, X, Y = oracles.random_network(ctx.rng, pool)
        label = Text("随机网络", "random network").numbered(k + 1, 4)
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
SLIDE_FIRST_LAYER = np.array([0.2053, 0.4098, 0.3044, 0.5026])


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


@task(
    "a2.example1",
    (
        "mlp.mlp_forward",
        "mlp.mlp_backward",
        "losses.half_squared_error",
        "optim.gradient_descent_update",
    ),
    credit=ALL,
    checked=Text(
        "例题1（2-2-2 sigmoid 网络，x = (0.4, 0.6)，y = (0.6, 0.6)，α = 0.1）：用你的函数算出的输出 a^(3)、全部梯度和一次更新后的参数，"
        "与 sympy 的精确结果比较（不是讲义上四舍五入的数）",
        "例题1 (2-2-2 sigmoid net, x = (0.4, 0.6), y = (0.6, 0.6), α = 0.1): the output "
        "a^(3), every gradient and the parameters after one update computed with your functions, "
        "against sympy's exact results (not the slide's rounded numbers)",
    ),
)
def example1(ctx: Context) -> list[Case]:
    """3 个检查全部通过才得分 / 3 checks, all or nothing."""
    ex = oracles.example1()
    theta = np.asarray(ex["params"], dtype=float)
    X, Y = ex["x"][None, :], ex["y"][None, :]
    Ws, bs = unflatten(theta, (2, 2, 2))
    acts = ["sigmoid", "sigmoid"]
    cases = []
    fwd = ctx.call("mlp.mlp_forward", X, Ws, bs, acts)
    cases.append(
        case_from_reply(
            fwd,
            [Expect("a^(3)", ex["outputs"][None, :], pick_item(0))],
            Text("例题1 前向传播", "例题1 forward pass"),
        )
    )
    arch = symbolic.EXAMPLE1_ARCH
    label = Text("例题1 梯度", "例题1 gradients")
    if fwd.ok and isinstance(fwd.value, tuple | list) and len(fwd.value) == 2:
        dout = ex["outputs"][None, :] - Y
        wrong = {"missing_fprime": _variant_grads(X, Ws, bs, acts, dout, "missing_fprime")}
        back = ctx.call("mlp.mlp_backward", dout, fwd.value[1])
        cases.append(case_from_reply(back, _grad_expects(arch, ex["grad_flat"], wrong), label))
    else:
        cases.append(failed_dependency(label, fwd))
    spec = {
        "loop": "gd",
        "epochs": 1,
        "lr": EXAMPLE1_ALPHA,
        "loss": "half_squared_error",
        "activations": acts,
    }
    params = [p for pair in zip(Ws, bs, strict=True) for p in pair]
    run = ctx.run("train", spec, params, X, Y)
    value = run.value.get("params") if run.ok and isinstance(run.value, dict) else None
    upd = ex["updated_flat"]
    seq = _sequential_update(theta, X, Y, EXAMPLE1_ALPHA)
    slide = upd.copy()
    slide[:4] = SLIDE_FIRST_LAYER
    flat_pick = _flat_params
    expects = [
        Expect(
            "θ − α∂J/∂θ",
            upd,
            flat_pick,
            {"sequential_update": seq, "sign_error": 2 * theta - upd},
        )
    ]
    upd_reply = Reply(True, value, function="train") if run.ok else run
    case = case_from_reply(upd_reply, expects, Text("例题1 一次更新", "例题1 one update"))
    if not case.passed and run.ok:
        got = _safe_flat(value)
        if (
            got is not None
            and got.shape == upd.shape
            and np.allclose(got[:4], SLIDE_FIRST_LAYER, atol=6e-5)
        ):
            case.hints.insert(0, "slide_erratum")
    cases.append(case)
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
    checked=Text(
        "f(x) = ½xᵀAx + cᵀx + Σ sin(3x) 的中心差分梯度（一维和二维 x、默认 ε 与给定的较大 ε——后者须与该 ε 的中心差分一致），"
        "float64、形状与 x 相同，且 x 被恢复",
        "central-difference gradient of f(x) = ½xᵀAx + cᵀx + Σ sin(3x) (1-D and 2-D x; the "
        "default ε and a given, larger ε, where it must equal the central difference at that ε), "
        "float64, the same shape as x, and x restored afterwards",
    ),
)
def numerical_gradient(ctx: Context) -> list[Case]:
    """3 个用例，按比例给分 / 3 cases; fraction credit."""
    cases = []
    # (shape, eps passed (None: the default 1e-6), rtol against the exact gradient; None: an
    # exact replay of the central difference at that eps — so an ignored eps is seen)
    specs: list[tuple[tuple[int, ...], float | None, float | None]] = [
        ((int(ctx.rng.integers(3, 6)),), None, 1e-5),
        ((2, int(ctx.rng.integers(2, 4))), None, 1e-5),
        ((int(ctx.rng.integers(3, 6)),), 0.05, None),
    ]
    for k, (shape, eps, rtol) in enumerate(specs):
        A, c = _quadratic(ctx.rng, shape)
        x = ctx.rng.uniform(-1, 1, shape)
        xf = x.ravel()

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
        label = Text("用例", "case").numbered(k + 1, 3)
        case = case_from_reply(reply, [exp], label)
        if reply.ok and isinstance(reply.value, dict):
            after = reply.value.get("x_after")
            if not isinstance(after, np.ndarray) or not np.array_equal(after, x):
                case.passed = False
                case.hints.insert(0, "not_restored")
                case.note = Text("x 未恢复原值", "x was not restored")
        cases.append(case)
    return cases


# ------------------------------------------------------------------------------------------
def _samples(value: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """检查学生的样本 / Validate the student's (X, y); None if invalid."""
    if isinstance(value, dict):
        value = (value.get("X"), value.get("y"))
    if not isinstance(value, tuple | list) or len(value) < 2:
        return None
    try:
        X = np.asarray(value[0], dtype=np.float64)
        y = np.asarray(value[1], dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return None
    ok = (
        X.ndim == 2
        and X.shape[1] == 2
        and 2 <= X.shape[0] <= 100
        and y.shape == (X.shape[0],)
        and bool(np.all(np.isfinite(X)))
        and bool(np.all(np.isin(y, (0.0, 1.0))))
        and len(set(y.tolist())) == 2
    )
    return (X, y) if ok else None


@task(
    "a2.exercise",
    ("exercise.my_samples", "exercise.one_update"),
    checked=Text(
        "练习题：my_samples() 给出有效的二分类样本；one_update 在你自己的样本上（½‖h−y‖² 与交叉熵、讲义初值与随机初值）"
        "和在隐藏样本上的一次更新，与 sympy 对你的样本重新推导的精确结果比较",
        "练习题: my_samples() returns valid binary samples; one_update on your own samples "
        "(½‖h−y‖² and cross-entropy, the slide's and random initial values) and on hidden samples, "
        "against sympy's exact update recomputed for your samples",
    ),
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
    hidden_y = np.array([0.0, 1.0, 0.0, 1.0])
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
        exp = Expect(
            "θ − α∂J/∂θ",
            want,
            lambda r: r,
            {
                "sequential_update": _sequential_update(theta, X, y, alpha, (2, 2, 1), loss),
                "sign_error": 2 * theta - want,
                "no_learning_rate": theta - (theta - want) / alpha,
            },
        )
        cases.append(run_case(ctx, "exercise.one_update", (theta, X, y, alpha, loss), [exp], label))
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
