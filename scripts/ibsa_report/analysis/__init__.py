"""Statistics and the numbers the report quotes, computed from the evidence.

Imports evidence only (evidence -> analysis -> report).
"""
