"""标签编码 / Label encodings: one-hot (例题4) and one-digit-vs-rest (例题3)."""

from __future__ import annotations

import numpy as np

__all__ = ["digit_vs_rest", "one_hot"]


def _int_labels(y: np.ndarray, name: str = "y") -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} 必须是形状 (n,) 的整数标签, 得到形状 {arr.shape}\n"
            f"{name} must be integer labels of shape (n,), got shape {arr.shape}"
        )
    if arr.size and not np.all(np.equal(np.mod(arr, 1), 0)):
        raise ValueError(f"{name} 含非整数标签\n{name} contains non-integer labels")
    return arr.astype(np.int64)


def one_hot(y: np.ndarray, k: int | None = None) -> np.ndarray:
    """整数标签转独热编码 / Integer labels to one-hot rows.

    Args:
        y: integer labels of shape ``(n,)`` (or ``(n, 1)``), values in ``0..k-1``.
        k: number of classes; defaults to ``max(y) + 1``.

    Returns:
        float64 array of shape ``(n, k)``; row ``i`` has a single 1 in column ``y[i]``.
    """
    labels = _int_labels(y)
    if k is None:
        k = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(
            f"标签必须在 0..{k - 1} 之间, 得到 [{labels.min()}, {labels.max()}]\n"
            f"labels must lie in 0..{k - 1}, got range [{labels.min()}, {labels.max()}]"
        )
    out = np.zeros((labels.shape[0], k), dtype=np.float64)
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


def digit_vs_rest(y: np.ndarray, digit: int = 2) -> np.ndarray:
    """某一数字对其余 (二分类标签) / Binary labels: 1 for ``digit``, 0 for every other digit.

    Args:
        y: integer digit labels of shape ``(n,)`` (or ``(n, 1)``).
        digit: the positive class (例题3 uses 2).

    Returns:
        float64 array of shape ``(n,)`` with values in {0.0, 1.0}.
    """
    return (_int_labels(y) == int(digit)).astype(np.float64)
