"""数据（给定）/ Data helpers (given): 例题2's curve, the embedded 8×8 digits, labels, splits.

``load_digits`` 需要 scikit-learn（它自带这份数据，不联网下载）。
``load_digits`` needs scikit-learn, which ships the data (nothing is downloaded).
"""

from __future__ import annotations

import numpy as np


# ---- given code (给定代码): _check_n ----
def _check_n(n: int, name: str = "n", minimum: int = 1) -> int:
    if int(n) != n or n < minimum:
        raise ValueError(
            f"{name} 必须是 >= {minimum} 的整数, 得到 {n!r}\n{name} must be an integer >= {minimum}, got {n!r}"
        )
    return int(n)


# ---- end given ----
# ---- given code (给定代码): curve ----
def curve(m: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """例题2 曲线拟合数据 / 例题2 curve-fitting data: y = x + 0.3 sin(2πx) + ε.

    ``x ~ U[0, 1]`` (sorted ascending, handy for plotting), ``ε ~ U[-0.1, 0.1]``.

    Args:
        m: number of samples.
        seed: random seed.

    Returns:
        ``x`` float64 of shape ``(m, 1)``; ``y`` float64 of shape ``(m, 1)``.
    """
    m = _check_n(m, "m")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 1.0, size=m)).reshape(m, 1)
    eps = rng.uniform(-0.1, 0.1, size=(m, 1))
    y = x + 0.3 * np.sin(2.0 * np.pi * x) + eps
    return x, y


# ---- end given ----
# ---- given code (给定代码): load_digits ----
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


# ---- end given ----
# ---- given code (给定代码): _int_labels ----
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


# ---- end given ----
# ---- given code (给定代码): one_hot ----
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


# ---- end given ----
# ---- given code (给定代码): digit_vs_rest ----
def digit_vs_rest(y: np.ndarray, digit: int = 2) -> np.ndarray:
    """某一数字对其余 (二分类标签) / Binary labels: 1 for ``digit``, 0 for every other digit.

    Args:
        y: integer digit labels of shape ``(n,)`` (or ``(n, 1)``).
        digit: the positive class (例题3 uses 2).

    Returns:
        float64 array of shape ``(n,)`` with values in {0.0, 1.0}.
    """
    return (_int_labels(y) == int(digit)).astype(np.float64)


# ---- end given ----
# ---- given code (给定代码): _check_fractions ----
def _check_fractions(val: float, test: float) -> None:
    if not (0.0 <= val < 1.0 and 0.0 <= test < 1.0 and val + test < 1.0):
        raise ValueError(
            f"需要 0 <= val, test 且 val + test < 1, 得到 val={val}, test={test}\n"
            f"need 0 <= val, test and val + test < 1, got val={val}, test={test}"
        )


# ---- end given ----
# ---- given code (给定代码): _strata ----
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


# ---- end given ----
# ---- given code (给定代码): split_indices ----
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


# ---- end given ----
