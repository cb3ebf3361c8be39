"""ibsa_report: the IBSA criminal-justice report: evidence -> analysis -> report, run by the chapters;
site/ (pre/post-render steps), release/, dev/; build.py and cli.py at the top. Rendering is quarto_lite's.
"""
