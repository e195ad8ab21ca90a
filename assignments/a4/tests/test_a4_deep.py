"""公开测试：梯度范数、残差块、鞍点、降噪自编码器、预训练、参数个数 / Public tests of a4.

固定输入；隐藏测试用随机的深度、宽度、种子检查同样的性质（numpy + pytest only）。
Fixed inputs; the hidden tests check the same properties with random depths, widths and seeds.
"""

import itertools

import numpy as np
import pytest
import selfcheck as sc
from autoencoder import corrupt, dae_backward, dae_forward, pretrain_layers
from depth_width import param_count
from momentum import descend, saddle
from residual import residual_backward, residual_forward
from vanishing import layer_gradient_norms

NORMS = ("vanishing.py 中的 layer_gradient_norms：[‖∂J/∂W^(1)‖_F, …]，从输入层往输出层",
         "layer_gradient_norms in vanishing.py: [‖∂J/∂W^(1)‖_F, …], input layer first")  # fmt: skip


@pytest.mark.task("a4.gradient_norms")
def test_layer_gradient_norms_values() -> None:
    for args, kw, want in (
        ((3, "tanh"), {"width": 8, "m": 16, "seed": 1}, [0.463716734836, 0.281657105896, 0.254597992954]),
        ((5, "relu"), {"width": 6, "m": 10, "seed": 2}, [2.683843381351, 1.577607959133, 2.328125548545, 1.60677218834, 2.15834573794]),
    ):  # fmt: skip
        got = sc.call(layer_gradient_norms, *args, **kw)
        sc.expect(np.asarray(got, dtype=float), want, f"layer_gradient_norms{args}", NORMS, rtol=1e-6,
                  mistakes=[(want[::-1], "顺序反了：第一个是第 1 层（输入层）的 ‖∂J/∂W^(1)‖", "reversed: the first entry is layer 1's ‖∂J/∂W^(1)‖"),
                            (np.square(want), "返回了范数的平方", "returned squared norms")])  # fmt: skip
    # a given init (He for tanh): the default Xavier would give the second list
    want = [1.422007394495, 2.137335967837, 0.844989887768, 0.80209379659]
    ignored = [0.535532022783, 0.95169434274, 0.41204249328, 0.257885740738]
    got = sc.call(layer_gradient_norms, 4, "tanh", width=5, m=12, init="he", seed=3)
    sc.expect(np.asarray(got, dtype=float), want, "layer_gradient_norms(4, 'tanh', init='he')", NORMS,
              rtol=1e-6, mistakes=[(ignored, "忽略了传入的 init：用 init or _default_init(activation)",
                                    "the init argument was ignored: use init or _default_init(activation)")])  # fmt: skip


@pytest.mark.task("a4.gradient_norms")
def test_layer_gradient_norms_vanish_with_sigmoid() -> None:
    norms = sc.call(layer_gradient_norms, 6, "sigmoid", width=16, m=64)
    if len(norms) != 6 or not all(isinstance(n, float) and n > 0 for n in norms):
        sc.fail(
            f"应返回 6 个正的 float，你的是 {norms}",
            f"must return 6 positive floats, yours is {norms}",
            NORMS,
        )
    if not norms[0] < norms[-1] / 10:
        sc.fail("sigmoid 深网络中第 1 层的梯度应远小于最后一层（梯度消失）", "with sigmoid the first layer's gradient must be far smaller than the last one's", NORMS)  # fmt: skip


RES = ("residual.py 中的 residual_forward / residual_backward：a^(l+2) = a + f(a W1 + b1) W2 + b2",
       "residual_forward / residual_backward in residual.py: a^(l+2) = a + f(a W1 + b1) W2 + b2")  # fmt: skip
RA = np.array([[0.35, 0.82], [0.33, -1.3], [0.91, 0.45]])
RW1 = np.array([[-0.54, 0.58, 0.36, 0.29], [0.03, 0.55, -0.74, -0.16]])
Rb1 = np.array([-0.48, 0.6, 0.04, -0.29])
RW2 = np.array([[-0.78, -0.26], [0.01, -0.28], [1.29, 1.01], [-2.71, -1.89]])
Rb2 = np.array([-0.17, -0.42])


@pytest.mark.task("a4.residual")
def test_residual_forward() -> None:
    out, _ = sc.parts(
        sc.call(residual_forward, RA, RW1, Rb1, RW2, Rb2, "tanh"),
        2,
        "residual_forward",
        "(out, cache)",
    )
    want = RA + np.tanh(RA @ RW1 + Rb1) @ RW2 + Rb2
    sc.expect(
        out,
        want,
        "a^(l+2)（tanh）",
        RES,
        mistakes=[
            (want - RA, "忘了恒等捷径 + a", "forgot the identity shortcut + a"),
            (
                RA + np.tanh(want - RA),
                "第二层求和前多了激活：a^(l+2) = a + z^(l+2)，不是 a + f(z^(l+2))",
                "the second layer is not activated: a^(l+2) = a + z^(l+2), not a + f(z^(l+2))",
            ),
        ],
    )
    rng = np.random.default_rng(0)
    a, W1, b1, W2, b2 = (
        rng.normal(size=(3, 2)),
        rng.normal(size=(2, 4)),
        rng.normal(size=4),
        rng.normal(size=(4, 2)),
        rng.normal(size=2),
    )
    out, _ = sc.parts(
        sc.call(residual_forward, a, W1, b1, W2, b2, "relu"), 2, "residual_forward", "(out, cache)"
    )
    sc.expect(out, a + np.maximum(a @ W1 + b1, 0) @ W2 + b2, "a^(l+2)（ReLU）", RES)


@pytest.mark.task("a4.residual")
def test_residual_backward() -> None:
    dout = np.array([[0.21, 0.22], [2.12, -1.11], [-0.38, 2.04]])
    with sc.depends("test_residual_forward"):
        _, cache = residual_forward(RA, RW1, Rb1, RW2, Rb2, "tanh")
        got = sc.parts(
            sc.call(residual_backward, dout, cache),
            5,
            "residual_backward",
            "(da, dW1, db1, dW2, db2)",
        )
    want = [
        [[0.16997887152, 0.046648711807], [1.925178292134, -0.785907291061], [-0.645810199415, 1.252700762903]],
        [[-0.434570699747, -0.01501952976, 1.755122309509, -4.062023179508], [0.960264939362, -0.501101450819, 0.311937244532, 2.750761399428]],
        [-1.12378348206, 0.183671071447, 2.537353123222, -7.336111937493],
        [[-1.114273276028, -0.97247417455], [0.005668023303, 1.897213629596], [1.612488348539, -0.917301941512], [0.001261575389, -0.282722378107]],
        [1.95, 1.15],
    ]  # fmt: skip
    names = ["∂J/∂a^(l)", "∂J/∂W1", "∂J/∂b1", "∂J/∂W2", "∂J/∂b2"]
    for k in (4, 3, 2, 1, 0):
        mistakes = (
            [
                (
                    np.array(want[0]) - dout,
                    "∂J/∂a^(l) 要加上捷径的 δ^(l+2)：δ^(l+2) + δ^(l+1) W1ᵀ",
                    "∂J/∂a^(l) must add the shortcut's δ^(l+2)",
                )
            ]
            if k == 0
            else []
        )
        sc.expect(got[k], want[k], names[k], RES, mistakes=mistakes)  # fmt: skip


@pytest.mark.task("a4.saddle")
def test_descend() -> None:
    where = ("momentum.py 中的 descend：path 含 θ_0…θ_steps，values 含 f(θ_0)…f(θ_steps)", "descend in momentum.py: path θ_0…θ_steps, values f(θ_0)…f(θ_steps)")  # fmt: skip
    path, values = sc.parts(
        sc.call(descend, saddle, (0.5, 0.5), optimizer="gd", lr=0.1, steps=2),
        2,
        "descend",
        "(path, values)",
    )
    sc.expect(np.shape(path), (3, 2), "path 的形状 / shape", where)
    sc.expect(np.shape(values), (3,), "values 的形状 / shape", where)
    sc.expect(path[1], [0.5 - 0.1 * (0.125 - 0.5), 0.45], "θ_1（梯度下降 / GD）", where)
    sc.expect(values, [saddle(np.asarray(p))[0] for p in path], "values = f(path)", where)
    mpath, _ = sc.parts(
        sc.call(descend, saddle, (0.5, 0.5), optimizer="momentum", lr=0.1, beta=0.9, steps=2),
        2,
        "descend",
        "(path, values)",
    )
    v1 = -0.1 * saddle(np.array([0.5, 0.5]))[1]
    v2 = 0.9 * v1 - 0.1 * saddle(np.asarray(mpath[1]))[1]
    sc.expect(mpath[1], np.array([0.5, 0.5]) + v1, "θ_1（冲量法 / momentum）", where)
    sc.expect(mpath[2], np.asarray(mpath[1]) + v2, "θ_2（冲量法 v := β v − α g / momentum）", where,
              mistakes=[(np.asarray(mpath[1]) - 0.1 * saddle(np.asarray(mpath[1]))[1], "冲量没有起作用：v 要保留 β v", "momentum ignored: keep β v in v")])  # fmt: skip
    # 另一个 β：descend 必须把它传给 momentum_update / another β: descend must pass it on
    bpath, _ = sc.parts(
        sc.call(descend, saddle, (0.5, 0.5), optimizer="momentum", lr=0.1, beta=0.5, steps=2),
        2,
        "descend",
        "(path, values)",
    )
    g1 = saddle(np.asarray(bpath[1]))[1]
    sc.expect(bpath[2], np.asarray(bpath[1]) + 0.5 * v1 - 0.1 * g1, "θ_2（β = 0.5）", where,
              mistakes=[(np.asarray(bpath[1]) + 0.9 * v1 - 0.1 * g1, "没有用传入的 beta（用了默认的 0.9）", "the beta passed in is ignored (the default 0.9 was used)")])  # fmt: skip


AE = (
    "autoencoder.py 中的 corrupt / dae_forward / dae_backward",
    "corrupt / dae_forward / dae_backward in autoencoder.py",
)


@pytest.mark.task("a4.dae")
def test_corrupt() -> None:
    for dtype in (np.float64, np.float32):
        X = np.linspace(0.1, 1.0, 200, dtype=dtype).reshape(50, 4)
        Xt, mask = sc.parts(
            sc.call(corrupt, X, 0.25, np.random.default_rng(0)), 2, "corrupt", "(x̃, mask)"
        )
        want = (np.random.default_rng(0).random((50, 4)) >= 0.25).astype(dtype)
        sc.expect(mask, want, f"mask（{np.dtype(dtype)}）", AE, mistakes=[(1 - want, "mask = 1 表示保留：rng.random(X.shape) ≥ noise", "mask = 1 keeps an entry: rng.random(X.shape) >= noise")])  # fmt: skip
        sc.expect(Xt, X * want, f"x̃ = x ⊙ mask（{np.dtype(dtype)}）", AE, dtype=dtype)


D_X = np.array(
    [
        [0.26, 0.3, 0.81, 0.09, 0.6],
        [0.73, 0.19, 0.06, 0.27, 0.66],
        [0.56, 0.15, 0.43, 0.67, 0.42],
        [0.63, 0.97, 0.68, 0.39, 0.19],
    ]
)
D_MASK = np.array(
    [
        [1.0, 1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 0.0, 0.0],
        [0.0, 1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 1.0, 1.0],
    ]
)
D_P = [np.array([[0.24, 1.8, -0.76], [-1.08, -0.56, 0.97], [-0.24, 1.32, -1.87], [1.13, 1.03, -1.42], [0.15, 1.22, 0.09]]), np.array([1.0, 2.37, 0.27]),
       np.array([[-0.28, -0.77, 0.65, -0.2, -0.18], [-0.11, 0.65, -1.07, -1.53, -2.43], [1.2, 0.07, 1.51, -0.01, -0.74]]), np.array([0.48, -0.08, -1.25, -0.89, 1.77])]  # fmt: skip
D_XHAT = np.array(
    [[0.6116581156, 0.514652447187, 0.17847734541, 0.072985989719, 0.284014025978], [0.669731401095, 0.507201865657, 0.240743066781, 0.073753273312, 0.257376423851],
     [0.59802740993, 0.484548401911, 0.191188942931, 0.071676398147, 0.283847237806], [0.624340208116, 0.529424223668, 0.177464116807, 0.074069493681, 0.283047949146]]
)  # fmt: skip


@pytest.mark.task("a4.dae")
def test_dae_forward() -> None:
    out = sc.parts(sc.call(dae_forward, D_X, D_MASK, *D_P), 2, "dae_forward", "(x̂, cache)")
    sig = lambda t: 0.5 * (1 + np.tanh(t / 2))  # noqa: E731
    clean = sig(sig(D_X @ D_P[0] + D_P[1]) @ D_P[2] + D_P[3])
    sc.expect(out[0], D_XHAT, "x̂ = g(f((x ⊙ mask) W1 + b1) W2 + b2)", AE, mistakes=[(clean, "编码器的输入应是加噪后的 x ⊙ mask", "the encoder's input is the corrupted x ⊙ mask")])  # fmt: skip


@pytest.mark.task("a4.dae")
def test_dae_forward_output_activation() -> None:
    out = sc.parts(
        sc.call(dae_forward, D_X, D_MASK, *D_P, "tanh", "identity"), 2, "dae_forward", "(x̂, cache)"
    )
    hidden = np.tanh((D_X * D_MASK) @ D_P[0] + D_P[1])
    sc.expect(
        out[0],
        hidden @ D_P[2] + D_P[3],
        "x̂（f = tanh，g = identity / f = tanh, g = identity）",
        AE,
        mistakes=[
            (
                np.tanh(hidden @ D_P[2] + D_P[3]),
                "解码器要用 output_activation（g），不是 activation（f）",
                "the decoder uses output_activation (g), not activation (f)",
            )
        ],
    )


@pytest.mark.task("a4.dae")
def test_dae_backward() -> None:
    with sc.depends("test_dae_forward"):
        xhat, cache = dae_forward(D_X, D_MASK, *D_P)
        got = sc.parts(
            sc.call(dae_backward, (np.asarray(xhat) - D_X) / 4, cache),
            4,
            "dae_backward",
            "(dW1, db1, dW2, db2)",
        )
    want = [
        [[-0.000875836173, 0.001186220788, 0.000492681774], [-0.000243962128, 0.000602960574, -0.004977829062], [-0.004723976809, 0.001054435803, -0.003864167834], [-0.001545323423, 0.000678440849, -0.002935632989], [-0.004458282686, 0.000818171544, -0.001214997865]],
        [-0.007678085468, 0.003011682337, -0.000621604315],
        [[0.013398119822, 0.024132575012, -0.028328547574, -0.014088067973, -0.027630698874], [0.019336594461, 0.025985232515, -0.042069532019, -0.0186924818, -0.03678597752], [0.003655601191, 0.009393694836, -0.008199634332, -0.005068582283, -0.012526547348]],
        [0.019503330095, 0.026673941878, -0.042460694139, -0.019009203226, -0.037501302771],
    ]  # fmt: skip
    for k, name in ((3, "∂J/∂b2"), (2, "∂J/∂W2"), (1, "∂J/∂b1"), (0, "∂J/∂W1")):
        sc.expect(got[k], want[k], name, AE, rtol=1e-6)


@pytest.mark.task("a4.pretraining")
def test_pretrain_layers_shapes() -> None:
    where = ("autoencoder.py 中的 pretrain_layers：第 l 层的 DAE 在下一层的编码上训练", "pretrain_layers in autoencoder.py: layer l's DAE trains on the codes below")  # fmt: skip
    X = np.random.default_rng(3).uniform(size=(40, 8))
    Ws, bs = sc.parts(
        sc.call(pretrain_layers, X, [8, 5, 3], epochs=2), 2, "pretrain_layers", "(weights, biases)"
    )
    shapes = ([np.shape(W) for W in Ws], [np.shape(b) for b in bs])
    if shapes != ([(8, 5), (5, 3)], [(5,), (3,)]):
        sc.fail(f"形状应为 W (8, 5), (5, 3)，b (5,), (3,)；你的是 {shapes}", f"shapes must be W (8, 5), (5, 3) and b (5,), (3,); yours are {shapes}", where)  # fmt: skip


@pytest.mark.task("a4.depth_width")
def test_param_count() -> None:
    where = (
        "depth_width.py 中的 param_count：Σ_l (N_l + 1) N_{l+1}",
        "param_count in depth_width.py: Σ_l (N_l + 1) N_{l+1}",
    )
    for sizes, want in (([2, 2, 2], 12), ([1, 32, 1], 97), ([1, 8, 8, 1], 97), ([64, 25, 1], 1651)):
        got = sc.call(param_count, sizes)
        no_bias = sum(a * b for a, b in itertools.pairwise(sizes))
        sc.expect(got, want, f"param_count({sizes})", where, scalar=True,
                  mistakes=[(no_bias, "每个非输入单元还有一个偏置：(N_l + 1)·N_{l+1}", "every non-input unit also has a bias: (N_l + 1)·N_{l+1}")])  # fmt: skip


@pytest.mark.task("a4.pretraining")
def test_pretrain_layers_trains_each_layer_on_the_codes_below() -> None:
    """与给定的 DenoisingAutoencoder + fit 逐层训练的结果相同 / Equal to greedy training with the
    given DenoisingAutoencoder and fit (layer 2 on layer 1's codes)."""
    from autoencoder import DenoisingAutoencoder
    from training import fit

    where = ("autoencoder.py 中的 pretrain_layers：DenoisingAutoencoder(n_in, n_out, noise, seed=seed + l)，fit(…, seed=seed + l)，codes = dae.encode(codes)",
             "pretrain_layers in autoencoder.py: DenoisingAutoencoder(n_in, n_out, noise, seed=seed + l), fit(…, seed=seed + l), codes = dae.encode(codes)")  # fmt: skip
    Xd = np.random.default_rng(0).uniform(size=(64, 10))
    Ws, bs = sc.parts(
        sc.call(pretrain_layers, Xd, [10, 6, 4], epochs=3, seed=2),
        2,
        "pretrain_layers",
        "(weights, biases)",
    )
    dae = DenoisingAutoencoder(10, 6, noise=0.3, seed=2)
    fit(
        dae,
        Xd,
        Xd,
        loss="mse",
        optimizer="momentum",
        lr=0.1,
        epochs=3,
        seed=2,
        track_accuracy=False,
    )
    sc.expect(Ws[0], dae.weights[0], "W^(1)", where)
    sc.expect(bs[0], dae.biases[0], "b^(2)", where)
    dae2 = DenoisingAutoencoder(6, 4, noise=0.3, seed=3)
    codes = dae.encode(Xd)
    fit(
        dae2,
        codes,
        codes,
        loss="mse",
        optimizer="momentum",
        lr=0.1,
        epochs=3,
        seed=3,
        track_accuracy=False,
    )
    dae_raw = DenoisingAutoencoder(6, 4, noise=0.3, seed=3)
    sc.expect(Ws[1], dae2.weights[0], "W^(2)（在第一层的编码上训练 / trained on layer 1's codes）", where,
              mistakes=[(dae_raw.weights[0], "第二层没有训练", "layer 2 was not trained")])  # fmt: skip


@pytest.mark.task("a4.saddle")
def test_momentum_escapes_the_saddle_sooner() -> None:
    where = (
        "momentum.py 中的 descend（冲量法 v := β v − α g）",
        "descend in momentum.py (momentum v := β v − α g)",
    )
    _, values = descend(saddle, (1e-3, 1.0), optimizer="gd", lr=0.1, steps=300)
    _, mvalues = descend(saddle, (1e-3, 1.0), optimizer="momentum", lr=0.1, beta=0.9, steps=300)

    def first(v) -> int:
        below = np.flatnonzero(np.asarray(v) < -0.249)
        return int(below[0]) if below.size else 10**6

    if not first(mvalues) < first(values):
        sc.fail("从鞍点附近出发，冲量法应比梯度下降更早到达 f < −0.249", "starting near the saddle, momentum must reach f < −0.249 before plain GD", where)  # fmt: skip


@pytest.mark.task("a4.pretraining")
def test_pretrain_layers_passes_activation_and_lam() -> None:
    """activation 与 lam 要传下去 / activation goes to every DAE, lam to every fit (tanh units,
    λ > 0: equal to the given DenoisingAutoencoder + fit with both)."""
    from autoencoder import DenoisingAutoencoder
    from training import fit

    where = ("autoencoder.py 中的 pretrain_layers：DenoisingAutoencoder(…, activation=activation, seed=seed + l, …)，fit(…, lam=lam, seed=seed + l, …)",
             "pretrain_layers in autoencoder.py: DenoisingAutoencoder(…, activation=activation, seed=seed + l, …), fit(…, lam=lam, seed=seed + l, …)")  # fmt: skip
    Xd = np.random.default_rng(1).uniform(size=(48, 10))
    Ws, bs = sc.parts(
        sc.call(pretrain_layers, Xd, [10, 6], activation="tanh", epochs=3, lam=0.5, seed=4),
        2,
        "pretrain_layers",
        "(weights, biases)",
    )

    def one_layer(activation: str, lam: float) -> tuple[np.ndarray, np.ndarray]:
        dae = DenoisingAutoencoder(10, 6, noise=0.3, activation=activation, seed=4)
        fit(dae, Xd, Xd, loss="mse", optimizer="momentum", lr=0.1, epochs=3, lam=lam, seed=4,
            track_accuracy=False)  # fmt: skip
        return dae.weights[0], dae.biases[0]

    W, b = one_layer("tanh", 0.5)
    no_lam, sigmoid_units = one_layer("tanh", 0.0), one_layer("sigmoid", 0.5)
    for k, (got, want, what) in enumerate(((Ws[0], W, "W^(1)"), (bs[0], b, "b^(2)"))):
        sc.expect(got, want, what, where,
                  mistakes=[(no_lam[k], "lam 没有传给 fit（没有权重衰减）", "lam was not passed to fit (no weight decay)"),
                            (sigmoid_units[k], "activation 没有传给 DenoisingAutoencoder（总是默认的 sigmoid）",
                             "activation was not passed to DenoisingAutoencoder (always the default sigmoid)")])  # fmt: skip
