"""例题2 代价函数的符号勘误 / The sign erratum of 例题2's cost function.

The slide prints J(W, b) = −(1/2m) Σ (a_1^(3)(x^(i)) − y^(i))² + λ/(2m) Σ_j [(w_1j^(1))² + (w_j1^(2))²]
with a stray minus sign in front of the error term. Minimising that J *maximises* the squared
error (and the weight decay cannot stop it: the error term grows without bound while λ is
small). The kit uses the correct J = (1/2m) Σ (a − y)² + λ/(2m) Σ w². :func:`sign_erratum` shows
the difference with 例题2's own data and network: the same gradient-descent steps on both
objectives, the training MSE (1/m) Σ (a − y)² before and after.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.data import ZScore, curve
from nncore.examples.example2 import init_network
from nncore.losses import weight_decay


def sign_erratum(
    *, steps: int = 40, lr: float = 0.3, lam: float = 1e-4, hidden: int = 5, m: int = 200
) -> dict[str, Any]:
    """两种符号各做梯度下降 / Full-batch gradient descent on the correct and the slide's J.

    Data: ``curve(m, seed=0)`` with x standardised; network 1-``hidden``-1 (sigmoid, linear
    output) from 例题2's initialisation U[−3, 3], seed 0. Returns the training MSE before and
    after ``steps`` steps for each sign, and the J each run minimised.
    """
    x, y = curve(m, seed=0)
    xs = ZScore().fit(x).transform(x)
    out: dict[str, Any] = {"steps": steps, "lr": lr, "lam": lam, "hidden": hidden, "m": m}
    for name, sign in (("correct", 1.0), ("slide", -1.0)):
        net = init_network(hidden, 3.0, 0)
        mse0 = float(np.mean((net.predict(xs) - y) ** 2))
        with np.errstate(over="ignore"):
            for _ in range(steps):
                J_err, grads = net.loss(xs, y, "mse")
                R, dR = weight_decay(net.weights, lam, m)
                for k, p in enumerate(net.params):
                    g = sign * grads[k] + (dR[k // 2] if k % 2 == 0 else 0.0)
                    p -= lr * g
        J = sign * J_err + R
        out[name] = {
            "mse_before": mse0,
            "mse_after": float(np.mean((net.predict(xs) - y) ** 2)),
            "J_after": float(J),
        }
    return out


def errata_section(number: int = 3) -> list[str]:
    """勘误页的例题2 一节 / The 例题2 section of the errata page (Markdown lines)."""
    r = sign_erratum()
    c, s = r["correct"], r["slide"]
    return [
        "",
        f"## {number}. 例题2 代价函数的符号 / The sign of 例题2's cost function",
        "",
        "讲义印的是 J(W, b) = −(1/2m) Σ (a_1^(3)(x^(i)) − y^(i))² + λ/(2m) Σ_j [(w_1j^(1))² + (w_j1^(2))²]："
        "误差项前多了一个负号。最小化这个 J 等于**最大化**平方误差；正确的是 "
        "J = (1/2m) Σ (a_1^(3) − y)² + λ/(2m) Σ w²（本套件一直使用正确的符号）。 / The slide prints "
        "J(W, b) = −(1/2m) Σ (a_1^(3)(x^(i)) − y^(i))² + λ/(2m) Σ_j [(w_1j^(1))² + (w_j1^(2))²]: "
        "the minus sign in front of the error term is a typo. Minimising that J *maximises* the "
        "squared error; the correct cost is J = (1/2m) Σ (a_1^(3) − y)² + λ/(2m) Σ w² (the kit "
        "always uses it).",
        "",
        f"例题2 的数据（m = {r['m']}，x 标准化）与网络 1-{r['hidden']}-1（初值 U[−3, 3]，种子 0），"
        f"全批量梯度下降 {r['steps']} 步，α = {r['lr']:g}，λ = {r['lam']:g}： / 例题2's data "
        f"(m = {r['m']}, x standardised) and 1-{r['hidden']}-1 network (initial weights U[−3, 3], "
        f"seed 0), {r['steps']} full-batch gradient-descent steps, α = {r['lr']:g}, "
        f"λ = {r['lam']:g}:",
        "",
        "| 代价函数 / cost | 训练 MSE 之前 / before | 训练 MSE 之后 / after |",
        "|---|---:|---:|",
        f"| 正确 / correct: +(1/2m) Σ (a − y)² | {c['mse_before']:.4f} | {c['mse_after']:.4f} |",
        f"| 讲义 / slide: −(1/2m) Σ (a − y)² | {s['mse_before']:.4f} | {s['mse_after']:.4g} |",
    ]
