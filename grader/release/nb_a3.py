"""a3 训练实践 的笔记本源 / Source of the a3 notebook (built by ``python -m grader build``).

Reference numbers behind the thresholds (nncore, float64, the same settings as below;
``python -m nncore example 3 --json`` / ``example 4`` give the same in float32):
例题2 best MSE 0.00324 (noise variance 0.00333), worst 0.0237;
例题3 test accuracy 1.000 (baseline "never 2": 0.880); 例题4 test accuracy 0.987.
"""

from __future__ import annotations

import nbformat

from grader.manifest import A3
from grader.release.notebook import NotebookBuilder
from grader.suites import settings as S

SETUP = """
%load_ext autoreload
%autoreload 2
import matplotlib.pyplot as plt
import numpy as np

from data import curve, digit_vs_rest, load_digits
from losses import weight_decay
from mlp import MLP
from optim import GradientDescent, Momentum, minibatches, momentum_update
from preprocessing import minmax_fit, minmax_transform, zscore_fit, zscore_transform
from training import accuracy, confusion_matrix, early_stopping_step, fit, predict_labels, sgd_epoch
"""

# Settings and pass marks: the SAME objects the hidden suite and the calibration read.
EX2_MSE = S.EXAMPLE2.max_mse  # reference best 0.00324
EX3_ACC = S.EXAMPLE3.min_accuracy  # reference 1.000
EX4_ACC = S.EXAMPLE4.min_accuracy  # reference 0.987
EX2_EPOCHS, EX3_EPOCHS, EX4_EPOCHS = S.EXAMPLE2.epochs, S.EXAMPLE3.epochs, S.EXAMPLE4.epochs


def notebook() -> nbformat.NotebookNode:
    """构建笔记本 / Build the notebook."""
    nb = NotebookBuilder(A3)
    nb.md(
        """
# 作业 3：训练实践 / Assignment 3: training in practice

**要做的事**：实现 `optim.py`（`momentum_update`、`minibatches`）、`losses.py`（`weight_decay`）、
`preprocessing.py`（z-score 与最小-最大归一化）和 `training.py`（`sgd_epoch`、`early_stopping_step`）
中抛出 `NotImplementedError` 的函数；其余代码（a2 的网络 `mlp.MLP`、训练循环 `training.fit`、数据）
已给出。然后从上到下运行本笔记本：例题2–4 用的是**你的**训练代码。在终端运行 `pytest` 可看到
公开测试得分表；最终成绩由隐藏测试决定。

**What to do**: implement the functions that raise `NotImplementedError` in `optim.py`,
`losses.py`, `preprocessing.py` and `training.py`; the rest (a2's network `mlp.MLP`, the loop
`training.fit`, the data) is given. Then run this notebook top to bottom: 例题2–4 train with
**your** code. `pytest` in this folder prints the public points table; the hidden tests decide
the grade.
"""
    )
    nb.setup(SETUP)

    # ---------------------------------------------------------------- mini-batches, SGD
    nb.md(
        r"""
## 1. 小批量随机梯度下降 / Mini-batch stochastic gradient descent

经验风险 / empirical risk $J(\theta) = \frac{1}{m}\sum_{n=1}^{m} l\big(y^{(n)}, h(x^{(n)})\big)$.
每轮（epoch）把 $m$ 个样本随机打乱，分成大小为 $|B|$ 的小批量；对每个小批量
Each epoch shuffles the $m$ samples into mini-batches $B$; for each one

$$\theta := \theta - \alpha\,\frac{\partial J_B}{\partial \theta},\qquad
J_B = \frac{1}{|B|}\sum_{n\in B} l\big(y^{(n)}, h(x^{(n)})\big).$$

$|B| = m$ 是普通（全批量）梯度下降，$|B| = 1$ 是逐样本的随机梯度下降。
$|B| = m$ is plain (full-batch) gradient descent, $|B| = 1$ is per-sample SGD.

有权值衰减时每个 $J_B$ 都加上讲义的 $\frac{\lambda}{2m}\sum w^2$（$m$ 是全部训练样本数），
所以一轮中各批按 $|B|$ 加权的平均正是讲义的 $J$；`model.loss` 按自己的行数 $|B|$ 缩放 λ，
因此传入 `lam * |B| / m`。
With weight decay every $J_B$ carries the lecture's $\frac{\lambda}{2m}\sum w^2$ ($m$ = all
training samples), so the $|B|$-weighted mean over an epoch is the lecture's $J$;
`model.loss` scales λ by its own row count $|B|$, hence pass `lam * |B| / m`.
"""
    )
    nb.test("a3.minibatches")
    nb.test("a3.sgd_epoch")

    # ---------------------------------------------------------------- momentum
    nb.md(
        r"""
## 2. 冲量法 / Momentum

讲义：设置冲量，加速优化 / the lecture's "momentum speeds up optimisation":

$$v := \beta v - \alpha \frac{\partial J}{\partial \theta},\qquad \theta := \theta + v .$$

$v$ 是过去梯度的指数加权和：方向一致时速度累积，来回振荡时相互抵消。
$v$ is an exponentially weighted sum of past gradients: it builds up where they agree and
cancels where they oscillate.
"""
    )
    nb.test("a3.momentum")
    nb.code(
        """
# 同一网络、同样的轮数：SGD 与冲量法的训练损失 / the same net and epochs: SGD vs momentum
X, y = load_digits()
order = np.random.default_rng(0).permutation(X.shape[0])
tr, te = order[:1347], order[1347:]          # 与 nncore 例题3/4 相同的划分 / nncore's split
for opt in (GradientDescent(0.1), Momentum(0.1, 0.9)):
    net = MLP([64, 30, 10], "sigmoid", "softmax", init="xavier", seed=0)
    h = fit(net, X[tr], y[tr], loss="ce", optimizer=opt, epochs=15, seed=0, track_accuracy=False)
    plt.plot(h.loss, label=type(opt).__name__)
plt.xlabel("epoch"); plt.ylabel("训练损失 / training loss J"); plt.yscale("log"); plt.legend()
plt.show()
"""
    )

    # ---------------------------------------------------------------- weight decay
    nb.md(
        r"""
## 3. 权值衰减 / Weight decay

只对权重（不含偏置）加 L2 惩罚 / an L2 penalty on the weights only (not the biases):

$$J_\lambda = J + \frac{\lambda}{2m}\sum_{l}\sum_{j,i}\big(w_{ji}^{(l)}\big)^2,\qquad
\frac{\partial J_\lambda}{\partial W^{(l)}} = \frac{\partial J}{\partial W^{(l)}} + \frac{\lambda}{m} W^{(l)} .$$

给定的 `MLP.loss(X, y, loss, lam)` 在 $\lambda > 0$ 时调用你的 `weight_decay`。
The given `MLP.loss(X, y, loss, lam)` calls your `weight_decay` when $\lambda > 0$.
"""
    )
    nb.test("a3.weight_decay")

    # ---------------------------------------------------------------- normalisation
    nb.md(
        r"""
## 4. 归一化 / Normalisation

z-score：$x'_j = (x_j - \mu_j)/\sigma_j$；最小-最大 / min-max：$x'_j = (x_j - \min_j)/(\max_j - \min_j)$。
统计量 $\mu_j, \sigma_j, \min_j, \max_j$ **只在训练集上**计算，再原样用于验证集和测试集。
The statistics are computed on the **training set only** and reused unchanged on the
validation and test sets (otherwise the test data leak into training).
"""
    )
    nb.test("a3.normalise")

    # ---------------------------------------------------------------- early stopping
    nb.md(
        r"""
## 5. 早停 / Early stopping

每轮结束后看验证集损失：若比目前最好值小（超过 `min_delta`），记为最好轮并把等待计数清零；
否则等待计数加一，达到耐心值 `patience` 就停止，并恢复最好轮的参数（给定的 `fit` 负责保存/恢复）。
After each epoch: a validation loss better than the best so far (by more than `min_delta`)
becomes the best and resets the wait; otherwise the wait grows, and training stops once it
reaches `patience` (the given `fit` restores the best epoch's weights).
"""
    )
    nb.test("a3.early_stopping")

    # ---------------------------------------------------------------- 例题2
    nb.md(
        r"""
## 6. 例题2：曲线拟合（多个初始值）/ 例题2: curve fitting from several initialisations

数据 / data: $y = x + 0.3\sin(2\pi x) + \varepsilon$，$x\in[0,1]$，$\varepsilon \sim U[-0.1, 0.1]$
（噪声方差 / noise variance $0.01/3 \approx 0.00333$），$m = 200$。
网络 1-5-1：sigmoid 隐层，线性输出 $a^{(3)} = z^{(3)}$；
$J = \frac{1}{2m}\sum_n (a^{(3)} - y)^2 + \frac{\lambda}{2m}\sum w^2$，$\lambda = 10^{-4}$；
全批量冲量法 / full-batch momentum，$\alpha = 0.3$，@EX2_EPOCHS@ 轮 / epochs；$x$ 先做 z-score。

同样的数据、同样的训练，只改初始权重：$W^{(1)}, b^{(2)} \sim U[-r, r]$（$r = 0.5$ 或 $3$），
$W^{(2)} \sim U[-0.5, 0.5]$。不同初始值收敛到不同结果（局部最优 / 鞍点附近的平台）。
Only the initial weights change; different initialisations end in different optima.

**自动评分 / autograded**：6 次中最好的 MSE $< 0.005$（nncore 参考值 0.00324，接近噪声方差），
且最好与最差相差超过 0.01（参考：0.0032 vs 0.0237）。
The best MSE of the 6 runs must be $< 0.005$ (reference 0.00324, about the noise variance) and
best and worst must differ by more than 0.01 (reference 0.0032 vs 0.0237).
"""
    )
    nb.code(
        """
ex2_mse = {}  # 初始化名 -> 训练集 MSE / initialisation -> training MSE
x, yc = curve(200, seed=0)
mu, sd = zscore_fit(x)
xs = zscore_transform(x, mu, sd)
grid = np.linspace(0, 1, 101)[:, None]

def init_network(limit, seed):
    net = MLP([1, 5, 1], "sigmoid", "identity", seed=seed)
    rng = np.random.default_rng(seed)
    net.weights[0][...] = rng.uniform(-limit, limit, (1, 5))
    net.biases[0][...] = rng.uniform(-limit, limit, 5)
    net.weights[1][...] = rng.uniform(-0.5, 0.5, (5, 1))
    return net

plt.plot(x, yc, ".", color="0.7", label="数据 / data")
for limit, seed in [(0.5, 0), (0.5, 1), (0.5, 2), (3.0, 0), (3.0, 1), (3.0, 2)]:
    net = init_network(limit, seed)
    fit(net, xs, yc, loss="mse", optimizer="momentum", lr=0.3, epochs=@EX2_EPOCHS@, lam=1e-4,
        batch_size=200, seed=seed, track_accuracy=False)
    name = f"U[-{limit:g},{limit:g}] seed {seed}"
    ex2_mse[name] = float(np.mean((net.predict(xs) - yc) ** 2))
    plt.plot(grid, net.predict(zscore_transform(grid, mu, sd)), label=f"{name}: MSE {ex2_mse[name]:.4f}")
plt.xlabel("x"); plt.ylabel("y"); plt.legend(fontsize=7); plt.title("例题2 / Example 2")
plt.show()
for name, mse in ex2_mse.items():
    print(f"{name:22s} MSE = {mse:.5f}")
"""
    )
    nb.test(
        "a3.example2",
        f"""
assert len(ex2_mse) == 6, "请先运行上面的单元 / run the cell above first"
best, worst = min(ex2_mse.values()), max(ex2_mse.values())
assert best < {EX2_MSE}, f"最好的 MSE {{best:.4f}} 应 < {EX2_MSE} / best MSE should be < {EX2_MSE}"
assert worst - best > 0.01, "不同初始值的结果应明显不同 / the runs should differ"
""",
    )

    # ---------------------------------------------------------------- 例题3
    nb.md(
        rf"""
## 7. 例题3：识别数字 2 / 例题3: digit 2 vs rest

内置 8×8 手写数字（scikit-learn 自带，1797 张，像素已缩放到 [0, 1]）；随机划分 1347 训练 / 450 测试。
The embedded 8×8 digits (shipped with scikit-learn; 1797 images, pixels in [0, 1]); a seeded
split 1347 train / 450 test. 网络 / network 64-25-1，sigmoid，二分类交叉熵 / BCE；
冲量法 / momentum $\alpha = 0.3$，$|B| = 32$，$\lambda = 10^{{-3}}$，{EX3_EPOCHS} 轮 / epochs.

**自动评分 / autograded**：测试准确率 $\geq {EX3_ACC}$（nncore 参考值 1.000；全猜“不是 2”也有 0.880）。
Test accuracy $\geq {EX3_ACC}$ (nncore reference 1.000; always answering "not 2" gives 0.880).
"""
    )
    nb.code(
        """
ex3_acc = 0.0
y2 = digit_vs_rest(y, 2)
net3 = MLP([64, 25, 1], "sigmoid", "sigmoid", init="xavier", seed=0)
h3 = fit(net3, X[tr], y2[tr], loss="bce", optimizer="momentum", lr=0.3, epochs=@EX3_EPOCHS@, batch_size=32,
         lam=1e-3, seed=0, validation=(X[te], y2[te]), track_accuracy=False)
ex3_acc = accuracy(net3.predict(X[te]), y2[te])
print(f"例题3 测试准确率 / test accuracy: {ex3_acc:.3f}")
print("混淆矩阵 / confusion matrix:\\n", confusion_matrix(y2[te], predict_labels(net3.predict(X[te])), 2))
"""
    )
    nb.test(
        "a3.example3",
        f"""
assert ex3_acc >= {EX3_ACC}, f"准确率 {{ex3_acc:.3f}} < {EX3_ACC} / accuracy too low"
""",
    )

    # ---------------------------------------------------------------- 例题4
    nb.md(
        rf"""
## 8. 例题4：十个数字 / 例题4: ten digits

网络 / network 64-100-10：sigmoid 隐层，softmax 输出，交叉熵 / cross-entropy；其余同例题3。
Sigmoid hidden layer, softmax output; otherwise as 例题3.

**自动评分 / autograded**：测试准确率 $\geq {EX4_ACC}$（nncore 参考值 0.987）。
Test accuracy $\geq {EX4_ACC}$ (nncore reference 0.987).
"""
    )
    nb.code(
        """
ex4_acc = 0.0
net4 = MLP([64, 100, 10], "sigmoid", "softmax", init="xavier", seed=0)
h4 = fit(net4, X[tr], y[tr], loss="ce", optimizer="momentum", lr=0.3, epochs=@EX4_EPOCHS@, batch_size=32,
         lam=1e-3, seed=0, validation=(X[te], y[te]), track_accuracy=False)
ex4_acc = accuracy(net4.predict(X[te]), y[te])
print(f"例题4 测试准确率 / test accuracy: {ex4_acc:.3f}")
C = confusion_matrix(y[te], predict_labels(net4.predict(X[te])), 10)
plt.imshow(C, cmap="Blues"); plt.colorbar()
plt.xlabel("预测 / predicted"); plt.ylabel("真实 / true"); plt.title("混淆矩阵 / confusion matrix")
plt.show()
"""
    )
    nb.test(
        "a3.example4",
        f"""
assert ex4_acc >= {EX4_ACC}, f"准确率 {{ex4_acc:.3f}} < {EX4_ACC} / accuracy too low"
""",
    )

    # ---------------------------------------------------------------- 思考题1
    nb.md(
        r"""
## 9. 思考题1：为什么要归一化？/ Question 1: why normalise?

实验：假设每个像素用不同的单位测量——第 $j$ 个特征乘以 0.01 到 100 之间的一个固定因子（尺度相差 $10^4$ 倍）。
同一网络（64-30-10，sigmoid）、同一学习率（SGD，$\alpha = 0.3$）训练 15 轮：不归一化、z-score、最小-最大
（统计量只用训练集）。比较训练损失下降的速度，以及训练损失第一次低于 0.5 的轮次。
Experiment: as if every pixel were measured in its own unit, feature $j$ is multiplied by a
fixed factor between 0.01 and 100 (scales differ by $10^4$). Same network (64-30-10, sigmoid)
and learning rate (SGD, $\alpha = 0.3$), 15 epochs: raw, z-score, min-max (statistics from the
training set only). Compare how fast the training loss falls and the first epoch below 0.5.
"""
    )
    nb.code(
        """
units = np.exp(np.random.default_rng(3).uniform(np.log(0.01), np.log(100), 64))  # 每个特征的单位 / units
Xraw = X * 16 * units
mu, sd = zscore_fit(Xraw[tr]); lo, hi = minmax_fit(Xraw[tr])   # 只用训练集 / train only
scalings = {"不归一化 / raw": lambda A: A,
            "z-score": lambda A: zscore_transform(A, mu, sd),
            "min-max": lambda A: minmax_transform(A, lo, hi)}
q1 = {}
for name, scale in scalings.items():
    net = MLP([64, 30, 10], "sigmoid", "softmax", init="xavier", seed=0)
    with np.errstate(over="ignore"):
        h = fit(net, scale(Xraw[tr]), y[tr], loss="ce", optimizer="sgd", lr=0.3, epochs=15,
                seed=0, validation=(scale(Xraw[te]), y[te]), track_accuracy=False)
    below = [e for e, J in enumerate(h.loss) if J < 0.5]
    q1[name] = {"final_loss": round(float(h.loss[-1]), 3),
                "epoch_below_0.5": below[0] if below else None,
                "test_accuracy": round(float(h.val_accuracy[-1]), 3)}
    plt.plot(h.loss, "o-", label=f"{name}: J₁₅ = {h.loss[-1]:.2f}, 测试准确率 / test acc {h.val_accuracy[-1]:.3f}")
plt.xlabel("epoch"); plt.ylabel("训练损失 / training loss J"); plt.yscale("log"); plt.legend()
plt.title("特征尺度相差 10⁴ 倍 / feature scales differ by 10⁴"); plt.show()
for name, r in q1.items():
    print(f"{name:>16}: 15 轮后 J / J after 15 epochs {r['final_loss']:.3f}; 首次 J < 0.5 / first "
          f"epoch with J < 0.5: {r['epoch_below_0.5']}; 测试准确率 / test accuracy {r['test_accuracy']:.3f}")
q1
"""
    )
    nb.written(
        "a3.q1",
        """
**思考题1 / Question 1**（人工评分 / graded by hand）：神经网络模型优化过程中为什么一般要对数据进行
归一化？结合上面的实验，从 (1) 损失曲面的形状与学习率、(2) sigmoid 的饱和与 $f'(z)$、
(3) 统计量为什么只能在训练集上计算 三方面回答。
Why are the data normally normalised before optimising a neural network? Use the experiment
above and discuss (1) the shape of the loss surface and the learning rate, (2) sigmoid
saturation and $f'(z)$, (3) why the statistics must come from the training set only.
""",
        """
YOUR ANSWER HERE / 在此作答
""",
    )

    # ---------------------------------------------------------------- 思考题2
    nb.md(
        r"""
## 10. 思考题2：迭代次数越多越好吗？/ Question 2: are more iterations always better?

实验：只有 200 个训练样本，其中约 30 % 的标签被随机改错（真实数据里的标注错误）；64-100-10 网络
（无权值衰减）训练 300 轮，画训练集与验证集损失；再用早停（`patience=10`，验证集 450 个样本）训练一次。
两次都在同一测试集上评估。
Experiment: only 200 training samples, about 30 % of their labels randomly wrong (labelling
errors, as in real data); a 64-100-10 network (no weight decay) for 300 epochs, with training
and validation loss; then once more with early stopping (`patience=10`, 450 validation
samples). Both are evaluated on the same test set.
"""
    )
    nb.code(
        """
small, val = tr[:200], tr[200:650]
y_noisy = y[small].copy()
wrong = np.random.default_rng(1).random(small.size) < 0.3             # 约 30 % 标签出错
y_noisy[wrong] = np.random.default_rng(2).integers(0, 10, wrong.sum())  # ~30 % wrong labels
net = MLP([64, 100, 10], "sigmoid", "softmax", init="xavier", seed=0)
h = fit(net, X[small], y_noisy, loss="ce", optimizer="momentum", lr=0.3, epochs=300,
        seed=0, validation=(X[val], y[val]), track_accuracy=False)
net_es = MLP([64, 100, 10], "sigmoid", "softmax", init="xavier", seed=0)
h_es = fit(net_es, X[small], y_noisy, loss="ce", optimizer="momentum", lr=0.3, epochs=300,
           seed=0, validation=(X[val], y[val]), patience=10, track_accuracy=False)
best = h_es.best_epoch   # 早停恢复的轮次（从 0 数）/ the epoch early stopping restores (0-based)
acc_300, acc_es = accuracy(net.predict(X[te]), y[te]), accuracy(net_es.predict(X[te]), y[te])
plt.plot(h.loss, label="训练 / train"); plt.plot(h.val_loss, label="验证 / validation")
plt.axvline(best, ls="--", color="k", label=f"早停恢复第 {best} 轮 / early stopping restores epoch {best}")
plt.yscale("log"); plt.xlabel("epoch"); plt.ylabel("J"); plt.legend(); plt.show()
print(f"早停在第 {h_es.stopped_epoch} 轮停下，恢复第 {best} 轮的参数（验证损失 {h_es.val_loss[best]:.3f}）；"
      f"不停的话第 299 轮验证损失为 {h.val_loss[-1]:.3f}")
print(f"early stopping stopped at epoch {h_es.stopped_epoch} and restored epoch {best} "
      f"(validation loss {h_es.val_loss[best]:.3f}); without it, epoch 299 has {h.val_loss[-1]:.3f}")
print(f"测试准确率 / test accuracy: 300 轮 / epochs {acc_300:.3f}, 早停 / early stopping {acc_es:.3f}")
q2 = {"best_epoch": int(best), "test_acc_300": round(float(acc_300), 3),
      "test_acc_early_stopping": round(float(acc_es), 3)}
q2
"""
    )
    nb.written(
        "a3.q2",
        """
**思考题2 / Question 2**（人工评分 / graded by hand）：训练的迭代次数越多越好吗？用上图的训练/验证
曲线解释过拟合，说明早停如何选择迭代次数、为什么用验证集而不是测试集，以及权值衰减与早停的关系。
Are more training iterations always better? Explain overfitting with the curves above, how
early stopping chooses the number of iterations, why it uses a validation set and not the
test set, and how weight decay relates to early stopping.
""",
        """
YOUR ANSWER HERE / 在此作答
""",
    )
    return _fill_settings(nb.build())


def _fill_settings(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """把 @EX2_EPOCHS@ 等换成设置值 / Fill the @…@ placeholders from :mod:`grader.suites.settings`."""
    values = {"@EX2_EPOCHS@": EX2_EPOCHS, "@EX3_EPOCHS@": EX3_EPOCHS, "@EX4_EPOCHS@": EX4_EPOCHS}
    for cell in nb.cells:
        for key, value in values.items():
            cell.source = cell.source.replace(key, str(value))
    return nb
