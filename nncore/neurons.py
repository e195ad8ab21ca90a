"""人工神经元：TLU、感知机、逻辑回归 / Artificial neurons: TLU, perceptron, logistic regression."""

from __future__ import annotations

import warnings

import numpy as np

from nncore._checks import as_2d, bilingual, require_finite, require_same_rows
from nncore.activations import sigmoid


class ConvergenceWarning(UserWarning):
    """未在轮数上限内收敛 / Did not converge within the epoch limit."""


def tlu(X: np.ndarray, w: np.ndarray | float, theta: float) -> np.ndarray:
    """阈值逻辑单元 / Threshold logic unit: y = 1 if Σ_i w_i x_i ≥ θ else 0.

    A scalar ``w`` is the slide's form y = 1 if w Σ_i x_i ≥ θ. Shapes: X (m, n), w (n,) or
    scalar -> y (m,).
    """
    X = np.asarray(X, dtype=float)
    s = X @ np.broadcast_to(np.asarray(w, dtype=float), X.shape[-1:])
    return (s >= theta).astype(float)


def perceptron_predict(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """感知机输出 / Perceptron: y = 1 if wᵀx + b ≥ 0 else 0. Shapes: X (m, n), w (n,) -> (m,)."""
    return (X @ w + b >= 0).astype(float)


def perceptron_update(
    w: np.ndarray, b: float, x: np.ndarray, y: float, lr: float = 1.0
) -> tuple[np.ndarray, float]:
    """感知机学习规则（单个样本）/ Perceptron learning rule for one sample.

    ŷ = 1[wᵀx + b ≥ 0]; w := w + α (y − ŷ) x; b := b + α (y − ŷ). No derivative is needed:
    the step function has none worth using. Shapes: w, x (n,). Returns new (w, b).
    """
    error = y - float(x @ w + b >= 0)
    return w + lr * error * x, b + lr * error


class TLU:
    """阈值逻辑单元 / Threshold logic unit with weights w and threshold θ."""

    def __init__(self, w: np.ndarray | float, theta: float) -> None:
        self.w = w
        self.theta = theta

    def predict(self, X: np.ndarray) -> np.ndarray:
        """输出 0/1 / Outputs 0/1, shape (m,)."""
        return tlu(as_2d(X, "X"), self.w, self.theta)


class Perceptron:
    """感知机 / Perceptron trained with the perceptron learning rule.

    ``fit`` stops after an epoch without a mistake (``converged_ = True``) or after
    ``max_epochs`` epochs (``converged_ = False`` and a ConvergenceWarning: e.g. on XOR,
    which is not linearly separable). It never loops forever.
    """

    def __init__(self, lr: float = 1.0, max_epochs: int = 100) -> None:
        self.lr = lr
        self.max_epochs = max_epochs

    def fit(self, X: np.ndarray, y: np.ndarray) -> Perceptron:
        """按样本逐个更新 / Train sample by sample. X (m, n), y (m,) in {0, 1}."""
        X = as_2d(np.asarray(X, dtype=float), "X")
        y = np.asarray(y, dtype=float).ravel()
        require_same_rows(X, y, "X", "y")
        require_finite(X, "X")
        self.w_, self.b_ = np.zeros(X.shape[1]), 0.0
        self.errors_: list[int] = []
        self.converged_ = False
        for _ in range(self.max_epochs):
            mistakes = 0
            for x_n, y_n in zip(X, y, strict=True):
                w, b = perceptron_update(self.w_, self.b_, x_n, y_n, self.lr)
                mistakes += int(b != self.b_ or not np.array_equal(w, self.w_))
                self.w_, self.b_ = w, b
            self.errors_.append(mistakes)
            if mistakes == 0:
                self.converged_ = True
                break
        self.epochs_ = len(self.errors_)
        if not self.converged_:
            warnings.warn(
                bilingual(
                    f"感知机在 {self.max_epochs} 轮内未收敛（数据可能线性不可分，例如 XOR）",
                    f"the perceptron did not converge within {self.max_epochs} epochs "
                    "(the data may not be linearly separable, e.g. XOR)",
                ),
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """输出 0/1 / Outputs 0/1, shape (m,)."""
        return perceptron_predict(as_2d(np.asarray(X, dtype=float), "X"), self.w_, self.b_)


def logistic_forward(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """逻辑回归 / a = P(y=1|x) = σ(wᵀx + b). Shapes: X (m, n), w (n,) -> a (m,)."""
    return sigmoid(X @ w + b)


def logistic_gradient(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float
) -> tuple[float, np.ndarray, float]:
    """交叉熵及梯度 / J = −(1/m) Σ [y ln a + (1−y) ln(1−a)] and its gradient.

    ∂J/∂w = (1/m) Xᵀ(a − y), ∂J/∂b = (1/m) Σ (a − y). Shapes: X (m, n), y (m,), w (n,).
    Returns (J, dw (n,), db).
    """
    z = X @ w + b
    J = float(np.mean(np.logaddexp(0.0, z) - y * z))  # ln(1 + e^z) − y z, stable
    dz = (sigmoid(z) - y) / X.shape[0]
    return J, X.T @ dz, float(dz.sum())


def logistic_update(
    w: np.ndarray, b: float, dw: np.ndarray, db: float, lr: float
) -> tuple[np.ndarray, float]:
    """梯度下降一步 / One gradient step: w := w − α ∂J/∂w, b := b − α ∂J/∂b."""
    return w - lr * dw, b - lr * db


class LogisticRegression:
    """逻辑回归 / Logistic regression σ(wᵀx + b) trained by gradient descent on BCE."""

    def __init__(self, lr: float = 0.5, epochs: int = 1000) -> None:
        self.lr = lr
        self.epochs = epochs

    def fit(self, X: np.ndarray, y: np.ndarray) -> LogisticRegression:
        """批量梯度下降 / Full-batch gradient descent. X (m, n), y (m,) in {0, 1}."""
        X = as_2d(np.asarray(X, dtype=float), "X")
        y = np.asarray(y, dtype=float).ravel()
        require_same_rows(X, y, "X", "y")
        require_finite(X, "X")
        self.w_, self.b_ = np.zeros(X.shape[1]), 0.0
        self.loss_: list[float] = []
        for _ in range(self.epochs):
            J, dw, db = logistic_gradient(X, y, self.w_, self.b_)
            self.w_, self.b_ = logistic_update(self.w_, self.b_, dw, db, self.lr)
            self.loss_.append(J)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(y=1|x), shape (m,)."""
        return logistic_forward(as_2d(np.asarray(X, dtype=float), "X"), self.w_, self.b_)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """0/1 预测 / 0/1 predictions, shape (m,)."""
        return (self.predict_proba(X) >= 0.5).astype(float)
