"""DBN（RBM 逐层预训练）vs DAE vs 随机初始化，少量标注 / DBN vs DAE vs random init on few labels.

讲义 §5: 改进初始化方式，如 DAE、DBN — 1. 预训练（无监督）；2. 微调（有监督）. The same protocol as
:mod:`nncore.problems.pretraining` (:func:`~nncore.problems.pretraining.compare_initialisations`):
embedded 8×8 digits, 30 % test, a small stratified labelled part of the training digits for
fine-tuning, the rest of the training part *without labels* for pre-training. The three
initialisations get exactly the same fine-tuning; test accuracy is reported per seed, whatever
it says.
"""

from __future__ import annotations

from collections.abc import Sequence

from nncore.problems.greedy import dae_pretrainer, rbm_pretrainer
from nncore.problems.pretraining import compare_initialisations

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
    The pre-trainings are :mod:`nncore.problems.greedy`'s (identical to the library's loops).
    """
    pretrainers = {"dae": dae_pretrainer(noise=0.3, epochs=pretrain_epochs),
                   "dbn": rbm_pretrainer(epochs=pretrain_epochs, lr=rbm_lr)}  # fmt: skip
    return compare_initialisations(
        pretrainers, hidden, labelled=labelled, seeds=seeds,
        finetune_epochs=finetune_epochs, lr=lr,
    )  # fmt: skip
