"""归一化 (只在训练集上拟合) / Feature scaling, fitted on the training set only.

思考题1 asks why data are normalised before optimising a network: features on very different
scales make the loss surface badly conditioned, so one learning rate α cannot suit all weights,
and large inputs push sigmoid units into saturation (f'(z) ≈ 0). The scalers learn their
statistics from the *training* data with :meth:`fit` and reuse them, unchanged, on validation
and test data with :meth:`transform` — computing them on test data would leak it into training.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "MinMax",
    "NotFittedError",
    "ZScore",
    "minmax_fit",
    "minmax_transform",
    "zscore_fit",
    "zscore_transform",
]


# --- the functional core (what a student reimplements; the classes below use it) -------------
def zscore_fit(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """z-score 统计量 / Per-feature mean μ_j = (1/m) Σ_n x_j^(n) and standard deviation
    σ_j = sqrt((1/m) Σ_n (x_j^(n) − μ_j)²) of training data X (m, n) -> (μ (n,), σ (n,)).
    """
    X = np.asarray(X, dtype=np.float64)
    return X.mean(axis=0), X.std(axis=0)


def zscore_transform(X: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """z-score 标准化 / x'_j = (x_j − μ_j) / σ_j with the *training* μ, σ; X (m, n) -> (m, n).

    A constant feature (σ_j = 0) is divided by 1 instead, so it maps to 0.
    """
    return (np.asarray(X, dtype=np.float64) - mean) / np.where(std > 0, std, 1.0)


def minmax_fit(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """最小-最大统计量 / Per-feature min and max of training data X (m, n) -> ((n,), (n,))."""
    X = np.asarray(X, dtype=np.float64)
    return X.min(axis=0), X.max(axis=0)


def minmax_transform(X: np.ndarray, data_min: np.ndarray, data_max: np.ndarray) -> np.ndarray:
    """缩放到 [0, 1] / x'_j = (x_j − min_j) / (max_j − min_j) with the *training* min and max.

    X (m, n) -> (m, n); a constant feature (max_j = min_j) maps to 0. Not clipped: test data
    may fall outside [0, 1].
    """
    span = data_max - data_min
    return (np.asarray(X, dtype=np.float64) - data_min) / np.where(span > 0, span, 1.0)


class NotFittedError(RuntimeError):
    """缩放器尚未拟合 / ``transform`` was called before ``fit``."""


def _as_2d(X: np.ndarray, name: str = "X") -> np.ndarray:
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} 必须是形状 (m, n_features) 的二维数组, 得到形状 {arr.shape} "
            "(单个特征请用 X.reshape(-1, 1))\n"
            f"{name} must be 2-D of shape (m, n_features), got shape {arr.shape} "
            "(use X.reshape(-1, 1) for a single feature)"
        )
    return arr


class _Scaler:
    """``X' = (X - offset_) / scale_`` 的公共部分 / Shared affine-scaler machinery."""

    offset_: np.ndarray
    scale_: np.ndarray
    n_features_in_: int

    def _stats(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def fit(self, X: np.ndarray) -> _Scaler:
        """在训练数据上拟合 / Learn the statistics from training data ``X`` of shape (m, n)."""
        arr = _as_2d(X)
        if arr.shape[0] == 0:
            raise ValueError("X 没有样本 (m = 0)\nX has no samples (m = 0)")
        if not np.all(np.isfinite(arr)):
            raise ValueError("X 含 NaN 或 inf\nX contains NaN or inf")
        offset, scale = self._stats(arr)
        # Constant features: scale 0 would divide by zero; use 1 so they map to a constant.
        self.scale_ = np.where(scale > 0, scale, 1.0)
        self.offset_ = offset
        self.n_features_in_ = arr.shape[1]
        return self

    def _check(self, X: np.ndarray) -> np.ndarray:
        if not hasattr(self, "scale_"):
            raise NotFittedError(
                f"{type(self).__name__} 尚未拟合: 请先在训练集上调用 fit(X_train)\n"
                f"{type(self).__name__} is not fitted yet: call fit(X_train) first"
            )
        arr = _as_2d(X)
        if arr.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X 有 {arr.shape[1]} 个特征, 但拟合时有 {self.n_features_in_} 个\n"
                f"X has {arr.shape[1]} features, but the scaler was fitted on {self.n_features_in_}"
            )
        return arr

    def transform(self, X: np.ndarray) -> np.ndarray:
        """用训练集统计量变换 / Scale ``X`` (m, n) with the fitted statistics; returns float64 (m, n)."""
        arr = self._check(X)
        return self._post((arr - self.offset_) / self.scale_)

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        """拟合并变换 / ``fit(X).transform(X)``; returns float64 (m, n)."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X: np.ndarray) -> np.ndarray:
        """逆变换回原始尺度 / Undo :meth:`transform`; (m, n) -> float64 (m, n)."""
        arr = self._check(X)
        return self._pre_inverse(arr) * self.scale_ + self.offset_

    def _post(self, Z: np.ndarray) -> np.ndarray:
        return Z

    def _pre_inverse(self, Z: np.ndarray) -> np.ndarray:
        return Z


class ZScore(_Scaler):
    """标准化: 每个特征减均值除以标准差 / Standardise each feature: (x - μ) / σ.

    Attributes (after :meth:`fit`): ``mean_`` and ``std_`` of shape ``(n_features,)``;
    ``scale_`` equals ``std_`` with zeros (constant features) replaced by 1, so a constant
    feature becomes 0 instead of dividing by zero.
    """

    mean_: np.ndarray
    std_: np.ndarray

    def _stats(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.mean_, self.std_ = zscore_fit(X)
        return self.mean_, self.std_

    def transform(self, X: np.ndarray) -> np.ndarray:
        """用训练集的 μ、σ 变换 / :func:`zscore_transform` with the fitted μ and σ; (m, n)."""
        return zscore_transform(self._check(X), self.mean_, self.std_)

    def fit(self, X: np.ndarray) -> ZScore:
        """在训练数据上拟合 μ 和 σ / Learn μ and σ from training data ``X`` of shape (m, n)."""
        super().fit(X)
        return self


class MinMax(_Scaler):
    """最小-最大缩放到 [lo, hi] / Rescale each feature to ``feature_range`` (default [0, 1]).

    Attributes (after :meth:`fit`): ``data_min_`` and ``data_max_`` of shape ``(n_features,)``.
    A constant feature is mapped to ``lo``. Test data may fall outside the range: it is not
    clipped, because the statistics belong to the training set.
    """

    data_min_: np.ndarray
    data_max_: np.ndarray

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)) -> None:
        lo, hi = feature_range
        if not lo < hi:
            raise ValueError(
                f"feature_range 需要 lo < hi, 得到 {feature_range}\n"
                f"feature_range needs lo < hi, got {feature_range}"
            )
        self.feature_range = (float(lo), float(hi))

    def _stats(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.data_min_, self.data_max_ = minmax_fit(X)
        return self.data_min_, self.data_max_ - self.data_min_

    def transform(self, X: np.ndarray) -> np.ndarray:
        """用训练集的最小、最大值变换到 feature_range / :func:`minmax_transform`, then mapped
        to ``feature_range``; (m, n) -> float64 (m, n)."""
        arr = minmax_transform(self._check(X), self.data_min_, self.data_max_)
        return self._post(arr)

    def fit(self, X: np.ndarray) -> MinMax:
        """在训练数据上拟合最小值和最大值 / Learn per-feature min and max from ``X`` (m, n)."""
        super().fit(X)
        return self

    def _post(self, Z: np.ndarray) -> np.ndarray:
        lo, hi = self.feature_range
        return Z * (hi - lo) + lo

    def _pre_inverse(self, Z: np.ndarray) -> np.ndarray:
        lo, hi = self.feature_range
        return (Z - lo) / (hi - lo)
