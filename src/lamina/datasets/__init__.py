"""`keras.datasets`: the classic small datasets, from Keras's origins and cache.

Each loader downloads its file once into `~/.keras/datasets` (or
`$KERAS_HOME/datasets`), the folder Keras uses, checks Keras's hash and parses
the file with nothing that can run code from it.
"""

from lamina.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]
