"""练习题：单输出二分类网络的一次更新 / 练习题: one update of the single-output binary network.

把例题1 的输出层改为一个 sigmoid 神经元（2-2-1 网络），自己设计几个简单的训练样本，做一次权重更新。
Change 例题1's output layer to one sigmoid neuron (a 2-2-1 network), design a few simple
training samples yourself, and carry out one weight update.

参数向量按讲义顺序 / The parameter vector θ is in the slide's order:
(w11, w12, w21, w22, b1, b2 | w11, w21 | b1) = W^(1) 按行 / row-major, b^(2), W^(2), b^(3).
讲义的初值 / The lecture's starting θ = (0.2, 0.3, 0.4, 0.5, 0.3, 0.3 | 0.7, 0.8 | 0.5)：隐含层沿用
例题1 的 W^(1)、b^(2)；唯一的输出神经元沿用例题1 *第一个* 输出单元的权重 w11^(2) = 0.7、
w21^(2) = 0.8 与偏置 b1^(3) = 0.5（第二个输出单元去掉了）。/ The hidden layer keeps 例题1's W^(1)
and b^(2); the single output neuron keeps the weights into 例题1's *first* output unit
(w11^(2) = 0.7, w21^(2) = 0.8, b1^(3) = 0.5); the second output unit is dropped.

评分时会用符号推导（sympy）为 *你的样本* 重新计算这一次更新 / The grader recomputes this update
for *your* samples with exact symbolic derivatives (sympy).
自检 / Self-check before submitting: ``pytest -k your_samples`` compares ``one_update`` on your
own samples with θ − α·(数值梯度 / central-difference gradient); the notebook prints the same
comparison entry by entry, and ``python -m nncore example exercise --samples my.csv`` (where
nncore is installed, e.g. in the course's lab) prints every intermediate value.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from losses import binary_cross_entropy_with_logits, half_squared_error
from mlp import backprop, flatten, mlp_backward, mlp_forward
from optim import gradient_descent_update

# ---- given code (给定代码): SIZES ----
SIZES = (2, 2, 1)


# ---- end given ----


def my_samples() -> tuple[np.ndarray, np.ndarray]:
    """你设计的训练样本 / Your own training samples for the binary classifier.

    返回 / Returns X (m, 2) 有限实数 / finite floats, and y (m,) with labels 0 or 1;
    2 ≤ m ≤ 10，两类都要有 / both classes present. 例如 / e.g. 左下角为 0 类、右上角为 1 类 /
    class 0 near the origin, class 1 near (1, 1).
    """
    raise NotImplementedError('请实现 my_samples（约 3 行）/ implement my_samples (about 3 lines)')


def one_update(
    theta: np.ndarray, X: np.ndarray, y: np.ndarray, alpha: float, loss: str = "mse"
) -> np.ndarray:
    """2-2-1 网络的一次梯度下降更新 / One gradient-descent step of the 2-2-1 network.

    步骤 / Steps: ``unflatten`` θ (9,) into W^(1) (2, 2), b^(2) (2,), W^(2) (2, 1), b^(3) (1,);
    forward with sigmoid in both layers (``mlp_forward``); the loss: "mse" is
    J = (1/m) Σ ½ (a^(3) − y)² (``half_squared_error`` + ``mlp_backward``), "bce" is the
    cross-entropy, for which δ^(3) = (a^(3) − y)/m comes from ``binary_cross_entropy_with_logits``
    on z^(3) (then ``backprop``); θ := θ − α ∂J/∂θ (``gradient_descent_update``); ``flatten``.
    z^(3) 从哪里来 / Where z^(3) comes from: 前向的缓存里 / the forward pass's caches. 每层缓存是
    (dense_cache, activation_cache)，activation_cache = (z, a, f)，所以输出层的
    z^(3) = caches[-1][1][0] / each layer's cache is (dense_cache, activation_cache) with
    activation_cache = (z, a, f), so the output layer's z^(3) is ``caches[-1][1][0]``.
    y 的形状 (m,) 要先变成 (m, 1)，与输出 a^(3) (m, 1) 一致 / reshape y (m,) to (m, 1) first.
    形状 / Shapes: theta (9,), X (m, 2), y (m,) 或 / or (m, 1) -> new theta (9,).
    """
    raise NotImplementedError('请实现 one_update（约 12 行）/ implement one_update (about 12 lines)')


# ---- given code (给定代码): unflatten ----
def unflatten(theta: np.ndarray, sizes: Sequence[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """讲义顺序的参数向量 → 各层 W、b / Split a slide-order vector into weights and biases.

    theta (P,) -> weights[l] (N_l, N_{l+1}) with W[j, i] = w_ji^(l), biases[l] (N_{l+1},).
    """
    weights, biases, start = [], [], 0
    for n_in, n_out in pairwise(sizes):
        weights.append(theta[start : start + n_in * n_out].reshape(n_in, n_out))
        start += n_in * n_out
        biases.append(theta[start : start + n_out])
        start += n_out
    return weights, biases


# ---- end given ----
