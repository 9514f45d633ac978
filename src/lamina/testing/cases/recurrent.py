"""Cases for the recurrent layers, their wrappers, Embedding and Masking."""

from lamina.testing.layer_cases import LayerCase

_X = (2, 5, 3)  # batch, timesteps, features

CASES = [
    LayerCase("SimpleRNN", {"units": 4}, _X),
    LayerCase(
        "SimpleRNN", {"units": 4, "return_sequences": True, "go_backwards": True}, _X
    ),
    LayerCase("SimpleRNN", {"units": 3, "activation": "relu", "use_bias": False}, _X),
    LayerCase("SimpleRNN", {"units": 3, "activation": "softsign"}, _X),
    LayerCase("LSTM", {"units": 4}, _X),
    LayerCase("LSTM", {"units": 4, "return_sequences": True}, _X),
    LayerCase("LSTM", {"units": 3, "go_backwards": True, "use_bias": False}, _X),
    LayerCase("LSTM", {"units": 3, "unit_forget_bias": False}, _X),
    LayerCase("LSTM", {"units": 3, "recurrent_activation": "hard_sigmoid"}, _X),
    LayerCase("LSTM", {"units": 3, "return_state": True}, _X, fit=False),
    LayerCase("LSTM", {"units": 3, "dropout": 0.5, "recurrent_dropout": 0.5}, _X),
    LayerCase("GRU", {"units": 4}, _X),
    LayerCase("GRU", {"units": 4, "return_sequences": True, "go_backwards": True}, _X),
    LayerCase("GRU", {"units": 4, "reset_after": False}, _X),
    LayerCase("GRU", {"units": 3, "reset_after": False, "use_bias": False}, _X),
    LayerCase("GRU", {"units": 3, "activation": "relu"}, _X),
    LayerCase(
        "GRU",
        {"units": 3, "return_state": True, "return_sequences": True},
        _X,
        fit=False,
    ),
    LayerCase(
        "Embedding", {"input_dim": 10, "output_dim": 4}, (2, 5), input_dtype="int64"
    ),
    LayerCase(
        "Embedding",
        {"input_dim": 10, "output_dim": 3, "mask_zero": True},
        (2, 5),
        input_dtype="int64",
    ),
    LayerCase("Masking", {"mask_value": 0.0}, _X, fit=False),
]
