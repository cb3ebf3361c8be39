"""The manifest of an archived version: v/X.Y.Z/MANIFEST.sha256 lists the SHA-256 of every file in the copy.

Written when the version is archived (`freeze`), in `sha256sum`'s format, so that `cd v/X.Y.Z &&
sha256sum -c MANIFEST.sha256` checks a copy by hand. Every build checks the archives it carries forward
and `publish` checks those it would publish: a changed, missing or added file, or a copy without a
manifest, is refused with the file named. A copy archived before manifests existed gets one from
`ibsa-report manifest X.Y.Z` once someone has checked it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

MANIFEST = "MANIFEST.sha256"


class ArchiveAltered(ValueError):
    """An archived copy does not match its manifest, or has none; the message names the file."""


def file_hashes(copy: Path) -> dict[str, str]:
    """Return the SHA-256 of every file of an archived copy but its manifest, by path inside it."""
    return {p.relative_to(copy).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(copy.rglob("*")) if p.is_file() and p.relative_to(copy).as_posix() != MANIFEST}


def manifest_text(copy: Path) -> str:
    """Return the manifest of copy: one '<sha256>  <path>' line per file, sorted by path."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(file_hashes(copy).items()))


def write_manifest(copy: Path) -> Path:
    """Write copy/MANIFEST.sha256 and return it."""
    target = copy / MANIFEST
    target.write_text(manifest_text(copy), encoding="utf-8")
    return target


def read_manifest(copy: Path, label: str) -> dict[str, str]:
    """Return {path: sha256} from copy's manifest; raise ArchiveAltered, naming the line, if one is malformed."""
    listed = {}
    for number, line in enumerate((copy / MANIFEST).read_text(encoding="utf-8").splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not name:
            raise ArchiveAltered(f"{label}/{MANIFEST}:{number}: not a '<sha256>  <path>' line")
        listed[name] = digest
    return listed


def check_copy(copy: Path, label: str) -> None:
    """Raise ArchiveAltered unless copy holds exactly the files its manifest lists, with their hashes.

    label is how the copy is named in the message (e.g. '_site/v/1.0.0').
    """
    version = copy.name
    if not (copy / MANIFEST).is_file():
        raise ArchiveAltered(f"archived version {version} has no manifest ({label}/{MANIFEST}): check the copy, then "
                             f"run `ibsa-report manifest {version}` to write one")
    listed, found = read_manifest(copy, label), file_hashes(copy)
    for name, digest in listed.items():
        if name not in found:
            raise ArchiveAltered(f"archived version {version} is incomplete: {label}/{name} is missing "
                                 f"(listed in {label}/{MANIFEST})")
        if found[name] != digest:
            raise ArchiveAltered(f"archived version {version} has been altered: {label}/{name} does not match "
                                 f"its hash in {label}/{MANIFEST}")
    extra = sorted(found.keys() - listed.keys())
    if extra:
        raise ArchiveAltered(f"archived version {version} has a file its manifest does not list: {label}/{extra[0]}")
