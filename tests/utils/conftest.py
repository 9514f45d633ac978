"""A loopback HTTP server serving files a test writes (no network is used)."""

import functools
import http.server
import threading

import pytest


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.requests.append(self.path)
        super().do_GET()


@pytest.fixture
def http_server(tmp_path):
    """Yields `(base_url, folder, requests)`: files in `folder` are served."""
    folder = tmp_path / "served"
    folder.mkdir()
    requests = []
    handler = type("Handler", (_QuietHandler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    # A short poll interval: shutdown() waits for one poll at teardown.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", folder, requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
