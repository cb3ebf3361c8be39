"""ibsa_report.kernel_text: in a kernel, a str is shown as literal text by both engines."""

from __future__ import annotations

import sys
import types

import pytest
from IPython.core.formatters import DisplayFormatter
from IPython.display import Markdown

from ibsa_report import kernel_text
from quarto_lite.outputs import format_inline

PLANTED = "Refuge <img src=x onerror=alert(1)> @refuge-2023-blog $x$ <!--"


@pytest.fixture
def kernel(monkeypatch: pytest.MonkeyPatch) -> DisplayFormatter:
    """Stand in for a running kernel: an IPython module whose get_ipython() has a display formatter."""
    shell = types.SimpleNamespace(display_formatter=DisplayFormatter())
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    return shell.display_formatter


def test_a_str_gets_an_escaped_markdown_form_that_both_engines_prefer(kernel: DisplayFormatter) -> None:
    assert kernel_text.install()
    bundle, _ = kernel.format(PLANTED)
    expected = "Refuge &lt;img src\\=x onerror\\=alert\\(1\\)&gt; \\@refuge\\-2023\\-blog \\$x\\$ &lt;\\!\\-\\-"
    assert bundle["text/markdown"] == expected
    assert format_inline(bundle) == expected  # text/markdown is taken before text/plain, as Quarto does


def test_markdown_asked_for_explicitly_stays_markdown(kernel: DisplayFormatter) -> None:
    kernel_text.install()
    assert kernel.format(Markdown("**b** [@refuge-2023-blog]"))[0]["text/markdown"] == "**b** [@refuge-2023-blog]"
    assert "text/markdown" not in kernel.format(42)[0]


def test_outside_a_kernel_nothing_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: None))
    assert kernel_text.install() is False
