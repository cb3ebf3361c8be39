"""What _quarto.yml runs before and after rendering: prepare, postrender, downloads, cite blocks, bibliography.
"""
