"""Validate data/ once per content: a valid data/'s tables are kept by the hash of what validation reads.

The key is the SHA-256 of data/'s files (paths and bytes), of the code that validates them (this package
and the engine's YAML and project readers) and of the Python, pandas and frictionless versions; so an edit
to any of them is validated again, and two builds of the same data validate once. The tables are kept in
memory (each kernel validates or reads them once, then every page gets its own copy) and on disk, in
<cache>/validated/ (ibsa_report.sources.cache_dir), written whole by this code; an entry that cannot be
read is validated again. Data with problems are never kept. `ibsa-report validate` does not read it.
"""

from __future__ import annotations

import pickle
import sys
from importlib.metadata import version
from pathlib import Path

import pandas as pd

import quarto_lite
from quarto_lite.page_cache import digest, tree_digest, write_whole
from ibsa_report.evidence.package import DATA_DIR
from ibsa_report.evidence.validate import require_valid
from ibsa_report.sources import cache_dir

CACHE_KIND = "validated"
CACHE_FORMAT = "validated tables 1"  # change it when what is kept changes
CODE = (Path(__file__).parent, Path(quarto_lite.__file__).parent)

Tables = dict[str, pd.DataFrame]
_kept: dict[str, Tables] = {}


def data_key(project: Path) -> str:
    """Return the key of project's data/ as validated by this code."""
    versions = f"{CACHE_FORMAT} {sys.version} pandas {pd.__version__} frictionless {version('frictionless')}"
    code = [tree_digest([folder], folder.parent) for folder in CODE]
    return digest(versions, tree_digest([project / DATA_DIR], project), *code)


def entry(project: Path, key: str) -> Path:
    """Return the file that keeps the tables of the data under key."""
    return cache_dir(project, CACHE_KIND) / f"{key}.pickle"


def valid_tables(project: Path, stopped: str, *, fresh: bool = False) -> Tables:
    """Return copies of the typed tables of project's valid data/, validating only data not seen before.

    fresh: validate again whatever is kept (and keep the outcome). Raises InvalidData as require_valid does.
    """
    key = data_key(project)
    tables = None if fresh else _kept.get(key) or read_entry(entry(project, key))
    if tables is None:
        tables = require_valid(project, stopped).tables
        write_whole(entry(project, key), pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
    _kept[key] = tables
    return {name: frame.copy() for name, frame in tables.items()}


def read_entry(path: Path) -> Tables | None:
    """Return the tables kept in path, or None when there are none or they cannot be read."""
    try:
        tables = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None
    if not isinstance(tables, dict) or not all(isinstance(t, pd.DataFrame) for t in tables.values()):
        return None
    return tables
