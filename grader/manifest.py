"""学生 API 清单：作业、桩函数、给定代码与评分任务 / The student API manifest.

This file is the **single source of truth** shared by the release build (``grader/release``,
issue 5) and the hidden grading suites (``grader/suites``, issue 4). For every assignment it
lists the student modules, every stub the student fills in (module, function name, the nncore
function whose body is the reference solution, a hint "about N lines", and the grader task ids
that grade it), the helpers copied verbatim from nncore as *given* code, and the tasks with the
points the notebook shows.

Contract (the build verifies each point on every run):

* A stub's signature in ``solutions/<folder>/<module>.py`` is **identical** to the signature of
  its ``source`` function in nncore (parameter names, defaults, annotations, return annotation).
* A stub's ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region is generated from the body of
  ``source`` (docstring dropped); every free name used by that body must be defined or imported
  by the student module itself (e.g. ``from activations import sigmoid``), never from nncore.
* ``source=None`` marks a stub that has no nncore counterpart (the 练习题's ``my_samples``:
  the student designs it); its solution region is hand-written in ``solutions/``.
* A ``Given`` entry is copied in full (with its docstring) from nncore between
  ``# ---- given code (给定代码): NAME ----`` and ``# ---- end given ----`` markers.
* Student modules import each other by bare module name (``from layers import dense_forward``);
  the grader's worker puts the submission folder first on ``sys.path``.

Names are **stable** once committed: the grader calls the student's functions by
``(module, name)``. Assignments marked ``provisional=True`` (a3, a4) still depend on nncore
modules that are being written; their names may change until the flag is dropped.

How to add an entry:

1. Write (or find) the function in nncore; keep its body self-contained (only numpy, names the
   student module has, or helpers listed as ``Given``).
2. Add a ``Stub(...)`` below, with the task ids that grade it; add a ``Task`` if it is new.
3. Add the stub to ``solutions/<folder>/<module>.py`` with the same signature, a bilingual
   docstring (formula, shapes, lecture notation) and an empty solution region::

       ### BEGIN SOLUTION
       ### END SOLUTION

4. Run ``python -m grader build``: it fills the region from nncore, writes the release and
   checks it; commit ``solutions/`` and ``assignments/`` together.

This module is plain data: standard library only, cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stub:
    """学生要实现的函数 / A function the student implements.

    ``module``: student module stem (file ``<module>.py`` in the assignment folder);
    ``name``: function name (identical to nncore's); ``source``: dotted path of the nncore
    function whose body is the solution (None: hand-written solution, no nncore counterpart);
    ``lines``: the hint "about N lines"; ``tasks``: ids of the grader tasks that grade it.
    """

    module: str
    name: str
    source: str | None
    lines: int
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class Given:
    """给定（非桩）代码：从 nncore 原样复制 / Given helper copied verbatim from nncore.

    ``name`` is the top-level name in the student module (function, class or constant);
    ``source`` the dotted nncore path it is copied from (same name).
    """

    module: str
    name: str
    source: str


@dataclass(frozen=True)
class Task:
    """评分任务 / A graded task: id (``aN.xxx``), points, titles; ``kind`` is

    ``"auto"`` (graded by the hidden suite, mirrored by an autograded notebook test cell
    whose ``grade_id`` is :func:`cell_id` of the task id) or ``"manual"`` (a written answer in
    the notebook, graded by a TA in nbgrader's formgrader).
    """

    id: str
    points: float
    title_zh: str
    title_en: str
    kind: str = "auto"


@dataclass(frozen=True)
class Assignment:
    """一次作业 / One assignment: folder ``solutions/<folder>`` → ``assignments/<folder>``."""

    id: str
    title_zh: str
    title_en: str
    folder: str
    modules: tuple[str, ...]
    notebook: str
    stubs: tuple[Stub, ...]
    given: tuple[Given, ...] = ()
    # Whole modules copied from nncore as given code: student module stem -> nncore module.
    given_modules: dict[str, str] = field(default_factory=dict)
    tasks: tuple[Task, ...] = ()
    provisional: bool = False
    # Earlier assignments whose solutions this one's given code reveals (release after them).
    reveals: tuple[str, ...] = ()

    def stub(self, module: str, name: str) -> Stub:
        """按模块与名字查桩 / Look a stub up by module and name."""
        for s in self.stubs:
            if s.module == module and s.name == name:
                return s
        raise KeyError(f"{self.id}: no stub {module}.{name}")

    def task(self, task_id: str) -> Task:
        """按 id 查任务 / Look a task up by id."""
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(f"{self.id}: no task {task_id}")


def cell_id(task_id: str) -> str:
    """任务 id → 笔记本评分单元的 grade_id / Notebook grade_id of a task: ``a2.dense_forward``
    -> ``a2_dense_forward``."""
    return task_id.replace(".", "_")


def _s(module: str, name: str, source: str | None, lines: int, *tasks: str) -> Stub:
    return Stub(module, name, source, lines, tuple(tasks))


# ----------------------------------------------------------------------------------------
# a1 人工神经元 / The artificial neuron
# ----------------------------------------------------------------------------------------
A1 = Assignment(
    id="a1",
    title_zh="人工神经元",
    title_en="The artificial neuron",
    folder="a1",
    modules=("activations", "neurons"),
    notebook="a1.ipynb",
    stubs=(
        _s("activations", "step", "nncore.activations.step", 2, "a1.threshold"),
        _s("activations", "sign", "nncore.activations.sign", 2, "a1.threshold"),
        _s("activations", "sigmoid", "nncore.activations.sigmoid", 3, "a1.sigmoid"),
        _s(
            "activations",
            "sigmoid_derivative",
            "nncore.activations.sigmoid_derivative",
            2,
            "a1.sigmoid",
        ),
        _s("activations", "tanh", "nncore.activations.tanh", 1, "a1.tanh"),
        _s("activations", "tanh_derivative", "nncore.activations.tanh_derivative", 2, "a1.tanh"),
        _s("activations", "relu", "nncore.activations.relu", 2, "a1.relu"),
        _s("activations", "relu_derivative", "nncore.activations.relu_derivative", 2, "a1.relu"),
        _s("activations", "leaky_relu", "nncore.activations.leaky_relu", 2, "a1.leaky_relu"),
        _s(
            "activations",
            "leaky_relu_derivative",
            "nncore.activations.leaky_relu_derivative",
            2,
            "a1.leaky_relu",
        ),
        _s("neurons", "tlu", "nncore.neurons.tlu", 3, "a1.tlu"),
        _s(
            "neurons", "perceptron_predict", "nncore.neurons.perceptron_predict", 1, "a1.perceptron"
        ),
        _s("neurons", "perceptron_update", "nncore.neurons.perceptron_update", 2, "a1.perceptron"),
        _s("neurons", "logistic_forward", "nncore.neurons.logistic_forward", 1, "a1.logistic"),
        _s("neurons", "logistic_gradient", "nncore.neurons.logistic_gradient", 5, "a1.logistic"),
        _s("neurons", "logistic_update", "nncore.neurons.logistic_update", 1, "a1.logistic"),
    ),
    given=(Given("activations", "_as_float", "nncore.activations._as_float"),),
    tasks=(
        Task("a1.threshold", 2, "阈值函数 step 与 sgn", "threshold functions step and sgn"),
        Task(
            "a1.sigmoid", 3, "sigmoid 及其导数（数值稳定）", "sigmoid and its derivative (stable)"
        ),
        Task("a1.tanh", 2, "tanh 及其导数", "tanh and its derivative"),
        Task("a1.relu", 2, "ReLU 及其导数", "ReLU and its derivative"),
        Task("a1.leaky_relu", 2, "Leaky ReLU 及其导数", "Leaky ReLU and its derivative"),
        Task("a1.tlu", 2, "阈值逻辑单元 TLU", "threshold logic unit (TLU)"),
        Task("a1.perceptron", 4, "感知机输出与学习规则", "perceptron output and learning rule"),
        Task(
            "a1.logistic",
            5,
            "逻辑回归：前向、梯度、更新",
            "logistic regression: forward, gradient, update",
        ),
        Task(
            "a1.q3",
            3,
            "思考题3：激活函数的优缺点",
            "question 3: pros and cons of activations",
            "manual",
        ),
    ),
)

# ----------------------------------------------------------------------------------------
# a2 神经网络与反向传播 / Networks and backpropagation
# ----------------------------------------------------------------------------------------
A2 = Assignment(
    id="a2",
    title_zh="神经网络与反向传播",
    title_en="Neural networks and backpropagation",
    folder="a2",
    modules=("activations", "layers", "losses", "mlp", "optim", "gradcheck", "exercise"),
    notebook="a2.ipynb",
    stubs=(
        _s("layers", "dense_forward", "nncore.layers.dense_forward", 2, "a2.dense_forward"),
        _s("layers", "dense_backward", "nncore.layers.dense_backward", 5, "a2.dense_backward"),
        _s("losses", "half_squared_error", "nncore.losses.half_squared_error", 3, "a2.loss_mse"),
        _s(
            "losses", "binary_cross_entropy", "nncore.losses.binary_cross_entropy", 3, "a2.loss_bce"
        ),
        _s(
            "losses",
            "binary_cross_entropy_with_logits",
            "nncore.losses.binary_cross_entropy_with_logits",
            4,
            "a2.loss_bce",
        ),
        _s(
            "losses",
            "softmax_cross_entropy",
            "nncore.losses.softmax_cross_entropy",
            6,
            "a2.loss_softmax_ce",
        ),
        _s("mlp", "mlp_forward", "nncore.mlp.mlp_forward", 7, "a2.mlp_forward", "a2.example1"),
        _s("mlp", "backprop", "nncore.mlp.backprop", 8, "a2.mlp_backward", "a2.example1"),
        _s("mlp", "mlp_backward", "nncore.mlp.mlp_backward", 1, "a2.mlp_backward", "a2.example1"),
        _s(
            "optim",
            "gradient_descent_update",
            "nncore.optim.gradient_descent_update",
            1,
            "a2.gd_update",
            "a2.example1",
        ),
        _s(
            "gradcheck",
            "numerical_gradient",
            "nncore.gradcheck.numerical_gradient",
            12,
            "a2.numerical_gradient",
        ),
        _s("exercise", "my_samples", None, 3, "a2.exercise"),
        _s("exercise", "one_update", "nncore.examples.exercise.one_update", 12, "a2.exercise"),
    ),
    given=(
        Given("layers", "DenseCache", "nncore.layers.DenseCache"),
        Given("layers", "ActivationCache", "nncore.layers.ActivationCache"),
        Given("layers", "activation_forward", "nncore.layers.activation_forward"),
        Given("layers", "activation_backward", "nncore.layers.activation_backward"),
        Given("losses", "bilingual", "nncore._checks.bilingual"),
        Given("losses", "empirical_risk", "nncore.losses.empirical_risk"),
        Given("losses", "one_hot_targets", "nncore.losses.one_hot_targets"),
        Given("mlp", "LayerCache", "nncore.mlp.LayerCache"),
        Given("mlp", "flatten", "nncore.mlp.flatten"),
        Given("gradcheck", "relative_error", "nncore.gradcheck.relative_error"),
        Given("exercise", "SIZES", "nncore.examples.exercise.SIZES"),
        Given("exercise", "unflatten", "nncore.examples.exercise.unflatten"),
    ),
    given_modules={"activations": "nncore.activations"},
    tasks=(
        Task("a2.dense_forward", 3, "全连接层前向 z = aW + b", "dense forward z = aW + b"),
        Task("a2.dense_backward", 5, "全连接层反向 dW, db, da", "dense backward dW, db, da"),
        Task("a2.loss_mse", 2, "平方误差损失 ½‖h−y‖²", "half squared error ½‖h−y‖²"),
        Task(
            "a2.loss_bce",
            4,
            "二分类交叉熵（含 logit 稳定版）",
            "binary cross-entropy (and the stable logit form)",
        ),
        Task("a2.loss_softmax_ce", 4, "softmax 交叉熵", "softmax cross-entropy"),
        Task("a2.mlp_forward", 4, "多层感知机前向（函数复合）", "MLP forward (composition)"),
        Task("a2.mlp_backward", 8, "误差反传 δ 递推", "backpropagation: the δ recursion"),
        Task("a2.gd_update", 2, "梯度下降更新", "gradient-descent update"),
        Task(
            "a2.example1",
            5,
            "例题1：一次更新与符号推导一致",
            "例题1: one update equals the symbolic result",
        ),
        Task(
            "a2.numerical_gradient",
            4,
            "数值梯度检验（中心差分）",
            "numerical gradient check (central differences)",
        ),
        Task(
            "a2.exercise",
            6,
            "练习题：自己设计样本并更新一次",
            "练习题: your own samples, one update",
        ),
    ),
    reveals=("a1",),
)

# ----------------------------------------------------------------------------------------
# a3 训练实践 / Training in practice  (provisional: nncore.training is being written)
# ----------------------------------------------------------------------------------------
A3 = Assignment(
    id="a3",
    title_zh="训练实践",
    title_en="Training in practice",
    folder="a3",
    modules=("training",),
    notebook="a3.ipynb",
    stubs=(),
    tasks=(
        Task("a3.q1", 3, "思考题1：为什么要归一化", "question 1: why normalise", "manual"),
        Task(
            "a3.q2",
            3,
            "思考题2：迭代越多越好吗",
            "question 2: are more iterations better",
            "manual",
        ),
    ),
    provisional=True,
    reveals=("a1", "a2"),
)

# ----------------------------------------------------------------------------------------
# a4 深度网络的问题 / Problems of deep networks  (provisional)
# ----------------------------------------------------------------------------------------
A4 = Assignment(
    id="a4",
    title_zh="深度网络的问题",
    title_en="Problems of deep networks",
    folder="a4",
    modules=("deep",),
    notebook="a4.ipynb",
    stubs=(),
    tasks=(),
    provisional=True,
    reveals=("a1", "a2"),
)

ASSIGNMENTS: dict[str, Assignment] = {a.id: a for a in (A1, A2, A3, A4)}


def get(assignment_id: str) -> Assignment:
    """按 id 取作业 / Look an assignment up by id ('a1' … 'a4')."""
    try:
        return ASSIGNMENTS[assignment_id]
    except KeyError:
        known = ", ".join(ASSIGNMENTS)
        raise KeyError(f"未知作业 / unknown assignment {assignment_id!r}; known: {known}") from None


def all_stubs() -> list[tuple[Assignment, Stub]]:
    """全部桩 / Every (assignment, stub) pair."""
    return [(a, s) for a in ASSIGNMENTS.values() for s in a.stubs]
