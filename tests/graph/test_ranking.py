"""The fitted ranking model: its log-scale inputs, and the shipped model's round trip."""

from __future__ import annotations

import numpy as np

from graph.ranking import LIKELY, LOG_FLOOR, MODEL_FILE, Ranker, fit, load


def test_a_log_ranker_reads_its_inputs_on_a_log_scale() -> None:
    rng = np.random.default_rng(3)
    shares = rng.uniform(0.0, 1.0, size=(300, len(LIKELY))) ** 3  # mostly small, a few large
    labels = (shares[:, 0] > 0.01).astype(float)
    logged = fit(shares, labels, "test", features=LIKELY, transform="log")
    plain = fit(np.log(shares + LOG_FLOOR), labels, "test", features=LIKELY)
    # the same fit as on logged inputs, and the same scores on raw ones
    assert np.allclose(logged.weights, plain.weights)
    assert np.allclose(logged.score(shares), plain.score(np.log(shares + LOG_FLOOR)))
    # a threshold at 1 % is told better on the log scale than on the linear one
    linear = fit(shares, labels, "test", features=LIKELY)

    def accuracy(model: Ranker) -> float:
        return float(((model.score(shares) > 0.5) == (labels > 0)).mean())

    assert accuracy(logged) > accuracy(linear) and accuracy(logged) > 0.95


def test_the_transform_survives_the_model_file() -> None:
    ranker = Ranker((1.0,) * len(LIKELY), 0.0, (0.0,) * len(LIKELY), (1.0,) * len(LIKELY),
                    "test", LIKELY, "log")
    again = Ranker.of(ranker.as_dict(), LIKELY)
    assert again == ranker
    # the shipped model says how its item measures are read
    assert load(MODEL_FILE).items.transform == "log"
