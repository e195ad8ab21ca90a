"""人工神经元：TLU、感知机、逻辑回归 / Artificial neurons: TLU, perceptron, logistic regression.

讲义记号 / Lecture notation: inputs x = (x_1, …, x_n), weights w, bias b (or threshold θ).
m 个样本按行排列 / m samples, one per row: X has shape (m, n).
"""

from __future__ import annotations

import numpy as np
from activations import sigmoid


def tlu(X: np.ndarray, w: np.ndarray | float, theta: float) -> np.ndarray:
    """阈值逻辑单元 / Threshold logic unit (TLU).

    y = 1 若 Σ_i w_i x_i ≥ θ，否则 0 / y = 1 if Σ_i w_i x_i ≥ θ else 0.
    标量 w 即讲义的形式 y = 1 若 w Σ_i x_i ≥ θ / a scalar ``w`` is the slide's form
    (the same weight on every input).
    形状 / Shapes: X (m, n), w (n,) 或标量 / or scalar -> y (m,) of floats 0.0 / 1.0.
    """
    raise NotImplementedError('请实现 tlu（约 3 行）/ implement tlu (about 3 lines)')


def perceptron_predict(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """感知机输出 / Perceptron output: y = 1 若 wᵀx + b ≥ 0，否则 0 / 1 if wᵀx + b ≥ 0 else 0.

    形状 / Shapes: X (m, n), w (n,), b 标量 / scalar -> y (m,) of floats 0.0 / 1.0.
    """
    raise NotImplementedError('请实现 perceptron_predict（约 1 行）/ implement perceptron_predict (about 1 lines)')


def perceptron_update(
    w: np.ndarray, b: float, x: np.ndarray, y: float, lr: float = 1.0
) -> tuple[np.ndarray, float]:
    """感知机学习规则（一个样本）/ The perceptron learning rule for one sample.

    ŷ = 1[wᵀx + b ≥ 0];  w := w + α (y − ŷ) x;  b := b + α (y − ŷ).
    不需要导数：阶跃函数没有有用的导数 / No derivative needed (the step has none worth using).
    形状 / Shapes: w, x (n,), y ∈ {0, 1} -> 新的 / new (w (n,), b). 不要修改传入的数组 /
    do not modify the caller's arrays.
    """
    raise NotImplementedError('请实现 perceptron_update（约 2 行）/ implement perceptron_update (about 2 lines)')


def logistic_forward(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """逻辑回归前向 / Logistic regression: a = P(y = 1 | x) = σ(wᵀx + b).

    使用 activations.py 中你自己的 sigmoid / use your own ``sigmoid`` from activations.py.
    形状 / Shapes: X (m, n), w (n,) -> a (m,).
    """
    raise NotImplementedError('请实现 logistic_forward（约 1 行）/ implement logistic_forward (about 1 lines)')


def logistic_gradient(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float
) -> tuple[float, np.ndarray, float]:
    """交叉熵损失及其梯度 / Cross-entropy loss and its gradient.

    z = Xw + b, a = σ(z);
    J = −(1/m) Σ_n [y_n ln a_n + (1 − y_n) ln(1 − a_n)]（稳定写法 / stably: ln(1 + e^z) − y z）;
    ∂J/∂w = (1/m) Xᵀ (a − y),  ∂J/∂b = (1/m) Σ_n (a_n − y_n).
    形状 / Shapes: X (m, n), y (m,), w (n,) -> (J 标量 / float, dw (n,), db 标量 / float).
    """
    raise NotImplementedError('请实现 logistic_gradient（约 5 行）/ implement logistic_gradient (about 5 lines)')


def logistic_update(
    w: np.ndarray, b: float, dw: np.ndarray, db: float, lr: float
) -> tuple[np.ndarray, float]:
    """梯度下降一步 / One gradient-descent step: w := w − α ∂J/∂w, b := b − α ∂J/∂b.

    形状 / Shapes: w, dw (n,) -> 新的 / new (w (n,), b). 返回新数组 / return new arrays.
    """
    raise NotImplementedError('请实现 logistic_update（约 1 行）/ implement logistic_update (about 1 lines)')
