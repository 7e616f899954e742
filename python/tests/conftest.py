import os
import shutil

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """The netlearn command of the same build (NETLEARN_BUILD, default ROOT/build)."""
    build = os.environ.get("NETLEARN_BUILD") or os.path.join(ROOT, "build")
    path = os.path.join(os.path.abspath(build), "netlearn")
    if not os.path.exists(path):
        path = shutil.which("netlearn")
    assert path, "the netlearn command is needed: build it (make build) or set NETLEARN_BUILD"
    return path
