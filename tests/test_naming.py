"""One snake-case rule and one session-wide counter for every automatic name.

Keras is the oracle: its `to_snake_case` (as a black box) on fixed and random names,
and the names it gives to layers, losses, metrics and optimizers created in the same
order after `clear_session()`.
"""

import random
import string

import pytest

import lamina
from lamina._naming import auto_name, to_snake_case

NAMES = [
    "MyMSELoss",
    "Conv2DTranspose",
    "LSTM",
    "SimpleRNN",
    "GRUCell",
    "HTTPServer",
    "My2DLayer",
    "ReLU",
    "PReLU",
    "MeanIoU",
    "F1Score",
    "STFTSpectrogram",
    "UpSampling2D",
    "_Private",
    "<lambda>",
    "myLayer",
    "my_layer",
    "Layer__X",
    "A1B2",
    "X",
]


@pytest.fixture
def keras_snake_case(keras):
    from keras.src.utils.naming import to_snake_case as keras_rule

    return keras_rule


def test_fixed_names_follow_keras(keras_snake_case):
    assert [to_snake_case(n) for n in NAMES] == [keras_snake_case(n) for n in NAMES]
    assert to_snake_case("MyMSELoss") == "my_mse_loss"


def test_random_names_follow_keras(keras_snake_case):
    rng = random.Random(0)
    alphabet = string.ascii_letters + string.digits + "_<> -"
    names = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10)))
        for _ in range(3000)
    ]
    differ = [(n, to_snake_case(n), keras_snake_case(n)) for n in names]
    differ = [d for d in differ if d[1] != d[2]]
    assert not differ, differ[:5]


def _automatic_names(lib):
    """Objects of every kind created without a name, in one fixed order."""

    class MyMSELoss(lib.losses.Loss):
        def call(self, y_true, y_pred):
            return y_true

    class MyHTTPMetric(lib.metrics.Metric):
        def update_state(self, *args, **kwargs):
            pass

        def result(self):
            return 0.0

    class Dense(lib.losses.Loss):  # shares the counter with the Dense layer
        def call(self, y_true, y_pred):
            return y_true

    return [
        lib.layers.Dense(1).name,
        MyMSELoss().name,
        MyMSELoss().name,
        MyHTTPMetric().name,
        MyHTTPMetric().name,
        Dense().name,
        lib.optimizers.Adam().name,
        lib.optimizers.Adam().name,
        lib.layers.LSTM(2).name,
        lib.Sequential().name,
    ]


def test_automatic_names_match_keras(keras):
    keras.utils.clear_session()
    expected = _automatic_names(keras)
    lamina.backend.clear_session()
    got = _automatic_names(lamina)
    assert got == expected
    assert got[:3] == ["dense", "my_mse_loss", "my_mse_loss_1"]


def test_clear_session_resets_the_one_counter():
    lamina.backend.clear_session()
    first = [auto_name("Adam"), auto_name("Adam"), auto_name("MyMSELoss")]
    lamina.backend.clear_session()
    again = [auto_name("Adam"), auto_name("Adam"), auto_name("MyMSELoss")]
    assert first == again == ["adam", "adam_1", "my_mse_loss"]
