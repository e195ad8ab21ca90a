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
    nb.test(
        "a1.threshold",
        """
assert np.array_equal(step(np.array([-1.0, 0.0, 2.0])), [0, 1, 1])
assert np.array_equal(sign(np.array([-1.0, 0.0, 2.0])), [-1, 1, 1])
""",
    )
    nb.test(
        "a1.sigmoid",
        """
z = np.array([-3.0, 0.0, 3.0])
assert np.allclose(sigmoid(z), 1 / (1 + np.exp(-z)))
assert np.allclose(sigmoid_derivative(z), sigmoid(z) * (1 - sigmoid(z)))
with np.errstate(over="raise"):
    big = sigmoid(np.array([-1e4, 1e4]))  # 数值稳定 / numerically stable
assert np.allclose(big, [0, 1])
""",
    )
    nb.test(
        "a1.tanh",
        """
z = np.array([-2.0, 0.0, 1.5])
assert np.allclose(tanh(z), np.tanh(z))
assert np.allclose(tanh_derivative(z), 1 - np.tanh(z) ** 2)
""",
    )
    nb.test(
        "a1.relu",
        """
assert np.array_equal(relu(np.array([-1.0, 0.0, 2.0])), [0, 0, 2])
assert np.array_equal(relu_derivative(np.array([-1.0, 0.0, 2.0])), [0, 0, 1])
""",
    )
    nb.test(
        "a1.leaky_relu",
        """
assert np.allclose(leaky_relu(np.array([-1.0, 2.0]), 0.2), [-0.2, 2])
assert np.allclose(leaky_relu_derivative(np.array([-1.0, 2.0]), 0.2), [0.2, 1])
""",
    )
    nb.md(
        r"""
## 2. 阈值逻辑单元与感知机 / TLU and perceptron

TLU：$y = 1$ 若 $\sum_i w_i x_i \ge \theta$，否则 $0$。感知机：$y = 1$ 若 $w^\top x + b \ge 0$。
学习规则 / learning rule: $w \leftarrow w + \alpha\,(y-\hat y)\,x,\; b \leftarrow b + \alpha\,(y-\hat y)$.

感知机能学会与门 AND、或门 OR（线性可分），但学不会异或 XOR（线性不可分）。
The perceptron learns AND and OR (linearly separable) but not XOR (not linearly separable).
"""
    )
    nb.test(
        "a1.tlu",
        """
X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
assert np.array_equal(tlu(X, np.array([1.0, 1.0]), 1.5), [0, 0, 0, 1])  # AND
assert np.array_equal(tlu(X, 1.0, 0.5), [0, 1, 1, 1])  # OR（讲义的标量形式 / slide's form)
""",
    )
    nb.test(
        "a1.perceptron",
        """
w, b = perceptron_update(np.zeros(2), 0.0, np.array([1.0, 1.0]), 1.0, lr=1.0)
assert np.allclose(w, [0, 0]) and b == 0.0  # 已正确：不变 / already right: unchanged
w, b = perceptron_update(np.zeros(2), 0.0, np.array([1.0, 1.0]), 0.0, lr=1.0)
assert np.allclose(w, [-1, -1]) and b == -1.0
assert np.array_equal(perceptron_predict(np.array([[2.0, 0.0]]), np.array([1.0, -1.0]), -1.0), [1])
""",
    )
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
fig, axes = plt.subplots(1, 3, figsize=(12, 4))
for ax, (name, y) in zip(axes, gates.items()):
    w, b, history = train_perceptron(X, y)
    acc = np.mean(perceptron_predict(X, w, b) == y)
    print(f"{name}: 准确率 / accuracy {acc:.2f}, 每轮错误数 / mistakes per epoch {history[-5:]}")
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=120, edgecolors="k")
    xs = np.linspace(-0.5, 1.5, 2)
    if abs(w[1]) > 1e-12:
        ax.plot(xs, -(w[0] * xs + b) / w[1], "k--")
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_title(f"{name}: acc = {acc:.2f}")
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
    nb.test(
        "a1.logistic",
        """
X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = np.array([0, 0, 0, 1.0])
w, b = np.zeros(2), 0.0
J0, dw, db = logistic_gradient(X, y, w, b)
assert np.isclose(J0, np.log(2)) and np.allclose(dw, [0.0, 0.0]) and np.isclose(db, 0.25)
for _ in range(2000):
    J, dw, db = logistic_gradient(X, y, w, b)
    w, b = logistic_update(w, b, dw, db, 1.0)
assert J < 0.1 and np.array_equal(logistic_forward(X, w, b) >= 0.5, y == 1)
""",
    )
    nb.md(
        r"""
## 思考题 3：有哪些激活函数？各有什么优缺点？ / Question 3: which activations, pros and cons?

实验：把 $L$ 层的导数连乘 $\prod_{l=1}^{L} f'(z^{(l)})$（设每层 $z$ 相同）画成 $L$ 的函数，
看 sigmoid（$\sigma' \le 0.25$）、tanh、ReLU 的梯度如何随深度变化。
Experiment: plot the product of derivatives over $L$ layers for sigmoid ($\sigma' \le 0.25$),
tanh and ReLU at a few pre-activations, to see how gradients scale with depth.
"""
    )
    nb.code(
        """
layers = np.arange(1, 21)
fig, ax = plt.subplots(figsize=(6, 4))
for name, df in [("sigmoid", sigmoid_derivative), ("tanh", tanh_derivative),
                 ("ReLU", relu_derivative), ("Leaky ReLU", leaky_relu_derivative)]:
    d = float(df(np.array(0.5)))
    ax.semilogy(layers, np.maximum(d ** layers, 1e-30), "o-", label=f"{name}: f'(0.5) = {d:.3f}")
ax.set_xlabel("层数 L / depth L")
ax.set_ylabel("∏ f'(z)")
ax.legend()
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
