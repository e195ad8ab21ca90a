"""声明式规格框架与登记表 / The spec framework, the explicit registry and the Text type.

Unit tests with a fake context (no sandbox): the student's "reply" is computed here, so each
test decides exactly what the stub returned.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from grader import engine, feedback, manifest, registry
from grader.registry import Case, Reply
from grader.suites.spec import SAME, Cases, Out, Spec, Values
from grader.text import Text
from nncore import activations as A


class FakeContext:
    """假的上下文：``answer(function, *args)`` 充当学生的代码 / A context whose stub is a function."""

    def __init__(self, answer: Callable[..., Any], seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.student = "s"
        self.answer = answer
        self.calls: list[str] = []

    def call(self, function: str, *args: Any, **kwargs: Any) -> Reply:
        self.calls.append(function)
        return Reply(True, self.answer(function, *args, **kwargs), function=function)

    def run(self, driver: str, *args: Any) -> Reply:
        self.calls.append(driver)
        return Reply(True, self.answer(driver, *args), function=driver)


def _relu_spec(oracle: Callable[[Values], Any] = lambda v: A.relu(v.z)) -> Spec:
    """一个小规格：ReLU，两组用例 / A small spec: ReLU on two groups of cases."""
    return Spec(
        "a1.relu",
        checked=Text("ReLU", "ReLU"),
        cases=(
            Cases(
                "activations.relu",
                Text("用例", "case"),
                lambda d: {"z": d.rng.uniform(-2, 2, (3, 4))},
                oracle,
                (Out("relu(z)", dtype=SAME),),
                args=("z",),
                mistakes={"abs_instead": lambda v: np.abs(v.z)},
                n=2,
            ),
            Cases(
                "activations.relu_derivative",
                Text("导数", "derivative"),
                lambda d: {"z": d.prev.z},
                lambda v: A.relu_derivative(v.z),
                (Out("relu'(z)"),),
                args=("z",),
            ),
        ),
        hints={"abs_instead": Text("用了 |z|", "used |z|")},
    )


def _reference(function: str, *args: Any, **kwargs: Any) -> Any:
    return getattr(A, function.split(".")[1])(*args, **kwargs)


def test_correct_reply_passes_and_labels_are_numbered() -> None:
    cases = _relu_spec().check(FakeContext(_reference))
    assert [c.passed for c in cases] == [True, True, True]
    assert [c.label for c in cases] == [
        Text("用例 1/2", "case 1/2"),
        Text("用例 2/2", "case 2/2"),
        Text("导数", "derivative"),
    ]


def test_prev_reuses_the_inputs_of_the_case_before() -> None:
    seen: list[np.ndarray] = []

    def answer(function: str, z: np.ndarray) -> Any:
        seen.append(z)
        return _reference(function, z)

    _relu_spec().check(FakeContext(answer))
    assert np.array_equal(seen[1], seen[2]) and not np.array_equal(seen[0], seen[1])


def test_a_spec_whose_oracle_disagrees_fails() -> None:
    """规格的 oracle 与正确答案不符时用例失败 / A wrong oracle fails the right answer."""
    spec = _relu_spec(oracle=lambda v: np.maximum(v.z, 0.0) + 1e-3)
    cases = spec.check(FakeContext(_reference))
    assert [c.passed for c in cases] == [False, False, True]
    assert cases[0].comparisons[0].kind == "value" and not cases[0].hints


def test_planted_mistake_gets_its_hint_in_the_message() -> None:
    """埋入的错误得到它的提示 / A stub returning a mistake variant is named by its hint."""

    def answer(function: str, z: np.ndarray) -> Any:
        return np.abs(z) if function == "activations.relu" else _reference(function, z)

    spec = _relu_spec()
    cases = spec.check(FakeContext(answer))
    assert [c.passed for c in cases] == [False, False, True]
    assert cases[0].hints == ["abs_instead"]
    task = spec.task()
    table = registry.build_table([SimpleNamespace(__name__="fake", TASKS=(spec,))])
    assert table.hints["abs_instead"] == Text("用了 |z|", "used |z|")
    assert task.functions == ("activations.relu", "activations.relu_derivative")


def test_dtype_same_and_inplace_and_stability_come_from_common() -> None:
    """float32 须保持、就地修改与溢出警告与代码任务同样判定 / Same checks as code tasks."""

    def answer(function: str, z: np.ndarray) -> Any:
        return _reference(function, z).astype(np.float64)

    spec = Spec(
        "a1.relu",
        Text("x", "x"),
        (
            Cases(
                "activations.relu",
                Text("f32", "f32"),
                lambda d: {"z": d.rng.uniform(-1, 1, (2, 2)).astype(np.float32)},
                lambda v: A.relu(v.z),
                (Out("relu(z)", dtype=SAME),),
                args=("z",),
            ),
        ),
    )
    (case,) = spec.check(FakeContext(answer))
    assert not case.passed and case.comparisons[0].kind == "dtype"

    class Mutating(FakeContext):
        def call(self, function: str, *args: Any, **kwargs: Any) -> Reply:
            r = super().call(function, *args, **kwargs)
            r.mutated, r.warnings = [0], ["overflow"]
            return r

    (case,) = spec.check(Mutating(_reference))
    assert not case.passed and case.hints[0] == "inplace"


def test_mistake_must_have_the_oracles_structure() -> None:
    """返回元组的 oracle，其错误值也须是元组 / A bare array for a tuple oracle is a bug."""
    spec = Spec(
        "a1.logistic",
        Text("x", "x"),
        (
            Cases(
                "neurons.logistic_gradient",
                Text("g", "g"),
                lambda d: {"z": 1.0},
                lambda v: (1.0, np.ones(2), 0.5),
                (Out("J", pick=0, scalar=True),),
                args=("z",),
                mistakes={"bare": lambda v: np.ones(2)},
            ),
        ),
    )
    with pytest.raises(TypeError, match="bare"):
        spec.check(FakeContext(lambda f, z: (1.0, np.ones(2), 0.5)))


def test_routine_and_review() -> None:
    """驱动例程与复查钩子 / A driver routine instead of the stub, and a review hook."""

    def review(case: Case, reply: Reply, v: Values) -> Case:
        if reply.ok and reply.value.get("mutated"):
            case.passed, case.note = False, Text("dout 被就地修改", "dout was modified in place")
        return case

    spec = Spec(
        "a1.relu",
        Text("x", "x"),
        (
            Cases(
                "activations.relu",
                Text("例程", "routine"),
                lambda d: {"z": d.rng.uniform(-1, 1, 3), "bad": d.k == 1},
                lambda v: {"result": A.relu(v.z)},
                (Out("relu(z)", pick="result"),),
                args=("z", "bad"),
                n=2,
                routine="relu_routine",
                review=review,
            ),
        ),
    )
    ctx = FakeContext(lambda name, z, bad: {"result": A.relu(z), "mutated": bad})
    ok, bad = spec.check(ctx)
    assert ctx.calls == ["relu_routine", "relu_routine"]
    assert ok.passed and not bad.passed and bad.note.en == "dout was modified in place"

    class Failing(FakeContext):
        def run(self, driver: str, *args: Any) -> Reply:
            return Reply(
                False, kind="not_implemented", error="NotImplementedError", function=driver
            )

    (failed, _) = spec.check(Failing(lambda *a: None))
    assert failed.reply is not None and failed.reply.function == "activations.relu"


def test_reimporting_suites_does_not_change_the_registry() -> None:
    """导入两次不重复、不修改登记表 / Importing or reloading a suite registers nothing."""
    before = registry.table()
    ids = list(before.tasks)
    hints_before = dict(feedback.HINTS)
    for name in registry.SUITES:
        importlib.reload(importlib.import_module(f"grader.suites.{name}"))
    assert registry.table() is before and list(registry.table().tasks) == ids
    assert feedback.HINTS == hints_before
    fresh = registry.build_table(
        importlib.import_module(f"grader.suites.{s}") for s in registry.SUITES
    )
    assert list(fresh.tasks) == ids and dict(fresh.hints) == dict(before.hints)


def test_every_manifest_task_has_exactly_one_registered_task() -> None:
    ids = [
        t.id
        for s in registry.SUITES
        for t in map(registry._as_task, importlib.import_module(f"grader.suites.{s}").TASKS)
    ]
    assert len(ids) == len(set(ids))
    auto = {t.id for a in registry.ASSIGNMENTS for t in manifest.get(a).tasks if t.kind == "auto"}
    assert set(ids) == auto


def test_every_task_object_of_a_suite_is_listed_in_its_tasks() -> None:
    """模块里定义的任务都在 TASKS 中 / No task or spec is defined but left out of TASKS."""
    for s in registry.SUITES:
        mod = importlib.import_module(f"grader.suites.{s}")
        defined = {id(v) for v in vars(mod).values() if isinstance(v, registry.Task | Spec)}
        assert defined <= {id(t) for t in mod.TASKS}, s


def test_duplicate_ids_and_conflicting_hints_are_refused() -> None:
    spec = _relu_spec()
    with pytest.raises(ValueError, match="duplicate"):
        registry.build_table([SimpleNamespace(__name__="m", TASKS=(spec, spec))])
    clash = SimpleNamespace(__name__="m", TASKS=(), HINTS={"sign_error": Text("a", "b")})
    with pytest.raises(ValueError, match="sign_error"):
        registry.build_table([clash])
    with pytest.raises(ValueError, match="functions"):
        Spec("a1.relu", Text(), spec.cases, functions=("activations.relu",)).task()
    with pytest.raises(KeyError):
        registry.build_table([SimpleNamespace(__name__="m", TASKS=(Spec("a1.nope", Text(), ()),))])


def test_every_spec_mistake_code_has_a_hint_text() -> None:
    """规格中的每个错误代码都有提示文本 / Every mistake code of every spec has a text."""
    for s in registry.SUITES:
        for item in importlib.import_module(f"grader.suites.{s}").TASKS:
            if isinstance(item, Spec):
                for group in item.cases:
                    for code in group.mistakes:
                        assert registry.hint(code), (item.id, code)


def test_text_type() -> None:
    t = Text("随机用例", "random case")
    assert t.numbered(2, 4) == Text("随机用例 2/4", "random case 2/4")
    assert t + Text("！", "!") == Text("随机用例！", "random case!")
    assert Text("{w} 正确", "{w} is correct").format(w="z") == Text("z 正确", "z is correct")
    assert Text.join(Text("；", "; "), [t, t]).en == "random case; random case"
    assert not Text() and t
    with pytest.raises(TypeError):
        Text(("a", "b"), "c")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Case(("a", "b"), True)  # type: ignore[arg-type]


def test_summary_message_uses_the_task_hint_text() -> None:
    """报告消息里出现规格旁写的提示 / The report message carries the hint written by the spec."""
    task = registry.get("a1.threshold")
    case = Case(Text("用例", "case"), False, hints=["np_sign"])
    result = engine.summarise(task, [case], set(), 0.0)
    assert "np.sign(0) = 0" in result.message_en and "np.sign(0) = 0" in result.message_zh


def test_a_code_named_by_the_task_drops_the_codes_it_supersedes() -> None:
    """任务级取代 / ``supersedes``: the perceptron's delta rule (y − (wᵀx + b)) agrees with the
    ">" rule at a tie, so that case names ``threshold_at_zero`` (first in the table); once
    ``delta_rule`` is named by another case, the task's hints drop ``threshold_at_zero``. A
    genuine ">" (it fails only at ties) keeps its hint."""
    task = registry.get("a1.perceptron")
    assert task.supersedes == {"delta_rule": ("threshold_at_zero",)}

    def hints(*codes: list[str]) -> list[str]:
        cases = [Case(Text("用例", "case"), False, hints=list(c)) for c in codes]
        return engine.summarise(task, cases, set(), 0.0).hints

    assert hints(["delta_rule"], ["threshold_at_zero"]) == ["delta_rule"]
    assert hints(["threshold_at_zero"], ["delta_rule"]) == ["delta_rule"]
    assert hints(["threshold_at_zero"]) == ["threshold_at_zero"]  # a genuine ">"
    assert hints(["sign_error"], ["threshold_at_zero"]) == ["sign_error", "threshold_at_zero"]
    result = engine.summarise(
        task,
        [Case(Text("平局", "tie"), False, hints=["threshold_at_zero"]),
         Case(Text("更新", "update"), False, hints=["delta_rule"])],
        set(),
        0.0,
    )  # fmt: skip
    text = registry.hint("delta_rule")
    assert text.en in result.message_en and text.zh in result.message_zh
    tie = registry.hint("threshold_at_zero")
    assert tie.en not in result.message_en and tie.zh not in result.message_zh
    assert task.named(["a", "threshold_at_zero", "b", "delta_rule"]) == ["a", "b", "delta_rule"]
    assert registry.get("a1.tlu").named(["threshold_at_zero", "delta_rule"]) == [
        "threshold_at_zero",
        "delta_rule",
    ]  # only the task that declares it


def test_supersedes_is_validated() -> None:
    """取代关系须是代码元组且不能互相取代 / ``supersedes`` maps a code to a tuple of codes,
    and two codes may not supersede each other (both would vanish)."""
    spec = _relu_spec()

    def build(supersedes: Any) -> None:
        bad = Spec(spec.id, Text(), spec.cases, supersedes=supersedes)
        registry.build_table([SimpleNamespace(__name__="m", TASKS=(bad,))])

    build({"a": ("b",)})
    with pytest.raises(TypeError, match="tuple"):
        build({"a": "b"})
    with pytest.raises(ValueError, match="each other"):
        build({"a": ("b",), "b": ("a",)})
    with pytest.raises(ValueError, match="each other"):
        build({"a": ("a",)})


def test_every_superseded_code_has_a_hint_text() -> None:
    """取代关系中的代码都有提示文本 / Every code in a task's ``supersedes`` is a known hint."""
    known = registry.table().hints
    for t in registry.all_tasks():
        for code, old in t.supersedes.items():
            assert code in known and set(old) <= set(known), t.id


def test_a_mistake_that_explains_every_output_suppresses_partial_ones() -> None:
    """一个解释全部输出的错误压过只解释一部分的 / One code explaining every failed output is
    the only hint; a code that fits one output only would name another mistake."""
    from grader.suites.common import Expect, case_from_reply, diagnose

    want = (np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    got = (np.array([1.5, 2.5]), np.array([-3.0, -4.0]))
    exps = [
        Expect("θ", want[0], lambda r: r[0], {"other": np.zeros(2), "right": got[0]}),
        Expect("v", want[1], lambda r: r[1], {"other": got[1], "right": got[1]}),
    ]
    case = case_from_reply(Reply(True, got), exps, Text("用例", "case"))
    assert not case.passed and case.hints == ["right"]  # per output it was "right", "other"
    # without a code for the whole reply each failed output names its first match
    assert diagnose([["a", "b"], ["c"]]) == ["a", "c"]
    assert diagnose([["a", "b"], ["b"]]) == ["b"]
    # codes that all explain everything coincide on this case: the first in the table's order
    assert diagnose([["a", "b"], ["b", "a"]]) == ["a"] and diagnose([["a", "b"]]) == ["a"]
    assert diagnose([["a"], []]) == ["a"] and diagnose([]) == []


def test_a_mistake_equal_to_the_answer_is_not_matched() -> None:
    """与正确值相同的错误值不算诊断 / A mistake whose value is the right one on this case (a tie
    rule without a tie) is not matched by a right value of the wrong dtype."""
    from grader.suites.common import Expect, compare_expect

    want = np.array([1.0, 0.0, 1.0])
    exp = Expect("f(z)", want, dtype=np.float64, mistakes={"tie": want.copy(), "flip": 1 - want})
    comp, codes = compare_expect(want.astype(int), exp)
    assert comp.kind == "dtype" and codes == []
    comp, codes = compare_expect(1 - want, exp)
    assert comp.kind == "value" and codes == ["flip"]


@pytest.mark.parametrize("seed", range(40))
def test_every_student_gets_two_hidden_layers_and_k_1(seed: int) -> None:
    """Issue 9, item 3: every network task has, for EVERY student, a case with two or more
    hidden layers and a case with K = 1 (only the values are random). Checked on what the
    tables send: a4.gradient_norms (depth d = d − 1 hidden layers, one output unit) and
    a4.auxiliary (hidden layers, K = the targets' columns)."""
    from grader.suites import a4, a4_lecture

    sent: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def answer(function: str, *args: Any, **kwargs: Any) -> Any:
        sent.append((function, args, kwargs))
        return None

    a4.GRADIENT_NORMS.check(FakeContext(answer, seed))
    depths = [args[0] for f, args, _ in sent if f == "vanishing.layer_gradient_norms"]
    assert depths and depths[0] >= 3, depths  # the first case, for everyone
    sent.clear()
    a4_lecture.AUXILIARY.check(FakeContext(answer, seed))
    nets = [(len(args[2]) - 1, args[2][-1].shape[1]) for f, args, _ in sent]  # (hidden, K)
    assert nets and all(h >= 2 for h, _ in nets) and 1 in {k for _, k in nets}, nets
    # the first case, for everyone: a^(k+1) is a hidden layer as wide as a^(k), so a head on
    # the wrong layer answers wrong values (named) rather than raising a shape error
    weights, k = sent[0][1][2], sent[0][1][7]
    assert k - 1 < len(weights) - 1, k  # a^(k+1) = output of weights[k − 1] is hidden
    assert weights[k - 2].shape[1] == weights[k - 1].shape[1], [w.shape for w in weights]
