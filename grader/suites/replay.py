"""参考数据作为输入 / Reference-built inputs: one mistake costs one task.

A task that tests one stub must not lose points because another of the student's stubs is
wrong. Two kinds of plain data make that possible without sending solution code to the worker:

* **plain caches** — the reference forward pass's caches as ``((a, W), (z, a', {"activation":
  name}))`` per layer; the worker (``_nnkit_driver.rebuild``) turns ``{"activation": name}``
  into the student's own (given) ``activations.get_activation(name)``, so the student's
  ``mlp_backward`` receives exactly what its contract promises;
* **answer tables** (:func:`replay`) — for the calls a *correct* function makes to the
  student's OTHER stubs (``dense_forward`` inside ``mlp_forward`` …), the reference's answers.
  While the tested function runs, the worker answers those calls from the table; any other
  call goes to the student's own function (``_nnkit_driver.invoke_replayed``).

A table holds no argument values and no readable answers: its key is a hash of the call's
exact arguments (canonical float64 bytes), and each answer is masked (XOR with SHAKE-256 of a
second hash of the same arguments). So the table reveals an answer only to the call a correct
function makes, with the reference's arguments — what an honest composition would get anyway.

The keys and masks are one stdlib+numpy module, ``grader/driver/_nnkit_replay.py``: imported
here, and copied beside the sandbox's driver, which loads it from its own folder (the driver
cannot import the grader across the trust boundary). ``tests/grader/test_a2_collateral.py``
checks that the driver really uses that file and that both sides agree.
"""

from __future__ import annotations

from typing import Any

from grader.driver._nnkit_replay import mask, replay_key

__all__ = ["mask", "plain_caches", "replay", "replay_key"]


def plain_caches(caches: list[Any]) -> list[Any]:
    """nncore 的缓存 → 普通数据 / nncore layer caches as plain data (activation → its name).

    ``[((a, W), (z, a', f)), …]`` → ``[((a, W), (z, a', {"activation": f.name})), …]``.
    """
    return [((a, W), (z, out, {"activation": f.name})) for (a, W), (z, out, f) in caches]


def replay(module: str, function: str, calls: list[tuple[Any, Any]]) -> dict[str, Any]:
    """一个存根的参考答案表 / The reference's answers for calls of the student's ``module.function``.

    ``calls`` lists ``(args, answer)`` for each call a correct tested function makes (positional
    arguments, in the stub's order; caches in :func:`plain_caches` form). The answer may hold
    plain caches too (the worker rebuilds them).
    """
    table = {}
    for args, answer in calls:
        key, seed = replay_key(list(args))
        table[key] = mask(answer, seed)
    return {"module": module, "function": function, "table": table}
