"""公开测试：小批量、冲量、权值衰减、归一化、早停、一轮 SGD / Public tests of a3 (numpy + pytest).

固定输入；隐藏测试用随机输入检查同样的性质（含不修改输入、常数特征不除以零）。
Fixed inputs; the hidden tests check the same properties on random inputs (inputs unchanged,
no division by zero on a constant feature).
"""

import numpy as np
import pytest
import selfcheck as sc
from losses import weight_decay
from mlp import MLP
from optim import GradientDescent, minibatches, momentum_update
from preprocessing import minmax_fit, minmax_transform, zscore_fit, zscore_transform
from training import early_stopping_step, sgd_epoch

MB = ("optim.py 中的 minibatches：rng 为 None 按顺序，否则打乱；每个样本恰好一次",
      "minibatches in optim.py: in order for rng = None, else shuffled; every sample exactly once")  # fmt: skip


NOT_ARRAY = ("每个小批量应是整数 np.ndarray，不是列表", "Each mini-batch must be an integer np.ndarray, not a list")  # fmt: skip
YIELD = ("直接产出 order[start : start + batch_size]（order 来自 np.arange(m) 或 rng.permutation(m)），不要 .tolist() 或 list(...)",
         "yield order[start : start + batch_size] (order from np.arange(m) or rng.permutation(m)); no .tolist() or list(...)")  # fmt: skip


def _batches(m: int, size: int, rng) -> list[list[int]]:
    got = list(sc.call(minibatches, m, size, rng))
    for b in got:  # the docstring's contract: int arrays of shape (|B|,)
        if not isinstance(b, np.ndarray) or b.dtype.kind not in "iu":
            kind = (
                f"{type(b).__name__} {b.dtype}" if isinstance(b, np.ndarray) else type(b).__name__
            )
            sc.fail(f"{NOT_ARRAY[0]}；你的一个批次是 {kind}", f"{NOT_ARRAY[1]}; one of your batches is a {kind}", MB, YIELD)  # fmt: skip
        if b.size == 0:
            sc.fail(f"minibatches({m}, {size}) 产出了空的小批量（空批次的平均损失是 0/0）",
                    f"minibatches({m}, {size}) yielded an empty mini-batch (its mean loss is 0/0)", MB,
                    ("循环 for start in range(0, m, batch_size)：终点是 m", "loop for start in range(0, m, batch_size): it stops at m"))  # fmt: skip
    return [b.tolist() for b in got]


@pytest.mark.task("a3.minibatches")
def test_minibatches_in_order() -> None:
    got = _batches(7, 3, None)
    if got != [[0, 1, 2], [3, 4, 5], [6]]:
        sc.fail(f"minibatches(7, 3) 应为 [[0, 1, 2], [3, 4, 5], [6]]，你的是 {got}",
                f"minibatches(7, 3) must be [[0, 1, 2], [3, 4, 5], [6]], yours is {got}", MB)  # fmt: skip
    if _batches(5, 8, None) != [[0, 1, 2, 3, 4]]:
        sc.fail("batch_size ≥ m 时应只有一个批次", "batch_size >= m gives one batch", MB)


@pytest.mark.task("a3.minibatches")
def test_minibatches_shuffled() -> None:
    first = _batches(10, 4, np.random.default_rng(1))
    flat = sorted(i for b in first for i in b)
    if flat != list(range(10)) or [len(b) for b in first] != [4, 4, 2]:
        sc.fail(f"每个样本应恰好出现一次、批大小 [4, 4, 2]；你的批次 {first}",
                f"every sample exactly once, batch sizes [4, 4, 2]; your batches {first}", MB)  # fmt: skip
    if [i for b in first for i in b] == list(range(10)):
        sc.fail("给了 rng 却没有打乱顺序", "an rng was given but the order is not shuffled", MB,
                ("用 rng.permutation(m)", "use rng.permutation(m)"))  # fmt: skip
    if _batches(10, 4, np.random.default_rng(1)) != first:
        sc.fail("同一种子两次调用结果不同：只用传入的 rng", "two calls with the same seed differ: "
                "use only the rng passed in", MB)  # fmt: skip


@pytest.mark.task("a3.minibatches")
def test_minibatches_batch_size_below_1() -> None:
    for size in (0, -2):
        try:
            list(minibatches(5, size))
        except ValueError:
            continue
        except Exception as exc:  # any other exception: the mistake named below
            sc.fail(f"minibatches(5, {size}) 抛出了 {type(exc).__name__}，应抛出 ValueError",
                    f"minibatches(5, {size}) raised {type(exc).__name__}, must raise ValueError", MB,
                    ("if batch_size < 1: raise ValueError(...)（不要用 assert）", "if batch_size < 1: raise ValueError(...) (not assert)"))  # fmt: skip
        sc.fail(f"minibatches(5, {size}) 应抛出 ValueError（batch_size < 1），但没有抛出",
                f"minibatches(5, {size}) must raise ValueError (batch_size < 1), nothing was raised", MB,
                ("if batch_size < 1: raise ValueError(...)", "if batch_size < 1: raise ValueError(...)"))  # fmt: skip


@pytest.mark.task("a3.momentum")
def test_momentum_update() -> None:
    where = ("optim.py 中的 momentum_update：v := β v − α g，θ := θ + v", "momentum_update in optim.py: v := β v − α g, θ := θ + v")  # fmt: skip
    p = [np.array([1.0, -1.0]), np.array([[0.5], [2.0]])]
    g = [np.array([2.0, 0.0]), np.array([[1.0], [-1.0]])]
    v = [np.array([0.5, 0.5]), np.array([[0.0], [0.2]])]
    new_p, new_v = sc.parts(sc.call(momentum_update, p, g, v, lr=0.1, beta=0.5), 2, "momentum_update", "(params, velocities)")  # fmt: skip
    want_v = [0.5 * vi - 0.1 * gi for vi, gi in zip(v, g, strict=True)]
    sign = ("符号：v := β v − α g（减去梯度）", "sign: v := β v − α g (subtract the gradient)")
    for k in range(2):
        sc.expect(
            new_v[k], want_v[k], f"v_{k + 1}", where, mistakes=[(0.5 * v[k] + 0.1 * g[k], *sign)]
        )
        sc.expect(new_p[k], p[k] + want_v[k], f"θ_{k + 1}", where,
                  mistakes=[(p[k] - want_v[k], "θ := θ + v（v 已含负号）", "θ := θ + v (v already carries the minus)"),
                            (p[k] + 0.5 * want_v[k] - 0.1 * g[k], "这是 Nesterov 的形式 θ + β v − α g：本作业是普通冲量法，θ := θ + v",
                             "that is Nesterov's form θ + β v − α g: this assignment uses plain momentum, θ := θ + v")])  # fmt: skip
    _, v9 = sc.parts(
        sc.call(momentum_update, p, g, v, 0.1), 2, "momentum_update", "(params, velocities)"
    )
    sc.expect(v9[0], 0.9 * v[0] - 0.1 * g[0], "v（默认 β = 0.9 / default β）", where)


@pytest.mark.task("a3.weight_decay")
def test_weight_decay() -> None:
    where = ("losses.py 中的 weight_decay：R = λ/(2m) Σ w²，∂R/∂W = (λ/m) W", "weight_decay in losses.py: R = λ/(2m) Σ w², ∂R/∂W = (λ/m) W")  # fmt: skip
    Ws = [np.array([[1.0, 2.0], [0.0, -2.0]]), np.array([[0.5], [-1.5]])]
    R, dWs = sc.parts(sc.call(weight_decay, Ws, lam=0.5, m=2), 2, "weight_decay", "(R, dWs)")
    sq = 9.0 + 2.5
    norms = 3.0 + np.sqrt(2.5)  # ‖W‖_F of each W, not squared
    means = 9.0 / 4 + 2.5 / 2  # np.mean(W * W) of each W
    sc.expect(R, 0.5 / 4 * sq, "R", where, scalar=True,
              mistakes=[(0.5 / 2 * sq, "少了 ½：R = λ/(2m) Σ w²", "missing ½: R = λ/(2m) Σ w²"),
                        (0.5 / 4 * norms, "少了平方：Σ w² = ‖W‖_F²（np.sum(W * W)），不是 np.linalg.norm(W)",
                         "missing square: Σ w² = ‖W‖_F² (np.sum(W * W)), not np.linalg.norm(W)"),
                        (0.5 / 4 * means, "对 w² 求和（np.sum），不是取平均（np.mean）",
                         "sum the w² (np.sum), do not average them (np.mean)")])  # fmt: skip
    for k, W in enumerate(Ws):
        sc.expect(dWs[k], 0.25 * W, f"∂R/∂W^({k + 1})", where)


X_TR = np.array(
    [[0.0, 1.0, 7.5], [2.0, 1.0, 7.5], [4.0, 4.0, 7.5], [6.0, 2.0, 7.5]]
)  # 第 3 列常数 / col 3 constant
X_TE = np.array([[3.0, 0.0, 7.5], [10.0, 2.0, 7.5]])
MU, SD = np.array([3.0, 2.0, 7.5]), np.array([np.sqrt(5.0), np.sqrt(1.5), 0.0])
ZS = ("preprocessing.py 中的 zscore_fit / zscore_transform", "zscore_fit / zscore_transform in preprocessing.py")  # fmt: skip
F64 = ("统计量总是 float64（文档字符串）：先 X = np.asarray(X, dtype=np.float64)",
       "the statistics are always float64 (the docstring): cast first, X = np.asarray(X, dtype=np.float64)")  # fmt: skip


@pytest.mark.task("a3.normalise")
def test_zscore_fit() -> None:
    mu, sd = sc.parts(sc.call(zscore_fit, X_TR), 2, "zscore_fit", "(μ, σ)")
    sc.expect(mu, MU, "μ", ZS)
    sc.expect(sd, SD, "σ", ZS, mistakes=[(X_TR.std(axis=0, ddof=1), "用总体标准差（ddof=0）", "use the population std (ddof=0)"),
                                         (SD**2, "返回了方差而不是标准差", "returned the variance, not the std")])  # fmt: skip
    mu32, sd32 = sc.parts(sc.call(zscore_fit, X_TR.astype(np.float32)), 2, "zscore_fit", "(μ, σ)")
    for got, want, what in ((mu32, MU, "μ"), (sd32, SD, "σ")):
        sc.expect(got, want, f"{what}（float32 数据 / float32 data）", ZS, dtype=np.float64, otherwise=F64)  # fmt: skip


@pytest.mark.task("a3.normalise")
def test_zscore_transform_train_statistics_and_constant_feature() -> None:
    got = sc.call(zscore_transform, X_TE, MU, SD, stable=True)
    want = np.array([[0.0, -2 / np.sqrt(1.5), 0.0], [7 / np.sqrt(5.0), 0.0, 0.0]])
    own = (X_TE - X_TE.mean(axis=0)) / np.where(X_TE.std(axis=0) > 0, X_TE.std(axis=0), 1)
    sc.expect(got, want, "x'（测试数据，训练集的 μ、σ / test data, training μ, σ）", ZS,
              mistakes=[(own, "用了测试数据自己的统计量：只能用训练集的 μ、σ", "used the test data's own statistics: use the training μ and σ")])  # fmt: skip
    train = sc.call(zscore_transform, X_TR, MU, SD, stable=True)
    sc.expect(train[:, 2], np.zeros(4), "常数特征（σ = 0）/ constant feature", ZS,
              otherwise=("σ_j = 0 时不要除以 0（改除以 1）", "do not divide by σ_j = 0 (divide by 1)"))  # fmt: skip


@pytest.mark.task("a3.normalise")
def test_minmax() -> None:
    where = ("preprocessing.py 中的 minmax_fit / minmax_transform（不截断）", "minmax_fit / minmax_transform in preprocessing.py (no clipping)")  # fmt: skip
    lo, hi = sc.parts(sc.call(minmax_fit, X_TR), 2, "minmax_fit", "(min, max)")
    sc.expect(lo, [0.0, 1.0, 7.5], "min", where)
    sc.expect(hi, [6.0, 4.0, 7.5], "max", where)
    lo32, hi32 = sc.parts(sc.call(minmax_fit, X_TR.astype(np.float32)), 2, "minmax_fit", "(min, max)")  # fmt: skip
    sc.expect(lo32, [0.0, 1.0, 7.5], "min（float32 数据 / float32 data）", where, dtype=np.float64, otherwise=F64)  # fmt: skip
    sc.expect(hi32, [6.0, 4.0, 7.5], "max（float32 数据 / float32 data）", where, dtype=np.float64, otherwise=F64)  # fmt: skip
    got = sc.call(
        minmax_transform, X_TE, np.array([0.0, 1.0, 7.5]), np.array([6.0, 4.0, 7.5]), stable=True
    )
    want = np.array([[0.5, -1 / 3, 0.0], [10 / 6, 1 / 3, 0.0]])
    sc.expect(got, want, "x'（测试数据 / test data）", where,
              mistakes=[(np.clip(want, 0, 1), "不要截断到 [0, 1]：测试数据可以超出训练集的范围", "do not clip to [0, 1]: test data may leave the training range")])  # fmt: skip


@pytest.mark.task("a3.sgd_epoch")
def test_sgd_epoch_full_batch() -> None:
    where = ("training.py 中的 sgd_epoch：每个小批量 model.loss → optimizer.step", "sgd_epoch in training.py: model.loss then optimizer.step per mini-batch")  # fmt: skip
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    # two hidden layers, K = 1: every layer's parameters must take the step
    a, b = (
        MLP([2, 3, 3, 1], "sigmoid", "identity", seed=0),
        MLP([2, 3, 3, 1], "sigmoid", "identity", seed=0),
    )
    not_stepped = (
        "这个参数没有更新：optimizer.step(model.params, grads) 要传入全部参数与全部梯度",
        "this parameter was never updated: pass every parameter and every gradient to "
        "optimizer.step(model.params, grads)",
    )
    with sc.depends("test_minibatches_in_order", "test_minibatches_shuffled"):
        J = sgd_epoch(a, X, Y, loss="mse", optimizer=GradientDescent(0.5), batch_size=8)
        J_ref, grads = b.loss(X, Y, "mse")
        sc.expect(J, J_ref, "返回的损失 / returned loss", where, scalar=True)
        for k, (p, q, g) in enumerate(zip(a.params, b.params, grads, strict=True)):
            sc.expect(
                p,
                q - 0.5 * g,
                f"参数 / parameter {k + 1}（全批量 = 一步梯度下降 / full batch = one GD step）",
                where,
                mistakes=[(q, *not_stepped)],
            )


@pytest.mark.task("a3.sgd_epoch")
def test_sgd_epoch_mean_loss() -> None:
    where = ("training.py 中的 sgd_epoch：返回 Σ_b J_b·|b| / m", "sgd_epoch in training.py: returns Σ_b J_b·|b| / m")  # fmt: skip
    X, Y = np.arange(5.0)[:, None], np.zeros((5, 1))
    net = MLP([1, 1], "identity", seed=0)
    net.weights[0][...] = 1.0
    with sc.depends("test_minibatches_in_order"):
        J = sgd_epoch(net, X, Y, loss="mse", optimizer=GradientDescent(0.0), batch_size=2)
        sc.expect(J, np.mean(0.5 * np.arange(5.0) ** 2), "返回的平均损失 / mean loss", where, scalar=True,
                  mistakes=[(np.mean([0.25, 3.25, 8.0]), "按批次数平均了：应按批大小加权 Σ J_b·|b| / m", "averaged over batches: weight by batch size, Σ J_b·|b| / m"),
                            ((0.25 + 3.25 + 8.0) * 2 / 5, "每批按 batch_size 加权了：应按它自己的大小 |b|（idx.size），最后一批较小", "every batch weighted by batch_size: weight it by its own size |b| (idx.size); the last one is smaller"),
                            (0.25 * 2 + 3.25 * 2 + 8.0, "Σ J_b·|b| 没有除以 m", "Σ J_b·|b| was not divided by m"),
                            (8.0, "返回了最后一个批次的 J_b：应返回整轮的平均 Σ J_b·|b| / m", "returned the last batch's J_b: return the epoch's average Σ J_b·|b| / m")])  # fmt: skip


@pytest.mark.task("a3.early_stopping")
def test_early_stopping() -> None:
    where = ("training.py 中的 early_stopping_step：改进要超过 min_delta；wait ≥ patience 时停止",
             "early_stopping_step in training.py: improve by more than min_delta; stop when wait >= patience")  # fmt: skip
    steps = [
        ((np.inf, -1, 0, 1.0, 0), {"patience": 2}, (1.0, 0, 0, False), "第一轮 / first epoch"),
        ((1.0, 0, 0, 1.2, 1), {"patience": 2}, (1.0, 0, 1, False), "变差 / worse"),
        ((1.0, 0, 1, 1.0, 2), {"patience": 2}, (1.0, 0, 2, True), "相等不算改进 / a tie is no improvement"),
        ((1.0, 0, 0, 0.995, 3), {"patience": 3, "min_delta": 0.01}, (1.0, 0, 1, False), "改进小于 min_delta / below min_delta"),
        ((0.5, 0, 0, 0.493, 3), {"patience": 3, "min_delta": 0.01}, (0.5, 0, 1, False),
         "改进 0.007 < min_delta：min_delta 是绝对差值，不是相对的 best_loss·(1 − min_delta) / "
         "improved by 0.007 < min_delta: an absolute difference, not the relative best_loss·(1 − min_delta)"),
        ((1.0, 0, 2, 0.5, 4), {"patience": 3}, (0.5, 4, 0, False), "改进 / improvement"),
    ]  # fmt: skip
    for args, kw, want, what in steps:
        got = sc.parts(sc.call(early_stopping_step, *args, **kw), 4, "early_stopping_step", "(best_loss, best_epoch, wait, stop)")  # fmt: skip
        if tuple(got) != want:
            sc.fail(f"early_stopping_step{args}（{what}）应返回 {want}，你的是 {tuple(got)}",
                    f"early_stopping_step{args} ({what}) must return {want}, yours is {tuple(got)}", where)  # fmt: skip


def _replay(params0, X, Y, batches, lr, lam, on_bias=False, scaled=True):
    """按给定批次用给定的 MLP.loss 与梯度下降重放 / Replay with the given MLP.loss and GD.

    每批传入 λ·|B|/m（文档字符串）/ each batch gets λ·|B|/m (the docstring); ``on_bias`` and
    ``scaled=False`` are typical mistakes.
    """
    net = MLP([2, 3, 1], "sigmoid", "identity", seed=0)
    for p, q in zip(net.params, params0, strict=True):
        p[...] = q
    m = X.shape[0]
    for idx in batches:
        lam_b = lam * idx.size / m if scaled else lam
        if on_bias:  # 常见错误：对偏置也做衰减 / typical mistake: decay on the biases too
            _, grads = net.loss(X[idx], Y[idx], "mse")
            grads = [g + lam_b / idx.size * p for g, p in zip(grads, net.params, strict=True)]
        else:
            _, grads = net.loss(X[idx], Y[idx], "mse", lam_b)
        GradientDescent(lr).step(net.params, grads)
    return np.concatenate([p.ravel() for p in net.params])


@pytest.mark.task("a3.sgd_epoch")
def test_sgd_epoch_uses_rng_batches_and_weight_decay() -> None:
    """按你的 minibatches(m, batch_size, rng) 的批次逐批更新，λ 交给 model.loss / Batch by batch
    in the order of your minibatches(m, batch_size, rng), with λ passed to model.loss."""
    where = ("training.py 中的 sgd_epoch：for idx in minibatches(m, batch_size, rng)，model.loss(X[idx], y[idx], loss, lam·|B|/m)",
             "sgd_epoch in training.py: for idx in minibatches(m, batch_size, rng), model.loss(X[idx], y[idx], loss, lam·|B|/m)")  # fmt: skip
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(10, 2)), rng.normal(size=(10, 1))
    net = MLP([2, 3, 1], "sigmoid", "identity", seed=0)
    params0 = [p.copy() for p in net.params]
    with sc.depends("test_minibatches_in_order", "test_minibatches_shuffled"):
        batches = [np.asarray(b) for b in minibatches(10, 3, np.random.default_rng(7))]
        sgd_epoch(net, X, Y, loss="mse", optimizer=GradientDescent(0.5), batch_size=3, lam=0.3,
                  rng=np.random.default_rng(7))  # fmt: skip
        got = np.concatenate([p.ravel() for p in net.params])
        in_order = [np.arange(10)[k : k + 3] for k in range(0, 10, 3)]
        sc.expect(got, _replay(params0, X, Y, batches, 0.5, 0.3), "θ（一轮后 / after the epoch）", where, mistakes=[
            (_replay(params0, X, Y, in_order, 0.5, 0.3), "没有打乱：把 rng 传给 minibatches", "not shuffled: pass rng on to minibatches"),
            (_replay(params0, X, Y, batches, 0.5, 0.3, on_bias=True), "权值衰减只作用于权重，不作用于偏置：把 lam 交给 model.loss",
             "weight decay applies to the weights only, not the biases: pass lam to model.loss"),
            (_replay(params0, X, Y, batches, 0.5, 0.0), "忘了权值衰减：把 lam 交给 model.loss", "forgot weight decay: pass lam to model.loss"),
            (_replay(params0, X, Y, batches, 0.5, 0.3, scaled=False), "每批应传 λ·|B|/m（model.loss 自己再除以 |B|）", "pass λ·|B|/m to each batch (model.loss divides by |B| itself)"),
        ])  # fmt: skip
