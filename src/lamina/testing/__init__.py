"""Test support shipped with lamina: the layer-case registry."""
