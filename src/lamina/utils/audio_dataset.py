"""`audio_dataset_from_directory`: a folder of class folders of .wav files, batched.

WAV files are decoded with the standard library's `wave` module (PCM, 8 to 32
bits), to float32 in [-1, 1) as `tf.audio.decode_wav` gives them.
"""

from __future__ import annotations

import wave
from typing import Any

import numpy as np

from lamina.utils import dataset_utils as du

ALLOWED_FORMATS = (".wav",)
_SCALE = {1: 128.0, 2: 32768.0, 3: 8388608.0, 4: 2147483648.0}


def audio_dataset_from_directory(
    directory: str,
    labels: Any = "inferred",
    label_mode: str | None = "int",
    class_names: list[str] | None = None,
    batch_size: int | None = 32,
    sampling_rate: int | None = None,
    output_sequence_length: int | None = None,
    ragged: bool = False,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
    verbose: bool = True,
) -> Any:
    """Batches of waveforms and labels from a folder of class folders of `.wav` files.

    Files are listed, labelled, shuffled and split as Keras does. Each batch
    has shape `(batch, samples, channels)`: clips are cut to
    `output_sequence_length`, or zero-padded to it (default: to the longest clip
    of the batch). With `ragged=True` a batch holds the clips as they are, in a
    list.

    Args:
        directory: the folder.
        labels: "inferred" (from the sub-folders), None, or one label per file
            in sorted path order.
        label_mode: "int", "categorical", "binary" or None.
        class_names: the class folders to use, in label order.
        batch_size: clips per batch; None yields single clips.
        sampling_rate: the rate the clips must have. lamina does not resample
            (Keras needs `tensorflow-io` to): a clip at another rate is an
            error.
        output_sequence_length: samples per output clip.
        ragged: keep each clip's length (a list per batch).
        shuffle: shuffle the files (and reshuffle each epoch of `fit`).
        seed: seed of the shuffle and split.
        validation_split: fraction of files held out.
        subset: "training", "validation" or "both" (returns both datasets).
        follow_links: follow symbolic links to sub-folders.
        verbose: print how many files and classes were found.

    Returns:
        A `SampleBatches` (a `PyDataset`) of `(audio, labels)` batches, or a pair
        of them for `subset="both"`.
    """
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(
            "The `labels` argument should be a list/tuple of integer labels, of "
            "the same size as the number of audio files in the target directory. "
            "If you wish to infer the labels from the subdirectory names in the "
            'target directory, pass `labels="inferred"`. If you wish to get a '
            "dataset that only contains audio samples (no labels), pass "
            f"`labels=None`. Received: labels={labels}"
        )
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(
            '`label_mode` argument must be one of "int", "categorical", "binary", '
            f"or None. Received: label_mode={label_mode}"
        )
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    du.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = int(np.random.randint(1_000_000))
    paths, label_array, names = du.index_directory(
        directory,
        labels,
        ALLOWED_FORMATS,
        class_names=class_names,
        shuffle=shuffle,
        seed=seed,
        follow_links=follow_links,
        verbose=verbose,
    )
    if label_mode == "binary" and len(names or []) != 2:
        raise ValueError(
            'When passing `label_mode="binary"`, there must be exactly 2 '
            f"class_names. Received: class_names={names}"
        )

    def read(batch_paths: list[str]) -> Any:
        clips = [read_wav(p, sampling_rate) for p in batch_paths]
        if ragged:
            return clips
        return pad_clips(clips, output_sequence_length)

    def make(which: str | None, shuffled: bool) -> du.SampleBatches:
        part, part_labels = du.training_or_validation(
            paths, label_array, validation_split, which
        )
        if not part:
            raise ValueError(
                f"No audio files found in directory {directory}. Allowed format(s): "
                f"{ALLOWED_FORMATS}"
            )
        return du.files_dataset(
            part, part_labels, label_mode, names, read, batch_size, shuffled, seed
        )

    if subset == "both":
        return make("training", shuffle), make("validation", False)
    return make(subset, shuffle)


def read_wav(path: str, sampling_rate: int | None = None) -> np.ndarray:
    """A PCM `.wav` file as float32 `(samples, channels)` in [-1, 1)."""
    with wave.open(path, "rb") as f:
        width, channels, rate = f.getsampwidth(), f.getnchannels(), f.getframerate()
        raw = f.readframes(f.getnframes())
    if sampling_rate is not None and rate != sampling_rate:
        raise ValueError(
            f"{path} is sampled at {rate} Hz, not `sampling_rate`={sampling_rate}. "
            "lamina does not resample audio: resample the files, or pass "
            "`sampling_rate=None`."
        )
    if width == 3:  # 24-bit: widen each little-endian sample to 4 bytes
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        ints = (b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8)) | (
            b[:, 2].astype(np.int8).astype(np.int32) << 16
        )
        values = ints.astype("float32")
    elif width == 1:  # 8-bit WAV is unsigned, centred on 128
        values = np.frombuffer(raw, dtype=np.uint8).astype("float32") - 128.0
    else:
        values = np.frombuffer(raw, dtype=f"<i{width}").astype("float32")
    return (values / _SCALE[width]).reshape(-1, channels)


def pad_clips(clips: list[np.ndarray], length: int | None) -> np.ndarray:
    """Clips cut or zero-padded to `length` (default: the longest), stacked."""
    length = max(len(c) for c in clips) if length is None else length
    channels = clips[0].shape[1]
    out = np.zeros((len(clips), length, channels), dtype="float32")
    for i, clip in enumerate(clips):
        n = min(len(clip), length)
        out[i, :n] = clip[:n]
    return out
