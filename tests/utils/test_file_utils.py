"""get_file against a loopback HTTP server: cache folder, hashes, extraction."""

import hashlib
import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from lamina.utils import get_file
from lamina.utils.file_utils import URLFetchError, extract_archive, keras_home


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def test_downloads_once_into_keras_home(http_server, tmp_path, monkeypatch, capsys):
    base, served, requests = http_server
    (served / "data.bin").write_bytes(b"hello")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    path = get_file("data.bin", origin=base + "data.bin")
    assert path == str(tmp_path / "home" / "datasets" / "data.bin")
    assert Path(path).read_bytes() == b"hello"
    assert f"Downloading data from {base}data.bin" in capsys.readouterr().out
    again = get_file(origin=base + "data.bin")  # fname from the URL
    assert again == path and requests == ["/data.bin"]  # served from the cache
    get_file("data.bin", origin=base + "data.bin", force_download=True)
    assert requests == ["/data.bin", "/data.bin"]
    # Nothing half-written is left beside the file.
    assert os.listdir(os.path.dirname(path)) == ["data.bin"]


def test_keras_home_defaults_to_dot_keras(monkeypatch, tmp_path):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert keras_home() == str(tmp_path / ".keras")


def test_cache_dir_and_absolute_cache_subdir(http_server, tmp_path):
    base, served, _ = http_server
    (served / "a.txt").write_bytes(b"A")
    path = get_file("a.txt", base + "a.txt", cache_dir=tmp_path / "c", cache_subdir="x")
    assert path == str(tmp_path / "c" / "x" / "a.txt")
    absolute = tmp_path / "abs"
    path = get_file("a.txt", base + "a.txt", cache_dir=tmp_path, cache_subdir=absolute)
    assert path == str(absolute / "a.txt")


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_hash_checks(http_server, tmp_path, algorithm, capsys):
    base, served, requests = http_server
    (served / "f.bin").write_bytes(b"good")
    good = hashlib.new(algorithm, b"good").hexdigest()
    path = get_file("f.bin", base + "f.bin", file_hash=good, cache_dir=tmp_path)
    # A cached file whose hash no longer matches is downloaded again.
    with open(path, "wb") as f:
        f.write(b"stale")
    get_file("f.bin", base + "f.bin", file_hash=good, cache_dir=tmp_path)
    assert "hash does not match the original value" in capsys.readouterr().out
    assert len(requests) == 2 and Path(path).read_bytes() == b"good"
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected"):
        get_file("g.bin", base + "f.bin", file_hash="0" * 64, cache_dir=tmp_path)
    assert not os.path.exists(tmp_path / "datasets" / "g.bin")


def test_md5_hash_argument(http_server, tmp_path):
    base, served, _ = http_server
    (served / "m.bin").write_bytes(b"m")
    md5 = hashlib.md5(b"m").hexdigest()
    path = get_file("m.bin", base + "m.bin", md5_hash=md5, cache_dir=tmp_path)
    assert Path(path).read_bytes() == b"m"
    with pytest.raises(ValueError, match="md5 file hash does not match"):
        get_file("n.bin", base + "m.bin", md5_hash="0" * 32, cache_dir=tmp_path)


def _tar_gz(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_extract_tar_gz_and_zip_with_keras_folder_names(http_server, tmp_path):
    base, served, _ = http_server
    (served / "pack.tar.gz").write_bytes(_tar_gz({"inner/a.txt": b"tar"}))
    (served / "pack.zip").write_bytes(_zip({"b.txt": b"zip"}))
    # fname with a dot: the archive keeps its name, the folder is `<stem>_extracted`.
    out = get_file(
        "pack.tar.gz", base + "pack.tar.gz", extract=True, cache_dir=tmp_path
    )
    assert out == str(tmp_path / "datasets" / "pack_extracted")
    assert Path(os.path.join(out, "inner", "a.txt")).read_bytes() == b"tar"
    # fname without a dot: the folder is `<fname>`, the archive `<fname>_archive`.
    out = get_file("z", base + "pack.zip", extract=True, cache_dir=tmp_path)
    assert out == str(tmp_path / "datasets" / "z")
    assert os.path.exists(tmp_path / "datasets" / "z_archive")
    assert Path(os.path.join(out, "b.txt")).read_bytes() == b"zip"
    out = get_file("t", base + "pack.tar.gz", untar=True, cache_dir=tmp_path)
    assert os.path.exists(os.path.join(out, "inner", "a.txt"))


def test_tar_members_outside_the_folder_are_refused(tmp_path):
    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as tar:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(tarfile.TarError):
        extract_archive(str(bad), str(tmp_path / "out"))
    assert not (tmp_path / "escape.txt").exists()
    assert not (tmp_path / "out").exists()
    assert (
        extract_archive(str(tmp_path / "bad.tar"), str(tmp_path / "o"), None) is False
    )


def test_without_network_the_error_names_url_and_cache_path(http_server, tmp_path):
    base, _, _ = http_server
    with pytest.raises(URLFetchError) as err:
        get_file("missing.npz", base + "missing.npz", cache_dir=tmp_path)
    message = str(err.value)
    assert f"URL fetch failure on {base}missing.npz: 404" in message
    assert str(tmp_path / "datasets" / "missing.npz") in message
    assert os.listdir(tmp_path / "datasets") == []
    # A refused connection (nothing listens on port 9 of loopback here).
    with pytest.raises(URLFetchError, match=r"is there network access\?"):
        get_file("x", "http://127.0.0.1:9/x", cache_dir=tmp_path)


def test_argument_errors(tmp_path):
    with pytest.raises(ValueError, match='specify the "origin" argument'):
        get_file("a")
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        get_file("a/b", origin="http://127.0.0.1:9/b", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="Can't parse the file name"):
        get_file(origin="http://127.0.0.1:9/", cache_dir=tmp_path)
