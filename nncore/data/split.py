"""训练/验证/测试划分 (带种子, 可分层) / Seeded, optionally stratified data splits.

The validation set is what 思考题2 (early stopping, over-fitting curves) needs; the test set
is only touched once, at the end. Fit scalers on the training part only
(see :mod:`nncore.data.preprocessing`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["split_indices", "train_test_split", "train_val_test_split"]


def _check_fractions(val: float, test: float) -> None:
    if not (0.0 <= val < 1.0 and 0.0 <= test < 1.0 and val + test < 1.0):
        raise ValueError(
            f"需要 0 <= val, test 且 val + test < 1, 得到 val={val}, test={test}\n"
            f"need 0 <= val, test and val + test < 1, got val={val}, test={test}"
        )


def _strata(labels: np.ndarray) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    elif arr.ndim == 2:  # one-hot rows
        arr = arr.argmax(axis=1)
    if arr.ndim != 1:
        raise ValueError(
            f"分层需要形状 (n,) 的标签, 得到 {arr.shape}\n"
            f"stratification needs labels of shape (n,), got {arr.shape}"
        )
    return arr


def split_indices(
    n: int,
    *,
    val: float = 0.1,
    test: float = 0.2,
    seed: int = 0,
    labels: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """划分样本下标 / Split ``range(n)`` into disjoint shuffled train/val/test index arrays.

    Without ``labels`` the sizes are ``round(test*n)`` and ``round(val*n)`` and the rest is
    training. With ``labels`` (shape ``(n,)``, or one-hot ``(n, k)``) the split is stratified:
    each class is split on its own with the same rounding, so every part keeps the class
    proportions to within one sample per class.

    Returns:
        ``(train_idx, val_idx, test_idx)``, int64 arrays of shapes ``(n_train,)``,
        ``(n_val,)``, ``(n_test,)``; together a permutation of ``range(n)``.
    """
    _check_fractions(val, test)
    rng = np.random.default_rng(seed)
    if labels is None:
        groups = [np.arange(n)]
    else:
        strata = _strata(labels)
        if strata.shape[0] != n:
            raise ValueError(
                f"labels 长度 {strata.shape[0]} != n={n}\nlabels length {strata.shape[0]} != n={n}"
            )
        groups = [np.flatnonzero(strata == c) for c in np.unique(strata)]
    parts: list[list[np.ndarray]] = [[], [], []]
    for g in groups:
        g = rng.permutation(g)
        n_test = round(test * g.size)
        n_val = round(val * g.size)
        parts[2].append(g[:n_test])
        parts[1].append(g[n_test : n_test + n_val])
        parts[0].append(g[n_test + n_val :])
    train, val_idx, test_idx = (rng.permutation(np.concatenate(p).astype(np.int64)) for p in parts)
    if train.size == 0:
        raise ValueError(
            f"训练集为空 (n={n}, val={val}, test={test})\n"
            f"the training set is empty (n={n}, val={val}, test={test})"
        )
    return train, val_idx, test_idx


def _check_xy(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X 和 y 的样本数必须相同, 得到 X{X.shape}, y{y.shape}\n"
            f"X and y must have the same number of samples, got X{X.shape}, y{y.shape}"
        )
    return X, y


def train_val_test_split(
    X: np.ndarray,
    y: np.ndarray,
    *,
    val: float = 0.1,
    test: float = 0.2,
    seed: int = 0,
    stratify: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """划分训练/验证/测试集 / Split into train, validation and test sets.

    Args:
        X: samples of shape ``(m, ...)``.
        y: targets of shape ``(m, ...)``; class labels ``(m,)`` or one-hot ``(m, k)`` when
            ``stratify`` is set.
        val, test: fractions of the samples for validation and test.
        seed: random seed; the same seed gives the same split.
        stratify: keep the class proportions of ``y`` in every part.

    Returns:
        ``X_train, X_val, X_test, y_train, y_val, y_test`` (scikit-learn's order), each with
        the trailing shape of its input.
    """
    X, y = _check_xy(X, y)
    tr, va, te = split_indices(
        X.shape[0], val=val, test=test, seed=seed, labels=y if stratify else None
    )
    return X[tr], X[va], X[te], y[tr], y[va], y[te]


def train_test_split(
    X: np.ndarray,
    y: np.ndarray,
    *,
    test: float = 0.2,
    seed: int = 0,
    stratify: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """划分训练/测试集 / Split into train and test sets.

    Shapes as in :func:`train_val_test_split` (with ``val=0``).

    Returns:
        ``X_train, X_test, y_train, y_test``.
    """
    X_tr, _, X_te, y_tr, _, y_te = train_val_test_split(
        X, y, val=0.0, test=test, seed=seed, stratify=stratify
    )
    return X_tr, X_te, y_tr, y_te
