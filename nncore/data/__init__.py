"""nncore.data: 离线数据、加载器、归一化与划分 / Offline data, loaders, scaling and splits.

Imports numpy only; scikit-learn is needed only by :func:`load_digits` (imported inside it).
Nothing is ever downloaded.
"""

from .datasets import circles, curve, make_inseparable_2d, xor
from .digits import load_digit_data, load_digits
from .idx import IDXFormatError, load_idx, parse_idx, write_idx
from .labels import digit_vs_rest, one_hot
from .mnist import MNIST_ENV_VAR, find_mnist_file, load_mnist, mnist_dir
from .preprocessing import (
    MinMax,
    NotFittedError,
    ZScore,
    minmax_fit,
    minmax_transform,
    zscore_fit,
    zscore_transform,
)
from .split import split_indices, train_test_split, train_val_test_split

__all__ = [
    "MNIST_ENV_VAR",
    "IDXFormatError",
    "MinMax",
    "NotFittedError",
    "ZScore",
    "circles",
    "curve",
    "digit_vs_rest",
    "find_mnist_file",
    "load_digit_data",
    "load_digits",
    "load_idx",
    "load_mnist",
    "make_inseparable_2d",
    "minmax_fit",
    "minmax_transform",
    "mnist_dir",
    "one_hot",
    "parse_idx",
    "split_indices",
    "train_test_split",
    "train_val_test_split",
    "write_idx",
    "xor",
    "zscore_fit",
    "zscore_transform",
]
