"""`text_dataset_from_directory`: a folder of class folders of .txt files, batched."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.utils import dataset_utils as du


def text_dataset_from_directory(
    directory: str,
    labels: Any = "inferred",
    label_mode: str | None = "int",
    class_names: list[str] | None = None,
    batch_size: int | None = 32,
    max_length: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
    format: str = "tf",
    verbose: bool = True,
) -> Any:
    """Batches of texts and labels from a folder of class folders of `.txt` files.

    Files are listed, labelled, shuffled and split as Keras does (same seed,
    same training and validation files). Texts are Python strings in a numpy
    object array (Keras's `tf.data` gives byte strings); each is cut to its
    first `max_length` characters when given.

    Args:
        directory: the folder.
        labels: "inferred" (from the sub-folders), None, or one label per file
            in sorted path order.
        label_mode: "int", "categorical", "binary" or None.
        class_names: the class folders to use, in label order.
        batch_size: texts per batch; None yields single texts.
        max_length: the most characters kept of each text.
        shuffle: shuffle the files (and reshuffle each epoch of `fit`).
        seed: seed of the shuffle and split.
        validation_split: fraction of files held out.
        subset: "training", "validation" or "both" (returns both datasets).
        follow_links: follow symbolic links to sub-folders.
        format: accepted for Keras compatibility ("tf" or "grain").
        verbose: print how many files and classes were found.

    Returns:
        A `SampleBatches` (a `PyDataset`) of `(texts, labels)` batches (texts
        alone without labels), or a pair of them for `subset="both"`.
    """
    _check_args(labels, label_mode, format)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    du.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = int(np.random.randint(1_000_000))
    paths, label_array, names = du.index_directory(
        directory,
        labels,
        (".txt",),
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

    def read(batch_paths: list[str]) -> np.ndarray:
        out = np.empty(len(batch_paths), dtype=object)
        for i, path in enumerate(batch_paths):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            out[i] = text if max_length is None else text[:max_length]
        return out

    def make(which: str | None, shuffled: bool) -> du.SampleBatches:
        part, part_labels = du.training_or_validation(
            paths, label_array, validation_split, which
        )
        if not part:
            raise ValueError(
                f"No text files found in directory {directory}. Allowed format: .txt"
            )
        return du.files_dataset(
            part, part_labels, label_mode, names, read, batch_size, shuffled, seed
        )

    if subset == "both":
        return make("training", shuffle), make("validation", False)
    return make(subset, shuffle)


def _check_args(labels: Any, label_mode: Any, format: str) -> None:
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(
            "`labels` argument should be a list/tuple of integer labels, of the "
            "same size as the number of text files in the target directory. If "
            "you wish to infer the labels from the subdirectory names in the "
            'target directory, pass `labels="inferred"`. If you wish to get a '
            "dataset that only contains text samples (no labels), pass "
            f"`labels=None`. Received: labels={labels}"
        )
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(
            '`label_mode` argument must be one of "int", "categorical", "binary", '
            f"or None. Received: label_mode={label_mode}"
        )
    if format not in ("tf", "grain"):
        raise ValueError(
            f'`format` should be either "tf" or "grain". Received: format={format}'
        )
