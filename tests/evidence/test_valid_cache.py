"""data/ is validated once per content: kept in memory and on disk by its hash, never when it has problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ibsa_report.evidence import valid_cache, validate
from ibsa_report.evidence.frames import load
from ibsa_report.evidence.valid_cache import CACHE_KIND, valid_tables
from ibsa_report.evidence.validate import InvalidData
from ibsa_report.sources import CACHE_DIR, copy_sources

from conftest import ROOT, edit


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Count the full validations (validate_project calls) in a cache folder of the test's own."""
    calls: list[Path] = []
    real = validate.validate_project

    def counting(project: Path):
        calls.append(project)
        return real(project)

    monkeypatch.setattr(validate, "validate_project", counting)
    monkeypatch.setenv(CACHE_DIR, str(tmp_path / "cache"))
    monkeypatch.setattr(valid_cache, "_kept", {})
    return calls


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_sources(ROOT, tmp_path / "project")


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / CACHE_KIND).glob("*.pickle"))


def test_the_same_data_are_validated_once_in_a_process_and_once_on_disk(counted, project: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    first = valid_tables(project, "stopped")
    assert len(counted) == 1 and len(entries(tmp_path)) == 1
    again = valid_tables(project, "stopped")
    assert len(counted) == 1
    monkeypatch.setattr(valid_cache, "_kept", {})  # another process (a page's kernel): reads the entry on disk
    other = copy_sources(project, tmp_path / "other")  # the same data in another folder have the same key
    from_disk = valid_tables(other, "stopped")
    assert len(counted) == 1
    for tables in (again, from_disk):
        assert tables.keys() == first.keys()
        for name, frame in first.items():
            assert tables[name].equals(frame) and list(tables[name].dtypes) == list(frame.dtypes), name


def test_each_caller_gets_its_own_copy(counted, project: Path) -> None:
    first = load(project)
    first.tables["foi_rounds"].loc[:, "title"] = "changed by a page"
    assert (load(project)["foi_rounds"]["title"] != "changed by a page").all()


def test_a_change_to_data_fresh_or_a_damaged_entry_validates_again(counted, project: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    valid_tables(project, "stopped")
    edit(project, "foi_rounds.csv", b"Refuge FOI requests", b"Refuge FOI  requests")
    changed = valid_tables(project, "stopped")
    assert len(counted) == 2 and len(entries(tmp_path)) == 2
    assert changed["foi_rounds"]["title"].str.startswith("Refuge FOI  requests").all()
    valid_tables(project, "stopped", fresh=True)
    assert len(counted) == 3
    monkeypatch.setattr(valid_cache, "_kept", {})
    for entry in entries(tmp_path):
        entry.write_bytes(b"not a pickle")
    valid_tables(project, "stopped")
    assert len(counted) == 4


def test_data_with_problems_are_never_kept(counted, project: Path, tmp_path: Path) -> None:
    edit(project, "foi_force_counts.csv", b"dorset,17,", b"dorset,x17,")
    for _ in range(2):
        with pytest.raises(InvalidData, match=r"foi_force_counts\.csv:8:charged_summonsed"):
            valid_tables(project, "the chapters cannot run")
    assert len(counted) == 2 and entries(tmp_path) == []


def test_a_change_to_the_validating_code_changes_the_key(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = tmp_path / "code" / "evidence"
    shutil.copytree(valid_cache.CODE[0], code)
    monkeypatch.setattr(valid_cache, "CODE", (code, *valid_cache.CODE[1:]))
    before = valid_cache.data_key(project)
    (code / "rules.py").write_text((code / "rules.py").read_text() + "\n# changed\n")
    assert valid_cache.data_key(project) != before
