"""归一化（只在训练集上拟合）/ Feature scaling, fitted on the training set only.

思考题1：为什么要归一化？各特征尺度相差很大时，损失曲面病态（狭长山谷），一个学习率 α 难以兼顾
所有权重；输入过大还会让 sigmoid 饱和（f'(z) ≈ 0）。统计量只能在**训练集**上计算，再原样用于
验证集和测试集。
Question 1: why normalise? Features on very different scales make the loss surface badly
conditioned, so one α cannot suit every weight, and large inputs saturate sigmoid units. The
statistics come from the **training** set only and are reused unchanged on validation/test.
"""

from __future__ import annotations

import numpy as np


def zscore_fit(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """z-score 标准化的统计量 / Statistics of z-score standardisation.

    μ_j = (1/m) Σ_n x_j^(n),    σ_j = sqrt((1/m) Σ_n (x_j^(n) − μ_j)²)   （总体标准差 / ddof 0）

    形状 / Shapes: X (m, n) 训练数据 / training data -> (μ (n,), σ (n,)), float64.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    return X.mean(axis=0), X.std(axis=0)
    ### END SOLUTION


def zscore_transform(X: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """z-score 标准化 / Standardise: x'_j = (x_j − μ_j) / σ_j with the *training* μ and σ.

    常数特征（σ_j = 0）改除以 1，于是变为 0，不会除以零。
    A constant feature (σ_j = 0) is divided by 1 instead, so it becomes 0 (no division by 0).

    形状 / Shapes: X (m, n), mean (n,), std (n,) -> float64 (m, n). 不要就地修改 X、mean 或
    std / do not modify X, mean or std in place.
    """
    ### BEGIN SOLUTION
    return (np.asarray(X, dtype=np.float64) - mean) / np.where(std > 0, std, 1.0)
    ### END SOLUTION


def minmax_fit(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """最小-最大缩放的统计量 / Statistics of min-max scaling: min_j and max_j per feature.

    形状 / Shapes: X (m, n) 训练数据 / training data -> (min (n,), max (n,)), float64.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    return X.min(axis=0), X.max(axis=0)
    ### END SOLUTION


def minmax_transform(X: np.ndarray, data_min: np.ndarray, data_max: np.ndarray) -> np.ndarray:
    """缩放到 [0, 1] / Rescale: x'_j = (x_j − min_j) / (max_j − min_j), *training* min and max.

    常数特征（max_j = min_j）改除以 1，于是变为 0，不会除以零（不得有 RuntimeWarning）。不截断：测试数据
    可以落在 [0, 1] 之外。
    A constant feature (max_j = min_j) is divided by 1 instead, so it becomes 0 (no division
    by 0, no RuntimeWarning). No clipping: test data may fall outside [0, 1], because the
    statistics belong to the training set.

    形状 / Shapes: X (m, n), data_min (n,), data_max (n,) -> float64 (m, n). 不要就地修改输入 /
    do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    span = data_max - data_min
    return (np.asarray(X, dtype=np.float64) - data_min) / np.where(span > 0, span, 1.0)
    ### END SOLUTION
