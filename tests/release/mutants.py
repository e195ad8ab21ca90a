"""公开测试的突变测量 / How many single-mistake mutants of the reference the public tests catch.

每个突变是对已解答副本（solutions/aN）的一处文本替换，模拟一个真实的学生错误；“替代正确”是
换一种正确写法，公开测试不得判错。运行 / Run::

    .venv/bin/python tests/release/mutants.py          # 打印捕获率 / print the rates

Each mutant is one text replacement in a solved copy (solutions/aN) that mimics a realistic
student mistake; an "alternative" is a different correct formulation that no public test may
fail. A mutant counts as caught when at least one public test fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutant:
    """一个突变 / One mutation: replace ``old`` by ``new`` in ``aid/module.py``."""

    name: str
    aid: str
    module: str
    old: str
    new: str
    correct: bool = False  # True: an alternative correct solution


def _m(name: str, aid: str, module: str, old: str, new: str) -> Mutant:
    return Mutant(name, aid, module, old, new)


def _alt(name: str, aid: str, module: str, old: str, new: str) -> Mutant:
    return Mutant(name, aid, module, old, new, correct=True)


SIG = """    z = _as_float(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype)"""
MUTANTS: tuple[Mutant, ...] = (
    # ---------------------------------------------------------------- a1 activations
    _m(
        "step_gt",
        "a1",
        "activations",
        "return (z >= 0).astype(z.dtype)",
        "return (z > 0).astype(z.dtype)",
    ),
    _m("step_bool", "a1", "activations", "return (z >= 0).astype(z.dtype)", "return z >= 0"),
    _m(
        "sign_npsign",
        "a1",
        "activations",
        "return np.where(z >= 0, 1.0, -1.0).astype(z.dtype)",
        "return np.sign(z)",
    ),
    _m("sign_gt", "a1", "activations", "np.where(z >= 0, 1.0, -1.0)", "np.where(z > 0, 1.0, -1.0)"),
    _m("sigmoid_naive", "a1", "activations", SIG, "    return 1 / (1 + np.exp(-z))"),
    _m(
        "sigmoid_naive_clip",
        "a1",
        "activations",
        SIG,
        "    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))",
    ),
    _m(
        "sigmoid_float64",
        "a1",
        "activations",
        SIG,
        SIG.replace(".astype(z.dtype)", ".astype(np.float64)"),
    ),
    _m(
        "sigmoid_wrong_branch",
        "a1",
        "activations",
        "np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
        "np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))",
    ),
    _m(
        "sigmoid_deriv_of_a",
        "a1",
        "activations",
        "    s = sigmoid(z)\n    return s * (1 - s)",
        "    return z * (1 - z)",
    ),
    _m(
        "sigmoid_deriv_naive",
        "a1",
        "activations",
        "    s = sigmoid(z)\n    return s * (1 - s)",
        "    return np.exp(-z) / (1 + np.exp(-z)) ** 2",
    ),
    _m(
        "tanh_slide",
        "a1",
        "activations",
        "return np.tanh(_as_float(z))",
        "return 2 * sigmoid(z) - 1",
    ),
    _m(
        "tanh_float64",
        "a1",
        "activations",
        "return np.tanh(_as_float(z))",
        "return np.tanh(np.asarray(z, dtype=np.float64))",
    ),
    _m(
        "tanh_deriv_of_a",
        "a1",
        "activations",
        "    t = tanh(z)\n    return 1 - t * t",
        "    return 1 - z * z",
    ),
    _m(
        "tanh_deriv_sq",
        "a1",
        "activations",
        "    t = tanh(z)\n    return 1 - t * t",
        "    return 1 - tanh(z)",
    ),
    _m(
        "relu_deriv_ge",
        "a1",
        "activations",
        "return (z > 0).astype(z.dtype)",
        "return (z >= 0).astype(z.dtype)",
    ),
    _m(
        "relu_abs",
        "a1",
        "activations",
        "return np.maximum(z, 0).astype(z.dtype)",
        "return np.abs(z)",
    ),
    _m(
        "relu_float64",
        "a1",
        "activations",
        "return np.maximum(z, 0).astype(z.dtype)",
        "return np.maximum(z, 0.0).astype(np.float64)",
    ),
    _m(
        "leaky_fixed_slope",
        "a1",
        "activations",
        "return np.where(z > 0, z, slope * z).astype(z.dtype)",
        "return np.where(z > 0, z, 0.01 * z).astype(z.dtype)",
    ),
    _m(
        "leaky_deriv_ge",
        "a1",
        "activations",
        "return np.where(z > 0, 1.0, slope).astype(z.dtype)",
        "return np.where(z >= 0, 1.0, slope).astype(z.dtype)",
    ),
    _m(
        "leaky_deriv_zero",
        "a1",
        "activations",
        "return np.where(z > 0, 1.0, slope).astype(z.dtype)",
        "return np.where(z > 0, 1.0, 0.0).astype(z.dtype)",
    ),
    # ---------------------------------------------------------------- a1 neurons
    _m(
        "tlu_gt",
        "a1",
        "neurons",
        "return (s >= theta).astype(float)",
        "return (s > theta).astype(float)",
    ),
    _m(
        "tlu_scalar_only",
        "a1",
        "neurons",
        "    s = X @ np.broadcast_to(np.asarray(w, dtype=float), X.shape[-1:])",
        "    s = X.sum(axis=1) * np.mean(w)",
    ),
    _m(
        "perceptron_gt",
        "a1",
        "neurons",
        "return (X @ w + b >= 0).astype(float)",
        "return (X @ w + b > 0).astype(float)",
    ),
    _m(
        "perceptron_update_gt",
        "a1",
        "neurons",
        "error = y - float(x @ w + b >= 0)",
        "error = y - float(x @ w + b > 0)",
    ),
    _m(
        "perceptron_update_sign",
        "a1",
        "neurons",
        "error = y - float(x @ w + b >= 0)",
        "error = float(x @ w + b >= 0) - y",
    ),
    _m(
        "perceptron_update_inplace",
        "a1",
        "neurons",
        "    return w + lr * error * x, b + lr * error",
        "    w += lr * error * x\n    return w, b + lr * error",
    ),
    _m(
        "perceptron_update_no_lr",
        "a1",
        "neurons",
        "    return w + lr * error * x, b + lr * error",
        "    return w + error * x, b + error",
    ),
    _m(
        "logistic_naive_sigmoid",
        "a1",
        "neurons",
        "    return sigmoid(X @ w + b)",
        "    return 1 / (1 + np.exp(-(X @ w + b)))",
    ),
    _m(
        "logistic_no_1_over_m",
        "a1",
        "neurons",
        "dz = (sigmoid(z) - y) / X.shape[0]",
        "dz = sigmoid(z) - y",
    ),
    _m(
        "logistic_grad_sign",
        "a1",
        "neurons",
        "dz = (sigmoid(z) - y) / X.shape[0]",
        "dz = (y - sigmoid(z)) / X.shape[0]",
    ),
    _m(
        "logistic_J_sum",
        "a1",
        "neurons",
        "J = float(np.mean(np.logaddexp(0.0, z) - y * z))",
        "J = float(np.sum(np.logaddexp(0.0, z) - y * z))",
    ),
    _m(
        "logistic_update_plus",
        "a1",
        "neurons",
        "return w - lr * dw, b - lr * db",
        "return w + lr * dw, b + lr * db",
    ),
    _m(
        "logistic_update_inplace",
        "a1",
        "neurons",
        "    return w - lr * dw, b - lr * db",
        "    w -= lr * dw\n    return w, b - lr * db",
    ),
    # ---------------------------------------------------------------- a2 layers / losses
    _m(
        "dense_transposed",
        "a2",
        "layers",
        "z = a @ W + b\n    return z",
        "z = a @ W.T + b\n    return z",
    ),
    _m("dense_no_bias", "a2", "layers", "z = a @ W + b\n    return z", "z = a @ W\n    return z"),
    _m("dense_back_dW_mean", "a2", "layers", "dW = a.T @ dz", "dW = a.T @ dz / a.shape[0]"),
    _m("dense_back_db_mean", "a2", "layers", "db = dz.sum(axis=0)", "db = dz.mean(axis=0)"),
    _m("dense_back_da_noT", "a2", "layers", "da = dz @ W.T", "da = dz @ W"),
    _m("dense_back_dW_T", "a2", "layers", "dW = a.T @ dz", "dW = (dz.T @ a)"),
    _m("mse_no_m", "a2", "losses", "return J, diff / h.shape[0]", "return J, diff"),
    _m(
        "mse_sum",
        "a2",
        "losses",
        "J = empirical_risk(0.5 * np.sum(diff * diff, axis=1))",
        "J = float(0.5 * np.sum(diff * diff))",
    ),
    _m(
        "mse_no_half",
        "a2",
        "losses",
        "J = empirical_risk(0.5 * np.sum(diff * diff, axis=1))",
        "J = empirical_risk(np.sum(diff * diff, axis=1))",
    ),
    _m("bce_no_clip", "a2", "losses", "hc = np.clip(h, eps, 1 - eps)", "hc = h"),
    _m(
        "bce_no_m",
        "a2",
        "losses",
        "(hc - y) / (hc * (1 - hc)) / h.shape[0]",
        "(hc - y) / (hc * (1 - hc))",
    ),
    _m(
        "bce_logits_naive",
        "a2",
        "losses",
        "    per_sample = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=1)",
        "    s = 1 / (1 + np.exp(-z))\n    per_sample = -np.sum(y * np.log(s) + (1 - y) * np.log(1 - s), axis=1)",
    ),
    _m(
        "bce_logits_naive_sig",
        "a2",
        "losses",
        "    sig = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
        "    sig = 1 / (1 + np.exp(-z))",
    ),
    _m(
        "bce_logits_no_m",
        "a2",
        "losses",
        "return empirical_risk(per_sample), (sig - y) / z.shape[0]",
        "return empirical_risk(per_sample), sig - y",
    ),
    _m(
        "softmax_no_max",
        "a2",
        "losses",
        "shifted = z - z.max(axis=1, keepdims=True)",
        "shifted = z",
    ),
    _m(
        "softmax_axis0",
        "a2",
        "losses",
        "    shifted = z - z.max(axis=1, keepdims=True)\n    log_sum = np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))",
        "    shifted = z - z.max(axis=0, keepdims=True)\n    log_sum = np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))",
    ),
    _m(
        "softmax_no_m",
        "a2",
        "losses",
        "return J, (np.exp(log_p) - Y) / z.shape[0]",
        "return J, np.exp(log_p) - Y",
    ),
    _m(
        "softmax_labels_ignored",
        "a2",
        "losses",
        "Y = one_hot_targets(y, z.shape[1]).astype(z.dtype, copy=False)",
        "Y = np.asarray(y, dtype=z.dtype)",
    ),
    # ---------------------------------------------------------------- a2 mlp / optim / gradcheck / exercise
    _m(
        "forward_no_act",
        "a2",
        "mlp",
        "        a, act_cache = activation_forward(z, f)",
        "        _, act_cache = activation_forward(z, f)\n        a = z",
    ),
    _m(
        "forward_first_act_only",
        "a2",
        "mlp",
        "        a, act_cache = activation_forward(z, f)",
        "        a, act_cache = activation_forward(z, activations[0])",
    ),
    _m(
        "backprop_wrong_layer_fprime",
        "a2",
        "mlp",
        "delta = activation_backward(da, caches[l - 1][1])",
        "delta = activation_backward(da, caches[l][1])",
    ),
    _m(
        "backprop_no_fprime",
        "a2",
        "mlp",
        "delta = activation_backward(da, caches[l - 1][1])",
        "delta = da",
    ),
    _m(
        "mlp_backward_no_out_fprime",
        "a2",
        "mlp",
        "return backprop(activation_backward(dout, caches[-1][1]), caches)",
        "return backprop(dout, caches)",
    ),
    _m(
        "backprop_stop_early",
        "a2",
        "mlp",
        "for l in range(n - 1, -1, -1):",
        "for l in range(n - 1, 0, -1):\n        dWs[l - 1], dbs[l - 1] = np.zeros_like(caches[l - 1][0][1]), np.zeros(caches[l - 1][0][1].shape[1])",
    ),
    _m(
        "gd_plus", "a2", "optim", "return [p - lr * g for p, g in", "return [p + lr * g for p, g in"
    ),
    _m(
        "gd_inplace",
        "a2",
        "optim",
        "    return [p - lr * g for p, g in zip(params, grads, strict=True)]",
        "    for p, g in zip(params, grads, strict=True):\n        p -= lr * g\n    return list(params)",
    ),
    _m("gd_no_lr", "a2", "optim", "return [p - lr * g for p, g in", "return [p - g for p, g in"),
    _m(
        "numgrad_forward",
        "a2",
        "gradcheck",
        "        flat_x[k] = old - eps\n        f_minus = f()",
        "        flat_x[k] = old\n        f_minus = f()",
    ),
    _m(
        "numgrad_not_restored",
        "a2",
        "gradcheck",
        "        flat_x[k] = old\n        flat_g[k]",
        "        flat_g[k]",
    ),
    _m(
        "numgrad_wrong_denominator",
        "a2",
        "gradcheck",
        "(f_plus - f_minus) / (2 * eps)",
        "(f_plus - f_minus) / eps",
    ),
    _m("exercise_bce_as_mse", "a2", "exercise", 'if loss == "bce":', 'if loss == "cross-entropy":'),
    _m(
        "exercise_bce_on_a",
        "a2",
        "exercise",
        "binary_cross_entropy_with_logits(caches[-1][1][0], Y)",
        "binary_cross_entropy_with_logits(out, Y)",
    ),
    _m(
        "exercise_samples_one_class",
        "a2",
        "exercise",
        "y = np.array([0.0, 0.0, 1.0, 1.0])",
        "y = np.array([1.0, 1.0, 1.0, 1.0])",
    ),
    _m(
        "exercise_bce_mlp_backward",
        "a2",
        "exercise",
        "        dWs, dbs = backprop(delta, caches)",
        "        dWs, dbs = mlp_backward(delta, caches)",
    ),
    # ---------------------------------------------------------------- a3
    _m(
        "zscore_sample_std",
        "a3",
        "preprocessing",
        "return X.mean(axis=0), X.std(axis=0)",
        "return X.mean(axis=0), X.std(axis=0, ddof=1)",
    ),
    _m("zscore_const_nan", "a3", "preprocessing", "/ np.where(std > 0, std, 1.0)", "/ std"),
    _m(
        "minmax_clip",
        "a3",
        "preprocessing",
        "return (np.asarray(X, dtype=np.float64) - data_min) / np.where(span > 0, span, 1.0)",
        "return np.clip((np.asarray(X, dtype=np.float64) - data_min) / np.where(span > 0, span, 1.0), 0, 1)",
    ),
    _m(
        "momentum_sign",
        "a3",
        "optim",
        "new_v = [beta * v - lr * g for",
        "new_v = [beta * v + lr * g for",
    ),
    _m(
        "weight_decay_no_half",
        "a3",
        "losses",
        "value = lam / (2 * m) * sum(",
        "value = lam / m * sum(",
    ),
    _m(
        "minibatch_no_shuffle",
        "a3",
        "optim",
        "order = rng.permutation(m) if rng is not None else np.arange(m)",
        "order = np.arange(m)",
    ),
    _m(
        "sgd_mean_of_batches",
        "a3",
        "training",
        "        total += J * idx.size\n    return total / m",
        "        total += J\n    return total / len(range(0, m, batch_size))",
    ),
    _m(
        "early_stop_le",
        "a3",
        "training",
        "if val_loss < best_loss - min_delta:",
        "if val_loss <= best_loss - min_delta:",
    ),
    _m(
        "early_stop_gt_patience",
        "a3",
        "training",
        "return best_loss, best_epoch, wait, wait >= patience",
        "return best_loss, best_epoch, wait, wait > patience",
    ),
    # ---------------------------------------------------------------- a4
    _m(
        "residual_no_skip",
        "a4",
        "residual",
        "return a + z2, (dense1, act1, dense2)",
        "return z2, (dense1, act1, dense2)",
    ),
    _m(
        "residual_back_no_skip",
        "a4",
        "residual",
        "return dout + da_dense, dW1, db1, dW2, db2",
        "return da_dense, dW1, db1, dW2, db2",
    ),
    _m(
        "corrupt_gt",
        "a4",
        "autoencoder",
        "mask = (rng.random(X.shape) >= noise)",
        "mask = (rng.random(X.shape) < noise)",
    ),
    _m(
        "dae_forward_clean",
        "a4",
        "autoencoder",
        "return mlp_forward(X * mask, [W1, W2]",
        "return mlp_forward(X, [W1, W2]",
    ),
    _m(
        "param_count_no_bias",
        "a4",
        "depth_width",
        "return sum((n_in + 1) * n_out for",
        "return sum(n_in * n_out for",
    ),
)

ALTERNATIVES: tuple[Mutant, ...] = (
    _alt(
        "tanh_via_sigmoid",
        "a1",
        "activations",
        "return np.tanh(_as_float(z))",
        "z = _as_float(z)\n    return (2 * sigmoid(2 * z) - 1).astype(z.dtype)",
    ),
    _alt(
        "sigmoid_via_tanh",
        "a1",
        "activations",
        SIG,
        "    z = _as_float(z)\n    return (0.5 * (1 + np.tanh(z / 2))).astype(z.dtype)",
    ),
    _alt(
        "sigmoid_logaddexp",
        "a1",
        "activations",
        SIG,
        "    z = _as_float(z)\n    return np.exp(-np.logaddexp(0, -z)).astype(z.dtype)",
    ),
    _alt(
        "relu_where",
        "a1",
        "activations",
        "return np.maximum(z, 0).astype(z.dtype)",
        "return np.where(z > 0, z, 0).astype(z.dtype)",
    ),
    _alt("tlu_bool", "a1", "neurons", "return (s >= theta).astype(float)", "return s >= theta"),
    _alt(
        "perceptron_copy",
        "a1",
        "neurons",
        "    return w + lr * error * x, b + lr * error",
        "    w = w.copy()\n    w += lr * error * x\n    return w, b + lr * error",
    ),
    _alt(
        "logistic_naive_J",
        "a1",
        "neurons",
        "J = float(np.mean(np.logaddexp(0.0, z) - y * z))",
        "a = sigmoid(z)\n    J = float(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))",
    ),
    _alt("dense_einsum", "a2", "layers", "dW = a.T @ dz", "dW = np.einsum('mi,mj->ij', a, dz)"),
    _alt(
        "bce_logits_logaddexp",
        "a2",
        "losses",
        "    per_sample = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=1)",
        "    per_sample = np.sum(np.logaddexp(0, z) - z * y, axis=1)",
    ),
    _alt(
        "softmax_logsumexp_manual",
        "a2",
        "losses",
        "    log_p = shifted - log_sum",
        "    log_p = shifted - log_sum + 0.0",
    ),
    _alt(
        "exercise_bce_on_probs",
        "a2",
        "exercise",
        "        _, delta = binary_cross_entropy_with_logits(caches[-1][1][0], Y)\n        dWs, dbs = backprop(delta, caches)",
        "        a3 = out\n        dWs, dbs = mlp_backward((a3 - Y) / (a3 * (1 - a3)) / Y.shape[0], caches)",
    ),
    _alt(
        "numgrad_copy_loop",
        "a2",
        "gradcheck",
        "(f_plus - f_minus) / (2 * eps)",
        "0.5 * (f_plus - f_minus) / eps",
    ),
    _alt(
        "zscore_const_zero",
        "a3",
        "preprocessing",
        "/ np.where(std > 0, std, 1.0)",
        "/ np.where(std == 0, 1.0, std)",
    ),
    _alt(
        "param_count_loop",
        "a4",
        "depth_width",
        "return sum((n_in + 1) * n_out for n_in, n_out in pairwise(sizes))",
        "return int(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))",
    ),
)


def apply(m: Mutant, folder: Path) -> None:
    """在副本中替换 / Apply the replacement in the copy (the text must occur exactly once)."""
    path = folder / f"{m.module}.py"
    text = path.read_text(encoding="utf-8")
    if text.count(m.old) != 1:
        raise ValueError(f"{m.name}: {m.old!r} occurs {text.count(m.old)} times in {path.name}")
    path.write_text(text.replace(m.old, m.new), encoding="utf-8")


def caught(m: Mutant, root: Path = ROOT) -> tuple[bool, str]:
    """运行公开测试；有失败即捕获 / Run the public tests on the mutant; caught if any fails."""
    with tempfile.TemporaryDirectory(prefix=f"mutant-{m.name}-") as tmp:
        folder = Path(tmp) / m.aid
        shutil.copytree(root / "solutions" / m.aid, folder,
                        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.ipynb"))  # fmt: skip
        apply(m, folder)
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"],
            cwd=folder, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        return proc.returncode != 0, proc.stdout[-3000:]


def measure(mutants: tuple[Mutant, ...], workers: int = 2) -> dict[str, tuple[bool, str]]:
    """全部突变的结果 / name -> (caught, pytest output tail)."""
    with ThreadPoolExecutor(workers) as pool:
        return dict(zip((m.name for m in mutants), pool.map(caught, mutants), strict=True))


def main() -> int:
    wrong = measure(MUTANTS)
    alts = measure(ALTERNATIVES)
    n_caught = sum(c for c, _ in wrong.values())
    n_false = sum(c for c, _ in alts.values())
    for name, (c, _) in wrong.items():
        if not c:
            print(f"漏掉 / missed: {name}")
    for name, (c, out) in alts.items():
        if c:
            print(f"误判 / false alarm on an alternative: {name}\n{out}")
    print(f"公开测试捕获错误突变 / public tests catch wrong mutants: {n_caught}/{len(wrong)} "
          f"= {n_caught / len(wrong):.1%}")  # fmt: skip
    print(f"替代正确写法被判错 / alternatives failed: {n_false}/{len(alts)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
