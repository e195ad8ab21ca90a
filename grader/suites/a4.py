"""作业 4 隐藏测试：深度网络的问题 / Hidden suite of a4: problems of deep networks.

Oracles: nncore (per-layer gradient norms, residual block, DAE, descent on 2-D functions,
parameter counts) and **finite differences** as a second opinion for the residual and DAE
backward passes (central differences of J = Σ dout ⊙ out, computed here in the parent on nncore's
forward). Training task ``a4.pretraining``: the worker pre-trains with the student's code on
unlabelled digits and returns the encoders; the parent judges them on labelled digits the
worker never saw (a linear read-out trained on a few labels, tested on the rest), against the
documented threshold relaxed to the nncore reference pre-trained on the same seed and data
within a margin (:mod:`grader.suites.settings`; :mod:`grader.suites.calibrate`). All inputs are
drawn from the task's seed (student + task).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from typing import Any

import numpy as np

from grader.compare import Comparison
from grader.registry import ALL, Case, Context, Reply, task
from grader.suites import heldout
from grader.suites import settings as S
from grader.suites.common import AnyOf, Expect, blocked_by, case_from_reply, pick_item
from grader.suites.spec import (
    SAME,
    Cases,
    Draw,
    Mistake,
    Out,
    Spec,
    Values,
    fallback,
    routine_mutated,
)
from grader.text import Text
from nncore import autoencoder as AE
from nncore import residual as R
from nncore.activations import get_activation
from nncore.gradcheck import numerical_gradient
from nncore.mlp import MLP, mlp_forward
from nncore.problems import depth_width as DW
from nncore.problems import greedy
from nncore.problems import momentum as M
from nncore.problems import vanishing as V
from nncore.training import fit

RANDOM = Text("随机用例", "random case")

#: 本测试集专用的提示 / Hint texts of this suite's own mistake codes.
HINTS: dict[str, Text] = {
    "dae_noisy_target": Text(
        "你的代码就地修改了 X（如 X *= mask）：重构损失的目标应是干净的 x，而 dae_loss 用的正是同一个 X，"
        "于是目标也被加了噪声。请返回新数组 X * mask。",
        "Your code changed X in place (e.g. X *= mask): the reconstruction target must be "
        "the clean x, and dae_loss uses that same X, so the target got corrupted too. Return "
        "a new array X * mask.",
    ),
    "pretrain_replay": Text(
        "pretrain_layers 没有按文档的步骤进行：每层一个 DenoisingAutoencoder(seed = seed + l)，"
        "fit(dae, codes, codes, …)——DAE 自己加噪，重构目标是干净的 codes，不要先加噪；再 codes = dae.encode(codes)。",
        "pretrain_layers does not follow the documented steps: one DenoisingAutoencoder per "
        "layer (seed = seed + l), fit(dae, codes, codes, …) — the DAE corrupts its input "
        "itself and reconstructs the CLEAN codes, so do not corrupt them first; then "
        "codes = dae.encode(codes).",
    ),
    "pretrain_codes": Text(
        "逐层预训练：第 l 层的 DAE 在下一层的编码 codes = dae.encode(codes) 上训练（隐层的编码，不是重构 "
        "dae.predict），返回的是各层编码器的 W^(l) (N_l, N_{l+1}) 与 b^(l+1)。",
        "Greedy pre-training: layer l's DAE trains on the codes of the layer below "
        "(codes = dae.encode(codes): the hidden code, not the reconstruction dae.predict); "
        "return each encoder's W^(l) (N_l, N_{l+1}) and b^(l+1).",
    ),
    "pretrain_lam": Text(
        "pretrain_layers 没有把 lam 传给 fit：第 2 步是 fit(dae, codes, codes, …, lam=lam, seed=seed + l, …)，"
        "λ > 0 时编码器的权重衰减不能省。",
        "pretrain_layers does not pass lam to fit: step 2 is fit(dae, codes, codes, …, "
        "lam=lam, seed=seed + l, …); with λ > 0 the encoders' weight decay must not be dropped.",
    ),
    "pretrain_activation": Text(
        "pretrain_layers 没有把 activation 传给 DenoisingAutoencoder：第 1 步是 DenoisingAutoencoder(n_in, "
        "n_out, noise=noise, activation=activation, seed=seed + l, dtype=codes.dtype)，否则隐层总是默认的 sigmoid。",
        "pretrain_layers does not pass activation to DenoisingAutoencoder: step 1 is "
        "DenoisingAutoencoder(n_in, n_out, noise=noise, activation=activation, seed=seed + l, "
        "dtype=codes.dtype); without it the hidden layer is always the default sigmoid.",
    ),
}


# ------------------------------------------------------------------------------------------
# a4.gradient_norms
# ------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=16)
def _norm_mistakes(
    depth: int, act: str, width: int, m: int, seed: int, init: str | None = None
) -> dict[str, Any]:
    """常见错误的结果 / What the usual mistakes would return."""
    X, y, _ = V._probe(width, m, seed)
    net = MLP([width] * depth + [1], act, "identity", init=init or V._default_init(act),
              seed=seed)  # fmt: skip
    _, grads = net.loss(X, y, "mse")
    w = [float(np.linalg.norm(g)) for g in grads[0::2]]
    return {
        "norms_order": w[::-1] if depth > 1 else None,
        "norms_bias": AnyOf(  # the bias gradients, or the first `depth` gradients (W and b)
            (
                [float(np.linalg.norm(g)) for g in grads[1::2]],
                [float(np.linalg.norm(g)) for g in grads[:depth]],
            )
        ),
        "norms_squared": [x * x for x in w],
        "norms_kind": AnyOf(
            (
                [float(np.abs(g).max()) for g in grads[0::2]],
                [float(np.linalg.norm(g, 2)) for g in grads[0::2]],
            )
        ),
    }


def _norm_inputs(d: Draw) -> dict[str, Any]:
    """第 k 种激活（随机顺序）下的随机深度、宽度、样本数与种子 / Random depth, width, m, seed.

    The first case has at least two hidden layers (depth ≥ 3) for every student; the output
    is one unit (K = 1) in every case.
    """
    rng = d.rng
    return {"act": d.v.acts[d.k], "depth": int(rng.integers(3 if d.k == 0 else 2, 8)),
            "width": int(rng.integers(3, 13)), "m": int(rng.integers(5, 41)),
            "seed": int(rng.integers(2**31))}  # fmt: skip


def _norm_init_inputs(d: Draw) -> dict[str, Any]:
    """非默认的 init（每个学生都有）/ A case with a non-default ``init``, for every student.

    The activation is random; ``init`` is one of the two initialisers that are not its
    default (He for ReLU-like units, else Xavier), so ignoring ``init`` always shows.
    """
    rng = d.rng
    act = str(rng.choice(V.ACTIVATIONS))
    init = str(rng.choice([i for i in ("uniform", "xavier", "he") if i != V._default_init(act)]))
    return {"act": act, "init": init, "depth": int(rng.integers(2, 8)),
            "width": int(rng.integers(3, 13)), "m": int(rng.integers(5, 41)),
            "seed": int(rng.integers(2**31))}  # fmt: skip


def _norm_mistake(code: str) -> Mistake:
    """一个错误的范数列表 / The norms one mistake returns."""
    return lambda v: _norm_mistakes(v.depth, v.act, v.width, v.m, v.seed, v.get("init"))[code]


_NORM_MISTAKES = ("norms_order", "norms_bias", "norms_squared", "norms_kind")


def _shuffled_activations(rng: np.random.Generator) -> dict[str, Any]:
    """四种激活函数，每个学生顺序不同 / The four activations in a random order."""
    acts = list(V.ACTIVATIONS)
    rng.shuffle(acts)
    return {"acts": acts}


GRADIENT_NORMS = Spec(
    "a4.gradient_norms",
    checked=Text(
        "随机深度（2–7 层）、激活函数（sigmoid/tanh/ReLU/Leaky ReLU）、宽度、样本数与种子下的 "
        "[‖∂J/∂W^(1)‖_F, …, ‖∂J/∂W^(L−1)‖_F]（另有一个用例给定非默认的 init），与 nncore 比较",
        "[‖∂J/∂W^(1)‖_F, …, ‖∂J/∂W^(L−1)‖_F] for random depths (2–7), activations "
        "(sigmoid/tanh/ReLU/Leaky ReLU), widths, sample counts and seeds (and one case with a "
        "non-default init), against nncore",
    ),
    setup=_shuffled_activations,
    cases=(
        Cases(
            "vanishing.layer_gradient_norms",
            RANDOM,
            _norm_inputs,
            oracle=lambda v: V.layer_gradient_norms(
                v.depth, v.act, width=v.width, m=v.m, seed=v.seed
            ),
            outputs=(Out("[‖∂J/∂W^(l)‖_F]"),),
            args=("depth", "act"),
            kwargs=("width", "m", "seed"),
            mistakes={c: _norm_mistake(c) for c in _NORM_MISTAKES},
            n=len(V.ACTIVATIONS),
            review=fallback("norms_setup"),
        ),
        Cases(
            "vanishing.layer_gradient_norms",
            Text("给定 init", "given init"),
            _norm_init_inputs,
            oracle=lambda v: V.layer_gradient_norms(
                v.depth, v.act, width=v.width, m=v.m, init=v.init, seed=v.seed
            ),
            outputs=(Out("[‖∂J/∂W^(l)‖_F]"),),
            args=("depth", "act"),
            kwargs=("width", "m", "init", "seed"),
            mistakes={
                **{c: _norm_mistake(c) for c in _NORM_MISTAKES},
                "norms_init_ignored": lambda v: V.layer_gradient_norms(
                    v.depth, v.act, width=v.width, m=v.m, seed=v.seed
                ),
            },
            review=fallback("norms_setup"),
        ),
    ),
    hints={
        "norms_order": Text(
            "顺序反了：返回 [‖∂J/∂W^(1)‖, …, ‖∂J/∂W^(L−1)‖]，从输入一侧开始（grads[0::2] 的顺序）。",
            "Wrong order: return [‖∂J/∂W^(1)‖, …, ‖∂J/∂W^(L−1)‖], input side first (the order "
            "of grads[0::2]).",
        ),
        "norms_bias": Text(
            "要的是权重梯度 ∂J/∂W^(l) 的范数：net.loss 返回的梯度顺序是 W^(1), b^(2), W^(2), …，取 grads[0::2]。",
            "Take the norms of the weight gradients ∂J/∂W^(l): net.loss returns W^(1), b^(2), "
            "W^(2), …, so use grads[0::2].",
        ),
        "norms_squared": Text(
            "Frobenius 范数 ‖A‖_F = sqrt(Σ a²)（np.linalg.norm），不是平方和。",
            "The Frobenius norm is ‖A‖_F = sqrt(Σ a²) (np.linalg.norm), not the sum of squares.",
        ),
        "norms_kind": Text(
            "要的是 Frobenius 范数 ‖∂J/∂W^(l)‖_F = sqrt(Σ (∂J/∂w_ji)²)（np.linalg.norm(g)），"
            "不是最大绝对值，也不是谱范数（np.linalg.norm(g, 2)）。",
            "Use the Frobenius norm ‖∂J/∂W^(l)‖_F = sqrt(Σ (∂J/∂w_ji)²) (np.linalg.norm(g)), "
            "not the largest absolute value or the spectral norm (np.linalg.norm(g, 2)).",
        ),
        "norms_init_ignored": Text(
            "用传入的 init：MLP(..., init=init or _default_init(activation), ...)；只有 init 为 None 时才用默认的"
            "初始化（ReLU 类用 He，否则 Xavier）。",
            "Use the init passed in: MLP(..., init=init or _default_init(activation), ...); the "
            "default initialiser (He for ReLU-like units, else Xavier) is only for init=None.",
        ),
        "norms_setup": Text(
            "网络与数据要严格按文档：MLP([width] * depth + [1], activation, 'identity', init=init or "
            "_default_init(activation), seed=seed)，X, y, _ = _probe(width, m, seed)，J 用 'mse'。",
            "Build exactly what the docstring says: MLP([width] * depth + [1], activation, "
            "'identity', init=init or _default_init(activation), seed=seed); X, y, _ = "
            "_probe(width, m, seed); J with 'mse'.",
        ),
    },
)


# ------------------------------------------------------------------------------------------
# a4.residual
# ------------------------------------------------------------------------------------------
def _block(rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    """随机残差块 / A random block: a (m, N) and [W1 (N, H), b1, W2 (H, N), b2]."""
    m, N, H = int(rng.integers(2, 6)), int(rng.integers(2, 5)), int(rng.integers(2, 6))
    a = rng.uniform(-1, 1, (m, N))
    return a, [rng.uniform(-1, 1, (N, H)), rng.uniform(-1, 1, H),
               rng.uniform(-1, 1, (H, N)), rng.uniform(-1, 1, N)]  # fmt: skip


def _fd_check(want: list[np.ndarray], fd: list[np.ndarray], what: str) -> None:
    """oracle 与有限差分一致（否则是评分器的错）/ The oracle must agree with finite differences."""
    for w, d in zip(want, fd, strict=True):
        if not np.allclose(w, d, rtol=1e-5, atol=1e-7):
            raise AssertionError(f"oracle and finite differences disagree on {what}")


def _residual_forward_inputs(d: Draw) -> dict[str, Any]:
    """随机块，ReLU 或 tanh / A random block with ReLU (case 1) or tanh (case 2)."""
    a, (W1, b1, W2, b2) = _block(d.rng)
    return {"a": a, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "act": ("relu", "tanh")[d.k]}


def _residual_forward_variant(v: Values, after_sum: bool) -> tuple[Any, None]:
    """没有跳跃 / 求和后再激活的输出 / The output without the skip, or with f after the sum."""
    f = get_activation(v.act).forward
    z2 = f(v.a @ v.W1 + v.b1) @ v.W2 + v.b2
    return (f(v.a + z2) if after_sum else z2), None


def _residual_output_activation(v: Values) -> tuple[Any, None]:
    """第二层也激活后再求和 / The output a + f(z^(l+2)): the second layer activated before the sum."""
    f = get_activation(v.act).forward
    return v.a + f(f(v.a @ v.W1 + v.b1) @ v.W2 + v.b2), None


def _residual_no_bias(v: Values) -> tuple[AnyOf, None]:
    """少了 b1 或 b2 的输出 / The output without b1, or without b2."""
    f = get_activation(v.act).forward
    return AnyOf((v.a + f(v.a @ v.W1) @ v.W2 + v.b2, v.a + f(v.a @ v.W1 + v.b1) @ v.W2)), None


def _residual_backward_inputs(d: Draw) -> dict[str, Any]:
    """随机块与 ∂J/∂a^(l+2)（sigmoid、tanh、sigmoid）/ A random block and dout."""
    a, (W1, b1, W2, b2) = _block(d.rng)
    dout = d.rng.uniform(-1, 1, a.shape)
    return {"a": a, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "dout": dout,
            "act": ("sigmoid", "tanh", "sigmoid")[d.k]}  # fmt: skip


def _residual_backward_oracle(v: Values) -> dict[str, Any]:
    """nncore 的反向，先经有限差分核对 / nncore's backward, checked by finite differences."""
    p = [v.W1, v.b1, v.W2, v.b2]
    _, cache = R.residual_forward(v.a, *p, v.act)
    want = list(R.residual_backward(v.dout, cache))

    def J() -> float:
        return float(np.sum(v.dout * R.residual_forward(v.a, *p, v.act)[0]))

    _fd_check(want, [numerical_gradient(J, x) for x in (v.a, *p)], "residual_backward")
    return {"result": want}


def _residual_no_fprime(v: Values) -> dict[str, Any]:
    """没有 f′ 的反向（δ^(l+1) = ∂J/∂h）/ Backward without f′: ∂J/∂a, ∂J/∂W1, ∂J/∂b1 change."""
    dh = v.dout @ v.W2.T
    return {"result": [v.dout + dh @ v.W1.T, v.a.T @ dh, dh.sum(axis=0), None, None]}


def _results(*names: str) -> tuple[Out, ...]:
    """例程回复 {"result": (…)} 的各项 / The parts of a routine's ``{"result": (…)}`` reply."""
    return tuple(Out(n, pick_item("result", i)) for i, n in enumerate(names))


_BLOCK_ARGS = ("a", "W1", "b1", "W2", "b2", "act")

RESIDUAL = Spec(
    "a4.residual",
    checked=Text(
        "残差块前向 a^(l+2) = a + f(a W1 + b1) W2 + b2（ReLU/tanh）；反向 (∂J/∂a, ∂J/∂W1, ∂J/∂b1, ∂J/∂W2, "
        "∂J/∂b2)，缓存由给定的层函数建立，与 nncore 比较（参考值先经有限差分核对）",
        "residual block forward a^(l+2) = a + f(a W1 + b1) W2 + b2 (ReLU/tanh); backward "
        "(∂J/∂a, ∂J/∂W1, ∂J/∂b1, ∂J/∂W2, ∂J/∂b2) with the cache built by the given layer functions, "
        "against nncore (whose values are first checked by finite differences)",
    ),
    cases=(
        Cases(
            "residual.residual_forward",
            Text("前向", "forward"),
            _residual_forward_inputs,
            oracle=lambda v: R.residual_forward(v.a, v.W1, v.b1, v.W2, v.b2, v.act),
            outputs=(Out("a^(l+2)", pick=0),),
            args=_BLOCK_ARGS,
            mistakes={
                "residual_skip_forward": lambda v: _residual_forward_variant(v, False),
                "residual_activation_after_sum": lambda v: _residual_forward_variant(v, True),
                "residual_output_activation": _residual_output_activation,
                "forgot_bias": _residual_no_bias,
                "activation_ignored": lambda v: (
                    R.residual_forward(v.a, v.W1, v.b1, v.W2, v.b2, "relu")[0],
                    None,
                ),
            },
            n=2,
        ),
        Cases(
            "residual.residual_backward",
            Text("反向", "backward"),
            _residual_backward_inputs,
            oracle=_residual_backward_oracle,
            outputs=_results("∂J/∂a^(l)", "∂J/∂W1", "∂J/∂b1", "∂J/∂W2", "∂J/∂b2"),
            args=(*_BLOCK_ARGS, "dout"),
            mistakes={
                "residual_skip_backward": lambda v: {
                    "result": [v.want["result"][0] - v.dout, None, None, None, None]
                },
                "missing_fprime": _residual_no_fprime,
                "residual_dense_backward": lambda v: {"result": [v.dout, None, None, None, None]},
                "activation_ignored": lambda v: {
                    "result": list(
                        R.residual_backward(
                            v.dout, R.residual_forward(v.a, v.W1, v.b1, v.W2, v.b2, "relu")[1]
                        )
                    )
                },
            },
            n=3,
            routine="residual_backward",  # the cache is built in the worker by the given layers
            review=routine_mutated(Text("dout 被就地修改", "dout was modified in place")),
        ),
    ),
    hints={
        "residual_skip_forward": Text(
            "残差块要把输入加回来：a^(l+2) = a^(l) + z^(l+2)，其中 z^(l+2) = f(a W1 + b1) W2 + b2。",
            "The block adds its input back: a^(l+2) = a^(l) + z^(l+2), with z^(l+2) = "
            "f(a W1 + b1) W2 + b2.",
        ),
        "residual_activation_after_sum": Text(
            "这种恒等映射形式的残差块在求和之后没有激活函数：a^(l+2) = a^(l) + z^(l+2)。",
            "In this identity-mapping form there is no activation after the sum: a^(l+2) = "
            "a^(l) + z^(l+2).",
        ),
        "residual_output_activation": Text(
            "第二个全连接层没有激活函数：z^(l+2) = a^(l+1) W2 + b2 直接加到 a^(l) 上，a^(l+2) = a^(l) + z^(l+2)，"
            "不是 a^(l) + f(z^(l+2))。",
            "The second dense layer has no activation: z^(l+2) = a^(l+1) W2 + b2 is added to "
            "a^(l) as it is, a^(l+2) = a^(l) + z^(l+2), not a^(l) + f(z^(l+2)).",
        ),
        "residual_skip_backward": Text(
            "反向漏了跳跃连接：∂J/∂a^(l) = δ^(l+2)（直接经过跳跃路径）+ δ^(l+1) W1ᵀ（经过两层）。",
            "The skip path is missing in backward: ∂J/∂a^(l) = δ^(l+2) (straight through the "
            "skip) + δ^(l+1) W1ᵀ (back through both layers).",
        ),
        "activation_ignored": Text(
            "用传入的 activation 参数（activation_forward(z1, activation)），不要固定写成 'relu'。",
            "Use the activation argument passed in (activation_forward(z1, activation)); do not "
            "hard-code 'relu'.",
        ),
        "residual_dense_backward": Text(
            "∂J/∂a^(l) 有两条路径：跳跃路径的 δ^(l+2)，加上经过两层回来的 δ^(l+1) W1ᵀ；你只返回了跳跃路径。",
            "∂J/∂a^(l) has two paths: δ^(l+2) through the skip plus δ^(l+1) W1ᵀ back through "
            "both layers; you returned the skip path only.",
        ),
    },
)


# ------------------------------------------------------------------------------------------
# a4.dae
# ------------------------------------------------------------------------------------------
def _dae_params(rng: np.random.Generator, N: int, H: int) -> list[np.ndarray]:
    """随机 DAE 参数 / Random DAE parameters [W1 (N, H), b1, W2 (H, N), b2]."""
    return [rng.uniform(-1, 1, (N, H)), rng.uniform(-0.5, 0.5, H),
            rng.uniform(-1, 1, (H, N)), rng.uniform(-0.5, 0.5, N)]  # fmt: skip


def _corrupt_inputs(dtype: type) -> Callable[[Draw], dict[str, Any]]:
    """随机的 X（给定 dtype）、噪声比例与种子 / Random X of ``dtype``, noise and seed."""

    def inputs(d: Draw) -> dict[str, Any]:
        rng = d.rng
        shape = (int(rng.integers(20, 40)), int(rng.integers(10, 20)))
        X = rng.uniform(0.1, 1, shape).astype(dtype)
        return {
            "X": X,
            # not 0.5: there the rule r < 1 − noise is the inverted mask r < noise, and the
            # case could not tell those two mistakes apart
            "noise": float(rng.choice([0.2, 0.3, 0.4])),
            "seed": int(rng.integers(2**31)),
        }

    return inputs


def _mask_inverted(v: Values) -> dict[str, Any]:
    """反了的掩码 / The inverted mask (1 with probability noise) and its x̃."""
    inverted = (1 - v.want["first"][1]).astype(v.X.dtype)
    return {"first": (v.X * inverted, inverted)}


def _mask_threshold(v: Values) -> dict[str, Any]:
    """保留率对、规则不同的掩码 r < 1 − noise / The right keep rate by another rule."""
    r = np.random.default_rng(v.seed).random(v.X.shape)
    mask = (r < 1 - v.noise).astype(v.X.dtype)
    return {"first": (v.X * mask, mask)}


def _mask_seeded(case: Case, reply: Reply, v: Values) -> Case:
    """同一种子两次调用的掩码不同 / Two calls with the same seed gave different masks."""
    got = reply.value if isinstance(reply.value, dict) else {}
    first, second = got.get("first"), got.get("second")
    try:
        same = np.array_equal(np.asarray(first[1]), np.asarray(second[1]))
    except (TypeError, IndexError, KeyError, ValueError):
        return case
    if not same:
        case.passed = False
        case.hints.insert(0, "mask_not_seeded")
    return case


_X_MUTATED = routine_mutated(Text("X 被就地修改", "X was modified in place"), "dae_noisy_target")
_MASK_RULE = fallback("mask_rule")


def _corrupt_review(case: Case, reply: Reply, v: Values) -> Case:
    """X 被就地修改 → 目标也被加噪；不可复现 → 种子；其他错误 → 掩码规则 / In place → noisy
    target; not reproducible → the seed; else the rule."""
    return _MASK_RULE(_mask_seeded(_X_MUTATED(case, reply, v), reply, v), reply, v)


def _corrupt_cases(dtype: type, label: Text) -> Cases:
    """corrupt 用例（同一种子与 nncore 一致、保持 dtype）/ corrupt's mask and x̃, in X's dtype."""
    return Cases(
        "autoencoder.corrupt",
        label,
        _corrupt_inputs(dtype),
        oracle=lambda v: {"first": AE.corrupt(v.X.copy(), v.noise, np.random.default_rng(v.seed))},
        outputs=(
            Out("x̃", pick_item("first", 0), dtype=SAME),
            Out("mask", pick_item("first", 1), dtype=SAME),
        ),
        args=("X", "noise", "seed"),
        mistakes={"mask_inverted": _mask_inverted, "mask_threshold": _mask_threshold},
        routine="corrupt",  # called twice with default_rng(seed); X compared before and after
        review=_corrupt_review,
    )


#: (hidden, output) activations of the DAE cases.
DAE_ACTS = (("sigmoid", "sigmoid"), ("tanh", "identity"))


def _dae_inputs(d: Draw) -> dict[str, Any]:
    """X (m, N) ∈ [0, 1]、掩码（噪声 0.3）、参数与第 k 组激活 / X, a mask, parameters, f, g."""
    rng = d.rng
    m, N, H = int(rng.integers(3, 7)), int(rng.integers(3, 7)), int(rng.integers(2, 5))
    X = rng.uniform(0, 1, (m, N))
    mask = (rng.random((m, N)) >= 0.3).astype(float)
    f, g = DAE_ACTS[d.k]
    return {"X": X, "mask": mask, "params": _dae_params(rng, N, H), "f": f, "g": g}


def _dae_backward_inputs(d: Draw) -> dict[str, Any]:
    """同上，加上 ∂J/∂x̂ / The same with dxhat = ∂J/∂x̂."""
    v = _dae_inputs(d)
    return {
        **v,
        "acts": [v["f"], v["g"]],
        "dxhat": d.rng.uniform(-1, 1, v["X"].shape) / len(v["X"]),
    }


def _dae_forward(v: Values, mask: np.ndarray | None = None) -> tuple[Any, Any]:
    """nncore 的前向（可换掩码）/ nncore's forward (optionally with another mask)."""
    return AE.dae_forward(v.X, v.mask if mask is None else mask, *v.params, v.f, v.g)


def _dae_backward_oracle(v: Values) -> dict[str, Any]:
    """nncore 的反向，先经有限差分核对 / nncore's backward, checked by finite differences."""
    want = list(AE.dae_backward(v.dxhat, _dae_forward(v)[1]))

    def J() -> float:
        return float(np.sum(v.dxhat * _dae_forward(v)[0]))

    _fd_check(want, [numerical_gradient(J, x) for x in v.params], "dae_backward")
    return {"result": want}


def _forward_review(case: Case, reply: Reply, v: Values) -> Case:
    """前向修改了 X：目标也被加噪 / dae_forward changed X in place: the target gets noisy too."""
    if "inplace" in case.hints:
        case.hints.insert(0, "dae_noisy_target")
    return case


DAE = Spec(
    "a4.dae",
    checked=Text(
        "降噪自编码器：corrupt 的掩码与 x̃（同一种子与 nncore 一致、保持 X 的 dtype、不修改 X）；"
        "dae_forward 的 x̂ = g(f((x ⊙ mask) W1 + b1) W2 + b2)；dae_backward 的 (∂J/∂W1, ∂J/∂b1, ∂J/∂W2, ∂J/∂b2)"
        "（缓存由给定的 mlp_forward 建立），与 nncore 比较（参考值先经有限差分核对）",
        "denoising autoencoder: corrupt's mask and x̃ (equal to nncore's for the same "
        "seed, in X's dtype, X unchanged); dae_forward's x̂ = g(f((x ⊙ mask) W1 + b1) W2 + b2); "
        "dae_backward's (∂J/∂W1, ∂J/∂b1, ∂J/∂W2, ∂J/∂b2) (cache built by the given mlp_forward), "
        "against nncore (whose values are first checked by finite differences)",
    ),
    cases=(
        _corrupt_cases(np.float64, Text("加噪 corrupt（float64）", "corrupt (float64)")),
        _corrupt_cases(np.float32, Text("加噪 corrupt（float32）", "corrupt (float32)")),
        Cases(
            "autoencoder.dae_forward",
            Text("前向", "forward"),
            _dae_inputs,
            oracle=_dae_forward,
            outputs=(Out("x̂", pick=0),),
            args=lambda ctx, v: (v.X, v.mask, *v.params, v.f, v.g),
            mistakes={
                "dae_mask_missing": lambda v: (_dae_forward(v, np.ones_like(v.X))[0], None),
                "dae_output_activation": lambda v: (
                    AE.dae_forward(v.X, v.mask, *v.params, v.f, v.f)[0],
                    None,
                ),
            },
            n=len(DAE_ACTS),
            review=_forward_review,
        ),
        Cases(
            "autoencoder.dae_backward",
            Text("反向", "backward"),
            _dae_backward_inputs,
            oracle=_dae_backward_oracle,
            outputs=_results("∂J/∂W1", "∂J/∂b1", "∂J/∂W2", "∂J/∂b2"),
            args=("X", "mask", "params", "acts", "dxhat"),
            n=len(DAE_ACTS),
            mistakes={
                "dae_backward_order": lambda v: {
                    "result": [v.want["result"][i] for i in (0, 2, 1, 3)]
                }
            },
            routine="dae_backward",  # the cache is built in the worker by the given mlp_forward
            review=routine_mutated(Text("∂J/∂x̂ 被就地修改", "∂J/∂x̂ was modified in place")),
        ),
    ),
    hints={
        "dae_mask_missing": Text(
            "编码器的输入是加噪的 x̃ = x ⊙ mask，不是干净的 x：x̂ = g(f((x ⊙ mask) W1 + b1) W2 + b2)。",
            "The encoder reads the corrupted x̃ = x ⊙ mask, not the clean x: "
            "x̂ = g(f((x ⊙ mask) W1 + b1) W2 + b2).",
        ),
        "mask_rule": Text(
            "掩码按文档生成：mask = (rng.random(X.shape) >= noise)，恰好调用一次 rng.random，并转成 X 的 dtype；"
            "x̃ = X * mask。",
            "Draw the mask as the docstring says: mask = (rng.random(X.shape) >= noise), exactly "
            "one call of rng.random, cast to X's dtype; x̃ = X * mask.",
        ),
        "mask_inverted": Text(
            "mask 为 1 的概率是 1 − noise（保留），为 0 的概率是 noise（置零）；你的掩码反了。",
            "mask is 1 (kept) with probability 1 − noise and 0 (zeroed) with probability noise; "
            "your mask is inverted.",
        ),
        "dae_output_activation": Text(
            "解码器用 output_activation（g），编码器用 activation（f）：x̂ = g(f(x̃ W1 + b1) W2 + b2)。",
            "The decoder uses output_activation (g), the encoder activation (f): "
            "x̂ = g(f(x̃ W1 + b1) W2 + b2).",
        ),
        "mask_threshold": Text(
            "保留率对了，但规则不同：文档规定 mask = (rng.random(X.shape) >= noise)，同一个种子必须得到与参考相同的掩码。",
            "The keep rate is right but the rule differs: the docstring fixes mask = "
            "(rng.random(X.shape) >= noise), so the same seed must give the reference's mask.",
        ),
        "mask_not_seeded": Text(
            "同一个种子两次得到的掩码不同：只能用传入的 rng（rng.random），不要用 np.random 的全局状态或新建发生器。",
            "The same seed gave different masks twice: use only the rng passed in (rng.random), "
            "not np.random's global state or a new generator.",
        ),
        "dae_backward_order": Text(
            "返回顺序按文档：(dW1, db1, dW2, db2)——每层的权重梯度后面紧跟它的偏置梯度。",
            "Return them in the documented order (dW1, db1, dW2, db2): each layer's weight "
            "gradient followed by its bias gradient.",
        ),
    },
)


def failing_dae_functions(ctx: Context) -> list[str]:
    """预训练依赖的 DAE 函数中哪些不对 / Which of the DAE functions pre-training trains with
    fail one fresh case of a4.dae's table (corrupt float64, forward, backward): named when
    pre-training fails."""
    groups = (DAE.cases[0], DAE.cases[2], DAE.cases[3])
    return [
        g.function
        for g in groups
        if not all(c.passed for c in replace(DAE, cases=(replace(g, n=1),)).check(ctx))
    ]


# ------------------------------------------------------------------------------------------
# a4.pretraining (trained in the worker, judged here on labelled digits it never saw)
# ------------------------------------------------------------------------------------------
PRETRAIN = {"sizes": list(S.PRETRAINING.sizes), "noise": S.PRETRAINING.extra["noise"],
            "epochs": S.PRETRAINING.epochs, "lr": S.PRETRAINING.lr,
            "batch_size": S.PRETRAINING.batch_size}  # fmt: skip
#: unlabelled (sent to the worker) / labelled for the read-out / test (both kept here).
PRETRAIN_SPLIT = (1000, 100, 697)
PROBE = {"lr": 0.3, "epochs": 60, "batch_size": 16}
PRETRAIN_MIN_ACCURACY = S.PRETRAINING.min_accuracy


def pretrain_setup(rng: np.random.Generator) -> dict[str, Any]:
    """预训练的数据划分 / Unlabelled part (sent), labelled and test parts (kept)."""
    X, y = heldout.digits()
    un, lab, te = heldout.digit_split(rng, PRETRAIN_SPLIT)
    kwargs = {k: v for k, v in PRETRAIN.items() if k != "sizes"}
    kwargs["seed"] = int(rng.integers(2**20))
    return {"sizes": PRETRAIN["sizes"], "kwargs": kwargs, "X": X[un],
            "X_lab": X[lab], "y_lab": y[lab], "X_test": X[te], "y_test": y[te]}  # fmt: skip


def pretrain_reference(setup: dict[str, Any]) -> dict[str, Any]:
    """nncore 参考运行 / nncore's pre-training on the same unlabelled data and seed (nncore's lean
    loop :func:`nncore.problems.greedy.pretrain_daes`, identical to ``AE.pretrain_layers``)."""
    W, b = greedy.pretrain_daes(setup["X"], setup["sizes"], **setup["kwargs"])
    return {"weights": W, "biases": b}


def probe_accuracy(setup: dict[str, Any], weights: list[Any], biases: list[Any]) -> float:
    """线性读出的测试准确率 / Test accuracy of a softmax read-out on the top code.

    The encoders map the labelled and test digits to codes; a softmax layer (nncore, fixed
    seed) is trained on the 100 labelled codes and tested on the 697 others.
    """
    n = len(weights)
    acts = ["sigmoid"] * n
    Ws = [np.asarray(w, dtype=np.float64) for w in weights]
    bs = [np.asarray(b, dtype=np.float64) for b in biases]
    with np.errstate(all="ignore"):
        C_lab = mlp_forward(setup["X_lab"], Ws, bs, acts)[0]
        C_test = mlp_forward(setup["X_test"], Ws, bs, acts)[0]
    if not (np.all(np.isfinite(C_lab)) and np.all(np.isfinite(C_test))):
        return float("nan")
    head = MLP([C_lab.shape[1], 10], activations=["softmax"], init="xavier", seed=0)
    fit(head, C_lab, setup["y_lab"], loss="ce", optimizer="momentum", lr=PROBE["lr"],
        epochs=PROBE["epochs"], batch_size=PROBE["batch_size"], seed=0,
        track_accuracy=False)  # fmt: skip
    return heldout.accuracy(head, C_test, setup["y_test"])


def pretrain_score(setup: dict[str, Any], value: Any) -> tuple[float | None, list[Comparison]]:
    """检查并评估编码器 / Check the encoders' shapes and score them (None if unusable)."""
    sizes = setup["sizes"]
    W = value.get("weights") if isinstance(value, dict) else None
    b = value.get("biases") if isinstance(value, dict) else None
    shapes_W = [(i, o) for i, o in pairwise(sizes)]
    shapes_b = [(o,) for o in sizes[1:]]
    bad = heldout.check_params(W, shapes_W, "W^(l)") + heldout.check_params(b, shapes_b, "b^(l+1)")
    if bad:
        return None, bad
    return probe_accuracy(setup, W, b), []  # type: ignore[arg-type]


@task(
    "a4.pretraining",
    # the given DenoisingAutoencoder trains with your corrupt, dae_forward and dae_backward: a
    # failing a4.dae is named as the cause here
    (
        "autoencoder.pretrain_layers",
        "autoencoder.corrupt",
        "autoencoder.dae_forward",
        "autoencoder.dae_backward",
    ),
    credit=ALL,
    checked=Text(
        f"逐层预训练 64-32-16：你的 pretrain_layers 在 {PRETRAIN_SPLIT[0]} 个无标签数字上训练（噪声 "
        f"{PRETRAIN['noise']}，{PRETRAIN['epochs']} 轮），返回编码器 W^(l) (N_l, N_{{l+1}})、b^(l+1)；评分器用它们对另外 "
        f"{PRETRAIN_SPLIT[1]} 个有标签数字编码并训练 softmax 读出层，在 {PRETRAIN_SPLIT[2]} 个未给出的数字上测准确率，"
        f"要求 ≥ {PRETRAIN_MIN_ACCURACY}（未训练的编码器约 0.1–0.4）",
        f"greedy pre-training 64-32-16: your pretrain_layers trains on {PRETRAIN_SPLIT[0]} "
        f"unlabelled digits (noise {PRETRAIN['noise']}, {PRETRAIN['epochs']} epochs) and returns the "
        "encoders W^(l) (N_l, N_{l+1}), b^(l+1); the grader encodes "
        f"{PRETRAIN_SPLIT[1]} other, labelled digits, trains a softmax read-out on their codes and "
        f"measures accuracy on {PRETRAIN_SPLIT[2]} digits it never sent: ≥ "
        f"{PRETRAIN_MIN_ACCURACY} required (untrained encoders reach about 0.1–0.4)",
    ),
    # the exact replay names the dropped argument; generic advice is then dropped
    supersedes={
        "pretrain_lam": ("pretrain_replay", "training_poor"),
        "pretrain_activation": ("pretrain_replay", "training_poor"),
    },
    cpu_seconds=30.0,
    wall_seconds=60.0,
)
def pretraining(ctx: Context) -> list[Case]:
    """精确复现 + 形状 + 留出准确率，全对才得分 / Exact replay, shapes, held-out accuracy."""
    setup = pretrain_setup(ctx.rng)
    replay = _pretrain_replay_case(ctx, setup["X"])
    label = Text("编码器的读出准确率（留出数据）", "read-out accuracy of the encoders (held out)")
    reply = ctx.run("pretrain", setup["X"], setup["sizes"], setup["kwargs"])
    if not reply.ok:
        heldout.attribute(reply, "autoencoder.pretrain_layers")
        case = Case(label, False, reply=reply)
        if _codes_fault(ctx, reply, setup["X"]):
            case.hints.append("pretrain_codes")
        return [case]
    acc, bad = pretrain_score(setup, reply.value)
    if acc is None:
        case = heldout.failed_params_case(label, bad)
        case.hints.append("pretrain_codes")
        return [case]
    cases = [
        heldout.threshold_case(label, acc, at_least=PRETRAIN_MIN_ACCURACY,
                               what=Text("准确率", "accuracy"), fmt="{:.3f}",
                               reference=lambda: pretrain_score(setup, pretrain_reference(setup))[0],
                               margin=S.PRETRAINING.margin),
        replay,
    ]  # fmt: skip
    failed = [c for c in cases if not c.passed]
    bad_dae = failing_dae_functions(ctx) if failed else []
    for c in failed if bad_dae else []:  # the cause is a4.dae's, not pretrain_layers' steps
        c.hints = [
            h for h in c.hints if h not in ("pretrain_replay", "training_poor", *REPLAY_DROPPED)
        ]
        blocked_by(c, ", ".join(bad_dae), "a4.dae")
    return cases


#: The small exact-replay run of pretrain_layers (a few seconds' worth of work): tanh hidden
#: units and λ > 0, so pre-training that drops the activation or lam argument differs too.
REPLAY = {"sizes": [64, 12, 6], "noise": 0.3, "epochs": 2, "lr": 0.1, "batch_size": 16,
          "lam": 0.05, "activation": "tanh"}  # fmt: skip
REPLAY_SAMPLES = 96
#: Mistake code → the argument that mistake leaves out (its result: the replay without it).
REPLAY_DROPPED = {"pretrain_lam": "lam", "pretrain_activation": "activation"}


def _codes_fault(ctx: Context, reply: Reply, unlabelled: np.ndarray) -> bool:
    """错在层与层之间 / Whether pretrain_layers' ValueError comes from what it hands the next
    layer: the same call with ONE hidden layer (a few samples, one epoch) runs, so the DAE and
    its training work and the array passed on to layer 2 is not the codes (e.g. dae.predict's
    reconstruction, of the input's width). NotImplementedError, a missing function or an
    error the one-layer run raises too are left as they are."""
    if reply.kind != "exception" or not reply.error.startswith("ValueError"):
        return False
    kwargs = {k: v for k, v in PRETRAIN.items() if k != "sizes"} | {"epochs": 1, "seed": 0}
    one = ctx.run("pretrain", unlabelled[:REPLAY_SAMPLES], PRETRAIN["sizes"][:2], kwargs)
    return one.ok


def _pretrain_replay_case(ctx: Context, unlabelled: np.ndarray) -> Case:
    """按文档复现 pretrain_layers / pretrain_layers replayed exactly (nncore, same seed/data).

    The docstring fixes every step (DAE per layer with seed + l, fit on (codes, codes) with
    momentum, activation and lam passed on, codes = encode(codes)), so the encoders must equal
    nncore's; a DAE that learns to reconstruct its noisy input, trains on the wrong codes, or
    drops the activation or lam argument (named: the replay runs tanh units with λ > 0), does not.
    """
    rng = ctx.rng
    X = unlabelled  # a part of the unlabelled digits that are sent anyway (never held-out ones)
    idx = rng.choice(X.shape[0], REPLAY_SAMPLES, replace=False)
    kwargs = {k: v for k, v in REPLAY.items() if k != "sizes"}
    kwargs["seed"] = int(rng.integers(2**20))
    W, b = greedy.pretrain_daes(X[idx], REPLAY["sizes"], **kwargs)  # = AE.pretrain_layers
    label = Text("按文档精确复现（小规模）", "exact replay of the documented procedure (small run)")
    reply = ctx.run("pretrain", X[idx], REPLAY["sizes"], kwargs)
    if not reply.ok:
        heldout.attribute(reply, "autoencoder.pretrain_layers")
        return Case(label, False, reply=reply)
    dropped = {  # what pre-training that ignores one argument returns
        code: greedy.pretrain_daes(X[idx], REPLAY["sizes"], **{k: v for k, v in kwargs.items() if k != arg})
        for code, arg in REPLAY_DROPPED.items()
    }  # fmt: skip
    expects = [
        Expect(f"W^({l + 1})", w, pick_item("weights", l), rtol=1e-6, atol_scale=1e-3,
               mistakes={code: run[0][l] for code, run in dropped.items()})
        for l, w in enumerate(W)
    ]  # fmt: skip
    expects += [Expect(f"b^({l + 2})", v, pick_item("biases", l), rtol=1e-6, atol_scale=1e-3,
                       mistakes={code: run[1][l] for code, run in dropped.items()})
                for l, v in enumerate(b)]  # fmt: skip
    case = case_from_reply(reply, expects, label)
    if not case.passed and not set(case.hints) & set(REPLAY_DROPPED):  # else the named argument
        case.hints.insert(0, "pretrain_replay")
    return case


# ------------------------------------------------------------------------------------------
# a4.saddle
# ------------------------------------------------------------------------------------------
def objective(kind: str, coef: tuple[float, float, float]) -> M.Objective:
    """与驱动例程相同的二维函数 / The driver's 2-D functions, here for the oracle."""
    a, b, c = coef

    def saddle(p: np.ndarray) -> tuple[float, np.ndarray]:
        x, y = p
        return a * x**4 / 4 - b * x * x / 2 + c * y * y / 2, np.array([a * x**3 - b * x, c * y])

    def ravine(p: np.ndarray) -> tuple[float, np.ndarray]:
        x, y = p
        return 0.5 * (a * x * x + b * y * y), np.array([a * x, b * y])

    return saddle if kind == "saddle" else ravine


def _descend_inputs(kind: str, opt: str) -> Callable[[Draw], dict[str, Any]]:
    """随机的函数系数、起点、α、β 与步数 / Random coefficients, start, α, β and steps."""

    def inputs(d: Draw) -> dict[str, Any]:
        rng = d.rng
        if kind == "saddle":
            coef = [float(rng.uniform(0.5, 2)) for _ in range(3)]
            start = [float(rng.uniform(1e-4, 1e-2)), float(rng.uniform(0.5, 1.5))]
            lr = float(rng.uniform(0.05, 0.15))
        else:
            kappa = float(rng.uniform(10, 40))
            coef = [1.0, kappa, 0.0]
            start = [float(rng.uniform(5, 10)), float(rng.uniform(0.5, 1.5))]
            lr = float(rng.uniform(0.5, 1.8)) / kappa
        beta, steps = float(rng.uniform(0.8, 0.95)), int(rng.integers(30, 80))
        return {"kind": kind, "coef": coef, "start": start, "opt": opt, "lr": lr, "beta": beta,
                "steps": steps, "fn": objective(kind, tuple(coef))}  # fmt: skip

    return inputs


def _descend(v: Values, opt: str) -> dict[str, Any]:
    """nncore 的轨迹与函数值 / nncore's (path, values) with optimizer ``opt``."""
    return {"result": M.descend(v.fn, v.start, optimizer=opt, lr=v.lr, beta=v.beta, steps=v.steps)}


def _descend_cases(kind: str, opt: str) -> Cases:
    """一种函数、一种方法 / One function with one method (the driver builds f from coef)."""
    name = {"saddle": Text("鞍点", "saddle"), "ravine": Text("山谷", "ravine")}[kind]
    method = (
        Text("冲量法", "momentum") if opt == "momentum" else Text("梯度下降", "gradient descent")
    )
    mistakes: dict[str, Mistake] = {
        "descend_record": lambda v: {"result": (v.want["result"][0][1:], v.want["result"][1][:-1])}
    }
    # θ updated in place after being appended: every entry of the path is the last θ
    mistakes["descend_path_alias"] = lambda v: {
        "result": (np.repeat(np.asarray(v.want["result"][0])[-1:], v.steps + 1, axis=0), None)
    }
    if opt == "momentum":
        mistakes["momentum_ignored"] = lambda v: _descend(v, "gd")
        mistakes["momentum_beta_ignored"] = lambda v: {
            "result": M.descend(v.fn, v.start, optimizer=opt, lr=v.lr, steps=v.steps)
        }
        mistakes["momentum_sign"] = lambda v: {
            "result": _descend_sign_flipped(v.fn, v.start, v.lr, v.beta, v.steps)
        }
    return Cases(
        "momentum.descend",
        name + Text("，", ", ") + method,
        _descend_inputs(kind, opt),
        oracle=lambda v: _descend(v, opt),
        outputs=(
            Out("path θ", pick_item("result", 0), rtol=1e-8, atol_scale=1e-6),
            Out("f(θ)", pick_item("result", 1), rtol=1e-8, atol_scale=1e-6),
        ),
        args=("kind", "coef", "start", "opt", "lr", "beta", "steps"),
        mistakes=mistakes,
        routine="descend",  # the worker builds the objective (a callable) from coef
    )


SADDLE = Spec(
    "a4.saddle",
    checked=Text(
        "在鞍点函数 f = a x⁴/4 − b x²/2 + c y²/2（从鞍点附近出发）与狭长山谷 f = ½(a x² + κ y²) 上，"
        "梯度下降与冲量法的轨迹 θ_0 … θ_steps 和函数值 f(θ_0) … f(θ_steps)，与 nncore 比较",
        "the path θ_0 … θ_steps and the values f(θ_0) … f(θ_steps) of gradient descent "
        "and momentum on a saddle f = a x⁴/4 − b x²/2 + c y²/2 (starting near the saddle) and on a "
        "ravine f = ½(a x² + κ y²), against nncore",
    ),
    cases=tuple(
        _descend_cases(kind, opt)
        for kind, opt in (
            ("saddle", "gd"),
            ("saddle", "momentum"),
            ("ravine", "momentum"),
            ("ravine", "gd"),
        )
    ),
    hints={
        "descend_path_alias": Text(
            "轨迹的每一项都是同一个数组：θ 在加入 path 之后被就地更新了。用 θ = θ − α g（新数组），"
            "或加入 θ.copy()。",
            "Every entry of the path is the same array: θ was updated in place after being "
            "appended. Use θ = θ − α g (a new array) or append θ.copy().",
        ),
        "momentum_ignored": Text(
            "optimizer == 'momentum' 时要用 momentum_update（带速度 v），你的轨迹和普通梯度下降一样。",
            "With optimizer == 'momentum' use momentum_update (with the velocity v); your path "
            "equals plain gradient descent.",
        ),
        "momentum_beta_ignored": Text(
            "把 descend 的 beta 传给 momentum_update（momentum_update([θ], [g], [v], lr, beta)），不要用默认的 0.9。",
            "Pass descend's beta on to momentum_update (momentum_update([θ], [g], [v], lr, beta)); "
            "do not fall back on the default 0.9.",
        ),
        "descend_record": Text(
            "path 含起点 θ_0 共 steps + 1 个点，values 含最后一步之后的 f(θ_steps) 共 steps + 1 个值。",
            "path holds θ_0 … θ_steps (steps + 1 points, the start included) and values "
            "f(θ_0) … f(θ_steps) (steps + 1, the last evaluated after the final step).",
        ),
    },
)


def _descend_sign_flipped(
    fn: M.Objective, start: list[float], lr: float, beta: float, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """冲量符号错误的轨迹 θ := θ − v / The path of the sign mistake θ := θ − v."""
    theta = np.asarray(start, dtype=np.float64)
    v = np.zeros_like(theta)
    path, values = [theta], []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            f, g = fn(theta)
            values.append(f)
            v = beta * v - lr * g
            theta = theta - v
            path.append(theta)
        values.append(fn(theta)[0])
    return np.array(path), np.array(values)


# ------------------------------------------------------------------------------------------
# a4.depth_width
# ------------------------------------------------------------------------------------------
def _sizes_inputs(d: Draw) -> dict[str, Any]:
    """用例 1：讲义的 1-32-1 或 1-8-8-1；其余随机 / Case 1: the lecture's nets; then random."""
    if d.k == 0:
        return {"sizes": [1, 32, 1] if d.rng.random() < 0.5 else [1, 8, 8, 1]}
    return {"sizes": [int(s) for s in d.rng.integers(1, 60, int(d.rng.integers(2, 6)))]}


def _count_variant(v: Values, per_layer: Callable[[int, int], int]) -> float | None:
    """一种错误的参数个数（与正确值相同时不适用）/ A mistaken count (None where it agrees)."""
    got = sum(per_layer(i, o) for i, o in pairwise(v.sizes))
    return float(got) if got != v.want else None


def _as_number(r: Any) -> Any:
    """整数或浮点数转为 float / An int or float reply as float (anything else unchanged)."""
    return float(r) if isinstance(r, int | float | np.integer | np.floating) else r


DEPTH_WIDTH = Spec(
    "a4.depth_width",
    checked=Text(
        "参数个数 Σ_l (N_l + 1) N_{l+1}（随机的层数与宽度，含讲义的 1-32-1 与 1-8-8-1）",
        "the parameter count Σ_l (N_l + 1) N_{l+1} (random depths and widths, and the "
        "lecture's 1-32-1 and 1-8-8-1)",
    ),
    cases=(
        Cases(
            "depth_width.param_count",
            RANDOM,
            _sizes_inputs,
            oracle=lambda v: DW.param_count(v.sizes),
            outputs=(Out(Text("参数个数", "parameter count"), _as_number, scalar=True),),
            args=("sizes",),
            mistakes={
                "count_biases": lambda v: _count_variant(v, lambda i, o: i * o),
                "count_biases_side": lambda v: _count_variant(v, lambda i, o: i * (o + 1)),
            },
            n=4,
        ),
    ),
    hints={
        "count_biases": Text(
            "每个非输入单元有一个偏置：参数个数 = Σ_l (N_l + 1) N_{l+1}。",
            "Every non-input unit has one bias: the count is Σ_l (N_l + 1) N_{l+1}.",
        ),
        "count_biases_side": Text(
            "偏置属于后一层的单元：第 l 层到第 l+1 层有 (N_l + 1)·N_{l+1} 个参数，不是 N_l·(N_{l+1} + 1)。",
            "Biases belong to the units of the next layer: layer l to l+1 has (N_l + 1)·N_{l+1} "
            "parameters, not N_l·(N_{l+1} + 1).",
        ),
    },
)


#: 本作业的任务（报告顺序）/ This suite's tasks, in report order.
TASKS = (GRADIENT_NORMS, RESIDUAL, DAE, pretraining, SADDLE, DEPTH_WIDTH)
