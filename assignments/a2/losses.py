"""损失函数与经验风险 / Losses and the empirical risk.

每个损失接受 m 个样本的网络输出（每行一个）并返回 ``(J, dJ)``：经验风险
J = (1/m) Σ_n l(y^(n), h(x^(n))) 及其对损失输入的梯度（已除以 m）。
Every loss takes the network output for m samples, one per row, and returns ``(J, dJ)``: the
empirical risk J = (1/m) Σ_n l(y^(n), h(x^(n))) and its gradient with respect to the loss's
input (already divided by m).
"""

from __future__ import annotations

import numpy as np


# ---- given code (给定代码): bilingual ----
def bilingual(zh: str, en: str) -> str:
    """把中文与英文消息合成一条 / Join a Chinese and an English message into one text."""
    return f"{zh}\n{en}"


# ---- end given ----
# ---- given code (给定代码): empirical_risk ----
def empirical_risk(per_sample: np.ndarray) -> float:
    """经验风险 / Empirical risk J = (1/m) Σ_n l_n; ``per_sample`` has shape (m,)."""
    return float(np.mean(per_sample))


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


def half_squared_error(h: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """平方误差损失 / Half squared error: l = ½‖h(x) − y‖² = ½ Σ_k (h_k − y_k)².

    J = (1/m) Σ_n l_n,  ∂J/∂h = (h − y) / m.
    形状 / Shapes: h, y (m, K) -> (J 标量 / float, dJ/dh (m, K)).
    """
    raise NotImplementedError('请实现 half_squared_error（约 3 行）/ implement half_squared_error (about 3 lines)')


def binary_cross_entropy(
    h: np.ndarray, y: np.ndarray, eps: float = 1e-12
) -> tuple[float, np.ndarray]:
    """二分类交叉熵（输入为概率）/ Binary cross-entropy on probabilities h ∈ (0, 1).

    l = −Σ_k [y_k ln h_k + (1 − y_k) ln(1 − h_k)]，h 先裁剪到 [eps, 1 − eps] 以免 ln 0 /
    h is clipped to [eps, 1 − eps] first so nothing is ln 0. 上界在 h 的精度下不能等于 1：
    float32 中 1 − 1e-12 舍入为 1，上界取 min(1 − eps, 1 − np.finfo(dtype).epsneg) /
    the upper bound must not round to 1 in h's precision (in float32 1 − 1e-12 is 1.0): use
    min(1 − eps, 1 − np.finfo(dtype).epsneg) with dtype = np.result_type(h, 0.5).
    ∂J/∂h = (h − y) / (h (1 − h)) / m (with the clipped h).
    形状 / Shapes: h, y (m, K) -> (J, dJ/dh (m, K)).
    """
    raise NotImplementedError('请实现 binary_cross_entropy（约 4 行）/ implement binary_cross_entropy (about 4 lines)')


def binary_cross_entropy_with_logits(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """由 logit 计算的二分类交叉熵（数值稳定）/ Stable BCE from the logit z, with h = σ(z).

    l = max(z, 0) − z y + ln(1 + e^{−|z|})（与 −y ln σ(z) − (1−y) ln(1−σ(z)) 相等 / equal to it);
    ∂J/∂z = (σ(z) − y) / m，即 δ^(L) = a^(L) − y（除以 m）/ i.e. δ^(L) = (a^(L) − y)/m.
    |z| = 1e4 时结果必须有限 / must stay finite at |z| = 1e4.
    形状 / Shapes: z, y (m, K) -> (J, dJ/dz (m, K)).
    """
    raise NotImplementedError('请实现 binary_cross_entropy_with_logits（约 4 行）/ implement binary_cross_entropy_with_logits (about 4 lines)')


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Softmax 多分类交叉熵（数值稳定）/ Stable softmax cross-entropy from the logits z.

    a = softmax(z),  l = −Σ_k y_k ln a_k；用 log-sum-exp 计算 / computed as a log-sum-exp
    (subtract max_k z_k first);  ∂J/∂z = (softmax(z) − y) / m.
    形状 / Shapes: z (m, K); y 独热 (m, K) 或整数标签 (m,) / one-hot (m, K) or labels (m,)
    (use ``one_hot_targets``) -> (J, dJ/dz (m, K)).
    """
    raise NotImplementedError('请实现 softmax_cross_entropy（约 6 行）/ implement softmax_cross_entropy (about 6 lines)')
