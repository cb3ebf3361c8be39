"""What the pages show: the chart builder and the charts, tables, quotes, recommendation text, data dictionary, formatting.

Imports analysis and evidence; never site, release, build or cli (it runs in the chapters' kernel).
"""
