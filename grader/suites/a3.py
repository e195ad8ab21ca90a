"""作业 3 隐藏测试：训练实践 / Hidden suite of a3: training in practice.

Oracles: nncore (closed forms for weight decay, momentum and the scalers; an exact *replay* of
the student's epoch with nncore's model for ``sgd_epoch``; nncore's patience rule for early
stopping). Training tasks (``a3.sgd_epoch``'s last case, ``a3.example2/3/4``): the worker trains
with the student's functions and returns parameters only; the parent evaluates them on data the
worker never saw (:mod:`grader.suites.heldout`), against the documented threshold relaxed to the
nncore reference trained on the same seed, data and initial weights within a margin
(:mod:`grader.suites.settings`; :mod:`grader.suites.calibrate`). Every input — data splits,
initial weights, sizes, sequences — is drawn from the task's seed (student + task), so it
differs between students and is reproducible.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.compare import BAD_DTYPE, Comparison, matches
from grader.registry import ALL, Case, Context, Reply, task
from grader.suites import heldout
from grader.suites import settings as S
from grader.suites.common import (
    AnyOf,
    Expect,
    blocked_by,
    case_from_reply,
    pick_item,
    run_case,
)
from grader.suites.fullbatch import fit_full_batch
from grader.suites.spec import Cases, Draw, Mistake, Out, Spec, Values
from grader.text import Text
from nncore import losses as L
from nncore import optim as O
from nncore.data import curve, digit_vs_rest
from nncore.data import preprocessing as P
from nncore.mlp import MLP
from nncore.training import early_stopping_step, fit

RANDOM = Text("随机用例", "random case")

#: 本测试集专用的提示 / Hint texts of this suite's own mistake codes.
HINTS: dict[str, Text] = {
    "momentum_sign": Text(
        "冲量法的符号：v := β v − α ∂J/∂θ，然后 θ := θ + v（速度里是减号，参数上是加号）；你的结果像是写成了 θ := θ − v。",
        "Momentum signs: v := β v − α ∂J/∂θ, then θ := θ + v (minus inside the velocity, "
        "plus on the parameters); your result looks like θ := θ − v.",
    ),
    "examples_depend": Text(
        "例题用你的 sgd_epoch、minibatches、momentum_update 和 weight_decay 训练（例题2 还用 zscore）：先让 "
        "a3.sgd_epoch、a3.minibatches、a3.momentum、a3.weight_decay（与 a3.normalise）通过，再看学习率和轮数。",
        "The examples train with your sgd_epoch, minibatches, momentum_update and weight_decay "
        "(例题2 also with the z-score): make a3.sgd_epoch, a3.minibatches, a3.momentum and "
        "a3.weight_decay (and a3.normalise) pass first.",
    ),
    "not_shuffled": Text(
        "给了 rng 就要打乱顺序：order = rng.permutation(m)，再按 batch_size 切块；不要忽略 rng。",
        "When rng is given the order must be shuffled: order = rng.permutation(m), then cut "
        "into batch_size chunks; do not ignore rng.",
    ),
    "shuffled_without_rng": Text(
        "rng 为 None 时按原顺序 0, 1, …, m−1 切块（普通的顺序小批量），不要打乱。",
        "With rng = None keep the order 0, 1, …, m−1 (plain in-order batches); do not shuffle.",
    ),
    "not_seeded": Text(
        "同一个种子两次得到的批次不同：只能用传入的 rng（rng.permutation），不要用 np.random 的全局状态"
        "或新建发生器。",
        "The same seed gave different batches twice: use only the rng passed in "
        "(rng.permutation), not np.random's global state or a new generator.",
    ),
    "batch_not_array": Text(
        "每个小批量应是整数 np.ndarray，不是列表：直接产出 order[start : start + batch_size]"
        "（order 来自 np.arange(m) 或 rng.permutation(m)），不要 .tolist() 或 list(...)。",
        "Each mini-batch must be an integer np.ndarray, not a list: yield "
        "order[start : start + batch_size] (order from np.arange(m) or rng.permutation(m)); "
        "no .tolist() or list(...).",
    ),
    "batches_cover": Text(
        "每个样本每轮必须恰好出现一次：最后一个不满的批次也要保留（range(0, m, batch_size)），不能重复或丢样本。",
        "Every sample must appear exactly once per epoch: keep the last, smaller batch "
        "(range(0, m, batch_size)); no duplicates, no dropped samples.",
    ),
    "batch_empty": Text(
        "产出了空的小批量：切块的循环应是 for start in range(0, m, batch_size)，终点是 m，不是 m + batch_size"
        "（空批次的平均损失是 0/0）。",
        "An empty mini-batch was yielded: loop for start in range(0, m, batch_size), stopping "
        "at m, not m + batch_size (an empty batch's mean loss is 0/0).",
    ),
    "batches_sizes": Text(
        "批次大小应为 batch_size（最后一个可以更小）；batch_size ≥ m 时只有一个批次（全批量梯度下降）。",
        "Batches have batch_size samples (the last may be smaller); batch_size ≥ m gives one "
        "batch (full-batch gradient descent).",
    ),
    "epoch_loss_mean": Text(
        "一轮的损失是按批大小加权的平均：Σ_B |B|·J_B / m（最后一个批次较小，不能简单平均）。",
        "The epoch loss is the batch losses weighted by batch size: Σ_B |B|·J_B / m (the last "
        "batch is smaller; a plain mean of J_B is not the same).",
    ),
    "epoch_loss_full_batches": Text(
        "每个批次按它自己的大小 |B| 加权（idx.size），不是按 batch_size：最后一个批次可能较小。",
        "Weight each batch by its own size |B| (idx.size), not by batch_size: the last batch "
        "may be smaller.",
    ),
    "epoch_loss_sum": Text(
        "Σ_B |B|·J_B 还要除以样本数 m，返回的是一轮的平均损失。",
        "Divide Σ_B |B|·J_B by the number of samples m: return the epoch's average loss.",
    ),
    "epoch_loss_last": Text(
        "应返回整轮的平均损失 Σ_B |B|·J_B / m，而不是最后一个批次的 J_B。",
        "Return the epoch's average loss Σ_B |B|·J_B / m, not the last batch's J_B.",
    ),
    "weight_decay_twice": Text(
        "权值衰减被加了两次：model.loss(…, lam * |B| / m) 返回的梯度已经含 (λ/m) W，不要再自己加。",
        "Weight decay applied twice: the gradients from model.loss(…, lam * |B| / m) already "
        "contain (λ/m) W; do not add it again yourself.",
    ),
    "sgd_lam_unscaled": Text(
        "传给 model.loss 的 λ 要乘 |B|/m：model.loss 按本批的行数 |B| 缩放 λ，传入 λ·|B|/m 才得到讲义的 "
        "λ/(2m) Σ w²（m 为全部训练样本数；|B| = idx.size，最后一批可能小于 batch_size）。",
        "Pass λ·|B|/m to model.loss: it scales λ by the batch's own row count |B|, so "
        "λ·|B|/m gives the lecture's λ/(2m) Σ w² (m = all training samples; |B| = idx.size, "
        "the last batch may be smaller than batch_size).",
    ),
    "sgd_lam_missing": Text(
        "λ 没有传给 model.loss：每个批次调用 model.loss(X[B], y[B], loss, lam * |B| / m)，权值衰减由它完成。",
        "λ never reaches model.loss: call model.loss(X[B], y[B], loss, lam * |B| / m) for "
        "every batch; it applies the weight decay.",
    ),
    "sgd_batches": Text(
        "sgd_epoch 要按你的 minibatches(m, batch_size, rng) 给出的批次依次更新（每个批次一次 optimizer.step）。",
        "sgd_epoch must step once per batch, in the batches your minibatches(m, batch_size, "
        "rng) yields (one optimizer.step per batch).",
    ),
    "sgd_params_not_stepped": Text(
        "有的参数在整轮中从未更新（例如只更新了第一层和最后一层）：每个批次调用 "
        "optimizer.step(model.params, grads)，传入全部参数与全部梯度。",
        "Some parameters were never updated during the epoch (e.g. only the first and last "
        "layers): call optimizer.step(model.params, grads) with every parameter and every "
        "gradient for each batch.",
    ),
    "data_modified": Text(
        "训练修改了调用者的 X 或 y：取小批量用 X[idx]（新数组），不要就地打乱或改写数据。",
        "Training modified the caller's X or y: take batches as X[idx] (new arrays); do not "
        "shuffle or overwrite the data in place.",
    ),
    "stats_order": Text(
        "返回顺序：zscore_fit 返回 (μ, σ)，minmax_fit 返回 (min, max)（与文档字符串一致）。",
        "The order of the pair: zscore_fit returns (μ, σ), minmax_fit returns (min, max), as "
        "the docstrings say.",
    ),
    "zscore_ddof": Text(
        "z-score 用总体标准差 σ_j = sqrt((1/m) Σ (x_j − μ_j)²)（np.std 默认 ddof=0），不是样本标准差 (1/(m−1))。",
        "z-score uses the population standard deviation σ_j = sqrt((1/m) Σ (x_j − μ_j)²) "
        "(np.std's default ddof=0), not the sample one (1/(m−1)).",
    ),
    "zscore_variance": Text(
        "要除以标准差 σ，不是方差 σ²。",
        "Divide by the standard deviation σ, not the variance σ².",
    ),
    "stats_axis": Text(
        "统计量要按特征（列，axis=0）计算：μ 和 σ 的形状是 (n,)。",
        "Compute the statistics per feature (column, axis=0): μ and σ have shape (n,).",
    ),
    "test_statistics": Text(
        "transform 必须使用传入的训练集统计量（μ, σ 或 min, max），不能在测试数据上重新计算——那等于用测试集拟合，"
        "把测试数据泄露进了训练。",
        "transform must use the training statistics passed in (μ, σ or min, max), never "
        "recompute them on the data being transformed: that fits on the test set and leaks "
        "it into training.",
    ),
    "std_zero": Text(
        "常数特征的 σ_j = 0（或 max_j = min_j）会除以零：此时除以 1（np.where(σ > 0, σ, 1)），该特征变为 0。",
        "A constant feature has σ_j = 0 (or max_j = min_j) and divides by zero: divide by 1 "
        "there instead (np.where(σ > 0, σ, 1)), so the feature maps to 0.",
    ),
    "minmax_span": Text(
        "最小-最大变换除以范围 max − min：x' = (x − min) / (max − min)，不是除以 max。",
        "Min-max scaling divides by the range max − min: x' = (x − min) / (max − min), not by max.",
    ),
    "minmax_clipped": Text(
        "不要裁剪到 [0, 1]：统计量属于训练集，测试数据可以落在 [0, 1] 之外。",
        "Do not clip to [0, 1]: the statistics belong to the training set, so test data may "
        "fall outside [0, 1].",
    ),
}


# ------------------------------------------------------------------------------------------
# a3.minibatches
# ------------------------------------------------------------------------------------------
def _as_index_list(value: Any) -> list[np.ndarray] | None:
    """回复中的批次列表 / The batches of a reply as integer arrays, or None if malformed."""
    if not isinstance(value, list | tuple):
        return None
    out = []
    for b in value:
        if not isinstance(b, np.ndarray) or b.ndim != 1 or b.dtype.kind not in "iu":
            return None
        out.append(b.astype(np.int64))
    return out


def batch_problems(value: Any, m: int, batch_size: int, shuffled: bool) -> list[tuple[str, Text]]:
    """小批量的性质检查 / Properties of the student's batches (first and second call).

    Every batch an integer ``np.ndarray`` (the docstring's contract: a list of ints fails for
    everyone, ``value["arrays"]`` is the driver's record of what was yielded); each of 0 … m−1
    exactly once; sizes batch_size (last smaller); in order without rng, shuffled with rng; the
    same seed gives the same batches.
    """
    if not isinstance(value, dict):
        return [("wrong_type", Text("返回值无法解析", "the reply could not be read"))]
    first, second = _as_index_list(value.get("first")), _as_index_list(value.get("second"))
    if first is None or second is None:
        return [
            (
                "wrong_type",
                Text(
                    "minibatches 应逐个给出一维整数下标数组",
                    "minibatches must yield 1-D integer index arrays",
                ),
            )
        ]
    problems: list[tuple[str, Text]] = []
    if value.get("arrays") is not True:  # the docstring's contract: int arrays, not lists
        problems.append(
            ("batch_not_array", Text("小批量不是 np.ndarray", "a mini-batch is not an np.ndarray"))
        )
    flat = np.concatenate(first) if first else np.zeros(0, np.int64)
    counts = np.bincount(flat[(flat >= 0) & (flat < m)], minlength=m) if flat.size else np.zeros(m)
    missing, dup = int(np.sum(counts == 0)), int(np.sum(counts > 1))
    outside = int(np.sum((flat < 0) | (flat >= m)))
    if missing or dup or outside:
        kinds = [(missing, "有样本缺失", "some samples missing"),
                 (dup, "有样本重复", "some samples repeated"),
                 (outside, "有下标越界", "some indices out of range")]  # fmt: skip
        problems.append(
            (
                "batches_cover",
                Text(
                    "并非每个样本恰好出现一次：" + "、".join(z for n, z, _ in kinds if n),
                    "not every sample appears exactly once: "
                    + ", ".join(e for n, _, e in kinds if n),
                ),
            )
        )
    want = [batch_size] * (m // batch_size) + ([m % batch_size] if m % batch_size else [])
    if batch_size >= m:
        want = [m]
    got = [int(b.size) for b in first]
    if 0 in got:
        problems.append(("batch_empty", Text("有空的小批量", "an empty mini-batch was yielded")))
    if got != want:  # no counts in the text: they would reveal the hidden m and batch_size
        sizes = (
            Text("批次数不对", "the number of batches is wrong")
            if len(got) != len(want)
            else Text("批次数对，但各批的大小不对", "the right number of batches, but wrong sizes")
        )
        problems.append(("batches_sizes", sizes))
    if not problems:
        # shuffled = the batches hold other samples than the in-order slices; with one batch
        # (batch_size >= m) the order inside it changes nothing, so it is not judged there
        chunks = [np.arange(s, min(s + batch_size, m)) for s in range(0, m, batch_size)]
        in_order = all(np.array_equal(np.sort(b), c) for b, c in zip(first, chunks, strict=True))
        if shuffled and len(first) > 1 and in_order:
            problems.append(
                ("not_shuffled", Text("给了 rng 却没有打乱顺序", "rng given but not shuffled"))
            )
        if not shuffled and not np.array_equal(flat, np.arange(m)):
            problems.append(
                (
                    "shuffled_without_rng",
                    Text("rng 为 None 时顺序被打乱了", "shuffled although rng is None"),
                )
            )
    same = len(first) == len(second) and all(
        np.array_equal(a, b) for a, b in zip(first, second, strict=False)
    )
    if not same:
        problems.append(
            ("not_seeded", Text("同一种子两次调用结果不同", "two calls with the same seed differ"))
        )
    return problems


@task(
    "a3.minibatches",
    ("optim.minibatches",),
    checked=Text(
        "minibatches(m, batch_size, rng)：每个样本恰好一次、批大小 batch_size（最后一个可以较小）、"
        "rng 为 None 时按顺序、给定 rng 时打乱且同一种子结果相同、batch_size ≥ m 时一个批次、"
        "batch_size < 1 时 ValueError",
        "minibatches(m, batch_size, rng): every sample exactly once, batches of batch_size "
        "(the last may be smaller), in order for rng = None, shuffled and reproducible for a seeded "
        "rng, one batch when batch_size >= m, ValueError for batch_size < 1",
    ),
    hints={
        "batch_size_check": Text(
            "batch_size < 1 时要抛出 ValueError（文档字符串）：在函数开头写 if batch_size < 1: "
            "raise ValueError(...)；不要用 assert（它抛出 AssertionError，且 python -O 时会被跳过）。",
            "batch_size < 1 must raise ValueError (the docstring): start with if batch_size < 1: "
            "raise ValueError(...); not assert (it raises AssertionError and python -O skips it).",
        ),
    },
)
def minibatches_task(ctx: Context) -> list[Case]:
    """5 个用例，按比例给分 / 5 cases; fraction credit."""
    rng = ctx.rng
    bs1 = int(rng.integers(3, 7))
    bs2 = int(rng.integers(5, 12))
    bs3 = int(rng.integers(4, 9))
    specs = [
        (bs1 * int(rng.integers(3, 6)) + int(rng.integers(1, bs1)), bs1, None,
         Text("顺序小批量（rng = None）", "in-order batches (rng = None)")),
        (bs2 * int(rng.integers(4, 9)) + int(rng.integers(1, bs2)), bs2, int(rng.integers(2**31)),
         Text("打乱的小批量，最后一批较小", "shuffled batches, smaller last batch")),
        (bs3 * int(rng.integers(4, 9)), bs3, int(rng.integers(2**31)),
         Text("打乱的小批量，m 整除 batch_size", "shuffled batches, batch_size divides m")),
        (int(rng.integers(10, 30)), int(rng.integers(30, 60)), int(rng.integers(2**31)),
         Text("batch_size ≥ m：一个批次", "batch_size >= m: one batch")),
    ]  # fmt: skip
    cases = []
    for m, bs, seed, label in specs:
        reply = ctx.run("batches", m, bs, seed)
        if not reply.ok:
            cases.append(Case(label, False, reply=_as_call(reply, "optim.minibatches")))
            continue
        cases.append(
            heldout.property_case(label, batch_problems(reply.value, m, bs, seed is not None))
        )
    # batch_size < 1 raises ValueError (the docstring); negative, so that a missing check is
    # never rescued by range(0, m, 0) raising a ValueError of its own
    label = Text("batch_size < 1：ValueError", "batch_size < 1: ValueError")
    reply = ctx.run("batch_size_error", int(rng.integers(5, 20)), -int(rng.integers(1, 4)))
    if not reply.ok:
        cases.append(Case(label, False, reply=_as_call(reply, "optim.minibatches")))
    else:
        raised = reply.value.get("raised") if isinstance(reply.value, dict) else "?"
        problems = []
        if raised != "ValueError":
            what = (
                Text("没有抛出异常", "nothing was raised")
                if raised is None
                else Text(f"抛出的是 {raised}", f"raised {raised}")
            )
            problems.append(
                ("batch_size_check", Text("应抛出 ValueError，", "must raise ValueError; ") + what)
            )
        cases.append(heldout.property_case(label, problems))
    return cases


def _as_call(reply: Reply, function: str, functions: tuple[str, ...] = ()) -> Reply:
    """把驱动例程的失败归到学生函数 / Attribute a failed driver routine to a student function."""
    return heldout.attribute(reply, function, functions)


# ------------------------------------------------------------------------------------------
# a3.momentum
# ------------------------------------------------------------------------------------------
SHAPES = [(3, 2), (2,), (2, 1), (1,)]


def _momentum_inputs(d: Draw) -> dict[str, Any]:
    """随机参数、梯度、非零速度、α、β / Random θ, ∂J/∂θ, non-zero v, α and β (β = 0.9 in the
    default group, which calls without β)."""
    rng = d.rng
    params = [rng.uniform(-1, 1, s) for s in SHAPES]
    grads = [rng.uniform(-1, 1, s) for s in SHAPES]
    vel = [rng.uniform(-0.5, 0.5, s) for s in SHAPES]
    lr, beta = float(rng.uniform(0.05, 0.5)), float(rng.uniform(0.5, 0.95))
    return {"params": params, "grads": grads, "vel": vel, "lr": lr, "b": beta}


def _momentum_variant(v: Values, new_v: list[np.ndarray], step: int) -> tuple[Any, Any]:
    """一个错误写法的 (θ, v)；step = +1：θ + v，−1：θ − v / (θ, v) of a mistaken update."""
    return [p + step * nv for p, nv in zip(v.params, new_v, strict=True)], new_v


_MOMENTUM_MISTAKES: dict[str, Mistake] = {
    "momentum_sign": lambda v: ([p - nv for p, nv in zip(v.params, v.want[1], strict=True)], None),
    "momentum_convention": lambda v: _momentum_variant(
        v, [v.b * u + v.lr * g for u, g in zip(v.vel, v.grads, strict=True)], -1
    ),
    "momentum_old_velocity": lambda v: (
        [p + u for p, u in zip(v.params, v.vel, strict=True)],
        None,
    ),
    "momentum_no_beta": lambda v: _momentum_variant(
        v, [u - v.lr * g for u, g in zip(v.vel, v.grads, strict=True)], 1
    ),
    "no_learning_rate": lambda v: _momentum_variant(
        v, [v.b * u - g for u, g in zip(v.vel, v.grads, strict=True)], 1
    ),
    "momentum_grad_sign": lambda v: _momentum_variant(
        v, [v.b * u + v.lr * g for u, g in zip(v.vel, v.grads, strict=True)], 1
    ),
    "momentum_velocity_kept": lambda v: (None, list(v.vel)),
    # Nesterov's look-ahead form θ := θ + β v_new − α ∂J/∂θ (the velocity itself is right)
    "momentum_nesterov": lambda v: (
        [p + v.b * nv - v.lr * g for p, nv, g in zip(v.params, v.want[1], v.grads, strict=True)],
        None,
    ),
}


def _momentum_cases(label: Text, n: int, args: tuple[str, ...], default: bool) -> Cases:
    """冲量法用例组 / A group of momentum_update cases (``default``: β = 0.9 not passed)."""

    def inputs(d: Draw) -> dict[str, Any]:
        v = _momentum_inputs(d)
        return {**v, "b": 0.9} if default else v

    return Cases(
        "optim.momentum_update",
        label,
        inputs,
        oracle=lambda v: O.momentum_update(v.params, v.grads, v.vel, v.lr, v.b),
        outputs=tuple(
            out
            for i in range(len(SHAPES))
            for out in (Out(f"θ_{i + 1}", pick_item(0, i)), Out(f"v_{i + 1}", pick_item(1, i)))
        ),
        args=args,
        mistakes=_MOMENTUM_MISTAKES,
        n=n,
    )


MOMENTUM = Spec(
    "a3.momentum",
    checked=Text(
        "冲量法 v := β v − α ∂J/∂θ，θ := θ + v：随机参数、梯度与非零速度，返回 (新参数, 新速度)，"
        "含默认 β = 0.9，不修改传入的数组",
        "momentum v := β v − α ∂J/∂θ, θ := θ + v on random parameters, gradients and "
        "non-zero velocities; returns (new params, new velocities); default β = 0.9; inputs unchanged",
    ),
    cases=(
        _momentum_cases(RANDOM, 3, ("params", "grads", "vel", "lr", "b"), default=False),
        _momentum_cases(
            Text("默认 β = 0.9", "default β = 0.9"),
            1,
            ("params", "grads", "vel", "lr"),
            default=True,
        ),
    ),
    hints={
        "momentum_convention": Text(
            "你用了另一套约定 v := β v + α ∂J/∂θ、θ := θ − v：它的 v 与文档的 v 符号相反，和传入的速度不一致。"
            "请按文档：v := β v − α ∂J/∂θ，θ := θ + v。",
            "You used the other convention v := β v + α ∂J/∂θ, θ := θ − v: its v has the "
            "opposite sign of the docstring's, so it does not fit the velocities passed in. "
            "Follow the docstring: v := β v − α ∂J/∂θ, θ := θ + v.",
        ),
        "momentum_grad_sign": Text(
            "速度里的梯度项是减号：v := β v − α ∂J/∂θ（你的 v 加上了 α ∂J/∂θ），然后 θ := θ + v。",
            "The gradient term in the velocity is subtracted: v := β v − α ∂J/∂θ (your v adds "
            "α ∂J/∂θ); then θ := θ + v.",
        ),
        "momentum_old_velocity": Text(
            "参数要用新的速度更新：先算 v := β v − α ∂J/∂θ，再 θ := θ + v（不是旧的 v）。",
            "Update the parameters with the *new* velocity: first v := β v − α ∂J/∂θ, then "
            "θ := θ + v (not the old v).",
        ),
        "momentum_no_beta": Text(
            "忘了冲量系数 β：v := β v − α ∂J/∂θ。",
            "Forgot the momentum coefficient β: v := β v − α ∂J/∂θ.",
        ),
        "momentum_velocity_kept": Text(
            "要返回新的速度 v := β v − α ∂J/∂θ：调用者把它传给下一次调用，返回旧的 v 等于每次都从旧速度重新开始。",
            "Return the new velocity v := β v − α ∂J/∂θ: the caller passes it to the next call; "
            "returning the old v restarts from the old velocity every time.",
        ),
        "momentum_nesterov": Text(
            "你用了 Nesterov 冲量的形式 θ := θ + β v − α ∂J/∂θ（用新的 v）。本作业是普通冲量法："
            "先 v := β v − α ∂J/∂θ，再 θ := θ + v（梯度只通过 v 进入一次）。",
            "You used Nesterov's form θ := θ + β v − α ∂J/∂θ (with the new v). This assignment "
            "uses plain momentum: first v := β v − α ∂J/∂θ, then θ := θ + v (the gradient enters "
            "once, through v).",
        ),
    },
)


# ------------------------------------------------------------------------------------------
# a3.weight_decay
# ------------------------------------------------------------------------------------------
def _decay_inputs(d: Draw) -> dict[str, Any]:
    """随机的层数（1–3 个权重矩阵）、形状、λ 与 m / Random layers (1–3 weight matrices), λ, m."""
    rng = d.rng
    sizes = [int(s) for s in rng.integers(1, 6, int(rng.integers(2, 5)))]
    weights = [rng.uniform(-2, 2, (a, b)) for a, b in itertools.pairwise(sizes)]
    return {
        "weights": weights,
        "lam": float(rng.uniform(0.01, 2.0)),
        "m": int(rng.integers(2, 200)),
    }


WEIGHT_DECAY = Spec(
    "a3.weight_decay",
    checked=Text(
        "R = λ/(2m) Σ_l Σ_ji (w_ji^(l))² 与 ∂R/∂W^(l) = (λ/m) W^(l)（随机的层数、形状、λ 与 m），不修改传入的数组",
        "R = λ/(2m) Σ_l Σ_ji (w_ji^(l))² and ∂R/∂W^(l) = (λ/m) W^(l) (random layer counts, "
        "shapes, λ and m); inputs unchanged",
    ),
    cases=(
        Cases(
            "losses.weight_decay",
            RANDOM,
            _decay_inputs,
            oracle=lambda v: L.weight_decay(v.weights, v.lam, v.m),
            outputs=lambda v: (
                Out("R = λ/(2m) Σ w²", pick=0, scalar=True),
                *(Out(f"∂R/∂W^({i + 1})", pick_item(1, i)) for i in range(len(v.weights))),
            ),
            args=("weights", "lam", "m"),
            mistakes={
                "missing_1_over_m": lambda v: (v.want[0] * v.m, [d * v.m for d in v.want[1]]),
                "weight_decay_half": lambda v: (
                    2 * v.want[0],
                    [AnyOf((d / 2, 2 * d)) for d in v.want[1]],
                ),
                "sign_error": lambda v: (None, [-d for d in v.want[1]]),
                "weight_decay_square_of_sum": lambda v: (
                    v.lam / (2 * v.m) * sum(float(np.sum(W)) ** 2 for W in v.weights),
                    None,
                ),
                "weight_decay_l1": lambda v: (
                    v.lam / (2 * v.m) * sum(float(np.sum(np.abs(W))) for W in v.weights),
                    None,
                ),
                # lam / 2 * m: R multiplied by m² (the gradient's (λ/m) W may be right)
                "weight_decay_precedence": lambda v: (v.want[0] * v.m**2, None),
                # ‖W‖_F instead of ‖W‖_F² (1×1 weights only: the same as L1, named first)
                "weight_decay_norm": lambda v: (
                    v.lam / (2 * v.m) * sum(float(np.linalg.norm(W)) for W in v.weights),
                    None,
                ),
                "weight_decay_mean": lambda v: (
                    v.lam / (2 * v.m) * sum(float(np.mean(W * W)) for W in v.weights),
                    None,
                ),
            },
            n=3,
        ),
    ),
    hints={
        "weight_decay_precedence": Text(
            "运算顺序：写 lam / (2 * m)；lam / 2 * m 等于 (λ/2)·m，乘了 m 而不是除以 m。",
            "Operator precedence: write lam / (2 * m); lam / 2 * m is (λ/2)·m, multiplying by "
            "m instead of dividing.",
        ),
        "weight_decay_half": Text(
            "正则项是 R = λ/(2m) Σ w²（有 ½），它的梯度是 (λ/m) W（½ 与平方的 2 抵消）。",
            "The penalty is R = λ/(2m) Σ w² (with the ½); its gradient is (λ/m) W (the ½ "
            "cancels the 2 of the square).",
        ),
        "weight_decay_square_of_sum": Text(
            "先平方再求和：Σ_ji (w_ji)²（np.sum(W * W)），不是 (Σ_ji w_ji)²。",
            "Square first, then sum: Σ_ji (w_ji)² (np.sum(W * W)), not (Σ_ji w_ji)².",
        ),
        "weight_decay_l1": Text(
            "L2 权值衰减罚的是权重的平方 Σ w²，不是绝对值 Σ |w|（那是 L1）。",
            "L2 weight decay penalises the squared weights Σ w², not their absolute values "
            "Σ |w| (that is L1).",
        ),
        "weight_decay_norm": Text(
            "R 用的是范数的平方 ‖W‖_F² = Σ_ji (w_ji)²（np.sum(W * W)），不是 ‖W‖_F 本身（np.linalg.norm(W) 少了平方）。",
            "R uses the squared norm ‖W‖_F² = Σ_ji (w_ji)² (np.sum(W * W)), not ‖W‖_F itself "
            "(np.linalg.norm(W) misses the square).",
        ),
        "weight_decay_mean": Text(
            "对每个权重的平方求和 Σ_ji (w_ji)²（np.sum(W * W)），不是取平均（np.mean 多除了元素个数）；"
            "前面的 1/m 是样本数，已在 λ/(2m) 里。",
            "Sum the squared weights, Σ_ji (w_ji)² (np.sum(W * W)), do not average them (np.mean "
            "also divides by the number of entries); the 1/m is the number of samples, already in "
            "λ/(2m).",
        ),
    },
    # with 1×1 weights only, ‖W‖_F = |w| and the L1 hint (first in the table) names the case
    supersedes={"weight_decay_norm": ("weight_decay_l1",)},
)


# ------------------------------------------------------------------------------------------
# a3.normalise
# ------------------------------------------------------------------------------------------
def _features(
    rng: np.random.Generator, m: int, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """不同尺度的特征 / Features on very different scales: (offsets, scales, X (m, n))."""
    offset = rng.uniform(-50, 50, n)
    scale = 10.0 ** rng.uniform(-2, 3, n)
    return offset, scale, offset + scale * rng.normal(size=(m, n))


@task(
    "a3.normalise",
    (
        "preprocessing.zscore_fit",
        "preprocessing.zscore_transform",
        "preprocessing.minmax_fit",
        "preprocessing.minmax_transform",
    ),
    checked=Text(
        "z-score：训练集上的 μ、σ（总体标准差），用训练集统计量变换测试数据，常数特征（σ = 0）变为 0 且无除零；"
        "最小-最大：训练集上的 min、max，用它们变换测试数据（可超出 [0, 1]，不裁剪），常数特征变为 0；"
        "float32 训练数据的统计量为 float64",
        "z-score: μ and σ (population std) of the training set, test data transformed "
        "with the training statistics, a constant feature (σ = 0) maps to 0 without dividing by "
        "zero; min-max: min and max of the training set, test data transformed with them (may leave "
        "[0, 1], not clipped), a constant feature maps to 0; float32 training data give float64 "
        "statistics",
    ),
    hints={
        "stats_float64": Text(
            "zscore_fit / minmax_fit 要返回 float64 的统计量（文档字符串），float32 或整数数据也一样："
            "先 X = np.asarray(X, dtype=np.float64) 再求 mean/std 或 min/max。",
            "zscore_fit / minmax_fit return float64 statistics (the docstring), also for float32 "
            "or integer data: cast first, X = np.asarray(X, dtype=np.float64), then take the "
            "mean/std or min/max.",
        ),
    },
    supersedes={"stats_float64": ("wrong_dtype",)},
)
def normalise(ctx: Context) -> list[Case]:
    """7 个用例，按比例给分 / 7 cases; fraction credit."""
    rng = ctx.rng
    cases = []
    m, n = int(rng.integers(15, 40)), int(rng.integers(3, 6))
    _, _, X = _features(rng, m + 10, n)
    Xtr, Xte = X[:m], X[m:]
    mu, sd = P.zscore_fit(Xtr)
    cases.append(
        run_case(
            ctx,
            "preprocessing.zscore_fit",
            (Xtr,),
            [
                Expect("μ", mu, pick_item(0), {"stats_order": sd}),
                Expect(
                    "σ",
                    sd,
                    pick_item(1),
                    {
                        "zscore_ddof": Xtr.std(axis=0, ddof=1),
                        "zscore_variance": sd**2,
                        "stats_order": mu,
                    },
                ),
            ],
            Text("z-score：训练集的 μ、σ", "z-score: μ and σ of the training set"),
        )
    )
    want = P.zscore_transform(Xte, mu, sd)
    own = (Xte - Xte.mean(axis=0)) / Xte.std(axis=0)
    cases.append(
        run_case(
            ctx,
            "preprocessing.zscore_transform",
            (Xte, mu, sd),
            [
                Expect(
                    "x'",
                    want,
                    mistakes={"test_statistics": own, "zscore_variance": (Xte - mu) / sd**2},
                )
            ],
            Text(
                "z-score：用训练集统计量变换测试数据",
                "z-score: test data with the training statistics",
            ),
        )
    )
    # a constant feature: σ_j = 0 must not divide by zero
    Xc = Xtr.copy()
    j = int(rng.integers(n))
    Xc[:, j] = float(rng.integers(-8, 8)) + 0.5  # exactly representable: σ_j == 0 exactly
    mu_c, sd_c = P.zscore_fit(Xc)
    Xte_c = Xte.copy()
    # the constant column stays constant in the data transformed: "maps to 0" and "x − μ"
    # agree there, so both readings of the contract get the same marks
    Xte_c[:, j] = Xc[0, j]
    label = Text("z-score：常数特征（σ_j = 0）", "z-score: a constant feature (σ_j = 0)")
    fit_reply = ctx.call("preprocessing.zscore_fit", Xc)
    fit_case = case_from_reply(
        fit_reply, [Expect("σ", sd_c, pick_item(1), atol_scale=1e-12)], label
    )
    if fit_case.passed:
        tr = run_case(
            ctx,
            "preprocessing.zscore_transform",
            (Xte_c, mu_c, sd_c),
            [Expect("x'", P.zscore_transform(Xte_c, mu_c, sd_c), atol_scale=1e-6)],
            label,
            stable=True,
        )
        if not tr.passed and ("nonfinite" in tr.hints or "overflow_warning" in tr.hints
                              or "unstable" in tr.hints or _has_nonfinite(tr)):  # fmt: skip
            tr.hints = ["std_zero", *(h for h in tr.hints if h not in _NUMERIC_HINTS)]
        cases.append(tr)
    else:
        cases.append(fit_case)
    # min-max
    lo, hi = P.minmax_fit(Xc)
    cases.append(
        run_case(
            ctx,
            "preprocessing.minmax_fit",
            (Xc,),
            [
                Expect("min", lo, pick_item(0), {"stats_order": hi}),
                Expect("max", hi, pick_item(1), {"stats_order": lo}),
            ],
            Text("最小-最大：训练集的 min、max", "min-max: min and max of the training set"),
        )
    )
    Xte_m = Xte_c.copy()
    Xte_m[0] = hi + np.abs(hi - lo) + 1.0  # beyond the training range
    Xte_m[0, j] = Xc[0, j]  # except the constant feature (see above)
    want_m = P.minmax_transform(Xte_m, lo, hi)
    span = Xte_m.max(axis=0) - Xte_m.min(axis=0)
    own_m = (Xte_m - Xte_m.min(axis=0)) / np.where(span > 0, span, 1.0)
    mm = run_case(
        ctx,
        "preprocessing.minmax_transform",
        (Xte_m, lo, hi),
        [
            Expect(
                "x'",
                want_m,
                mistakes={
                    "test_statistics": own_m,
                    "minmax_clipped": np.clip(want_m, 0, 1),
                    "minmax_span": (Xte_m - lo) / np.where(hi != 0, hi, 1.0),
                },
                atol_scale=1e-6,
            )
        ],
        Text(
            "最小-最大：测试数据（超出训练范围、含常数特征）",
            "min-max: test data (beyond the training range, with a constant feature)",
        ),
        stable=True,
    )
    if not mm.passed and _has_nonfinite(mm):
        mm.hints = ["std_zero", *(h for h in mm.hints if h not in _NUMERIC_HINTS)]
    cases.append(mm)
    # float32 training data: the docstrings promise float64 statistics (cast X first). The
    # values are checked at float32-sized tolerance (float64 cases above check the values; the
    # features are O(1), so a μ near 0 is judged on an absolute 1e-6), so statistics computed
    # in float32 and then cast to float64 keep the marks.
    X32 = (rng.uniform(-3, 3, (int(rng.integers(15, 40)), n)) * rng.uniform(0.5, 4, n)).astype(
        np.float32
    )
    for function, stats, names in (
        ("preprocessing.zscore_fit", P.zscore_fit, ("μ", "σ")),
        ("preprocessing.minmax_fit", P.minmax_fit, ("min", "max")),
    ):
        want32 = stats(X32)
        c32 = run_case(
            ctx,
            function,
            (X32,),
            [
                Expect(name, want32[i], pick_item(i), rtol=1e-4, atol_scale=1e-2, dtype=np.float64)
                for i, name in enumerate(names)
            ],
            Text(
                f"{function.split('.')[1]}：float32 训练数据，统计量为 float64",
                f"{function.split('.')[1]}: float32 training data, float64 statistics",
            ),
        )
        if not c32.passed and any(c.kind == BAD_DTYPE for c in c32.comparisons):
            c32.hints = ["stats_float64", *(h for h in c32.hints if h != "stats_float64")]
        cases.append(c32)
    return cases


_NUMERIC_HINTS = ("nonfinite", "unstable", "overflow_warning")


def _has_nonfinite(case: Case) -> bool:
    """用例中是否出现 NaN/inf 或除零警告 / Whether a case failed with NaN/inf or divide warnings."""
    return any(c.kind == "nonfinite" for c in case.comparisons) or any(
        h in ("nonfinite", "unstable", "overflow_warning") for h in case.hints
    )


# ------------------------------------------------------------------------------------------
# a3.early_stopping
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StopVariant:
    """早停规则的（错误）变体 / A variant of the patience rule (the right one or a mistake)."""

    off_by_one: bool = False
    best_always_current: bool = False
    ties: bool = False
    no_min_delta: bool = False
    no_reset: bool = False
    min_delta_sign: bool = False
    best_epoch_next: bool = False
    early: bool = False
    best_follows: bool = False
    best_not_updated: bool = False
    best_lowered: bool = False
    relative: bool = False


def stop_run(
    val: np.ndarray, patience: int, min_delta: float, v: StopVariant | None = None
) -> dict[str, np.ndarray]:
    """按 fit 的循环运行早停规则 / Run the patience rule as fit does (nncore, or a mistake)."""
    v = v or StopVariant()
    best, best_epoch, wait = np.inf, -1, 0
    rec: dict[str, list[Any]] = {"best_loss": [], "best_epoch": [], "wait": [], "stop": []}
    for epoch, x in enumerate(val):
        if v == StopVariant():
            best, best_epoch, wait, stop = early_stopping_step(
                best, best_epoch, wait, float(x), epoch, patience, min_delta
            )
        else:
            delta = 0.0 if v.no_min_delta else -min_delta if v.min_delta_sign else min_delta
            better = x <= best - delta if v.ties else x < best - delta
            if v.relative:  # min_delta read as a relative improvement
                better = x < best * (1 - min_delta)
            if better:
                best, wait = (best if v.best_not_updated else float(x)), (wait if v.no_reset else 0)
                best_epoch = epoch + 1 if v.best_epoch_next else epoch
                stop = v.no_reset and wait >= patience
            else:
                wait += 1
                if v.best_always_current:
                    best_epoch = epoch
                if v.best_follows:
                    best = float(x)
                if v.best_lowered:
                    best = min(best, float(x))
                limit = patience + 1 if v.off_by_one else patience - 1 if v.early else patience
                stop = wait >= limit
        rec["best_loss"].append(float(best))
        rec["best_epoch"].append(int(best_epoch))
        rec["wait"].append(int(wait))
        rec["stop"].append(bool(stop))
        if stop:
            break
    return {k: np.asarray(x) for k, x in rec.items()}


STOP_MISTAKES = {
    "early_stop_off_by_one": StopVariant(off_by_one=True),
    "early_stop_not_restoring": StopVariant(best_always_current=True),
    "early_stop_ties": StopVariant(ties=True),
    "early_stop_min_delta": StopVariant(no_min_delta=True),
    "early_stop_relative": StopVariant(relative=True),
    "early_stop_wait_reset": StopVariant(no_reset=True),
    "early_stop_min_delta_sign": StopVariant(min_delta_sign=True),
    "early_stop_best_epoch": StopVariant(best_epoch_next=True),
    "early_stop_early": StopVariant(early=True),
    "early_stop_best_loss": StopVariant(best_follows=True),
    "early_stop_best_not_updated": StopVariant(best_not_updated=True),
    "early_stop_best_lowered": StopVariant(best_lowered=True),
}


def _val_curve(rng: np.random.Generator, min_delta: float) -> np.ndarray:
    """验证损失曲线：先降后升，含平台与相等值 / A validation curve: falls, plateaus (with exact
    ties and steps smaller than min_delta), rises."""
    n = int(rng.integers(14, 22))
    t = np.arange(n)
    turn = int(rng.integers(4, n - 6))
    curve_ = 1.0 / (1 + 0.4 * t) + 0.02 * np.maximum(0, t - turn) ** 1.3
    # on the grid of multiples of 1/1024 (exact in binary): every difference of two values is
    # an exact multiple of 1/1024 while min_delta is an odd multiple of 1/2048, so no decision
    # "val < best − min_delta" sits on the boundary and every correct way of writing it
    # (best − val > min_delta, …) decides the same; exact ties stay exact
    curve_ = np.round((curve_ + rng.uniform(0, 0.01, n)) * GRID) / GRID
    k = int(rng.integers(2, turn))
    curve_[k + 1] = curve_[k]  # an exact tie
    if min_delta > 0:
        # better by less than min_delta, but by more than best·min_delta (best < 0.6 here), so
        # that a relative threshold best·(1 − min_delta) always decides otherwise
        curve_[k + 2] = curve_[k] - np.floor(min_delta * 0.75 * GRID) / GRID
    return curve_


#: The validation curves' grid (1/1024) and min_delta values (odd multiples of 1/2048).
GRID = 1024.0
MIN_DELTAS = (11 / 2048, 21 / 2048, 41 / 2048)


def _restored(best_epoch: np.ndarray) -> int:
    """fit 最后恢复的轮次 / The epoch whose weights fit holds at the end (−1: none)."""
    hits = [e for e, b in enumerate(best_epoch.tolist()) if b == e]
    return hits[-1] if hits else -1


def _stop_inputs(d: Draw) -> dict[str, Any]:
    """一条验证曲线（用例 1：min_delta = 0）与耐心值 / A validation curve and the patience."""
    min_delta = 0.0 if d.k == 0 else float(d.rng.choice(MIN_DELTAS))
    patience = int(d.rng.integers(2, 5))
    return {"val": _val_curve(d.rng, min_delta), "patience": patience, "min_delta": min_delta}


def _stop_variant(code: str) -> Mistake:
    """一种错误规则的逐轮记录 / The per-epoch record of a mistaken rule."""
    return lambda v: stop_run(v.val, v.patience, v.min_delta, STOP_MISTAKES[code])


def _record(name: str) -> Callable[[Any], np.ndarray]:
    """记录中的一列（float64）/ One column of a per-epoch record, as float64."""
    return lambda r: np.asarray(r[name], dtype=np.float64)


def _stop_review(case: Case, reply: Reply, v: Values) -> Case:
    """停止轮次、恢复的轮次与整条记录的诊断 / When it stopped, which epoch fit restores, and
    the hints of the variants that match the student's whole record (not just one column)."""
    got = reply.value if isinstance(reply.value, dict) else {}
    want = v.want
    stops = got.get("stop")
    if isinstance(stops, np.ndarray) and stops.ndim == 1 and stops.size != want["stop"].size:
        late = stops.size > want["stop"].size
        case.comparisons = []
        case.note = Text(
            "停止得比耐心规则" + ("晚" if late else "早"),
            "stopped " + ("later" if late else "earlier") + " than the patience rule",
        )
    be = got.get("best_epoch")
    if (
        isinstance(be, np.ndarray)
        and be.ndim == 1
        and _restored(be) != _restored(want["best_epoch"])
    ):
        case.passed = False
        case.note = Text(
            "fit 最后恢复的不是最好一轮的参数", "fit would not restore the best epoch's parameters"
        )
    if not case.passed:
        full = [
            code
            for code in STOP_MISTAKES
            if all(
                isinstance(got.get(n), np.ndarray)
                and matches(got[n].astype(float), w.astype(float))  # equal infs match too
                for n, w in _stop_variant(code)(v).items()
            )
        ]
        if "early_stop_min_delta" in full:  # its text covers a relative threshold too
            full = [c for c in full if c != "early_stop_relative"]
        case.hints = full + [h for h in case.hints if h not in STOP_MISTAKES]
    return case


EARLY_STOPPING = Spec(
    "a3.early_stopping",
    checked=Text(
        "早停规则：按 fit 的循环，在随机验证损失曲线（含相等值与小于 min_delta 的改进）上逐轮调用你的函数，"
        "比较每轮的 (best_loss, best_epoch, wait, stop)、停止的轮次与最后恢复的最好轮次",
        "the patience rule, called epoch by epoch as fit does on random validation curves "
        "(with exact ties and improvements smaller than min_delta): (best_loss, best_epoch, wait, "
        "stop) after every epoch, the epoch it stops at and the best epoch restored at the end",
    ),
    cases=(
        Cases(
            "training.early_stopping_step",
            Text("验证曲线", "validation curve"),
            _stop_inputs,
            oracle=lambda v: stop_run(v.val, v.patience, v.min_delta),
            outputs=tuple(
                Out(name, _record(name), atol_scale=1e-12)
                for name in ("best_epoch", "wait", "stop", "best_loss")
            ),
            args=("val", "patience", "min_delta"),
            mistakes={code: _stop_variant(code) for code in STOP_MISTAKES},
            n=3,
            routine="early_stopping",  # the worker loops the rule as fit does
            review=_stop_review,
        ),
    ),
    hints={
        "early_stop_off_by_one": Text(
            "耐心值差了一：连续 patience 轮没有改进时就停（wait + 1 ≥ patience 时 stop = True），不是多等一轮。",
            "Off by one: stop as soon as patience epochs in a row brought no improvement (stop "
            "when wait + 1 >= patience), not one epoch later.",
        ),
        "early_stop_not_restoring": Text(
            "没有改进时 best_epoch 必须保持不变：fit 在 best_epoch == epoch 时保存参数、最后恢复它们；"
            "若每轮都把 best_epoch 设为当前轮，最后得到的是最后一轮而不是最好一轮的参数。",
            "Without improvement best_epoch must stay as it is: fit saves the parameters when "
            "best_epoch == epoch and restores them at the end; setting best_epoch to the current "
            "epoch every time restores the last epoch, not the best one.",
        ),
        "early_stop_ties": Text(
            "改进的条件是严格的 val_loss < best_loss − min_delta：相等不算改进。",
            "Improvement is strict, val_loss < best_loss − min_delta: an equal loss is not an "
            "improvement.",
        ),
        "early_stop_min_delta": Text(
            "min_delta 没有按文档起作用：只有 val_loss < best_loss − min_delta（比最好值低 min_delta 以上，"
            "绝对差值）才算改进。",
            "min_delta is not applied as documented: only val_loss < best_loss − min_delta (lower "
            "than the best by more than min_delta, an absolute difference) counts as an "
            "improvement.",
        ),
        "early_stop_relative": Text(
            "min_delta 是绝对改进量：条件是 val_loss < best_loss − min_delta，不是相对的 "
            "val_loss < best_loss·(1 − min_delta)。",
            "min_delta is an absolute improvement: the test is val_loss < best_loss − min_delta, "
            "not the relative val_loss < best_loss·(1 − min_delta).",
        ),
        "early_stop_wait_reset": Text(
            "有改进时等待计数要清零（wait = 0）。",
            "Reset the wait counter to 0 on an improvement.",
        ),
        "early_stop_min_delta_sign": Text(
            "min_delta 的符号反了：改进要比最好值再低 min_delta 以上，val_loss < best_loss − min_delta"
            "（不是 best_loss + min_delta）。",
            "min_delta has the wrong sign: an improvement must beat the best by more than "
            "min_delta, val_loss < best_loss − min_delta (not best_loss + min_delta).",
        ),
        "early_stop_best_epoch": Text(
            "有改进时 best_epoch 是当前轮 epoch 本身（fit 在 best_epoch == epoch 时保存参数），不是 epoch + 1。",
            "On an improvement best_epoch is the current epoch itself (fit saves the parameters "
            "when best_epoch == epoch), not epoch + 1.",
        ),
        "early_stop_best_lowered": Text(
            "改进不足 min_delta 时不算改进：best_loss 保持不变，不要取 min(best_loss, val_loss)。",
            "An improvement smaller than min_delta is no improvement: keep best_loss as it is; "
            "do not take min(best_loss, val_loss).",
        ),
        "early_stop_best_not_updated": Text(
            "有改进时 best_loss 要更新为本轮的 val_loss（并把 best_epoch 设为本轮、wait 清零）。",
            "On an improvement the new best_loss is this epoch's val_loss (with best_epoch = "
            "this epoch and wait = 0).",
        ),
        "early_stop_best_loss": Text(
            "没有改进时 best_loss 保持不变（返回原来的 best_loss），不要换成本轮的 val_loss。",
            "Without improvement keep best_loss as it is (return the old best_loss); do not "
            "replace it with this epoch's val_loss.",
        ),
        "early_stop_early": Text(
            "耐心值差了一：连续 patience 轮没有改进（wait ≥ patience）才停，不是提前一轮。",
            "Off by one: stop once patience epochs in a row brought no improvement "
            "(wait >= patience), not one epoch earlier.",
        ),
    },
)


# ------------------------------------------------------------------------------------------
# a3.sgd_epoch
# ------------------------------------------------------------------------------------------
@dataclass
class SgdCase:
    """sgd_epoch 的一个精确用例 / One exact case of sgd_epoch (replayed with nncore)."""

    spec: dict[str, Any]
    params: list[np.ndarray]
    X: np.ndarray
    y: np.ndarray
    label: Text
    extra: dict[str, Any] = field(default_factory=dict)


def _default_batches(spec: dict[str, Any], m: int) -> list[list[np.ndarray]]:
    """nncore 的批次顺序 / nncore's batches for ``epochs`` epochs of one generator stream."""
    rng = None if spec.get("seed") is None else np.random.default_rng(int(spec["seed"]))
    return [
        list(O.minibatches(m, int(spec["batch_size"]), rng)) for _ in range(int(spec["epochs"]))
    ]


def _valid_batches(value: Any, m: int, epochs: int) -> list[list[np.ndarray]] | None:
    """学生 minibatches 给出的批次（可用于重放）/ The student's batches, if usable for a replay."""
    if not isinstance(value, list) or len(value) != epochs:
        return None
    out = []
    for ep in value:
        idx = _as_index_list(ep)
        if idx is None or any(i.size and (i.min() < 0 or i.max() >= m) for i in idx):
            return None
        out.append(idx)
    return out


def _same_batches(a: list[list[np.ndarray]], b: list[list[np.ndarray]]) -> bool:
    """两组批次完全相同 / True if two epochs-of-batches lists hold the same index arrays."""
    return len(a) == len(b) and all(
        len(x) == len(y) and all(np.array_equal(i, j) for i, j in zip(x, y, strict=True))
        for x, y in zip(a, b, strict=True)
    )


def replay(
    spec: dict[str, Any],
    params: list[np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    batches: list[list[np.ndarray]],
    *,
    decay_all: bool = False,
) -> tuple[MLP, list[list[tuple[float, int]]]]:
    """用 nncore 重放学生的批次 / Replay the epochs with nncore on the given batches.

    Returns (the trained MLP, per epoch the (J_B, |B|) of every non-empty batch; see
    :func:`epoch_losses`). Every batch carries λ/(2m) Σ w² (m = all samples), i.e.
    ``MLP.loss`` with λ·|B|/m. ``decay_all`` models the mistake "λ/m·θ added to every
    parameter, biases included".
    """
    net = MLP(list(spec["sizes"]), activations=list(spec["activations"]), seed=0)
    for p, v in zip(net.params, params, strict=True):
        p[...] = v
    opt = O.GradientDescent(float(spec["lr"]))
    lam = float(spec.get("lam", 0.0))
    out: list[list[tuple[float, int]]] = []
    with np.errstate(all="ignore"):
        for epoch in batches:
            js: list[tuple[float, int]] = []
            for idx in epoch:
                if idx.size == 0:
                    continue
                if decay_all:
                    J, grads = net.loss(X[idx], y[idx], spec["loss"], 0.0)
                    c = lam / X.shape[0]
                    grads = [g + c * p for g, p in zip(grads, net.params, strict=True)]
                else:
                    J, grads = net.loss(X[idx], y[idx], spec["loss"], lam * idx.size / X.shape[0])
                opt.step(net.params, grads)
                js.append((float(J), int(idx.size)))
            out.append(js)
    return net, out


def epoch_losses(
    per_epoch: list[list[tuple[float, int]]], m: int, batch_size: int
) -> dict[str, np.ndarray]:
    """每轮的损失及其常见错误形式 / The epoch loss Σ_B |B|·J_B / m of every epoch
    (``"weighted"``) and what the known mistakes return instead: the plain mean of J_B, the
    last J_B, every batch weighted by batch_size (the last, smaller one too), Σ_B |B|·J_B not
    divided by m."""
    forms: dict[str, list[float]] = {k: [] for k in ("weighted", "epoch_loss_mean",
             "epoch_loss_last", "epoch_loss_full_batches", "epoch_loss_sum")}  # fmt: skip
    for js in per_epoch:
        J = np.asarray([j for j, _ in js], dtype=float)
        n = np.asarray([k for _, k in js], dtype=float)
        total = float(J @ n) if J.size else 0.0
        forms["weighted"].append(total / m)
        forms["epoch_loss_mean"].append(float(J.mean()) if J.size else 0.0)
        forms["epoch_loss_last"].append(float(J[-1]) if J.size else 0.0)
        forms["epoch_loss_full_batches"].append(float(J.sum()) * batch_size / m)
        forms["epoch_loss_sum"].append(total)
    return {k: np.asarray(v) for k, v in forms.items()}


def _flat(value: Any) -> np.ndarray:
    """参数列表展平 / Flatten a list of parameter arrays (TypeError on malformed input)."""
    if not isinstance(value, list | tuple) or not value:
        raise TypeError("not a list")
    try:
        return np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in value])
    except ValueError as exc:
        raise TypeError("not numeric") from exc


def _floats(value: Any) -> np.ndarray:
    """每轮返回的损失 / The values returned by every epoch as floats (TypeError if not)."""
    try:
        return np.asarray([float(x) for x in value])
    except (ValueError, OverflowError) as exc:
        raise TypeError("not numeric") from exc


def _sgd_cases(rng: np.random.Generator) -> list[SgdCase]:
    """三个精确用例 / The three exact cases: in order (mse, two hidden layers), shuffled over
    two epochs (bce, K = 1), shuffled with weight decay (softmax + ce)."""
    out = []
    # 1: in order, mse, two hidden layers (a step or a decay that misses a deeper layer shows)
    m, bs = int(rng.integers(11, 16)), int(rng.integers(3, 5))
    m += m % bs == 0  # a smaller last batch for every student (|B| vs batch_size shows)
    spec = {"sizes": [3, 4, 3, 2], "activations": ["tanh", "tanh", "sigmoid"], "loss": "mse",
            "lr": float(rng.uniform(0.2, 0.8)), "batch_size": bs, "epochs": 1, "seed": None,
            "lam": 0.0}  # fmt: skip
    out.append(SgdCase(spec, heldout.xavier_params(rng, spec["sizes"]),
                       rng.uniform(-1, 1, (m, 3)), rng.uniform(0, 1, (m, 2)),
                       Text("顺序小批量，两个隐层，½‖h−y‖²，一轮",
                            "in-order batches, two hidden layers, ½‖h−y‖², one epoch")))  # fmt: skip
    # 2: shuffled, bce, two epochs
    m, bs = int(rng.integers(15, 21)), int(rng.integers(4, 7))
    spec = {"sizes": [4, 5, 1], "activations": ["sigmoid", "sigmoid"], "loss": "bce",
            "lr": float(rng.uniform(0.2, 0.8)), "batch_size": bs, "epochs": 2,
            "seed": int(rng.integers(2**31)), "lam": 0.0}  # fmt: skip
    out.append(SgdCase(spec, heldout.xavier_params(rng, spec["sizes"]),
                       rng.uniform(-1, 1, (m, 4)), rng.integers(0, 2, (m, 1)).astype(float),
                       Text("打乱的小批量，交叉熵，两轮", "shuffled batches, cross-entropy, two epochs")))  # fmt: skip
    # 3: shuffled, softmax + ce, weight decay
    m, bs = int(rng.integers(17, 23)), int(rng.integers(5, 8))
    m += m % bs == 0  # a smaller last batch: λ·|B|/m and λ·batch_size/m differ there
    spec = {"sizes": [4, 6, 3], "activations": ["tanh", "softmax"], "loss": "ce",
            "lr": float(rng.uniform(0.2, 0.8)), "batch_size": bs, "epochs": 1,
            "seed": int(rng.integers(2**31)), "lam": float(rng.uniform(0.1, 1.0))}  # fmt: skip
    out.append(SgdCase(spec, [p + (0.1 if p.ndim == 1 else 0.0) for p in
                              heldout.xavier_params(rng, spec["sizes"])],
                       rng.uniform(-1, 1, (m, 4)), rng.integers(0, 3, m).astype(np.int64),
                       Text("打乱的小批量，softmax 交叉熵 + 权值衰减 λ", "shuffled, softmax CE + weight decay λ")))  # fmt: skip
    return out


#: The held-out training run of a3.sgd_epoch (thresholds: :mod:`grader.suites.calibrate`).
SGD_RUN = {"sizes": list(S.SGD.sizes), "activations": list(S.SGD.activations),
           "loss": S.SGD.loss, "lr": S.SGD.lr, "batch_size": S.SGD.batch_size,
           "epochs": S.SGD.epochs, "lam": S.SGD.lam}  # fmt: skip
SGD_SPLIT = (1000, 797)
SGD_MIN_ACCURACY = S.SGD.min_accuracy


def sgd_setup(rng: np.random.Generator) -> dict[str, Any]:
    """留出用例的数据与初值 / Data split and initial weights of the held-out sgd case."""
    X, y = heldout.digits()
    tr, te = heldout.digit_split(rng, SGD_SPLIT)
    spec = dict(SGD_RUN, seed=int(rng.integers(2**31)))
    return {"spec": spec, "params": heldout.xavier_params(rng, spec["sizes"]),
            "X": X[tr], "y": y[tr], "X_test": X[te], "y_test": y[te]}  # fmt: skip


def sgd_reference(
    setup: dict[str, Any],
    *,
    fast: bool = True,
    batches: list[list[np.ndarray]] | None = None,
) -> dict[str, Any]:
    """nncore 参考运行（与驱动例程相同）/ nncore's run of the driver routine ``sgd_epochs``.

    ``fast``: nncore's fast path (:class:`nncore.fastpath.EpochEngine`, one engine for all
    epochs), equal to ``sgd_epoch`` up to float rounding (``tests/grader/test_fullbatch.py``
    compares both on this task's settings); ``fast=False`` calls ``sgd_epoch`` every epoch.
    ``batches``: the batches the student's sgd_epoch used (one list per epoch); when they are
    not nncore's own for the task's seed (a ``minibatches`` that ignores its rng), the
    reference trains on them instead, so that mistake costs a3.minibatches alone.
    """
    from nncore.fastpath import EpochEngine
    from nncore.training import sgd_epoch

    spec = setup["spec"]
    if batches is not None and not _same_batches(batches, _default_batches(spec, len(setup["y"]))):
        net = replay(spec, setup["params"], setup["X"], setup["y"], batches)[0]
        return {"params": [p.copy() for p in net.params]}
    net = heldout.network(spec["sizes"], spec["activations"], setup["params"])
    opt = O.GradientDescent(spec["lr"])
    rng = np.random.default_rng(spec["seed"])
    kw = {"loss": spec["loss"], "optimizer": opt, "batch_size": spec["batch_size"],
          "lam": spec["lam"]}  # fmt: skip
    engine = EpochEngine(net, setup["X"], setup["y"], **kw) if fast else None
    for _ in range(spec["epochs"]):
        if engine is not None:
            engine.run(rng)
        else:
            sgd_epoch(net, setup["X"], setup["y"], rng=rng, **kw)
    return {"params": [p.copy() for p in net.params]}


def sgd_score(setup: dict[str, Any], value: Any) -> tuple[float | None, list[Comparison]]:
    """留出数据上的准确率 / Held-out accuracy of the returned parameters (None if unusable)."""
    spec = setup["spec"]
    params = value.get("params") if isinstance(value, dict) else None
    bad = heldout.check_params(params, heldout.param_shapes(spec["sizes"]), "θ")
    if bad:
        return None, bad
    net = heldout.network(spec["sizes"], spec["activations"], params)  # type: ignore[arg-type]
    return heldout.accuracy(net, setup["X_test"], setup["y_test"]), []


@task(
    "a3.sgd_epoch",
    ("training.sgd_epoch",),
    checked=Text(
        "一轮小批量 SGD：按你的 minibatches 在 sgd_epoch 里给出的批次、用给定的 MLP 与 GradientDescent，逐批更新后的参数"
        "和返回的平均损失 Σ|B|J_B/m 与 nncore 精确重放一致（顺序且两个隐层/打乱且 K = 1/两轮/含权值衰减：检查每批传给 model.loss 的 "
        "λ·|B|/m，不经过你的 weight_decay）；另用你的 sgd_epoch 在 1000 个数字上训练 "
        f"64-32-10 网络 {SGD_RUN['epochs']} 轮，评分器在 797 个未给出的数字上测准确率，要求 ≥ {SGD_MIN_ACCURACY:.2f}",
        "one epoch of mini-batch SGD: with the given MLP and GradientDescent, on the "
        "batches your minibatches yields inside sgd_epoch, the parameters after every batch step "
        "and the returned mean loss Σ|B|J_B/m equal nncore's exact replay (in order with two "
        "hidden layers / shuffled with K = 1 / two epochs / weight decay: the λ·|B|/m passed to model.loss for every batch, checked "
        "without your weight_decay); then your sgd_epoch trains a 64-32-10 net on 1000 digits for "
        f"{SGD_RUN['epochs']} epochs and the grader measures accuracy on 797 digits it never sent: "
        f"≥ {SGD_MIN_ACCURACY:.2f} required",
    ),
    cpu_seconds=20.0,
    wall_seconds=40.0,
)
def sgd_epoch_task(ctx: Context) -> list[Case]:
    """3 个精确用例 + 1 个留出数据用例，按比例给分 / 3 exact + 1 held-out case; fraction."""
    cases = []
    for c in _sgd_cases(ctx.rng):
        cases.append(_sgd_exact_case(ctx, c))
    setup = sgd_setup(ctx.rng)
    label = Text("训练 64-32-10，留出数据准确率", "train 64-32-10, held-out accuracy")
    reply = ctx.run("sgd_epochs", setup["spec"], setup["params"], setup["X"], setup["y"])
    if not reply.ok:
        cases.append(Case(label, False, reply=_as_call(reply, "training.sgd_epoch")))
        return cases
    acc, bad = sgd_score(setup, reply.value)
    value = reply.value if isinstance(reply.value, dict) else {}
    used = _valid_batches(value.get("used"), len(setup["y"]), setup["spec"]["epochs"])
    if acc is None:
        cases.append(heldout.failed_params_case(label, bad))
    else:
        cases.append(
            heldout.threshold_case(
                label,
                acc,
                at_least=SGD_MIN_ACCURACY,
                what=Text("准确率", "accuracy"),
                fmt="{:.3f}",
                reference=lambda: sgd_score(setup, sgd_reference(setup, batches=used))[0],
                margin=ACCURACY_MARGIN,
            )
        )
    return cases


#: How far below the reference trained on the same data a correct run may land (accuracy on
#: 450–800 held-out samples: one standard error ≈ 0.01, so three of them; see settings).
ACCURACY_MARGIN = S.SGD.margin
#: The same for 例题2's fresh-sample MSE (the reference's best run is ≈ 0.0035).
MSE_MARGIN = S.EXAMPLE2.margin


def _sgd_exact_case(ctx: Context, c: SgdCase) -> Case:
    """一个精确重放用例 / One exactly replayed sgd_epoch case.

    The worker runs the student's sgd_epoch on a model that records the λ of every
    ``model.loss`` call and leaves the penalty out (so the student's weight_decay is not
    involved), and records the batches the student's minibatches yielded inside sgd_epoch
    (so a minibatches that ignores its rng is not involved either). The parent replays those
    batches with nncore and checks λ·|B|/m per batch.
    """
    spec, m = c.spec, c.X.shape[0]
    reply = ctx.run("sgd_epochs", spec, c.params, c.X, c.y, True)
    if not reply.ok:
        return Case(c.label, False, reply=_as_call(reply, "training.sgd_epoch"))
    value = reply.value if isinstance(reply.value, dict) else {}
    used = value.get("used")
    traced = _valid_batches(used, m, spec["epochs"])
    called_wrong = isinstance(used, list) and any(u is False for u in used)
    own = _valid_batches(value.get("batches"), m, spec["epochs"])
    batches = traced or own or _default_batches(spec, m)
    plain = dict(spec, lam=0.0)  # the traced model computes J_B and ∂J_B without the λ term
    net, per_epoch = replay(plain, c.params, c.X, c.y, batches)
    flat = _flat(net.params)
    losses = epoch_losses(per_epoch, m, int(spec["batch_size"]))
    weighted = losses.pop("weighted")
    mistakes_p: dict[str, Any] = {}
    if spec["lam"] > 0:
        mistakes_p["weight_decay_on_bias"] = _flat(replay(spec, c.params, c.X, c.y, batches,
                                                          decay_all=True)[0].params)  # fmt: skip
        # the traced model.loss leaves the λ term out, so decay the student adds on top of
        # model.loss (a second time) shows up as one ordinary decayed replay
        mistakes_p["weight_decay_twice"] = _flat(
            replay(spec, c.params, c.X, c.y, batches)[0].params
        )
    if spec.get("seed") is not None:
        in_order = [list(O.minibatches(m, spec["batch_size"])) for _ in range(spec["epochs"])]
        mistakes_p["not_shuffled"] = _flat(replay(plain, c.params, c.X, c.y, in_order)[0].params)
    expects = [
        Expect(Text("θ（训练后）", "θ (after training)"), flat, lambda r: _flat(r["params"]), mistakes_p,
               rtol=1e-7),
        Expect("Σ|B|J_B/m", np.asarray(weighted),
               lambda r: _floats(r["losses"]),
               losses,
               rtol=1e-7),
    ]  # fmt: skip
    if spec["lam"] > 0:
        sizes = np.asarray([idx.size for ep in batches for idx in ep if idx.size], dtype=float)
        lam = float(spec["lam"])
        expects.append(
            Expect(Text("model.loss 的 λ", "the λ passed to model.loss"), lam * sizes / m,
                   lambda r: _floats([x for ep in r["lams"] for x in ep]),
                   {"sgd_lam_unscaled": AnyOf((np.full(sizes.size, lam),  # λ as it is,
                                               np.full(sizes.size, lam * int(spec["batch_size"]) / m),
                                               lam * m / sizes)),  # by batch_size, or m/|B|
                    "sgd_lam_missing": np.zeros(sizes.size)}, rtol=1e-9)
        )  # fmt: skip
    case = case_from_reply(Reply(True, value, function="training.sgd_epoch"), expects, c.label)
    if value.get("data_changed"):
        case.passed = False
        case.hints.insert(0, "data_modified")
        case.note = Text("X 或 y 被修改", "X or y was modified")
    if not case.passed and (called_wrong or (traced is None and own is None)):
        case.hints.append("sgd_batches")
    if not case.passed and _unstepped(value.get("params"), c.params, flat):
        case.hints.insert(0, "sgd_params_not_stepped")
    return case


def _unstepped(got: Any, start: list[np.ndarray], want: np.ndarray) -> bool:
    """有参数从未更新 / True if some parameter array came back exactly at its starting value
    although the reference's (flattened ``want``) moved it: a layer the epoch never stepped."""
    if not isinstance(got, list | tuple) or len(got) != len(start):
        return False
    at = 0
    for g, p0 in zip(got, start, strict=True):
        ref = want[at : at + p0.size]
        at += p0.size
        same = isinstance(g, np.ndarray) and g.shape == p0.shape and np.array_equal(g, p0)
        if same and not np.array_equal(ref, p0.ravel()):
            return True
    return False


# ------------------------------------------------------------------------------------------
# 例题2–4: the worker trains with the given fit (which calls the student's functions)
# ------------------------------------------------------------------------------------------
#: 例题2: 1-5-1 sigmoid/linear, momentum, full batch, four initialisations (two small, two large).
EX2 = {"hidden": S.EXAMPLE2.sizes[1], "m": S.EXAMPLE2.extra["m"],
       "m_test": S.EXAMPLE2.extra["m_test"], "epochs": S.EXAMPLE2.epochs, "lr": S.EXAMPLE2.lr,
       "lam": S.EXAMPLE2.lam, "limits": S.EXAMPLE2.extra["limits"]}  # fmt: skip
EX2_MAX_BEST_MSE = S.EXAMPLE2.max_mse
EX2_MAX_ANY_MSE = S.EXAMPLE2.max_any_mse

#: 例题3 (digit 2 vs rest, 64-25-1) and 例题4 (ten digits, 64-100-10): 1347 train / 450 held out.
EX34_SPLIT = (1347, 450)
EX3 = {"sizes": list(S.EXAMPLE3.sizes), "activations": list(S.EXAMPLE3.activations),
       "loss": S.EXAMPLE3.loss, **S.EXAMPLE3.fit_kwargs()}  # fmt: skip
EX4 = {"sizes": list(S.EXAMPLE4.sizes), "activations": list(S.EXAMPLE4.activations),
       "loss": S.EXAMPLE4.loss, **S.EXAMPLE4.fit_kwargs()}  # fmt: skip
EX3_MIN_ACCURACY = S.EXAMPLE3.min_accuracy
EX4_MIN_ACCURACY = S.EXAMPLE4.min_accuracy


def example2_setup(rng: np.random.Generator) -> dict[str, Any]:
    """例题2 的数据与初值 / 例题2's training sample, fresh test sample and initial weights.

    W^(1), b^(2) ~ U[−r, r] with r from ``EX2["limits"]``, W^(2) ~ U[−½, ½], b^(3) = 0.
    """
    seed = int(rng.integers(2**31))
    x, y = curve(EX2["m"], seed=seed)
    x_test, y_test = curve(EX2["m_test"], seed=seed + 1)
    H = EX2["hidden"]
    inits = [
        [rng.uniform(-r, r, (1, H)), rng.uniform(-r, r, H), rng.uniform(-0.5, 0.5, (H, 1)),
         np.zeros(1)]
        for r in EX2["limits"]
    ]  # fmt: skip
    spec = {"sizes": [1, H, 1], "activations": ["sigmoid", "identity"], "loss": "mse",
            "optimizer": "momentum", "lr": EX2["lr"], "beta": 0.9, "epochs": EX2["epochs"],
            "batch_size": EX2["m"], "lam": EX2["lam"], "seed": int(rng.integers(2**31)),
            "scale": "zscore"}  # fmt: skip
    return {"spec": spec, "inits": inits, "X": x, "y": y, "X_test": x_test, "y_test": y_test}


def _scaled(setup: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any]]:
    """参考端的标准化（若规定）/ X standardised as the driver's ``fit_runs`` does, with μ, σ."""
    spec, X = setup["spec"], setup["X"]
    out: dict[str, Any] = {}
    if spec.get("scale") == "zscore":
        mean, std = P.zscore_fit(X)
        X = P.zscore_transform(X, mean, std)
        out["mean"], out["std"] = mean, std
    return X, out


def example2_reference(setup: dict[str, Any]) -> dict[str, Any]:
    """例题2 的参考运行：四个初值一起全批量训练 / 例题2's reference, the four runs at once.

    The same runs as :func:`fit_reference` (full-batch momentum from each initialisation),
    computed side by side by :func:`grader.suites.fullbatch.fit_full_batch`: equal up to
    float rounding (``tests/grader/test_fullbatch.py``) and several times cheaper.
    """
    spec = setup["spec"]
    X, out = _scaled(setup)
    if spec["optimizer"] != "momentum" or spec["batch_size"] < X.shape[0] or spec["loss"] != "mse":
        return fit_reference(setup)
    out["params"] = fit_full_batch(setup["inits"], X, setup["y"],
                                   activations=spec["activations"], lr=spec["lr"],
                                   beta=spec["beta"], epochs=spec["epochs"], lam=spec["lam"])  # fmt: skip
    return out


def fit_reference(setup: dict[str, Any]) -> dict[str, Any]:
    """nncore 参考运行（与驱动例程 fit_runs 相同）/ nncore's run of the driver's ``fit_runs``."""
    spec = setup["spec"]
    X, out = _scaled(setup)
    runs = []
    for k, init in enumerate(setup["inits"]):
        net = heldout.network(spec["sizes"], spec["activations"], init)
        fit(net, X, setup["y"], loss=spec["loss"], optimizer=spec["optimizer"], lr=spec["lr"],
            beta=spec["beta"], epochs=spec["epochs"], batch_size=spec["batch_size"],
            lam=spec["lam"], seed=spec["seed"] + k, track_accuracy=False)  # fmt: skip
        runs.append([p.copy() for p in net.params])
    out["params"] = runs
    return out


def _runs(setup: dict[str, Any], value: Any) -> tuple[list[list[Any]] | None, list[Comparison]]:
    """检查各次训练返回的参数 / Check the parameters of every run."""
    spec = setup["spec"]
    runs = value.get("params") if isinstance(value, dict) else None
    shapes = heldout.param_shapes(spec["sizes"])
    if not isinstance(runs, list) or len(runs) != len(setup["inits"]):
        return None, heldout.check_params(None, shapes, "θ")
    for k, r in enumerate(runs):
        bad = heldout.check_params(r, shapes, Text(f"θ（第 {k + 1} 个初值）", f"θ (init {k + 1})"))
        if bad:
            return None, bad
    return runs, []


def example2_score(setup: dict[str, Any], value: Any) -> dict[str, Any]:
    """新样本上的 MSE / MSE = (1/m) Σ (a − y)² of every run on the fresh sample.

    The test x is standardised with the μ, σ the worker returned (the training statistics).
    Returns ``{"mse": [...], "stats_ok": bool, "bad": [...]}``.
    """
    spec = setup["spec"]
    runs, bad = _runs(setup, value)
    out: dict[str, Any] = {"mse": None, "bad": bad, "stats": []}
    mu = heldout.as_stat(value.get("mean") if isinstance(value, dict) else None, (1,))
    sd = heldout.as_stat(value.get("std") if isinstance(value, dict) else None, (1,))
    mu_ref, sd_ref = P.zscore_fit(setup["X"])
    out["stats"] = [
        heldout.compare_stat(mu, mu_ref, "μ", (1,)),
        heldout.compare_stat(sd, sd_ref, "σ", (1,)),
    ]
    if runs is None or mu is None or sd is None:
        return out
    xs = (setup["X_test"] - mu) / np.where(sd > 0, sd, 1.0)
    mses = []
    for r in runs:
        net = heldout.network(spec["sizes"], spec["activations"], r)
        with np.errstate(all="ignore"):
            pred = net.predict(xs)
        mses.append(float(np.mean((pred - setup["y_test"]) ** 2)))
    out["mse"] = mses
    return out


_TRAIN_FUNCS = ("training.sgd_epoch", "optim.momentum_update", "optim.minibatches",
                "losses.weight_decay")  # fmt: skip
DEPEND = ("training_poor", "examples_depend")
EX2_FUNCS = ("preprocessing.zscore_fit", "preprocessing.zscore_transform", *_TRAIN_FUNCS)


@task(
    "a3.example2",
    EX2_FUNCS,
    credit=ALL,
    checked=Text(
        f"例题2：y = x + 0.3 sin(2πx) + ε 的 {EX2['m']} 个样本，x 先用你的 zscore_fit/zscore_transform 标准化，"
    f"1-{EX2['hidden']}-1 网络（sigmoid 隐层、线性输出）用给定的 fit（冲量法、全批量、λ = {EX2['lam']}）从 4 组初值"
    f"（两组 U[−0.5, 0.5]、两组 U[−3, 3]）各训练 {EX2['epochs']} 轮；评分器用你返回的训练集 μ、σ 在 {EX2['m_test']} 个"
    f"新样本上算 MSE：最好的一次 ≤ {EX2_MAX_BEST_MSE}，每一次 ≤ {EX2_MAX_ANY_MSE}（小初值停在直线附近是正常的）",
        f"例题2: {EX2['m']} samples of y = x + 0.3 sin(2πx) + ε; x standardised with "
    f"your zscore_fit/zscore_transform; a 1-{EX2['hidden']}-1 net (sigmoid hidden, linear output) "
    f"trained by the given fit (momentum, full batch, λ = {EX2['lam']}) for {EX2['epochs']} "
    "epochs from 4 initialisations (two U[−0.5, 0.5], two U[−3, 3]); the grader applies the "
    f"training μ, σ you return to {EX2['m_test']} fresh samples: best MSE ≤ {EX2_MAX_BEST_MSE}, "
    f"every run ≤ {EX2_MAX_ANY_MSE} (small initial weights stalling near a line is expected)",
    ),
    cpu_seconds=30.0,
    wall_seconds=60.0,
)  # fmt: skip
def example2(ctx: Context) -> list[Case]:
    """3 个检查全部通过才得分 / 3 checks, all or nothing."""
    setup = example2_setup(ctx.rng)
    reply = ctx.run("fit_runs", setup["spec"], setup["inits"], setup["X"], setup["y"])
    labels = [
        Text("训练集的 μ、σ（zscore_fit）", "training μ and σ (zscore_fit)"),
        Text("新样本上最好的 MSE", "best MSE on fresh samples"),
        Text("每个初值的 MSE（无发散）", "MSE of every initialisation (no divergence)"),
    ]
    if not reply.ok:
        fail = _as_call(reply, "training.fit", EX2_FUNCS)
        return [Case(lab, False, reply=fail) for lab in labels]
    score = example2_score(setup, reply.value)
    # μ and σ are a3.normalise's job: a z-score mistake costs that task, not this one too
    # (the test data are standardised with the student's own μ, σ). A mismatch is only named.
    stats = [c for c in score["stats"] if not c.ok]
    cases = [Case(labels[0], True)]
    if score["mse"] is None:
        cases += [heldout.failed_params_case(lab, score["bad"]) for lab in labels[1:]]
        return cases
    mses = score["mse"]
    # the reference's four runs, trained at most once and only if a decision needs them
    ref = functools.cache(
        lambda: example2_score(setup, example2_reference(setup))["mse"] or [np.nan]
    )
    what_best = Text("最好的 MSE", "best MSE")
    cases.append(
        heldout.threshold_case(
            labels[1], min(mses), at_most=EX2_MAX_BEST_MSE, what=what_best, hints=DEPEND,
            reference=lambda: min(ref()), margin=MSE_MARGIN,
        )
    )  # fmt: skip
    cases.append(
        heldout.threshold_case(
            labels[2], max(mses), at_most=EX2_MAX_ANY_MSE, what=Text("最差的 MSE", "worst MSE"),
            reference=lambda: max(ref()), margin=5 * MSE_MARGIN,
        )
    )  # fmt: skip
    if stats:
        for c in cases[1:]:
            if not c.passed:
                blocked_by(c, "preprocessing.zscore_fit", "a3.normalise")
    return cases


def digits_setup(rng: np.random.Generator, which: int) -> dict[str, Any]:
    """例题3/4 的划分与初值 / 例题3/4's split (1347 train / 450 held out) and Xavier init."""
    X, y = heldout.digits()
    tr, te = heldout.digit_split(rng, EX34_SPLIT)
    spec = dict(EX3 if which == 3 else EX4, seed=int(rng.integers(2**31)))
    yy = digit_vs_rest(y, 2).astype(np.float64) if which == 3 else y
    return {"spec": spec, "inits": [heldout.xavier_params(rng, spec["sizes"])],
            "X": X[tr], "y": yy[tr], "X_test": X[te], "y_test": yy[te]}  # fmt: skip


def digits_score(setup: dict[str, Any], value: Any) -> tuple[float | None, list[Comparison]]:
    """留出数据准确率 / Held-out accuracy of the returned parameters (None if unusable)."""
    runs, bad = _runs(setup, value)
    if runs is None:
        return None, bad
    spec = setup["spec"]
    net = heldout.network(spec["sizes"], spec["activations"], runs[0])
    return heldout.accuracy(net, setup["X_test"], setup["y_test"]), []


def _digits_task(ctx: Context, which: int, threshold: float) -> list[Case]:
    """例题3/4 的检查 / The check of 例题3 or 例题4."""
    setup = digits_setup(ctx.rng, which)
    label = Text("留出数据上的准确率", "accuracy on held-out digits")
    reply = ctx.run("fit_runs", setup["spec"], setup["inits"], setup["X"], setup["y"])
    if not reply.ok:
        return [Case(label, False, reply=_as_call(reply, "training.fit", _TRAIN_FUNCS))]
    acc, bad = digits_score(setup, reply.value)
    if acc is None:
        return [heldout.failed_params_case(label, bad)]
    margin = (S.EXAMPLE3 if which == 3 else S.EXAMPLE4).margin
    return [
        heldout.threshold_case(
            label, acc, at_least=threshold, what=Text("准确率", "accuracy"), fmt="{:.3f}",
            hints=DEPEND, reference=lambda: digits_score(setup, fit_reference(setup))[0],
            margin=margin,
        )
    ]  # fmt: skip


@task(
    "a3.example3",
    _TRAIN_FUNCS,
    credit=ALL,
    checked=Text(
        f"例题3：识别数字 2。64-25-1 网络（sigmoid 输出、交叉熵 + λ = {EX3['lam']}）用给定的 fit（冲量法 α = "
        f"{EX3['lr']}，小批量 {EX3['batch_size']}，{EX3['epochs']} 轮）在 1347 个内置数字上训练（调用你的 sgd_epoch、"
        f"minibatches、momentum_update、weight_decay）；评分器在另外 450 个未给出的数字上测准确率，要求 ≥ {EX3_MIN_ACCURACY}",
        f"例题3: digit 2 vs rest. A 64-25-1 net (sigmoid output, cross-entropy + λ = "
        f"{EX3['lam']}) trained by the given fit (momentum α = {EX3['lr']}, batches of "
        f"{EX3['batch_size']}, {EX3['epochs']} epochs) on 1347 embedded digits, calling your "
        "sgd_epoch, minibatches, momentum_update and weight_decay; the grader measures accuracy on "
        f"450 other digits it never sent: ≥ {EX3_MIN_ACCURACY} required",
    ),
    cpu_seconds=30.0,
    wall_seconds=60.0,
)
def example3(ctx: Context) -> list[Case]:
    """留出数据准确率，全对才得分 / Held-out accuracy; all or nothing."""
    return _digits_task(ctx, 3, EX3_MIN_ACCURACY)


@task(
    "a3.example4",
    _TRAIN_FUNCS,
    credit=ALL,
    checked=Text(
        f"例题4：十个数字。64-100-10 网络（softmax 输出、交叉熵 + λ = {EX4['lam']}）用给定的 fit（冲量法 α = "
        f"{EX4['lr']}，小批量 {EX4['batch_size']}，{EX4['epochs']} 轮）在 1347 个内置数字上训练；评分器在另外 450 个"
        f"未给出的数字上测准确率，要求 ≥ {EX4_MIN_ACCURACY}",
        f"例题4: ten digits. A 64-100-10 net (softmax output, cross-entropy + λ = "
        f"{EX4['lam']}) trained by the given fit (momentum α = {EX4['lr']}, batches of "
        f"{EX4['batch_size']}, {EX4['epochs']} epochs) on 1347 embedded digits; the grader measures "
        f"accuracy on 450 other digits it never sent: ≥ {EX4_MIN_ACCURACY} required",
    ),
    cpu_seconds=30.0,
    wall_seconds=60.0,
)
def example4(ctx: Context) -> list[Case]:
    """留出数据准确率，全对才得分 / Held-out accuracy; all or nothing."""
    return _digits_task(ctx, 4, EX4_MIN_ACCURACY)


#: 本作业的任务（报告顺序）/ This suite's tasks, in report order.
TASKS = (
    minibatches_task,
    MOMENTUM,
    WEIGHT_DECAY,
    normalise,
    EARLY_STOPPING,
    sgd_epoch_task,
    example2,
    example3,
    example4,
)
