"""DBN（RBM 逐层预训练）vs DAE vs 随机初始化，少量标注 / DBN vs DAE vs random init on few labels.

讲义 §5: 改进初始化方式，如 DAE、DBN — 1. 预训练（无监督）；2. 微调（有监督）. The same protocol as
:mod:`nncore.problems.pretraining`: embedded 8×8 digits, 30 % test, a small stratified labelled
part of the training digits for fine-tuning, the rest of the training part *without labels* for
pre-training. The three initialisations get exactly the same fine-tuning; test accuracy is
reported per seed, whatever it says.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nncore.autoencoder import pretrain_layers
from nncore.data import load_digits, split_indices
from nncore.mlp import MLP
from nncore.rbm import pretrain_rbms
from nncore.training import accuracy, fit

KINDS = ("random", "dae", "dbn")


def dbn_vs_dae_vs_random(
    hidden: Sequence[int] = (64, 32),
    *,
    labelled: float = 0.05,
    seeds: Sequence[int] = range(3),
    pretrain_epochs: int = 10,
    finetune_epochs: int = 60,
    lr: float = 0.3,
    rbm_lr: float = 0.1,
) -> dict:
    """比较三种初始化 / Test accuracy of 64-hidden…-10 sigmoid networks, three initialisations.

    ``labelled``: fraction of the training part whose labels are used; fine-tuning: softmax +
    'ce', momentum, ``finetune_epochs``, λ = 1e-3, batch 16. Returns per-kind lists and means.
    """
    X, y = load_digits()
    train, _, test = split_indices(X.shape[0], val=0.0, test=0.3, seed=0, labels=y)
    sizes = [64, *hidden, 10]
    report: dict = {"sizes": sizes, **{k: [] for k in KINDS}}
    for seed in seeds:
        rest, _, lab = split_indices(train.size, val=0.0, test=labelled, seed=seed, labels=y[train])
        X_un = X[train][rest]
        init = {
            "dae": pretrain_layers(X_un, sizes[:-1], noise=0.3, epochs=pretrain_epochs, seed=seed),
            "dbn": pretrain_rbms(X_un, sizes[:-1], epochs=pretrain_epochs, lr=rbm_lr, seed=seed),
        }
        for kind in KINDS:
            net = MLP(sizes, "sigmoid", "softmax", init="xavier", seed=seed)
            if kind in init:
                Ws, bs = init[kind]
                net.weights[:-1] = [W.copy() for W in Ws]
                net.biases[:-1] = [b.copy() for b in bs]
            fit(net, X[train][lab], y[train][lab], loss="ce", optimizer="momentum", lr=lr,
                epochs=finetune_epochs, batch_size=16, lam=1e-3, seed=seed,
                track_accuracy=False)  # fmt: skip
            report[kind].append(accuracy(net.predict(X[test]), y[test]))
    report["n_labelled"] = int(lab.size)
    report["n_unlabelled"] = int(rest.size)
    report["n_test"] = int(test.size)
    for kind in KINDS:
        report[f"{kind}_mean"] = float(np.mean(report[kind]))
    return report
