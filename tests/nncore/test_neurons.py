"""TLU、感知机、逻辑回归 / TLU, perceptron, logistic regression."""

import numpy as np
import pytest

from nncore.gradcheck import numerical_gradient, relative_error
from nncore.neurons import (
    TLU,
    ConvergenceWarning,
    LogisticRegression,
    Perceptron,
    logistic_gradient,
)

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
TRUTH = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "xor": [0, 1, 1, 0]}


@pytest.mark.parametrize("gate", ["and", "or"])
def test_perceptron_converges_on_and_or(gate):
    p = Perceptron(max_epochs=50).fit(X, TRUTH[gate])
    assert p.converged_ and p.epochs_ < 50
    np.testing.assert_array_equal(p.predict(X), TRUTH[gate])


def test_perceptron_reports_failure_on_xor_and_stops():
    with pytest.warns(ConvergenceWarning, match="did not converge within 30 epochs"):
        p = Perceptron(max_epochs=30).fit(X, TRUTH["xor"])
    assert not p.converged_ and p.epochs_ == 30
    assert min(p.errors_) > 0


def test_tlu_with_the_slides_single_weight():
    np.testing.assert_array_equal(TLU(1.0, 1.5).predict(X), TRUTH["and"])
    np.testing.assert_array_equal(TLU(np.array([1.0, 1.0]), 0.5).predict(X), TRUTH["or"])


def test_logistic_gradient_and_training():
    rng = np.random.default_rng(0)
    Xr, y = rng.normal(size=(8, 3)), rng.integers(0, 2, size=8).astype(float)
    w, b = rng.normal(size=3), np.array([0.3])
    _, dw, db = logistic_gradient(Xr, y, w, float(b[0]))
    assert (
        relative_error(
            dw, numerical_gradient(lambda: logistic_gradient(Xr, y, w, float(b[0]))[0], w)
        )
        < 1e-7
    )
    assert (
        relative_error(
            db, numerical_gradient(lambda: logistic_gradient(Xr, y, w, float(b[0]))[0], b)
        )
        < 1e-7
    )
    model = LogisticRegression(lr=1.0, epochs=2000).fit(X, TRUTH["and"])
    np.testing.assert_array_equal(model.predict(X), TRUTH["and"])
    assert model.loss_[-1] < model.loss_[0]
