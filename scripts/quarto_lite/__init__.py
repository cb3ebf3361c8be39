"""quarto_lite: render a Quarto website project offline, without Quarto (and call Quarto where it is installed).

Generic: it reads _quarto.yml, the pages and their cells, and knows nothing of the project it renders.
"""
