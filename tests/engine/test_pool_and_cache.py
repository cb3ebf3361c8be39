"""The built-in engine's kernel pool (one kernel runs many pages, each in a fresh namespace) and its page
cache (an unchanged page is neither run nor rendered again; a changed one is, and only it)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from quarto_lite.engine import render_project
from quarto_lite.kernel_pool import KernelPool
from quarto_lite.page_cache import CachedPage, PageCache
from quarto_lite.project import read_config

CONFIG = """\
project:
  type: website
  output-dir: _site
website:
  title: "Pool"
  navbar:
    left:
      - href: a.qmd
        text: A
      - href: b.qmd
        text: B
      - href: sub/c.qmd
        text: C
lang: en-GB
author:
  - name: "Ann Gardener"
citation:
  type: report
  version: "1.0.0"
  issued: "2025-04-05"
execute:
  echo: false
"""
# Page a leaves a variable, a module attribute and an output behind; b looks for them.
PAGE_A = """---
title: "A"
---

```{python}
import os, pathlib, json
leak = "from page a"
json.page_a_was_here = True
pathlib.Path(os.environ["POOL_OUT"], "a.txt").write_text("written by a")
```

Page a: `{python} leak`.
"""
PAGE_B = """---
title: "B"
---

In b, leak defined: `{python} "leak" in globals()`; previous output: `{python} "_" in globals() and _ == "from page a"`.
"""
PAGE_C = """---
title: "C"
---

```{python}
import os, pathlib
pathlib.Path(os.environ["POOL_OUT"], "c.txt").write_text(pathlib.Path.cwd().name)
```

C runs in `{python} __import__("pathlib").Path.cwd().name`.
"""


def project(tmp: Path, b: str = PAGE_B) -> Path:
    root = tmp / "pool"
    (root / "sub").mkdir(parents=True, exist_ok=True)
    for name, text in {"_quarto.yml": CONFIG, "a.qmd": PAGE_A, "b.qmd": b, "sub/c.qmd": PAGE_C}.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def text_of(out: Path, page: str) -> str:
    return BeautifulSoup((out / page).read_text(encoding="utf-8"), "html.parser").select_one("main").get_text(" ", strip=True)


def render(root: Path, out: Path, cache: PageCache, collected: Path, workers: int = 1) -> None:
    render_project(read_config(root), out, cache=cache, collect={"POOL_OUT": collected}, workers=workers)


def test_one_kernel_runs_every_page_each_in_a_fresh_namespace_in_its_folder(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[KernelPool] = []
    real_map = KernelPool.map

    def watched(self: KernelPool, fn, items):  # type: ignore[no-untyped-def]
        pools.append(self)
        return real_map(self, fn, items)

    monkeypatch.setattr(KernelPool, "map", watched)
    root = project(tmp_path)
    render(root, root / "_site", PageCache(None), tmp_path / "files")
    [pool] = pools
    assert [k.pages for k in pool.kernels] == [3], "one kernel should have run the three pages"
    assert "Page a: from page a." in text_of(root / "_site", "a.html")
    assert "In b, leak defined: False; previous output: False." in text_of(root / "_site", "b.html")
    assert "C runs in sub." in text_of(root / "_site", "sub/c.html")
    # what each page wrote into its own folder is gathered into the named one
    assert (tmp_path / "files" / "a.txt").read_text() == "written by a"
    assert (tmp_path / "files" / "c.txt").read_text() == "sub"


def test_pages_run_on_as_many_kernels_as_workers_in_the_order_of_the_pages(tmp_path: Path) -> None:
    pool = KernelPool(2)

    def slow(item: int, kernel: object) -> tuple[int, int]:
        time.sleep(0.1)  # long enough that both workers take items
        return item, id(kernel)

    seen = pool.map(slow, list(range(6)))
    assert [item for item, _ in seen] == list(range(6))
    assert len({kernel for _, kernel in seen}) == 2
    assert all(k.pages == 0 for k in pool.kernels), "no kernel is started for work that asks for none"


def test_the_first_failing_page_is_the_error_raised(tmp_path: Path) -> None:
    def fail_on_odd(item: int, kernel: object) -> int:
        if item % 2:
            raise ValueError(f"item {item}")
        return item

    with pytest.raises(ValueError, match="item 1"):
        KernelPool(2).map(fail_on_odd, list(range(8)))


def test_a_rebuild_takes_unchanged_pages_from_the_cache_and_is_byte_identical(tmp_path: Path) -> None:
    root = project(tmp_path)
    cache_dir = tmp_path / "cache"
    first = PageCache(cache_dir, "shared")
    render(root, root / "fresh", first, tmp_path / "f1")
    assert (first.hits, first.misses) == (0, 3)

    again = PageCache(cache_dir, "shared")
    render(root, root / "again", again, tmp_path / "f2")
    assert (again.hits, again.misses) == (3, 0)
    for page in ("a.html", "b.html", "sub/c.html", "search.json"):
        assert (root / "again" / page).read_bytes() == (root / "fresh" / page).read_bytes(), page
    assert sorted(os.listdir(tmp_path / "f2")) == ["a.txt", "c.txt"], "the cached pages' files are put back"
    assert (tmp_path / "f2" / "a.txt").read_text() == "written by a"


def test_a_changed_page_alone_runs_again_and_a_shared_change_runs_all(tmp_path: Path) -> None:
    root = project(tmp_path)
    cache_dir = tmp_path / "cache"
    render(root, root / "one", PageCache(cache_dir, "shared"), tmp_path / "f1")
    (root / "b.qmd").write_text(PAGE_B.replace("In b,", "In page b,"), encoding="utf-8")
    changed = PageCache(cache_dir, "shared")
    render(root, root / "two", changed, tmp_path / "f2")
    assert (changed.hits, changed.misses) == (2, 1)
    assert "In page b, leak defined: False" in text_of(root / "two", "b.html")

    other = PageCache(cache_dir, "shared, changed")  # e.g. data/ or the package's code
    render(root, root / "three", other, tmp_path / "f3")
    assert (other.hits, other.misses) == (0, 3)
    fresh = PageCache(cache_dir, "shared", fresh=True)
    render(root, root / "four", fresh, tmp_path / "f4")
    assert (fresh.hits, fresh.misses) == (0, 3)


def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path: Path) -> None:
    cache = PageCache(tmp_path, "s")
    key = cache.key("a.qmd", "text", {})
    cache.put(key, CachedPage("<p>a</p>", [(2, "x", "X")], {"OUT": {"f.txt": b"\x00\x01"}}))
    assert cache.get(key) == CachedPage("<p>a</p>", [(2, "x", "X")], {"OUT": {"f.txt": b"\x00\x01"}})
    path = tmp_path / key[:2] / f"{key}.json"
    path.write_text(path.read_text()[:20])
    assert cache.get(key) is None
    other = cache.key("a.qmd", "other text", {})
    cache.put(other, CachedPage("<p>b</p>", [], {}))
    path.write_bytes((tmp_path / other[:2] / f"{other}.json").read_bytes())  # another page's entry under this key
    assert cache.get(key) is None
