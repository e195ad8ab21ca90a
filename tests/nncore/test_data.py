"""Tests for nncore.data: datasets, scalers, splits, IDX/MNIST loading, label encodings."""

from __future__ import annotations

import gzip
import importlib.util
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nncore.data import (
    IDXFormatError,
    MinMax,
    NotFittedError,
    ZScore,
    circles,
    curve,
    digit_vs_rest,
    load_digit_data,
    load_digits,
    load_idx,
    load_mnist,
    make_inseparable_2d,
    one_hot,
    parse_idx,
    split_indices,
    train_test_split,
    train_val_test_split,
    write_idx,
    xor,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
REAL_MNIST = REPO_ROOT.parent / "shared" / "data" / "mnist"
HAVE_SKLEARN = importlib.util.find_spec("sklearn") is not None


# --------------------------------------------------------------------------- import hygiene


def test_import_pulls_in_numpy_only() -> None:
    code = (
        "import sys, nncore.data; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('sklearn', 'scipy', 'pandas', 'torch', 'matplotlib')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert res.returncode == 0, res.stdout + res.stderr


# --------------------------------------------------------------------------- small data sets


def test_xor_four_points() -> None:
    X, y = xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert X.shape == (4, 2) and y.shape == (4,)
    np.testing.assert_array_equal(y, np.logical_xor(X[:, 0], X[:, 1]))


def test_xor_noisy_copies() -> None:
    X, y = xor(n=102, noise=0.05, seed=3)
    assert X.shape == (102, 2) and y.shape == (102,)
    corners = np.round(X)  # noise 0.05 never moves a point half-way to another corner
    assert np.abs(X - corners).max() < 0.5
    np.testing.assert_array_equal(y, np.logical_xor(corners[:, 0], corners[:, 1]))
    counts = np.unique(corners, axis=0, return_counts=True)[1]
    assert sorted(counts.tolist()) == [25, 25, 26, 26]
    X2, y2 = xor(n=102, noise=0.05, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, xor(n=102, noise=0.05, seed=4)[0])
    with pytest.raises(ValueError):
        xor(n=0)
    with pytest.raises(ValueError):
        xor(n=8, noise=-1.0)


def test_inseparable_2d_ring_structure() -> None:
    X, y = make_inseparable_2d(301, seed=1)
    assert X.shape == (301, 2) and y.shape == (301,)
    assert X.dtype == np.float64 and set(np.unique(y)) == {0.0, 1.0}
    assert int(y.sum()) == 150
    r = np.linalg.norm(X, axis=1)
    assert r[y == 1].max() <= 0.5 + 1e-12
    assert r[y == 0].min() >= 1.0 - 1e-12 and r[y == 0].max() <= 1.5 + 1e-12
    # class 0 surrounds class 1: it has points on every side of the origin
    angles = np.arctan2(X[y == 0, 1], X[y == 0, 0])
    assert np.histogram(angles, bins=8, range=(-np.pi, np.pi))[0].min() > 0
    np.testing.assert_array_equal(X, make_inseparable_2d(301, seed=1)[0])
    assert not np.array_equal(X, make_inseparable_2d(301, seed=2)[0])
    assert circles is make_inseparable_2d


def test_inseparable_2d_is_not_linearly_separable_but_is_after_feature_map() -> None:
    X, y = make_inseparable_2d(400, seed=0)
    t = 2 * y - 1
    # least-squares linear classifier on (1, x1, x2) fails badly ...
    A = np.column_stack([np.ones(len(X)), X])
    w = np.linalg.lstsq(A, t, rcond=None)[0]
    assert np.mean(np.sign(A @ w) == t) < 0.75
    # ... while the composed feature ‖x‖² separates perfectly
    B = np.column_stack([np.ones(len(X)), (X**2).sum(axis=1)])
    v = np.linalg.lstsq(B, t, rcond=None)[0]
    assert np.mean(np.sign(B @ v) == t) == 1.0


def test_curve_shapes_noise_bounds_and_determinism() -> None:
    x, y = curve(500, seed=7)
    assert x.shape == (500, 1) and y.shape == (500, 1)
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert np.all(np.diff(x[:, 0]) >= 0)
    eps = y - x - 0.3 * np.sin(2 * np.pi * x)
    assert np.abs(eps).max() <= 0.1
    assert eps.std() > 0.04  # real noise, roughly U[-0.1, 0.1] (std 0.0577)
    assert abs(eps.mean()) < 0.01
    x2, y2 = curve(500, seed=7)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(y, curve(500, seed=8)[1])


# --------------------------------------------------------------------------- scalers


def _train_test(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    train = rng.normal([5.0, -2.0, 100.0], [2.0, 0.5, 30.0], size=(200, 3))
    test = rng.normal([50.0, 9.0, -10.0], [7.0, 3.0, 1.0], size=(40, 3))  # different stats
    return train, test


def test_zscore_fits_on_train_only() -> None:
    train, test = _train_test()
    sc = ZScore().fit(train)
    Zt = sc.fit_transform(train)
    np.testing.assert_allclose(Zt.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Zt.std(axis=0), 1, atol=1e-12)
    Z = sc.transform(test)
    # test data use the *training* μ, σ ...
    np.testing.assert_allclose(Z, (test - train.mean(0)) / train.std(0))
    # ... so they are NOT standardised with their own statistics
    assert np.all(np.abs(Z.mean(axis=0)) > 1.0)
    # transforming test data does not change the fitted statistics
    mean, std = sc.mean_.copy(), sc.std_.copy()
    sc.transform(test * 1000)
    np.testing.assert_array_equal(sc.mean_, mean)
    np.testing.assert_array_equal(sc.std_, std)
    # a scaler fitted on train differs from one (wrongly) fitted on train+test
    leaky = ZScore().fit(np.vstack([train, test]))
    assert not np.allclose(leaky.transform(test), Z)


def test_minmax_fits_on_train_only_and_range() -> None:
    train, test = _train_test(1)
    sc = MinMax()
    Zt = sc.fit_transform(train)
    np.testing.assert_allclose(Zt.min(axis=0), 0)
    np.testing.assert_allclose(Zt.max(axis=0), 1)
    Z = sc.transform(test)
    lo, hi = train.min(0), train.max(0)
    np.testing.assert_allclose(Z, (test - lo) / (hi - lo))
    assert Z.min() < 0 or Z.max() > 1  # not clipped, not refitted
    sc2 = MinMax(feature_range=(-1.0, 1.0)).fit(train)
    Z2 = sc2.transform(train)
    np.testing.assert_allclose(Z2.min(axis=0), -1)
    np.testing.assert_allclose(Z2.max(axis=0), 1)
    with pytest.raises(ValueError):
        MinMax(feature_range=(1.0, 1.0))


@pytest.mark.parametrize("cls", [ZScore, MinMax])
def test_scaler_inverse_round_trip(cls: type) -> None:
    train, test = _train_test(2)
    sc = cls().fit(train)
    np.testing.assert_allclose(sc.inverse_transform(sc.transform(test)), test, rtol=1e-12)
    np.testing.assert_allclose(sc.inverse_transform(sc.transform(train)), train, rtol=1e-12)


@pytest.mark.parametrize("cls", [ZScore, MinMax])
def test_scaler_constant_feature(cls: type) -> None:
    X = np.column_stack([np.full(10, 3.0), np.arange(10.0), np.zeros(10)])
    sc = cls()
    Z = sc.fit_transform(X)
    assert np.all(np.isfinite(Z))
    assert np.ptp(Z[:, 0]) == 0 and np.ptp(Z[:, 2]) == 0
    np.testing.assert_allclose(sc.inverse_transform(Z), X)
    Znew = sc.transform(np.array([[4.0, 1.0, 1.0]]))
    assert np.all(np.isfinite(Znew))


@pytest.mark.parametrize("cls", [ZScore, MinMax])
def test_scaler_errors(cls: type) -> None:
    X = np.arange(12.0).reshape(4, 3)
    with pytest.raises(NotFittedError, match="fit"):
        cls().transform(X)
    with pytest.raises(NotFittedError):
        cls().inverse_transform(X)
    sc = cls().fit(X)
    with pytest.raises(ValueError, match="3"):
        sc.transform(np.ones((2, 4)))
    with pytest.raises(ValueError, match="reshape"):
        cls().fit(np.arange(5.0))
    with pytest.raises(ValueError):
        cls().fit(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError):
        cls().fit(np.empty((0, 3)))
    Xc = X.copy()
    sc.transform(Xc)
    np.testing.assert_array_equal(X, Xc)  # input not modified


# --------------------------------------------------------------------------- splits


def test_split_deterministic_disjoint_and_sized() -> None:
    X = np.arange(200.0).reshape(100, 2)
    y = np.arange(100)
    a = train_val_test_split(X, y, val=0.1, test=0.2, seed=5)
    b = train_val_test_split(X, y, val=0.1, test=0.2, seed=5)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    X_tr, X_va, X_te, y_tr, y_va, y_te = a
    assert (len(y_tr), len(y_va), len(y_te)) == (70, 10, 20)
    assert X_tr.shape == (70, 2) and X_va.shape == (10, 2) and X_te.shape == (20, 2)
    # rows stay paired with their labels
    np.testing.assert_array_equal(X_tr[:, 0], 2 * y_tr)
    np.testing.assert_array_equal(X_te[:, 0], 2 * y_te)
    ids = np.concatenate([y_tr, y_va, y_te])
    assert len(np.unique(ids)) == 100  # disjoint and complete
    c = train_val_test_split(X, y, val=0.1, test=0.2, seed=6)
    assert not np.array_equal(c[5], y_te)


def test_train_test_split_and_indices() -> None:
    X = np.random.default_rng(0).normal(size=(50, 3))
    y = np.arange(50)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test=0.3, seed=1)
    assert len(y_te) == 15 and len(y_tr) == 35 and X_tr.shape == (35, 3)
    assert not set(y_tr) & set(y_te)
    np.testing.assert_array_equal(X_te, X[y_te])
    tr, va, te = split_indices(10, val=0.2, test=0.2, seed=0)
    assert sorted(np.concatenate([tr, va, te]).tolist()) == list(range(10))
    for bad in [dict(val=0.5, test=0.5), dict(val=-0.1, test=0.2), dict(val=0.0, test=1.0)]:
        with pytest.raises(ValueError):
            split_indices(10, **bad)
    with pytest.raises(ValueError):
        train_test_split(X, y[:-1])


def test_stratified_split_keeps_proportions() -> None:
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [600, 300, 100])
    rng.shuffle(y)
    X = rng.normal(size=(1000, 4))
    _, _, _, y_tr, y_va, y_te = train_val_test_split(X, y, val=0.1, test=0.2, seed=3, stratify=True)
    for part, frac in [(y_tr, 0.7), (y_va, 0.1), (y_te, 0.2)]:
        np.testing.assert_array_equal(
            np.bincount(part, minlength=3), np.round(frac * np.array([600, 300, 100]))
        )
    # one-hot labels stratify the same way
    oh = one_hot(y, 3)
    *_, oh_te = train_val_test_split(X, oh, val=0.1, test=0.2, seed=3, stratify=True)
    np.testing.assert_array_equal(oh_te.sum(axis=0), [120, 60, 20])
    # a small, skewed set: every seed keeps the single-digit minority class split 1 / 1
    y_small = np.array([0] * 18 + [1] * 2)
    hits = 0
    for s in range(20):
        *_, yt = train_test_split(np.zeros((20, 1)), y_small, test=0.5, seed=s, stratify=True)
        hits += int(np.bincount(yt, minlength=2).tolist() == [9, 1])
    assert hits == 20
    # without stratification some seeds put both minority samples on one side
    sides = {
        int(train_test_split(np.zeros((20, 1)), y_small, test=0.5, seed=s)[3].sum())
        for s in range(20)
    }
    assert sides != {1}


# --------------------------------------------------------------------------- labels


def test_one_hot_and_digit_vs_rest() -> None:
    y = np.array([3, 0, 9, 2, 2])
    Y = one_hot(y, 10)
    assert Y.shape == (5, 10) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.argmax(axis=1), y)
    np.testing.assert_array_equal(Y.sum(axis=1), 1)
    assert one_hot(y).shape == (5, 10)
    with pytest.raises(ValueError):
        one_hot(y, 5)
    with pytest.raises(ValueError):
        one_hot(np.array([0.5, 1.0]), 2)
    b = digit_vs_rest(y)
    np.testing.assert_array_equal(b, [0, 0, 0, 1, 1])
    assert b.dtype == np.float64 and b.shape == (5,)
    np.testing.assert_array_equal(digit_vs_rest(y, digit=9), [0, 0, 1, 0, 0])
    np.testing.assert_array_equal(digit_vs_rest(y.reshape(-1, 1)), b)


# --------------------------------------------------------------------------- IDX files


def _idx_bytes(arr: np.ndarray, code: int = 0x08, dims: tuple[int, ...] | None = None) -> bytes:
    """Hand-made IDX bytes (independent of nncore's writer)."""
    dims = arr.shape if dims is None else dims
    header = struct.pack(">BBBB", 0, 0, code, len(dims)) + struct.pack(f">{len(dims)}I", *dims)
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def _tiny_mnist(n: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[0, 0, 1] = 0, 255
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    return images, labels


def _write_set(
    d: Path, images: np.ndarray, labels: np.ndarray, *, style: str, gz: bool, kind: str = "t10k"
) -> None:
    sep = "-" if style == "dash" else "."
    suffix = ".gz" if gz else ""
    for what, arr, n in [("images", images, 3), ("labels", labels, 1)]:
        data = _idx_bytes(arr)
        (d / f"{kind}-{what}{sep}idx{n}-ubyte{suffix}").write_bytes(
            gzip.compress(data) if gz else data
        )


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("style", ["dash", "dot"])
def test_load_mnist_tiny_files(tmp_path: Path, style: str, gz: bool) -> None:
    images, labels = _tiny_mnist()
    _write_set(tmp_path, images, labels, style=style, gz=gz)
    X, y = load_mnist(tmp_path)
    assert X.shape == (5, 784) and X.dtype == np.float32
    assert y.shape == (5,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_allclose(X, images.reshape(5, -1) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_train_kind_and_gzip_detected_by_content(tmp_path: Path) -> None:
    images, labels = _tiny_mnist(3, seed=1)
    # gzip content without .gz in the name, raw content with .gz in the name
    (tmp_path / "train-images-idx3-ubyte").write_bytes(gzip.compress(_idx_bytes(images)))
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(_idx_bytes(labels))
    X, y = load_mnist(tmp_path, kind="train")
    assert X.shape == (3, 784)
    np.testing.assert_array_equal(y, labels)
    with pytest.raises(FileNotFoundError, match="t10k"):
        load_mnist(tmp_path, kind="t10k")
    with pytest.raises(ValueError):
        load_mnist(tmp_path, kind="test")  # type: ignore[arg-type]


def test_load_idx_other_types_and_writer_round_trip(tmp_path: Path) -> None:
    for dtype, code in [
        (np.int16, 0x0B),
        (np.int32, 0x0C),
        (np.float32, 0x0D),
        (np.float64, 0x0E),
        (np.int8, 0x09),
    ]:
        arr = (np.arange(24).reshape(2, 3, 4) - 7).astype(dtype)
        p = tmp_path / f"a{code}.idx"
        p.write_bytes(_idx_bytes(arr, code))
        out = load_idx(p)
        assert out.dtype == np.dtype(dtype) and out.shape == (2, 3, 4)
        np.testing.assert_array_equal(out, arr)
        out[0, 0, 0] = 1  # writable, native order
        q = write_idx(tmp_path / f"b{code}.idx.gz", arr, compress=True)
        assert q.read_bytes()[:2] == b"\x1f\x8b"
        np.testing.assert_array_equal(load_idx(q), arr)
    assert parse_idx(_idx_bytes(np.arange(3, dtype=np.uint8))).tolist() == [0, 1, 2]
    with pytest.raises(ValueError):
        write_idx(tmp_path / "c", np.arange(3, dtype=np.uint64))


def _corrupt_cases() -> dict[str, tuple[bytes, str]]:
    labels = np.arange(6, dtype=np.uint8)
    good = _idx_bytes(labels)
    return {
        "empty": (b"", "empty"),
        "bad_magic": (b"\x12\x34" + good[2:], "magic"),
        "unknown_type": (b"\x00\x00\x07\x01" + good[4:], "type code"),
        "truncated": (good[:-2], "truncated"),
        "trailing": (good + b"\x00", "trailing"),
        "short_header": (good[:6], "header"),
        "dims_too_big": (_idx_bytes(labels, dims=(2, 4)), "truncated"),
        "dims_too_small": (_idx_bytes(labels, dims=(2, 2)), "trailing"),
        "zero_dims": (b"\x00\x00\x08\x00" + good[4:], "dimensions"),
        "gzip_corrupt": (gzip.compress(good)[:-6], "gzip"),
        "gzip_garbage": (b"\x1f\x8b\x08\x00" + b"nonsense" * 4, "gzip"),
    }


@pytest.mark.parametrize("case", list(_corrupt_cases()))
def test_load_idx_corrupt_files(tmp_path: Path, case: str) -> None:
    data, word = _corrupt_cases()[case]
    p = tmp_path / f"{case}-labels-idx1-ubyte"
    p.write_bytes(data)
    with pytest.raises(IDXFormatError) as info:
        load_idx(p)
    msg = str(info.value)
    assert str(p) in msg  # names the file
    assert word in msg.lower()  # says what is wrong (English part)
    assert "IDX 文件" in msg  # Chinese part too
    assert isinstance(info.value, ValueError) and info.value.path == p


def _mnist_dir_with(tmp_path: Path, images: bytes, labels: bytes) -> Path:
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(images)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(labels)
    return tmp_path


def test_load_mnist_wrong_magic_dims(tmp_path: Path) -> None:
    images, labels = _tiny_mnist()
    # images stored with 2 dimensions (magic 0x0802) instead of 3
    d = _mnist_dir_with(tmp_path, _idx_bytes(images.reshape(5, 784)), _idx_bytes(labels))
    with pytest.raises(IDXFormatError, match="0x00000803") as info:
        load_mnist(d)
    assert "t10k-images-idx3-ubyte" in str(info.value)
    # labels file swapped with an images file
    d = _mnist_dir_with(tmp_path, _idx_bytes(images), _idx_bytes(images))
    with pytest.raises(IDXFormatError, match="0x00000801"):
        load_mnist(d)
    # int32 labels instead of ubyte
    d = _mnist_dir_with(tmp_path, _idx_bytes(images), _idx_bytes(labels.astype(np.int32), 0x0C))
    with pytest.raises(IDXFormatError, match="expected 0x00000801"):
        load_mnist(d)


def test_load_mnist_count_mismatch_and_bad_labels(tmp_path: Path) -> None:
    images, labels = _tiny_mnist()
    d = _mnist_dir_with(tmp_path, _idx_bytes(images), _idx_bytes(labels[:4]))
    with pytest.raises(IDXFormatError, match="4 labels but 5 images") as info:
        load_mnist(d)
    assert "t10k-labels-idx1-ubyte" in str(info.value) and "不一致" in str(info.value)
    bad = labels.copy()
    bad[2] = 12
    d = _mnist_dir_with(tmp_path, _idx_bytes(images), _idx_bytes(bad))
    with pytest.raises(IDXFormatError, match="outside 0-9"):
        load_mnist(d)
    d = _mnist_dir_with(tmp_path, _idx_bytes(images)[:-1], _idx_bytes(labels))
    with pytest.raises(IDXFormatError, match="truncated"):
        load_mnist(d)


def test_mnist_dir_from_env_and_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    images, labels = _tiny_mnist(4)
    _write_set(tmp_path, images, labels, style="dot", gz=True)
    monkeypatch.setenv("NNKIT_MNIST_DIR", str(tmp_path))
    X, y = load_mnist()
    assert X.shape == (4, 784)
    np.testing.assert_array_equal(y, labels)
    X2, y2 = load_digit_data("mnist")
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    # argument wins over the environment
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_mnist(tmp_path / "nope")
    monkeypatch.delenv("NNKIT_MNIST_DIR")
    with pytest.raises(FileNotFoundError, match="NNKIT_MNIST_DIR") as info:
        load_mnist()
    assert "环境变量" in str(info.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte") as info:
        load_mnist(empty)
    assert "NNKIT_MNIST_DIR" in str(info.value) and str(empty) in str(info.value)
    with pytest.raises(FileNotFoundError, match="not found"):
        load_idx(tmp_path / "missing-file")
    with pytest.raises(ValueError):
        load_digit_data("kaggle")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- digits


@pytest.mark.skipif(not HAVE_SKLEARN, reason="scikit-learn not installed (embedded digits need it)")
def test_embedded_digits() -> None:
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert sorted(np.unique(y).tolist()) == list(range(10))
    X2, y2 = load_digit_data()
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert digit_vs_rest(y).sum() == np.sum(y == 2)


def test_embedded_digits_without_sklearn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match="scikit-learn") as info:
        load_digits()
    assert "NNKIT_MNIST_DIR" in str(info.value) and "需要" in str(info.value)


@pytest.mark.skipif(not REAL_MNIST.is_dir(), reason=f"real MNIST not found at {REAL_MNIST}")
def test_real_mnist_t10k() -> None:
    X, y = load_mnist(REAL_MNIST, kind="t10k")
    assert X.shape == (10000, 784) and X.dtype == np.float32
    assert y.shape == (10000,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(y, minlength=10).tolist() == [
        980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009,
    ]  # fmt: skip
