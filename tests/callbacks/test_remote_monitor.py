"""RemoteMonitor against an HTTP server on the loopback address, started here."""

import http.server
import json
import threading
import urllib.parse

import pytest

from lamina import callbacks


@pytest.fixture
def server():
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", received
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def test_posts_a_form_with_the_json_logs(server):
    root, received = server
    cb = callbacks.RemoteMonitor(root=root, headers={"X-Run": "7"})
    cb.on_epoch_end(3, {"loss": 0.5, "val_loss": 0.75})
    ((path, content_type, body),) = received
    assert path == "/publish/epoch/end/"
    assert content_type == "application/x-www-form-urlencoded"
    form = urllib.parse.parse_qs(body.decode())
    assert json.loads(form["data"][0]) == {"epoch": 3, "loss": 0.5, "val_loss": 0.75}


def test_posts_json_to_the_given_path(server):
    import numpy as np

    root, received = server
    cb = callbacks.RemoteMonitor(root=root, path="/events", send_as_json=True)
    cb.on_epoch_end(0, {"loss": np.float32(0.25), "acc": np.array(1.0)})
    ((path, content_type, body),) = received
    assert (path, content_type) == ("/events", "application/json")
    assert json.loads(body) == {"epoch": 0, "loss": 0.25, "acc": 1.0}


def test_unreachable_server_warns():
    import socket

    with socket.socket() as s:  # a free port, closed again: nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = f"http://127.0.0.1:{port}"
    cb = callbacks.RemoteMonitor(root=root)
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        cb.on_epoch_end(0, {"loss": 1.0})
