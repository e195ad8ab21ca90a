"""讲义 §5 的问题，实测 / The lecture's deep-network problems: the measured effects hold."""

from __future__ import annotations

import numpy as np

from nncore.gradcheck import numerical_gradient, relative_error
from nncore.problems import (
    depth_vs_width,
    descend,
    equal_param_architectures,
    layer_gradient_norms,
    momentum_vs_gd_2d,
    momentum_vs_gd_network,
    param_count,
    pretraining_vs_random,
    ravine,
    residual_gradient_norms,
    saddle,
    vanishing_table,
)


def test_sigmoid_gradients_vanish_with_depth_and_relu_or_residual_cure_it() -> None:
    table = vanishing_table(depths=[2, 6, 10], seeds=(0, 1))
    sig = table["ratio"]["sigmoid"]
    assert sig[0] > sig[1] > sig[2] and sig[2] < 1e-4  # shrinks geometrically with depth
    for act in ("tanh", "relu", "leaky_relu"):
        assert table["ratio"][act][2] > 1e3 * sig[2]
    assert min(table["residual_per_block"]["sigmoid"]) > 1e3 * sig[2]
    assert len(table["per_layer"]["tanh"]) == 10


def test_layer_norms_shapes() -> None:
    assert len(layer_gradient_norms(4, "tanh", width=8, m=16)) == 4
    assert len(residual_gradient_norms(3, "sigmoid", width=8, m=16)) == 3


def test_objectives_gradients_and_momentum_wins() -> None:
    p = np.array([0.7, -0.4])
    for fn in (ravine, saddle):
        assert relative_error(fn(p)[1], numerical_gradient(lambda fn=fn: fn(p)[0], p)) < 1e-8
    path, values = descend(ravine, (1.0, 1.0), lr=0.01, steps=5)
    assert path.shape == (6, 2) and values.shape == (6,)
    report = momentum_vs_gd_2d()
    for case in ("ravine", "saddle"):
        assert report[case]["momentum"]["steps_to_target"] < report[case]["gd"]["steps_to_target"]


def test_momentum_trains_xor_faster() -> None:
    report = momentum_vs_gd_network(seeds=[0, 1], epochs=700)
    assert all(r["epochs_to_target"] is not None for r in report["momentum"])
    assert np.mean([r["final_loss"] for r in report["momentum"]]) < np.mean(
        [r["final_loss"] for r in report["gd"]]
    )


def test_equal_parameter_counts_and_depth_wins() -> None:
    counts = {param_count(s) for s in equal_param_architectures().values()}
    assert counts == {97}
    report = depth_vs_width(seeds=[0], epochs=120)
    assert report["models"]["deep 1-8-8-1"]["best"] < report["models"]["wide 1-32-1"]["best"]


def test_pretraining_experiment_runs() -> None:
    r = pretraining_vs_random(hidden=(16,), seeds=[0], pretrain_epochs=1, finetune_epochs=5)
    assert r["sizes"] == [64, 16, 10] and len(r["random"]) == len(r["pretrained"]) == 1
    assert 0.0 <= r["pretrained_mean"] <= 1.0 and r["n_labelled"] < r["n_unlabelled"]


def test_dbn_uses_the_same_protocol_as_pretraining() -> None:
    from nncore.problems.dbn import dbn_vs_dae_vs_random

    kw = dict(hidden=(16,), seeds=[0, 1], pretrain_epochs=1, finetune_epochs=3)
    dbn, dae = dbn_vs_dae_vs_random(**kw), pretraining_vs_random(**kw)
    # one split set-up and one fine-tuning: the same random and DAE runs, the same parts
    assert dbn["random"] == dae["random"] and dbn["dae"] == dae["pretrained"]
    assert len(dbn["dbn"]) == 2 and 0.0 <= dbn["dbn_mean"] <= 1.0
    for key in ("sizes", "n_labelled", "n_unlabelled", "n_test"):
        assert dbn[key] == dae[key]
