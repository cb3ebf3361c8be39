"""Developer tools: the page-weight bench, the local server, the browser launcher.
"""
