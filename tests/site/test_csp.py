"""The Content-Security-Policy the post-render step writes into every page."""

from __future__ import annotations

import re

import pytest

from ibsa_report.site.csp import QUARTO_TOGGLER, PolicyError, page_policy, source_hash, with_policy

BUILTIN = ("<!DOCTYPE html>\n<html><head>\n<meta charset=\"utf-8\">\n<title>T</title>\n</head><body>\n"
           '<script type="application/json" class="chart-spec">{"a":"\\u003cb"}</script>\n'
           '<script src="assets/charts.js" defer></script><script type="module" src="assets/search.js"></script>\n'
           "</body></html>\n")
STRICT = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
          "base-uri 'none'; form-action 'self'")
AFTER_BODY = '\n  window.document.addEventListener("DOMContentLoaded", function (event) {});\n'
QUARTO = ('<html><head>\n<meta charset="utf-8">\n<meta name="generator" content="quarto-1.7.34">\n<style>code{}</style>\n'
          f'</head><body><button class="navbar-toggler" onclick="{QUARTO_TOGGLER}">x</button>\n'
          f'<script id="quarto-html-after-body" type="application/javascript">{AFTER_BODY}</script>\n</body></html>\n')


def test_a_builtin_page_gets_the_strict_policy_first_after_its_charset() -> None:
    html = with_policy(BUILTIN, "index.html")
    assert html.startswith('<!DOCTYPE html>\n<html><head>\n<meta charset="utf-8">\n'
                           f'<meta http-equiv="Content-Security-Policy" content="{STRICT}">\n<title>')
    assert with_policy(html, "index.html") == html, "writing the policy twice leaves one"


@pytest.mark.parametrize(("planted", "found"), [
    ("<script>alert(1)</script>", "<script> 'alert(1)'"),
    ('<img src="x" onerror="alert(1)">', "onerror='alert(1)'"),
    ('<details open ontoggle="alert(1)">', "ontoggle='alert(1)'"),
    ('<script type="module">import "x"</script>', "<script> 'import \"x\"'"),
])
def test_a_page_with_inline_script_stops_the_build_naming_it(planted: str, found: str) -> None:
    with pytest.raises(PolicyError, match=f"^chapters/x.html: inline script the Content-Security-Policy refuses: {re.escape(found)}$"):
        with_policy(BUILTIN.replace("</body>", planted + "</body>"), "chapters/x.html")


def test_a_quarto_page_allows_its_own_inline_script_and_toggler_by_hash_only() -> None:
    policy = page_policy(QUARTO, "index.html")
    assert f"script-src 'self' {source_hash(AFTER_BODY)} 'unsafe-hashes' {source_hash(QUARTO_TOGGLER)};" in policy
    assert "style-src-elem 'self' 'unsafe-inline'" in policy and "img-src 'self' data:" in policy
    assert "font-src 'self' data:" in policy
    assert "'unsafe-eval'" not in policy and "style-src 'self';" in policy
    assert source_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"  # the hash Chromium names


@pytest.mark.parametrize("planted", [
    "<script>alert(1)</script>",
    '<script id="quarto-html-after-body">alert(1)</script>',
    '<span onclick="alert(1)">x</span>',
])
def test_a_quarto_page_with_any_other_inline_script_stops_the_build(planted: str) -> None:
    with pytest.raises(PolicyError, match=r"^index.html: inline script the Content-Security-Policy refuses"):
        page_policy(QUARTO.replace("</body>", planted + "</body>"), "index.html")
