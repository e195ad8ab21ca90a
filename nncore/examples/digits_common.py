"""例题3/4 的公共部分 / Shared parts of 例题3 and 例题4: options, data, training, text.

Data: the embedded 8×8 digits by default (64 inputs); real MNIST (784 inputs) with
``--mnist DIR`` or the environment variable ``NNKIT_MNIST_DIR``. With MNIST's train files the
network trains on train and is tested on t10k; with only the t10k files (10 000 images) they
are split, 8 000 / 2 000 by default (``--split 8000/2000``). Pixels are already scaled to
[0, 1]; ``--scale zscore|minmax`` fits a scaler on the training part only.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numpy as np

from nncore.data import MinMax, ZScore, find_mnist_file, load_digits, load_mnist, mnist_dir
from nncore.data.mnist import MNIST_ENV_VAR
from nncore.mlp import MLP
from nncore.training import History, fit

EMBEDDED_SPLIT = (1347, 450)
T10K_SPLIT = (8000, 2000)


def add_digit_arguments(parser: argparse.ArgumentParser, *, lr: float, lam: float) -> None:
    """公共命令行选项 / The options both digit examples take."""
    add = parser.add_argument
    add(
        "--mnist", metavar="DIR", help=f"MNIST IDX 目录（或环境变量 {MNIST_ENV_VAR}）/ MNIST folder"
    )
    add("--split", metavar="A/B", help="训练/测试样本数，如 8000/2000 / train/test counts")
    add("--epochs", type=int, help="训练轮数（内置 30，MNIST 20）/ epochs (embedded 30, MNIST 20)")
    add("--seed", type=int, default=0, help="随机种子 / random seed")
    add("--lr", type=float, default=lr, help="学习率 α / learning rate α")
    add("--lam", type=float, default=lam, help="权值衰减 λ / weight decay λ")
    add("--batch-size", type=int, default=32, help="小批量大小 / mini-batch size")
    add("--activation", default="sigmoid", help="隐层激活函数 / hidden activation")
    add(
        "--optimizer",
        default="momentum",
        choices=["gd", "sgd", "momentum"],
        help="优化器 / optimiser",
    )
    add("--scale", default="none", choices=["none", "zscore", "minmax"],
        help="归一化（仅在训练集上拟合）/ scaling, fitted on train only")  # fmt: skip
    add("--dtype", default="float32", choices=["float32", "float64"], help="浮点精度 / precision")
    add("--plot", metavar="PATH", help="保存图（需 matplotlib）/ save a plot (needs matplotlib)")


def _parse_split(text: str) -> tuple[int, int]:
    try:
        a, b = (int(v) for v in text.split("/"))
    except ValueError:
        a = b = -1
    if a < 1 or b < 1:
        raise ValueError(f"--split 应为 A/B，如 8000/2000，实际 {text!r}\n--split must be A/B, e.g. 8000/2000, got {text!r}")  # fmt: skip
    return a, b


def _split(n: int, counts: tuple[int, int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = counts
    if a + b > n:
        raise ValueError(f"--split {a}/{b} 超过样本数 {n}\n--split {a}/{b} exceeds the {n} samples")
    order = np.random.default_rng(seed).permutation(n)
    return order[:a], order[a : a + b]


def load_digit_split(args: argparse.Namespace) -> dict[str, Any]:
    """按选项加载并划分数据 / Load and split the digits as the options say.

    Returns ``{"X_train", "y_train", "X_test", "y_test", "source", "inputs"}``; X (m, 64) or
    (m, 784) in the chosen dtype, y int labels (m,).
    """
    directory = args.mnist or os.environ.get(MNIST_ENV_VAR, "").strip() or None
    split = _parse_split(args.split) if args.split else None
    if directory is None:
        X, y = load_digits()
        tr, te = _split(X.shape[0], split or EMBEDDED_SPLIT, args.seed)
        data = {"source": "embedded 8x8 digits (scikit-learn)", "X_train": X[tr], "y_train": y[tr],
                "X_test": X[te], "y_test": y[te]}  # fmt: skip
    else:
        d = mnist_dir(directory)
        try:
            find_mnist_file(d, "train", "images")
            has_train = split is None
        except FileNotFoundError:
            has_train = False
        X, y = load_mnist(d, kind="t10k")
        if has_train:
            X_tr, y_tr = load_mnist(d, kind="train")
            data = {"source": f"MNIST {d} (train / t10k)", "X_train": X_tr, "y_train": y_tr,
                    "X_test": X, "y_test": y}  # fmt: skip
        else:
            tr, te = _split(X.shape[0], split or T10K_SPLIT, args.seed)
            data = {"source": f"MNIST {d} (t10k split)", "X_train": X[tr], "y_train": y[tr],
                    "X_test": X[te], "y_test": y[te]}  # fmt: skip
    if args.scale != "none":
        scaler = (ZScore() if args.scale == "zscore" else MinMax()).fit(data["X_train"])
        data["X_train"] = scaler.transform(data["X_train"])
        data["X_test"] = scaler.transform(data["X_test"])
    for key in ("X_train", "X_test"):
        data[key] = np.asarray(data[key], dtype=args.dtype)
    data["inputs"] = data["X_train"].shape[1]
    data["mnist"] = directory is not None
    return data


def train_digits(
    args: argparse.Namespace,
    sizes: list[int],
    output: str,
    loss: str,
    X: np.ndarray,
    y: np.ndarray,
    validation: tuple[np.ndarray, np.ndarray],
    mnist: bool,
) -> tuple[MLP, History, dict[str, Any]]:
    """建网络并训练 / Build the network and train it; returns (net, history, settings)."""
    epochs = args.epochs or (20 if mnist else 30)
    net = MLP(sizes, args.activation, output, init="xavier", seed=args.seed, dtype=args.dtype)
    start = time.perf_counter()
    history = fit(net, X, y, loss=loss, optimizer=args.optimizer, lr=args.lr, epochs=epochs,
                  batch_size=args.batch_size, lam=args.lam, validation=validation, seed=args.seed,
                  progress=None, track_accuracy=False)  # fmt: skip
    seconds = time.perf_counter() - start
    settings = {
        "sizes": sizes, "activation": args.activation, "output": output, "loss": loss,
        "optimizer": args.optimizer, "lr": args.lr, "lam": args.lam, "epochs": epochs,
        "batch_size": args.batch_size, "seed": args.seed, "dtype": args.dtype, "scale": args.scale,
        "train_seconds": round(seconds, 3),
    }  # fmt: skip
    return net, history, settings


def describe(report: dict[str, Any]) -> list[str]:
    """报告的公共行 / The lines both digit examples print."""
    s = report["settings"]
    return [
        report["title"],
        f"数据 / data: {report['source']}; 训练 {report['n_train']} / 测试 {report['n_test']} "
        f"(train / test)",
        f"网络 / network: {'-'.join(map(str, s['sizes']))}, 隐层 {s['activation']}, 输出 {s['output']}, "
        f"损失 {s['loss']} + λ/(2m)Σw² (λ = {s['lam']}); {s['optimizer']} α = {s['lr']}, "
        f"{s['epochs']} 轮 / epochs, batch {s['batch_size']}, {s['dtype']}, {s['train_seconds']} s",
        f"测试准确率 / test accuracy: {100 * report['accuracy']:.2f} %   "
        f"(讲义 / slide: {report['slide_accuracy']} %, {report['slide_note']})",
    ]


SLIDE_NOTE = (
    "讲义未给出训练集大小与设置；本结果来自上面的数据与设置 / "
    "the slide gives no data size or settings; ours come from the data and settings above"
)
