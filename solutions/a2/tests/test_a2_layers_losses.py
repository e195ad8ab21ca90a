"""公开测试：全连接层与损失 / Public tests: dense layer and losses (numpy + pytest only).

固定输入；隐藏测试用随机输入检查同样的性质（含不修改输入、极端值下无溢出）。
Fixed inputs; the hidden tests check the same properties on random inputs (inputs left
unmodified, no overflow at extreme values).
"""

import numpy as np
import pytest
import selfcheck as sc
from layers import dense_backward, dense_forward
from losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    half_squared_error,
    softmax_cross_entropy,
)

A = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])  # a^(l): m = 2, N_l = 3
W = np.array([[0.2, -0.4, 0.1], [0.7, 0.3, -0.6], [-0.5, 0.9, 0.8]])  # 方阵：能认出 Wᵀ / square
B = np.array([0.1, -0.2, 0.3])
DZ = np.array([[0.3, -0.1, 0.2], [-0.4, 0.5, 0.05]])  # δ^(l+1)
TRANSPOSED = (
    "权重布局：W[j, i] = w_ji（从单元 j 到单元 i），z = a W + b；你的结果像是用了 Wᵀ",
    "weight layout: W[j, i] = w_ji (from unit j to unit i), z = a W + b; yours looks like Wᵀ",
)
M1 = (
    "忘了除以样本数 m：J = (1/m) Σ_n l_n，∂J/∂· 也带 1/m",
    "forgot the 1/m: J = (1/m) Σ_n l_n, and so does its gradient",
)
SIGN = (
    "符号反了：∂J/∂z = (a − y)/m（a − y，不是 y − a）",
    "sign error: ∂J/∂z = (a − y)/m (a − y, not y − a)",
)


def look(module: str, name: str, formula: str) -> tuple[str, str]:
    return f"{module}.py 中的 {name}：{formula}", f"{name} in {module}.py: {formula}"


@pytest.mark.task("a2.dense_forward")
def test_dense_forward() -> None:
    where = look("layers", "dense_forward", "z = a W + b，返回 (z, (a, W)) / returns (z, (a, W))")
    z, _cache = sc.parts(sc.call(dense_forward, A, W, B), 2, "dense_forward", "(z, cache)")
    sc.expect(
        z,
        A @ W + B,
        "z^(l+1)",
        where,
        mistakes=[
            (A @ W.T + B, *TRANSPOSED),
            (A @ W, "忘了偏置 b / forgot the bias b", "forgot the bias b"),
        ],
    )
    a2 = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    W2 = np.array([[0.5, -0.5, 1.0, 0.0], [0.25, 0.0, -1.0, 2.0]])
    z2, _ = sc.parts(sc.call(dense_forward, a2, W2, np.ones(4)), 2, "dense_forward", "(z, cache)")
    sc.expect(z2, a2 @ W2 + 1, "z^(l+1)（a (3, 2), W (2, 4)）", where)


@pytest.mark.task("a2.dense_backward")
def test_dense_backward() -> None:
    where = look("layers", "dense_backward", "da = δ Wᵀ, dW = aᵀ δ, db = Σ_n δ；cache = (a, W)")
    try:
        out = sc.call(dense_backward, DZ, (A, W))
    except (ValueError, TypeError, IndexError) as exc:
        sc.fail(
            f"dense_backward(dz, (a, W)) 出错：{exc}",
            f"dense_backward(dz, (a, W)) raised: {exc}",
            where,
            ("缓存应是文档字符串规定的 (a, W)", "the cache must be (a, W) as the docstring says"),
        )
    da, dW, db = sc.parts(out, 3, "dense_backward", "(da, dW, db)")
    m = 2
    sc.expect(
        dW,
        A.T @ DZ,
        "∂J/∂W^(l)",
        where,
        mistakes=[
            (DZ.T @ A, *TRANSPOSED),
            (
                (A.T @ DZ) / m,
                "多除了一次 m：损失的梯度已带 1/m，这里只求和",
                "divided by m again: the loss gradient already has 1/m",
            ),
            (-(A.T @ DZ), "符号反了 / sign error", "sign error"),
        ],
    )
    sc.expect(
        db,
        DZ.sum(axis=0),
        "∂J/∂b^(l+1)",
        where,
        mistakes=[
            (
                DZ.mean(axis=0),
                "偏置梯度是对样本求和 Σ_n δ，不是平均",
                "the bias gradient sums over samples, Σ_n δ, not the mean",
            ),
            (
                DZ.sum(axis=1),
                "沿错了轴：对样本（axis=0）求和，形状 (N_{l+1},)",
                "wrong axis: sum over samples (axis=0), shape (N_{l+1},)",
            ),
        ],
    )
    sc.expect(da, DZ @ W.T, "∂J/∂a^(l)", where, mistakes=[(DZ @ W, *TRANSPOSED)])


@pytest.mark.task("a2.loss_mse")
def test_half_squared_error() -> None:
    where = look("losses", "half_squared_error", "J = (1/m) Σ_n ½‖h − y‖², ∂J/∂h = (h − y)/m")
    h, y = (
        np.array([[0.8, 0.1], [0.3, 0.6], [1.2, -0.5]]),
        np.array([[1.0, 0.0], [0.5, 0.5], [1.0, 0.0]]),
    )
    J, dh = sc.parts(sc.call(half_squared_error, h, y), 2, "half_squared_error", "(J, dJ/dh)")
    sc.expect(
        J,
        0.5 * np.sum((h - y) ** 2) / 3,
        "J",
        where,
        scalar=True,
        mistakes=[
            (0.5 * np.sum((h - y) ** 2), *M1),
            (np.sum((h - y) ** 2) / 3, "少了 ½ / missing ½", "missing the ½"),
        ],
    )
    sc.expect(dh, (h - y) / 3, "∂J/∂h", where, mistakes=[((h - y), *M1), ((y - h) / 3, *SIGN)])
    # 单输出 K = 1：保持 (m, 1) / one output: shapes stay (m, 1)
    h1, y1 = np.array([[0.8166], [0.2]]), np.array([[0.6], [0.0]])
    J1, dh1 = sc.parts(sc.call(half_squared_error, h1, y1), 2, "half_squared_error", "(J, dJ/dh)")
    sc.expect(J1, (0.2166**2 + 0.04) / 4, "J（K = 1）", where, scalar=True)
    sc.expect(dh1, (h1 - y1) / 2, "∂J/∂h（K = 1，形状 / shape (m, 1)）", where)
    # 极端值：h、y 很大而相近（差是精确的）/ extreme values: large h and y, close together
    yb = np.array([[3.1e9, -2.3e9], [1.7e9, 4.1e9]])
    hb = yb + np.array([[1.0, -0.5], [0.25, 2.0]])
    Jb, dhb = sc.parts(sc.call(half_squared_error, hb, yb), 2, "half_squared_error", "(J, dJ/dh)")
    expanded = 0.5 * np.sum(hb * hb - 2 * hb * yb + yb * yb) / 2
    sc.expect(
        Jb,
        (1.0 + 0.25 + 0.0625 + 4.0) / 4,
        "J（|h|、|y| ≈ 10⁹ / large h, y）",
        where,
        scalar=True,
        mistakes=[
            (
                expanded,
                "把 (h − y)² 展开成 h² − 2hy + y² 会相消：先算 diff = h − y",
                "expanding (h − y)² into h² − 2hy + y² cancels: take diff = h − y first",
            )
        ],
    )
    sc.expect(dhb, (hb - yb) / 2, "∂J/∂h（|h|、|y| ≈ 10⁹ / large h, y）", where)


@pytest.mark.task("a2.loss_bce")
def test_bce_probabilities() -> None:
    where = look(
        "losses",
        "binary_cross_entropy",
        "J = −(1/m) Σ [y ln h + (1−y) ln(1−h)]，h 先裁剪 / clip h first",
    )
    h = np.array([[0.9, 0.2], [0.3, 0.6], [0.5, 0.99]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    J, dh = sc.parts(sc.call(binary_cross_entropy, h, y), 2, "binary_cross_entropy", "(J, dJ/dh)")
    want_dh = np.array(
        [
            [-0.37037037037, 0.416666666667],
            [0.47619047619, -0.555555555556],
            [-0.666666666667, -0.3367003367],
        ]
    )
    sc.expect(
        J, 0.6330673836967352, "J", where, scalar=True, mistakes=[(3 * 0.6330673836967352, *M1)]
    )
    sc.expect(dh, want_dh, "∂J/∂h", where, mistakes=[(3 * want_dh, *M1), (-want_dh, *SIGN)])


@pytest.mark.task("a2.loss_bce")
def test_bce_probabilities_exactly_0_or_1() -> None:
    where = look(
        "losses",
        "binary_cross_entropy",
        "先把 h 裁剪到 [eps, 1 − eps]，避免 ln 0 与除以 0 / clip h to [eps, 1 − eps]",
    )
    h, y = np.array([[1.0], [0.0], [0.4], [1.0]]), np.array([[1.0], [0.0], [0.0], [1.0]])
    J, dh = sc.parts(sc.call(binary_cross_entropy, h, y), 2, "binary_cross_entropy", "(J, dJ/dh)")
    sc.expect(
        J,
        0.12770640594224766,
        "J（h 恰为 0 或 1 / h exactly 0 or 1）",
        where,
        scalar=True,
        rtol=1e-4,
    )
    sc.expect(
        dh,
        [[-0.25], [0.25], [0.416666666667], [-0.25]],
        "∂J/∂h（h 恰为 0 或 1 / h exactly 0 or 1）",
        where,
        rtol=1e-4,
    )


@pytest.mark.task("a2.loss_bce")
def test_bce_float32_exactly_0_or_1() -> None:
    where = look(
        "losses",
        "binary_cross_entropy",
        "float32 中 1 − 1e-12 = 1.0：上界用 min(1 − eps, 1 − np.finfo(dtype).epsneg) / "
        "in float32 1 − 1e-12 is 1.0: bound min(1 − eps, 1 − np.finfo(dtype).epsneg)",
    )
    h = np.array([[1.0], [0.0], [0.4], [1.0]], dtype=np.float32)
    y = np.array([[1.0], [0.0], [0.0], [1.0]], dtype=np.float32)
    J, dh = sc.parts(
        sc.call(binary_cross_entropy, h, y, stable=True), 2, "binary_cross_entropy", "(J, dJ/dh)"
    )
    what = "（float32，h 恰为 0 或 1 / float32, h exactly 0 or 1）"
    sc.expect(J, 0.12770643830299377, "J" + what, where, scalar=True, rtol=1e-4)
    sc.expect(dh, [[-0.25], [0.25], [0.416666666667], [-0.25]], "∂J/∂h" + what, where, rtol=1e-4)


@pytest.mark.task("a2.loss_bce")
def test_bce_given_eps() -> None:
    where = look(
        "losses",
        "binary_cross_entropy",
        "h 裁剪到 [eps, 1 − eps]，eps 是参数 / clip to [eps, 1 − eps]",
    )
    h = np.array([[0.0005, 0.3], [0.6, 0.9995], [0.2, 0.7]])
    y = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    J, dh = sc.parts(
        sc.call(binary_cross_entropy, h, y, eps=0.005), 2, "binary_cross_entropy", "(J, dJ/dh)"
    )
    ignored = (
        "没有用传入的 eps（写死了 1e-12）",
        "the eps passed in is ignored (1e-12 hard-coded)",
    )
    sc.expect(
        J,
        4.014651265351246,
        "J（eps = 0.005）",
        where,
        scalar=True,
        mistakes=[(5.549707994013981, *ignored)],
    )
    want = [[-66.666666666667, 0.47619047619], [-0.555555555556, 66.666666666667],
            [0.416666666667, -0.47619047619]]  # fmt: skip
    want_ignored = [[-666.666666666667, 0.47619047619], [-0.555555555556, 666.66666666674],
                    [0.416666666667, -0.47619047619]]  # fmt: skip
    sc.expect(
        dh,
        want,
        "∂J/∂h（eps = 0.005）",
        where,
        mistakes=[(want_ignored, *ignored)],
    )


@pytest.mark.task("a2.loss_bce")
def test_bce_with_logits() -> None:
    where = look(
        "losses",
        "binary_cross_entropy_with_logits",
        "l = max(z, 0) − z y + ln(1 + e^{−|z|}), ∂J/∂z = (σ(z) − y)/m",
    )
    z = np.array([[2.0, -1.0], [-0.5, 0.3], [0.0, 4.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    J, dz = sc.parts(
        sc.call(binary_cross_entropy_with_logits, z, y, stable=True),
        2,
        "binary_cross_entropy_with_logits",
        "(J, dJ/dz)",
    )
    want = np.array(
        [
            [-0.039734307341, 0.089647140457],
            [0.125846889599, -0.141852494396],
            [-0.166666666667, -0.005995403321],
        ]
    )
    sc.expect(
        J, 0.7266396785625281, "J", where, scalar=True, mistakes=[(3 * 0.7266396785625281, *M1)]
    )
    sc.expect(dz, want, "∂J/∂z^(L)", where, mistakes=[(3 * want, *M1), (-want, *SIGN)])


@pytest.mark.task("a2.loss_bce")
def test_bce_with_logits_extreme() -> None:
    where = look(
        "losses",
        "binary_cross_entropy_with_logits",
        "不要先算 σ(z) 再取 ln：用 max(z, 0) − z y + ln(1 + e^{−|z|}) / do not take ln of σ(z)",
    )
    z = np.array([[1000.0], [-1000.0], [50.0], [-50.0], [1000.0]])
    y = np.array([[1.0], [1.0], [0.0], [0.0], [0.0]])
    J, dz = sc.parts(
        sc.call(binary_cross_entropy_with_logits, z, y, stable=True),
        2,
        "binary_cross_entropy_with_logits",
        "(J, dJ/dz)",
    )
    sc.expect(J, 410.0, "J（|z| = 1000, 50）", where, scalar=True)
    sc.expect(
        dz,
        [[0.0], [-0.2], [0.2], [0.0], [0.2]],
        "∂J/∂z^(L)（|z| = 1000，形状 / shape (m, 1)）",
        where,
    )


ZS = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 0.0], [2.0, 2.0, -3.0], [0.0, 1.0, 0.0]])
LABELS = np.array([2, 0, 1, 1])
SM_J = 0.5649229438738097
SM_DZ = np.array(
    [
        [0.022507643293, 0.061182117764, -0.083689761056],
        [-0.113362653183, 0.030487913077, 0.082874740106],
        [0.124580292297, -0.125419707703, 0.000839415407],
        [0.052985389404, -0.105970778809, 0.052985389404],
    ]
)
SM_AXIS = np.array(
    [
        [0.053274326072, 0.103405494105, -0.023150633227],
        [-0.217687487862, 0.005148256405, 0.011294164933],
        [0.144814632485, -0.146594505895, 0.000562303362],
        [0.019598529304, -0.211959244615, 0.011294164933],
    ]
)
SM_WHERE = look(
    "losses", "softmax_cross_entropy", "先减每行最大值，log-sum-exp；∂J/∂z = (softmax(z) − y)/m"
)
SM_MISTAKES = [
    (
        SM_AXIS,
        "softmax 要沿每个样本的 K 个类别（axis=1）归一化，不是沿样本",
        "normalise over the K classes of each sample (axis=1), not over samples",
    ),
    (4 * SM_DZ, *M1),
    (-SM_DZ, *SIGN),
]


@pytest.mark.task("a2.loss_softmax_ce")
def test_softmax_ce_one_hot() -> None:
    out = sc.call(softmax_cross_entropy, ZS, np.eye(3)[LABELS], stable=True)
    J, dz = sc.parts(out, 2, "softmax_cross_entropy", "(J, dJ/dz)")
    sc.expect(J, SM_J, "J（独热 / one-hot）", SM_WHERE, scalar=True, mistakes=[(4 * SM_J, *M1)])
    sc.expect(dz, SM_DZ, "∂J/∂z^(L)（独热 / one-hot）", SM_WHERE, mistakes=SM_MISTAKES)


@pytest.mark.task("a2.loss_softmax_ce")
def test_softmax_ce_integer_labels() -> None:
    where = look(
        "losses",
        "softmax_cross_entropy",
        "整数标签 (m,) 先用 one_hot_targets / integer labels: use one_hot_targets",
    )
    J, dz = sc.parts(
        sc.call(softmax_cross_entropy, ZS, LABELS, stable=True),
        2,
        "softmax_cross_entropy",
        "(J, dJ/dz)",
    )
    sc.expect(J, SM_J, "J（整数标签 / integer labels）", where, scalar=True)
    sc.expect(dz, SM_DZ, "∂J/∂z^(L)（整数标签 / integer labels）", where, mistakes=SM_MISTAKES)


@pytest.mark.task("a2.loss_softmax_ce")
def test_softmax_ce_huge_logits() -> None:
    zb = ZS + np.array([[1000.0], [-1000.0], [1000.0], [0.0]])  # 每行加常数，结果不变 / same result
    out = sc.call(softmax_cross_entropy, zb, np.eye(3)[LABELS], stable=True)
    J, dz = sc.parts(out, 2, "softmax_cross_entropy", "(J, dJ/dz)")
    where = look(
        "losses",
        "softmax_cross_entropy",
        "exp 之前先减去每行最大值 z − max_k z_k / subtract each row's max before exp",
    )
    sc.expect(J, SM_J, "J（logit ±1000）", where, scalar=True)
    sc.expect(dz, SM_DZ, "∂J/∂z^(L)（logit ±1000）", where, mistakes=SM_MISTAKES)
