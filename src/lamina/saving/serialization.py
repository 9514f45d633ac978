"""Layer (de)serialization: `{"module", "class_name", "config", "registered_name"}`."""

from __future__ import annotations

from typing import Any

_CUSTOM_OBJECTS: dict[str, Any] = {}


def register_keras_serializable(
    package: str = "Custom", name: str | None = None
) -> Any:
    """Decorator that registers a class or function for deserialization."""

    def decorator(obj: Any) -> Any:
        key = f"{package}>{name or obj.__name__}"
        _CUSTOM_OBJECTS[key] = obj
        _CUSTOM_OBJECTS.setdefault(name or obj.__name__, obj)
        obj._registered_name = key
        return obj

    return decorator


def get_registered_object(name: str, custom_objects: dict | None = None) -> Any:
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return _CUSTOM_OBJECTS.get(name)


def serialize_layer(layer: Any) -> dict:
    """The config dict of a layer, in the `.keras` file format."""
    cls = type(layer)
    registered = getattr(cls, "_registered_name", None)
    module = cls.__module__
    if module.startswith("lamina.models"):
        module = "keras"
    elif module.startswith("lamina.layers"):
        module = "keras.layers"
    return {
        "module": module if registered is None else None,
        "class_name": cls.__name__,
        "config": layer.get_config(),
        "registered_name": registered,
    }


def deserialize_layer(config: dict, custom_objects: dict | None = None) -> Any:
    """Creates a layer from `serialize_layer`'s output."""
    import lamina.layers as layers
    import lamina.models as models

    name = config.get("registered_name") or config["class_name"]
    cls = (
        get_registered_object(name, custom_objects)
        or get_registered_object(config["class_name"], custom_objects)
        or getattr(layers, config["class_name"], None)
        or getattr(models, config["class_name"], None)
    )
    if cls is None:
        raise ValueError(
            f"Unknown layer: '{config['class_name']}'. Please ensure you are using a "
            "`lamina.utils.register_keras_serializable` on your custom class, or "
            "pass it in `custom_objects`."
        )
    inner = dict(config["config"])
    if (
        custom_objects is not None
        and "custom_objects" in cls.from_config.__code__.co_varnames
    ):
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)
