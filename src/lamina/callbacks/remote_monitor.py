"""`RemoteMonitor`: POSTs each epoch's logs as JSON to a server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings
from typing import Any

import numpy as np

from lamina.callbacks.callback import Callback

_TIMEOUT_S = 10.0


def _plain(value: Any) -> Any:
    """NumPy and torch scalars as Python numbers, so `json` can write them."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.item()
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return value.item()
    return value


class RemoteMonitor(Callback):
    """Sends each epoch's logs to a server with an HTTP POST.

    The payload is `{"epoch": epoch, **logs}` encoded as JSON: the whole body
    with `send_as_json=True` (content type `application/json`), else a form
    field named `field`. Uses the standard library; an unreachable server
    gives a warning, never an error.

    Args:
        root: the server's root URL.
        path: the path under `root` the events are sent to.
        field: the form field holding the JSON (when `send_as_json=False`).
        headers: extra HTTP headers.
        send_as_json: send the JSON as the request body.
    """

    def __init__(
        self,
        root: str = "http://localhost:9000",
        path: str = "/publish/epoch/end/",
        field: str = "data",
        headers: dict | None = None,
        send_as_json: bool = False,
    ) -> None:
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def _request(self, payload: dict) -> urllib.request.Request:
        text = json.dumps(payload)
        if self.send_as_json:
            body = text.encode("utf-8")
            content_type = "application/json"
        else:
            body = urllib.parse.urlencode({self.field: text}).encode("utf-8")
            content_type = "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, **(self.headers or {})}
        return urllib.request.Request(
            self.root + self.path, data=body, headers=headers, method="POST"
        )

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        payload = {"epoch": epoch}
        payload.update((k, _plain(v)) for k, v in (logs or {}).items())
        try:
            with urllib.request.urlopen(self._request(payload), timeout=_TIMEOUT_S):
                pass
        except (urllib.error.URLError, OSError):
            warnings.warn(
                f"Could not reach RemoteMonitor root server at {self.root}",
                stacklevel=2,
            )
