"""手写数字数据 / Handwritten digits: embedded 8x8 set (scikit-learn) or real MNIST."""

from __future__ import annotations

import os
from typing import Literal

import numpy as np

from .mnist import load_mnist

__all__ = ["load_digit_data", "load_digits"]


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """内置 8x8 手写数字 (1797 张) / scikit-learn's bundled 8x8 digits (1797 images), offline.

    Needs scikit-learn (imported here only; it ships the data, nothing is downloaded).

    Returns:
        ``X`` float64 of shape ``(1797, 64)`` with values in [0, 1] (pixel / 16);
        ``y`` int64 of shape ``(1797,)`` with labels 0-9.

    Raises:
        ImportError: scikit-learn is not installed (the message says what to do instead).
    """
    try:
        from sklearn.datasets import load_digits as _sk_load_digits
    except ImportError as exc:
        raise ImportError(
            "内置手写数字数据需要 scikit-learn: pip install scikit-learn "
            "(或改用真实 MNIST: load_mnist(directory) / 环境变量 NNKIT_MNIST_DIR)。\n"
            "The embedded digits need scikit-learn: pip install scikit-learn "
            "(or use real MNIST: load_mnist(directory) / env var NNKIT_MNIST_DIR)."
        ) from exc
    bunch = _sk_load_digits()
    X = np.asarray(bunch.data, dtype=np.float64) / 16.0
    y = np.asarray(bunch.target, dtype=np.int64)
    return X, y


def load_digit_data(
    source: Literal["embedded", "mnist"] = "embedded",
    mnist_dir: str | os.PathLike[str] | None = None,
    *,
    kind: Literal["t10k", "train"] = "t10k",
) -> tuple[np.ndarray, np.ndarray]:
    """按来源加载手写数字 / Load handwritten digits from the chosen source.

    Args:
        source: ``"embedded"`` (:func:`load_digits`, 8x8) or ``"mnist"`` (:func:`load_mnist`).
        mnist_dir: MNIST folder (defaults to ``$NNKIT_MNIST_DIR``); only for ``"mnist"``.
        kind: MNIST part, ``"t10k"`` or ``"train"``; only for ``"mnist"``.

    Returns:
        ``(X, y)``: embedded -> float64 ``(1797, 64)``; mnist -> float32 ``(n, 784)``;
        X in [0, 1]; y int64 ``(n,)`` labels 0-9.
    """
    if source == "embedded":
        return load_digits()
    if source == "mnist":
        return load_mnist(mnist_dir, kind=kind)
    raise ValueError(
        f"source 必须是 'embedded' 或 'mnist', 得到 {source!r}\n"
        f"source must be 'embedded' or 'mnist', got {source!r}"
    )
