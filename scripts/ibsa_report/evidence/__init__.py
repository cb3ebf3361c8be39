"""Read, check and load data/: the descriptor, file and schema checks, cross-table rules, problems, the frames.

Imports nothing else of the report (the bottom of evidence -> analysis -> report).
"""
