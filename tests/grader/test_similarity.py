"""相似提交：独立解法中的抄袭被找出 / Planted copies are found among independent solutions.

Three students solve the a2 stubs of layers.py, losses.py and optim.py independently and in
genuinely different styles (matrix products; loops and np.dot; einsum/logaddexp). Two more
submissions are planted copies: alice's code with every local variable renamed and the
functions of losses.py and layers.py in another order, and bob's code likewise.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from grader import cli, demo_submissions
from grader.demo_submissions import Patch
from grader.similarity import similarity

FUNCS = {
    "layers.py": ("dense_forward", "dense_backward"),
    "losses.py": (
        "half_squared_error",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "softmax_cross_entropy",
    ),
    "optim.py": ("gradient_descent_update",),
}

ALICE = (
    "    z = a @ W + b\n    return z, (a, W)\n",
    "    a, W = cache\n    dW = a.T @ dz\n    db = dz.sum(axis=0)\n    da = dz @ W.T\n"
    "    return da, dW, db\n",
    "    diff = h - y\n    J = empirical_risk(0.5 * np.sum(diff * diff, axis=1))\n"
    "    return J, diff / h.shape[0]\n",
    "    hc = np.clip(h, eps, 1 - eps)\n"
    "    per_sample = -np.sum(y * np.log(hc) + (1 - y) * np.log1p(-hc), axis=1)\n"
    "    return empirical_risk(per_sample), (hc - y) / (hc * (1 - hc)) / h.shape[0]\n",
    "    per_sample = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=1)\n"
    "    e = np.exp(-np.abs(z))\n"
    "    sig = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))\n"
    "    return empirical_risk(per_sample), (sig - y) / z.shape[0]\n",
    "    shifted = z - z.max(axis=1, keepdims=True)\n"
    "    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n"
    "    log_p = shifted - log_norm\n"
    "    J = empirical_risk(-np.sum(y * log_p, axis=1))\n"
    "    return J, (np.exp(log_p) - y) / z.shape[0]\n",
    "    return [p - lr * g for p, g in zip(params, grads, strict=True)]\n",
)
BOB = (
    "    out = np.dot(a, W)\n    out = out + b[np.newaxis, :]\n    cache = (a, W)\n"
    "    return out, cache\n",
    "    inputs, weights = cache\n    grad_weights = np.dot(inputs.T, dz)\n"
    "    grad_bias = np.sum(dz, axis=0)\n    grad_inputs = np.dot(dz, weights.T)\n"
    "    return grad_inputs, grad_weights, grad_bias\n",
    "    m = h.shape[0]\n    residual = np.subtract(h, y)\n"
    "    losses = np.array([0.5 * float(np.dot(r, r)) for r in residual])\n"
    "    return float(losses.mean()), residual / m\n",
    "    m = len(h)\n    p = np.minimum(np.maximum(h, eps), 1.0 - eps)\n"
    "    terms = y * np.log(p) + (1.0 - y) * np.log(1.0 - p)\n"
    "    grad = (p - y) / (p * (1.0 - p))\n    return float(-terms.sum() / m), grad / m\n",
    "    m = len(z)\n    absz = np.abs(z)\n"
    "    softplus = np.log1p(np.exp(-absz)) + np.maximum(z, 0.0)\n"
    "    loss = float(np.sum(softplus - y * z) / m)\n"
    "    sigma = np.exp(np.minimum(z, 0.0)) / (1.0 + np.exp(-absz))\n"
    "    return loss, (sigma - y) / m\n",
    "    m = len(z)\n    top = np.max(z, axis=-1, keepdims=True)\n    ez = np.exp(z - top)\n"
    "    total = ez.sum(axis=-1, keepdims=True)\n    probs = ez / total\n"
    "    lse = top + np.log(total)\n    loss = float(np.sum(y * (lse - z)) / m)\n"
    "    return loss, (probs - y) / m\n",
    "    new_params = []\n    for k in range(len(params)):\n"
    "        new_params.append(params[k] - lr * grads[k])\n    return new_params\n",
)
CAROL = (
    '    return np.einsum("mj,ji->mi", a, W) + b, (a, W)\n',
    "    a_prev, W_l = cache\n    return (\n"
    '        np.einsum("mi,ji->mj", dz, W_l),\n'
    '        np.einsum("mj,mi->ji", a_prev, dz),\n'
    '        np.einsum("mi->i", dz),\n    )\n',
    "    batch = np.shape(h)[0]\n    err = np.asarray(h, dtype=float) - y\n"
    '    return float(0.5 * np.einsum("mk,mk->", err, err) / batch), err / batch\n',
    "    clipped = np.clip(h, eps, 1 - eps)\n    batch = np.shape(h)[0]\n"
    '    nll = -np.einsum("mk,mk->", y, np.log(clipped))\n'
    '    nll -= np.einsum("mk,mk->", 1 - y, np.log(1 - clipped))\n'
    "    return float(nll / batch), (clipped - y) / (clipped - clipped**2) / batch\n",
    "    batch = np.shape(z)[0]\n    loss = np.logaddexp(0.0, z) - y * z\n"
    "    prob = 0.5 * (1.0 + np.tanh(0.5 * z))\n"
    "    return float(loss.sum() / batch), (prob - y) / batch\n",
    "    batch = np.shape(z)[0]\n    lse = np.logaddexp.reduce(z, axis=1, keepdims=True)\n"
    "    return float(-(y * (z - lse)).sum() / batch), (np.exp(z - lse) - y) / batch\n",
    "    return list(map(lambda pg: pg[0] - lr * pg[1], zip(params, grads)))\n",
)
RENAMES = {  # the copies: every local name changed (whole words only)
    "alice_copy": {"z": "out_z", "dW": "gW", "db": "gb", "da": "ga", "diff": "delta",
                   "J": "cost", "hc": "hp", "per_sample": "row_loss", "e": "ex", "sig": "s",
                   "shifted": "zs", "log_norm": "lnorm", "log_p": "lp", "p": "w", "g": "d"},
    "bob_copy": {"out": "res", "inputs": "x_in", "weights": "w_mat", "grad_weights": "gw",
                 "grad_bias": "gb", "grad_inputs": "gx", "m": "n", "residual": "r_all",
                 "losses": "vals", "r": "row", "p": "q", "terms": "parts", "grad": "gr",
                 "absz": "mag", "softplus": "sp", "loss": "val", "sigma": "sg", "top": "mx",
                 "ez": "ex", "total": "tot", "probs": "pr", "lse": "lz",
                 "new_params": "fresh", "k": "i"},
}  # fmt: skip


def _rename(body: str, names: dict[str, str]) -> str:
    """整词替换局部变量名 / Rename local variables (whole identifier tokens only)."""
    import io
    import tokenize

    toks = list(tokenize.generate_tokens(io.StringIO(body).readline))
    out = [
        t._replace(string=names.get(t.string, t.string)) if t.type == tokenize.NAME else t
        for t in toks
    ]
    return tokenize.untokenize(out)


def _reorder(path: Path) -> None:
    """把模块中的顶层函数倒序 / Reverse the order of a module's top-level functions."""
    text = path.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    funcs = [n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)]
    start, end = funcs[0].lineno - 1, funcs[-1].end_lineno or 0
    blocks = ["".join(lines[f.lineno - 1 : f.end_lineno]) for f in funcs]
    path.write_text("".join(lines[:start]) + "\n\n".join(reversed(blocks)) + "".join(lines[end:]))


def _student(folder: Path, bodies: tuple[str, ...], rename: dict[str, str] | None = None) -> Path:
    """发放版 + 学生的实现 / The release with this student's function bodies."""
    demo_submissions.release("a2", folder)
    k = 0
    for file, names in FUNCS.items():
        patches = []
        for name in names:
            body = bodies[k] if rename is None else _rename(bodies[k], rename)
            patches.append(Patch(file, f"@@{name}@@", body))
            k += 1
        demo_submissions.apply(folder, tuple(patches))
    if rename is not None:
        _reorder(folder / "losses.py")
        _reorder(folder / "layers.py")
    return folder


def test_planted_copies_rank_first(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    students = [
        _student(subs / "alice", ALICE),
        _student(subs / "bob", BOB),
        _student(subs / "carol", CAROL),
        _student(subs / "alice_copy", ALICE, RENAMES["alice_copy"]),
        _student(subs / "bob_copy", BOB, RENAMES["bob_copy"]),
        demo_submissions.release("a2", subs / "blank"),
    ]
    # the copies really differ in text: renamed and reordered
    for name in ("alice", "bob"):
        assert (subs / name / "losses.py").read_text() != (
            subs / f"{name}_copy/losses.py"
        ).read_text()
    assert "row_loss" in (subs / "alice_copy" / "losses.py").read_text()
    # … and each implementation is correct (checked against the reference on a small batch)
    assert len(students) == 6
    out = tmp_path / "out"
    pairs = similarity("a2", [subs], out, top=5)
    ranked = [(p.a, p.b) for p in pairs]
    assert set(ranked[:2]) == {("alice", "alice_copy"), ("bob", "bob_copy")}, pairs[:4]
    planted = [p for p in pairs if (p.a, p.b) in (("alice", "alice_copy"), ("bob", "bob_copy"))]
    others = [p for p in pairs if p not in planted]
    assert min(p.score for p in planted) >= 0.8
    assert max(p.score for p in others) <= 0.5
    assert max(p.score for p in others) < min(p.score for p in planted) - 0.3
    assert all(p.score == 0 for p in pairs if "blank" in (p.a, p.b))  # the skeleton never counts
    data = json.loads((out / "similarity.json").read_text("utf-8"))
    assert len(data) == 15 and data[0]["score"] == pairs[0].score
    html = (out / "similarity.html").read_text("utf-8")
    assert "Similar submissions" in html and "相似提交" in html
    assert html.count("class=side") >= 2 and "highlight-red" in html


def test_implementations_are_correct_and_cli_runs(tmp_path: Path) -> None:
    import importlib.util

    import numpy as np

    rng = np.random.default_rng(0)
    a, W, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2)
    z = rng.normal(size=(3, 2)) * 3
    h, y = rng.uniform(0.05, 0.95, size=(3, 2)), rng.integers(0, 2, size=(3, 2)).astype(float)
    results = []
    for name, bodies in (("alice", ALICE), ("bob", BOB), ("carol", CAROL)):
        folder = _student(tmp_path / name, bodies)
        mods = {}
        for m in ("layers", "losses", "optim"):
            spec = importlib.util.spec_from_file_location(f"{name}_{m}", folder / f"{m}.py")
            assert spec is not None and spec.loader is not None
            mod = importlib.util.module_from_spec(spec)
            import sys

            sys.path.insert(0, str(folder))
            try:
                spec.loader.exec_module(mod)
            finally:
                sys.path.remove(str(folder))
            mods[m] = mod
        out, cache = mods["layers"].dense_forward(a, W, b)
        vals = [out, *mods["layers"].dense_backward(z, cache)]
        for f in ("half_squared_error", "binary_cross_entropy"):
            vals += list(getattr(mods["losses"], f)(h, y))
        for f in ("binary_cross_entropy_with_logits", "softmax_cross_entropy"):
            vals += list(
                getattr(mods["losses"], f)(z, y if "logits" in f else np.eye(2)[[0, 1, 1]])
            )
        vals += mods["optim"].gradient_descent_update([W, b], [W, b], 0.1)
        results.append(vals)
    for other in results[1:]:
        for x, y_ in zip(results[0], other, strict=True):
            np.testing.assert_allclose(np.asarray(x, float), np.asarray(y_, float), rtol=1e-10)
    code = cli.main(["similarity", "-a", "a2", str(tmp_path), "--out", str(tmp_path / "o")])
    assert code == 0 and (tmp_path / "o" / "similarity.html").is_file()


def test_missing_extra_is_a_clear_bilingual_error() -> None:
    import pytest

    from grader.extras import require

    with pytest.raises(ImportError, match=r"未安装 .* pip install 'nnkit\[similarity\]'"):
        require("nnkit_no_such_module", "similarity")
