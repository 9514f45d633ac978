"""Layer cases, one module per family; each defines `CASES: list[LayerCase]`."""
