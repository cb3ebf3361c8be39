"""Shared fixtures: a scratch copy of the project's data, and the source documents when present."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("IBSA_SEEDS_DIR", ROOT.parent / "shared" / "seeds"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a project directory holding a copy of the committed data/, safe to break."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


@pytest.fixture(scope="session")
def seeds() -> Path:
    """Return the directory of the source documents; in CI their absence is an error, not a skip."""
    if not (SEEDS / "README.md").is_file():
        if os.environ.get("CI") and not os.environ.get("IBSA_SEEDS_OPTIONAL"):
            pytest.fail(f"source documents not found at {SEEDS}; CI must run with shared/ beside the clone")
        pytest.skip(f"source documents not found at {SEEDS} (set IBSA_SEEDS_DIR)")
    return SEEDS
