"""无监督预训练 + 有监督微调 vs 随机初始化 / DAE pre-training + fine-tuning vs random init.

讲义 §5: 预训练（无监督）用大量无标签数据逐层预训练；微调（有监督）用少量有标签数据 BP 微调.
Embedded 8×8 digits: a few labelled samples per class for fine-tuning, the rest of the
training part used *without labels* for pre-training, a held-out test set for accuracy.
:func:`compare_initialisations` is the protocol; :mod:`nncore.problems.dbn` reuses it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nncore.data import load_digits, split_indices
from nncore.mlp import MLP
from nncore.problems.greedy import Pretrainer, dae_pretrainer
from nncore.training import accuracy, fit


def compare_initialisations(
    pretrainers: dict[str, Pretrainer],
    hidden: Sequence[int] = (64, 32),
    *,
    labelled: float = 0.05,
    seeds: Sequence[int] = range(3),
    finetune_epochs: int = 60,
    lr: float = 0.3,
) -> dict:
    """比较初始化方式 / Test accuracy of 64-hidden…-10 sigmoid networks per initialisation.

    Digits: 30 % test (seed 0, stratified); of the training part a stratified fraction
    ``labelled`` keeps its labels (per seed), the rest is given to every pre-trainer without
    labels. Kind "random" (Xavier, seeded) plus one kind per entry of ``pretrainers``; all get
    exactly the same fine-tuning: softmax + 'ce', momentum, ``finetune_epochs``, λ = 1e-3,
    batch 16. Returns per-kind lists of test accuracies (one per seed), their means
    ("<kind>_mean") and the sizes of the three parts.
    """
    X, y = load_digits()
    train, _, test = split_indices(X.shape[0], val=0.0, test=0.3, seed=0, labels=y)
    sizes = [64, *hidden, 10]
    kinds = ["random", *pretrainers]
    report: dict = {"sizes": sizes, **{k: [] for k in kinds}}
    for seed in seeds:
        rest, _, lab = split_indices(train.size, val=0.0, test=labelled, seed=seed, labels=y[train])
        X_un = X[train][rest]
        init = {kind: make(X_un, sizes[:-1], seed) for kind, make in pretrainers.items()}
        for kind in kinds:
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
    for kind in kinds:
        report[f"{kind}_mean"] = float(np.mean(report[kind]))
    return report


def pretraining_vs_random(
    hidden: Sequence[int] = (64, 32),
    *,
    labelled: float = 0.05,
    seeds: Sequence[int] = range(3),
    pretrain_epochs: int = 10,
    finetune_epochs: int = 60,
    lr: float = 0.3,
    noise: float = 0.3,
) -> dict:
    """比较 / Test accuracy of 64-hidden…-10 sigmoid networks: random init vs pre-trained.

    ``labelled``: the fraction of the training part whose labels are used (stratified);
    test = 30 % of all digits. Same fine-tuning (momentum, bce-free softmax + ce) for both;
    the protocol is :func:`compare_initialisations`, the pre-training
    :func:`nncore.problems.greedy.pretrain_daes` (identical to ``pretrain_layers``).
    """
    return compare_initialisations(
        {"pretrained": dae_pretrainer(noise=noise, epochs=pretrain_epochs)}, hidden, labelled=labelled, seeds=seeds,
        finetune_epochs=finetune_epochs, lr=lr,
    )  # fmt: skip
