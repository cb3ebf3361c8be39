"""Publish the chart CSVs and the whole dataset under downloads/ (part of the post-render step).

Copies the chart CSVs (written by the charts as the chapters ran, into the build's own folder named by
IBSA_DOWNLOADS_DIR, or `_downloads/` outside a build) to `<output>/downloads/`, and zips `data/`
(datapackage.json and every CSV it lists) as `<output>/downloads/<DATASET_ZIP>`; later in the step add_readme
adds README.md, listing each chart's files with their title, units, source and licence (site/chart_metadata.py).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from ibsa_report.report.data_dictionary import DATASET_ZIP
from ibsa_report.sources import downloads_dir

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so that the same data always gives the same bytes
README = "README.md"


def dataset_files(data_dir: Path) -> list[Path]:
    """Return datapackage.json and every resource file it lists, in descriptor order."""
    descriptor = data_dir / "datapackage.json"
    resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
    return [descriptor] + [data_dir / r["path"] for r in resources]


def _zip_entry(name: str) -> zipfile.ZipInfo:
    """Return a zip entry with a fixed date and mode."""
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write_dataset_zip(data_dir: Path, target: Path) -> Path:
    """Zip the data package (paths as in the descriptor, so it validates once unzipped) deterministically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in dataset_files(data_dir):
            archive.writestr(_zip_entry(path.relative_to(data_dir).as_posix()), path.read_bytes())
    return target


def add_readme(target: Path, readme: str) -> Path:
    """Add README.md, last, to a dataset zip written by write_dataset_zip (with the same fixed date and mode)."""
    with zipfile.ZipFile(target, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_zip_entry(README), readme.encode("utf-8"))
    return target


def publish_downloads(root: Path, out: Path) -> list[Path]:
    """Copy the chart CSVs and write the dataset zip into out/downloads; return what was written."""
    target = out / "downloads"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for csv in sorted(downloads_dir(root).glob("*.csv")):
        written.append(Path(shutil.copyfile(csv, target / csv.name)))
    written.append(write_dataset_zip(root / "data", target / DATASET_ZIP))
    return written

