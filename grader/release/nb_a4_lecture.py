"""a4 笔记本中讲义其余部分的各节 / The a4 notebook sections for the rest of the lecture.

Called from :mod:`grader.release.nb_a4` (one line) so that the sections live in their own file.
Reference numbers (nncore, the settings below; ``tests/nncore/test_lecture_rest.py`` asserts
the effects): universal approximation — max error of the staircase fit of 例题2's curve falls
from 0.27 (N = 2) to 0.003 (N = 128); g∘g (two hidden layers of 4 units represent it exactly)
needs 32 staircase units (grid 4…128) for max error < 0.05 where g needs 16; trained one-layer
nets (nncore.approximation.trained_one_layer): g 0.050 with 4 units, g∘g 0.35 with 16, 0.026
with 32. Auxiliary loss (64-32×4-10
sigmoid, 300 digits, 25 epochs): training accuracy 0.11 without, 0.76 with λ_aux = 0.5.
Degradation (500 digits, 20 epochs): plain J 0.14 / 1.64 / 2.30 / 2.30 at 1 / 3 / 5 / 9 hidden
layers, residual 0.14 / 0.07 / 0.06 / 0.12. DBN vs DAE vs random (5 % labels, 3 seeds): 0.866
vs 0.831 vs 0.817.
"""

from __future__ import annotations

from grader.release.notebook import NotebookBuilder

IMPORTS = """
from approximation import (approximation_curve, composed_target, deep_forward, fit_output_weights,
                           sigmoid_sum, staircase_units)
from auxiliary import AuxiliaryNet, auxiliary_loss
from degradation import degradation, training_error
from rbm import RBM, cd1_gradients, free_energy, hidden_probs, pretrain_rbms, visible_probs
"""


def add_sections(nb: NotebookBuilder) -> None:
    """第 6–9 节 / Sections 6–9: approximation, auxiliary loss, degradation, DBN."""
    nb.md(
        """
## 讲义其余部分 / The rest of the lecture

下面四节对应讲义 §1 的通用近似定理与 §5 的三种对策（中间层损失、残差、DBN）。要实现的函数在
`approximation.py`、`auxiliary.py`、`degradation.py` 与 `rbm.py` 中（抛出 `NotImplementedError` 的那些）。
先运行这个导入单元。
The next four sections cover §1's universal approximation theorem and three of §5's cures
(auxiliary losses, residual connections, DBN). The functions to implement are in
`approximation.py`, `auxiliary.py`, `degradation.py` and `rbm.py` (those that raise
`NotImplementedError`). Run this import cell first.
"""
    )
    nb.code(IMPORTS)
    _approximation(nb)
    _auxiliary(nb)
    _degradation(nb)
    _dbn(nb)


def _approximation(nb: NotebookBuilder) -> None:
    nb.md(
        r"""
## 6. 通用近似定理 / Universal approximation

$$F(x) = \sum_{i=1}^{N} v_i\,\sigma(w_i x + b_i), \qquad |F(x) - f(x)| < \varepsilon \text{ on } [0, 1]$$

隐单元按固定规则放置（`staircase_units`：N 个陡峭 sigmoid，中心均匀分布，像构造性证明里的台阶），
只求输出权重 $v$：$\min_v \|\Phi v - y\|^2$，$\Phi_{ni} = \sigma(w_i x_n + b_i)$（线性最小二乘）。
The hidden units are placed by a fixed rule (a staircase of N steep sigmoids); only $v$ is
fitted, by linear least squares. 实现 `sigmoid_sum` 与 `fit_output_weights`。
"""
    )
    nb.test(
        "a4.approximation",
        """
x = np.linspace(0, 1, 7)
w, b, v = np.array([3.0, -2.0]), np.array([0.5, 1.0]), np.array([1.5, -0.5])
sig = lambda t: 1 / (1 + np.exp(-t))
assert np.allclose(sigmoid_sum(x, w, b, v), 1.5 * sig(3 * x + 0.5) - 0.5 * sig(-2 * x + 1))
w, b = staircase_units(6)
y = np.sin(2 * np.pi * x)
v = fit_output_weights(x, y, w, b)
Phi = sig(np.outer(x, w) + b)
assert v.shape == (6,) and np.allclose(Phi.T @ (Phi @ v - y), 0, atol=1e-8)   # 正规方程 / normal equations
""",
    )
    nb.code(
        """
curve_f = lambda x: x + 0.3 * np.sin(2 * np.pi * x)          # 例题2 的曲线 / 例题2's curve
Ns = [2, 4, 8, 16, 32, 64, 128]
c = approximation_curve(curve_f, Ns)
fig, ax = plt.subplots(1, 3, figsize=(14, 3.6))
ax[0].loglog(c["units"], c["max_error"], "o-", label="max |F − f|")
ax[0].loglog(c["units"], c["rmse"], "s-", label="RMSE")
ax[0].set_xlabel("隐单元数 N / hidden units N"); ax[0].set_title("例题2 的曲线 / 例题2's curve")
ax[0].legend()
for N in (4, 16):
    w, b = staircase_units(N)
    xs = np.linspace(0, 1, 400)
    v = fit_output_weights(xs, curve_f(xs), w, b)
    ax[1].plot(xs, sigmoid_sum(xs, w, b, v), label=f"N = {N}")
ax[1].plot(xs, curve_f(xs), "k--", label="f"); ax[1].legend(); ax[1].set_title("F(x)")
# 加深 / depth: g 是 4 个 sigmoid 之和；g∘g 正好是两个隐层（各 4 个单元）的网络
Ns = [4, 8, 16, 32, 64, 128]
errors = {}
for k, name in ((1, "g（1 个隐层 4 单元即可精确 / exact with 1 layer of 4)"),
                (2, "g∘g（2 个隐层各 4 单元即可精确 / exact with 2 layers of 4)")):
    errors[k] = approximation_curve(lambda x: composed_target(x, k), Ns)["max_error"]
    ax[2].loglog(Ns, errors[k], "o-", label=name)
ax[2].axhline(0.05, color="gray", ls=":")
ax[2].set_xlabel("一个隐层的单元数 N / units in one hidden layer"); ax[2].set_ylabel("max error")
ax[2].legend(fontsize=8); plt.tight_layout(); plt.show()
xs = np.linspace(0, 1, 1001)
print("两层网络 8 个单元的误差 / error of the 2-layer net with 8 units:",
      f"{np.max(np.abs(deep_forward(xs, 2) - composed_target(xs, 2))):.1e}")
for k in (1, 2):
    n = next((N for N, e in zip(Ns, errors[k]) if e < 0.05), None)
    print(f"k = {k}: 一个隐层达到 max error < 0.05 需要的单元数 / units for one layer: {n}")
"""
    )
    nb.md(
        """
**思考 / Think**（不计分 / not graded）：定理只保证存在某个 N，却没说 N 多大、怎样找到 $w_i, b_i$。
曲线上 N 每翻一倍误差大约缩小多少？为什么 g∘g 用一个隐层要多得多的单元，而两个隐层 8 个单元就够？
（注意：这里隐层没有训练，所以一层的单元数是上界；nncore 的 `trained_one_layer` 把整个隐层也训练了：
g 用 4 个单元误差 0.050，g∘g 用 16 个单元仍有 0.35，32 个单元 0.026。）
The theorem promises *some* N, not how large or how to find $w_i, b_i$. How much does the
error shrink per doubling of N? Why does g∘g need many more units in one layer while two layers
of 4 suffice? (The hidden layer is not trained here, so the one-layer counts are upper bounds;
with the whole hidden layer trained — nncore's `trained_one_layer` — g reaches 0.050 with 4
units, while g∘g is still at 0.35 with 16 units and 0.026 with 32.)
"""
    )


def _auxiliary(nb: NotebookBuilder) -> None:
    nb.md(
        r"""
## 7. 中间层引入损失函数 / An auxiliary loss on a middle layer

讲义 §5：梯度消失的对策之一是“中间层引入损失函数，如 GoogLeNet”。在第 $k$ 个隐层上接一个输出头
$h_{aux} = g(a^{(k)} V + c)$，训练 $J = J_{main} + \lambda_{aux} J_{aux}$。反向时
$\partial J/\partial a^{(k)} = \delta^{(k+1)} W^{(k)\mathsf T} + \lambda_{aux}\,\delta_{aux} V^{\mathsf T}$：
第 $k$ 层以下得到一条短得多的误差路径。A head on hidden layer $k$; the layers below get a
much shorter error path. 实现 `auxiliary_loss`。
"""
    )
    nb.test(
        "a4.auxiliary",
        """
rng = np.random.default_rng(0)
sizes = [4, 5, 5, 5, 3]
Ws = [rng.normal(size=(i, o)) for i, o in zip(sizes[:-1], sizes[1:])]
bs = [rng.normal(size=o) for o in sizes[1:]]
V, c = rng.normal(size=(5, 3)), rng.normal(size=3)
Xa, ya = rng.normal(size=(6, 4)), rng.integers(0, 3, 6)
acts = ["sigmoid"] * 3 + ["softmax"]
J, dWs, dbs, dV, dc = auxiliary_loss(Xa, ya, Ws, bs, acts, V, c, 3, 0.5)
f = lambda: auxiliary_loss(Xa, ya, Ws, bs, acts, V, c, 3, 0.5)[0]
for analytic, x in ((dWs[0], Ws[0]), (dbs[1], bs[1]), (dWs[2], Ws[2]), (dV, V), (dc, c)):
    assert analytic.shape == x.shape and np.allclose(analytic, numeric_grad(f, x), atol=1e-6)
J0, *_ = auxiliary_loss(Xa, ya, Ws, bs, acts, V, c, 3, 0.0)
J1, *_ = auxiliary_loss(Xa, ya, Ws, bs, acts, V, c, 3, 1.0)
assert np.isclose(J, J0 + 0.5 * (J1 - J0))   # J = J_main + λ J_aux
""",
    )
    nb.code(
        """
X, y = load_digits()
sub = np.random.default_rng(0).permutation(X.shape[0])[:300]
Xs, ys = X[sub], y[sub]
aux_sizes = [64, 32, 32, 32, 32, 10]   # 4 个 sigmoid 隐层，辅助头在 a^(3) / 4 hidden layers, head on a^(3)
curves, first = {}, {}
for lam_aux in (0.0, 0.5):
    net = AuxiliaryNet(aux_sizes, 3, lam_aux=lam_aux, seed=0)
    _, grads = net.loss(Xs, ys, "ce")
    first[lam_aux] = [float(np.linalg.norm(g)) for g in grads[0:8:2]]   # ‖∂J/∂W^(1..4)‖
    curves[lam_aux] = []
    for epoch in range(20):
        fit(net, Xs, ys, loss="ce", optimizer="momentum", lr=0.5, epochs=1, batch_size=16,
            seed=epoch, track_accuracy=False)
        curves[lam_aux].append(accuracy(net.predict(Xs), ys))   # 主输出 / main head only
fig, ax = plt.subplots(1, 2, figsize=(10, 3.5))
for lam_aux in curves:
    ax[0].semilogy(range(1, 5), first[lam_aux], "o-", label=f"λ_aux = {lam_aux}")
    ax[1].plot(range(1, 21), curves[lam_aux], label=f"λ_aux = {lam_aux}")
ax[0].set_xlabel("层 l / layer l"); ax[0].set_ylabel("‖∂J/∂W^(l)‖（初始化处 / at init）")
ax[1].set_xlabel("轮 / epoch"); ax[1].set_ylabel("主输出训练准确率 / main-head training accuracy")
ax[0].legend(); ax[1].legend(); plt.tight_layout(); plt.show()
print("‖∂J/∂W^(1)‖:", {k: f"{v[0]:.1e}" for k, v in first.items()},
      " 20 轮后准确率 / accuracy after 20 epochs:", {k: round(v[-1], 3) for k, v in curves.items()})
"""
    )
    nb.md(
        """
**思考 / Think**（不计分 / not graded）：辅助头让前几层的梯度大了多少倍？它为什么也让主输出学得更快？
测试时为什么可以把辅助头丢掉？λ_aux 太大会怎样？
By what factor does the head raise the first layers' gradients? Why does the *main* output
learn faster too? Why can the head be dropped at test time? What if λ_aux is too large?
"""
    )


def _degradation(nb: NotebookBuilder) -> None:
    nb.md(
        r"""
## 8. 退化 / Degradation

讲义 §5：网络加深后性能反而下降，是**欠拟合**（训练误差也高），不是过拟合。用同样的轮数训练越来越深的
普通 sigmoid 网络与同样深度的残差网络（同样的全连接层加跳跃连接 $a^{(l+2)} = a^{(l)} + F(a^{(l)})$），
比较**训练集**上的损失。实现 `training_error`（它用你的残差块）。
Deeper plain networks do worse — underfitting (high *training* error), not overfitting. Train
plain sigmoid networks and residual networks of the same depth for the same epochs and compare
the *training* loss. Implement `training_error` (it uses your residual block).
"""
    )
    nb.test(
        "a4.degradation",
        """
Xd, yd = load_digits()
Xd, yd = Xd[:80], yd[:80]
J = training_error(Xd, yd, 1, 8, epochs=2, seed=3)
net = MLP([64, 8, 10], "sigmoid", "softmax", init="xavier", seed=3)
h = fit(net, Xd, yd, loss="ce", optimizer="momentum", lr=0.1, epochs=2, batch_size=32, seed=3,
        track_accuracy=False)
assert isinstance(J, float) and np.isclose(J, net.loss(Xd, yd, "ce")[0])   # 最终参数下 / final params
assert not np.isclose(J, h.loss[-1])                    # 不是一轮的平均 / not the running average
assert np.isfinite(training_error(Xd, yd, 3, 8, residual=True, epochs=2, seed=3))
""",
    )
    nb.code(
        """
sub = np.random.default_rng(0).permutation(X.shape[0])[:500]
deg = degradation(X[sub], y[sub], n_blocks=(0, 1, 3), width=16, epochs=20, lr=0.1)
plt.plot(deg["hidden_layers"], deg["plain"], "o-", label="普通网络 / plain")
plt.plot(deg["hidden_layers"], deg["residual"], "s-", label="残差网络 / residual")
plt.xlabel("隐层数 / hidden layers"); plt.ylabel("训练损失 J（20 轮后）/ training loss after 20 epochs")
plt.legend(); plt.show()
for d, p, r in zip(deg["hidden_layers"], deg["plain"], deg["residual"]):
    print(f"{d:>2} 层 / layers: plain {p:.3f}   residual {r:.3f}")
"""
    )
    nb.written(
        "a4.q_degradation",
        """
**问答 / Question**（人工评分 / graded by hand）：用上图的数字说明：为什么这是退化（欠拟合）而不是过拟合？
更深的普通网络至少能做到和浅网络一样好（多出的层取恒等映射），为什么训练却做不到？残差块为什么消除了差距？
Using the numbers above: why is this degradation (underfitting) and not overfitting? A deeper
plain network could match the shallow one (extra layers = identity); why does training not
find that? Why do residual blocks remove the gap?
""",
        """
YOUR ANSWER HERE / 在此作答
""",
    )


def _dbn(nb: NotebookBuilder) -> None:
    nb.md(
        r"""
## 9. 受限玻尔兹曼机与 DBN / RBMs and DBN pre-training

RBM：$p(h_j = 1 \mid v) = \sigma(vW + c)_j$，$p(v_i = 1 \mid h) = \sigma(hW^{\mathsf T} + b)_i$。
CD-1：从数据出发做一步 Gibbs 采样 / one Gibbs step from the data:
$\Delta W = \big(V^{\mathsf T} p_{h0} - p_{v1}^{\mathsf T} p_{h1}\big)/m$，参数向上更新 $W := W + \alpha\Delta W$。
DBN：逐层训练 RBM（每层在下一层的隐概率上训练），再用权重初始化 MLP 并微调 —— 和 DAE 预训练同一个流程。
A DBN stacks RBMs trained layer by layer, then initialises an MLP — the same recipe as the DAE.
实现 `cd1_gradients` 与 `pretrain_rbms`。
"""
    )
    nb.test(
        "a4.rbm",
        """
rng = np.random.default_rng(1)
V = (rng.random((5, 4)) > 0.5).astype(float)
W, b, c = rng.normal(0, 0.5, (4, 3)), rng.normal(0, 0.3, 4), rng.normal(0, 0.3, 3)
U = rng.random((5, 3))
dW, db, dc, err = cd1_gradients(V, W, b, c, U)
assert dW.shape == (4, 3) and db.shape == (4,) and dc.shape == (3,) and isinstance(err, float)
p_v1 = visible_probs((U < hidden_probs(V, W, c)).astype(float), W, b)
# ΔW = −∂/∂W mean(F(V) − F(p_v1))，重构固定 / with the reconstruction held fixed
f = lambda: -np.mean(free_energy(V, W, b, c) - free_energy(p_v1, W, b, c))
for analytic, x in ((dW, W), (db, b), (dc, c)):
    assert np.allclose(analytic, numeric_grad(f, x), atol=1e-7)
""",
    )
    nb.test(
        "a4.dbn",
        """
Xr = np.random.default_rng(0).uniform(size=(64, 10))
Ws, bs = pretrain_rbms(Xr, [10, 6, 4], epochs=3, seed=2)
assert [W.shape for W in Ws] == [(10, 6), (6, 4)] and [b.shape for b in bs] == [(6,), (4,)]
r1 = RBM(10, 6, seed=2)
fit(r1, Xr, Xr, loss="mse", optimizer="momentum", lr=0.1, epochs=3, seed=2, track_accuracy=False)
assert np.allclose(Ws[0], r1.W) and np.allclose(bs[0], r1.c)
r2 = RBM(6, 4, seed=3)
codes = r1.transform(Xr)
fit(r2, codes, codes, loss="mse", optimizer="momentum", lr=0.1, epochs=3, seed=3, track_accuracy=False)
assert np.allclose(Ws[1], r2.W)   # 第二层在第一层的隐概率上训练 / trained on hidden probabilities
""",
    )
    nb.code(
        """
# 与第 4 节同样的划分与微调，加上 DBN / the same splits and fine-tuning as section 4, plus DBN
sizes4 = [64, 64, 32, 10]   # 第 4 节的网络 / section 4's network
results["dbn"] = []
for seed in (0, 1):
    rest, _, lab = split_indices(train.size, val=0.0, test=0.05, seed=seed, labels=y[train])
    Ws, bs = pretrain_rbms(X[train][rest], sizes4[:-1], epochs=10, lr=0.1, seed=seed)
    net = MLP(sizes4, "sigmoid", "softmax", init="xavier", seed=seed)
    net.weights[:-1] = [W.copy() for W in Ws]
    net.biases[:-1] = [b.copy() for b in bs]
    fit(net, X[train][lab], y[train][lab], loss="ce", optimizer="momentum", lr=0.3, epochs=60,
        batch_size=16, lam=1e-3, seed=seed, track_accuracy=False)
    results["dbn"].append(accuracy(net.predict(X[test]), y[test]))
names = {"random": "随机 / random", "pretrained": "DAE", "dbn": "DBN (RBM)"}
plt.bar([names[k] for k in results], [np.mean(v) for v in results.values()])
for i, v in enumerate(results.values()):
    plt.plot([i] * len(v), v, "ko")
plt.ylabel("测试准确率 / test accuracy"); plt.ylim(0.5, 1); plt.title(f"{lab.size} 个标注 / labels")
plt.show()
for kind, accs in results.items():
    print(f"{names[kind]:>14}: {np.round(accs, 3)}  平均 / mean {np.mean(accs):.3f}")
"""
    )
    nb.written(
        "a4.q_dbn",
        """
**问答 / Question**（人工评分 / graded by hand）：在你的结果里，DBN、DAE 与随机初始化谁最好？差别比
种子之间的差别大吗（只有 2 个种子，能下结论吗）？RBM 与 DAE 学习无标签数据的方式有什么不同？
In your results, which of DBN, DAE and random initialisation is best? Is the difference larger
than the spread between seeds (only 2 seeds — can you conclude)? How do the RBM and the DAE
learn from unlabelled data differently?
""",
        """
YOUR ANSWER HERE / 在此作答
""",
    )
