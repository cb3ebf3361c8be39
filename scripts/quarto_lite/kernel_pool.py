"""A pool of long-lived Jupyter kernels, one per worker thread, that run pages one at a time each.

- a worker starts its kernel when its first page needs one (a page from the cache, or without code, starts
  none), and keeps it for the next page, so that the imports a page makes stay warm;
- every page starts in a fresh namespace: IPython's ``reset`` empties the user namespace (what a page's
  cells defined, ``_``, ``Out``), then the kernel moves to the page's directory and takes the page's
  environment variables. Modules stay imported, so state a page writes into a module is the one thing
  that carries over: code that keeps per-page state keeps it in the page's namespace;
- kernels are stopped at once when the pool closes (no graceful shutdown to wait for), and a kernel
  whose page failed is stopped then (a timed-out cell may still be running in it);
- results come back in the order of the items; after a failure no new item starts, and the error of the
  first failed item (in the items' order) is raised.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TypeVar

import nbformat

from quarto_lite.kernel import MAX_OUTPUT_CHARS, BoundedClient, kernel_client, kernel_env, new_notebook

T = TypeVar("T")
Item = TypeVar("Item")

START_TIMEOUT = 60  # seconds a fresh namespace may take to set up
# Run silently before each page: a fresh namespace, the page's directory and environment.
PAGE_START = """\
get_ipython().reset(new_session=False)
import os as _quarto_lite_os
_quarto_lite_os.chdir({cwd!r})
_quarto_lite_os.environ.update({env!r})
del _quarto_lite_os
"""


class PageKernel:
    """One worker's kernel: started on first use, reset for every page."""

    def __init__(self, kernel_name: str, max_output_chars: int) -> None:
        self.kernel_name = kernel_name
        self.max_output_chars = max_output_chars
        self._stack: ExitStack | None = None
        self._client: BoundedClient | None = None
        self.pages = 0  # pages this kernel has started (a test reads it)

    @contextmanager
    def page(self, cwd: Path, env: Mapping[str, str] | None = None) -> Iterator[BoundedClient]:
        """Give the kernel to one page, in a fresh namespace in cwd; stop the kernel if the page fails."""
        client = self._client or self._start(cwd)
        client.nb = nbformat.v4.new_notebook(metadata=client.nb.metadata)
        client.max_output_chars = self.max_output_chars
        try:
            self._begin(client, cwd, env or {})
            yield client
        except BaseException:
            self.stop()
            raise

    def _start(self, cwd: Path) -> BoundedClient:
        stack = ExitStack()
        private = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="quarto-lite-kernel-")))
        client = kernel_client(new_notebook(self.kernel_name), kernel_name=self.kernel_name, cwd=cwd, private=private,
                               max_output_chars=self.max_output_chars)
        stack.enter_context(client.setup_kernel(env=kernel_env(), cleanup_kc=True))
        self._stack, self._client = stack, client
        return client

    def _begin(self, client: BoundedClient, cwd: Path, env: Mapping[str, str]) -> None:
        """Empty the namespace, move to cwd and set env, before the page's first cell."""
        self.pages += 1
        client.timeout = START_TIMEOUT
        msg_id = client.kc.execute(PAGE_START.format(cwd=str(cwd.resolve()), env=dict(env)), silent=True, store_history=False)
        reply = client.wait_for_reply(msg_id, nbformat.v4.new_code_cell(source="(a fresh namespace)"))
        if reply is None or reply["content"].get("status") != "ok":
            content = (reply or {}).get("content", {})
            raise RuntimeError(f"the kernel could not start a page in {cwd}: {content.get('ename', 'no reply')}: "
                               f"{content.get('evalue', '')}")

    def kill(self) -> None:
        """Kill the kernel's process now, from any thread (the build was interrupted); its worker then ends."""
        km = getattr(self._client, "km", None)
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()

    def stop(self) -> None:
        """Stop the kernel at once (a later page starts a new one)."""
        stack, self._stack, self._client = self._stack, None, None
        if stack is not None:
            stack.close()


class KernelPool:
    """Workers, each with its own kernel, that map a function over items (pages)."""

    def __init__(self, size: int | None = None, *, kernel_name: str = "python3",
                 max_output_chars: int = MAX_OUTPUT_CHARS) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self.kernel_name = kernel_name
        self.max_output_chars = max_output_chars
        self.kernels: list[PageKernel] = []  # the workers' kernels, for a test to read

    def map(self, fn: Callable[[Item, PageKernel], T], items: Sequence[Item]) -> list[T]:
        """Return [fn(item, kernel) for item in items], run on the workers; raise the first item's error.

        Each worker starts, uses and stops its own kernel in its own thread (a kernel client belongs to
        the thread whose event loop it was made on).
        """
        todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for index in range(len(items)):
            todo.put(index)
        failed = threading.Event()
        results: dict[int, T] = {}
        errors: dict[int, BaseException] = {}

        def work(kernel: PageKernel) -> None:
            try:
                while not failed.is_set():
                    try:
                        index = todo.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        results[index] = fn(items[index], kernel)
                    except BaseException as exc:  # noqa: BLE001 (raised below, in the items' order)
                        errors[index] = exc
                        failed.set()
            finally:
                kernel.stop()

        self.kernels = [PageKernel(self.kernel_name, self.max_output_chars)
                        for _ in range(min(self.size, len(items)))]
        threads = [threading.Thread(target=work, args=(k,), name=f"quarto-lite-page-{i}", daemon=True)
                   for i, k in enumerate(self.kernels)]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except BaseException:  # interrupted: kill the kernels, so that no worker waits on its cell
            failed.set()
            for kernel in self.kernels:
                kernel.kill()
            for thread in threads:
                thread.join(timeout=30)
            raise
        if errors:
            raise errors[min(errors)]
        return [results[i] for i in range(len(items))]
