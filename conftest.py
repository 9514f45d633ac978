"""Root pytest configuration: doctests get `np`, one compute thread."""

import numpy
import pytest
import torch

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _doctest_names(request, doctest_namespace):
    doctest_namespace["np"] = numpy
    if type(request.node).__name__ == "DoctestItem":
        # Each example names its layers from scratch (`dense`, not `dense_7`), as in a
        # fresh session, whatever ran before it in this process.
        import lamina

        lamina.backend.clear_session()
