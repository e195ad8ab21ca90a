"""例题2–4 与问题实测的命令行 / The command line of 例题2–4 and the problems report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nncore.__main__ import main
from nncore.data import curve, write_idx
from nncore.data.mnist import MNIST_ENV_VAR
from nncore.examples.example2 import NOISE_VARIANCE, init_network
from nncore.training import fit


@pytest.fixture(autouse=True)
def _no_mnist_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MNIST_ENV_VAR, raising=False)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["example", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_example2_good_initialisation_beats_the_noise_variance() -> None:
    """好的初始值下 MSE 低于噪声方差 0.01/3 / MSE below the noise variance for a good init."""
    from nncore.data import ZScore

    x, y = curve(200, seed=0)
    xs = ZScore().fit_transform(x)
    net = init_network(5, 3.0, 0)
    fit(net, xs, y, loss="mse", optimizer="momentum", lr=0.3, epochs=3000, lam=1e-4,
        batch_size=200, track_accuracy=False)  # fmt: skip
    assert float(np.mean((net.predict(xs) - y) ** 2)) < NOISE_VARIANCE


def test_example2_cli_reports_differing_results(capsys: pytest.CaptureFixture[str]) -> None:
    report = _json(capsys, "2", "--epochs", "300")
    mses = [r["mse"] for r in report["runs"]]
    assert len(mses) == 6 and max(mses) - min(mses) > 1e-3  # the initialisations disagree
    assert report["noise_variance"] == pytest.approx(0.01 / 3)
    assert main(["example", "2", "--epochs", "50"]) == 0
    assert "初始值" in capsys.readouterr().out


def test_example3_embedded(capsys: pytest.CaptureFixture[str]) -> None:
    report = _json(capsys, "3", "--epochs", "10")
    assert report["settings"]["sizes"] == [64, 25, 1]
    assert report["accuracy"] > report["baseline_accuracy"]
    assert report["slide_accuracy"] == 98.7
    assert main(["example", "3", "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    assert "98.7 %" in out and "测试准确率" in out and "test accuracy" in out


def test_example4_embedded_accuracy_and_confusion(capsys: pytest.CaptureFixture[str]) -> None:
    report = _json(capsys, "4")
    assert report["settings"]["sizes"] == [64, 100, 10]
    assert report["accuracy"] >= 0.95
    C = np.array(report["confusion"])
    assert C.shape == (10, 10) and C.sum() == report["n_test"] == 450
    assert np.trace(C) / C.sum() == pytest.approx(report["accuracy"])
    assert main(["example", "4", "--epochs", "1"]) == 0
    assert "97.3 %" in capsys.readouterr().out


def _tiny_mnist(directory: Path, n: int = 120) -> None:
    rng = np.random.default_rng(0)
    labels = np.arange(n) % 10
    images = np.zeros((n, 28, 28), dtype=np.uint8)
    for i, k in enumerate(labels):  # a bright bar whose row is the digit: learnable
        images[i, 2 + 2 * k : 4 + 2 * k, 4:24] = 200
    images += rng.integers(0, 30, images.shape, dtype=np.uint8)
    write_idx(directory / "t10k-images-idx3-ubyte.gz", images, compress=True)
    write_idx(directory / "t10k-labels-idx1-ubyte.gz", labels.astype(np.uint8), compress=True)


def test_examples_3_and_4_on_mnist_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _tiny_mnist(tmp_path)
    r3 = _json(capsys, "3", "--mnist", str(tmp_path), "--split", "100/20", "--epochs", "3")
    assert r3["settings"]["sizes"] == [784, 25, 1] and (r3["n_train"], r3["n_test"]) == (100, 20)
    monkeypatch.setenv(MNIST_ENV_VAR, str(tmp_path))
    r4 = _json(capsys, "4", "--split", "100/20", "--epochs", "30", "--lr", "0.1")
    assert r4["settings"]["sizes"] == [784, 100, 10] and "MNIST" in r4["source"]
    assert r4["accuracy"] >= 0.9


def test_bad_split_and_missing_mnist_fail_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["example", "4", "--split", "abc"]) == 2
    assert main(["example", "4", "--mnist", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "--split" in err and "MNIST" in err


def test_plots_are_saved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    r = _json(capsys, "2", "--epochs", "20", "--plot", str(tmp_path / "ex2.png"))
    assert Path(r["plot"]).is_file()
    r = _json(capsys, "4", "--epochs", "1", "--plot", str(tmp_path / "ex4.png"))
    assert Path(r["plot"]).is_file()


def test_problems_report(capsys: pytest.CaptureFixture[str]) -> None:
    report = _json(capsys, "problems", "--only", "vanishing")
    assert set(report["vanishing"]["ratio"]) == {"sigmoid", "tanh", "relu", "leaky_relu"}
    assert main(["example", "problems", "--only", "vanishing"]) == 0
    out = capsys.readouterr().out
    assert "梯度消失" in out and "vanishing gradients" in out
