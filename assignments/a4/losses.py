"""损失函数与权值衰减 / Losses and weight decay (from a2/a3, given).

每个损失返回经验风险 J = (1/m) Σ_n l(y^(n), h(x^(n))) 及其对输入的梯度（已除以 m）。
Every loss returns J = (1/m) Σ_n l(y^(n), h(x^(n))) and its gradient (already divided by m).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from activations import Activation, get_activation
from checks import bilingual, require_same_shape


# ---- given code (给定代码): empirical_risk ----
def empirical_risk(per_sample: np.ndarray) -> float:
    """经验风险 / Empirical risk J = (1/m) Σ_n l_n; ``per_sample`` has shape (m,)."""
    return float(np.mean(per_sample))


# ---- end given ----
# ---- given code (给定代码): half_squared_error ----
def half_squared_error(h: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """平方误差损失 / l = ½‖h(x) − y‖².

    Summed over the K outputs, averaged over the m samples: J = K/2 × torch's
    ``F.mse_loss(h, y)`` (which averages over outputs too and has no ½).
    Shapes: h, y (m, K) -> J scalar, dJ/dh = (h − y)/m of shape (m, K).
    """
    diff = h - y
    J = empirical_risk(0.5 * np.sum(diff * diff, axis=1))
    return J, diff / h.shape[0]


# ---- end given ----
# ---- given code (给定代码): binary_cross_entropy ----
def binary_cross_entropy(
    h: np.ndarray, y: np.ndarray, eps: float = 1e-12
) -> tuple[float, np.ndarray]:
    """二分类交叉熵（输入为概率）/ Binary cross-entropy on probabilities.

    l = −Σ_k [y_k ln h_k + (1 − y_k) ln(1 − h_k)] (summed over the K outputs), h clipped to
    [eps, 1 − eps] so that nothing is log 0; the upper bound is never 1.0 in h's precision
    (in float32 1 − 1e-12 rounds to 1, so the bound is 1 − 2⁻²⁴ there).
    Shapes: h, y (m, 1) or (m, K) -> J, dJ/dh = (h − y) / (h(1 − h)) / m.
    Prefer :func:`binary_cross_entropy_with_logits` after a sigmoid: it is exact there.
    """
    hi = min(1 - eps, 1 - float(np.finfo(np.result_type(h, 0.5)).epsneg))
    hc = np.clip(h, eps, hi)
    per_sample = -np.sum(y * np.log(hc) + (1 - y) * np.log1p(-hc), axis=1)
    return empirical_risk(per_sample), (hc - y) / (hc * (1 - hc)) / h.shape[0]


# ---- end given ----
# ---- given code (给定代码): binary_cross_entropy_with_logits ----
def binary_cross_entropy_with_logits(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """由 logit 计算的二分类交叉熵（稳定）/ Stable BCE from the logit z, with h = σ(z).

    l = max(z, 0) − z·y + ln(1 + e^{−|z|}) summed over the K outputs, averaged over samples
    (J = K × torch's ``F.binary_cross_entropy_with_logits(z, y)``);
    ∂J/∂z = (σ(z) − y)/m, i.e. δ^(L) = a^(L) − y.
    Shapes: z, y (m, K) -> J, dJ/dz (m, K). Finite for |z| = 1e4.
    """
    per_sample = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=1)
    e = np.exp(-np.abs(z))
    sig = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return empirical_risk(per_sample), (sig - y) / z.shape[0]


# ---- end given ----
# ---- given code (给定代码): one_hot_targets ----
def one_hot_targets(y: np.ndarray, k: int) -> np.ndarray:
    """整数标签转独热 / Integer labels (m,) -> one-hot (m, K); (m, K) targets pass through.

    Labels must be whole numbers in 0..K−1 (1.7 is refused, not truncated); (m, K) targets
    must be non-negative with rows summing to 1 (one-hot or soft labels), which is what makes
    (softmax(z) − y)/m the exact gradient of the cross-entropy.
    """
    y = np.asarray(y)
    if y.ndim == 2:
        if y.shape[1] != k or (y.size and (y.min() < 0 or np.abs(y.sum(axis=1) - 1).max() > 1e-5)):
            raise ValueError(
                bilingual(
                    f"(m, K) 目标的每行应为 K = {k} 个非负数且和为 1（独热或软标签），实际形状 {y.shape}",
                    f"(m, K) targets need K = {k} non-negative entries per row summing to 1 "
                    f"(one-hot or soft labels), got shape {y.shape}",
                )
            )
        return y
    if y.dtype.kind not in "biu" and np.any(y != np.round(y)):
        raise ValueError(bilingual("标签必须是整数（如 0、1、2）", "labels must be whole numbers"))
    if y.min(initial=0) < 0 or y.max(initial=0) >= k:
        raise ValueError(bilingual(f"标签应在 0..{k - 1} 之间", f"labels must lie in 0..{k - 1}"))
    out = np.zeros((y.shape[0], k))
    out[np.arange(y.shape[0]), y.astype(int)] = 1.0
    return out


# ---- end given ----
# ---- given code (给定代码): softmax_cross_entropy ----
def softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Softmax 多分类交叉熵（稳定）/ Stable softmax cross-entropy from logits z.

    l = −Σ_k y_k ln softmax(z)_k, computed as a log-sum-exp; ∂J/∂z = (softmax(z) − y)/m,
    exact because every target row sums to 1 (checked by :func:`one_hot_targets`).
    torch: ``F.cross_entropy(z, labels)``.
    Shapes: z (m, K), y one-hot (m, K) or labels (m,) -> J, dJ/dz (m, K).
    """
    Y = one_hot_targets(y, z.shape[1]).astype(z.dtype, copy=False)
    shifted = z - z.max(axis=1, keepdims=True)
    log_sum = np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    log_p = shifted - log_sum
    J = empirical_risk(-np.sum(Y * log_p, axis=1))
    return J, (np.exp(log_p) - Y) / z.shape[0]


# ---- end given ----


# ---- given code (给定代码): weight_decay ----
def weight_decay(
    weights: Sequence[np.ndarray], lam: float, m: int
) -> tuple[float, list[np.ndarray]]:
    """权值衰减（L2，仅权重不含偏置）/ L2 weight decay on weights only, not biases.

    R = λ/(2m) Σ_l Σ_ji (w_ji^(l))², ∂R/∂W^(l) = (λ/m) W^(l) (same shape as each W).
    m is the number of samples the term is scaled by (the training-set size in ``fit``).
    torch: the gradient is ``SGD(weight_decay=λ/m)`` on the weights only.
    """
    value = lam / (2 * m) * sum(float(np.sum(W * W)) for W in weights)
    return value, [(lam / m) * W for W in weights]


# ---- end given ----


# ---- given code (给定代码): Loss ----
@dataclass(frozen=True)
class Loss:
    """损失及其与输出激活的融合 / A loss, and its fused form with the output activation.

    ``fn(h, y)`` works on the output a^(L). When the output activation is ``fused_with``,
    ``fused(z, y)`` works on z^(L) directly and returns δ^(L) = (a^(L) − y)/m exactly.
    """

    name: str
    fn: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]
    fused_with: str | None = None
    fused: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]] | None = None


# ---- end given ----
# ---- given code (给定代码): LOSSES ----
LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", half_squared_error),
    "bce": Loss("bce", binary_cross_entropy, "sigmoid", binary_cross_entropy_with_logits),
    "ce": Loss("ce", lambda a, y: _ce_on_probabilities(a, y), "softmax", softmax_cross_entropy),
}


# ---- end given ----
# ---- given code (给定代码): ALIASES ----
ALIASES = {"half_squared_error": "mse", "binary_cross_entropy": "bce", "cross_entropy": "ce"}


# ---- end given ----
# ---- given code (给定代码): _ce_on_probabilities ----
def _ce_on_probabilities(
    a: np.ndarray, y: np.ndarray, eps: float = 1e-12
) -> tuple[float, np.ndarray]:
    """多分类交叉熵（输入为概率）/ l = −Σ_k y_k ln a_k on probabilities; dJ/da = −y/a/m."""
    Y = one_hot_targets(y, a.shape[1])
    ac = np.clip(a, eps, 1.0)
    return empirical_risk(-np.sum(Y * np.log(ac), axis=1)), -Y / ac / a.shape[0]


# ---- end given ----
# ---- given code (给定代码): get_loss ----
def get_loss(name: str | Loss) -> Loss:
    """按名字取损失 / Look a loss up by name: 'mse' (½‖h−y‖²), 'bce', 'ce'."""
    if isinstance(name, Loss):
        return name
    key = ALIASES.get(str(name).lower(), str(name).lower())
    if key not in LOSSES:
        known = ", ".join(LOSSES)
        raise ValueError(
            bilingual(
                f"未知的损失函数 {name!r}；可用：{known}", f"unknown loss {name!r}; known: {known}"
            )
        )
    return LOSSES[key]


# ---- end given ----
# ---- given code (给定代码): require_output_activation ----
def require_output_activation(loss: Loss, activation: str | Activation) -> None:
    """概率输出检查 / 'bce' needs a sigmoid output, 'ce' a softmax output (else ValueError).

    Their logarithms are only defined on probabilities; any other output layer (identity,
    tanh, relu, …) can leave (0, 1) and make J NaN or meaningless.
    """
    name = get_activation(activation).name
    if loss.fused_with is not None and name != loss.fused_with:
        raise ValueError(
            bilingual(
                f"损失 {loss.name!r} 需要 {loss.fused_with} 输出层（概率），实际是 {name}",
                f"loss {loss.name!r} needs a {loss.fused_with} output layer (probabilities), "
                f"got {name}",
            )
        )


# ---- end given ----
# ---- given code (给定代码): output_loss ----
def output_loss(
    loss: Loss, activation: str | Activation, out: np.ndarray, z: np.ndarray, y: np.ndarray
) -> tuple[float, np.ndarray]:
    """输出层的损失与 δ^(L) / J and δ^(L) = ∂J/∂z^(L) from a^(L) = ``out`` and z^(L) = ``z``.

    Where the output activation and the loss fuse (sigmoid + bce, softmax + ce) both come
    from z exactly and stably (δ^(L) = (a^(L) − y)/m); otherwise from the loss on a^(L) and
    the activation's derivative. Shapes: out, z, y (m, N_L) -> (J, δ^(L) (m, N_L)).
    """
    f = get_activation(activation)
    if loss.fused is not None and f.name == loss.fused_with:
        return loss.fused(z, y)
    J, dout = loss.fn(out, y)
    return J, f.backward(dout, z, out)


# ---- end given ----
# ---- given code (给定代码): check_targets ----
def check_targets(h: np.ndarray, y: np.ndarray, loss: Loss) -> np.ndarray:
    """检查目标 y 与输出 h 的形状一致 / Check the targets y against the output h (m, K).

    A 1-D y is read as one target per sample when K = 1, as one sample when m = 1, and as
    integer labels for 'ce'.
    """
    y = np.asarray(y)
    if loss.name == "ce" and y.ndim == 1:
        return y
    if y.ndim == 1:
        y = y[:, None] if h.shape[1] == 1 else y[None, :]
    require_same_shape(h, y, "h(x)", "y")
    return y.astype(h.dtype, copy=False)


# ---- end given ----
