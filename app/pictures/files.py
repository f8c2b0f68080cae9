"""The files of product pictures, in PICTURES_DIR (instance/pictures/ unless set).

A file is named by the picture's key, the hash of its content, and its size:
`<key>-thumb.jpg`, `<key>-large.jpg`. A new picture has a new name, so a browser or a
proxy may keep a file for a year (served as immutable) and never shows an old one. Two
products with the same picture share its files. Only names of that exact shape are
ever opened, written or deleted: a path from a request cannot leave the folder.
"""
import os
import re
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from flask import current_app

from app.pictures.images import SIZES, Prepared

SUFFIX = ".jpg"
MEDIA_TYPE = "image/jpeg"
NAME = re.compile(r"^(?P<key>[0-9a-f]{32})-(?P<size>%s)\.jpg\Z" % "|".join(SIZES))
KEY = re.compile(r"^[0-9a-f]{32}\Z")


def folder() -> Path:
    return Path(current_app.config["PICTURES_DIR"])


def file_name(key: str, size: str) -> str:
    if not KEY.match(key) or size not in SIZES:
        raise ValueError(f"not a picture file: {key!r} {size!r}")
    return f"{key}-{size}{SUFFIX}"


def path_of(name: str) -> Path | None:
    """The file behind a name from a request, if it is a picture file's name; else None."""
    return folder() / name if NAME.match(name) else None


def save(picture: Prepared) -> list[str]:
    """Write each size of the picture, unless already there; returns the names written.

    Each file is written under a temporary name and renamed: a reader never sees half
    a file, and two processes writing the same picture write the same bytes."""
    return _write_missing(picture)


def save_missing(picture: Prepared) -> list[str]:
    """After a commit: write again any size of the picture that is missing (another
    process deleted the files of a picture no committed row used, just before ours)."""
    return _write_missing(picture)


def _write_missing(picture: Prepared) -> list[str]:
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for size in picture.sizes.values():
        name = file_name(picture.key, size.name)
        if (target / name).exists():
            continue
        handle, temporary = tempfile.mkstemp(dir=target, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(size.data)
            os.replace(temporary, target / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(name)
    return written


def delete(keys: Iterable[str]) -> None:
    """Delete every size of these pictures' files (those already gone are skipped)."""
    target = folder()
    for key in keys:
        for size in SIZES:
            (target / file_name(key, size)).unlink(missing_ok=True)


def stored_keys(older_than: float = 0) -> set[str]:
    """The keys of the pictures that have files in the folder, written at least
    `older_than` seconds ago."""
    target = folder()
    if not target.is_dir():
        return set()
    cutoff = time.time() - older_than
    return {match["key"] for entry in target.iterdir()
            if (match := NAME.match(entry.name)) and entry.stat().st_mtime <= cutoff}
