"""Cases for the preprocessing layers that Keras runs without TensorFlow.

Augmentations use degenerate factor ranges (`(a, a)`), so a training call is
deterministic and compares with Keras value for value.
"""

from lamina.testing.layer_cases import LayerCase

_IMG = (2, 5, 7, 3)
_TRAIN = {"training": True}
_INFER = {"training": False}  # a direct call defaults to training, as in Keras


def _case(layer: str, kwargs: dict, shape: tuple = _IMG, **extra) -> LayerCase:
    return LayerCase(layer, kwargs, shape, fit=False, **{"atol": 1e-4, **extra})


CASES = [
    _case(
        "CategoryEncoding",
        {"num_tokens": 6},
        (3, 4),
        input_dtype="int64",
        input_range=(0, 6),
    ),
    _case(
        "CategoryEncoding",
        {"num_tokens": 5, "output_mode": "one_hot"},
        (4, 1),
        input_dtype="int64",
        input_range=(0, 5),
    ),
    _case(
        "CategoryEncoding",
        {"num_tokens": 7, "output_mode": "count"},
        (3, 5),
        input_dtype="int64",
        input_range=(0, 7),
    ),
    _case("Resizing", {"height": 3, "width": 4}),
    _case("Resizing", {"height": 8, "width": 4, "interpolation": "nearest"}),
    _case(
        "Resizing",
        {
            "height": 4,
            "width": 4,
            "interpolation": "bicubic",
            "crop_to_aspect_ratio": True,
        },
    ),
    _case(
        "Resizing",
        {"height": 3, "width": 2, "pad_to_aspect_ratio": True, "fill_value": 1.0},
    ),
    _case("Resizing", {"height": 2, "width": 3, "antialias": True}),
    _case(
        "Resizing",
        {"height": 3, "width": 3, "data_format": "channels_first"},
        (2, 3, 5, 7),
    ),
    _case("CenterCrop", {"height": 3, "width": 4}),
    _case("CenterCrop", {"height": 6, "width": 9}),
    _case("RandomFlip", {"mode": "horizontal"}, call_kwargs=_INFER),
    _case("RandomRotation", {"factor": (0.1, 0.1)}, call_kwargs=_TRAIN),
    _case(
        "RandomRotation",
        {"factor": (-0.3, -0.3), "fill_mode": "constant", "fill_value": 2.0},
        call_kwargs=_TRAIN,
    ),
    _case(
        "RandomRotation",
        {"factor": (0.2, 0.2), "fill_mode": "wrap", "interpolation": "nearest"},
        call_kwargs=_TRAIN,
    ),
    _case(
        "RandomRotation",
        {
            "factor": (0.05, 0.05),
            "fill_mode": "nearest",
            "data_format": "channels_first",
        },
        (2, 3, 5, 7),
        call_kwargs=_TRAIN,
    ),
    _case("RandomZoom", {"height_factor": (0.3, 0.3)}, call_kwargs=_TRAIN),
    _case(
        "RandomZoom",
        {
            "height_factor": (-0.4, -0.4),
            "width_factor": (0.2, 0.2),
            "fill_mode": "constant",
        },
        call_kwargs=_TRAIN,
    ),
    _case(
        "RandomTranslation",
        {"height_factor": (0.2, 0.2), "width_factor": (-0.3, -0.3)},
        call_kwargs=_TRAIN,
    ),
    _case(
        "RandomTranslation",
        {
            "height_factor": (-0.1, -0.1),
            "width_factor": (0.4, 0.4),
            "fill_mode": "wrap",
            "interpolation": "nearest",
        },
        call_kwargs=_TRAIN,
    ),
    _case("RandomBrightness", {"factor": (0.2, 0.2)}, call_kwargs=_TRAIN),
    _case(
        "RandomBrightness",
        {"factor": (-0.5, -0.5), "value_range": (0.0, 1.0)},
        call_kwargs=_TRAIN,
    ),
    _case("RandomContrast", {"factor": 0.5}, call_kwargs=_INFER),
    _case("RandomCrop", {"height": 6, "width": 9}, call_kwargs=_TRAIN),
    _case("RandomCrop", {"height": 3, "width": 3}, call_kwargs=_INFER),
]

CASES += [
    _case("Discretization", {"bin_boundaries": [-0.5, 0.0, 0.7]}, (3, 4)),
    _case(
        "Discretization",
        {"bin_boundaries": [-1.0, 1.0], "output_mode": "one_hot"},
        (4, 1),
    ),
]

CASES += [
    LayerCase("STFTSpectrogram", {"frame_length": 16, "frame_step": 8}, (2, 64, 2)),
    LayerCase(
        "STFTSpectrogram",
        {"mode": "psd", "frame_length": 12, "fft_length": 16, "padding": "same"},
        (2, 40, 1),
    ),
    LayerCase(
        "STFTSpectrogram",
        {"mode": "stft", "frame_length": 8, "expand_dims": True, "periodic": True},
        (2, 32, 3),
    ),
    LayerCase(
        "STFTSpectrogram",
        {"mode": "magnitude", "frame_length": 8, "data_format": "channels_first"},
        (2, 2, 32),
    ),
    _case(
        "MelSpectrogram",
        {"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 10},
        (2, 256),
        atol=1e-3,
    ),
    _case(
        "MelSpectrogram",
        {
            "fft_length": 128,
            "sequence_length": 100,
            "num_mel_bins": 12,
            "power_to_db": False,
            "window": "hamming",
            "sampling_rate": 8000,
        },
        (2, 300),
    ),
]

CASES += [
    _case("RandomGrayscale", {"factor": 1.0}, call_kwargs=_TRAIN),
    _case("RandomInvert", {"factor": (1.0, 1.0)}, call_kwargs=_TRAIN),
    _case("Solarization", {}, call_kwargs=_TRAIN),
    _case("AutoContrast", {}),
    _case("RandomPosterization", {"factor": (3, 3)}, call_kwargs=_INFER),
    _case("RandomShear", {"x_factor": 0.2}, call_kwargs=_INFER),
    _case("MixUp", {}, call_kwargs=_INFER),
]

CASES += [
    _case(
        "RandomGaussianBlur",
        {"factor": (1, 1), "sigma": (0.5, 0.5)},
        call_kwargs=_TRAIN,
    ),
    _case("RandomErasing", {}, call_kwargs=_INFER),
    _case("CutMix", {}, call_kwargs=_INFER),
]

CASES += [
    _case("RandomSaturation", {"factor": (0.3, 0.3)}, call_kwargs=_TRAIN),
    _case("RandomColorDegeneration", {"factor": (0.4, 0.4)}, call_kwargs=_TRAIN),
    _case("RandomSharpness", {"factor": (0.2, 0.2)}, call_kwargs=_TRAIN),
    _case("RandomHue", {"factor": (0.0, 0.0)}, call_kwargs=_TRAIN),
    _case("RandomColorJitter", {"brightness_factor": (0.1, 0.1)}, call_kwargs=_TRAIN),
]

CASES += [
    # Equalization: Keras's own call warns (a torch deprecation), which the
    # battery's warnings-as-errors refuses; test_geometry_augmentation covers it.
    _case("RandomPerspective", {}, call_kwargs=_INFER),
]

CASES += [
    _case("RandAugment", {}, call_kwargs=_INFER),
    _case("AugMix", {}, call_kwargs=_INFER),
]

CASES += [_case("RandomElasticTransform", {}, call_kwargs=_INFER)]

CASES += [
    _case(
        "ContrastLimitedAdaptiveHistogramEqualization",
        {"tile_grid_size": (2, 3)},
        (2, 6, 9, 3),
    ),
]
