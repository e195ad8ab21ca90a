"""题库条目 / The bank's entries: one mutation of the reference solution each.

``W(...)``: a realistic wrong submission (ONE mistake) — the task that must lose points and the
hint codes that name the mistake (any one of them counts as "named").
``A(...)``: an alternative correct submission — full marks on every task of its assignment.

``old`` must occur exactly once in ``solutions/<assignment>/<file>`` (checked when built).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """一个题库条目 / One bank entry (a mutation of the reference solution)."""

    name: str
    assignment: str
    file: str
    old: str
    new: str
    task: str | None = None  # the task that must lose points (None: alternative-correct)
    hints: tuple[str, ...] = ()  # hint codes that name the mistake
    en: str = ""

    @property
    def wrong(self) -> bool:
        """错误提交 / True for a wrong submission."""
        return self.task is not None


def W(name: str, a: str, file: str, old: str, new: str, task: str, hints: str, en: str) -> Entry:
    """错误条目 / A wrong entry; ``hints`` is a space-separated list of acceptable codes."""
    return Entry(name, a, file, old, new, task, tuple(hints.split()), en)


def A(name: str, a: str, file: str, old: str, new: str, en: str) -> Entry:
    """另一种正确写法 / An alternative-correct entry."""
    return Entry(name, a, file, old, new, None, (), en)


_SIG = (
    "    e = np.exp(-np.abs(z))\n"
    "    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype)\n"
)
_LOGJ = "    J = float(np.mean(np.logaddexp(0.0, z) - y * z))  # ln(1 + e^z) − y z, stable\n"
_BACKPROP = (
    "    for l in range(n - 1, -1, -1):\n"
    "        da, dWs[l], dbs[l] = dense_backward(delta, caches[l][0])\n"
    "        if l > 0:\n"
    "            delta = activation_backward(da, caches[l - 1][1])\n"
)
_ONE_HIDDEN = (
    "    da, dWs[1], dbs[1] = dense_backward(delta, caches[-1][0])\n"
    "    delta = activation_backward(da, caches[0][1])\n"
    "    _, dWs[0], dbs[0] = dense_backward(delta, caches[0][0])\n"
    "    return dWs[:2], dbs[:2]\n"
)
_NUMGRAD_LOOP = (
    "    for k in range(flat_x.size):\n"
    "        old = flat_x[k]\n"
    "        flat_x[k] = old + eps\n"
    "        f_plus = f()\n"
    "        flat_x[k] = old - eps\n"
    "        f_minus = f()\n"
    "        flat_x[k] = old\n"
    "        flat_g[k] = (f_plus - f_minus) / (2 * eps)\n"
)
_ONE_UPDATE = (
    "    Y = np.asarray(y, dtype=float).reshape(-1, 1)\n"
    '    out, caches = mlp_forward(np.asarray(X, dtype=float), weights, biases, ["sigmoid"] * 2)\n'
    '    if loss == "bce":\n'
    "        _, delta = binary_cross_entropy_with_logits(caches[-1][1][0], Y)\n"
    "        dWs, dbs = backprop(delta, caches)\n"
    "    else:\n"
    "        _, dout = half_squared_error(out, Y)\n"
    "        dWs, dbs = mlp_backward(dout, caches)\n"
    "    params = [p for W, b in zip(weights, biases, strict=True) for p in (W, b)]\n"
    "    grads = [g for dW, db in zip(dWs, dbs, strict=True) for g in (dW, db)]\n"
    "    return flatten(gradient_descent_update(params, grads, alpha))\n"
)
_ONE_UPDATE_BY_HAND = (
    "    X = np.asarray(X, dtype=float)\n"
    "    Y = np.asarray(y, dtype=float).reshape(-1, 1)\n"
    "    m = X.shape[0]\n"
    "    W1, b2, W2, b3 = weights[0], biases[0], weights[1], biases[1]\n"
    "    a2 = 1 / (1 + np.exp(-(X @ W1 + b2)))\n"
    "    a3 = 1 / (1 + np.exp(-(a2 @ W2 + b3)))\n"
    '    d3 = (a3 - Y) / m if loss == "bce" else (a3 - Y) * a3 * (1 - a3) / m\n'
    "    d2 = (d3 @ W2.T) * a2 * (1 - a2)\n"
    "    new = [W1 - alpha * X.T @ d2, b2 - alpha * d2.sum(axis=0),\n"
    "           W2 - alpha * a2.T @ d3, b3 - alpha * d3.sum(axis=0)]\n"
    "    return np.concatenate([p.ravel() for p in new])\n"
)
_PRETRAIN_FIT = "        fit(dae, codes, codes, loss="

WRONG: tuple[Entry, ...] = (
    # ---------------------------------------------------------------- a1: the neuron
    W("step_gt", "a1", "activations.py", "    return (z >= 0).astype(z.dtype)\n",
      "    return (z > 0).astype(z.dtype)\n", "a1.threshold", "threshold_at_zero",
      "step with t > 0 (f(0) = 0)"),
    W("sign_np", "a1", "activations.py", "    return np.where(z >= 0, 1.0, -1.0).astype(z.dtype)\n",
      "    return np.sign(z).astype(z.dtype)\n", "a1.threshold", "np_sign",
      "np.sign for sgn (np.sign(0) = 0)"),
    W("sign_gt", "a1", "activations.py", "    return np.where(z >= 0, 1.0, -1.0).astype(z.dtype)\n",
      "    return np.where(z > 0, 1.0, -1.0).astype(z.dtype)\n", "a1.threshold",
      "threshold_at_zero", "sgn with t > 0 (sgn(0) = −1)"),
    W("sigmoid_naive", "a1", "activations.py", _SIG,
      "    return (1.0 / (1.0 + np.exp(-z))).astype(z.dtype)\n", "a1.sigmoid",
      "overflow_warning unstable", "naive sigmoid 1/(1+exp(−z)) overflows"),
    W("sigmoid_deriv_of_a", "a1", "activations.py", "    s = sigmoid(z)\n    return s * (1 - s)\n",
      "    z = _as_float(z)\n    return z * (1 - z)\n", "a1.sigmoid", "derivative_of_a",
      "σ'(z) computed as z(1 − z)"),
    W("sigmoid_deriv_no_1ms", "a1", "activations.py", "    s = sigmoid(z)\n    return s * (1 - s)\n",
      "    return sigmoid(z)\n", "a1.sigmoid", "wrong_derivative", "σ'(z) returned as σ(z)"),
    W("tanh_deriv_of_a", "a1", "activations.py", "    t = tanh(z)\n    return 1 - t * t\n",
      "    z = _as_float(z)\n    return 1 - z * z\n", "a1.tanh", "derivative_of_a",
      "tanh'(z) computed as 1 − z²"),
    W("tanh_slide", "a1", "activations.py", "    return np.tanh(_as_float(z))\n",
      "    return 2 * sigmoid(z) - 1\n", "a1.tanh", "tanh_half",
      "tanh as the slide's 2σ(t) − 1 (= tanh(t/2))"),
    W("relu_deriv_ge", "a1", "activations.py", "    return (z > 0).astype(z.dtype)\n",
      "    return (z >= 0).astype(z.dtype)\n", "a1.relu", "wrong_derivative relu_at_zero",
      "ReLU'(0) = 1"),
    W("relu_float64", "a1", "activations.py", "    return np.maximum(z, 0).astype(z.dtype)\n",
      "    return np.maximum(z, 0).astype(np.float64)\n", "a1.relu", "wrong_dtype",
      "ReLU turns float32 into float64"),
    W("leaky_slope_ignored", "a1", "activations.py",
      "    return np.where(z > 0, 1.0, slope).astype(z.dtype)\n",
      "    return np.where(z > 0, 1.0, 0.01).astype(z.dtype)\n", "a1.leaky_relu", "slope_ignored",
      "Leaky ReLU derivative ignores the slope argument"),
    W("tlu_gt", "a1", "neurons.py", "    return (s >= theta).astype(float)\n",
      "    return (s > theta).astype(float)\n", "a1.tlu", "threshold_at_zero",
      "TLU with Σ > θ"),
    W("perceptron_predict_gt", "a1", "neurons.py", "    return (X @ w + b >= 0).astype(float)\n",
      "    return (X @ w + b > 0).astype(float)\n", "a1.perceptron", "threshold_at_zero",
      "perceptron prediction with > 0"),
    W("perceptron_update_gt", "a1", "neurons.py", "    error = y - float(x @ w + b >= 0)\n",
      "    error = y - float(x @ w + b > 0)\n", "a1.perceptron", "threshold_at_zero",
      "perceptron update predicts with > 0"),
    W("perceptron_update_sign", "a1", "neurons.py", "    error = y - float(x @ w + b >= 0)\n",
      "    error = float(x @ w + b >= 0) - y\n", "a1.perceptron", "sign_error",
      "perceptron error ŷ − y"),
    W("perceptron_no_lr", "a1", "neurons.py", "    return w + lr * error * x, b + lr * error\n",
      "    return w + error * x, b + error\n", "a1.perceptron", "no_learning_rate",
      "perceptron update without α"),
    W("perceptron_bias_fixed", "a1", "neurons.py", "    return w + lr * error * x, b + lr * error\n",
      "    return w + lr * error * x, b\n", "a1.perceptron", "bias_not_updated",
      "perceptron never updates b"),
    W("logistic_no_bias", "a1", "neurons.py", "    return sigmoid(X @ w + b)\n",
      "    return sigmoid(X @ w)\n", "a1.logistic", "forgot_bias", "logistic forward without b"),
    W("logistic_loss_unstable", "a1", "neurons.py", _LOGJ,
      "    p = sigmoid(z)\n    J = float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))\n",
      "a1.logistic", "unstable", "logistic loss as −[y ln σ + (1−y) ln(1−σ)]: log(0) at extremes"),
    W("logistic_grad_no_1m", "a1", "neurons.py", "    dz = (sigmoid(z) - y) / X.shape[0]\n",
      "    dz = sigmoid(z) - y\n", "a1.logistic", "missing_1_over_m", "logistic gradient without 1/m"),
    W("logistic_grad_sign", "a1", "neurons.py", "    dz = (sigmoid(z) - y) / X.shape[0]\n",
      "    dz = (y - sigmoid(z)) / X.shape[0]\n", "a1.logistic", "sign_error",
      "logistic gradient with y − a"),
    W("logistic_J_sum", "a1", "neurons.py", _LOGJ,
      "    J = float(np.sum(np.logaddexp(0.0, z) - y * z))\n", "a1.logistic", "missing_1_over_m",
      "logistic loss summed, not averaged"),
    W("logistic_update_sign", "a1", "neurons.py", "    return w - lr * dw, b - lr * db\n",
      "    return w + lr * dw, b + lr * db\n", "a1.logistic", "sign_error",
      "logistic update climbs the gradient"),
    W("logistic_update_no_lr", "a1", "neurons.py", "    return w - lr * dw, b - lr * db\n",
      "    return w - dw, b - db\n", "a1.logistic", "no_learning_rate",
      "logistic update without α"),
    # ---------------------------------------------------------------- a2: backpropagation
    W("dense_no_bias", "a2", "layers.py", "    z = a @ W + b\n", "    z = a @ W\n",
      "a2.dense_forward", "forgot_bias", "dense forward without + b"),
    W("dense_fwd_transposed", "a2", "layers.py", "    z = a @ W + b\n", "    z = a @ W.T + b\n",
      "a2.dense_forward", "transposed_w", "dense forward with Wᵀ"),
    W("dense_dW_transposed", "a2", "layers.py", "    dW = a.T @ dz\n", "    dW = dz.T @ a\n",
      "a2.dense_backward", "transposed_w", "∂J/∂W as dzᵀ a"),
    W("dense_da_noT", "a2", "layers.py", "    da = dz @ W.T\n", "    da = dz @ W\n",
      "a2.dense_backward", "transposed_w", "da = dz @ W"),
    W("dense_db_mean", "a2", "layers.py", "    db = dz.sum(axis=0)\n", "    db = dz.mean(axis=0)\n",
      "a2.dense_backward", "bias_gradient extra_1_over_m", "∂J/∂b as a mean over samples"),
    W("dense_db_keepdims", "a2", "layers.py", "    db = dz.sum(axis=0)\n",
      "    db = dz.sum(axis=0, keepdims=True)\n", "a2.dense_backward", "wrong_shape",
      "∂J/∂b of shape (1, N)"),
    W("dense_dW_over_m", "a2", "layers.py", "    dW = a.T @ dz\n", "    dW = a.T @ dz / a.shape[0]\n",
      "a2.dense_backward", "extra_1_over_m", "∂J/∂W divided by m again"),
    W("mse_no_half", "a2", "losses.py",
      "    J = empirical_risk(0.5 * np.sum(diff * diff, axis=1))\n",
      "    J = empirical_risk(np.sum(diff * diff, axis=1))\n", "a2.loss_mse", "missing_half",
      "MSE without ½"),
    W("mse_grad_no_1m", "a2", "losses.py", "    return J, diff / h.shape[0]\n",
      "    return J, diff\n", "a2.loss_mse", "missing_1_over_m", "MSE gradient without 1/m"),
    W("mse_sign", "a2", "losses.py", "    diff = h - y\n", "    diff = y - h\n", "a2.loss_mse",
      "sign_error", "MSE gradient y − h"),
    W("bce_no_clip", "a2", "losses.py", "    hc = np.clip(h, eps, hi)\n", "    hc = h\n",
      "a2.loss_bce", "unstable nonfinite", "BCE on probabilities without clipping"),
    W("bce_logits_naive", "a2", "losses.py",
      "    per_sample = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=1)\n",
      "    s = 1.0 / (1.0 + np.exp(-z))\n"
      "    per_sample = -np.sum(y * np.log(s) + (1 - y) * np.log(1 - s), axis=1)\n",
      "a2.loss_bce", "unstable", "BCE on logits through log σ(z)"),
    W("bce_logits_no_1m", "a2", "losses.py", "    return empirical_risk(per_sample), (sig - y) / z.shape[0]\n",
      "    return empirical_risk(per_sample), sig - y\n", "a2.loss_bce", "missing_1_over_m",
      "BCE-with-logits gradient without 1/m"),
    W("softmax_no_max", "a2", "losses.py", "    shifted = z - z.max(axis=1, keepdims=True)\n",
      "    shifted = z\n", "a2.loss_softmax_ce", "unstable", "softmax without subtracting the max"),
    W("softmax_axis0", "a2", "losses.py",
      "    log_sum = np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))\n",
      "    log_sum = np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))\n",
      "a2.loss_softmax_ce", "softmax_axis", "softmax normalised over samples"),
    W("softmax_no_1m", "a2", "losses.py", "    return J, (np.exp(log_p) - Y) / z.shape[0]\n",
      "    return J, np.exp(log_p) - Y\n", "a2.loss_softmax_ce", "missing_1_over_m",
      "softmax-CE gradient without 1/m"),
    W("mlp_forward_squeeze", "a2", "mlp.py", "    return a, caches\n",
      "    return (a[:, 0] if a.shape[1] == 1 else a), caches\n", "a2.mlp_forward",
      "wrong_shape squeezed_output", "K = 1 output squeezed to (m,)"),
    W("backprop_missing_fprime", "a2", "mlp.py",
      "            delta = activation_backward(da, caches[l - 1][1])\n",
      "            delta = da\n", "a2.mlp_backward", "missing_fprime", "no f′ in the δ recursion"),
    W("backprop_wrong_layer_fprime", "a2", "mlp.py",
      "            delta = activation_backward(da, caches[l - 1][1])\n",
      "            delta = activation_backward(da, caches[l][1])\n", "a2.mlp_backward",
      "fprime_wrong_layer", "δ^(l) uses the f′ of layer l+1"),
    W("backprop_one_hidden", "a2", "mlp.py", _BACKPROP, _ONE_HIDDEN, "a2.mlp_backward",
      "one_hidden_layer", "backprop written for one hidden layer only"),
    W("mlp_backward_no_output_fprime", "a2", "mlp.py",
      "    return backprop(activation_backward(dout, caches[-1][1]), caches)\n",
      "    return backprop(dout, caches)\n", "a2.mlp_backward", "missing_fprime",
      "mlp_backward forgets the output layer's f′"),
    W("gd_inplace", "a2", "optim.py",
      "    return [p - lr * g for p, g in zip(params, grads, strict=True)]\n",
      "    for p, g in zip(params, grads, strict=True):\n        p -= lr * g\n    return list(params)\n",
      "a2.gd_update", "inplace", "in-place update p -= α g"),
    W("gd_sign", "a2", "optim.py", "    return [p - lr * g for p, g in zip(params, grads, strict=True)]\n",
      "    return [p + lr * g for p, g in zip(params, grads, strict=True)]\n", "a2.gd_update",
      "sign_error", "gradient ascent"),
    W("gd_no_lr", "a2", "optim.py", "    return [p - lr * g for p, g in zip(params, grads, strict=True)]\n",
      "    return [p - g for p, g in zip(params, grads, strict=True)]\n", "a2.gd_update",
      "no_learning_rate", "update without α"),
    W("numgrad_forward", "a2", "gradcheck.py", "        flat_g[k] = (f_plus - f_minus) / (2 * eps)\n",
      "        flat_g[k] = (f_plus - f()) / eps\n", "a2.numerical_gradient", "forward_difference",
      "forward difference"),
    W("numgrad_not_restored", "a2", "gradcheck.py",
      "        f_minus = f()\n        flat_x[k] = old\n", "        f_minus = f()\n",
      "a2.numerical_gradient", "not_restored", "x_k not restored"),
    W("numgrad_ignores_eps", "a2", "gradcheck.py", "    grad = np.zeros(x.shape, dtype=np.float64)\n",
      "    eps = 1e-6\n    grad = np.zeros(x.shape, dtype=np.float64)\n", "a2.numerical_gradient",
      "eps_ignored", "numerical gradient ignores its eps"),
    W("numgrad_float32", "a2", "gradcheck.py", "    grad = np.zeros(x.shape, dtype=np.float64)\n",
      "    grad = np.zeros(x.shape, dtype=np.float32)\n", "a2.numerical_gradient", "wrong_dtype",
      "numerical gradient returned as float32"),
    W("exercise_one_class", "a2", "exercise.py", "    y = np.array([0.0, 0.0, 1.0, 1.0])\n",
      "    y = np.array([0.0, 0.0, 0.0, 0.0])\n", "a2.exercise", "invalid_samples",
      "练习题 samples of one class only"),
    W("mlp_forward_cache_order", "a2", "mlp.py", "        caches.append((dense_cache, act_cache))\n",
      "        caches.append((act_cache, dense_cache))\n", "a2.mlp_forward", "cache_layout",
      "mlp_forward stores each layer's caches in the wrong order"),
    W("mlp_forward_returns_z", "a2", "mlp.py", "    return a, caches\n", "    return z, caches\n",
      "a2.mlp_forward", "output_not_activated", "mlp_forward returns z^(L), not a^(L) = f(z^(L))"),
    W("exercise_bce_through_mlp_backward", "a2", "exercise.py",
      "        dWs, dbs = backprop(delta, caches)\n", "        dWs, dbs = mlp_backward(delta, caches)\n",
      "a2.exercise", "bce_output_fprime", "练习题 cross-entropy δ^(3) multiplied by σ'(z^(3)) again"),
    # ---------------------------------------------------------------- a3: training in practice
    W("momentum_sign", "a3", "optim.py",
      "    return [p + v for p, v in zip(params, new_v, strict=True)], new_v\n",
      "    return [p - v for p, v in zip(params, new_v, strict=True)], new_v\n", "a3.momentum",
      "momentum_sign", "θ := θ − v"),
    W("momentum_no_lr", "a3", "optim.py", "beta * v - lr * g for", "beta * v - g for",
      "a3.momentum", "no_learning_rate", "momentum without α"),
    W("momentum_no_beta", "a3", "optim.py", "beta * v - lr * g for", "v - lr * g for",
      "a3.momentum", "momentum_no_beta", "momentum without β"),
    W("momentum_old_velocity", "a3", "optim.py", "zip(params, new_v, strict=True)]",
      "zip(params, velocities, strict=True)]", "a3.momentum", "momentum_old_velocity",
      "θ updated with the old velocity"),
    W("wd_no_half", "a3", "losses.py", "    value = lam / (2 * m) *", "    value = lam / m *",
      "a3.weight_decay", "weight_decay_half", "R without the ½"),
    W("wd_grad_2lam", "a3", "losses.py", "[(lam / m) * W for W in weights]",
      "[(2 * lam / m) * W for W in weights]", "a3.weight_decay", "weight_decay_half",
      "∂R/∂W = 2λ/m W"),
    W("wd_grad_no_m", "a3", "losses.py", "[(lam / m) * W for W in weights]",
      "[lam * W for W in weights]", "a3.weight_decay", "missing_1_over_m", "∂R/∂W = λ W"),
    W("zscore_ddof1", "a3", "preprocessing.py", "    return X.mean(axis=0), X.std(axis=0)\n",
      "    return X.mean(axis=0), X.std(axis=0, ddof=1)\n", "a3.normalise", "zscore_ddof",
      "z-score with ddof = 1"),
    W("zscore_variance", "a3", "preprocessing.py", "    return X.mean(axis=0), X.std(axis=0)\n",
      "    return X.mean(axis=0), X.var(axis=0)\n", "a3.normalise", "zscore_variance",
      "σ² instead of σ"),
    W("zscore_test_stats", "a3", "preprocessing.py",
      "    return (np.asarray(X, dtype=np.float64) - mean) / np.where(std > 0, std, 1.0)\n",
      "    X = np.asarray(X, dtype=np.float64)\n    return (X - X.mean(axis=0)) / X.std(axis=0)\n",
      "a3.normalise", "test_statistics", "transform refits on the test data"),
    W("zscore_div_zero", "a3", "preprocessing.py",
      "    return (np.asarray(X, dtype=np.float64) - mean) / np.where(std > 0, std, 1.0)\n",
      "    return (np.asarray(X, dtype=np.float64) - mean) / std\n", "a3.normalise", "std_zero",
      "divides by σ = 0"),
    W("minmax_clip", "a3", "preprocessing.py",
      "    return (np.asarray(X, dtype=np.float64) - data_min) / np.where(span > 0, span, 1.0)\n",
      "    out = (np.asarray(X, dtype=np.float64) - data_min) / np.where(span > 0, span, 1.0)\n"
      "    return np.clip(out, 0.0, 1.0)\n", "a3.normalise", "minmax_clipped", "min-max clipped"),
    W("minmax_global", "a3", "preprocessing.py", "    return X.min(axis=0), X.max(axis=0)\n",
      "    return X.min(), X.max()\n", "a3.normalise", "stats_axis wrong_shape",
      "min/max over the whole matrix"),
    W("minibatches_drop_last", "a3", "optim.py", "    for start in range(0, m, batch_size):\n",
      "    for start in range(0, m - batch_size + 1, batch_size):\n", "a3.minibatches",
      "batches_cover", "last smaller batch dropped"),
    W("minibatches_no_shuffle", "a3", "optim.py",
      "    order = rng.permutation(m) if rng is not None else np.arange(m)\n",
      "    order = np.arange(m)\n", "a3.minibatches", "not_shuffled", "rng ignored"),
    W("minibatches_global_rng", "a3", "optim.py",
      "    order = rng.permutation(m) if rng is not None else np.arange(m)\n",
      "    order = np.random.permutation(m) if rng is not None else np.arange(m)\n",
      "a3.minibatches", "not_seeded", "np.random instead of rng"),
    W("early_stop_ties", "a3", "training.py", "    if val_loss < best_loss - min_delta:\n",
      "    if val_loss <= best_loss - min_delta:\n", "a3.early_stopping", "early_stop_ties",
      "an equal loss counts as improvement"),
    W("early_stop_no_min_delta", "a3", "training.py", "    if val_loss < best_loss - min_delta:\n",
      "    if val_loss < best_loss:\n", "a3.early_stopping", "early_stop_min_delta",
      "min_delta ignored"),
    W("early_stop_off_by_one", "a3", "training.py",
      "    return best_loss, best_epoch, wait, wait >= patience\n",
      "    return best_loss, best_epoch, wait, wait > patience\n", "a3.early_stopping",
      "early_stop_off_by_one", "stops one epoch late"),
    W("early_stop_best_current", "a3", "training.py",
      "    return best_loss, best_epoch, wait, wait >= patience\n",
      "    return best_loss, epoch, wait, wait >= patience\n", "a3.early_stopping",
      "early_stop_not_restoring", "best_epoch follows the current epoch"),
    W("sgd_last_loss", "a3", "training.py", "    return total / m\n", "    return J\n",
      "a3.sgd_epoch", "epoch_loss_last", "returns the last batch's loss"),
    W("sgd_decay_on_bias", "a3", "training.py",
      "        J, grads = model.loss(X[idx], y[idx], loss, lam * idx.size / m)\n",
      "        J, grads = model.loss(X[idx], y[idx], loss)\n"
      "        grads = [g + lam / m * p for g, p in zip(grads, model.params)]\n",
      "a3.sgd_epoch", "weight_decay_on_bias", "weight decay on every parameter"),
    W("sgd_unshuffled", "a3", "training.py", "    for idx in minibatches(m, batch_size, rng):\n",
      "    for idx in minibatches(m, batch_size, None):\n", "a3.sgd_epoch", "sgd_batches not_shuffled",
      "sgd_epoch never shuffles"),
    W("sgd_lam_unscaled", "a3", "training.py", "loss, lam * idx.size / m)", "loss, lam)",
      "a3.sgd_epoch", "sgd_lam_unscaled", "λ passed to model.loss without |B|/m"),
    W("momentum_inplace", "a3", "optim.py",
      "    new_v = [beta * v - lr * g for v, g in zip(velocities, grads, strict=True)]\n",
      "    for v, g in zip(velocities, grads, strict=True):\n        v *= beta\n        v -= lr * g\n"
      "    new_v = list(velocities)\n", "a3.momentum", "inplace",
      "momentum updates the caller's velocities in place"),
    W("early_stop_no_reset", "a3", "training.py", "        return val_loss, epoch, 0, False\n",
      "        return val_loss, epoch, wait, False\n", "a3.early_stopping", "early_stop_wait_reset",
      "wait not reset on an improvement"),
    W("zscore_keepdims", "a3", "preprocessing.py", "    return X.mean(axis=0), X.std(axis=0)\n",
      "    return X.mean(axis=0, keepdims=True), X.std(axis=0, keepdims=True)\n", "a3.normalise",
      "wrong_shape stats_axis", "μ, σ of shape (1, n)"),
    # ---------------------------------------------------------------- a4: deep networks
    W("residual_no_skip_backward", "a4", "residual.py",
      "    return dout + da_dense, dW1, db1, dW2, db2\n",
      "    return da_dense, dW1, db1, dW2, db2\n", "a4.residual", "residual_skip_backward",
      "backward without the skip path"),
    W("residual_no_skip_forward", "a4", "residual.py", "    return a + z2, (dense1, act1, dense2)\n",
      "    return z2, (dense1, act1, dense2)\n", "a4.residual", "residual_skip_forward",
      "forward without + a"),
    W("residual_missing_fprime", "a4", "residual.py",
      "    delta1 = activation_backward(dh, act1)\n", "    delta1 = dh\n", "a4.residual",
      "missing_fprime", "residual backward without f′"),
    W("dae_corrupt_inplace", "a4", "autoencoder.py", "    return X * mask, mask\n",
      "    X *= mask\n    return X, mask\n", "a4.dae", "dae_noisy_target inplace",
      "corrupt modifies X in place"),
    W("dae_forward_clean", "a4", "autoencoder.py", "mlp_forward(X * mask,", "mlp_forward(X,",
      "a4.dae", "dae_mask_missing", "encoder reads the clean x"),
    W("corrupt_inverted", "a4", "autoencoder.py", "(rng.random(X.shape) >= noise)",
      "(rng.random(X.shape) < noise)", "a4.dae", "mask_inverted", "mask inverted"),
    W("pretrain_noisy_target", "a4", "autoencoder.py", _PRETRAIN_FIT,
      "        noisy, _ = corrupt(codes, noise, np.random.default_rng(seed + l))\n"
      "        fit(dae, noisy, noisy, loss=", "a4.pretraining", "dae_noisy_target pretrain_replay",
      "pre-training reconstructs the noisy input"),
    W("descend_no_momentum", "a4", "momentum.py", '    if optimizer == "momentum":\n',
      '    if optimizer == "nesterov":\n', "a4.saddle", "momentum_ignored",
      "momentum path equals gradient descent"),
    W("descend_no_last_value", "a4", "momentum.py", "    values.append(objective(theta)[0])\n",
      "", "a4.saddle", "descend_record", "last f(θ) not recorded"),
    W("count_no_bias", "a4", "depth_width.py", "(n_in + 1) * n_out", "n_in * n_out",
      "a4.depth_width", "count_biases", "parameter count without biases"),
    W("count_bias_side", "a4", "depth_width.py", "(n_in + 1) * n_out", "n_in * (n_out + 1)",
      "a4.depth_width", "count_biases_side", "biases on the wrong side"),
    W("norms_reversed", "a4", "vanishing.py", "for g in grads[0::2]]\n", "for g in grads[0::2]][::-1]\n",
      "a4.gradient_norms", "norms_order", "norms output side first"),
    W("norms_bias", "a4", "vanishing.py", "for g in grads[0::2]]\n", "for g in grads[1::2]]\n",
      "a4.gradient_norms", "norms_bias", "norms of the bias gradients"),
    W("norms_squared", "a4", "vanishing.py", "float(np.linalg.norm(g))", "float(np.sum(g * g))",
      "a4.gradient_norms", "norms_squared", "squared norms"),
    W("residual_act_after_sum", "a4", "residual.py", "    return a + z2, (dense1, act1, dense2)\n",
      "    return activation_forward(a + z2, activation)[0], (dense1, act1, dense2)\n",
      "a4.residual", "residual_activation_after_sum", "activation after the sum"),
    W("pretrain_decoder_weights", "a4", "autoencoder.py", "        weights.append(dae.weights[0])\n",
      "        weights.append(dae.weights[1])\n", "a4.pretraining", "pretrain_codes",
      "pre-training returns the decoder's weights"),
    # ---------------------------------------------------------------- a4: the rest of the lecture
    W("approx_no_v", "a4", "approximation.py", "    return sigmoid(np.outer(x, w) + b) @ v\n",
      "    return sigmoid(np.outer(x, w) + b).sum(axis=1)\n", "a4.approximation", "approx_sum",
      "F(x) without the output weights v"),
    W("approx_projection", "a4", "approximation.py",
      "    return np.linalg.lstsq(Phi, y, rcond=None)[0]\n", "    return Phi.T @ y\n",
      "a4.approximation", "approx_lstsq", "v = Φᵀ y instead of least squares"),
    W("aux_grad_no_lambda", "a4", "auxiliary.py", "dense_backward(lam_aux * delta_aux,",
      "dense_backward(delta_aux,", "a4.auxiliary", "aux_lambda",
      "λ_aux in J but not in the gradients"),
    W("aux_not_backpropagated", "a4", "auxiliary.py",
      "        if l == aux_layer - 1:\n            da = da + da_aux\n", "", "a4.auxiliary",
      "aux_backward_missing", "auxiliary error not sent back into the network"),
    W("degradation_history_loss", "a4", "degradation.py",
      "    fit(net, X, y, loss=\"ce\", optimizer=\"momentum\", lr=lr, epochs=epochs,\n"
      "        batch_size=batch_size, seed=seed, track_accuracy=False)  # fmt: skip\n"
      "    return float(net.loss(X, y, \"ce\")[0])\n",
      "    h = fit(net, X, y, loss=\"ce\", optimizer=\"momentum\", lr=lr, epochs=epochs,\n"
      "            batch_size=batch_size, seed=seed, track_accuracy=False)\n"
      "    return float(h.loss[-1])\n", "a4.degradation", "degradation_running",
      "training error = fit's running average"),
    W("rbm_dw_sign", "a4", "rbm.py", "    dW = (V.T @ p_h0 - p_v1.T @ p_h1) / m\n",
      "    dW = (p_v1.T @ p_h1 - V.T @ p_h0) / m\n", "a4.rbm", "rbm_sign", "CD-1 ΔW with the sign flipped"),
    W("rbm_dw_no_mean", "a4", "rbm.py", "    dW = (V.T @ p_h0 - p_v1.T @ p_h1) / m\n",
      "    dW = V.T @ p_h0 - p_v1.T @ p_h1\n", "a4.rbm", "rbm_mean", "CD-1 ΔW without 1/m"),
    W("rbm_positive_samples", "a4", "rbm.py", "    dW = (V.T @ p_h0 - p_v1.T @ p_h1) / m\n",
      "    dW = (V.T @ h0 - p_v1.T @ p_h1) / m\n", "a4.rbm", "rbm_positive_sampled",
      "positive statistics from the sampled h0"),
    W("dbn_visible_bias", "a4", "rbm.py", "        biases.append(rbm.c)\n",
      "        biases.append(rbm.b)\n", "a4.dbn", "dbn_codes", "DBN returns the visible biases"),
)  # fmt: skip

ALTERNATIVES: tuple[Entry, ...] = (
    A("step_heaviside", "a1", "activations.py", "    return (z >= 0).astype(z.dtype)\n",
      "    return np.heaviside(z, 1.0).astype(z.dtype)\n", "step as np.heaviside(z, 1)"),
    A("sign_where_lt", "a1", "activations.py", "    return np.where(z >= 0, 1.0, -1.0).astype(z.dtype)\n",
      "    return np.where(z < 0, -1.0, 1.0).astype(z.dtype)\n", "sgn via t < 0"),
    A("sigmoid_via_tanh", "a1", "activations.py", _SIG,
      "    return ((1.0 + np.tanh(z / 2)) / 2).astype(z.dtype)\n", "σ = (1 + tanh(z/2))/2"),
    A("sigmoid_deriv_stable", "a1", "activations.py", "    s = sigmoid(z)\n    return s * (1 - s)\n",
      "    e = np.exp(-np.abs(_as_float(z)))\n    return e / (1 + e) ** 2\n",
      "σ' = e^{−|z|}/(1 + e^{−|z|})²"),
    A("tanh_via_sigmoid", "a1", "activations.py", "    return np.tanh(_as_float(z))\n",
      "    z = _as_float(z)\n    return 2 * sigmoid(2 * z) - 1\n", "tanh = 2σ(2t) − 1"),
    A("tanh_deriv_cosh", "a1", "activations.py", "    t = tanh(z)\n    return 1 - t * t\n",
      "    return 1 / np.cosh(_as_float(z)) ** 2\n", "tanh' = 1/cosh²"),
    A("relu_mask", "a1", "activations.py", "    return np.maximum(z, 0).astype(z.dtype)\n",
      "    return np.where(z > 0, z, 0).astype(z.dtype)\n", "ReLU via where"),
    A("perceptron_where", "a1", "neurons.py", "    return (X @ w + b >= 0).astype(float)\n",
      "    return np.where(np.dot(X, w) + b >= 0, 1.0, 0.0)\n", "perceptron via np.where"),
    A("perceptron_update_branch", "a1", "neurons.py",
      "    error = y - float(x @ w + b >= 0)\n    return w + lr * error * x, b + lr * error\n",
      "    pred = 1.0 if np.dot(w, x) + b >= 0 else 0.0\n    if pred == y:\n"
      "        return w.copy(), b\n    return w + lr * (y - pred) * x, b + lr * (y - pred)\n",
      "perceptron update with an explicit branch"),
    A("logistic_J_softplus", "a1", "neurons.py", _LOGJ,
      "    J = float(np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))))\n",
      "logistic loss via max(z,0) + log1p(e^{−|z|})"),
    A("dense_einsum", "a2", "layers.py", "    z = a @ W + b\n",
      "    z = np.einsum('mj,ji->mi', a, W) + b[None, :]\n", "dense forward with einsum"),
    A("dense_backward_dot", "a2", "layers.py", "    da = dz @ W.T\n", "    da = np.dot(W, dz.T).T\n",
      "da as (W dzᵀ)ᵀ"),
    A("mse_mean", "a2", "losses.py", "    J = empirical_risk(0.5 * np.sum(diff * diff, axis=1))\n",
      "    J = 0.5 * float(np.mean(np.sum(diff**2, axis=1)))\n", "MSE via np.mean"),
    A("bce_logaddexp", "a2", "losses.py",
      "    per_sample = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=1)\n",
      "    per_sample = np.sum(np.logaddexp(0.0, z) - z * y, axis=1)\n", "BCE via logaddexp"),
    A("backprop_while", "a2", "mlp.py", _BACKPROP,
      "    l = n - 1\n    while True:\n        da, dWs[l], dbs[l] = dense_backward(delta, caches[l][0])\n"
      "        if l == 0:\n            break\n"
      "        delta = activation_backward(da, caches[l - 1][1])\n        l -= 1\n",
      "backprop as a while loop"),
    A("mlp_forward_inline", "a2", "mlp.py", "        z, dense_cache = dense_forward(a, W, b)\n",
      "        z, dense_cache = a @ W + b, (a, W)\n", "mlp_forward without calling dense_forward"),
    A("backprop_inline_dense", "a2", "mlp.py",
      "        da, dWs[l], dbs[l] = dense_backward(delta, caches[l][0])\n",
      "        a_prev, W = caches[l][0]\n"
      "        da, dWs[l], dbs[l] = delta @ W.T, a_prev.T @ delta, delta.sum(axis=0)\n",
      "backprop without calling dense_backward"),
    A("mlp_backward_f_backward", "a2", "mlp.py",
      "    return backprop(activation_backward(dout, caches[-1][1]), caches)\n",
      "    z, a, f = caches[-1][1]\n    return backprop(f.backward(dout, z, a), caches)\n",
      "δ^(L) through the cached activation object's own backward"),
    A("my_samples_lists", "a2", "exercise.py", "    return X, y\n",
      "    return X.tolist(), y.tolist()\n", "my_samples returns Python lists"),
    A("one_update_by_hand", "a2", "exercise.py", _ONE_UPDATE, _ONE_UPDATE_BY_HAND,
      "one_update written out by hand, without the other stubs"),
    A("gd_map", "a2", "optim.py", "    return [p - lr * g for p, g in zip(params, grads, strict=True)]\n",
      "    return list(map(lambda pg: pg[0] - pg[1] * lr, zip(params, grads)))\n", "update via map"),
    A("numgrad_ndindex", "a2", "gradcheck.py",
      "    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)\n" + _NUMGRAD_LOOP,
      "    for idx in np.ndindex(*x.shape):\n        old = x[idx]\n        x[idx] = old + eps\n"
      "        fp = f()\n        x[idx] = old - eps\n        fm = f()\n        x[idx] = old\n"
      "        grad[idx] = (fp - fm) / (2 * eps)\n", "numerical gradient with np.ndindex"),
    A("momentum_loops", "a3", "optim.py",
      "    new_v = [beta * v - lr * g for v, g in zip(velocities, grads, strict=True)]\n"
      "    return [p + v for p, v in zip(params, new_v, strict=True)], new_v\n",
      "    new_p, new_v = [], []\n    for p, g, v in zip(params, grads, velocities):\n"
      "        v2 = beta * v - lr * g\n        new_v.append(v2)\n        new_p.append(p + v2)\n"
      "    return new_p, new_v\n", "momentum in an explicit loop"),
    A("wd_square", "a3", "losses.py", "[(lam / m) * W for W in weights]",
      "[W * lam / m for W in weights]", "∂R/∂W as W λ/m"),
    A("minibatches_perm_arange", "a3", "optim.py",
      "    order = rng.permutation(m) if rng is not None else np.arange(m)\n",
      "    order = np.arange(m)\n    if rng is not None:\n        order = rng.permutation(order)\n",
      "shuffle via rng.permutation(np.arange(m))"),
    A("early_stop_diff_form", "a3", "training.py", "    if val_loss < best_loss - min_delta:\n",
      "    if best_loss - val_loss > min_delta:\n", "early stopping as best − val > min_delta"),
    A("zscore_const_zero", "a3", "preprocessing.py",
      "    return (np.asarray(X, dtype=np.float64) - mean) / np.where(std > 0, std, 1.0)\n",
      "    X = np.asarray(X, dtype=np.float64)\n"
      "    return np.where(std > 0, (X - mean) / np.where(std > 0, std, 1.0), 0.0)\n",
      "z-score maps a constant feature to 0"),
    A("minmax_const_zero", "a3", "preprocessing.py",
      "    return (np.asarray(X, dtype=np.float64) - data_min) / np.where(span > 0, span, 1.0)\n",
      "    X = np.asarray(X, dtype=np.float64)\n"
      "    return np.where(span > 0, (X - data_min) / np.where(span > 0, span, 1.0), 0.0)\n",
      "min-max maps a constant feature to 0"),
    A("zscore_manual_std", "a3", "preprocessing.py", "    return X.mean(axis=0), X.std(axis=0)\n",
      "    mu = X.sum(axis=0) / X.shape[0]\n"
      "    return mu, np.sqrt(((X - mu) ** 2).sum(axis=0) / X.shape[0])\n", "σ written out"),
    A("minibatches_sorted_batches", "a3", "optim.py",
      "        yield order[start : start + batch_size]\n",
      "        yield np.sort(order[start : start + batch_size])\n",
      "each shuffled batch sorted (the same samples per batch)"),
    A("minibatches_shuffle_inplace", "a3", "optim.py",
      "    order = rng.permutation(m) if rng is not None else np.arange(m)\n",
      "    order = np.arange(m)\n    if rng is not None:\n        rng.shuffle(order)\n",
      "shuffle via rng.shuffle(np.arange(m))"),
    A("sgd_len_idx", "a3", "training.py", "        total += J * idx.size\n",
      "        total = total + J * len(idx)\n", "batch size via len(idx)"),
    A("corrupt_where", "a4", "autoencoder.py",
      "    mask = (rng.random(X.shape) >= noise).astype(X.dtype)\n",
      "    mask = np.where(rng.random(X.shape) < noise, 0, 1).astype(X.dtype)\n",
      "mask via np.where(r < noise, 0, 1)"),
    A("norms_sqrt_sum", "a4", "vanishing.py", "float(np.linalg.norm(g))",
      "float(np.sqrt(np.sum(g * g)))", "Frobenius norm written out"),
    A("approx_pinv", "a4", "approximation.py",
      "    return np.linalg.lstsq(Phi, y, rcond=None)[0]\n", "    return np.linalg.pinv(Phi) @ y\n",
      "least squares via the pseudo-inverse"),
    A("sigmoid_sum_loop", "a4", "approximation.py", "    return sigmoid(np.outer(x, w) + b) @ v\n",
      "    out = np.zeros(len(x))\n    for wi, bi, vi in zip(w, b, v):\n"
      "        out += vi * sigmoid(wi * x + bi)\n    return out\n", "F(x) as a loop over units"),
    A("rbm_split_terms", "a4", "rbm.py", "    dW = (V.T @ p_h0 - p_v1.T @ p_h1) / m\n",
      "    dW = V.T @ p_h0 / m - p_v1.T @ p_h1 / m\n", "ΔW as two averaged terms"),
    A("count_loop", "a4", "depth_width.py",
      "    return sum((n_in + 1) * n_out for n_in, n_out in pairwise(sizes))\n",
      "    total = 0\n    for k in range(len(sizes) - 1):\n"
      "        total += sizes[k] * sizes[k + 1] + sizes[k + 1]\n    return total\n",
      "parameter count in a loop"),
)  # fmt: skip
