"""Layer names come from the one session-wide namer in `lamina._naming`."""

from lamina._naming import auto_name, reset_names, to_snake_case, unique_name

__all__ = ["auto_name", "reset_names", "to_snake_case", "unique_name"]
