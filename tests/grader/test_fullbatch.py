"""训练任务的快速参考运行 = nncore 的普通路径 / The training tasks' fast references are equal to
nncore's plain path.

The hidden suite judges 例题2 against the nncore reference trained on the same data and
initial weights; it computes that reference with :func:`grader.suites.fullbatch.fit_full_batch`
(four runs at once) instead of four calls of ``nncore.training.fit``. Here both are compared on
the task's exact settings (the hidden setup drawn as the suite draws it), and on a network with
two hidden layers so that the block-diagonal layers are exercised too. a3.sgd_epoch's held-out
reference uses nncore's fast path (``EpochEngine``); it is compared with ``sgd_epoch`` here.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.suites import a3
from grader.suites.fullbatch import fit_full_batch
from grader.suites.heldout import network, xavier_params
from nncore.training import fit


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_example2_reference_equals_fit(seed: int) -> None:
    """例题2 的设置：参数与新样本 MSE 一致 / Same parameters and fresh-sample MSE as fit."""
    setup = a3.example2_setup(np.random.default_rng(seed))
    fast, plain = a3.example2_reference(setup), a3.fit_reference(setup)
    assert len(fast["params"]) == len(plain["params"]) == 4
    for run_fast, run_plain in zip(fast["params"], plain["params"], strict=True):
        for p, q in zip(run_fast, run_plain, strict=True):
            assert p.shape == q.shape
            np.testing.assert_allclose(p, q, rtol=1e-7, atol=1e-9)
    mse_fast = a3.example2_score(setup, fast)["mse"]
    mse_plain = a3.example2_score(setup, plain)["mse"]
    np.testing.assert_allclose(mse_fast, mse_plain, rtol=1e-9)
    # the runs really trained (a stalled copy of the initial weights would not be close)
    untrained = a3.example2_score(setup, {**fast, "params": setup["inits"]})["mse"]
    assert min(mse_fast) < 0.5 * min(untrained)


def test_two_hidden_layers_and_weight_decay() -> None:
    """两个隐层（tanh、sigmoid）+ λ：与 fit 一致 / Two hidden layers and λ: equal to fit."""
    rng = np.random.default_rng(5)
    sizes, acts = [3, 4, 5, 2], ["tanh", "sigmoid", "identity"]
    X, y = rng.uniform(-1, 1, (40, 3)), rng.uniform(-1, 1, (40, 2))
    inits = [xavier_params(rng, sizes) for _ in range(3)]
    kw = {"lr": 0.2, "beta": 0.9, "epochs": 50, "lam": 0.3}
    runs = fit_full_batch(inits, X, y, activations=acts, **kw)
    for k, init in enumerate(inits):
        net = network(sizes, acts, init)
        fit(net, X, y, loss="mse", optimizer="momentum", batch_size=40, seed=k,
            track_accuracy=False, **kw)  # fmt: skip
        for p, q in zip(runs[k], net.params, strict=True):
            np.testing.assert_allclose(p, q, rtol=1e-9, atol=1e-12)


def test_refuses_other_outputs() -> None:
    """只做恒等输出 + ½‖h−y‖² / Only an identity output with the squared error."""
    with pytest.raises(ValueError):
        fit_full_batch([[np.zeros((1, 1)), np.zeros(1)]], np.zeros((2, 1)), np.zeros((2, 1)),
                       activations=["sigmoid"], lr=0.1, beta=0.9, epochs=1)  # fmt: skip


@pytest.mark.parametrize("seed", [0, 1])
def test_sgd_reference_fast_path_equals_sgd_epoch(seed: int) -> None:
    """a3.sgd_epoch 的留出用例：快速路径 = 逐轮 sgd_epoch / The held-out sgd case's reference:
    nncore's fast path equals sgd_epoch on the task's exact settings (same accuracy)."""
    setup = a3.sgd_setup(np.random.default_rng(seed))
    fast, plain = a3.sgd_reference(setup), a3.sgd_reference(setup, fast=False)
    for p, q in zip(fast["params"], plain["params"], strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-7, atol=1e-9)
    assert a3.sgd_score(setup, fast)[0] == a3.sgd_score(setup, plain)[0]
    assert a3.sgd_score(setup, fast)[0] > 0.5  # trained (untrained: about 0.1)


@pytest.mark.parametrize("seed", [0, 1])
def test_pretraining_references_identical_to_nncore(seed: int) -> None:
    """a4.pretraining 的参考：与 nncore 完全相同 / The lean DAE pre-training loop the reference
    uses (:func:`nncore.problems.greedy.pretrain_daes`) is identical to nncore's pretrain_layers
    on the task's settings (the held-out run and the small exact replay)."""
    from grader.suites import a4
    from nncore import autoencoder as AE
    from nncore.problems import greedy

    setup = a4.pretrain_setup(np.random.default_rng(seed))
    X, sizes, kw = setup["X"], setup["sizes"], setup["kwargs"]
    replay = {k: v for k, v in a4.REPLAY.items() if k != "sizes"} | {"seed": kw["seed"] + 1}
    Xr = X[: a4.REPLAY_SAMPLES]
    runs = (
        (greedy.pretrain_daes(X, sizes, **kw), AE.pretrain_layers(X, sizes, **kw)),
        (greedy.pretrain_daes(Xr, a4.REPLAY["sizes"], **replay),
         AE.pretrain_layers(Xr, a4.REPLAY["sizes"], **replay)),
    )  # fmt: skip
    for lean, plain in runs:
        for got, want in zip(lean[0] + lean[1], plain[0] + plain[1], strict=True):
            np.testing.assert_array_equal(got, want)
    assert a4.pretrain_score(setup, a4.pretrain_reference(setup))[0] > 0.6  # trained
