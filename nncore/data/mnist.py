"""MNIST 加载 (本地 IDX 文件, 从不下载) / Load MNIST from local IDX files (never downloads).

The directory comes from the ``directory`` argument or the environment variable
``NNKIT_MNIST_DIR``. Accepted file names (each with or without ``.gz``; gzip is detected from
the content)::

    t10k-images-idx3-ubyte   t10k-images.idx3-ubyte   t10k-labels-idx1-ubyte   t10k-labels.idx1-ubyte
    train-images-idx3-ubyte  train-images.idx3-ubyte  train-labels-idx1-ubyte  train-labels.idx1-ubyte
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import numpy as np

from .idx import IDXFormatError, load_idx

__all__ = [
    "IMAGES_MAGIC",
    "LABELS_MAGIC",
    "MNIST_ENV_VAR",
    "find_mnist_file",
    "load_mnist",
    "mnist_dir",
]

MNIST_ENV_VAR = "NNKIT_MNIST_DIR"
IMAGES_MAGIC = 0x00000803  # ubyte, 3 dimensions (n, rows, cols)
LABELS_MAGIC = 0x00000801  # ubyte, 1 dimension (n,)

_HOW_TO = (
    f"请用参数 directory=... 或环境变量 {MNIST_ENV_VAR} 指向含 MNIST IDX 文件的目录 "
    "(如 t10k-images-idx3-ubyte.gz 与 t10k-labels-idx1-ubyte.gz); 本库从不下载数据。",
    f"Pass directory=... or set the environment variable {MNIST_ENV_VAR} to a folder holding "
    "the MNIST IDX files (e.g. t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz); "
    "nncore never downloads data.",
)


def mnist_dir(directory: str | os.PathLike[str] | None = None) -> Path:
    """确定 MNIST 目录 / Resolve the MNIST directory from the argument or ``NNKIT_MNIST_DIR``.

    Returns:
        The existing directory.

    Raises:
        FileNotFoundError: neither given nor set, or the folder does not exist; the message
            says how to point nncore at the files.
    """
    if directory is None:
        env = os.environ.get(MNIST_ENV_VAR, "").strip()
        if not env:
            raise FileNotFoundError(
                f"未指定 MNIST 目录。{_HOW_TO[0]}\nNo MNIST directory given. {_HOW_TO[1]}"
            )
        directory = env
    d = Path(directory).expanduser()
    if not d.is_dir():
        raise FileNotFoundError(
            f"MNIST 目录不存在: {d}。{_HOW_TO[0]}\nMNIST directory does not exist: {d}. {_HOW_TO[1]}"
        )
    return d


def _candidate_names(kind: str, what: str) -> list[str]:
    n = 3 if what == "images" else 1
    stems = [f"{kind}-{what}-idx{n}-ubyte", f"{kind}-{what}.idx{n}-ubyte"]
    return [name for stem in stems for name in (stem, stem + ".gz")]


def find_mnist_file(
    directory: str | os.PathLike[str],
    kind: Literal["t10k", "train"],
    what: Literal["images", "labels"],
) -> Path:
    """在目录中找 MNIST 文件 / Find the images or labels file of ``kind`` in ``directory``.

    Both naming styles (``t10k-images-idx3-ubyte`` and ``t10k-images.idx3-ubyte``), each with
    or without ``.gz``, are accepted; the first existing name in that order wins.

    Raises:
        FileNotFoundError: none of the accepted names exists (the message lists them).
    """
    if kind not in ("t10k", "train"):
        raise ValueError(
            f"kind 必须是 't10k' 或 'train', 得到 {kind!r}\nkind must be 't10k' or 'train', got {kind!r}"
        )
    if what not in ("images", "labels"):
        raise ValueError(
            f"what 必须是 'images' 或 'labels', 得到 {what!r}\nwhat must be 'images' or 'labels', got {what!r}"
        )
    d = Path(directory)
    names = _candidate_names(kind, what)
    for name in names:
        if (d / name).is_file():
            return d / name
    listed = ", ".join(names)
    raise FileNotFoundError(
        f"在 {d} 中找不到 MNIST {kind} {what} 文件 (尝试了 {listed})。{_HOW_TO[0]}\n"
        f"No MNIST {kind} {what} file in {d} (tried {listed}). {_HOW_TO[1]}"
    )


def load_mnist(
    directory: str | os.PathLike[str] | None = None,
    *,
    kind: Literal["t10k", "train"] = "t10k",
) -> tuple[np.ndarray, np.ndarray]:
    """加载 MNIST (测试集 t10k 或训练集 train) / Load the MNIST test (t10k) or training set.

    Args:
        directory: folder with the IDX files; defaults to ``$NNKIT_MNIST_DIR``.
        kind: ``"t10k"`` (10 000 images) or ``"train"`` (60 000 images).

    Returns:
        ``X`` float32 of shape ``(n, rows*cols)`` = ``(n, 784)`` for MNIST, values in [0, 1]
        (pixel / 255); ``y`` int64 of shape ``(n,)`` with labels 0-9.

    Raises:
        FileNotFoundError: directory or files missing (message says how to point to them).
        IDXFormatError: a file is corrupt/truncated, has the wrong magic number, labels
            outside 0-9, or the image and label counts differ.
    """
    d = mnist_dir(directory)
    img_path = find_mnist_file(d, kind, "images")
    lab_path = find_mnist_file(d, kind, "labels")
    images = load_idx(img_path, expected_magic=IMAGES_MAGIC)
    labels = load_idx(lab_path, expected_magic=LABELS_MAGIC)
    if images.shape[0] != labels.shape[0]:
        raise IDXFormatError(
            lab_path,
            f"标签数 {labels.shape[0]} 与图像文件 {img_path} 中的图像数 {images.shape[0]} 不一致",
            f"{labels.shape[0]} labels but {images.shape[0]} images in {img_path}",
        )
    if labels.size and int(labels.max()) > 9:
        raise IDXFormatError(
            lab_path,
            f"标签值 {int(labels.max())} 超出 0-9 范围",
            f"label value {int(labels.max())} is outside 0-9",
        )
    n = images.shape[0]
    X = np.divide(images.reshape(n, -1), np.float32(255.0), dtype=np.float32)
    y = labels.astype(np.int64)
    return X, y
