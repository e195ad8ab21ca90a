"""a4 深度网络的问题 的笔记本源 / Source of the a4 notebook (built by ``python -m grader build``).

Reference numbers (nncore.problems, the same settings as below): ‖∂J/∂W^(1)‖/‖∂J/∂W^(L)‖ at
depth 8 (seed 0): sigmoid 9.6e-5, ReLU 0.22; saddle from (1e-3, 1), α = 0.1: f < −0.249 after
85 GD steps, 55 momentum steps.
"""

from __future__ import annotations

import nbformat

from grader.manifest import A4
from grader.release.nb_a4_lecture import add_sections as add_lecture_sections
from grader.release.notebook import NotebookBuilder

SETUP = """
%load_ext autoreload
%autoreload 2
import matplotlib.pyplot as plt
import numpy as np

from autoencoder import DenoisingAutoencoder, corrupt, dae_backward, dae_forward, pretrain_layers
from data import load_digits, split_indices
from depth_width import equal_param_architectures, param_count, target_function
from init import get_initialiser
from losses import half_squared_error
from mlp import MLP
from momentum import descend, saddle
from residual import residual_backward, residual_forward
from training import accuracy, fit
from vanishing import _probe, layer_gradient_norms


def numeric_grad(f, x, eps=1e-6):
    \"\"\"中心差分 / Central differences of the scalar f() with respect to x (changed in place).\"\"\"
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps; fp = f()
        x[i] = old - eps; fm = f()
        x[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g
"""


def notebook() -> nbformat.NotebookNode:
    """构建笔记本 / Build the notebook."""
    nb = NotebookBuilder(A4)
    nb.md(
        """
# 作业 4：深度网络的问题 / Assignment 4: problems of deep networks

**要做的事**：实现 `vanishing.py`、`residual.py`、`momentum.py`、`autoencoder.py` 与
`depth_width.py` 中抛出 `NotImplementedError` 的函数；a2/a3 的网络与训练代码已给出。然后从上到下
运行本笔记本，并回答问答题。在终端运行 `pytest` 可看到公开测试得分表；最终成绩由隐藏测试决定。

**What to do**: implement the functions that raise `NotImplementedError` in `vanishing.py`,
`residual.py`, `momentum.py`, `autoencoder.py` and `depth_width.py`; the network and training
code of a2/a3 is given. Run this notebook top to bottom and answer the written questions.
`pytest` in this folder prints the public points table; the hidden tests decide the grade.
"""
    )
    nb.setup(SETUP)

    # ---------------------------------------------------------------- vanishing gradients
    nb.md(
        r"""
## 1. 梯度消失 / Vanishing gradients

误差反传 / backpropagation: $\delta^{(l)} = f'(z^{(l)}) \odot \big(\delta^{(l+1)} W^{(l)\mathsf T}\big)$，
$\dfrac{\partial J}{\partial W^{(l)}} = a^{(l)\mathsf T}\delta^{(l+1)}$。
每往回一层，误差就乘一次 $f'(z)$ 和权重；$\sigma'(t) = \sigma(t)(1-\sigma(t)) \le 0.25$，
所以 sigmoid 深网络靠近输入的层几乎学不动。ReLU 在激活区 $f'(z) = 1$。
Every layer back multiplies the error by $f'(z)$ and by the weights; $\sigma' \le 0.25$, so the
early layers of a deep sigmoid network barely learn. ReLU has $f'(z) = 1$ where active.

实现 `layer_gradient_norms(depth, activation)`：在初始化处返回每层 $\|\partial J/\partial W^{(l)}\|_F$。
Implement it: the per-layer $\|\partial J/\partial W^{(l)}\|_F$ at initialisation.
"""
    )
    nb.test("a4.gradient_norms")
    nb.code(
        """
depths = [2, 4, 6, 8, 10]
print(f"{'depth':>5} | {'sigmoid ‖∂J/∂W1‖/‖∂J/∂WL‖':>26} | {'ReLU':>10}")
ratios = {}
for act in ("sigmoid", "relu"):
    ratios[act] = []
    for d in depths:
        n = layer_gradient_norms(d, act)
        ratios[act].append(n[0] / n[-1])
for d, rs, rr in zip(depths, ratios["sigmoid"], ratios["relu"]):
    print(f"{d:>5} | {rs:>26.2e} | {rr:>10.2e}")

fig, ax = plt.subplots(1, 2, figsize=(10, 3.5))
for act in ("sigmoid", "tanh", "relu", "leaky_relu"):
    ax[0].semilogy(range(1, 11), layer_gradient_norms(10, act), "o-", label=act)
ax[0].set_xlabel("层 l / layer l (1 = 输入侧 / input side)"); ax[0].set_ylabel("‖∂J/∂W^(l)‖")
ax[0].set_title("深度 10 / depth 10"); ax[0].legend()
for act in ("sigmoid", "relu"):
    ax[1].semilogy(depths, ratios[act], "o-", label=act)
ax[1].set_xlabel("深度 / depth"); ax[1].set_ylabel("第一层 / 最后一层 / first / last")
ax[1].legend(); plt.tight_layout(); plt.show()
"""
    )

    # ---------------------------------------------------------------- residual block
    nb.md(
        r"""
## 2. 残差块 / The residual block

$$a^{(l+2)} = a^{(l)} + f\big(a^{(l)} W_1 + b_1\big) W_2 + b_2$$

反向 / backward: $\dfrac{\partial J}{\partial a^{(l)}} = \delta^{(l+2)} + \delta^{(l+1)} W_1^{\mathsf T}$，
其中 $\delta^{(l+1)} = (\delta^{(l+2)} W_2^{\mathsf T}) \odot f'(z^{(l+1)})$：恒等捷径把误差原样送回，
不受 $f'$ 的缩小影响。The identity path carries the error back undamped.
"""
    )
    nb.test("a4.residual")
    nb.code(
        """
def residual_norms(n_blocks, activation, width=32, m=256, seed=0):
    \"\"\"每个残差块 ‖∂J/∂W1‖ / ‖∂J/∂W1‖ of each block (input side first), with your block.\"\"\"
    X, Y, rng = _probe(width, m, seed)
    make = get_initialiser("he" if "relu" in activation else "xavier")
    blocks = [(make(width, width, rng), np.zeros(width), make(width, width, rng), np.zeros(width))
              for _ in range(n_blocks)]
    w_out = make(width, 1, rng)
    a, caches = X, []
    for block in blocks:
        a, c = residual_forward(a, *block, activation=activation)
        caches.append(c)
    _, dout = half_squared_error(a @ w_out, Y)
    da, norms = dout @ w_out.T, []
    for c in reversed(caches):
        da, dW1, *_ = residual_backward(da, c)
        norms.append(float(np.linalg.norm(dW1)))
    return norms[::-1]

plain = layer_gradient_norms(10, "sigmoid")
res = residual_norms(5, "sigmoid")
plt.semilogy(range(1, 11), plain, "o-", label="普通 sigmoid 网络 / plain (10 层 / layers)")
plt.semilogy(range(1, 11, 2), res, "s-", label="残差 sigmoid 网络 / residual (5 块 / blocks)")
plt.xlabel("层 / layer"); plt.ylabel("‖∂J/∂W‖"); plt.legend(); plt.show()
print(f"第一层/最后一层 / first/last: plain {plain[0] / plain[-1]:.1e}, residual {res[0] / res[-1]:.2f}")
"""
    )
    nb.written(
        "a4.q_vanishing",
        """
**问答 / Question**（人工评分 / graded by hand）：为什么 sigmoid 深网络会出现梯度消失，而 ReLU 较轻？
残差连接为什么能缓解它？用上面的表和两张图中的数字说明。
Why do gradients vanish in deep sigmoid networks, and less with ReLU? Why do residual
connections help? Use the numbers in the table and the plots above.
""",
        """
YOUR ANSWER HERE / 在此作答
""",
    )

    # ---------------------------------------------------------------- saddle
    nb.md(
        r"""
## 3. 鞍点：冲量法 vs 梯度下降 / A saddle point: momentum vs gradient descent

$f(x, y) = \tfrac14 x^4 - \tfrac12 x^2 + \tfrac12 y^2$：$(0, 0)$ 是鞍点，$(\pm 1, 0)$ 是极小值 $-\tfrac14$。
从鞍点附近 $(10^{-3}, 1)$ 出发，$\alpha = 0.1$：梯度下降在 $\nabla f \approx 0$ 处停留很久；
冲量法 $v := \beta v - \alpha\nabla f,\ \theta := \theta + v$ 更快离开。
Starting next to the saddle, GD lingers where $\nabla f \approx 0$; momentum leaves sooner.
"""
    )
    nb.test("a4.saddle")
    nb.code(
        """
xs, ys = np.meshgrid(np.linspace(-1.5, 1.5, 200), np.linspace(-1.2, 1.2, 200))
plt.contour(xs, ys, xs**4 / 4 - xs**2 / 2 + ys**2 / 2, levels=30, cmap="gray", linewidths=0.5)
for opt, style in (("gd", "o-"), ("momentum", "s-")):
    p, v = descend(saddle, (1e-3, 1.0), optimizer=opt, lr=0.1, steps=150)
    n = int(np.flatnonzero(v < -0.249)[0])
    plt.plot(p[:, 0], p[:, 1], style, ms=2, label=f"{opt}: {n} 步到 f < −0.249 / steps")
plt.plot(0, 0, "kx", ms=10); plt.xlabel("x"); plt.ylabel("y"); plt.legend()
plt.title("鞍点附近的轨迹 / trajectories near the saddle"); plt.show()
"""
    )

    # ---------------------------------------------------------------- DAE
    nb.md(
        r"""
## 4. 降噪自编码器与逐层预训练 / Denoising autoencoders and layer-wise pre-training

$\tilde x = x \odot \text{mask}$（每个输入以概率 $p$ 置零 / each input zeroed with probability $p$），
$a^{(2)} = f(\tilde x W_1 + b_1)$，$\hat x = g(a^{(2)} W_2 + b_2)$，
$J = \frac{1}{2m}\sum_n \|\hat x^{(n)} - x^{(n)}\|^2$（重构**干净的** $x$ / reconstruct the clean $x$）。

讲义：1. 预训练（无监督）：用大量无标签数据逐层预训练；2. 微调（有监督）：用少量有标签数据 BP 微调。
1. Pre-train layer by layer without labels; 2. fine-tune with backpropagation on few labels.
"""
    )
    nb.test("a4.dae")
    nb.test("a4.pretraining")
    nb.code(
        """
# 少量标注（每类约 6 个，共 60 个）+ 大量无标注；测试 30 % / few labels, many unlabelled
# 微调 20 轮与 60 轮各比一次 / fine-tune for 20 and for 60 epochs
X, y = load_digits()
train, _, test = split_indices(X.shape[0], val=0.0, test=0.3, seed=0, labels=y)
sizes = [64, 64, 32, 10]
pretraining = {(kind, ft): [] for ft in (20, 60) for kind in ("random", "pretrained")}
for seed in (0, 1):
    rest, _, lab = split_indices(train.size, val=0.0, test=0.05, seed=seed, labels=y[train])
    Ws, bs = pretrain_layers(X[train][rest], sizes[:-1], noise=0.3, epochs=10, seed=seed)
    for kind, ft in pretraining:
        net = MLP(sizes, "sigmoid", "softmax", init="xavier", seed=seed)
        if kind == "pretrained":
            net.weights[:-1] = [W.copy() for W in Ws]
            net.biases[:-1] = [b.copy() for b in bs]
        fit(net, X[train][lab], y[train][lab], loss="ce", optimizer="momentum", lr=0.3, epochs=ft,
            batch_size=16, lam=1e-3, seed=seed, track_accuracy=False)
        pretraining[kind, ft].append(round(float(accuracy(net.predict(X[test]), y[test])), 3))
print(f"有标注 / labelled: {lab.size}, 无标注 / unlabelled: {rest.size}, 测试 / test: {test.size}")
gain = {}
for ft in (20, 60):
    r, p = pretraining["random", ft], pretraining["pretrained", ft]
    gain[ft] = round(float(np.mean(p) - np.mean(r)), 3)
    print(f"微调 / fine-tuning {ft} 轮 / epochs: 随机初始化 / random {r} → 预训练 / pre-trained {p}，"
          f"平均提高 / mean gain {gain[ft]:+.3f}")
print("预训练的好处在有标注训练短时最明显；微调足够久后差距变小。\\n"
      "Pre-training helps most when supervised training is short; with long fine-tuning the gap shrinks.")
gain
"""
    )
    nb.written(
        "a4.q_pretraining",
        """
**问答 / Question**（人工评分 / graded by hand）：为什么无监督预训练在标注数据很少时有帮助？
为什么自编码器要重构**加噪前**的输入？结合上面的结果说明（注意差别的大小与随机性）。
Why does unsupervised pre-training help when labels are few? Why does the autoencoder
reconstruct the *uncorrupted* input? Use the results above (mind the size of the difference
and the randomness).
""",
        """
YOUR ANSWER HERE / 在此作答
""",
    )

    # ---------------------------------------------------------------- depth vs width
    nb.md(
        r"""
## 5. 加深 vs 加宽 / Depth vs width

参数个数 / parameter count: $\sum_l (N_l + 1)\,N_{l+1}$（权重加偏置 / weights and biases）。
1-32-1 与 1-8-8-1 的参数一样多；用同样的训练拟合同一个函数，比较测试误差。
1-32-1 and 1-8-8-1 have equally many parameters; fit the same function the same way.
"""
    )
    nb.test("a4.depth_width")
    nb.code(
        """
rng = np.random.default_rng(0)
Xf = rng.uniform(0, 1, size=(256, 1)); Yf = target_function(Xf)
grid = np.linspace(0, 1, 200)[:, None]
plt.plot(grid, target_function(grid), "k", lw=2, label="目标 / target")
for name, sz in equal_param_architectures().items():
    mses, n_params = [], param_count(sz)
    for seed in (0, 1):
        net = MLP(sz, "tanh", "identity", init="xavier", seed=seed)
        fit(net, Xf, Yf, loss="mse", optimizer="momentum", lr=0.05, epochs=150, batch_size=16,
            seed=seed, track_accuracy=False)
        mses.append(float(np.mean((net.predict(grid) - target_function(grid)) ** 2)))
    plt.plot(grid, net.predict(grid), label=f"{name} ({n_params} 参数 / params)")
    print(f"{name}: {n_params} 参数 / params, 测试 MSE / test MSE {np.round(mses, 4)}")
plt.legend(); plt.show()
"""
    )
    nb.written(
        "a4.q_depth",
        """
**问答 / Question**（人工评分 / graded by hand）：参数量相同时，讲义说“增加一层比加宽一层更有效”。
你的实验支持这一点吗？为什么深网络可能用更少的参数表示更复杂的函数？它又带来了哪些本作业中的问题？
At an equal parameter count the lecture says a deeper network beats a wider one. Does your
experiment agree? Why can depth express complex functions with fewer parameters, and which of
this assignment's problems does depth bring along?
""",
        """
YOUR ANSWER HERE / 在此作答
""",
    )
    add_lecture_sections(nb)  # §1 approximation, auxiliary loss, degradation, DBN (issue 14)
    return nb.build()
