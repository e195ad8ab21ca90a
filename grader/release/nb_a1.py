"""a1 人工神经元 的笔记本源 / Source of the a1 notebook (built by ``python -m grader build``)."""

from __future__ import annotations

import nbformat

from grader.manifest import A1
from grader.release.notebook import NotebookBuilder

SETUP = """
%load_ext autoreload
%autoreload 2
import matplotlib.pyplot as plt
import numpy as np

from activations import (leaky_relu, leaky_relu_derivative, relu, relu_derivative, sigmoid,
                         sigmoid_derivative, sign, step, tanh, tanh_derivative)
from neurons import (logistic_forward, logistic_gradient, logistic_update, perceptron_predict,
                     perceptron_update, tlu)
"""


def notebook() -> nbformat.NotebookNode:
    """构建笔记本 / Build the notebook."""
    nb = NotebookBuilder(A1)
    nb.md(
        """
# 作业 1：人工神经元 / Assignment 1: the artificial neuron

**要做的事**：在 `activations.py` 与 `neurons.py` 中实现标有 `NotImplementedError` 的函数，
然后从上到下运行本笔记本。每个带分值的测试单元检查一个任务；在终端运行 `pytest` 可以看到公开测试的得分表。
最终成绩由教师的隐藏测试决定。

**What to do**: implement the functions that raise `NotImplementedError` in `activations.py` and
`neurons.py`, then run this notebook top to bottom. Each test cell with points checks one task;
run `pytest` in this folder for the public points table. The hidden tests decide the grade.
"""
    )
    nb.setup(SETUP)
    nb.md(
        r"""
## 1. 激活函数 / Activation functions

一个神经元计算 $z = \sum_j w_j x_j + b$，输出 $a = f(z)$。/ A neuron computes
$z = \sum_j w_j x_j + b$ and outputs $a = f(z)$.

| 名称 / name | $f(t)$ | $f'(t)$ |
|---|---|---|
| 单极性阈值 / unipolar threshold | $1$ if $t \ge 0$ else $0$ | 无有用导数 / none useful |
| 双极性 sgn / bipolar | $1$ if $t \ge 0$ else $-1$ | 无有用导数 / none useful |
| Sigmoid | $\sigma(t) = \dfrac{1}{1+e^{-t}}$ | $\sigma(t)\,(1-\sigma(t)) \le \tfrac14$ |
| tanh | $\dfrac{e^t-e^{-t}}{e^t+e^{-t}} = 2\sigma(2t)-1$ | $1-\tanh^2 t$ |
| ReLU | $\max(0, t)$ | $1$ if $t>0$ else $0$ |
| Leaky ReLU | $t$ if $t>0$ else $\alpha t$ | $1$ if $t>0$ else $\alpha$ |

讲义勘误：讲义把 $2\sigma(t)-1$ 称为 tanh，实际上 $2\sigma(t)-1=\tanh(t/2)$。
Erratum: the slide calls $2\sigma(t)-1$ "tanh"; in fact $2\sigma(t)-1=\tanh(t/2)$.
"""
    )
    nb.code(
        """
t = np.linspace(-5, 5, 401)
pairs = [("step", step, None), ("sgn", sign, None), ("sigmoid", sigmoid, sigmoid_derivative),
         ("tanh", tanh, tanh_derivative), ("ReLU", relu, relu_derivative),
         ("Leaky ReLU (0.1)", lambda z: leaky_relu(z, 0.1), lambda z: leaky_relu_derivative(z, 0.1))]
fig, axes = plt.subplots(2, 3, figsize=(12, 6))
for ax, (name, f, df) in zip(axes.ravel(), pairs):
    ax.plot(t, f(t), label="f(t)")
    if df is not None:
        ax.plot(t, df(t), "--", label="f'(t)")
    ax.set_title(name)
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()
"""
    )
    nb.test("a1.threshold")
    nb.test("a1.sigmoid")
    nb.test("a1.tanh")
    nb.test("a1.relu")
    nb.test("a1.leaky_relu")
    nb.md(
        r"""
## 2. 阈值逻辑单元与感知机 / TLU and perceptron

TLU：$y = 1$ 若 $\sum_i w_i x_i \ge \theta$，否则 $0$。感知机：$y = 1$ 若 $w^\top x + b \ge 0$。
学习规则 / learning rule: $w \leftarrow w + \alpha\,(y-\hat y)\,x,\; b \leftarrow b + \alpha\,(y-\hat y)$.

感知机能学会与门 AND、或门 OR（线性可分），但学不会异或 XOR（线性不可分）。
The perceptron learns AND and OR (linearly separable) but not XOR (not linearly separable).
"""
    )
    nb.test("a1.tlu")
    nb.test("a1.perceptron")
    nb.code(
        """
def train_perceptron(X, y, lr=1.0, epochs=20):
    \"\"\"逐样本用感知机规则训练 / Train sample by sample; returns w, b, mistakes per epoch.\"\"\"
    w, b, history = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        mistakes = 0
        for x_n, y_n in zip(X, y):
            new_w, new_b = perceptron_update(w, b, x_n, y_n, lr)
            mistakes += int(new_b != b or not np.array_equal(new_w, w))
            w, b = new_w, new_b
        history.append(mistakes)
    return w, b, history


X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
gates = {"AND": np.array([0, 0, 0, 1.0]), "OR": np.array([0, 1, 1, 1.0]),
         "XOR": np.array([0, 1, 1, 0.0])}
g1, g2 = np.meshgrid(np.linspace(-0.5, 1.5, 201), np.linspace(-0.5, 1.5, 201))
grid = np.column_stack([g1.ravel(), g2.ravel()])
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
for ax, (name, y) in zip(axes, gates.items()):
    w, b, history = train_perceptron(X, y)
    pred = perceptron_predict(X, w, b)
    acc = np.mean(pred == y)
    print(f"{name}: w = {w}, b = {b}, 准确率 / accuracy {acc:.2f}, 每轮错误数 / mistakes per epoch {history[-5:]}")
    # 背景：感知机判为 1 的区域 / shaded: where the perceptron outputs 1
    ax.contourf(g1, g2, perceptron_predict(grid, w, b).reshape(g1.shape), levels=[-0.5, 0.5, 1.5],
                colors=["#dde8f7", "#f7dddd"])
    ax.contour(g1, g2, (grid @ w + b).reshape(g1.shape), levels=[0], colors="k", linestyles="--")
    for cls, marker, color in ((0, "o", "tab:blue"), (1, "s", "tab:red")):
        pts = X[y == cls]
        ax.scatter(pts[:, 0], pts[:, 1], marker=marker, c=color, s=140, edgecolors="k",
                   label=f"y = {cls}", zorder=3)
    bad = X[pred != y]
    ax.scatter(bad[:, 0], bad[:, 1], marker="x", c="k", s=220, label="分错 / misclassified", zorder=4)
    ax.plot([], [], "k--", label="wᵀx + b = 0")
    ax.set_xlabel("x1"); ax.set_ylabel("x2")
    ax.set_title(f"{name}：准确率 / accuracy {acc:.2f}")
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
fig.suptitle("红色区域输出 1（边界上的点按 wᵀx + b ≥ 0 判为 1）/ red region: output 1 (on the line counts as 1)")
fig.tight_layout()
plt.show()
"""
    )
    nb.md(
        r"""
## 3. 逻辑回归 / Logistic regression

$a = \sigma(w^\top x + b)$，交叉熵 / cross-entropy
$J = -\frac1m \sum_n \left[y_n \ln a_n + (1-y_n)\ln(1-a_n)\right]$，
$\frac{\partial J}{\partial w} = \frac1m X^\top (a-y)$，$\frac{\partial J}{\partial b} = \frac1m\sum_n (a_n-y_n)$。
"""
    )
    nb.test("a1.logistic")
    nb.md(
        r"""
## 思考题 3：有哪些激活函数？各有什么优缺点？ / Question 3: which activations, pros and cons?

实验：把 $L$ 层的导数连乘 $\prod_{l=1}^{L} f'(z^{(l)})$ 画成 $L$ 的函数，左图每层 $z = +1$，右图每层
$z = -1$（负半轴上 ReLU 与 Leaky ReLU 不同）；看 sigmoid（$\sigma' \le 0.25$）、tanh、ReLU、Leaky ReLU
的梯度如何随深度变化。上面第一张图画出了 $z \in [-5, 5]$ 上的 $f$ 与 $f'$。
Experiment: plot the product of derivatives over $L$ layers, with every layer at $z = +1$
(left) and at $z = -1$ (right, where ReLU and Leaky ReLU differ), for sigmoid
($\sigma' \le 0.25$), tanh, ReLU and Leaky ReLU. The first figure above shows $f$ and $f'$ over
$z \in [-5, 5]$.
"""
    )
    nb.code(
        """
layers = np.arange(1, 21)
acts = [("sigmoid", sigmoid_derivative), ("tanh", tanh_derivative), ("ReLU", relu_derivative),
        ("Leaky ReLU (0.01)", leaky_relu_derivative)]
fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
depth10 = {}
for ax, z in zip(axes, (1.0, -1.0)):
    for (name, df), marker in zip(acts, "osd^"):
        d = float(df(np.array(z)))
        prod = d ** layers
        depth10[f"{name}, z = {z:+g}"] = float(prod[9])
        ax.semilogy(layers, np.maximum(prod, 1e-45), marker + "-", label=f"{name}: f'({z:+g}) = {d:.3f}")
    ax.set_title(f"每层 z = {z:+g} / every layer at z = {z:+g}")
    ax.set_xlabel("层数 L / depth L")
    ax.set_ylim(1e-45, 10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
axes[0].set_ylabel("∏ f'(z^(l))（0 画在底部 / 0 drawn at the bottom）")
fig.tight_layout()
print("10 层后的乘积 / product after 10 layers:")
for key, value in depth10.items():
    print(f"  {key:<26} {value:.3g}")
depth10
plt.show()
"""
    )
    nb.written(
        "a1.q3",
        """
**思考题 3**：列出你知道的激活函数（阈值、sgn、sigmoid、tanh、ReLU、Leaky ReLU …），
结合上面的实验说明各自的优缺点（可导性、输出范围、是否以 0 为中心、饱和与梯度消失、计算量、"死亡" ReLU）。

**Question 3**: list the activation functions you know and, using the experiment above, give
the pros and cons of each (differentiability, output range, zero-centred or not, saturation and
vanishing gradients, cost, "dead" ReLUs).
""",
        """
阈值函数/sgn 不可导，只能用感知机规则训练。sigmoid 输出 (0,1) 可作概率，但饱和区梯度几乎为 0，
且 σ' ≤ 0.25，多层连乘后梯度消失，输出不以 0 为中心。tanh 以 0 为中心、导数最大为 1，但仍会饱和。
ReLU 计算简单，正半轴梯度恒为 1，缓解梯度消失，但负半轴梯度为 0，可能"死亡"。Leaky ReLU
在负半轴保留小斜率，避免死亡单元。

Threshold/sgn: no useful derivative (perceptron rule only). Sigmoid: probabilistic output,
but saturates, σ' ≤ 0.25 so gradients vanish with depth, not zero-centred. tanh: zero-centred,
f'(0) = 1, still saturates. ReLU: cheap, gradient 1 for t > 0 (no vanishing), but dead units
for t < 0. Leaky ReLU: small negative slope keeps every unit alive.
""",
    )
    return nb.build()
