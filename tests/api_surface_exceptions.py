"""Keras names lamina lacks, or whose parameters differ, each with a reason.

Read by tests/test_api_surface.py (its docstring gives the rules). A key is a
qualified Keras name ("keras.layers.ReLU": lamina lacks it) or a name plus
"(params)" ("keras.layers.LSTM(params)": its parameters differ from Keras's).
A reason is "not yet: issue N" (the issue that adds it) or "out of scope: why".
When you add a name, delete its entry: the test fails on stale entries.
Regenerate (drops stale entries, keeps reasons):
    python tests/test_api_surface.py --regenerate
"""

EXCEPTIONS = {
    "keras.Quantizer": "out of scope: quantization; not planned by any issue",
    "keras.callbacks.OrbaxCheckpoint": "out of scope: Orbax is JAX's checkpoint library; lamina checkpoints are .keras files (ModelCheckpoint, BackupAndRestore)",
    "keras.dtype_policies.AWQDTypePolicy": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.dtype_policies.GPTQDTypePolicy": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.dtype_policies.Int4DTypePolicy": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.dtype_policies.QuantizedDTypePolicy": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.dtype_policies.QuantizedFloat8DTypePolicy": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.layers.FlaxLayer": "out of scope: JAX/Flax bridge",
    "keras.layers.JaxLayer": "out of scope: JAX bridge",
    "keras.layers.TFSMLayer": "out of scope: TensorFlow SavedModel bridge",
    "keras.legacy": "out of scope: Keras 2 compatibility shims for TensorFlow",
    "keras.legacy.saving": "out of scope: Keras 2 compatibility shims for TensorFlow",
    "keras.legacy.saving.deserialize_keras_object": "out of scope: Keras 2 compatibility shims for TensorFlow",
    "keras.legacy.saving.serialize_keras_object": "out of scope: Keras 2 compatibility shims for TensorFlow",
    "keras.optimizers.legacy": "out of scope: Keras 2 TensorFlow optimizers; Keras 3 refuses them too",
    "keras.optimizers.legacy.Adagrad": "out of scope: Keras 2 TensorFlow optimizers; Keras 3 refuses them too",
    "keras.optimizers.legacy.Adam": "out of scope: Keras 2 TensorFlow optimizers; Keras 3 refuses them too",
    "keras.optimizers.legacy.Ftrl": "out of scope: Keras 2 TensorFlow optimizers; Keras 3 refuses them too",
    "keras.optimizers.legacy.Optimizer": "out of scope: Keras 2 TensorFlow optimizers; Keras 3 refuses them too",
    "keras.optimizers.legacy.RMSprop": "out of scope: Keras 2 TensorFlow optimizers; Keras 3 refuses them too",
    "keras.optimizers.legacy.SGD": "out of scope: Keras 2 TensorFlow optimizers; Keras 3 refuses them too",
    "keras.quantizers": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.AWQConfig": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.AbsMaxQuantizer": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.Float8QuantizationConfig": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.GPTQConfig": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.Int4QuantizationConfig": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.Int8QuantizationConfig": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.QuantizationConfig": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.Quantizer": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.abs_max_quantize": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.abs_max_quantize_grouped_with_zero_point": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.compute_float8_amax_history": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.compute_float8_scale": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.deserialize": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.fake_quant_with_min_max_vars": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.get": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.pack_int4": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.quantize_and_dequantize": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.serialize": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.quantizers.unpack_int4": "out of scope: int8/float8/GPTQ quantization; not planned by any issue",
    "keras.utils.legacy": "out of scope: Keras 2 serialization shims",
    "keras.utils.legacy.deserialize_keras_object": "out of scope: Keras 2 serialization shims",
    "keras.utils.legacy.serialize_keras_object": "out of scope: Keras 2 serialization shims",
}
