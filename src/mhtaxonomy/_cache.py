"""A checked, per-user cache of the validated shipped dataset.

Reading and checking the shipped TOML files is most of a cold start. The result
depends only on those files and on the code that reads them, so it is kept,
pickled, in the user's cache directory under a key that hashes both: the bytes
of every shipped data file (with its path), of ``load.py``, ``model.py`` and ``taxonomy.py``,
and the Python version. A cache file is used only if

- its directory and the file itself belong to the current user and no one else
  may write to them (a pickle runs code when it is read: it must come from us);
- it is a regular file (not a link), whose header names the same key; and
- the BLAKE2b hash of its payload matches the one in its header (a torn or truncated
  write is never read).

Anything else, and any error on the way, is a miss: the data are read and
checked from the TOML files as if there were no cache, and a fresh file is
written atomically (a temporary file in the same directory, then a rename).
The directory keeps the four newest files, so two versions of the package (two checkouts,
two environments) used by turns do not evict each other. Overlays are never cached: they are the user's files and change at will.

The directory is ``$MHTAXONOMY_CACHE_DIR``, else ``$XDG_CACHE_HOME/mhtaxonomy``,
else ``~/.cache/mhtaxonomy``. Set ``MHTAXONOMY_CACHE=0`` to turn the cache off.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

__all__ = ["cache_dir", "cached", "enabled", "key"]

try:  # the C unpickler alone: the pickle module's own imports cost a cache hit a tenth of its time
    from _pickle import loads as _loads
except ImportError:  # pragma: no cover - CPython always has it
    from pickle import loads as _loads
try:  # BLAKE2 without hashlib's OpenSSL, whose loading costs more than the rest of a cache hit
    from _blake2 import blake2b as _hash
except ImportError:  # pragma: no cover - every CPython has it; other Pythons take hashlib's
    from hashlib import blake2b as _hash

_T = TypeVar("_T")
_MAGIC = b"mhtaxonomy-cache-1\n"
_DIGEST = _hash().digest_size
_CODE = ("load.py", "model.py", "taxonomy.py")
#: How many cache files (one per version of the data and code) are kept; the oldest go first.
KEEP = 4


def enabled() -> bool:
    """Whether the cache is on (``MHTAXONOMY_CACHE`` is unset, or not ``0``/``off``/``no``/``false``)."""
    return os.environ.get("MHTAXONOMY_CACHE", "1").strip().lower() not in {"0", "off", "no", "false"}


def cache_dir() -> Path:
    """The directory the cache lives in (it need not exist yet)."""
    explicit = os.environ.get("MHTAXONOMY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mhtaxonomy"


def key(files: Iterable[tuple[str, str | Path]]) -> str:
    """The hex key of a dataset read from ``files`` (name, path) by this version of the code."""
    digest = _hash()
    digest.update(_MAGIC)
    digest.update(sys.version.encode())
    here = Path(__file__).parent
    for name, path in [*((f"code/{c}", here / c) for c in _CODE), *files]:
        with open(path, "rb") as handle:
            data = handle.read()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _private(info: os.stat_result) -> bool:
    """Owned by us and writable by no one else."""
    getuid = getattr(os, "getuid", None)
    owner_ok = getuid is None or info.st_uid == getuid()
    return owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path, wanted: str) -> bytes | None:
    try:
        if not _private(os.stat(path.parent)):
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or not _private(info):
            return None
        blob = handle.read()
    header = _MAGIC + wanted.encode() + b"\n"
    if not blob.startswith(header):
        return None
    digest, payload = blob[len(header) : len(header) + _DIGEST], blob[len(header) + _DIGEST :]
    if _hash(payload).digest() != digest:
        return None
    return payload


def _write(directory: Path, path: Path, wanted: str, value: object) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(directory)):
            return
        import pickle
        import tempfile

        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".dataset-", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(_MAGIC + wanted.encode() + b"\n" + _hash(payload).digest() + payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _prune(directory)
    except (OSError, TypeError, AttributeError, ValueError):  # unpicklable or unwritable: stay a miss
        return


def _prune(directory: Path) -> None:
    """Keep the :data:`KEEP` newest cache files: other checkouts or versions keep theirs, and the directory stays small."""
    found = []
    for entry in directory.glob("dataset-*.pickle"):
        try:
            found.append((entry.stat().st_mtime, entry))
        except OSError:  # removed by another process meanwhile
            continue
    for _, old in sorted(found, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)


def cached(files: Iterable[tuple[str, str | Path]], build: Callable[[], _T]) -> _T:
    """``build()``'s result for ``files``, from the cache when a checked copy is there.

    The build runs, and its result is stored, whenever no valid cache file
    matches; errors from ``build`` pass through and store nothing.
    """
    if not enabled():
        return build()
    try:
        wanted = key(files)
    except OSError:
        return build()
    directory = cache_dir()
    path = directory / f"dataset-{wanted[:32]}.pickle"
    payload = _read(path, wanted)
    if payload is not None:
        try:
            return _loads(payload)  # noqa: S301 - our own file, owner- and hash-checked above
        except Exception:  # noqa: BLE001 - a stale or damaged cache is a miss
            pass
    value = build()
    _write(directory, path, wanted, value)
    return value
