"""作业 4 隐藏测试：深度网络的问题 / Hidden suite of a4: problems of deep networks.

Oracles: nncore (per-layer gradient norms, residual block, DAE, descent on 2-D functions,
parameter counts) and **finite differences** as a second opinion for the residual and DAE
backward passes (central differences of J = Σ dout ⊙ out, computed here in the parent on nncore's
forward). Training task ``a4.pretraining``: the worker pre-trains with the student's code on
unlabelled digits and returns the encoders; the parent judges them on labelled digits the
worker never saw (a linear read-out trained on a few labels, tested on the rest), against a
threshold measured on the nncore reference (:mod:`grader.suites.calibrate`). All inputs are
drawn from the task's seed (student + task).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

from grader.compare import Comparison
from grader.registry import ALL, Case, Context, Reply, task
from grader.suites import heldout
from grader.suites import settings as S
from grader.suites.common import Expect, case_from_reply, pick_item, run_case
from grader.text import Text
from nncore import autoencoder as AE
from nncore import residual as R
from nncore.activations import get_activation
from nncore.gradcheck import numerical_gradient
from nncore.mlp import MLP, mlp_forward
from nncore.problems import depth_width as DW
from nncore.problems import momentum as M
from nncore.problems import vanishing as V
from nncore.training import fit

RANDOM = Text("随机用例", "random case")

#: 本测试集专用的提示 / Hint texts of this suite's own mistake codes.
HINTS: dict[str, Text] = {
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
    "norms_setup": Text(
        "网络与数据要严格按文档：MLP([width] * depth + [1], activation, 'identity', init=init or "
        "_default_init(activation), seed=seed)，X, y, _ = _probe(width, m, seed)，J 用 'mse'。",
        "Build exactly what the docstring says: MLP([width] * depth + [1], activation, "
        "'identity', init=init or _default_init(activation), seed=seed); X, y, _ = "
        "_probe(width, m, seed); J with 'mse'.",
    ),
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
    "residual_skip_backward": Text(
        "反向漏了跳跃连接：∂J/∂a^(l) = δ^(l+2)（直接经过跳跃路径）+ δ^(l+1) W1ᵀ（经过两层）。",
        "The skip path is missing in backward: ∂J/∂a^(l) = δ^(l+2) (straight through the "
        "skip) + δ^(l+1) W1ᵀ (back through both layers).",
    ),
    "dae_mask_missing": Text(
        "编码器的输入是加噪的 x̃ = x ⊙ mask，不是干净的 x：x̂ = g(f((x ⊙ mask) W1 + b1) W2 + b2)。",
        "The encoder reads the corrupted x̃ = x ⊙ mask, not the clean x: "
        "x̂ = g(f((x ⊙ mask) W1 + b1) W2 + b2).",
    ),
    "dae_noisy_target": Text(
        "你的代码就地修改了 X（如 X *= mask）：重构损失的目标应是干净的 x，而 dae_loss 用的正是同一个 X，"
        "于是目标也被加了噪声。请返回新数组 X * mask。",
        "Your code changed X in place (e.g. X *= mask): the reconstruction target must be "
        "the clean x, and dae_loss uses that same X, so the target got corrupted too. Return "
        "a new array X * mask.",
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
    "momentum_ignored": Text(
        "optimizer == 'momentum' 时要用 momentum_update（带速度 v），你的轨迹和普通梯度下降一样。",
        "With optimizer == 'momentum' use momentum_update (with the velocity v); your path "
        "equals plain gradient descent.",
    ),
    "descend_record": Text(
        "path 含起点 θ_0 共 steps + 1 个点，values 含最后一步之后的 f(θ_steps) 共 steps + 1 个值。",
        "path holds θ_0 … θ_steps (steps + 1 points, the start included) and values "
        "f(θ_0) … f(θ_steps) (steps + 1, the last evaluated after the final step).",
    ),
    "count_biases": Text(
        "每个非输入单元有一个偏置：参数个数 = Σ_l (N_l + 1) N_{l+1}。",
        "Every non-input unit has one bias: the count is Σ_l (N_l + 1) N_{l+1}.",
    ),
    "count_biases_side": Text(
        "偏置属于后一层的单元：第 l 层到第 l+1 层有 (N_l + 1)·N_{l+1} 个参数，不是 N_l·(N_{l+1} + 1)。",
        "Biases belong to the units of the next layer: layer l to l+1 has (N_l + 1)·N_{l+1} "
        "parameters, not N_l·(N_{l+1} + 1).",
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
        "逐层预训练：第 l 层的 DAE 在下一层的编码 codes = dae.encode(codes) 上训练，返回的是各层编码器的 "
        "W^(l) (N_l, N_{l+1}) 与 b^(l+1)。",
        "Greedy pre-training: layer l's DAE trains on the codes of the layer below "
        "(codes = dae.encode(codes)); return each encoder's W^(l) (N_l, N_{l+1}) and "
        "b^(l+1).",
    ),
}


# ------------------------------------------------------------------------------------------
# a4.gradient_norms
# ------------------------------------------------------------------------------------------
def _norm_mistakes(depth: int, act: str, kw: dict[str, Any]) -> dict[str, Any]:
    """常见错误的结果 / What the usual mistakes would return."""
    X, y, _ = V._probe(kw["width"], kw["m"], kw["seed"])
    net = MLP([kw["width"]] * depth + [1], act, "identity", init=V._default_init(act),
              seed=kw["seed"])  # fmt: skip
    _, grads = net.loss(X, y, "mse")
    w = [float(np.linalg.norm(g)) for g in grads[0::2]]
    return {
        "norms_order": w[::-1] if depth > 1 else None,
        "norms_bias": [float(np.linalg.norm(g)) for g in grads[1::2]],
        "norms_squared": [x * x for x in w],
    }


@task(
    "a4.gradient_norms",
    ("vanishing.layer_gradient_norms",),
    checked=Text(
        "随机深度（2–7 层）、激活函数（sigmoid/tanh/ReLU/Leaky ReLU）、宽度、样本数与种子下的 "
        "[‖∂J/∂W^(1)‖_F, …, ‖∂J/∂W^(L−1)‖_F]，与 nncore 比较",
        "[‖∂J/∂W^(1)‖_F, …, ‖∂J/∂W^(L−1)‖_F] for random depths (2–7), activations "
        "(sigmoid/tanh/ReLU/Leaky ReLU), widths, sample counts and seeds, against nncore",
    ),
)
def gradient_norms(ctx: Context) -> list[Case]:
    """4 个随机用例，按比例给分 / 4 random cases; fraction credit."""
    cases = []
    acts = list(V.ACTIVATIONS)
    ctx.rng.shuffle(acts)
    for k, act in enumerate(acts):
        depth = int(ctx.rng.integers(2, 8))
        kw = {
            "width": int(ctx.rng.integers(3, 13)),
            "m": int(ctx.rng.integers(5, 41)),
            "seed": int(ctx.rng.integers(2**31)),
        }
        want = V.layer_gradient_norms(depth, act, **kw)
        exp = Expect("[‖∂J/∂W^(l)‖_F]", np.asarray(want), mistakes=_norm_mistakes(depth, act, kw))
        case = run_case(
            ctx,
            "vanishing.layer_gradient_norms",
            (depth, act),
            [exp],
            RANDOM.numbered(k + 1, 4),
            kwargs=kw,
        )
        if not case.passed and not case.hints and case.reply is None:
            case.hints.append("norms_setup")
        cases.append(case)
    return cases


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


@task(
    "a4.residual",
    ("residual.residual_forward", "residual.residual_backward"),
    checked=Text(
        "残差块前向 a^(l+2) = a + f(a W1 + b1) W2 + b2（ReLU/tanh）；反向 (∂J/∂a, ∂J/∂W1, ∂J/∂b1, ∂J/∂W2, "
        "∂J/∂b2)，缓存由给定的层函数建立，与 nncore 比较并用有限差分复核",
        "residual block forward a^(l+2) = a + f(a W1 + b1) W2 + b2 (ReLU/tanh); backward "
        "(∂J/∂a, ∂J/∂W1, ∂J/∂b1, ∂J/∂W2, ∂J/∂b2) with the cache built by the given layer functions, "
        "against nncore and checked by finite differences",
    ),
)
def residual(ctx: Context) -> list[Case]:
    """2 个前向 + 3 个反向用例，按比例给分 / 2 forward + 3 backward cases; fraction credit."""
    cases = []
    for k, act in enumerate(("relu", "tanh")):
        a, (W1, b1, W2, b2) = _block(ctx.rng)
        out, _ = R.residual_forward(a, W1, b1, W2, b2, act)
        f = get_activation(act).forward
        z2 = f(a @ W1 + b1) @ W2 + b2
        exp = Expect(
            "a^(l+2)",
            out,
            pick_item(0),
            {"residual_skip_forward": z2, "residual_activation_after_sum": f(a + z2)},
        )
        cases.append(
            run_case(
                ctx,
                "residual.residual_forward",
                (a, W1, b1, W2, b2, act),
                [exp],
                Text("前向", "forward").numbered(k + 1, 2),
            )
        )
    for k, act in enumerate(("sigmoid", "tanh", "sigmoid")):
        a, params = _block(ctx.rng)
        W1, b1, W2, b2 = params
        dout = ctx.rng.uniform(-1, 1, a.shape)
        _, cache = R.residual_forward(a, W1, b1, W2, b2, act)
        want = list(R.residual_backward(dout, cache))

        def J(a: np.ndarray = a, p: list[np.ndarray] = params, act: str = act,
              dout: np.ndarray = dout) -> float:  # fmt: skip
            return float(np.sum(dout * R.residual_forward(a, *p, act)[0]))

        fd = [numerical_gradient(J, x) for x in (a, W1, b1, W2, b2)]
        _fd_check(want, fd, "residual_backward")
        names = ("∂J/∂a^(l)", "∂J/∂W1", "∂J/∂b1", "∂J/∂W2", "∂J/∂b2")
        # the block without f' (δ^(l+1) = ∂J/∂h): ∂J/∂a, ∂J/∂W1 and ∂J/∂b1 change
        dh = dout @ W2.T
        no_fp = [dout + dh @ W1.T, a.T @ dh, dh.sum(axis=0)]
        expects = [
            Expect(n, w, pick_item("result", i),
                   {**({"residual_skip_backward": w - dout} if i == 0 else {}),
                    **({"missing_fprime": no_fp[i]} if i < 3 else {})})
            for i, (n, w) in enumerate(zip(names, want, strict=True))
        ]  # fmt: skip
        expects.append(
            Expect("∂J/∂a^(l)（有限差分 / finite differences）", fd[0],
                   pick_item("result", 0), {"residual_skip_backward": fd[0] - dout},
                   rtol=1e-5, atol_scale=1e-3)
        )  # fmt: skip
        label = Text("反向", "backward").numbered(k + 1, 3)
        reply = ctx.run("residual_backward", a, W1, b1, W2, b2, act, dout)
        cases.append(_routine_case(reply, expects, label, "residual.residual_backward"))
    return cases


def _routine_case(reply: Reply, expects: list[Expect], label: Text, fn: str) -> Case:
    """驱动例程的回复 → 用例（含就地修改）/ A case from a driver routine's reply."""
    if not reply.ok:
        heldout.attribute(reply, fn)
        return Case(label, False, reply=reply)
    case = case_from_reply(reply, expects, label)
    if isinstance(reply.value, dict) and reply.value.get("mutated"):
        case.passed = False
        case.hints.insert(0, "inplace")
        case.note = Text("dout 被就地修改", "dout was modified in place")
    return case


# ------------------------------------------------------------------------------------------
# a4.dae
# ------------------------------------------------------------------------------------------
def _dae_params(rng: np.random.Generator, N: int, H: int) -> list[np.ndarray]:
    """随机 DAE 参数 / Random DAE parameters [W1 (N, H), b1, W2 (H, N), b2]."""
    return [rng.uniform(-1, 1, (N, H)), rng.uniform(-0.5, 0.5, H),
            rng.uniform(-1, 1, (H, N)), rng.uniform(-0.5, 0.5, N)]  # fmt: skip


def _corrupt_case(ctx: Context, dtype: type, label: Text) -> Case:
    """加噪用例 / One corrupt() case: exact mask, x̃, dtype, reproducible, X unchanged."""
    rng = ctx.rng
    X = rng.uniform(0.1, 1, (int(rng.integers(20, 40)), int(rng.integers(10, 20)))).astype(dtype)
    noise = float(rng.choice([0.2, 0.3, 0.5]))
    seed = int(rng.integers(2**31))
    xt, mask = AE.corrupt(X.copy(), noise, np.random.default_rng(seed))
    inverted = (1 - mask).astype(dtype)
    reply = ctx.run("corrupt", X, noise, seed)
    if not reply.ok:
        heldout.attribute(reply, "autoencoder.corrupt")
        return Case(label, False, reply=reply)
    expects = [
        Expect("x̃", xt, pick_item("first", 0), {"mask_inverted": X * inverted}, dtype=dtype),
        Expect("mask", mask, pick_item("first", 1), {"mask_inverted": inverted}, dtype=dtype),
    ]
    case = case_from_reply(reply, expects, label)
    value = reply.value if isinstance(reply.value, dict) else {}
    if value.get("mutated"):
        case.passed = False
        case.hints.insert(0, "dae_noisy_target")
        case.note = Text("X 被就地修改", "X was modified in place")
    if not case.passed and not case.hints:
        case.hints.append("mask_rule")
    return case


@task(
    "a4.dae",
    ("autoencoder.corrupt", "autoencoder.dae_forward", "autoencoder.dae_backward"),
    checked=Text(
        "降噪自编码器：corrupt 的掩码与 x̃（同一种子与 nncore 一致、保持 X 的 dtype、不修改 X）；"
        "dae_forward 的 x̂ = g(f((x ⊙ mask) W1 + b1) W2 + b2)；dae_backward 的 (∂J/∂W1, ∂J/∂b1, ∂J/∂W2, ∂J/∂b2)"
        "（缓存由给定的 mlp_forward 建立），与 nncore 比较并用有限差分复核",
        "denoising autoencoder: corrupt's mask and x̃ (equal to nncore's for the same "
        "seed, in X's dtype, X unchanged); dae_forward's x̂ = g(f((x ⊙ mask) W1 + b1) W2 + b2); "
        "dae_backward's (∂J/∂W1, ∂J/∂b1, ∂J/∂W2, ∂J/∂b2) (cache built by the given mlp_forward), "
        "against nncore and checked by finite differences",
    ),
)
def dae(ctx: Context) -> list[Case]:
    """2 个加噪 + 2 个前向 + 2 个反向用例，按比例给分 / 2 + 2 + 2 cases; fraction credit."""
    cases = [
        _corrupt_case(ctx, np.float64, Text("加噪 corrupt（float64）", "corrupt (float64)")),
        _corrupt_case(ctx, np.float32, Text("加噪 corrupt（float32）", "corrupt (float32)")),
    ]
    acts = [("sigmoid", "sigmoid"), ("tanh", "identity")]
    for k, (f, g) in enumerate(acts):
        rng = ctx.rng
        m, N, H = int(rng.integers(3, 7)), int(rng.integers(3, 7)), int(rng.integers(2, 5))
        X = rng.uniform(0, 1, (m, N))
        mask = (rng.random((m, N)) >= 0.3).astype(float)
        p = _dae_params(rng, N, H)
        xhat, _ = AE.dae_forward(X, mask, *p, f, g)
        clean, _ = AE.dae_forward(X, np.ones_like(X), *p, f, g)
        exp = Expect("x̂", xhat, pick_item(0), {"dae_mask_missing": clean})
        case = run_case(
            ctx,
            "autoencoder.dae_forward",
            (X, mask, *p, f, g),
            [exp],
            Text("前向", "forward").numbered(k + 1, 2),
        )
        if "inplace" in case.hints:
            case.hints.insert(0, "dae_noisy_target")
        cases.append(case)
    for k, (f, g) in enumerate(acts):
        rng = ctx.rng
        m, N, H = int(rng.integers(3, 7)), int(rng.integers(3, 7)), int(rng.integers(2, 5))
        X = rng.uniform(0, 1, (m, N))
        mask = (rng.random((m, N)) >= 0.3).astype(float)
        p = _dae_params(rng, N, H)
        dxhat = rng.uniform(-1, 1, (m, N)) / m
        _, cache = AE.dae_forward(X, mask, *p, f, g)
        want = list(AE.dae_backward(dxhat, cache))

        def J(X: np.ndarray = X, mask: np.ndarray = mask, p: list[np.ndarray] = p,
              f: str = f, g: str = g, dxhat: np.ndarray = dxhat) -> float:  # fmt: skip
            return float(np.sum(dxhat * AE.dae_forward(X, mask, *p, f, g)[0]))

        fd = [numerical_gradient(J, x) for x in p]
        _fd_check(want, fd, "dae_backward")
        names = ("∂J/∂W1", "∂J/∂b1", "∂J/∂W2", "∂J/∂b2")
        expects = [
            Expect(n, w, pick_item("result", i))
            for i, (n, w) in enumerate(zip(names, want, strict=True))
        ]
        expects.append(
            Expect("∂J/∂W1（有限差分 / finite differences）", fd[0], pick_item("result", 0),
                   rtol=1e-5, atol_scale=1e-3)
        )  # fmt: skip
        reply = ctx.run("dae_backward", X, mask, p, [f, g], dxhat)
        cases.append(
            _routine_case(
                reply,
                expects,
                Text("反向", "backward").numbered(k + 1, 2),
                "autoencoder.dae_backward",
            )
        )
    return cases


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
    """nncore 参考运行 / nncore's pre-training on the same unlabelled data."""
    W, b = AE.pretrain_layers(setup["X"], setup["sizes"], **setup["kwargs"])
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
    ("autoencoder.pretrain_layers",),
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
        return [Case(label, False, reply=reply)]
    acc, bad = pretrain_score(setup, reply.value)
    if acc is None:
        case = heldout.failed_params_case(label, bad)
        case.hints.append("pretrain_codes")
        return [case]
    ref = pretrain_score(setup, pretrain_reference(setup))[0]
    return [
        heldout.threshold_case(label, acc, at_least=PRETRAIN_MIN_ACCURACY,
                               what=Text("准确率", "accuracy"), fmt="{:.3f}",
                               reference=ref, margin=S.PRETRAINING.margin),
        replay,
    ]  # fmt: skip


#: The small exact-replay run of pretrain_layers (a few seconds' worth of work).
REPLAY = {"sizes": [64, 12, 6], "noise": 0.3, "epochs": 2, "lr": 0.1, "batch_size": 16}
REPLAY_SAMPLES = 96


def _pretrain_replay_case(ctx: Context, unlabelled: np.ndarray) -> Case:
    """按文档复现 pretrain_layers / pretrain_layers replayed exactly (nncore, same seed/data).

    The docstring fixes every step (DAE per layer with seed + l, fit on (codes, codes) with
    momentum, codes = encode(codes)), so the encoders must equal nncore's; a DAE that learns
    to reconstruct its noisy input, or trains on the wrong codes, does not.
    """
    rng = ctx.rng
    X = unlabelled  # a part of the unlabelled digits that are sent anyway (never held-out ones)
    idx = rng.choice(X.shape[0], REPLAY_SAMPLES, replace=False)
    kwargs = {k: v for k, v in REPLAY.items() if k != "sizes"}
    kwargs["seed"] = int(rng.integers(2**20))
    W, b = AE.pretrain_layers(X[idx], REPLAY["sizes"], **kwargs)
    label = Text("按文档精确复现（小规模）", "exact replay of the documented procedure (small run)")
    reply = ctx.run("pretrain", X[idx], REPLAY["sizes"], kwargs)
    if not reply.ok:
        heldout.attribute(reply, "autoencoder.pretrain_layers")
        return Case(label, False, reply=reply)
    expects = [
        Expect(f"W^({l + 1})", w, pick_item("weights", l), rtol=1e-6, atol_scale=1e-3)
        for l, w in enumerate(W)
    ]
    expects += [Expect(f"b^({l + 2})", v, pick_item("biases", l), rtol=1e-6, atol_scale=1e-3)
                for l, v in enumerate(b)]  # fmt: skip
    case = case_from_reply(reply, expects, label)
    if not case.passed:
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


@task(
    "a4.saddle",
    ("momentum.descend",),
    checked=Text(
        "在鞍点函数 f = a x⁴/4 − b x²/2 + c y²/2（从鞍点附近出发）与狭长山谷 f = ½(a x² + κ y²) 上，"
        "梯度下降与冲量法的轨迹 θ_0 … θ_steps 和函数值 f(θ_0) … f(θ_steps)，与 nncore 比较",
        "the path θ_0 … θ_steps and the values f(θ_0) … f(θ_steps) of gradient descent "
        "and momentum on a saddle f = a x⁴/4 − b x²/2 + c y²/2 (starting near the saddle) and on a "
        "ravine f = ½(a x² + κ y²), against nncore",
    ),
)
def saddle(ctx: Context) -> list[Case]:
    """4 个用例，按比例给分 / 4 cases; fraction credit."""
    cases = []
    specs = [("saddle", "gd"), ("saddle", "momentum"), ("ravine", "momentum"), ("ravine", "gd")]
    for _k, (kind, opt) in enumerate(specs):
        rng = ctx.rng
        if kind == "saddle":
            coef = (
                float(rng.uniform(0.5, 2)),
                float(rng.uniform(0.5, 2)),
                float(rng.uniform(0.5, 2)),
            )
            start = [float(rng.uniform(1e-4, 1e-2)), float(rng.uniform(0.5, 1.5))]
            lr = float(rng.uniform(0.05, 0.15))
        else:
            kappa = float(rng.uniform(10, 40))
            coef = (1.0, kappa, 0.0)
            start = [float(rng.uniform(5, 10)), float(rng.uniform(0.5, 1.5))]
            lr = float(rng.uniform(0.5, 1.8)) / kappa
        beta = float(rng.uniform(0.8, 0.95))
        steps = int(rng.integers(30, 80))
        fn = objective(kind, coef)
        path, values = M.descend(fn, start, optimizer=opt, lr=lr, beta=beta, steps=steps)
        other = "gd" if opt == "momentum" else None
        mistakes_p: dict[str, Any] = {"descend_record": path[1:]}
        mistakes_v: dict[str, Any] = {"descend_record": values[:-1]}
        if other:
            gp, gv = M.descend(fn, start, optimizer=other, lr=lr, beta=beta, steps=steps)
            mistakes_p["momentum_ignored"], mistakes_v["momentum_ignored"] = gp, gv
            sp, sv = _descend_sign_flipped(fn, start, lr, beta, steps)
            mistakes_p["momentum_sign"], mistakes_v["momentum_sign"] = sp, sv
        expects = [
            Expect("path θ", path, pick_item("result", 0), mistakes_p, rtol=1e-8, atol_scale=1e-6),
            Expect("f(θ)", values, pick_item("result", 1), mistakes_v, rtol=1e-8, atol_scale=1e-6),
        ]
        name = {"saddle": Text("鞍点", "saddle"), "ravine": Text("山谷", "ravine")}[kind]
        label = Text(f"{name.zh}，{'冲量法' if opt == 'momentum' else '梯度下降'}",
                     f"{name.en}, {'momentum' if opt == 'momentum' else 'gradient descent'}")  # fmt: skip
        reply = ctx.run("descend", kind, list(coef), start, opt, lr, beta, steps)
        if not reply.ok:
            heldout.attribute(reply, "momentum.descend")
            cases.append(Case(label, False, reply=reply))
            continue
        cases.append(case_from_reply(reply, expects, label))
    return cases


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
@task(
    "a4.depth_width",
    ("depth_width.param_count",),
    checked=Text(
        "参数个数 Σ_l (N_l + 1) N_{l+1}（随机的层数与宽度，含讲义的 1-32-1 与 1-8-8-1）",
        "the parameter count Σ_l (N_l + 1) N_{l+1} (random depths and widths, and the "
        "lecture's 1-32-1 and 1-8-8-1)",
    ),
)
def depth_width(ctx: Context) -> list[Case]:
    """4 个用例，按比例给分 / 4 cases; fraction credit."""
    cases = []
    sizes_list: list[list[int]] = [[1, 32, 1] if ctx.rng.random() < 0.5 else [1, 8, 8, 1]]
    for _ in range(3):
        n = int(ctx.rng.integers(2, 6))
        sizes_list.append([int(s) for s in ctx.rng.integers(1, 60, n)])
    for k, sizes in enumerate(sizes_list):
        want = DW.param_count(sizes)
        no_bias = sum(i * o for i, o in pairwise(sizes))
        in_bias = sum(i * (o + 1) for i, o in pairwise(sizes))
        exp = Expect(
            "参数个数 / parameter count",
            float(want),
            lambda r: float(r) if isinstance(r, int | float | np.integer | np.floating) else r,
            {"count_biases": float(no_bias) if no_bias != want else None,
             "count_biases_side": float(in_bias) if in_bias != want else None},
            scalar=True,
        )  # fmt: skip
        cases.append(
            run_case(ctx, "depth_width.param_count", (sizes,), [exp], RANDOM.numbered(k + 1, 4))
        )
    return cases


#: 本作业的任务（报告顺序）/ This suite's tasks, in report order.
TASKS = (gradient_norms, residual, dae, pretraining, saddle, depth_width)
