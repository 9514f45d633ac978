"""Preprocessing layers: feature normalization and rescaling."""

from lamina.layers.preprocessing.normalization import Normalization
from lamina.layers.preprocessing.rescaling import Rescaling

__all__ = ["Normalization", "Rescaling"]
