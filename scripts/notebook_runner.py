"""Run a notebook on a fresh kernel with nbclient; shared by the tests, benchmarks and site build.

A kernel's reply can sit unnoticed on its socket until nbclient's wait for it times
out (seen with nbclient 0.11 and pyzmq 27 on cells that display widgets or large
figures: the cell then "takes" the whole timeout and carries on without an error).
Messages are therefore awaited in short polls that each look again.

Kernels talk over local (IPC) sockets rather than TCP ports: many kernels started at once
(the classroom benchmark) cannot race for the same port, and the kernel prints no warning
about unencrypted TCP.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_core.paths import jupyter_runtime_dir
from nbclient import NotebookClient

POLL_SECONDS = 0.02
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _polling(get_msg: Callable) -> Callable:
    """Return an async ``get_msg`` that waits in short polls up to the caller's timeout."""

    async def get(timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = POLL_SECONDS if deadline is None else max(0.0, min(POLL_SECONDS, deadline - time.monotonic()))
            try:
                return await get_msg(timeout=step)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return get


def poll_in_steps(client: NotebookClient) -> None:
    """Make ``client``'s shell and iopub channels wait for messages in short polls."""
    for channel in (client.kc.shell_channel, client.kc.iopub_channel):
        channel.get_msg = _polling(channel.get_msg)


def new_client(nb: nbformat.NotebookNode, *, timeout: int = 300, allow_errors: bool = True,
               store_widget_state: bool = True) -> NotebookClient:
    """Return an nbclient NotebookClient for ``nb`` whose channels poll in short steps.

    Widget state is stored by default: nbclient's Output-widget handling needs it.
    """
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            store_widget_state=store_widget_state)
    client.km = client.create_kernel_manager()
    client.km.transport = "ipc"
    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    client.km.ip = str(runtime / f"kernel-{uuid.uuid4().hex[:12]}-ipc")
    client.on_notebook_start = lambda **_: poll_in_steps(client)
    return client


def execute(nb: nbformat.NotebookNode, *, cwd: str, env: dict, **options) -> nbformat.NotebookNode:
    """Run every cell of ``nb`` on a fresh kernel started in ``cwd`` with ``env``; return ``nb``.

    ``options`` go to :func:`new_client`. Raises nbclient's CellExecutionError when a cell
    fails and ``allow_errors`` is False.
    """
    new_client(nb, **options).execute(cwd=cwd, env=env)
    return nb


@contextmanager
def running_kernel(nb: nbformat.NotebookNode, *, cwd: str, env: dict, **options):
    """Yield a client with a started kernel (channels polling) for running ``nb`` cell by cell."""
    client = new_client(nb, **options)
    with client.setup_kernel(cwd=cwd, env=env):
        poll_in_steps(client)
        yield client
