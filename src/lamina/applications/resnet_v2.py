"""ResNet50V2/101V2/152V2 (He et al., ECCV 2016): pre-activation ResNets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina.applications import imagenet_utils
from lamina.applications.resnet import _DOC, ResNet, stack_residual_blocks_v2
from lamina.models import Model


def _v2_stacks(blocks: tuple[int, int, int, int]) -> Callable[[Any], Any]:
    def stack_fn(x: Any) -> Any:
        x = stack_residual_blocks_v2(x, 64, blocks[0], name="conv2")
        x = stack_residual_blocks_v2(x, 128, blocks[1], name="conv3")
        x = stack_residual_blocks_v2(x, 256, blocks[2], name="conv4")
        return stack_residual_blocks_v2(x, 512, blocks[3], stride1=1, name="conv5")

    return stack_fn


def _v2(blocks: tuple[int, int, int, int], default_name: str) -> Callable[..., Model]:
    def constructor(
        include_top: bool = True,
        weights: Any = "imagenet",
        input_tensor: Any = None,
        input_shape: Any = None,
        pooling: Any = None,
        classes: int = 1000,
        classifier_activation: Any = "softmax",
        name: str = default_name,
    ) -> Model:
        return ResNet(
            _v2_stacks(blocks),
            True,
            True,
            name,
            include_top,
            weights,
            input_tensor,
            input_shape,
            pooling,
            classes,
            classifier_activation,
            weights_name=default_name,
        )

    constructor.__doc__ = _DOC.format(name=default_name).replace("caffe", "tf")
    return constructor


ResNet50V2 = _v2((3, 4, 6, 3), "resnet50v2")
ResNet50V2.__name__ = ResNet50V2.__qualname__ = "ResNet50V2"
ResNet101V2 = _v2((3, 4, 23, 3), "resnet101v2")
ResNet101V2.__name__ = ResNet101V2.__qualname__ = "ResNet101V2"
ResNet152V2 = _v2((3, 8, 36, 3), "resnet152v2")
ResNet152V2.__name__ = ResNet152V2.__qualname__ = "ResNet152V2"


def preprocess_input(x: Any, data_format: Any = None) -> Any:
    """TF-style preprocessing: pixels scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The `top` ImageNet classes per sample (see `imagenet_utils`)."""
    return imagenet_utils.decode_predictions(preds, top=top)


__all__ = [
    "ResNet101V2",
    "ResNet152V2",
    "ResNet50V2",
    "decode_predictions",
    "preprocess_input",
]
