"""A Jupyter kernel for one page: quiet on our stderr, and bounded in the output it may write.

- it listens on IPC sockets in a private (0700) directory, not on TCP ports: ipykernel warns on stderr
  that a TCP kernel is unencrypted, and any local user could connect to one;
- it is not interrupted when it is shut down (jupyter_client sends SIGINT first, and an idle ipykernel
  answers with "KeyboardInterrupt caught in kernel" on stderr);
- nbclient's and jupyter_client's own log lines are dropped: what goes wrong is raised, and the caller
  turns it into the one line the build prints;
- the client keeps at most MAX_OUTPUT_CHARS characters of a cell's output, so that a runaway cell cannot
  fill the memory before its timeout.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

MAX_OUTPUT_CHARS = 10_000_000  # characters of output a cell may write (the largest page is about 100,000)
_PAYLOAD = ("text", "data", "traceback")  # what an output message carries to the page
_QUIET = logging.getLogger("quarto_lite.kernel")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


class _QuietKernelManager(AsyncKernelManager):
    """A kernel manager that does not interrupt a kernel it is shutting down."""

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client sends SIGINT before every shutdown request, and an ipykernel that is idle then
        # logs "KeyboardInterrupt caught in kernel" on our stderr; the request (or kill) alone stops it.
        if not self.shutting_down:
            await super()._async_interrupt_kernel()


class BoundedClient(NotebookClient):
    """A NotebookClient that keeps no more than max_output_chars of a cell's output."""

    max_output_chars = MAX_OUTPUT_CHARS
    output_chars = 0  # written by the cell running now

    def __init__(self, nb: Any, **kw: Any) -> None:
        super().__init__(nb, log=_QUIET, **kw)

    def output(self, outs: list[Any], msg: dict[str, Any], display_id: str | None,
               cell_index: int) -> Any:
        """Keep an output while the cell's total is within the limit; drop it (and count it) after."""
        content = msg.get("content") or {}
        self.output_chars += count_chars([content.get(key) for key in _PAYLOAD])
        if self.output_chars > self.max_output_chars:
            return None
        return super().output(outs, msg, display_id, cell_index)


def count_chars(value: Any) -> int:
    """Count the characters of the strings in value (a message's payload, or MIME bundles)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return sum(count_chars(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(count_chars(v) for v in value)
    return 0


@contextmanager
def running_kernel(nb: Any, *, kernel_name: str, cwd: Path, max_output_chars: int) -> Iterator[BoundedClient]:
    """Start a kernel in cwd for the notebook nb; stop it at once after (no graceful shutdown to wait for)."""
    with tempfile.TemporaryDirectory(prefix="quarto-lite-kernel-") as private:
        client = kernel_client(nb, kernel_name=kernel_name, cwd=cwd, private=Path(private),
                               max_output_chars=max_output_chars)
        with client.setup_kernel(env=kernel_env(), cleanup_kc=True):
            yield client


def kernel_client(nb: Any, *, kernel_name: str, cwd: Path, private: Path, max_output_chars: int) -> BoundedClient:
    """Return a client (its kernel not yet started) for a kernel in cwd listening in the private directory.

    It is stopped at once when done: a graceful shutdown only waits, and a timed-out cell may still be running.
    """
    client = BoundedClient(nb, km=kernel_manager(kernel_name, private), kernel_name=kernel_name,
                           allow_errors=False, record_timing=False, shell_timeout_interval=1,
                           resources={"metadata": {"path": str(cwd)}})
    client.max_output_chars = max_output_chars
    client.shutdown_kernel = "immediate"
    return client


def new_notebook(kernel_name: str) -> Any:
    """Return an empty notebook for the named kernel."""
    return nbformat.v4.new_notebook(metadata={"kernelspec": {"name": kernel_name, "language": "python",
                                                             "display_name": kernel_name}})


def kernel_env() -> dict[str, str]:
    """Return the kernel's environment: ours, with hash randomisation off."""
    return {**os.environ, "PYTHONHASHSEED": "0"}


def kernel_manager(kernel_name: str, private: Path) -> AsyncKernelManager:
    """Return a manager whose kernel listens on IPC sockets in the private (0700) directory."""
    if os.name != "posix":  # ZeroMQ's IPC transport needs Unix sockets
        return _QuietKernelManager(kernel_name=kernel_name, log=_QUIET)
    return _QuietKernelManager(kernel_name=kernel_name, log=_QUIET, transport="ipc", ip=str(private / "kernel"),
                               connection_file=str(private / "kernel.json"))
