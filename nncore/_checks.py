"""输入检查与双语错误信息 / Input validation with bilingual (zh/en) error messages."""

from __future__ import annotations

import numpy as np


def bilingual(zh: str, en: str) -> str:
    """把中文与英文消息合成一条 / Join a Chinese and an English message into one text."""
    return f"{zh}\n{en}"


class ShapeError(ValueError):
    """形状不符 / An array has the wrong shape."""


class NonFiniteError(ValueError):
    """输入含 NaN 或 inf / An input contains NaN or inf."""


def as_2d(x: np.ndarray, name: str, *, n_cols: int | None = None) -> np.ndarray:
    """把 (n,) 变为 (1, n)，检查列数 / Promote (n,) to (1, n) and check the column count.

    Shapes: ``x`` (n,) or (m, n) -> (m, n).
    """
    arr = np.asarray(x)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ShapeError(
            bilingual(
                f"{name} 应为一维 (n,) 或二维 (m, n) 数组，实际形状为 {arr.shape}",
                f"{name} must be 1-D (n,) or 2-D (m, n), got shape {arr.shape}",
            )
        )
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ShapeError(
            bilingual(
                f"{name} 的列数应为 {n_cols}（每行一个样本），实际形状为 {arr.shape}",
                f"{name} must have {n_cols} columns (one sample per row), got shape {arr.shape}",
            )
        )
    return arr


def require_finite(x: np.ndarray, name: str) -> None:
    """若含 NaN/inf 则报错，并指出第一个位置 / Raise if x has NaN/inf, naming the first index."""
    finite = np.isfinite(x)
    if not finite.all():
        idx = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise NonFiniteError(
            bilingual(
                f"{name} 含有 NaN 或 inf（第一个位置 {idx}）；请先清洗或归一化数据",
                f"{name} contains NaN or inf (first at index {idx}); clean or normalise the data first",
            )
        )


def require_same_rows(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """两数组样本数 m 必须相同 / Both arrays must have the same number of samples m."""
    if a.shape[0] != b.shape[0]:
        raise ShapeError(
            bilingual(
                f"{name_a} 与 {name_b} 的样本数不同：{a.shape[0]} ≠ {b.shape[0]}",
                f"{name_a} and {name_b} have different sample counts: {a.shape[0]} != {b.shape[0]}",
            )
        )


def require_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """两数组形状必须相同 / Both arrays must have the same shape."""
    if a.shape != b.shape:
        raise ShapeError(
            bilingual(
                f"{name_a} 的形状 {a.shape} 与 {name_b} 的形状 {b.shape} 不同",
                f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}",
            )
        )
