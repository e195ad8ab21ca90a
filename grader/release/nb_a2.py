"""a2 神经网络与反向传播 的笔记本源 / Source of the a2 notebook (built by ``python -m grader build``)."""

from __future__ import annotations

import nbformat

from grader.manifest import A2
from grader.release.notebook import NotebookBuilder

SETUP = """
%load_ext autoreload
%autoreload 2
import matplotlib.pyplot as plt
import numpy as np

from exercise import my_samples, one_update, unflatten
from gradcheck import numerical_gradient, relative_error
from layers import dense_backward, dense_forward
from losses import (binary_cross_entropy, binary_cross_entropy_with_logits, half_squared_error,
                    softmax_cross_entropy)
from mlp import backprop, flatten, mlp_backward, mlp_forward
from optim import gradient_descent_update
"""


def notebook() -> nbformat.NotebookNode:
    """构建笔记本 / Build the notebook."""
    nb = NotebookBuilder(A2)
    nb.md(
        """
# 作业 2：神经网络与反向传播 / Assignment 2: neural networks and backpropagation

**要做的事**：实现 `layers.py`、`losses.py`、`mlp.py`、`optim.py`、`gradcheck.py` 与 `exercise.py`
中抛出 `NotImplementedError` 的函数（`activations.py` 已给出），然后从上到下运行本笔记本。
在终端运行 `pytest` 可看到公开测试得分表；最终成绩由隐藏测试决定（含符号推导的精确梯度）。

**What to do**: implement the functions that raise `NotImplementedError` in `layers.py`,
`losses.py`, `mlp.py`, `optim.py`, `gradcheck.py` and `exercise.py` (`activations.py` is given),
then run this notebook top to bottom. `pytest` in this folder prints the public points table;
the hidden tests (exact symbolic gradients included) decide the grade.
"""
    )
    nb.setup(SETUP)
    nb.md(
        r"""
## 1. 全连接层 / The dense layer

记号 / notation: $w_{ji}^{(l)}$ 从第 $l$ 层的单元 $j$ 指向第 $l+1$ 层的单元 $i$ / goes from unit $j$
of layer $l$ to unit $i$ of layer $l+1$; `W[j, i]` $= w_{ji}^{(l)}$, 每行一个样本 / one sample per row.

$$z_i^{(l+1)} = \sum_j w_{ji}^{(l)} a_j^{(l)} + b_i^{(l+1)} \quad\Longleftrightarrow\quad z = aW + b$$

反向 / backward, with $\delta^{(l+1)} = \partial J / \partial z^{(l+1)}$:
$\dfrac{\partial J}{\partial w_{ji}^{(l)}} = a_j^{(l)}\,\delta_i^{(l+1)}$,
$\dfrac{\partial J}{\partial b_i^{(l+1)}} = \delta_i^{(l+1)}$,
$\dfrac{\partial J}{\partial a_j^{(l)}} = \sum_i w_{ji}^{(l)}\,\delta_i^{(l+1)}$.
"""
    )
    nb.test("a2.dense_forward")
    nb.test("a2.dense_backward")
    nb.md(
        r"""
## 2. 损失函数 / Losses

经验风险 / empirical risk $J = \frac1m \sum_n l\big(y^{(n)}, h(x^{(n)})\big)$：

* 平方误差 / squared error $l = \tfrac12\lVert h(x) - y\rVert^2$;
* 二分类交叉熵 / binary cross-entropy $l = -y\ln h - (1-y)\ln(1-h)$，与 sigmoid 合用时
  $\delta^{(L)} = a^{(L)} - y$ / with a sigmoid output, $\delta^{(L)} = a^{(L)} - y$;
* softmax 交叉熵 / softmax cross-entropy $l = -\sum_k y_k \ln \mathrm{softmax}(z)_k$,
  $\partial l/\partial z = \mathrm{softmax}(z) - y$.
"""
    )
    nb.test("a2.loss_mse")
    nb.test("a2.loss_bce")
    nb.test("a2.loss_softmax_ce")
    nb.md(
        r"""
## 3. 例题1：用你自己的代码 / 例题1 on your own code

2-2-2 网络，全部 sigmoid；$W = (0.2, 0.3, 0.4, 0.5 \mid 0.3, 0.3 \mid 0.7, 0.5, 0.8, 0.3 \mid 0.5, 0.5)$，
$x = (0.4, 0.6)$，$y = (0.6, 0.6)$，$J = \tfrac12\sum_j (y_j - f_j)^2$，$\alpha = 0.1$。

前向 / forward: $a^{(1)} = x$, $z^{(l+1)} = a^{(l)}W^{(l)} + b^{(l+1)}$, $a^{(l+1)} = f(z^{(l+1)})$.
反向 / backward: $\delta^{(L)} = (a^{(L)} - y) \odot f'(z^{(L)})$,
$\delta^{(l)} = f'(z^{(l)}) \odot \sum_j w_{ij}^{(l)} \delta_j^{(l+1)}$.

**讲义勘误 / erratum**：讲义第二层的结果（$\partial J/\partial w_{11}^{(2)} \approx 0.0211$，
$w_{11}^{(2)} \to 0.6979$）正确；第一层的结果（$\partial J/\partial w_{11}^{(1)} \approx -0.053$，
$w_{11}^{(1)} \to 0.2053$ …）与它自己的网络不符：精确值是 $\partial J/\partial w_{11}^{(1)} = 0.00327$，
$w_{11}^{(1)} \to 0.19967$（符号推导 sympy 验证）。
The slide's second-layer results are right; its first-layer results do not follow from its own
network: the exact values (checked with sympy) are $\partial J/\partial w_{11}^{(1)} = 0.00327$
and $w_{11}^{(1)} \to 0.19967$.
"""
    )
    nb.code(
        """
W1, b1 = np.array([[0.2, 0.3], [0.4, 0.5]]), np.array([0.3, 0.3])
W2, b2 = np.array([[0.7, 0.5], [0.8, 0.3]]), np.array([0.5, 0.5])
x, y = np.array([[0.4, 0.6]]), np.array([[0.6, 0.6]])
out, caches = mlp_forward(x, [W1, W2], [b1, b2], ["sigmoid", "sigmoid"])
J, dout = half_squared_error(out, y)
dWs, dbs = mlp_backward(dout, caches)
new = gradient_descent_update([W1, b1, W2, b2], [dWs[0], dbs[0], dWs[1], dbs[1]], 0.1)
hidden = caches[1][0][0]  # a^(2): 第二层的输入 / the input of layer 2
rows = [("h1", hidden[0, 0], 0.6502), ("h2", hidden[0, 1], 0.6726), ("y1", out[0, 0], 0.8166),
        ("y2", out[0, 1], 0.7363), ("dJ/dw11^(2)", dWs[1][0, 0], 0.0211),
        ("w11^(2) new", new[2][0, 0], 0.6979), ("dJ/dw11^(1)", dWs[0][0, 0], -0.053),
        ("w11^(1) new", new[0][0, 0], 0.2053)]
print(f"{'量 / quantity':<16}{'你的 / yours':>14}{'讲义 / slide':>14}")
for name, mine, slide in rows:
    print(f"{name:<16}{mine:>14.5f}{slide:>14.4f}")
"""
    )
    nb.test("a2.mlp_forward")
    nb.test("a2.mlp_backward")
    nb.test("a2.gd_update")
    nb.test("a2.example1")
    nb.test("a2.numerical_gradient")
    nb.md(
        r"""
## 4. 函数复合使线性不可分变为可分：XOR / Composition makes XOR separable

用你的前向、反向与更新训练一个 2-2-1 网络（sigmoid，交叉熵），并画出隐层表示 $a^{(2)}$：
在隐层空间中，XOR 的两类可以用一条直线分开。
Train a 2-2-1 network (sigmoid, cross-entropy) with your own forward, backward and update, and
plot the hidden representation $a^{(2)}$: in it the two XOR classes are linearly separable.
"""
    )
    nb.code(
        """
X_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y_xor = np.array([[0.0], [1.0], [1.0], [0.0]])
rng = np.random.default_rng(0)
params = [rng.normal(size=(2, 2)), np.zeros(2), rng.normal(size=(2, 1)), np.zeros(1)]
for epoch in range(3000):
    out, caches = mlp_forward(X_xor, params[0::2], params[1::2], ["sigmoid", "sigmoid"])
    J, delta = binary_cross_entropy_with_logits(caches[-1][1][0], y_xor)
    dWs, dbs = backprop(delta, caches)
    params = gradient_descent_update(params, [dWs[0], dbs[0], dWs[1], dbs[1]], 2.0)
out, caches = mlp_forward(X_xor, params[0::2], params[1::2], ["sigmoid", "sigmoid"])
H = caches[1][0][0]
print("J =", round(J, 4), "预测 / predictions:", (out.ravel() >= 0.5).astype(int))
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
axes[0].scatter(X_xor[:, 0], X_xor[:, 1], c=y_xor.ravel(), cmap="coolwarm", s=120, edgecolors="k")
axes[0].set_title("输入空间 / input space x")
axes[1].scatter(H[:, 0], H[:, 1], c=y_xor.ravel(), cmap="coolwarm", s=120, edgecolors="k")
w, b = params[2].ravel(), params[3][0]
hs = np.linspace(0, 1, 2)
axes[1].plot(hs, -(w[0] * hs + b) / w[1], "k--")
axes[1].set_xlim(-0.05, 1.05)
axes[1].set_ylim(-0.05, 1.05)
axes[1].set_title("隐层空间 / hidden space a^(2)")
plt.show()
"""
    )
    nb.md(
        r"""
## 5. 练习题 / Exercise

把例题1 的输出层改为一个神经元（2-2-1，二分类），在 `exercise.py` 的 `my_samples()` 中设计几个简单的
训练样本，并实现 `one_update`，完成一次权重更新。评分程序会用 sympy 的精确导数，对 **你的样本**
重新计算这次更新，并与你的结果比较。
初始参数 / initial parameters (slide order):
$\theta = (0.2, 0.3, 0.4, 0.5 \mid 0.3, 0.3 \mid 0.7, 0.8 \mid 0.5)$。
**这组初值从哪里来**：隐含层沿用例题1 的 $W^{(1)}$、$b^{(2)}$；唯一的输出神经元沿用例题1
*第一个* 输出单元 $y_1$ 的权重 $w_{11}^{(2)} = 0.7$、$w_{21}^{(2)} = 0.8$ 与偏置 $b_1^{(3)} = 0.5$
（第二个输出单元去掉）。

**Where this θ comes from**: the hidden layer keeps 例题1's $W^{(1)}$ and $b^{(2)}$; the single
output neuron keeps the weights into 例题1's *first* output unit $y_1$ ($w_{11}^{(2)} = 0.7$,
$w_{21}^{(2)} = 0.8$, $b_1^{(3)} = 0.5$); the second output unit is dropped.

交叉熵分支 / the cross-entropy branch: $\delta^{(3)} = (a^{(3)} - y)/m$ 由
`binary_cross_entropy_with_logits(z3, y)` 给出，其中输出层的 $z^{(3)}$ 在前向的缓存里：
`caches[-1][1][0]`（每层缓存是 `(dense_cache, (z, a, f))`）/ comes from
`binary_cross_entropy_with_logits(z3, y)`, where the output layer's $z^{(3)}$ sits in the
forward caches: `caches[-1][1][0]` (each layer's cache is `(dense_cache, (z, a, f))`).

Change 例题1's output layer to one neuron (2-2-1, binary), design a few simple samples in
`my_samples()` and implement `one_update`. The grader recomputes this one update for **your**
samples with sympy's exact derivatives and compares.
"""
    )
    nb.code(
        """
theta0 = np.array([0.2, 0.3, 0.4, 0.5, 0.3, 0.3, 0.7, 0.8, 0.5])
X_my, y_my = my_samples()
print("样本 / samples:\\n", np.column_stack([X_my, y_my]))
for loss in ("mse", "bce"):
    print(loss, np.round(one_update(theta0, X_my, y_my, 0.1, loss), 6))
"""
    )
    nb.md(
        r"""
**自检 / Self-check**：在你自己的样本上，一次更新必须等于 $\theta - \alpha\,\nabla_\theta J$，
其中梯度用 **你的** `numerical_gradient`（中心差分）对 $J(\theta)$ 求出；$J$ 只用 numpy 写出
（不经过你的反传）。两列应在 $10^{-6}$ 内一致。
On your own samples, one update must equal $\theta - \alpha\,\nabla_\theta J$ with the
gradient from **your** `numerical_gradient` (central differences) of $J(\theta)$, written in
plain numpy (not through your backprop). The columns must agree to $10^{-6}$.
"""
    )
    nb.code(
        """
def J_of(theta, X, y, loss):
    \"\"\"J(θ)：2-2-1 sigmoid 网络，只用 numpy / J(θ) of the 2-2-1 sigmoid net, numpy only.\"\"\"
    s = lambda t: 0.5 * (1 + np.tanh(t / 2))  # σ(t)
    a3 = s(s(X @ theta[:4].reshape(2, 2) + theta[4:6]) @ theta[6:8] + theta[8])
    if loss == "mse":
        return float(np.mean(0.5 * (a3 - y) ** 2))
    return float(np.mean(-y * np.log(a3) - (1 - y) * np.log(1 - a3)))


names = ["w11", "w12", "w21", "w22", "b1", "b2", "w11^(2)", "w21^(2)", "b1^(3)"]
for loss in ("mse", "bce"):
    th = theta0.copy()
    grad = numerical_gradient(lambda: J_of(th, X_my, y_my, loss), th)
    mine = one_update(theta0, X_my, y_my, 0.1, loss)
    check = theta0 - 0.1 * grad
    print(f"loss = {loss}: {'参数 / param':<10}{'one_update':>14}{'θ − α·数值梯度':>16}")
    for name, a, b in zip(names, mine, check):
        flag = "" if abs(a - b) < 1e-6 else "   ← 不同 / differs"
        print(f"{'':13}{name:<10}{a:>14.8f}{b:>16.8f}{flag}")
"""
    )
    nb.test("a2.exercise")
    return nb.build()
