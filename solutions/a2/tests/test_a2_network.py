"""公开测试：前向、反向传播、例题1、梯度检验、练习题 / Public tests: forward, backpropagation,
例题1, gradient check and the 练习题 (numpy + pytest only).

每个函数的测试只喂给它由固定数字构造的数据（缓存用给定的 activation_forward 构造，不用你的
mlp_forward），所以一个错误只让它自己的测试失败；它调用的函数若自己的测试也失败，消息会点名。
Each function's test feeds it data built from fixed numbers (caches are built with the given
activation_forward, not with your mlp_forward), so a mistake fails only its own test; if a
function it calls fails its own test too, the message names it.
"""

import numpy as np
import pytest
import selfcheck as sc
from exercise import my_samples, one_update
from gradcheck import numerical_gradient
from layers import activation_forward
from losses import half_squared_error
from mlp import backprop, mlp_backward, mlp_forward
from optim import gradient_descent_update

# 例题1：2-2-2，全部 sigmoid，W[j, i] = w_ji / 例题1: 2-2-2, sigmoid everywhere
W1, B2 = np.array([[0.2, 0.3], [0.4, 0.5]]), np.array([0.3, 0.3])
W2, B3 = np.array([[0.7, 0.5], [0.8, 0.3]]), np.array([0.5, 0.5])
X, Y = np.array([[0.4, 0.6]]), np.array([[0.6, 0.6]])
EX1_OUT = np.array([[0.816563870852, 0.736312781194]])
EX1_Z = [np.array([[0.62, 0.72]]), np.array([[1.493238597656, 1.026891379407]])]
# 12 个梯度：∂J/∂W^(1), ∂J/∂b^(2), ∂J/∂W^(2), ∂J/∂b^(3)（J = ½‖a^(3) − y‖²）/ the 12 gradients
EX1_G = [
    [[0.003269592678, 0.002985177441], [0.004904389016, 0.004477766162]],
    [0.008173981694, 0.007462943604],
    [[0.021092127969, 0.017208671801], [0.021818376771, 0.017801204584]],
    [0.032438520886, 0.026465981074],
]
# 常见错误会得到的梯度 / what the usual mistakes give
EX1_NO_FPRIME = [
    [[0.014375982063, 0.013556244413], [0.021563973094, 0.020334366619]],
    [0.035939955157, 0.033890611031],
]
EX1_WRONG_LAYER = [
    [[0.002153339763, 0.002632029843], [0.003230009645, 0.003948044764]],
    [0.005383349408, 0.006580074607],
]
EX1_NO_TRANSPOSE = [
    [[0.003991905582, 0.002127995427], [0.005987858372, 0.003191993141]],
    [0.009979763954, 0.005319988568],
]
EX1_NO_OUT_FPRIME = [
    [[0.019991582764, 0.018862469513], [0.029987374147, 0.028293704269]],
    [0.049978956911, 0.047156173782],
    [[0.140813845779, 0.08863309874], [0.145662379178, 0.091684933147]],
    [0.216563870852, 0.136312781194],
]
# 一次更新后的 12 个参数（讲义顺序）/ the 12 parameters after one update (slide order), α = 0.1
EX1_UPDATED = [
    0.199673040732,
    0.299701482256,
    0.399509561098,
    0.499552223384,
    0.299182601831,
    0.29925370564,
    0.697890787203,
    0.49827913282,
    0.797818162323,
    0.298219879542,
    0.496756147911,
    0.497353401893,
]
EX1_SEQUENTIAL = [
    0.199674077507,
    0.299702520647,
    0.399511116261,
    0.499553780971,
    0.299185193768,
    0.299256301619,
    0.697890787203,
    0.49827913282,
    0.797818162323,
    0.298219879542,
    0.496756147911,
    0.497353401893,
]
SLIDE_FIRST_LAYER = [
    0.2053,
    0.4098,
    0.3044,
    0.5026,
]  # 讲义印出的（有误）/ printed on the slide (wrong)

# 三个隐含层、单输出 / three hidden layers, one output: 2-3-3-1 (tanh, sigmoid, sigmoid)
DEEP_W = [
    np.array([[-0.83, -0.53, 0.6], [0.16, -0.81, -0.13]]),
    np.array([[-0.04, -0.68, 0.47], [-0.77, -0.22, 0.03], [-0.14, 0.17, 0.48]]),
    np.array([[0.91], [-0.43], [0.3]]),
]
DEEP_B = [np.array([0.39, -0.41, -1.0]), np.array([0.95, -0.4, -0.37]), np.array([0.78])]
DEEP_ACTS = ["tanh", "sigmoid", "sigmoid"]
DEEP_X = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]])
DEEP_Y = np.array([[0.2], [0.9], [0.5]])
DEEP_OUT = np.array([[0.795450877573], [0.802300560195], [0.820389410592]])
DEEP_Z = [
    np.array([[-0.185, 0.135, -0.57], [-0.823, -1.367, -0.126], [0.767, -0.899, -1.284]]),
    np.array(
        [
            [0.926143943549, -0.392747744777, -0.699318318872],
            [1.670680364608, 0.232009710829, -0.774550883562],
            [1.595423481164, -0.827028157386, -0.499861520938],
        ]
    ),
    np.array([[1.358100941385], [1.400735404383], [1.518988003303]]),
]
DEEP_G = [
    [
        [0.000812273927, -0.001569308331, -0.000107702488],
        [-0.002334967581, 0.003279739574, 0.000279461164],
    ],
    [0.003493621816, -0.004233977499, -0.000251798267],
    [
        [0.000626692767, -0.000683780132, 0.000549270539],
        [-8.5620537e-05, 9.5974567e-05, -0.000212037663],
        [-0.004720900629, 0.002881645754, -0.002016766095],
    ],
    [0.007353370316, -0.00422577115, 0.002923379528],
    [[0.031868041252], [0.014923887102], [0.015032762191]],
    [0.042866043356],
]
DEEP_NO_FPRIME = [
    [
        [0.001460280567, -0.002196306113, -0.000207823305],
        [-0.00823334703, 0.012383202801, 0.001171748381],
    ],
    [0.017017819212, -0.025595314488, -0.00242193145],
    [
        [0.007044379048, -0.003328662627, 0.002322322763],
        [-0.002179890692, 0.001030058239, -0.000718645283],
        [-0.026836738996, 0.012681096449, -0.008847276592],
    ],
    [0.039008099454, -0.018432398643, 0.012859813007],
]
DEEP_NO_OUT_FPRIME = [
    [
        [0.004768315746, -0.009513508077, -0.000657607562],
        [-0.013935915506, 0.019860462995, 0.001719267193],
    ],
    [0.021957412929, -0.026383039132, -0.001543032293],
    [
        [0.004748574461, -0.004853320859, 0.003870257962],
        [-0.001359491351, 0.001170369253, -0.001765293862],
        [-0.030104764199, 0.018486446209, -0.012997760438],
    ],
    [0.046380059696, -0.026802062122, 0.01862456574],
    [[0.203550393926], [0.094331641399], [0.095938204885]],
    [0.27271361612],
]

# 交叉熵输出层从 δ^(L) 开始：3-2-2-1 (sigmoid, tanh, sigmoid) / backprop from δ^(L)
BCE_W = [
    np.array([[0.61, 0.62], [0.03, -0.43], [-0.89, -0.23]]),
    np.array([[-0.18, -0.91], [-0.9, 1.0]]),
    np.array([[0.3], [-0.53]]),
]
BCE_ACTS = ["sigmoid", "tanh", "sigmoid"]
BCE_X = np.array([[0.1, -0.4, 0.9], [1.0, 0.5, -0.5]])
BCE_Z = [
    np.array([[-0.882, 0.977], [0.94, 1.47]]),
    np.array([[0.09344127894, 1.150097759212], [-0.061189585764, 0.848676697783]]),
    np.array([[-0.625475742778], [-0.60423408199]]),
]
BCE_DELTA = (np.array([[0.348537105876], [0.353375601031]]) - np.array([[1.0], [0.0]])) / 2
BCE_G = [
    [
        [0.006372653142, -0.011805030286],
        [0.00641002845, -0.018810486437],
        [-0.009991919427, 0.033152676763],
    ],
    [-7.4750617e-05, 0.014010912301],
    [[0.00961414048, -0.018503412878], [-0.02744187854, 0.001694193249]],
    [-0.044062791084, 0.008170391546],
    [[-0.041146467614], [-0.144397482826]],
    [-0.149043646546],
]
BCE_NO_FPRIME = [
    [
        [0.061724307083, -0.115291724648],
        [0.093642003991, -0.174909183266],
        [-0.163397393379, 0.305201762091],
    ],
    [-0.063835393816, 0.119234917237],
    [[0.009508157371, -0.01679774469], [-0.027897198444, 0.049285050585]],
    [-0.044713093964, 0.078993132669],
]

NO_FPRIME = (
    "隐含层忘了乘 f'：δ^(l) = f'(z^(l)) ⊙ (δ^(l+1) W^(l)ᵀ)",
    "hidden layers miss f': δ^(l) = f'(z^(l)) ⊙ (δ^(l+1) W^(l)ᵀ)",
)
WRONG_LAYER = (
    "δ^(l) 用了错误一层的导数：应乘 f'(z^(l))（第 l−1 个缓存的激活），不是 f'(z^(l+1))",
    "δ^(l) uses the wrong layer's derivative: multiply by f'(z^(l)) (the activation cache of layer l−1), not f'(z^(l+1))",
)
NO_TRANSPOSE = (
    "传回上一层时要乘 Wᵀ：∂J/∂a^(l) = δ^(l+1) W^(l)ᵀ（dense_backward 的 da）",
    "going back multiplies by Wᵀ: ∂J/∂a^(l) = δ^(l+1) W^(l)ᵀ (da of dense_backward)",
)
NO_OUT_FPRIME = (
    "输出层忘了乘 f'：mlp_backward 先算 δ^(L) = ∂J/∂a^(L) ⊙ f'(z^(L))，再调用 backprop",
    "the output layer misses f': mlp_backward first forms δ^(L) = ∂J/∂a^(L) ⊙ f'(z^(L)), then calls backprop",
)


def lower_wrong(l: int, n: int) -> tuple[str, str]:
    """∂J/∂W^(l) 错而最后一层对 / An earlier layer wrong while the last one is right."""
    return (
        f"∂J/∂W^({l}) 错而 ∂J/∂W^({n}) 对 → 检查 δ^(l) 的递推是否用 f'(z^(l))："
        "δ^(l) = f'(z^(l)) ⊙ (δ^(l+1) W^(l)ᵀ)，且用更新前的 W",
        f"∂J/∂W^({l}) is wrong while ∂J/∂W^({n}) is right → check that the δ recursion uses "
        "f'(z^(l)): δ^(l) = f'(z^(l)) ⊙ (δ^(l+1) W^(l)ᵀ), with the weights before any update",
    )


BACK_LOOK = (
    "mlp.py 中的 backprop 的 δ 递推（与 layers.py 的 dense_backward）",
    "the δ recursion in backprop in mlp.py (and dense_backward in layers.py)",
)


def caches_from(X, Ws, Zs, acts):
    """由固定的 z^(l) 构造缓存（给定的 activation_forward，不是你的 mlp_forward）/ Caches built
    from fixed pre-activations with the given activation_forward, not with your mlp_forward."""
    caches, a = [], X
    for W, z, f in zip(Ws, Zs, acts, strict=True):
        a_next, act_cache = activation_forward(np.array(z), f)
        caches.append(((a, W), act_cache))
        a = a_next
    return caches


def check_gradients(got, want, label, extra_mistakes=(), lower_mistakes=()) -> None:
    """从最后一层往前比较 / Compare layer by layer from the last one (its errors come first)."""
    __tracebackhide__ = True
    dWs, dbs = sc.parts(got, 2, label, "(dWs, dbs)")
    n = len(want) // 2
    if not isinstance(dWs, list | tuple) or len(dWs) != n or len(dbs) != n:
        sc.fail(
            f"{label} 应返回每层一个 dW 与 db（{n} 层）",
            f"{label} must return one dW and one db per layer ({n} layers)",
            BACK_LOOK,
        )
    for l in range(n - 1, -1, -1):
        top = l == n - 1
        for k, (got_l, what) in enumerate(
            ((dWs[l], f"∂J/∂W^({l + 1})"), (dbs[l], f"∂J/∂b^({l + 2})"))
        ):
            want_l = want[2 * l + k]
            mistakes = [
                (m[2 * l + k], zh, en) for m, zh, en in extra_mistakes if 2 * l + k < len(m)
            ]
            if not top:
                mistakes += [
                    (m[2 * l + k], zh, en) for m, zh, en in lower_mistakes if 2 * l + k < len(m)
                ]
            sc.expect(
                got_l,
                want_l,
                what,
                BACK_LOOK,
                mistakes=mistakes,
                otherwise=None if top else lower_wrong(l + 1, n),
            )


@pytest.mark.task("a2.mlp_forward")
def test_mlp_forward_example1() -> None:
    where = (
        "mlp.py 中的 mlp_forward：a^(1) = x，z^(l+1) = a^(l) W^(l) + b^(l+1)，a^(l+1) = f(z^(l+1))",
        "mlp_forward in mlp.py: a^(1) = x, z^(l+1) = a^(l) W^(l) + b^(l+1), a^(l+1) = f(z^(l+1))",
    )
    with sc.depends("test_dense_forward"):
        out, caches = sc.parts(
            sc.call(mlp_forward, X, [W1, W2], [B2, B3], ["sigmoid", "sigmoid"]),
            2,
            "mlp_forward",
            "(a^(L), caches)",
        )
        sc.expect(out, EX1_OUT, "例题1 的输出 a^(3) = (y1, y2) / 例题1's output", where)
        if not isinstance(caches, list | tuple) or len(caches) != 2:
            sc.fail(
                "mlp_forward 应每层返回一个缓存 (dense_cache, activation_cache)",
                "mlp_forward must return one cache per layer",
                where,
            )


@pytest.mark.task("a2.mlp_forward")
def test_mlp_forward_deeper_relu_identity() -> None:
    where = (
        "mlp.py 中的 mlp_forward（每层用自己的激活函数）",
        "mlp_forward in mlp.py (each layer its own activation)",
    )
    Ws = [
        np.array([[-0.74, 0.0, 0.2], [-0.94, -0.7, 0.86]]),
        np.array([[-0.86, -0.74], [0.9, 0.24], [-0.26, 0.02]]),
        np.array([[0.33], [-0.45]]),
    ]
    bs = [np.array([-0.72, 0.58, 0.34]), np.array([0.02, 0.63]), np.array([0.1])]
    with sc.depends("test_dense_forward"):
        out, _ = sc.parts(
            sc.call(mlp_forward, DEEP_X, Ws, bs, ["relu", "tanh", "identity"]),
            2,
            "mlp_forward",
            "(a^(L), caches)",
        )
        sc.expect(
            out,
            [[0.041951131118], [-0.119630406678], [-0.227969141817]],
            "a^(4)（2-3-2-1：ReLU, tanh, 线性；单输出 (m, 1)）",
            where,
            mistakes=[
                (
                    [[0.157655104008], [-0.044543390468], [-0.059060313364]],
                    "忘了偏置 b / forgot the bias b",
                    "forgot the bias b",
                )
            ],
        )
        Wsq = [np.array([[0.73, 0.71], [0.62, -0.48]]), np.array([[-0.85, 0.89], [0.23, -0.99]])]
        out2, _ = sc.parts(
            sc.call(
                mlp_forward,
                DEEP_X,
                Wsq,
                [np.array([0.82, 0.97]), np.array([-0.43, 0.63])],
                ["sigmoid", "tanh"],
            ),
            2,
            "mlp_forward",
            "(a^(L), caches)",
        )
        transposed = [
            [-0.192300515779, -0.072738574588],
            [-0.396483656009, -0.016117213061],
            [-0.497281157399, 0.209626823367],
        ]
        sc.expect(
            out2,
            [
                [-0.649511545122, 0.333981338313],
                [-0.753511859639, 0.502017765442],
                [-0.731078731051, 0.611284103365],
            ],
            "a^(3)（2-2-2 方阵权重 / square weights）",
            where,
            mistakes=[
                (
                    transposed,
                    "权重布局：z = a W + b，W[j, i] = w_ji；你的结果像是用了 Wᵀ",
                    "weight layout: z = a W + b with W[j, i] = w_ji; yours looks like Wᵀ",
                )
            ],
        )


@pytest.mark.task("a2.mlp_backward")
def test_example1_all_gradients() -> None:
    caches = caches_from(X, [W1, W2], EX1_Z, ["sigmoid", "sigmoid"])
    with sc.depends("test_dense_backward"):
        got = sc.call(mlp_backward, EX1_OUT - Y, caches)
        check_gradients(
            got,
            EX1_G,
            "mlp_backward",
            extra_mistakes=[(EX1_NO_OUT_FPRIME, *NO_OUT_FPRIME)],
            lower_mistakes=[
                (EX1_NO_FPRIME, *NO_FPRIME),
                (EX1_WRONG_LAYER, *WRONG_LAYER),
                (EX1_NO_TRANSPOSE, *NO_TRANSPOSE),
            ],
        )


@pytest.mark.task("a2.mlp_backward")
def test_three_hidden_layers_one_output() -> None:
    caches = caches_from(DEEP_X, DEEP_W, DEEP_Z, DEEP_ACTS)
    with sc.depends("test_dense_backward"):
        got = sc.call(mlp_backward, (DEEP_OUT - DEEP_Y) / 3, caches)
        check_gradients(
            got,
            DEEP_G,
            "mlp_backward",
            extra_mistakes=[(DEEP_NO_OUT_FPRIME, *NO_OUT_FPRIME)],
            lower_mistakes=[(DEEP_NO_FPRIME, *NO_FPRIME)],
        )


# 2-3-2-1，ReLU、tanh、线性输出 / ReLU, tanh and a linear (identity) output
RTI_W = [
    np.array([[-0.74, 0.0, 0.2], [-0.94, -0.7, 0.86]]),
    np.array([[-0.86, -0.74], [0.9, 0.24], [-0.26, 0.02]]),
    np.array([[0.33], [-0.45]]),
]
RTI_ACTS = ["relu", "tanh", "identity"]
RTI_Z = [
    [[-0.15, 1.28, -0.42], [-2.018, 0.44, 0.812], [-1.25, 0.02, 0.968]],
    [[1.172, 0.9372], [0.20488, 0.75184], [-0.21368, 0.65416]],
    [[0.041951131118], [-0.119630406678], [-0.227969141817]],
]
RTI_Y = np.array([[0.2], [-0.4], [0.1]])
RTI_G = [
    [[0.0, 0.036672515258, -0.015174774226], [0.0, -0.01199820719, 0.006060483011]],
    [0.0, -0.004878584681, 0.001431749908],
    [[0.0, 0.0], [0.005215922138, 0.003645149974], [-0.009354788633, 0.01158052342]],
    [-0.010451745925, 0.01886661105],
    [[-0.001563938961], [-0.0420066132]],
    [-0.068549472459],
]
# σ' = a(1 − a) at the (linear) output / σ' for every hidden layer / 1 − a² for the ReLU layer
RTI_SIG_OUT = [
    [[0.0, -0.006131360887, 0.00245404091], [0.0, 0.004720903991, -0.001935762159]],
    [0.0, 0.003615402569, -0.001596783604],
    [[0.0, 0.0], [-0.001836104964, 0.001853313181], [0.006125647612, -0.006209266045]],
    [0.005466351261, -0.005434639855],
    [[-0.010717681264], [0.008062391415]],
    [0.015968659512],
]
RTI_SIG_HIDDEN = [
    [[0.0, 0.000930937085, -0.000320643295], [0.0, -0.000131344664, -9.8679315e-05]],
    [0.0, 0.001157580259, -0.000293657734],
    [[0.0, 0.0], [-0.000842344428, 0.0018836196], [0.012935510719, 0.003737875033]],
    [0.011653480129, 0.006922324383],
]
RTI_TANH_FOR_RELU = [
    [[-0.013611924068, 0.032628120073, -0.003536179132], [0.006141264893, -0.016679515269, -0.001736311366]],
    [-0.004972790681, -0.00497011078, -0.000521498316],
]  # fmt: skip
FPRIME_OF_LAYER = (
    "每层用它自己的激活函数的导数：sigmoid 是 a(1 − a)，tanh 是 1 − a²，ReLU 是 1[z > 0]，identity 是 1"
    "（输出层也一样）；用 activation_backward(da, cache)",
    "each layer takes its own activation's derivative: sigmoid a(1 − a), tanh 1 − a², "
    "ReLU 1[z > 0], identity 1 (the output layer too); use activation_backward(da, cache)",
)


@pytest.mark.task("a2.mlp_backward")
def test_relu_tanh_linear_output() -> None:
    caches = caches_from(DEEP_X, RTI_W, RTI_Z, RTI_ACTS)
    dout = (np.array(RTI_Z[-1]) - RTI_Y) / 3  # the output is linear: a^(4) = z^(4)
    with sc.depends("test_dense_backward"):
        got = sc.call(mlp_backward, dout, caches)
        check_gradients(
            got,
            RTI_G,
            "mlp_backward",
            extra_mistakes=[(RTI_SIG_OUT, *FPRIME_OF_LAYER)],
            lower_mistakes=[
                (RTI_SIG_HIDDEN, *FPRIME_OF_LAYER),
                (RTI_TANH_FOR_RELU, *FPRIME_OF_LAYER),
            ],
        )


@pytest.mark.task("a2.mlp_backward")
def test_backprop_from_delta() -> None:
    caches = caches_from(BCE_X, BCE_W, BCE_Z, BCE_ACTS)
    with sc.depends("test_dense_backward"):
        got = sc.call(backprop, BCE_DELTA, caches)
        check_gradients(
            got, BCE_G, "backprop", lower_mistakes=[(BCE_NO_FPRIME, *NO_FPRIME)], extra_mistakes=[]
        )


@pytest.mark.task("a2.gd_update")
def test_gradient_descent_update() -> None:
    where = (
        "optim.py 中的 gradient_descent_update：θ := θ − α ∂J/∂θ，返回新数组",
        "gradient_descent_update in optim.py: θ := θ − α ∂J/∂θ, new arrays",
    )
    params = [W1, B2, np.array([[0.7], [0.8]]), np.array([0.5])]
    grads = [
        np.array([[0.1, -0.2], [0.3, 0.0]]),
        np.array([0.05, -0.05]),
        np.array([[1.0], [-2.0]]),
        np.array([0.4]),
    ]
    given = list(params)  # the arrays as given (a new array put into the list is allowed)
    new = sc.call(gradient_descent_update, params, grads, 0.5)
    if not isinstance(new, list | tuple) or len(new) != 4:
        sc.fail(
            "应返回与 params 等长的新参数列表",
            "must return a list of new parameters, as long as params",
            where,
        )
    for k, (p, g) in enumerate(zip(given, grads, strict=True)):
        sc.expect(
            new[k],
            p - 0.5 * g,
            f"θ_{k + 1}",
            where,
            mistakes=[
                (p + 0.5 * g, "符号反了：减去 α∂J/∂θ", "sign error: subtract α∂J/∂θ"),
                (p - g, "忘了学习率 α", "forgot the learning rate α"),
            ],
        )


@pytest.mark.task("a2.example1")
def test_example1_one_update() -> None:
    """与评分相同：用你的 mlp_forward、half_squared_error、mlp_backward、gradient_descent_update 走一遍。
    As graded: one step with your mlp_forward, half_squared_error, mlp_backward and update."""
    where = (
        "例题1 的一步：mlp_forward → half_squared_error → mlp_backward → gradient_descent_update",
        "例题1's step through your four functions",
    )
    deps = (
        "test_mlp_forward_example1",
        "test_half_squared_error",
        "test_example1_all_gradients",
        "test_gradient_descent_update",
    )
    with sc.depends(*deps):
        out, caches = mlp_forward(X, [W1, W2], [B2, B3], ["sigmoid", "sigmoid"])
        _, dout = half_squared_error(out, Y)
        dWs, dbs = mlp_backward(dout, caches)
        new = sc.call(
            gradient_descent_update, [W1, B2, W2, B3], [dWs[0], dbs[0], dWs[1], dbs[1]], 0.1
        )
        flat = np.concatenate([np.ravel(p) for p in new])
        slide = np.array(EX1_UPDATED)
        slide[:4] = SLIDE_FIRST_LAYER
        sc.expect(
            flat,
            EX1_UPDATED,
            "θ − α∂J/∂θ（讲义顺序的 12 个参数 / 12 parameters, slide order）",
            where,
            mistakes=[
                (
                    EX1_SEQUENTIAL,
                    "不是同时更新：所有梯度都要用更新前的权重算出",
                    "not simultaneous: compute every gradient with the weights before the update",
                ),
                (
                    slide,
                    "这是讲义印出的第一层数值（有误，见勘误）：按 δ 递推自己算",
                    "these are the slide's printed first-layer numbers (wrong, see the errata)",
                ),
            ],
            rtol=1e-6,
            atol=2e-5 if False else 1e-9,
        )


@pytest.mark.task("a2.numerical_gradient")
def test_numerical_gradient() -> None:
    where = (
        "gradcheck.py 中的 numerical_gradient：(f(x + ε e_k) − f(x − ε e_k)) / (2ε)，之后恢复 x_k",
        "numerical_gradient in gradcheck.py: (f(x + ε e_k) − f(x − ε e_k)) / (2ε), then restore x_k",
    )

    def F(v: np.ndarray) -> float:
        return float(np.sum(v**3) + np.sum(np.sin(3 * v)))

    # (x, ε 传入的值 / eps passed (None: default 1e-6)); with a large ε the result must equal
    # the central difference at that ε exactly, so an ignored ε shows
    for x, eps in (
        (np.array([1.0, -2.0, 0.5]), None),
        (np.array([[0.3, -0.7, 1.1], [2.0, -1.5, 0.0]]), None),
        (np.array([0.4, -1.2, 0.9, 1.7]), 0.05),
    ):
        x0 = x.copy()
        g = (
            numerical_gradient(lambda x=x: F(x), x)
            if eps is None
            else numerical_gradient(lambda x=x: F(x), x, eps)
        )
        # restored up to rounding: x_k += ε … x_k -= 2ε … x_k += ε leaves an ulp or two
        if not np.all(np.abs(x - x0) <= 4 * np.spacing(np.maximum(np.abs(x0), eps or 1e-6))):
            sc.fail(f"x 没有恢复原值：调用后 x = {x}，原来 {x0}", f"x was not restored: after the call x = {x}, before {x0}", where,
                    ("每个 x_k 扰动后都要放回原值 old", "put every x_k back to its old value after perturbing it"))  # fmt: skip
        h = eps or 1e-6
        steps = np.eye(x0.size).reshape(-1, *x0.shape) * h
        central = np.array([(F(x0 + e) - F(x0 - e)) / (2 * h) for e in steps]).reshape(x0.shape)
        forward = np.array([(F(x0 + e) - F(x0)) / h for e in steps]).reshape(x0.shape)
        exact = 3 * x0**2 + 3 * np.cos(3 * x0)
        mistakes = [
            (
                forward,
                "用了前向差分 (f(x+ε) − f(x))/ε：请用中心差分",
                "a forward difference (f(x+ε) − f(x))/ε: use central differences",
            )
        ]
        if eps is not None:
            mistakes.append(
                (
                    exact,
                    "忽略了传入的 eps：用参数 eps，不要写死 1e-6",
                    "the eps argument was ignored: use it, do not hard-code 1e-6",
                )
            )
        rtol = 1e-5 if eps is None else 1e-8
        sc.expect(g, exact if eps is None else central, f"∂f/∂x（x 形状 / shape {x0.shape}，ε = {eps or '默认 / default 1e-6'}）",
                  where, rtol=rtol, atol=rtol, dtype=np.float64, mistakes=mistakes)  # fmt: skip
    # a float32 x: the result is float64 all the same (the docstring), e.g. np.zeros(x.shape)
    x32 = np.array([0.4, -1.2, 0.9], dtype=np.float32)
    g32 = numerical_gradient(lambda: F(x32.astype(np.float64)), x32, 0.01)
    sc.expect(g32, 3 * x32.astype(np.float64) ** 2 + 3 * np.cos(3 * x32.astype(np.float64)),
              "∂f/∂x（float32 的 x / a float32 x, ε = 0.01）", where, rtol=1e-2, atol=1e-2, dtype=np.float64,
              otherwise=("结果要是 float64（np.zeros(x.shape, dtype=np.float64)，不是 np.zeros_like(x)）",
                         "the result must be float64 (np.zeros(x.shape, dtype=np.float64), not np.zeros_like(x))"))  # fmt: skip


def _valid_samples(Xs, ys) -> tuple[np.ndarray, np.ndarray]:
    where = ("exercise.py 中的 my_samples", "my_samples in exercise.py")
    Xs, ys = np.asarray(Xs, dtype=float), np.asarray(ys, dtype=float)
    if Xs.ndim != 2 or Xs.shape[1] != 2 or ys.shape != (Xs.shape[0],):
        sc.fail(
            f"X 应为 (m, 2)、y 应为 (m,)，你的是 {Xs.shape}、{ys.shape}",
            f"X must be (m, 2) and y (m,), yours are {Xs.shape} and {ys.shape}",
            where,
        )
    if not 2 <= Xs.shape[0] <= 10:
        sc.fail(
            f"样本数 m 应在 2..10 之间，你的 m = {Xs.shape[0]}",
            f"the sample count m must be 2..10, yours is {Xs.shape[0]}",
            where,
        )
    if not np.all(np.isfinite(Xs)) or set(np.unique(ys)) != {0.0, 1.0}:
        sc.fail(
            "X 要是有限数，y 只取 0 或 1 且两类都要有",
            "X must be finite, y only 0 or 1 with both classes present",
            where,
        )
    return Xs, ys


@pytest.mark.task("a2.exercise")
def test_my_samples() -> None:
    _valid_samples(*sc.parts(sc.call(my_samples), 2, "my_samples", "(X, y)"))


EX_WHERE = (
    "exercise.py 中的 one_update（unflatten → mlp_forward → 损失 → 反传 → 更新 → flatten）",
    "one_update in exercise.py (unflatten → mlp_forward → loss → backprop → update → flatten)",
)
THETA0 = np.array(
    [0.2, 0.3, 0.4, 0.5, 0.3, 0.3, 0.7, 0.8, 0.5]
)  # 例题1 的隐含层 + 第一个输出单元 / see the notebook


@pytest.mark.task("a2.exercise")
def test_one_update_mse_slide_theta() -> None:
    Xd = np.array([[0.1, 0.2], [0.2, 0.1], [0.8, 0.9], [0.9, 0.7]])
    yd = np.array([0.0, 0.0, 1.0, 1.0])
    want = np.array(
        [
            0.199998599846,
            0.299987601137,
            0.399988848857,
            0.499977099772,
            0.29911510569,
            0.298981998439,
            0.69706313189,
            0.797060051554,
            0.49488337154,
        ]
    )
    seq = [
        0.19999860572,
        0.299987646702,
        0.399988895642,
        0.499977183929,
        0.299118818287,
        0.298985739529,
        0.69706313189,
        0.797060051554,
        0.49488337154,
    ]
    deps = (
        "test_mlp_forward_example1",
        "test_half_squared_error",
        "test_example1_all_gradients",
        "test_gradient_descent_update",
    )
    with sc.depends(*deps):
        got = sc.call(one_update, THETA0, Xd, yd, 0.1, "mse")
        sc.expect(
            got,
            want,
            "θ − α∂J/∂θ（½‖h−y‖²，讲义初值 / slide's θ）",
            EX_WHERE,
            mistakes=[
                (
                    seq,
                    "不是同时更新：先用旧 W^(2) 算出全部梯度再更新",
                    "not simultaneous: compute every gradient with the old W^(2) first",
                ),
                (2 * THETA0 - want, "符号反了：θ := θ − α∂J/∂θ", "sign error: θ := θ − α∂J/∂θ"),
                (THETA0 - (THETA0 - want) / 0.1, "忘了学习率 α", "forgot the learning rate α"),
            ],
        )


@pytest.mark.task("a2.exercise")
def test_one_update_cross_entropy() -> None:
    theta = np.array([-0.5, 0.8, 0.3, -0.9, 0.1, -0.2, 1.2, -0.7, 0.4])
    X3, y3 = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]), np.array([1.0, 1.0, 0.0])
    want = np.array(
        [
            -0.4977257269,
            0.799050809419,
            0.296794122123,
            -0.896551433367,
            0.099068395222,
            -0.197500623948,
            1.198760858071,
            -0.694569884203,
            0.401273357408,
        ]
    )
    with sc.depends(
        "test_bce_with_logits", "test_backprop_from_delta", "test_gradient_descent_update"
    ):
        got = sc.call(one_update, theta, X3, y3, 0.5, "bce")
        sc.expect(
            got,
            want,
            "θ − α∂J/∂θ（交叉熵 / cross-entropy）",
            EX_WHERE,
            mistakes=[
                (
                    [
                        -0.4991799145,
                        0.799614258539,
                        0.299011433057,
                        -0.899108081731,
                        0.099831518557,
                        -0.199493823192,
                        1.199589171488,
                        -0.698327869102,
                        0.400416523305,
                    ],
                    'loss="bce" 时仍用了平方误差：交叉熵分支的 δ^(3) = (a^(3) − y)/m 来自 binary_cross_entropy_with_logits(z^(3), y)',
                    'loss="bce" still used the squared error: in the cross-entropy branch δ^(3) = (a^(3) − y)/m comes from binary_cross_entropy_with_logits(z^(3), y)',
                ),
                (
                    [
                        -0.497728075356,
                        0.799058172583,
                        0.296797432571,
                        -0.896578184961,
                        0.099069357215,
                        -0.197520012378,
                        1.198760858071,
                        -0.694569884203,
                        0.401273357408,
                    ],
                    "不是同时更新：先用旧 W^(2) 算出全部梯度再更新",
                    "not simultaneous: compute every gradient with the old W^(2) first",
                ),
            ],
        )


@pytest.mark.task("a2.exercise")
def test_one_update_y_as_column() -> None:
    """y 可为 (m,) 或 (m, 1)：两种形状结果相同 / y as (m,) or (m, 1) gives the same update."""
    Xd = np.array([[0.1, 0.2], [0.2, 0.1], [0.8, 0.9], [0.9, 0.7]])
    yd = np.array([0.0, 0.0, 1.0, 1.0])
    with sc.depends("test_one_update_mse_slide_theta"):
        want = np.asarray(sc.call(one_update, THETA0, Xd, yd, 0.1, "mse"), dtype=float)
        got = sc.call(one_update, THETA0, Xd, yd.reshape(-1, 1), 0.1, "mse")
        if np.shape(got) != (9,):
            sc.fail(
                f"y 为 (m, 1) 时 one_update 返回的形状是 {np.shape(got)}，应为 (9,)",
                f"with y of shape (m, 1) one_update returned shape {np.shape(got)}, not (9,)",
                EX_WHERE,
                (
                    "y 可以是 (m,) 或 (m, 1)：用 y.reshape(-1, 1)；y[:, None] 会把 (m, 1) 变成 (m, 1, 1)",
                    "y may be (m,) or (m, 1): use y.reshape(-1, 1); y[:, None] turns (m, 1) "
                    "into (m, 1, 1)",
                ),
            )
        sc.expect(got, want, "θ − α∂J/∂θ（y 为 (m, 1) / y as (m, 1)）", EX_WHERE)


def _loss(theta: np.ndarray, Xs: np.ndarray, ys: np.ndarray, loss: str) -> float:
    """J(θ)：2-2-1 sigmoid 网络（测试自己的前向）/ J(θ) of the 2-2-1 sigmoid net (the test's own)."""
    s = lambda t: 0.5 * (1 + np.tanh(t / 2))  # noqa: E731  σ(t), stable
    a2 = s(Xs @ theta[:4].reshape(2, 2) + theta[4:6])
    a3 = s(a2 @ theta[6:8] + theta[8])
    if loss == "mse":
        return float(np.mean(0.5 * (a3 - ys) ** 2))
    return float(np.mean(-ys * np.log(a3) - (1 - ys) * np.log(1 - a3)))


@pytest.mark.task("a2.exercise")
def test_one_update_on_your_samples_matches_numerical_gradient() -> None:
    """自检：在你自己的样本上，one_update 应等于 θ − α·(数值梯度) / Self-check on your own samples."""
    Xs, ys = _valid_samples(*sc.parts(sc.call(my_samples), 2, "my_samples", "(X, y)"))
    rng_theta = np.array([0.3, -0.6, 0.9, 0.2, -0.4, 0.5, -1.1, 0.8, 0.1])
    deps = ("test_one_update_mse_slide_theta", "test_one_update_cross_entropy")
    with sc.depends(*deps):
        for theta, alpha, loss in ((THETA0, 0.1, "mse"), (rng_theta, 0.5, "bce")):
            grad = sc.numerical_gradient(lambda t, loss=loss: _loss(t, Xs, ys, loss), theta)
            got = sc.call(one_update, theta, Xs, ys, alpha, loss)
            sc.expect(
                got,
                theta - alpha * grad,
                f"one_update（你的样本 / your samples，loss = {loss!r}）",
                EX_WHERE,
                rtol=1e-5,
                atol=1e-8,
                otherwise=(
                    "与 θ − α·(中心差分数值梯度) 不同：检查前向、损失与反传",
                    "differs from θ − α·(central-difference gradient): check the forward pass, the loss and backprop",
                ),
            )
