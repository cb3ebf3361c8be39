"""The downloads: chart CSVs copied into the site, and the whole data package as one zip that validates."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from frictionless import Package

from ibsa_report.site.downloads import DATASET_ZIP, publish_downloads, write_dataset_zip

from conftest import ROOT


def test_the_zip_holds_the_descriptor_and_every_listed_csv(tmp_path: Path) -> None:
    target = write_dataset_zip(ROOT / "data", tmp_path / DATASET_ZIP)
    listed = [r["path"] for r in json.loads((ROOT / "data" / "datapackage.json").read_text())["resources"]]
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["datapackage.json", *listed]
        for name in listed:
            assert archive.read(name) == (ROOT / "data" / name).read_bytes(), name


def test_the_unzipped_package_passes_frictionless_validate(tmp_path: Path) -> None:
    target = write_dataset_zip(ROOT / "data", tmp_path / DATASET_ZIP)
    with zipfile.ZipFile(target) as archive:
        archive.extractall(tmp_path / "unzipped")
    report = Package(str(tmp_path / "unzipped" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    assert len(report.tasks) == len(json.loads((ROOT / "data" / "datapackage.json").read_text())["resources"])


def test_the_zip_is_byte_identical_when_the_data_is(tmp_path: Path) -> None:
    first = write_dataset_zip(ROOT / "data", tmp_path / "a.zip").read_bytes()
    second = write_dataset_zip(ROOT / "data", tmp_path / "b.zip").read_bytes()
    assert first == second


def test_publish_copies_every_chart_csv_and_writes_the_zip(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    for f in (ROOT / "data").iterdir():
        (tmp_path / "data" / f.name).write_bytes(f.read_bytes())
    (tmp_path / "_downloads").mkdir()
    (tmp_path / "_downloads" / "chart-a.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    (tmp_path / "_downloads" / "chart-b.csv").write_text("x,y\n3,4\n", encoding="utf-8")
    written = publish_downloads(tmp_path, tmp_path / "site")
    assert sorted(p.name for p in written) == sorted(["chart-a.csv", "chart-b.csv", DATASET_ZIP])
    assert (tmp_path / "site" / "downloads" / "chart-b.csv").read_text(encoding="utf-8") == "x,y\n3,4\n"
