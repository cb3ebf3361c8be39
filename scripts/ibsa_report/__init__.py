"""ibsa_report: the IBSA criminal-justice report: evidence -> analysis -> report, run by the chapters;
site/ (pre/post-render steps), release/, dev/; build.py and cli.py at the top. Rendering is quarto_lite's.

Imported in a chapter's kernel, it makes every str an expression yields show as literal text (kernel_text).
"""

from ibsa_report.kernel_text import install as _show_str_as_text

_show_str_as_text()
