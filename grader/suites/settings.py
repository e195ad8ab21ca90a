"""训练类例题的设置（唯一来源）/ The training examples' settings: ONE object per example.

The notebook builders (:mod:`grader.release.nb_a3`), the hidden suites (:mod:`grader.suites.a3`,
:mod:`grader.suites.a4`) and the calibration (:mod:`grader.suites.calibrate`) all read these
objects, so the numbers a student sees in the notebook are the numbers the hidden suite uses
(``tests/grader/test_settings_agree.py`` checks that the built notebook states them).

Thresholds are the documented pass marks; the hidden suite additionally passes any run within
``margin`` of the nncore reference trained on the same seed, data and initial weights
(:func:`grader.suites.heldout.threshold_case`), so a correct submission never fails because of
a hard hidden split.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Training:
    """一个训练例题的设置 / The settings of one training example.

    ``sizes``/``activations``/``loss``: the network; ``optimizer``, ``lr``, ``beta``,
    ``epochs``, ``batch_size``, ``lam``: the given ``fit``'s arguments; ``min_accuracy`` /
    ``max_mse`` (best run) and ``max_any_mse`` (every run): the pass marks; ``margin``: how far
    from the same-data reference a correct run may land.
    """

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    lr: float
    epochs: int
    batch_size: int
    optimizer: str = "momentum"
    beta: float = 0.9
    lam: float = 0.0
    min_accuracy: float | None = None
    max_mse: float | None = None
    max_any_mse: float | None = None
    margin: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def fit_kwargs(self) -> dict[str, Any]:
        """给 fit 的参数 / The keyword arguments of the given ``fit`` (and the worker spec)."""
        return {"optimizer": self.optimizer, "lr": self.lr, "beta": self.beta,
                "epochs": self.epochs, "batch_size": self.batch_size, "lam": self.lam}  # fmt: skip


#: a3.sgd_epoch's held-out case: 64-32-10 on 1000 digits, plain SGD, 10 epochs.
SGD = Training(sizes=(64, 32, 10), activations=("sigmoid", "softmax"), loss="ce",
               optimizer="sgd", lr=1.0, epochs=10, batch_size=32, lam=0.0,
               min_accuracy=0.85, margin=0.03)  # fmt: skip

#: 例题2: 1-5-1 curve fit, full-batch momentum from four initialisations.
EXAMPLE2 = Training(sizes=(1, 5, 1), activations=("sigmoid", "identity"), loss="mse",
                    lr=0.3, epochs=1000, batch_size=200, lam=1e-4,
                    max_mse=0.006, max_any_mse=0.03, margin=0.002,
                    extra={"m": 200, "m_test": 500, "limits": (0.5, 0.5, 3.0, 3.0)})  # fmt: skip

#: 例题3: digit 2 vs rest, 64-25-1.
EXAMPLE3 = Training(sizes=(64, 25, 1), activations=("sigmoid", "sigmoid"), loss="bce",
                    lr=0.3, epochs=15, batch_size=32, lam=1e-3,
                    min_accuracy=0.96, margin=0.03)  # fmt: skip

#: 例题4: ten digits, 64-100-10.
EXAMPLE4 = Training(sizes=(64, 100, 10), activations=("sigmoid", "softmax"), loss="ce",
                    lr=0.3, epochs=15, batch_size=32, lam=1e-3,
                    min_accuracy=0.92, margin=0.03)  # fmt: skip

#: a4.pretraining: greedy DAE pre-training 64-32-16, judged by a softmax read-out.
PRETRAINING = Training(sizes=(64, 32, 16), activations=("sigmoid", "sigmoid"), loss="mse",
                       lr=0.1, epochs=10, batch_size=32, min_accuracy=0.6, margin=0.05,
                       extra={"noise": 0.3})  # fmt: skip

#: a4.dbn: greedy CD-1 pre-training of RBMs 64-32-16 (momentum β = 0.9), same read-out.
DBN = Training(sizes=(64, 32, 16), activations=("sigmoid", "sigmoid"), loss="mse",
               lr=0.1, epochs=10, batch_size=32, min_accuracy=0.6, margin=0.05)  # fmt: skip

#: Every training example by task id.
BY_TASK: dict[str, Training] = {
    "a3.sgd_epoch": SGD,
    "a3.example2": EXAMPLE2,
    "a3.example3": EXAMPLE3,
    "a3.example4": EXAMPLE4,
    "a4.pretraining": PRETRAINING,
    "a4.dbn": DBN,
}
