"""Citation, versions, releases and publishing.
"""
