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
``(module, name)``. An assignment marked ``provisional=True`` still depends on nncore modules
that are being written; its names may change until the flag is dropped (none is, now).

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

This module is plain data: standard library only (and :mod:`grader.text`), cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.text import Text


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
    """评分任务 / A graded task: id (``aN.xxx``), points, ``title`` (a bilingual
    :class:`grader.text.Text`); ``kind`` is

    ``"auto"`` (graded by the hidden suite, mirrored by an autograded notebook test cell
    whose ``grade_id`` is :func:`cell_id` of the task id) or ``"manual"`` (a written answer in
    the notebook, graded by a TA in nbgrader's formgrader).
    """

    id: str
    points: float
    title: Text
    kind: str = "auto"


@dataclass(frozen=True)
class Assignment:
    """一次作业 / One assignment: folder ``solutions/<folder>`` → ``assignments/<folder>``;
    ``title`` is a bilingual :class:`grader.text.Text`."""

    id: str
    title: Text
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
    title=Text("人工神经元", "The artificial neuron"),
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
        Task("a1.threshold", 2, Text("阈值函数 step 与 sgn", "threshold functions step and sgn")),
        Task(
            "a1.sigmoid",
            3,
            Text("sigmoid 及其导数（数值稳定）", "sigmoid and its derivative (stable)"),
        ),
        Task("a1.tanh", 2, Text("tanh 及其导数", "tanh and its derivative")),
        Task("a1.relu", 2, Text("ReLU 及其导数", "ReLU and its derivative")),
        Task("a1.leaky_relu", 2, Text("Leaky ReLU 及其导数", "Leaky ReLU and its derivative")),
        Task("a1.tlu", 2, Text("阈值逻辑单元 TLU", "threshold logic unit (TLU)")),
        Task(
            "a1.perceptron", 4, Text("感知机输出与学习规则", "perceptron output and learning rule")
        ),
        Task(
            "a1.logistic",
            5,
            Text("逻辑回归：前向、梯度、更新", "logistic regression: forward, gradient, update"),
        ),
        Task(
            "a1.q3",
            3,
            Text("思考题3：激活函数的优缺点", "question 3: pros and cons of activations"),
            "manual",
        ),
    ),
)

# ----------------------------------------------------------------------------------------
# a2 神经网络与反向传播 / Networks and backpropagation
# ----------------------------------------------------------------------------------------
A2 = Assignment(
    id="a2",
    title=Text("神经网络与反向传播", "Neural networks and backpropagation"),
    folder="a2",
    modules=("activations", "layers", "losses", "mlp", "optim", "gradcheck", "exercise"),
    notebook="a2.ipynb",
    stubs=(
        _s("layers", "dense_forward", "nncore.layers.dense_forward", 2, "a2.dense_forward"),
        _s("layers", "dense_backward", "nncore.layers.dense_backward", 5, "a2.dense_backward"),
        _s("losses", "half_squared_error", "nncore.losses.half_squared_error", 3, "a2.loss_mse"),
        _s(
            "losses", "binary_cross_entropy", "nncore.losses.binary_cross_entropy", 4, "a2.loss_bce"
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
        Given("exercise", "unflatten", "nncore.mlp.unflatten"),
    ),
    given_modules={"activations": "nncore.activations"},
    tasks=(
        Task("a2.dense_forward", 3, Text("全连接层前向 z = aW + b", "dense forward z = aW + b")),
        Task("a2.dense_backward", 5, Text("全连接层反向 dW, db, da", "dense backward dW, db, da")),
        Task("a2.loss_mse", 2, Text("平方误差损失 ½‖h−y‖²", "half squared error ½‖h−y‖²")),
        Task(
            "a2.loss_bce",
            4,
            Text(
                "二分类交叉熵（含 logit 稳定版）",
                "binary cross-entropy (and the stable logit form)",
            ),
        ),
        Task("a2.loss_softmax_ce", 4, Text("softmax 交叉熵", "softmax cross-entropy")),
        Task("a2.mlp_forward", 4, Text("多层感知机前向（函数复合）", "MLP forward (composition)")),
        Task("a2.mlp_backward", 8, Text("误差反传 δ 递推", "backpropagation: the δ recursion")),
        Task("a2.gd_update", 2, Text("梯度下降更新", "gradient-descent update")),
        Task(
            "a2.example1",
            5,
            Text("例题1：一次更新与符号推导一致", "例题1: one update equals the symbolic result"),
        ),
        Task(
            "a2.numerical_gradient",
            4,
            Text("数值梯度检验（中心差分）", "numerical gradient check (central differences)"),
        ),
        Task(
            "a2.exercise",
            6,
            Text("练习题：自己设计样本并更新一次", "练习题: your own samples, one update"),
        ),
    ),
    reveals=("a1",),
)

# ----------------------------------------------------------------------------------------
# a3 训练实践 / Training in practice
# ----------------------------------------------------------------------------------------
# Given code shared by a3 and a4: a2's network (layers, losses, MLP) and the data helpers.
_LAYERS_GIVEN = tuple(
    Given("layers", n, f"nncore.layers.{n}")
    for n in (
        "DenseCache",
        "ActivationCache",
        "dense_forward",
        "dense_backward",
        "activation_forward",
        "activation_backward",
    )
)
_LOSSES_GIVEN = tuple(
    Given("losses", n, src)
    for n, src in (
        ("empirical_risk", "nncore.losses.empirical_risk"),
        ("half_squared_error", "nncore.losses.half_squared_error"),
        ("binary_cross_entropy", "nncore.losses.binary_cross_entropy"),
        ("binary_cross_entropy_with_logits", "nncore.losses.binary_cross_entropy_with_logits"),
        ("one_hot_targets", "nncore.losses.one_hot_targets"),
        ("softmax_cross_entropy", "nncore.losses.softmax_cross_entropy"),
        ("Loss", "nncore.losses.Loss"),
        ("LOSSES", "nncore.losses.LOSSES"),
        ("ALIASES", "nncore.losses.ALIASES"),
        ("_ce_on_probabilities", "nncore.losses._ce_on_probabilities"),
        ("get_loss", "nncore.losses.get_loss"),
        ("require_output_activation", "nncore.losses.require_output_activation"),
        ("output_loss", "nncore.losses.output_loss"),
        ("check_targets", "nncore.losses.check_targets"),
    )
)
_MLP_GIVEN = tuple(
    Given("mlp", n, f"nncore.mlp.{n}")
    for n in (
        "LayerCache",
        "mlp_forward",
        "backprop",
        "mlp_backward",
        "flatten",
        "unflatten",
        "parameter_names",
        "MLP",
    )
)
_DATA_GIVEN = tuple(
    Given("data", n, src)
    for n, src in (
        ("_check_n", "nncore.data.datasets._check_n"),
        ("curve", "nncore.data.datasets.curve"),
        ("load_digits", "nncore.data.digits.load_digits"),
        ("_int_labels", "nncore.data.labels._int_labels"),
        ("one_hot", "nncore.data.labels.one_hot"),
        ("digit_vs_rest", "nncore.data.labels.digit_vs_rest"),
        ("_check_fractions", "nncore.data.split._check_fractions"),
        ("_strata", "nncore.data.split._strata"),
        ("split_indices", "nncore.data.split.split_indices"),
    )
)
_OPTIM_CLASSES_GIVEN = tuple(
    Given("optim", n, f"nncore.optim.{n}")
    for n in ("gradient_descent_update", "GradientDescent", "Momentum", "get_optimizer")
)
_TRAINING_GIVEN = tuple(
    Given("training", n, f"nncore.training.{n}")
    for n in (
        "Model",
        "predict_labels",
        "accuracy",
        "evaluate",
        "History",
        "_stdout_is_terminal",
        "_progress",
        "cast_model",
        "fit",
        "confusion_matrix",
    )
)
_SHARED_GIVEN_MODULES = {
    "activations": "nncore.activations",
    "checks": "nncore._checks",
    "init": "nncore.init",
}

_A3_TRAIN = ("a3.example2", "a3.example3", "a3.example4")

A3 = Assignment(
    id="a3",
    title=Text("训练实践", "Training in practice"),
    folder="a3",
    modules=(
        "activations",
        "checks",
        "init",
        "layers",
        "losses",
        "mlp",
        "optim",
        "preprocessing",
        "data",
        "training",
    ),
    notebook="a3.ipynb",
    stubs=(
        _s(
            "losses", "weight_decay", "nncore.losses.weight_decay", 2, "a3.weight_decay", *_A3_TRAIN
        ),
        _s(
            "optim", "momentum_update", "nncore.optim.momentum_update", 2, "a3.momentum", *_A3_TRAIN
        ),
        _s("optim", "minibatches", "nncore.optim.minibatches", 5, "a3.minibatches", *_A3_TRAIN),
        _s(
            "preprocessing",
            "zscore_fit",
            "nncore.data.preprocessing.zscore_fit",
            2,
            "a3.normalise",
            "a3.example2",
        ),
        _s(
            "preprocessing",
            "zscore_transform",
            "nncore.data.preprocessing.zscore_transform",
            1,
            "a3.normalise",
            "a3.example2",
        ),
        _s(
            "preprocessing", "minmax_fit", "nncore.data.preprocessing.minmax_fit", 2, "a3.normalise"
        ),
        _s(
            "preprocessing",
            "minmax_transform",
            "nncore.data.preprocessing.minmax_transform",
            2,
            "a3.normalise",
        ),
        _s("training", "sgd_epoch", "nncore.training.sgd_epoch", 6, "a3.sgd_epoch", *_A3_TRAIN),
        _s(
            "training",
            "early_stopping_step",
            "nncore.training.early_stopping_step",
            4,
            "a3.early_stopping",
        ),
    ),
    given=(
        *_LAYERS_GIVEN,
        *_LOSSES_GIVEN,
        *_MLP_GIVEN,
        *_OPTIM_CLASSES_GIVEN,
        *_DATA_GIVEN,
        *_TRAINING_GIVEN,
    ),
    given_modules=dict(_SHARED_GIVEN_MODULES),
    tasks=(
        Task("a3.minibatches", 3, Text("小批量划分（打乱顺序）", "mini-batch indices (shuffled)")),
        Task("a3.sgd_epoch", 4, Text("一轮小批量 SGD", "one epoch of mini-batch SGD")),
        Task("a3.momentum", 3, Text("冲量法更新", "momentum update")),
        Task("a3.weight_decay", 3, Text("权值衰减 λ/(2m) Σ w²", "weight decay λ/(2m) Σ w²")),
        Task(
            "a3.normalise",
            4,
            Text(
                "归一化：z-score 与最小-最大（只在训练集上拟合）",
                "normalisation: z-score and min-max (fitted on train only)",
            ),
        ),
        Task("a3.early_stopping", 3, Text("早停规则（耐心值）", "early stopping (patience)")),
        Task(
            "a3.example2",
            3,
            Text(
                "例题2：曲线拟合（多个初始值）", "例题2: curve fitting from several initialisations"
            ),
        ),
        Task("a3.example3", 3, Text("例题3：识别数字 2（二分类）", "例题3: digit 2 vs rest")),
        Task("a3.example4", 4, Text("例题4：十个数字（多分类）", "例题4: ten digits")),
        Task("a3.q1", 3, Text("思考题1：为什么要归一化", "question 1: why normalise"), "manual"),
        Task(
            "a3.q2",
            3,
            Text("思考题2：迭代越多越好吗", "question 2: are more iterations better"),
            "manual",
        ),
    ),
    reveals=("a1", "a2"),
)

# ----------------------------------------------------------------------------------------
# a4 深度网络的问题 / Problems of deep networks
# ----------------------------------------------------------------------------------------
# The rest of the lecture (issue 14): universal approximation, an auxiliary loss on a middle
# layer, degradation of deep plain networks, RBM/CD-1 and DBN pre-training.
_A4_LECTURE_MODULES = ("approximation", "auxiliary", "degradation", "rbm")
_A4_LECTURE_STUBS = (
    _s("approximation", "sigmoid_sum", "nncore.approximation.sigmoid_sum", 1, "a4.approximation"),
    _s(
        "approximation",
        "fit_output_weights",
        "nncore.approximation.fit_output_weights",
        2,
        "a4.approximation",
    ),
    _s("auxiliary", "auxiliary_loss", "nncore.auxiliary.auxiliary_loss", 14, "a4.auxiliary"),
    _s("degradation", "training_error", "nncore.degradation.training_error", 10, "a4.degradation"),
    _s("rbm", "cd1_gradients", "nncore.rbm.cd1_gradients", 9, "a4.rbm", "a4.dbn"),
    _s("rbm", "pretrain_rbms", "nncore.rbm.pretrain_rbms", 10, "a4.dbn"),
)
_A4_LECTURE_GIVEN = (
    *(
        Given("approximation", n, f"nncore.approximation.{n}")
        for n in (
            "staircase_units",
            "max_error",
            "approximation_curve",
            "units_needed",
            "_W",
            "_B",
            "_V",
            "inner_map",
            "composed_target",
            "deep_network",
            "deep_forward",
        )
    ),
    Given("auxiliary", "output_delta", "nncore.auxiliary.output_delta"),
    Given("auxiliary", "AuxiliaryNet", "nncore.auxiliary.AuxiliaryNet"),
    *(
        Given("degradation", n, f"nncore.degradation.{n}")
        for n in ("Block", "stack_forward", "stack_backward", "ResidualNet", "degradation")
    ),
    *(
        Given("rbm", n, f"nncore.rbm.{n}")
        for n in ("hidden_probs", "visible_probs", "free_energy", "RBM")
    ),
)
_A4_LECTURE_TASKS = (
    Task(
        "a4.approximation",
        3,
        Text(
            "通用近似：F(x) = Σ v_i σ(w_i x + b_i) 与最小二乘的 v",
            "universal approximation: F(x) = Σ v_i σ(w_i x + b_i) and least-squares v",
        ),
    ),
    Task(
        "a4.auxiliary",
        4,
        Text(
            "中间层辅助损失 J = J_main + λ J_aux 及其反向",
            "auxiliary loss J = J_main + λ J_aux and its backward pass",
        ),
    ),
    Task(
        "a4.degradation",
        2,
        Text("退化：训练后的训练误差", "degradation: the training error after training"),
    ),
    Task("a4.rbm", 4, Text("受限玻尔兹曼机：CD-1", "restricted Boltzmann machine: CD-1")),
    Task("a4.dbn", 3, Text("DBN：RBM 逐层预训练", "DBN: layer-wise RBM pre-training")),
    Task(
        "a4.q_degradation",
        2,
        Text(
            "问答：退化不是过拟合；残差为什么消除了它",
            "degradation is not overfitting; why residual blocks remove it",
        ),
        "manual",
    ),
    Task(
        "a4.q_dbn",
        2,
        Text("问答：DBN、DAE 与随机初始化的比较", "DBN vs DAE vs random initialisation"),
        "manual",
    ),
)

A4 = Assignment(
    id="a4",
    title=Text("深度网络的问题", "Problems of deep networks"),
    folder="a4",
    modules=(
        "activations",
        "checks",
        "init",
        "layers",
        "losses",
        "mlp",
        "optim",
        "data",
        "training",
        "vanishing",
        "residual",
        "momentum",
        "autoencoder",
        "depth_width",
        *_A4_LECTURE_MODULES,
    ),
    notebook="a4.ipynb",
    stubs=(
        _s(
            "vanishing",
            "layer_gradient_norms",
            "nncore.problems.vanishing.layer_gradient_norms",
            5,
            "a4.gradient_norms",
        ),
        _s("residual", "residual_forward", "nncore.residual.residual_forward", 4, "a4.residual"),
        _s("residual", "residual_backward", "nncore.residual.residual_backward", 5, "a4.residual"),
        _s("momentum", "descend", "nncore.problems.momentum.descend", 12, "a4.saddle"),
        _s("autoencoder", "corrupt", "nncore.autoencoder.corrupt", 2, "a4.dae"),
        _s("autoencoder", "dae_forward", "nncore.autoencoder.dae_forward", 1, "a4.dae"),
        _s("autoencoder", "dae_backward", "nncore.autoencoder.dae_backward", 2, "a4.dae"),
        _s(
            "autoencoder",
            "pretrain_layers",
            "nncore.autoencoder.pretrain_layers",
            11,
            "a4.pretraining",
        ),
        _s(
            "depth_width",
            "param_count",
            "nncore.problems.depth_width.param_count",
            1,
            "a4.depth_width",
        ),
        *_A4_LECTURE_STUBS,
    ),
    given=(
        *_LAYERS_GIVEN,
        *_LOSSES_GIVEN,
        Given("losses", "weight_decay", "nncore.losses.weight_decay"),
        *_MLP_GIVEN,
        Given("optim", "momentum_update", "nncore.optim.momentum_update"),
        Given("optim", "minibatches", "nncore.optim.minibatches"),
        *_OPTIM_CLASSES_GIVEN,
        *_DATA_GIVEN,
        Given("training", "sgd_epoch", "nncore.training.sgd_epoch"),
        Given("training", "early_stopping_step", "nncore.training.early_stopping_step"),
        *_TRAINING_GIVEN,
        Given("vanishing", "_default_init", "nncore.problems.vanishing._default_init"),
        Given("vanishing", "_probe", "nncore.problems.vanishing._probe"),
        Given("residual", "ResidualCache", "nncore.residual.ResidualCache"),
        Given("momentum", "Objective", "nncore.problems.momentum.Objective"),
        Given("momentum", "ravine", "nncore.problems.momentum.ravine"),
        Given("momentum", "saddle", "nncore.problems.momentum.saddle"),
        Given("autoencoder", "dae_loss", "nncore.autoencoder.dae_loss"),
        Given("autoencoder", "DenoisingAutoencoder", "nncore.autoencoder.DenoisingAutoencoder"),
        Given(
            "depth_width",
            "equal_param_architectures",
            "nncore.problems.depth_width.equal_param_architectures",
        ),
        Given("depth_width", "target_function", "nncore.problems.depth_width.target_function"),
        *_A4_LECTURE_GIVEN,
    ),
    given_modules=dict(_SHARED_GIVEN_MODULES),
    tasks=(
        Task(
            "a4.gradient_norms",
            4,
            Text("逐层梯度范数（梯度消失）", "per-layer gradient norms (vanishing gradients)"),
        ),
        Task("a4.residual", 5, Text("残差块前向与反向", "residual block forward and backward")),
        Task("a4.saddle", 3, Text("鞍点上的梯度下降与冲量法", "GD and momentum on a saddle")),
        Task(
            "a4.dae",
            5,
            Text(
                "降噪自编码器：加噪、前向、反向", "denoising autoencoder: noise, forward, backward"
            ),
        ),
        Task("a4.pretraining", 3, Text("逐层无监督预训练", "greedy layer-wise pre-training")),
        Task(
            "a4.depth_width",
            2,
            Text("参数个数（加深 vs 加宽）", "parameter count (depth vs width)"),
        ),
        Task(
            "a4.q_vanishing",
            3,
            Text(
                "问答：为什么 sigmoid 深网络梯度消失，残差为何有效",
                "why gradients vanish with sigmoid, and why residual connections help",
            ),
            "manual",
        ),
        Task(
            "a4.q_pretraining",
            2,
            Text(
                "问答：预训练为什么在少量标注数据时有用",
                "why pre-training helps when labels are few",
            ),
            "manual",
        ),
        Task(
            "a4.q_depth",
            2,
            Text("问答：参数相同时加深还是加宽", "deeper or wider at an equal parameter count"),
            "manual",
        ),
        *_A4_LECTURE_TASKS,
    ),
    reveals=("a1", "a2", "a3"),
)

ASSIGNMENTS: dict[str, Assignment] = {a.id: a for a in (A1, A2, A3, A4)}


def get(assignment_id: str) -> Assignment:
    """按 id 取作业 / Look an assignment up by id ('a1' … 'a4')."""
    try:
        return ASSIGNMENTS[assignment_id]
    except KeyError:
        known = ", ".join(ASSIGNMENTS)
        unknown = Text("未知作业", "unknown assignment").joined()
        raise KeyError(f"{unknown} {assignment_id!r}; known: {known}") from None


def all_stubs() -> list[tuple[Assignment, Stub]]:
    """全部桩 / Every (assignment, stub) pair."""
    return [(a, s) for a in ASSIGNMENTS.values() for s in a.stubs]
