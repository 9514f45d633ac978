"""Cases for EinsumDense, RMSNormalization, ReversibleEmbedding, adaptive
pooling, GroupQueryAttention and ConvLSTM."""

from lamina.testing.layer_cases import LayerCase

_TOL = {"atol": 1e-4, "rtol": 1e-4}

CASES = [
    LayerCase("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 4}, (2, 3)),
    LayerCase(
        "EinsumDense",
        {
            "equation": "abc,cd->abd",
            "output_shape": (None, 4),
            "bias_axes": "d",
            "activation": "relu",
            "bias_initializer": "random_normal",
        },
        (2, 3, 5),
    ),
    LayerCase(
        "EinsumDense",
        {
            "equation": "...b,bcd->...cd",
            "output_shape": (2, 3),
            "bias_axes": "cd",
            "bias_initializer": "random_normal",
        },
        (2, 4, 5),
    ),
    LayerCase(
        "EinsumDense",
        {
            "equation": "abc...,cd->abd...",
            "output_shape": (None, 3),
            "bias_axes": "d",
            "bias_initializer": "random_normal",
        },
        (2, 3, 4, 2),
    ),
    LayerCase("RMSNormalization", {}, (2, 3, 4)),
    LayerCase("RMSNormalization", {"axis": [1, 2], "epsilon": 1e-3}, (2, 3, 4)),
    LayerCase(
        "ReversibleEmbedding",
        {"input_dim": 10, "output_dim": 4},
        (2, 5),
        input_dtype="int64",
    ),
    LayerCase(
        "ReversibleEmbedding",
        {"input_dim": 7, "output_dim": 3, "tie_weights": False},
        (2, 5),
        input_dtype="int64",
        input_range=(0, 7),
        fit=False,  # the reverse kernel is unused by the forward lookup
    ),
    LayerCase("AdaptiveAveragePooling1D", {"output_size": 3}, (2, 7, 2), fit=False),
    LayerCase(
        "AdaptiveAveragePooling2D", {"output_size": (2, 3)}, (2, 5, 7, 2), fit=False
    ),
    LayerCase(
        "AdaptiveAveragePooling3D",
        {"output_size": 2, "data_format": "channels_first"},
        (1, 2, 5, 4, 3),
        fit=False,
    ),
    LayerCase("AdaptiveMaxPooling1D", {"output_size": 4}, (2, 9, 2), fit=False),
    LayerCase(
        "AdaptiveMaxPooling2D",
        {"output_size": 3, "data_format": "channels_first"},
        (2, 2, 7, 5),
        fit=False,
    ),
    LayerCase(
        "AdaptiveMaxPooling3D", {"output_size": (1, 2, 2)}, (1, 3, 4, 5, 2), fit=False
    ),
    LayerCase(
        "ConvLSTM1D",
        {"filters": 3, "kernel_size": 3, "padding": "same"},
        (2, 4, 6, 2),
        **_TOL,
    ),
    LayerCase(
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 3, "return_sequences": True},
        (2, 3, 5, 5, 2),
        **_TOL,
    ),
    LayerCase(
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": (2, 3),
            "strides": 2,
            "padding": "same",
            "go_backwards": True,
            "data_format": "channels_first",
        },
        (2, 3, 2, 6, 5),
        **_TOL,
    ),
    LayerCase(
        "ConvLSTM3D",
        {"filters": 2, "kernel_size": 2, "use_bias": False},
        (1, 2, 3, 3, 3, 1),
        **_TOL,
    ),
    LayerCase(
        "SpectralNormalization",
        {},
        (3, 4),
        wrapped=("Dense", {"units": 3}),
        training_parity=True,
    ),
    LayerCase(
        "SpectralNormalization",
        {"power_iterations": 3},
        (2, 5, 5, 2),
        wrapped=("Conv2D", {"filters": 3, "kernel_size": 2}),
        training_parity=True,
        **_TOL,
    ),
    LayerCase(
        "GroupQueryAttention",
        {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2},
        [(2, 3, 6), (2, 5, 6)],
        positional_inputs=True,
        **_TOL,
    ),
    LayerCase(
        "GroupQueryAttention",
        {
            "head_dim": 3,
            "num_query_heads": 2,
            "num_key_value_heads": 1,
            "use_bias": False,
            "use_gate": True,
        },
        [(2, 4, 5), (2, 4, 5)],
        positional_inputs=True,
        call_kwargs={"use_causal_mask": True},
        **_TOL,
    ),
    LayerCase(
        "GroupQueryAttention",
        {
            "head_dim": 2,
            "num_query_heads": 3,
            "num_key_value_heads": 3,
            "sliding_window": 2,
            "bias_initializer": "random_normal",
        },
        [(2, 4, 4), (2, 4, 4), (2, 4, 4)],
        positional_inputs=True,
        **_TOL,
    ),
]
