"""`get_file`: download a file once into Keras's cache folder, check it, extract it.

The cache is Keras's: `$KERAS_HOME/<cache_subdir>` (default `~/.keras/datasets`),
so a file Keras downloaded is found by lamina and the other way round. Downloads
and extractions are written to a temporary name in the same folder and moved
into place, so an interrupted run never leaves a half-written file in the cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile
from typing import Any


class URLFetchError(OSError):
    """A download failed (no network, an HTTP error, a refused connection)."""


def keras_home() -> str:
    """Keras's folder: `$KERAS_HOME`, else `~/.keras` (`/tmp/.keras` if unwritable)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    home = os.path.expanduser("~")
    if not os.access(home, os.W_OK):
        home = tempfile.gettempdir()
    return os.path.join(home, ".keras")


def get_file(
    fname: str | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: str | list | None = "auto",
    cache_dir: str | None = None,
    force_download: bool = False,
) -> str:
    """Downloads `origin` into the cache (once) and returns the local path.

    A cached file is reused unless `force_download` is set or its hash does not
    match `file_hash`. With `extract=True` the archive (tar, tar.gz, zip) is
    unpacked next to it and the extraction folder is returned, named as Keras
    names it (`<fname up to its first dot>_extracted`, or `<fname>` with the
    archive kept as `<fname>_archive` when `fname` has no dot).

    Args:
        fname: the file's name in the cache (default: the URL's last part). Not
            a path: use `cache_dir` / `cache_subdir` to choose the folder.
        origin: the URL.
        untar: deprecated; `extract=True` with a tar archive.
        md5_hash: deprecated; `file_hash` with `hash_algorithm="md5"`.
        file_hash: the expected sha256 (or md5) hex digest.
        cache_subdir: folder under `cache_dir` (an absolute path is used as is).
        hash_algorithm: "sha256", "md5" or "auto" (sha256 for 64 hex digits).
        extract: unpack the archive.
        archive_format: "auto" (tar then zip), "tar", "zip", a list, or None.
        cache_dir: the cache root (default: `$KERAS_HOME`, else `~/.keras`).
        force_download: download again even when cached.

    Returns:
        The path of the file, or of the extraction folder.

    Raises:
        URLFetchError: the download failed; the message names the URL and
            the cache path where a copy fetched by other means can be put.
        ValueError: a missing `origin`, a path as `fname`, or a downloaded
            file whose hash does not match.
    """
    if origin is None:
        raise ValueError(
            'Please specify the "origin" argument (URL of the file to download).'
        )
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    datadir = _cache_folder(cache_dir, cache_subdir)
    fname = _file_name(fname, origin)
    target, extract_dir = _targets(datadir, fname, bool(extract or untar))
    if _needs_download(target, file_hash, hash_algorithm, force_download):
        _download(origin, target)
        if file_hash is not None and not validate_file(
            target, file_hash, hash_algorithm
        ):
            os.remove(target)
            raise ValueError(
                f"Incomplete or corrupted file detected. The {hash_algorithm} file "
                f"hash does not match the provided value of {file_hash}."
            )
        if extract_dir is not None and os.path.isdir(extract_dir):
            shutil.rmtree(extract_dir)  # a new download: extract it afresh
    if extract_dir is None:
        return target
    if not os.path.isdir(extract_dir):
        fmt = "tar" if untar else archive_format
        if not extract_archive(target, extract_dir, fmt):
            warnings.warn("Could not extract archive.", stacklevel=2)
    return extract_dir


def _cache_folder(cache_dir: str | None, cache_subdir: str) -> str:
    base = os.path.expanduser(cache_dir if cache_dir is not None else keras_home())
    os.makedirs(base, exist_ok=True)
    if not os.access(base, os.W_OK):
        base = os.path.join(tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    return datadir


def _file_name(fname: Any, origin: str) -> str:
    if fname:
        fname = os.fspath(fname)
        if os.sep in fname:
            raise ValueError(
                "Paths are no longer accepted as the `fname` argument. To specify "
                "the file's parent directory, use the `cache_dir` argument. "
                f"Received: fname={fname}"
            )
        return fname
    name = os.path.basename(urllib.parse.urlsplit(origin).path)
    if not name:
        raise ValueError(
            f"Can't parse the file name from the origin provided: '{origin}'."
            "Please specify the `fname` argument."
        )
    return name


def _targets(datadir: str, fname: str, extract: bool) -> tuple[str, str | None]:
    """Where the download goes, and the extraction folder (Keras's names)."""
    if not extract:
        return os.path.join(datadir, fname), None
    if "." in fname:
        stem = fname[: fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def _needs_download(
    target: str, file_hash: str | None, algorithm: str, force: bool
) -> bool:
    if force or not os.path.exists(target):
        return True
    if file_hash is not None and not validate_file(target, file_hash, algorithm):
        print(
            "A local file was found, but it seems to be incomplete or outdated "
            f"because the {algorithm} file hash does not match the original value "
            f"of {file_hash} so we will re-download the data."
        )
        return True
    return False


def _download(origin: str, target: str) -> None:
    """Streams `origin` to a temporary file beside `target`, then moves it in."""
    print(f"Downloading data from {origin}")
    folder = os.path.dirname(target)
    fd, tmp = tempfile.mkstemp(prefix=".download-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(origin) as response:
            shutil.copyfileobj(response, out, length=1 << 20)
        os.replace(tmp, target)
    except urllib.error.HTTPError as err:
        err.close()  # the error holds the server's response open
        os.remove(tmp)
        raise URLFetchError(_fetch_failure(origin, err.code, err.msg, target)) from err
    except (urllib.error.URLError, OSError) as err:
        if os.path.exists(tmp):
            os.remove(tmp)
        reason = getattr(err, "reason", err)
        raise URLFetchError(
            _fetch_failure(origin, getattr(err, "errno", None), reason, target)
        ) from err
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _fetch_failure(origin: str, code: Any, reason: Any, target: str) -> str:
    return (
        f"URL fetch failure on {origin}: {code} -- {reason}. The file could not be "
        "downloaded (is there network access?). Download it by other means and "
        f"put it at {target} (the cache path), then call again."
    )


def hash_file(fpath: str, algorithm: str = "sha256", chunk_size: int = 65535) -> str:
    """The sha256 (or md5) hex digest of a file."""
    hasher = _hasher(algorithm)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(
    fpath: str, file_hash: str, algorithm: str = "auto", chunk_size: int = 65535
) -> bool:
    """True when the file's hash is `file_hash` ("auto": sha256 for 64 digits)."""
    return hash_file(fpath, _algorithm(algorithm, file_hash), chunk_size) == str(
        file_hash
    )


def _algorithm(algorithm: str, file_hash: str | None) -> str:
    if algorithm == "sha256" or (
        algorithm == "auto" and file_hash is not None and len(file_hash) == 64
    ):
        return "sha256"
    return "md5"


def _hasher(algorithm: str) -> Any:
    return hashlib.sha256() if algorithm in ("sha256", "auto") else hashlib.md5()


def extract_archive(
    file_path: str, path: str = ".", archive_format: Any = "auto"
) -> bool:
    """Unpacks a tar or zip archive into `path` (atomically); False if neither.

    Members that would land outside `path` (absolute names, `..`, links out)
    are refused: tar archives go through Python's "data" extraction filter.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    if isinstance(formats, str):
        formats = [formats]
    for fmt in formats:
        if fmt not in ("tar", "zip"):
            raise NotImplementedError(fmt)
        is_match = tarfile.is_tarfile if fmt == "tar" else zipfile.is_zipfile
        if is_match(file_path):
            _extract_atomically(file_path, path, fmt)
            return True
    return False


def _extract_atomically(file_path: str, path: str, fmt: str) -> None:
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".extract-", dir=parent)
    try:
        if fmt == "tar":
            with tarfile.open(file_path) as archive:
                archive.extractall(tmp, filter="data")
        else:
            with zipfile.ZipFile(file_path) as archive:
                archive.extractall(tmp)  # zipfile drops `..` and absolute parts
        if os.path.isdir(path):
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
