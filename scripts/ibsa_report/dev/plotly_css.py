"""Write plotly.js's own style rules as a stylesheet, so that pages need no inline styles (CSP `style-src 'self'`).

plotly.js adds its rules (hover labels, layered SVGs, cursors) to an empty `<style id="plotly.js-style-global">`
it creates, which a Content-Security-Policy without `'unsafe-inline'` blocks; it skips that when the page
already has an element with that id and class `no-inline-styles` (`lib/dom.js`, addRelatedStyleRule). The
chart helper links this file so; the rules are read out of the vendored bundle itself, so the two cannot
drift apart (a test checks it). After upgrading plotly.js: `python -m ibsa_report.dev.plotly_css`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ibsa_report.report.chart import PLOTLY_BUNDLE, PLOTLY_CSS
from quarto_lite.project import find_root

# The bundle's rules object, {"X,X div":'direction:ltr;…', …}, and the loop that adds each rule.
_RULES = re.compile(r'=(\{"X,X div":.*?\});for\((\w+) in \w+\)')
_SELECTORS = {"X": ".js-plotly-plot .plotly", "Y": ".plotly-notifier"}
# A quoted string (kept as it is) or a key the minifier left unquoted ({…,Y:'…'}), to be quoted.
_STRING_OR_BARE_KEY = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?<=[{,])([A-Za-z_$][\w$]*)(?=:)""")


def plotly_css(bundle: str) -> str:
    """Return plotly.js's global style rules, found in the bundle's source, as a stylesheet."""
    found = _RULES.search(bundle)
    if found is None:
        raise ValueError("plotly.js's style rules were not found in the bundle (has its source changed?)")
    quoted = _STRING_OR_BARE_KEY.sub(lambda m: f'"{m.group(1)}"' if m.group(1) else m.group(0), found.group(1))
    rules = ast.literal_eval(quoted)  # a JS object literal of quoted strings reads as a Python dict
    lines = []
    for selector, style in rules.items():
        full = re.sub(r"^,", " ,", selector)
        for letter, replacement in _SELECTORS.items():
            full = full.replace(letter, replacement)
        lines.append(f"{full}{{{style}}}")
    lines.reverse()  # plotly inserts each rule at the top of its sheet (insertRule(rule, 0)): the last comes first
    return "/* plotly.js's own rules, from " + Path(PLOTLY_BUNDLE).name + " (ibsa_report.dev.plotly_css) */\n" + "\n".join(lines) + "\n"


def write_plotly_css(root: Path) -> Path:
    """Write the stylesheet beside the vendored bundle and return its path."""
    target = root / PLOTLY_CSS
    target.write_text(plotly_css((root / PLOTLY_BUNDLE).read_text(encoding="utf-8")), encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write_plotly_css(find_root()))
