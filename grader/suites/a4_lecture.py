"""作业 4 隐藏测试（讲义其余部分）/ Hidden a4 tasks for the rest of the lecture (issue 14).

* ``a4.approximation``: F(x) = Σ v_i σ(w_i x + b_i) against nncore; the least-squares v judged
  by its fitted values Φ v (any correct solver reaches the same optimum).
* ``a4.auxiliary``: J = J_main + λ_aux J_aux and every gradient against nncore, whose reference
  is checked here by finite differences first.
* ``a4.degradation``: the training error after training a plain network (and, with
  ``residual=True``, the given residual network) with the given ``fit`` (deterministic for a
  seed: compared with nncore's run on the same data and seed).
* ``a4.rbm``: CD-1 (ΔW, Δb, Δc, error) against nncore for given uniform numbers U; the oracle's
  ΔW is checked by finite differences of the free-energy difference.
* ``a4.dbn``: the worker pre-trains a DBN on unlabelled digits with the student's code; the
  parent encodes labelled digits the worker never saw and trains a softmax read-out
  (exactly as ``a4.pretraining`` does), threshold below the nncore reference with a margin.

Listed in ``TASKS`` (read by :func:`grader.registry.table`, which lists this module in ``SUITES``).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import numpy as np

from grader.registry import ALL, Case, Context, task
from grader.suites import heldout
from grader.suites import settings as S
from grader.suites.a4 import _fd_check, pretrain_setup, probe_accuracy
from grader.suites.common import Expect, blocked_by, case_from_reply, pick_item
from grader.suites.replay import replay
from grader.suites.spec import Cases, Draw, Out, Spec, Values, fallback
from grader.text import Text
from nncore import approximation as UA
from nncore import auxiliary as AUX
from nncore import degradation as DEG
from nncore import rbm as RBM
from nncore import residual as RES
from nncore.activations import sigmoid
from nncore.gradcheck import numerical_gradient
from nncore.mlp import MLP
from nncore.training import fit

RANDOM = Text("随机用例", "random case")

#: 本测试集专用的提示 / Hint texts of this suite's own mistake codes.
HINTS: dict[str, Text] = {
    "degradation_running": Text(
        "你返回的是 fit 记录的一轮中各批损失的平均（history.loss[-1]）。要的是训练结束后、最终参数下整个训练集上的 "
        "J = net.loss(X, y, 'ce')[0]。",
        "You returned fit's running average over the last epoch's batches "
        "(history.loss[-1]); return J = net.loss(X, y, 'ce')[0] on the whole training set at "
        "the final parameters.",
    ),
    "degradation_setup": Text(
        "网络与训练要严格按文档：MLP([N_1] + [width] * hidden_layers + [K], activation, 'softmax', "
        "init='xavier', seed=seed)（residual=True：ResidualNet(N_1, width, (hidden_layers - 1) // 2, "
        "K, activation=activation, seed=seed)），fit(..., loss='ce', optimizer='momentum', lr=lr, "
        "epochs=epochs, batch_size=batch_size, seed=seed)。",
        "Build and train exactly as documented: MLP([N_1] + [width] * hidden_layers + [K], "
        "activation, 'softmax', init='xavier', seed=seed) (residual=True: ResidualNet(N_1, width, "
        "(hidden_layers - 1) // 2, K, activation=activation, seed=seed)); fit(..., loss='ce', "
        "optimizer='momentum', lr=lr, epochs=epochs, batch_size=batch_size, seed=seed).",
    ),
    "degradation_activation": Text(
        "把 activation 传给网络：MLP([N_1] + [width] * hidden_layers + [K], activation, 'softmax', …)，"
        "ResidualNet(…, activation=activation, seed=seed)；你的网络用的是 sigmoid，不是传入的激活函数。",
        "Pass activation on to the network: MLP([N_1] + [width] * hidden_layers + [K], "
        "activation, 'softmax', …), ResidualNet(…, activation=activation, seed=seed); your "
        "network used sigmoid, not the activation passed in.",
    ),
    "degradation_residual_ignored": Text(
        "residual=True 时要建残差网络 ResidualNet(N_1, width, (hidden_layers - 1) // 2, K, "
        "activation=activation, seed=seed)，你返回的是同样参数下普通网络的 J。",
        "With residual=True build ResidualNet(N_1, width, (hidden_layers - 1) // 2, K, "
        "activation=activation, seed=seed); you returned the plain network's J for the same "
        "arguments.",
    ),
    "dbn_codes": Text(
        "逐层预训练：第 l 个 RBM 在下一层的隐概率 codes = rbm.transform(codes) 上训练，返回 W 与**隐**偏置 c。",
        "Greedy pre-training: RBM l trains on the hidden probabilities of the one below "
        "(codes = rbm.transform(codes)); return W and the *hidden* bias c.",
    ),
    "dbn_replay": Text(
        "pretrain_rbms 没有按文档的步骤进行：第 l 个 RBM 是 RBM(n_in, n_out, seed=seed + l)，"
        "fit(rbm, codes, codes, loss='mse', optimizer='momentum', lr=lr, epochs=epochs, batch_size=batch_size, "
        "seed=seed + l, track_accuracy=False)，记下 rbm.W 与 rbm.c，再 codes = rbm.transform(codes)。",
        "pretrain_rbms does not follow the documented steps: RBM l is RBM(n_in, n_out, "
        "seed=seed + l), fit(rbm, codes, codes, loss='mse', optimizer='momentum', lr=lr, "
        "epochs=epochs, batch_size=batch_size, seed=seed + l, track_accuracy=False); keep "
        "rbm.W and rbm.c, then codes = rbm.transform(codes).",
    ),
    "dbn_optimizer": Text(
        "RBM 要用动量法训练：fit(rbm, codes, codes, loss='mse', optimizer='momentum', …)；你的结果与普通 SGD "
        "（fit 的默认 optimizer='sgd'）训练的相同。",
        "Train the RBMs with momentum: fit(rbm, codes, codes, loss='mse', "
        "optimizer='momentum', …); your result is what plain SGD (fit's default "
        "optimizer='sgd') gives.",
    ),
    "dbn_seed": Text(
        "第 l 个 RBM 的种子是 seed + l：RBM(n_in, n_out, seed=seed + l) 与 fit(…, seed=seed + l)；你的每个 RBM "
        "都用了同一个 seed。",
        "RBM l's seed is seed + l: RBM(n_in, n_out, seed=seed + l) and fit(…, seed=seed + l); "
        "yours gives every RBM the same seed.",
    ),
}


# ------------------------------------------------------------------------------------------
# a4.approximation
# ------------------------------------------------------------------------------------------
def _sum_inputs(d: Draw) -> dict[str, Any]:
    """随机的 x、w、b、输出权重 / Random x (m,), w, b and output weights (N,)."""
    rng = d.rng
    m, n = int(rng.integers(5, 30)), int(rng.integers(2, 9))
    x = rng.uniform(0, 1, m)
    w, b, vout = rng.normal(0, 4, n), rng.normal(0, 2, n), rng.normal(0, 1, n)
    return {"x": x, "w": w, "b": b, "vout": vout}


def _lstsq_inputs(d: Draw) -> dict[str, Any]:
    """随机目标与台阶式隐单元 / A random target on sorted x and staircase hidden units."""
    rng = d.rng
    m, n = int(rng.integers(30, 60)), int(rng.integers(3, 9))
    x = np.sort(rng.uniform(0, 1, m))
    y = np.sin(2 * np.pi * rng.uniform(0.5, 2) * x) + rng.normal(0, 0.1, m)
    w, b = UA.staircase_units(n, steepness=float(rng.uniform(1, 3)))
    return {"x": x, "y": y, "w": w, "b": b, "Phi": sigmoid(np.outer(x, w) + b)}


def _fitted(r: Any, Phi: np.ndarray) -> Any:
    """系数 → 拟合值 Φ v（任何正确解法的最优值相同）/ Coefficients → fitted values Φ v."""
    arr = np.asarray(r, dtype=np.float64) if isinstance(r, list | np.ndarray) else r
    if isinstance(arr, np.ndarray) and arr.shape == (Phi.shape[1],):
        return Phi @ arr
    return r


APPROXIMATION = Spec(
    "a4.approximation",
    checked=Text(
        "sigmoid_sum 的 F(x) = Σ v_i σ(w_i x + b_i)（随机的 x、w、b、v），与 nncore 比较；"
        "fit_output_weights 的 v（随机目标、台阶式放置的隐单元），以拟合值 Φ v 与 nncore 的最小二乘解比较",
        "sigmoid_sum's F(x) = Σ v_i σ(w_i x + b_i) (random x, w, b, v) against nncore; "
        "fit_output_weights's v (random targets, staircase hidden units), judged by the fitted "
        "values Φ v against nncore's least-squares solution",
    ),
    cases=(
        Cases(
            "approximation.sigmoid_sum",
            Text("F(x)", "F(x)"),
            _sum_inputs,
            oracle=lambda v: UA.sigmoid_sum(v.x, v.w, v.b, v.vout),
            outputs=(Out("F(x)"),),
            args=("x", "w", "b", "vout"),
            mistakes={
                "approx_sum": lambda v: sigmoid(np.outer(v.x, v.w) + v.b).sum(axis=1),
                "forgot_bias": lambda v: sigmoid(np.outer(v.x, v.w)) @ v.vout,
            },
            n=2,
            review=fallback("approx_sum"),
        ),
        Cases(
            "approximation.fit_output_weights",
            Text("最小二乘 v", "least-squares v"),
            _lstsq_inputs,
            oracle=lambda v: UA.fit_output_weights(v.x, v.y, v.w, v.b),
            outputs=lambda v: (
                Out(
                    Text("Φ v（拟合值）", "Φ v (fitted values)"),
                    functools.partial(_fitted, Phi=v.Phi),
                    rtol=1e-5,
                    atol_scale=1e-6,
                ),
            ),
            args=("x", "y", "w", "b"),
            n=2,
            review=fallback("approx_lstsq"),
        ),
    ),
    hints={
        "approx_sum": Text(
            "F(x) = Σ_i v_i σ(w_i x_n + b_i)：先算 Φ = σ(x[:, None] * w + b)（形状 (m, N)），再 Φ @ v。",
            "F(x) = Σ_i v_i σ(w_i x_n + b_i): build Φ = σ(x[:, None] * w + b) (shape (m, N)), "
            "then Φ @ v.",
        ),
        "approx_lstsq": Text(
            "v 要使 ‖Φ v − y‖² 最小（Φ = σ(x[:, None] * w + b)）：np.linalg.lstsq(Phi, y, rcond=None)[0]。",
            "v must minimise ‖Φ v − y‖² with Φ = σ(x[:, None] * w + b): "
            "np.linalg.lstsq(Phi, y, rcond=None)[0].",
        ),
    },
)


# ------------------------------------------------------------------------------------------
# a4.auxiliary
# ------------------------------------------------------------------------------------------
AUX_SPECS = (
    ("sigmoid", "softmax", "ce"),
    ("tanh", "identity", "mse"),
    ("sigmoid", "sigmoid", "bce"),
)
#: auxiliary_loss(X, y, weights, biases, activations, V, c, aux_layer, lam_aux, loss, aux_act)
_AUX_ARGS = ("X", "y", "weights", "biases", "acts", "V", "c", "k", "lam", "loss", "out")


def _aux_inputs(d: Draw) -> dict[str, Any]:
    """随机网络、辅助头与数据（第 k 种输出/损失）/ A random network with a head, and data."""
    rng = d.rng
    hidden, out, loss = AUX_SPECS[d.k]
    depth = int(rng.integers(3, 6))  # hidden layers
    sizes = [int(rng.integers(2, 6))] + [int(rng.integers(2, 6)) for _ in range(depth)]
    # K = 1 for every student (sigmoid + bce), K = 1–2 for mse, K = 3 for softmax + ce
    K = {"ce": 3, "bce": 1}.get(loss) or int(rng.integers(1, 3))
    sizes.append(K)
    k = int(rng.integers(2, len(sizes)))  # 2 … L−1
    if d.k == 0:
        # every student: a^(k+1) is a hidden layer as wide as a^(k), so a head that reads the
        # wrong layer gives wrong values (named by the review) instead of a shape error
        k = int(rng.integers(2, len(sizes) - 1))
        sizes[k] = sizes[k - 1]
    m = int(rng.integers(3, 7))
    X = rng.normal(size=(m, sizes[0]))
    y = rng.integers(0, K, m) if loss == "ce" else rng.uniform(0, 1, (m, K))
    weights = [rng.normal(0, 0.8, (i, o)) for i, o in pairwise(sizes)]
    biases = [rng.normal(0, 0.3, o) for o in sizes[1:]]
    V, c = rng.normal(0, 0.8, (sizes[k - 1], K)), rng.normal(0, 0.3, K)
    lam = float(rng.choice([0.3, 0.5, 2.0]))
    return {"X": X, "y": y, "weights": weights, "biases": biases,
            "acts": [hidden] * depth + [out], "V": V, "c": c, "k": k, "lam": lam,
            "loss": loss, "out": out}  # fmt: skip


def _aux_loss(v: Values, lam: float | None = None) -> tuple[Any, ...]:
    """nncore 的 auxiliary_loss（可换 λ_aux）/ nncore's auxiliary_loss, optionally another λ_aux."""
    args = [v[a] for a in _AUX_ARGS]
    if lam is not None:
        args[_AUX_ARGS.index("lam")] = lam
    return AUX.auxiliary_loss(*args)


def _aux_oracle(v: Values) -> tuple[Any, ...]:
    """参考值，先经有限差分核对 / The reference, first checked by finite differences."""
    want = _aux_loss(v)

    def f() -> float:
        return _aux_loss(v)[0]

    _fd_check([want[1][0], want[3]], [numerical_gradient(f, v.weights[0]),
              numerical_gradient(f, v.V)], "auxiliary_loss")  # fmt: skip
    return want


def _aux_outputs(v: Values) -> tuple[Out, ...]:
    """J、每层的 ∂J/∂W^(l) 与 ∂J/∂b^(l+1)、∂J/∂V、∂J/∂c / The compared outputs."""
    per_layer = (
        out
        for l in range(len(v.weights))
        for out in (
            Out(f"∂J/∂W^({l + 1})", pick_item(1, l)),
            Out(f"∂J/∂b^({l + 2})", pick_item(2, l)),
        )
    )
    return (Out("J", pick=0, scalar=True), *per_layer, Out("∂J/∂V", pick=3), Out("∂J/∂c", pick=4))


def _aux_without_head(v: Values) -> tuple[Any, ...]:
    """辅助误差没有回传时的梯度 / The gradients when the head's error is not sent back."""
    _, nW, nb, _, _ = _aux_loss(v, 0.0)
    return None, nW, nb, None, None


def _aux_after_fprime(v: Values) -> tuple[Any, ...]:
    """辅助误差在 f′ 之后加到 δ^(k) 上 / The head's error added to δ^(k) after f′ (nncore's
    backward with ``delta = activation_backward(da, …) + da_aux``): the head's path skips f′."""
    out, caches = AUX.mlp_forward(v.X, v.weights, v.biases, v.acts)
    aux_out, aux_cache = AUX.mlp_forward(caches[v.k - 1][0][0], [v.V], [v.c], [v.out])
    _, delta = AUX.output_delta(out, caches[-1], v.y, v.loss)
    _, delta_aux = AUX.output_delta(aux_out, aux_cache[0], v.y, v.loss)
    da_aux = AUX.dense_backward(v.lam * delta_aux, aux_cache[0][0])[0]
    n = len(caches)
    dWs, dbs = [np.empty(0)] * n, [np.empty(0)] * n
    for l in range(n - 1, -1, -1):
        da, dWs[l], dbs[l] = AUX.dense_backward(delta, caches[l][0])
        if l > 0:
            delta = AUX.activation_backward(da, caches[l - 1][1])
        if l == v.k - 1:
            delta = delta + da_aux
    return None, dWs, dbs, None, None


AUXILIARY = Spec(
    "a4.auxiliary",
    checked=Text(
        "随机深度（3–5 个隐层）、宽度、辅助层 k、λ_aux 与三种输出/损失（softmax+ce、identity+mse、"
        "sigmoid+bce）下的 J、∂J/∂W^(l)、∂J/∂b^(l+1)、∂J/∂V、∂J/∂c，与 nncore 比较（参考值先经有限差分核对）",
        "J, ∂J/∂W^(l), ∂J/∂b^(l+1), ∂J/∂V, ∂J/∂c for random depths (3–5 hidden layers), "
        "widths, auxiliary layer k, λ_aux and three output/loss pairs (softmax+ce, identity+mse, "
        "sigmoid+bce), against nncore (whose values are first checked by finite differences)",
    ),
    cases=(
        Cases(
            "auxiliary.auxiliary_loss",
            RANDOM,
            _aux_inputs,
            oracle=_aux_oracle,
            outputs=_aux_outputs,
            args=_AUX_ARGS,
            mistakes={
                "aux_backward_missing": _aux_without_head,
                "aux_lambda": lambda v: _aux_loss(v, 1.0),
                "aux_fprime": _aux_after_fprime,
            },
            n=len(AUX_SPECS),
            review=fallback("aux_layer"),
        ),
    ),
    hints={
        "aux_backward_missing": Text(
            "梯度里没有辅助头的误差：反传到 a^(k) 时要加上 λ_aux δ_aux Vᵀ（dense_backward 对辅助头返回的 da）。",
            "The gradients miss the auxiliary head's error: when the error reaches a^(k), add "
            "λ_aux δ_aux Vᵀ (the da that dense_backward returns for the head).",
        ),
        "aux_lambda": Text(
            "λ_aux 要乘在辅助项上，J 与梯度都要：J = J_main + λ_aux J_aux，dV、dc 与回传到 a^(k) 的误差都带 λ_aux。",
            "λ_aux scales the auxiliary term in J *and* in its gradients: J = J_main + λ_aux "
            "J_aux; dV, dc and the error sent back to a^(k) all carry λ_aux.",
        ),
        "aux_fprime": Text(
            "辅助头的误差 λ_aux δ_aux Vᵀ 是 ∂J/∂a^(k)，要在乘 f′(z^(k)) 之前加到 da 上（da = da + da_aux，"
            "再 activation_backward）；你在 f′ 之后才把它加到 δ^(k) 上，跳过了 f′。",
            "The head's error λ_aux δ_aux Vᵀ is a part of ∂J/∂a^(k): add it to da before the "
            "f′(z^(k)) factor (da = da + da_aux, then activation_backward); you added it to δ^(k) "
            "after f′, so the head's path skips f′.",
        ),
        "aux_layer": Text(
            "a^(k) 从 1 数起：a^(1) = x，a^(k) 是 weights[k − 2] 那层的输出（weights[k − 1] 的输入）；"
            "辅助误差在这一层加入。",
            "a^(k) counts from 1: a^(1) = x, a^(k) is the output of weights[k − 2] (the input of "
            "weights[k − 1]); the auxiliary error joins there.",
        ),
    },
)


# ------------------------------------------------------------------------------------------
# a4.degradation
# ------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _swapped(module: Any, **names: Any) -> Iterator[None]:
    """临时替换模块中的名字 / Rebind names of ``module`` for the duration (restored after)."""
    old = {n: getattr(module, n) for n in names}
    try:
        for n, v in names.items():
            setattr(module, n, v)
        yield
    finally:
        for n, v in old.items():
            setattr(module, n, v)


def _plain_block_cache(cache: Any) -> Any:
    """残差块缓存 → 普通数据 / A residual block's cache ((a, W1), (z, h, f), (h, W2)) with the
    activation by name (the worker rebuilds the student's own)."""
    dense1, (z, h, f), dense2 = cache
    return (dense1, (z, h, {"activation": f.name}), dense2)


def _residual_run(
    X: np.ndarray, y: np.ndarray, depth: int, width: int, kw: dict[str, Any]
) -> tuple[float, list[dict[str, Any]]]:
    """nncore 的残差 training_error 及其对残差块的全部调用 / nncore's residual training_error and
    the answer tables of every call it made to ``residual_forward``/``residual_backward``.

    With the tables, the student's given ResidualNet runs on the reference's block results when
    its calls are the reference's (a correct training_error), so a wrong residual block costs
    a4.residual only (one mistake, one task).
    """
    fwd: list[tuple[Any, Any]] = []
    bwd: list[tuple[Any, Any]] = []

    def frozen(value: Any) -> Any:  # the parameters are updated in place later: copy now
        return copy.deepcopy(value)

    def forward(*args: Any) -> Any:
        out, cache = RES.residual_forward(*args)
        fwd.append((frozen(args), frozen((out, _plain_block_cache(cache)))))
        return out, cache

    def backward(dout: np.ndarray, cache: Any) -> Any:
        grads = RES.residual_backward(dout, cache)
        bwd.append((frozen((dout, _plain_block_cache(cache))), frozen(grads)))
        return grads

    with _swapped(DEG, residual_forward=forward, residual_backward=backward):
        want = DEG.training_error(X, y, depth, width, residual=True, **kw)
    tables = [replay("residual", "residual_forward", fwd),
              replay("residual", "residual_backward", bwd)]  # fmt: skip
    return want, tables


#: The hidden activations of the plain cases (one each) and the residual case's choices.
DEGRADATION_PLAIN_ACTS = ("sigmoid", "tanh")
DEGRADATION_RESIDUAL_ACTS = ("tanh", "relu")


@task(
    "a4.degradation",
    ("degradation.training_error",),
    checked=Text(
        "training_error（普通网络 1 或 3 个隐层，激活 sigmoid 与 tanh；残差网络 3 或 5 个隐层，激活 tanh 或 ReLU；"
        "随机宽度、种子与 60 个数字）：训练后最终参数下的训练集 J，与 nncore 在同一数据与种子上的运行比较"
        "（给定的 fit 是确定性的）",
        "training_error (plain networks with 1 or 3 hidden layers, sigmoid and tanh; a residual "
        "network with 3 or 5, tanh or ReLU; random width, seed and 60 digits): J on the training "
        "set at the final parameters, against nncore's run on the same data and seed (the given "
        "fit is deterministic)",
    ),
    cpu_seconds=20.0,
    wall_seconds=40.0,
)
def degradation(ctx: Context) -> list[Case]:
    """3 个用例（普通 1 与 3 个隐层、残差），按比例给分 / 3 cases (plain with 1 and 3 hidden
    layers, residual); fraction credit."""
    cases = []
    X_all, y_all = heldout.digits()
    labels = [Text("普通网络", "plain network").numbered(k, 2) for k in (1, 2)]
    labels.append(Text("残差网络（residual=True）", "residual network (residual=True)"))
    # the activation is passed in every case, for every student: the plain networks get
    # sigmoid and tanh (in a random order), the residual network tanh or ReLU (never its
    # default sigmoid), so a network built without activation=activation always shows
    plain_acts = list(DEGRADATION_PLAIN_ACTS)
    ctx.rng.shuffle(plain_acts)
    res_act = str(ctx.rng.choice(DEGRADATION_RESIDUAL_ACTS))
    for k, (depth, residual) in enumerate(((1, False), (3, False), (0, True))):
        rng = ctx.rng
        (idx,) = heldout.digit_split(rng, (60,))
        X, y = np.array(X_all[idx]), np.array(y_all[idx])
        width = int(rng.integers(6, 13))
        depth = depth or int(rng.choice((3, 5)))  # 1 or 2 residual blocks
        act = res_act if residual else plain_acts[k]
        kw = {"activation": act, "epochs": 3, "lr": 0.1, "batch_size": 16,
              "seed": int(rng.integers(2**20))}  # fmt: skip
        tables: list[dict[str, Any]] = []
        if residual:
            want, tables = _residual_run(X, y, depth, width, kw)
        else:
            want = DEG.training_error(X, y, depth, width, **kw)
        K = int(y.max()) + 1
        if residual:
            net: Any = DEG.ResidualNet(64, width, (depth - 1) // 2, K, activation=act,
                                       seed=kw["seed"])  # fmt: skip
            kw["residual"] = True
        else:
            net = MLP([64] + [width] * depth + [K], act, "softmax", init="xavier",
                      seed=kw["seed"])  # fmt: skip
        h = fit(net, X, y, loss="ce", optimizer="momentum", lr=0.1, epochs=3, batch_size=16,
                seed=kw["seed"], track_accuracy=False)  # fmt: skip
        mistakes = {"degradation_running": h.loss[-1]}
        if act != "sigmoid":  # the activation ignored: the default sigmoid
            mistakes["degradation_activation"] = DEG.training_error(
                X, y, depth, width, **{**kw, "activation": "sigmoid"}
            )
        if residual:
            plain = {k: v for k, v in kw.items() if k != "residual"}
            mistakes["degradation_residual_ignored"] = DEG.training_error(X, y, depth, width,
                                                                          **plain)  # fmt: skip
        exp = Expect(Text("J（训练集）", "J (training set)"), want, rtol=1e-6, scalar=True,
                     mistakes=mistakes)  # fmt: skip
        reply = ctx.call_with("degradation.training_error", (X, y, depth, width), kw,
                              replays=tables or None)  # fmt: skip
        case = case_from_reply(reply, [exp], labels[k])
        if not case.passed and not case.hints:  # a wrong value, or the student's own error
            case.hints.append("degradation_setup")
        cases.append(case)
    return cases


# ------------------------------------------------------------------------------------------
# a4.rbm
# ------------------------------------------------------------------------------------------
def _cd1_variant(V: np.ndarray, W: np.ndarray, b: np.ndarray, c: np.ndarray,
                 U: np.ndarray) -> np.ndarray:  # fmt: skip
    """正相用采样 h0 的 ΔW / ΔW with the sampled h0 in the positive statistics (a mistake)."""
    p_h0 = RBM.hidden_probs(V, W, c)
    h0 = (U < p_h0).astype(float)
    p_v1 = RBM.visible_probs(h0, W, b)
    return (V.T @ h0 - p_v1.T @ RBM.hidden_probs(p_v1, W, c)) / V.shape[0]


def _cd1_dc_sampled(v: Values) -> np.ndarray:
    """正相用采样 h0 的 Δc = mean(h0 − p_h1) / Δc with the sampled h0 (a mistake)."""
    p_h0 = RBM.hidden_probs(v.V, v.W, v.c)
    h0 = (v.U < p_h0).astype(float)
    return v.want[2] + np.mean(h0 - p_h0, axis=0)


def _cd1_reconstructed_from(v: Values, h: np.ndarray) -> tuple[Any, ...]:
    """从给定的隐层值 h 重构的 CD-1 / CD-1 whose reconstruction starts from ``h``.

    The right rule reconstructs from the sample h0 = 1[U < p_h0]; typical mistakes start from
    p_h0 itself or from 1[U > p_h0]. Returns (ΔW, Δb, Δc, error) like the oracle.
    """
    p_h0 = RBM.hidden_probs(v.V, v.W, v.c)
    p_v1 = RBM.visible_probs(h, v.W, v.b)
    p_h1 = RBM.hidden_probs(p_v1, v.W, v.c)
    return ((v.V.T @ p_h0 - p_v1.T @ p_h1) / v.m, np.mean(v.V - p_v1, axis=0),
            np.mean(p_h0 - p_h1, axis=0), float(np.sum((v.V - p_v1) ** 2) / v.m))  # fmt: skip


def _cd1_inputs(d: Draw) -> dict[str, Any]:
    """随机的 V（用例 2 为概率值，其余二值）、W、b、c 与均匀随机数 U / Random V, W, b, c, U."""
    rng = d.rng
    m, N, H = int(rng.integers(3, 9)), int(rng.integers(3, 7)), int(rng.integers(2, 6))
    V = rng.uniform(0, 1, (m, N))
    if d.k != 1:
        V = (V > 0.5).astype(float)
    W, b, c = rng.normal(0, 0.5, (N, H)), rng.normal(0, 0.3, N), rng.normal(0, 0.3, H)
    return {"V": V, "W": W, "b": b, "c": c, "U": rng.random((m, H)), "m": m}


def _cd1_oracle(v: Values) -> tuple[Any, ...]:
    """nncore 的 CD-1；ΔW、Δb、Δc 先经自由能差的有限差分核对 / nncore's CD-1, FD-checked."""
    want = RBM.cd1_gradients(v.V, v.W, v.b, v.c, v.U)
    p_v1 = RBM.visible_probs((v.U < RBM.hidden_probs(v.V, v.W, v.c)).astype(float), v.W, v.b)

    def fe() -> float:
        return -float(
            np.mean(RBM.free_energy(v.V, v.W, v.b, v.c) - RBM.free_energy(p_v1, v.W, v.b, v.c))
        )

    _fd_check(list(want[:3]), [numerical_gradient(fe, x) for x in (v.W, v.b, v.c)],
              "cd1_gradients")  # fmt: skip
    return want


CD1 = Spec(
    "a4.rbm",
    checked=Text(
        "随机的 V（二值或 [0,1] 概率）、W、b、c 与均匀随机数 U 下的 CD-1：ΔW、Δb、Δc 与重构误差，"
        "与 nncore 比较（参考的 ΔW 先经自由能差的有限差分核对）",
        "CD-1 for random V (binary or probabilities in [0, 1]), W, b, c and uniform "
        "numbers U: ΔW, Δb, Δc and the reconstruction error against nncore (whose ΔW is first "
        "checked by finite differences of the free-energy difference)",
    ),
    cases=(
        Cases(
            "rbm.cd1_gradients",
            RANDOM,
            _cd1_inputs,
            oracle=_cd1_oracle,
            outputs=(
                Out("ΔW", pick=0),
                Out("Δb", pick=1),
                Out("Δc", pick=2),
                Out(Text("重构误差", "reconstruction error"), pick=3, scalar=True),
            ),
            args=("V", "W", "b", "c", "U"),
            mistakes={
                "rbm_positive_sampled": lambda v: (
                    _cd1_variant(v.V, v.W, v.b, v.c, v.U),
                    None,
                    _cd1_dc_sampled(v),
                    None,
                ),
                "rbm_sign": lambda v: (-v.want[0], -v.want[1], -v.want[2], None),
                "rbm_mean": lambda v: (v.want[0] * v.m, v.want[1] * v.m, v.want[2] * v.m, None),
                "rbm_sample": lambda v: _cd1_reconstructed_from(
                    v, (v.U > RBM.hidden_probs(v.V, v.W, v.c)).astype(float)
                ),
                "rbm_reconstruct_probs": lambda v: _cd1_reconstructed_from(
                    v, RBM.hidden_probs(v.V, v.W, v.c)
                ),
                "rbm_err": lambda v: (None, None, None, v.want[3] / v.V.shape[1]),
                # m = V.shape[1] (the visible units) instead of the samples: ΔW and the error
                # scaled by m/N, Δb and Δc (np.mean) right
                "rbm_m_rows": lambda v: (
                    (v.want[0] * v.m / v.V.shape[1], None, None, v.want[3] * v.m / v.V.shape[1])
                    if v.m != v.V.shape[1]
                    else None
                ),
            },
            n=3,
            review=fallback("rbm_rule"),
        ),
    ),
    hints={
        "rbm_positive_sampled": Text(
            "正相统计用隐单元概率 p_h0 = σ(V W + c)，不是采样 h0：ΔW = (Vᵀ p_h0 − p_v1ᵀ p_h1)/m，"
            "Δc = mean_n(p_h0 − p_h1)。",
            "The positive statistics use the probabilities p_h0 = σ(V W + c), not the samples h0: "
            "ΔW = (Vᵀ p_h0 − p_v1ᵀ p_h1)/m and Δc = mean_n(p_h0 − p_h1).",
        ),
        "rbm_sign": Text(
            "符号反了：CD-1 是上升方向，ΔW = 数据项 − 重构项 = (Vᵀ p_h0 − p_v1ᵀ p_h1)/m。",
            "Wrong sign: CD-1 is an ascent direction, ΔW = data term − reconstruction term = "
            "(Vᵀ p_h0 − p_v1ᵀ p_h1)/m.",
        ),
        "rbm_mean": Text(
            "漏了 1/m：ΔW、Δb、Δc 都是小批量上的平均。",
            "The 1/m is missing: ΔW, Δb and Δc are averages over the mini-batch.",
        ),
        "rbm_sample": Text(
            "h0 的采样规则是 h0 = 1[U < p_h0]（为 1 的概率是 p_h0）；1[U > p_h0] 为 1 的概率是 1 − p_h0。",
            "Sample h0 = 1[U < p_h0] (1 with probability p_h0); 1[U > p_h0] is 1 with "
            "probability 1 − p_h0.",
        ),
        "rbm_reconstruct_probs": Text(
            "重构要从采样的二值 h0 出发：p_v1 = σ(h0 Wᵀ + b)，不是从概率 p_h0。",
            "Reconstruct from the sampled binary h0: p_v1 = σ(h0 Wᵀ + b), not from the "
            "probabilities p_h0.",
        ),
        "rbm_err": Text(
            "重构误差是每个样本的平方误差之和再对样本平均：Σ (V − p_v1)² / m（不再除以可见单元数）。",
            "The reconstruction error sums the squared error over the visible units and averages "
            "over the samples: Σ (V − p_v1)² / m (do not divide by the number of units too).",
        ),
        "rbm_m_rows": Text(
            "m 是样本数 V.shape[0]（每行一个样本），不是可见单元数 V.shape[1]。",
            "m is the number of samples, V.shape[0] (one sample per row), not the number of "
            "visible units V.shape[1].",
        ),
        "rbm_rule": Text(
            "按文档：p_h0 = σ(V W + c)，h0 = (U < p_h0)，p_v1 = σ(h0 Wᵀ + b)，p_h1 = σ(p_v1 W + c)。",
            "Follow the docstring: p_h0 = σ(V W + c), h0 = (U < p_h0), p_v1 = σ(h0 Wᵀ + b), "
            "p_h1 = σ(p_v1 W + c).",
        ),
    },
)


def _cd1_fails(ctx: Context) -> bool:
    """CD-1 的一个用例不通过 / Whether one fresh CD-1 case fails (run when a4.dbn fails, to
    name a failing cd1_gradients as the cause)."""
    probe = dataclasses.replace(CD1, cases=(dataclasses.replace(CD1.cases[0], n=1),))
    return not all(c.passed for c in probe.check(ctx))


# ------------------------------------------------------------------------------------------
# a4.dbn (trained in the worker, judged here on labelled digits it never saw)
# ------------------------------------------------------------------------------------------
DBN = {"epochs": S.DBN.epochs, "lr": S.DBN.lr, "batch_size": S.DBN.batch_size}
#: The documented pass mark; the bar is relaxed to the nncore reference trained on the same
#: seed and data within ``S.DBN.margin`` (``python -m grader.suites.calibrate --task a4.dbn``
#: gives the reference's and the untrained RBMs' read-out accuracy over many seeds).
DBN_MIN_ACCURACY = S.DBN.min_accuracy


@task(
    "a4.dbn",
    ("rbm.pretrain_rbms", "rbm.cd1_gradients"),
    credit=ALL,
    checked=Text(
        "DBN 逐层预训练 64-32-16：你的 pretrain_rbms 在 1000 个无标签数字上训练（CD-1，10 轮），返回 "
        "W^(l) 与隐偏置；评分器用它们对另外 100 个有标签数字编码、训练 softmax 读出层，在 697 个未给出的数字上测准确率，"
        f"要求 ≥ {DBN_MIN_ACCURACY}，或不低于在同一种子、同一数据上训练的 nncore 参考减去 {S.DBN.margin}"
        "（参考约 0.83–0.92，未训练的 RBM 约 0.1）；另有一次小规模运行（64-12-6，2 轮）须与按文档步骤的参考完全相同",
        "DBN pre-training 64-32-16: your pretrain_rbms trains on 1000 unlabelled digits "
        "(CD-1, 10 epochs) and returns W^(l) and the hidden biases; the grader encodes 100 other, "
        "labelled digits, trains a softmax read-out on their codes and measures accuracy on 697 "
        f"digits it never sent: ≥ {DBN_MIN_ACCURACY} required, or at least the nncore reference "
        f"trained on the same seed and data minus {S.DBN.margin} (the reference reaches about "
        "0.83–0.92, untrained RBMs about 0.1); a small run (64-12-6, 2 epochs) must equal the "
        "documented steps' reference exactly",
    ),
    # the exact replay names the step; the held-out case's generic advice is then dropped
    supersedes={
        "dbn_optimizer": ("training_poor", "dbn_codes"),
        "dbn_seed": ("training_poor", "dbn_codes"),
    },
    cpu_seconds=30.0,
    wall_seconds=60.0,
)
def dbn(ctx: Context) -> list[Case]:
    """精确复现 + 形状 + 留出准确率，全对才得分 / Exact replay, shapes, held-out accuracy."""
    setup = pretrain_setup(ctx.rng)
    kwargs = {**DBN, "seed": setup["kwargs"]["seed"]}
    label = Text(
        "DBN 编码器的读出准确率（留出数据）",
        "read-out accuracy of the DBN encoders (held out)",
    )
    replay = _dbn_replay_case(ctx, setup["X"])
    reply = ctx.call("rbm.pretrain_rbms", setup["X"], setup["sizes"], **kwargs)
    if not reply.ok:
        heldout.attribute(reply, "rbm.pretrain_rbms", ("rbm.cd1_gradients",))
        return [Case(label, False, reply=reply)]
    value = reply.value if isinstance(reply.value, list | tuple) and len(reply.value) == 2 else None
    W, b = (value[0], value[1]) if value is not None else (None, None)
    sizes = setup["sizes"]
    shapes_W = [(i, o) for i, o in pairwise(sizes)]
    bad = heldout.check_params(W, shapes_W, "W^(l)")
    bad += heldout.check_params(b, [(o,) for o in sizes[1:]], "b^(l+1)")
    if bad:
        case = heldout.failed_params_case(label, bad)
        case.hints.append("dbn_codes")
        return [case]
    acc = probe_accuracy(setup, W, b)  # type: ignore[arg-type]
    case = heldout.threshold_case(label, acc, at_least=DBN_MIN_ACCURACY,
                                  what=Text("准确率", "accuracy"), fmt="{:.3f}",
                                  hints=("training_poor", "dbn_codes"),
                                  reference=lambda: dbn_score(setup, dbn_reference(setup))[0],
                                  margin=S.DBN.margin)  # fmt: skip
    cases = [case, replay]
    failed = [c for c in cases if not c.passed]
    if failed and _cd1_fails(ctx):  # the cause is a4.rbm's CD-1
        for c in failed:
            c.hints = []
            blocked_by(c, "rbm.cd1_gradients", "a4.rbm")
    return cases


#: The small exact-replay run of pretrain_rbms (a few seconds' worth of work).
DBN_REPLAY = {"sizes": [64, 12, 6], "epochs": 2, "lr": 0.1, "batch_size": 16}
DBN_REPLAY_SAMPLES = 96


def _rbms(X: np.ndarray, sizes: list[int], *, epochs: int, lr: float, batch_size: int, seed: int,
          optimizer: str = "momentum", seed_step: int = 1) -> tuple[list[np.ndarray], ...]:  # fmt: skip
    """nncore 的 pretrain_rbms，优化器与种子步长可变 / :func:`nncore.rbm.pretrain_rbms` with the
    optimizer and the seed step as parameters (seed_step 0: every RBM with the same seed): the
    values of the usual mistakes."""
    weights, biases = [], []
    codes = np.asarray(X, dtype=np.float64)
    for l, (n_in, n_out) in enumerate(pairwise(sizes)):
        rbm = RBM.RBM(n_in, n_out, seed=seed + seed_step * l)
        fit(rbm, codes, codes, loss="mse", optimizer=optimizer, lr=lr, epochs=epochs,
            batch_size=batch_size, seed=seed + seed_step * l, track_accuracy=False)  # fmt: skip
        weights.append(rbm.W)
        biases.append(rbm.c)
        codes = rbm.transform(codes)
    return weights, biases


def _dbn_replay_case(ctx: Context, unlabelled: np.ndarray) -> Case:
    """按文档复现 pretrain_rbms / pretrain_rbms replayed exactly (nncore, same seed and data).

    The docstring fixes every step (RBM l with seed + l, fit on (codes, codes) with momentum
    and seed + l, keep W and c, codes = transform(codes)), so W^(l) and c must equal nncore's;
    training with plain SGD or one seed for every RBM is named.
    """
    rng = ctx.rng
    X = unlabelled  # a part of the unlabelled digits that are sent anyway (never held-out ones)
    idx = rng.choice(X.shape[0], DBN_REPLAY_SAMPLES, replace=False)
    sizes = DBN_REPLAY["sizes"]
    kwargs = {k: v for k, v in DBN_REPLAY.items() if k != "sizes"}
    kwargs["seed"] = int(rng.integers(2**20))
    W, b = RBM.pretrain_rbms(X[idx], sizes, **kwargs)
    mistakes = {"dbn_optimizer": _rbms(X[idx], sizes, **kwargs, optimizer="sgd"),
                "dbn_seed": _rbms(X[idx], sizes, **kwargs, seed_step=0)}  # fmt: skip
    label = Text("按文档精确复现（小规模）", "exact replay of the documented procedure (small run)")
    reply = ctx.call("rbm.pretrain_rbms", X[idx], sizes, **kwargs)
    if not reply.ok:
        heldout.attribute(reply, "rbm.pretrain_rbms", ("rbm.cd1_gradients",))
        return Case(label, False, reply=reply)
    expects = [
        Expect(f"W^({l + 1})", w, pick_item(0, l), rtol=1e-6, atol_scale=1e-3,
               mistakes={code: run[0][l] for code, run in mistakes.items()})
        for l, w in enumerate(W)
    ]  # fmt: skip
    expects += [Expect(f"b^({l + 2}) = c", v, pick_item(1, l), rtol=1e-6, atol_scale=1e-3,
                       mistakes={code: run[1][l] for code, run in mistakes.items()})
                for l, v in enumerate(b)]  # fmt: skip
    case = case_from_reply(reply, expects, label)
    if not case.passed and not {"dbn_optimizer", "dbn_seed"} & set(case.hints):
        case.hints.insert(0, "dbn_replay")
    return case


def dbn_reference(setup: dict[str, Any]) -> dict[str, Any]:
    """nncore 参考运行（同一种子、同一数据）/ nncore's pretrain_rbms on the same seed and data
    (:func:`nncore.rbm.pretrain_rbms`)."""
    W, b = RBM.pretrain_rbms(setup["X"], setup["sizes"], **DBN, seed=setup["kwargs"]["seed"])
    return {"weights": W, "biases": b}


def dbn_untrained(setup: dict[str, Any]) -> dict[str, Any]:
    """未训练的 RBM（初值）/ The RBMs' initial weights and hidden biases, untrained."""
    rbms = [RBM.RBM(i, o, seed=setup["kwargs"]["seed"] + k)
            for k, (i, o) in enumerate(pairwise(setup["sizes"]))]  # fmt: skip
    return {"weights": [r.W for r in rbms], "biases": [r.c for r in rbms]}


def dbn_score(setup: dict[str, Any], value: dict[str, Any]) -> tuple[float | None, list[Any]]:
    """编码器的读出准确率 / Read-out accuracy of encoders given as {"weights", "biases"}."""
    return probe_accuracy(setup, value["weights"], value["biases"]), []


#: 本作业的任务（报告顺序）/ This suite's tasks, in report order.
TASKS = (APPROXIMATION, AUXILIARY, degradation, CD1, dbn)
