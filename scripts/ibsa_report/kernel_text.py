"""In the chapters' kernel, show every str as literal text: an inline `{python}` str can never become markup.

Both engines ask the kernel for a value's MIME bundle and put text/markdown on the page before
text/plain. For a str the kernel gives only text/plain, which Quarto 1.7.34 shows without its quotes
but with '<', '&', '@' and '$' unescaped (`jupyter-inline.ts`), so data text holding HTML, a
citation or a formula would become one. Here str gets a text/markdown form, escaped (one line, as
`fmt.text`), so both engines show it as written. Markdown or HTML must be asked for explicitly
(`IPython.display.Markdown`, the report's helpers).

`install()` runs when any `ibsa_report` module is imported (the package's `__init__`), so a chapter
cannot forget it: a page has data only through `ibsa_report`.
"""

from __future__ import annotations

import sys


def install() -> bool:
    """Give str a text/markdown form in the running IPython kernel; return False outside one."""
    ipython = sys.modules.get("IPython")  # never imported here: a kernel has it already
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    from quarto_lite.outputs import literal_text
    shell.display_formatter.formatters["text/markdown"].for_type(str, literal_text)
    return True
