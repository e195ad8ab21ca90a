"""双语反馈 / Bilingual (zh/en) feedback in the lecture's notation.

A message says what was checked, how many cases passed, how the first failing case is off
(shape, dtype, non-finite entries, max relative error, first bad index) and a hint for the
common mistake behind that symptom. It is built only from :class:`grader.compare.Comparison`
records and mistake codes, which hold no expected values, and from the student's own error
type; numbers in a student's exception text are masked, so neither hidden oracle values nor
hidden inputs can reach a report.
"""

from __future__ import annotations

import re

from grader.compare import BAD_DTYPE, BAD_SHAPE, BAD_TYPE, BAD_VALUE, NONFINITE, Comparison
from grader.text import Text

# --- the hint catalogue: mistake codes shared by several tasks -> text ---------------------
# (a code that only one task gives is declared next to that task, in its suite module; the
# registry merges both: grader.registry.hint)
HINTS: dict[str, Text] = {
    "transposed_w": Text(
        "权重布局：W^(l) 的形状是 (N_l, N_{l+1})，W[j, i] = w_ji 是从第 l 层单元 j 到第 l+1 层单元 i 的权重；"
        "z^(l+1) = a^(l) W^(l) + b^(l+1)，∂J/∂W^(l) = a^(l)ᵀ δ^(l+1)。你的结果像是用了 Wᵀ。",
        "Weight layout: W^(l) has shape (N_l, N_{l+1}) and W[j, i] = w_ji goes from unit j of "
        "layer l to unit i of layer l+1; z^(l+1) = a^(l) W^(l) + b^(l+1) and ∂J/∂W^(l) = "
        "a^(l)ᵀ δ^(l+1). Your result looks like it used Wᵀ.",
    ),
    "missing_fprime": Text(
        "忘了乘激活函数的导数：δ^(l) = f'(z^(l)) ⊙ Σ_j w_ij^(l) δ_j^(l+1)，输出层 δ^(L) = ∂J/∂a^(L) ⊙ f'(z^(L))。",
        "Forgot the activation derivative: δ^(l) = f'(z^(l)) ⊙ Σ_j w_ij^(l) δ_j^(l+1), and at "
        "the output δ^(L) = ∂J/∂a^(L) ⊙ f'(z^(L)).",
    ),
    "missing_1_over_m": Text(
        "忘了除以样本数 m：经验风险 J = (1/m) Σ_n l(y^(n), h(x^(n)))，其梯度也带 1/m。",
        "Forgot 1/m: the empirical risk is J = (1/m) Σ_n l(y^(n), h(x^(n))), and its gradient "
        "carries the 1/m too.",
    ),
    "sequential_update": Text(
        "更新不是同时进行的：所有 δ 和 ∂J/∂W 都必须用更新前的权重算出，再一起更新 W := W − α ∂J/∂W。",
        "The update is not simultaneous: compute every δ and ∂J/∂W with the weights *before* "
        "the update, then update all of them, W := W − α ∂J/∂W.",
    ),
    "sign_error": Text(
        "符号错误：梯度下降是 W := W − α ∂J/∂W（减号）；输出层误差 δ^(L) = a^(L) − y。",
        "Sign error: gradient descent is W := W − α ∂J/∂W (minus); the output error is "
        "δ^(L) = a^(L) − y.",
    ),
    "wrong_derivative": Text(
        "导数公式有误：σ'(t) = σ(t)(1 − σ(t))，tanh'(t) = 1 − tanh²(t)，ReLU'(t) = 1[t > 0]。",
        "Wrong derivative: σ'(t) = σ(t)(1 − σ(t)), tanh'(t) = 1 − tanh²(t), ReLU'(t) = 1[t > 0].",
    ),
    "derivative_of_a": Text(
        "导数要在 z 处求：传入的是 z 而不是 a = f(z)，请先算 f(z) 再求 f'(z)。",
        "Evaluate the derivative at z: the argument is z, not a = f(z); compute f(z) first.",
    ),
    "unstable": Text(
        "数值不稳定：在极端输入（|z| 很大）下出现了溢出、inf 或 NaN。sigmoid 只用 e^{−|t|}；softmax 先减去每行最大值；"
        "交叉熵用 log-sum-exp 或先裁剪概率。",
        "Numerically unstable: extreme inputs (large |z|) overflowed or produced inf/NaN. For "
        "sigmoid use only e^{−|t|}; for softmax subtract each row's max first; for cross-entropy "
        "use log-sum-exp or clip the probabilities.",
    ),
    "overflow_warning": Text(
        "结果虽对，但计算中出现了溢出警告（例如 np.exp(1000)）：请改用数值稳定的写法。",
        "The values are right but the computation raised an overflow warning (e.g. "
        "np.exp(1000)): use a numerically stable formulation.",
    ),
    "inplace": Text(
        "修改了调用者传入的数组：不要就地修改输入（写 W - α dW 或先 copy()，不要写 W -= α dW）。",
        "Modified the caller's arrays: do not change inputs in place (return W - α dW or copy() "
        "first; do not write W -= α dW).",
    ),
    "wrong_shape": Text(
        "形状不对：请对照文档字符串中的形状，一行一个样本 (m, N)；偏置 b 的形状是 (N_{l+1},)。",
        "Wrong shape: follow the shapes in the docstring, one sample per row (m, N); a bias b "
        "has shape (N_{l+1},).",
    ),
    "wrong_dtype": Text(
        "类型不对：应返回浮点数组（np.float64，除非要求 float32），不要返回整数或布尔数组。",
        "Wrong dtype: return a floating-point array (np.float64 unless float32 is asked for), "
        "not integers or booleans.",
    ),
    "nonfinite": Text(
        "结果含 NaN 或 inf：检查除以零、log(0)、溢出。",
        "The result contains NaN or inf: look for division by zero, log(0) or overflow.",
    ),
    "wrong_type": Text(
        "返回值类型不对：请按文档返回 numpy 数组（或文档要求的元组/列表）。",
        "Wrong return type: return numpy arrays (or the tuple/list the docstring asks for).",
    ),
    "forgot_bias": Text(
        "忘了偏置：z^(l+1) = a^(l) W^(l) + b^(l+1)。",
        "Forgot the bias: z^(l+1) = a^(l) W^(l) + b^(l+1).",
    ),
    "threshold_at_zero": Text(
        "阈值函数在 0 处取值：讲义规定 f(0) = 1，sgn(0) = 1（用 t ≥ 0）。",
        "Threshold at zero: the lecture sets f(0) = 1 and sgn(0) = 1 (use t ≥ 0).",
    ),
    "no_learning_rate": Text(
        "更新时忘了学习率 α：W := W − α ∂J/∂W。",
        "Forgot the learning rate α in the update: W := W − α ∂J/∂W.",
    ),
    "weight_decay_on_bias": Text(
        "权值衰减只作用于权重 w，不作用于偏置 b：∂R/∂W = (λ/m) W。",
        "Weight decay applies to the weights w only, not to the biases b: ∂R/∂W = (λ/m) W.",
    ),
    "training_poor": Text(
        "训练后在未见过的数据上效果不够好：检查梯度、学习率、小批量的打乱与更新次数。",
        "After training, the model does poorly on data it never saw: check the gradients, the "
        "learning rate, the mini-batch shuffling and the number of updates.",
    ),
    "slide_erratum": Text(
        "你的第一层结果与讲义印出的数（如 w11^(1) → 0.2053）一致，但讲义这几项是错的（见勘误）：请按 δ 递推自己算。",
        "Your first-layer results equal the slide's printed numbers (e.g. w11^(1) → 0.2053), but "
        "those are wrong (see the errata): compute them with the δ recursion.",
    ),
    "forward_difference": Text(
        "看起来用了前向差分 (f(x+ε) − f(x))/ε：请用中心差分 (f(x+ε) − f(x−ε))/(2ε)，误差是 O(ε²)。",
        "Looks like a forward difference (f(x+ε) − f(x))/ε: use central differences "
        "(f(x+ε) − f(x−ε))/(2ε), whose error is O(ε²).",
    ),
    "not_restored": Text(
        "扰动后没有把 x 恢复原值：每次改 x_k 后都要还原。",
        "x was not restored after the perturbation: put every x_k back after using it.",
    ),
    "fprime_wrong_layer": Text(
        "δ 递推用错了层的导数：δ^(l) = f'(z^(l)) ⊙ (δ^(l+1) W^(l)ᵀ)，f' 要在第 l 层的 z^(l) 处求"
        "（caches[l − 1] 的激活缓存），不是第 l+1 层的。",
        "The δ recursion uses the wrong layer's derivative: δ^(l) = f'(z^(l)) ⊙ (δ^(l+1) "
        "W^(l)ᵀ), with f' at layer l's own z^(l) (the activation cache of caches[l − 1]), not "
        "layer l+1's.",
    ),
    "one_hidden_layer": Text(
        "反向传播只处理了一个隐含层：δ 递推要对每一层 l = L−1, …, 1 循环，返回每层一个 ∂J/∂W^(l)。",
        "Backpropagation handles one hidden layer only: loop the δ recursion over every layer "
        "l = L−1, …, 1 and return one ∂J/∂W^(l) per layer.",
    ),
    "squeezed_output": Text(
        "K = 1 时输出仍是 (m, 1)：不要 squeeze 成 (m,)，每行一个样本、每列一个输出单元。",
        "With K = 1 the output is still (m, 1): do not squeeze it to (m,); one row per sample, "
        "one column per output unit.",
    ),
    "eps_ignored": Text(
        "没有用传入的 eps：中心差分 (f(x + ε e_k) − f(x − ε e_k))/(2ε) 要用调用者给的 ε。",
        "The eps argument is ignored: the central difference (f(x + ε e_k) − f(x − ε e_k))/(2ε) "
        "must use the caller's ε.",
    ),
    "blocked_by_dependency": Text(
        "这个任务要用到你的另一个函数，而那个函数没有通过它自己的任务：请先改好它（见本任务的“依赖”说明）。",
        "This task needs another of your functions, which fails its own task: fix that one "
        "first (see this task's dependency note).",
    ),
    "invalid_samples": Text(
        "my_samples() 应返回 (X, y)：X 形状 (m, 2) 的有限数，y 形状 (m,) 取 0 或 1，2 ≤ m ≤ 10 且两类都有。",
        "my_samples() must return (X, y): X of shape (m, 2), finite; y of shape (m,) in {0, 1}; "
        "2 ≤ m ≤ 10 with both classes present.",
    ),
}

# --- failures reported by the sandbox: kind -> text ------------------------------------------
FAILURES: dict[str, Text] = {
    "not_implemented": Text(
        "尚未实现（NotImplementedError）",
        "not implemented yet (NotImplementedError)",
    ),
    "missing_module": Text("找不到模块 {name}", "module {name} not found"),
    "missing_attr": Text("找不到函数 {name}", "function {name} not found"),
    "missing_callable": Text("{name} 不是函数", "{name} is not a function"),
    "exception": Text("运行时出错：{error}", "raised {error}"),
    "timeout": Text(
        "超时（超过 {limit} 秒），进程已被终止",
        "timed out (over {limit} s); the worker was killed",
    ),
    "memory": Text("内存超限", "exceeded the memory limit"),
    "exit": Text("代码调用了 sys.exit / os._exit", "the code called sys.exit / os._exit"),
    "crash": Text("工作进程崩溃", "the worker process crashed"),
    "too_large": Text("返回值过大", "the reply was too large"),
    "protocol": Text("返回值无法解析", "the reply could not be decoded"),
    "unencodable": Text(
        "返回了无法传输的对象（应为数组/数字）",
        "returned an object that cannot be sent (expected arrays/numbers)",
    ),
    "forbidden": Text(
        "导入了参考答案或评分器（{name}），本题不得分",
        "imported the reference solution or the grader ({name}); no points for this task",
    ),
    "isolation": Text("评分沙箱无法启动", "the grading sandbox could not start"),
}

# --- task statuses (report.json "status") -> text -----------------------------------------------
STATUS_TEXT: dict[str, Text] = {
    "passed": Text("通过", "passed"),
    "partial": Text("部分通过", "partial"),
    "failed": Text("未通过", "failed"),
    "not_implemented": Text("未实现", "not implemented"),
    "forbidden": Text("违规导入", "forbidden import"),
    "grader_error": Text("评分器错误", "grader error"),
}

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def mask_numbers(text: str, limit: int = 300) -> str:
    """遮盖学生错误信息中的小数 / Mask decimals in a student's error text; keep small integers.

    A student's exception message may contain hidden inputs (``raise ValueError(x)``); floats
    and long integers become ``…`` so a report cannot carry them.
    """

    def repl(m: re.Match[str]) -> str:
        tok = m.group(0)
        if re.fullmatch(r"[-+]?\d{1,3}", tok):
            return tok
        return "…"

    text = _NUMBER.sub(repl, text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failure(kind: str, **fields: str) -> Text:
    """运行失败的描述 / Describe a sandbox failure (timeout, exception, missing, …)."""
    text = FAILURES.get(kind, FAILURES["crash"])
    safe = {k: mask_numbers(str(v)) for k, v in fields.items()}
    try:
        return text.format(**safe)
    except (KeyError, IndexError):
        return text


def _idx(index: tuple[int, ...] | None) -> str:
    """下标文本 / Index text like [0, 2]."""
    return "[" + ", ".join(map(str, index or ())) + "]"


def describe(comp: Comparison) -> Text:
    """描述一次比较为何失败 / Say how a comparison failed (no expected values).

    Shapes are public (they follow from the docstring); errors are relative; indices are
    positions, not values.
    """
    w = comp.name
    if comp.kind == BAD_TYPE:
        return Text(
            f"{w.zh} 的返回类型为 {comp.got_type}，应为数值数组",
            f"{w.en} has type {comp.got_type}; expected a numeric array",
        )
    if comp.kind == BAD_SHAPE:
        return Text(
            f"{w.zh} 的形状为 {comp.got_shape}，应为 {comp.want_shape}",
            f"{w.en} has shape {comp.got_shape}; expected {comp.want_shape}",
        )
    if comp.kind == BAD_DTYPE:
        got = comp.extra.get("got_dtype", comp.got_type)
        want = comp.extra.get("want_dtype", "")
        if want:
            return Text(
                f"{w.zh} 的 dtype 为 {got}，应为 {want}", f"{w.en} has dtype {got}; expected {want}"
            )
        return Text(
            f"{w.zh} 的 dtype 为 {got}，应为浮点类型",
            f"{w.en} has dtype {got}; expected a float dtype",
        )
    if comp.kind == NONFINITE:
        return Text(
            f"{w.zh} 含 NaN/inf（{comp.n_bad}/{comp.n_total} 项，第一个位置 {_idx(comp.first_bad)}）",
            f"{w.en} contains NaN/inf ({comp.n_bad}/{comp.n_total} entries, first at "
            f"{_idx(comp.first_bad)})",
        )
    if comp.kind == BAD_VALUE:
        err = f"{comp.max_rel_err:.1e}" if comp.max_rel_err is not None else "?"
        return Text(
            f"{w.zh} 与正确结果不符：最大相对误差 {err}，第一个错误位置 {_idx(comp.first_bad)}"
            f"（{comp.n_bad}/{comp.n_total} 项错误）",
            f"{w.en} does not match: max relative error {err}, first bad entry at "
            f"{_idx(comp.first_bad)} ({comp.n_bad}/{comp.n_total} entries wrong)",
        )
    return Text(f"{w.zh} 正确", f"{w.en} is correct")


def symptom_hints(comp: Comparison) -> list[str]:
    """由症状推出的通用提示 / Generic hint codes that follow from a comparison's symptom."""
    return {
        BAD_TYPE: ["wrong_type"],
        BAD_SHAPE: ["wrong_shape"],
        BAD_DTYPE: ["wrong_dtype"],
        NONFINITE: ["nonfinite"],
    }.get(comp.kind, [])
