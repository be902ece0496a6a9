"""A checked, per-user cache of the validated shipped dataset.

Reading and checking the shipped TOML files is most of a cold start. The result
depends only on those files and on the code that reads them, so it is kept,
pickled, in the user's cache directory under a key that hashes both: the bytes
of every shipped data file (with its path), of ``load.py``, ``model.py``, ``taxonomy.py``
and this module, and the Python version. A cache file is used only if

- its directory and the file itself belong to the current user and no one else
  may write to them (a pickle runs code when it is read: it must come from us);
- it is a regular file (not a link), whose header names the same key; and
- the CRC-32 of its payload matches the one in its header (a damaged or truncated
  file is never read; the writes themselves are atomic). The key is a BLAKE2b hash,
  the payload's check a CRC, as in gzip or PNG: it guards against damage, while the
  ownership checks above keep out anyone else's file.

Anything else, and any error on the way, is a miss: the data are read and
checked from the TOML files as if there were no cache, and a fresh file is
written atomically (a temporary file in the same directory, then a rename).
The directory keeps the four newest files, so two versions of the package (two checkouts,
two environments) used by turns do not evict each other. Overlays are never cached: they are the user's files and change at will.

Records are stored by column. Rebuilding thousands of frozen records one by one,
each through its ``__setstate__``, was most of the time a warm ``load()`` took.
The payload is one pickle stream of two segments, sharing one memo; a segment is
three pickles:

1. for each record class, its field names and as many empty instances as it has
   records (made by ``cls.__new__`` alone, no state);
2. for each class, one tuple of values per field, in the order of the instances;
3. the value itself, whose records are references to the instances of (1).

Reading fills each field of every instance in one pass of C calls (the field's slot
descriptor set over the column) between (2) and (3), so nothing in (3), which may
hash records, sees an empty one. A record class is stored this way when it is an
attrs class whose slots are exactly its fields and whose ``__new__`` is
``object.__new__``; any other object is pickled as pickle would.

The first segment holds the value, the second the mappings the caller named as
``later``: in the value they stand as references, read back as :class:`Later`
mappings that read the second segment when one of them is first used. The shipped
taxonomy leaves its sources, record origins and suggestion labels there: most
questions never read them. Should that read fail, the data are read afresh from the
TOML files instead.

The directory is ``$MHTAXONOMY_CACHE_DIR``, else ``$XDG_CACHE_HOME/mhtaxonomy``,
else ``~/.cache/mhtaxonomy``. Set ``MHTAXONOMY_CACHE=0`` to turn the cache off.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections import deque
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Later", "cache_dir", "cached", "dumps", "enabled", "key", "loads"]

try:  # the C unpickler alone: the pickle module's own imports cost a cache hit a tenth of its time
    from _pickle import Unpickler as _Unpickler
except ImportError:  # pragma: no cover - CPython always has it
    from pickle import Unpickler as _Unpickler
try:  # BLAKE2 without hashlib's OpenSSL, whose loading costs more than the rest of a cache hit
    from _blake2 import blake2b as _hash
except ImportError:  # pragma: no cover - every CPython has it; other Pythons take hashlib's
    from hashlib import blake2b as _hash

_T = TypeVar("_T")
_MAGIC = b"mhtaxonomy-cache-2\n"
_CHECK = 4  # bytes of the payload's CRC-32, big-endian
_CODE = ("load.py", "model.py", "taxonomy.py", "_cache.py")
#: How many cache files (one per version of the data and code) are kept; the oldest go first.
KEEP = 4


def enabled() -> bool:
    """Whether the cache is on (``MHTAXONOMY_CACHE`` is unset, or not ``0``/``off``/``no``/``false``)."""
    return os.environ.get("MHTAXONOMY_CACHE", "1").strip().lower() not in {"0", "off", "no", "false"}


def _directory() -> str:
    # Plain strings: a warm start never imports pathlib (see load._SHIPPED_ROOT).
    explicit = os.environ.get("MHTAXONOMY_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mhtaxonomy")


def cache_dir() -> Path:
    """The directory the cache lives in (it need not exist yet)."""
    from pathlib import Path

    return Path(_directory())


def key(files: Iterable[tuple[str, str | os.PathLike[str]]]) -> str:
    """The hex key of a dataset read from ``files`` (name, path) by this version of the code."""
    digest = _hash()
    digest.update(_MAGIC)
    digest.update(sys.version.encode())
    here = os.path.dirname(os.path.abspath(__file__))
    for name, path in [*((f"code/{c}", os.path.join(here, c)) for c in _CODE), *files]:
        with open(path, "rb") as handle:
            data = handle.read()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


# -- the payload: records by column, then the value (see the module's docstring) -------------------


def _columns_of(cls: type) -> tuple[str, ...] | None:
    """The field names of a record class stored by column, or ``None`` if it is pickled as usual."""
    fields = getattr(cls, "__attrs_attrs__", None)
    if fields is None or not isinstance(cls, type) or cls.__new__ is not object.__new__:
        return None
    names = tuple(field.name for field in fields)
    slots = {slot for klass in cls.__mro__ for slot in vars(klass).get("__slots__", ())} - {"__weakref__"}
    if slots != set(names) or not all(type(getattr(cls, name, None)).__name__ == "member_descriptor" for name in names):
        return None
    return names


def dumps(value: object, later: Iterable[object] = ()) -> bytes:
    """``value`` pickled, its records by column; :func:`loads` reads it back.

    ``later`` names mappings within ``value`` that are read only when first used:
    they are written after the rest, and stand in ``value`` as references.
    """
    import copyreg
    import pickle

    deferred = tuple(later)
    places = {id(obj): n for n, obj in enumerate(deferred)}
    written: set[int] = set()  # the records given an empty instance so far, by id
    shells: set[int] = set()  # those of the segment being written

    def records_in(part: object) -> list[tuple[type, tuple[str, ...], tuple[object, ...]]]:
        layout: dict[type, tuple[tuple[str, ...] | None, list[object]]] = {}

        class Finder(pickle.Pickler):
            def persistent_id(self, obj: object) -> int | None:
                return places.get(id(obj)) if part is value else None

            def reducer_override(self, obj: object) -> Any:
                cls = type(obj)
                entry = layout.get(cls)
                if entry is None:
                    entry = layout[cls] = (_columns_of(cls), [])
                if entry[0] is not None and id(obj) not in written:
                    entry[1].append(obj)
                return NotImplemented

        Finder(io.BytesIO(), protocol=pickle.HIGHEST_PROTOCOL).dump(part)
        return [(cls, names, tuple(found)) for cls, (names, found) in layout.items() if names is not None and found]

    class Writer(pickle.Pickler):
        substitute = True

        def persistent_id(self, obj: object) -> int | None:
            return places.get(id(obj)) if self.substitute else None

        def reducer_override(self, obj: object) -> Any:
            # An instance with no state: pickle writes NEWOBJ alone, and the memo remembers it.
            return (copyreg.__newobj__, (type(obj),)) if id(obj) in shells else NotImplemented  # type: ignore[attr-defined]

    out = io.BytesIO()
    writer = Writer(out, protocol=pickle.HIGHEST_PROTOCOL)
    for part in (value, deferred):
        writer.substitute = part is value
        groups = records_in(part)
        shells.clear()
        shells.update(id(record) for _, _, found in groups for record in found)
        written.update(shells)
        writer.dump(tuple(groups))
        writer.dump(tuple(tuple(tuple(getattr(r, name) for r in found) for name in names) for _, names, found in groups))
        writer.dump(part)
    return out.getvalue()


def _segment(reader: Any) -> Any:
    """Read one segment: empty records, their columns, then the value that uses them."""
    groups = reader.load()
    columns = reader.load()
    consume = deque[None](maxlen=0).extend
    for (cls, names, records), values in zip(groups, columns, strict=True):
        for name, column in zip(names, values, strict=True):
            if len(column) != len(records):
                raise ValueError(f"a column of {cls.__name__}.{name} has {len(column)} values for {len(records)} records")
            consume(map(getattr(cls, name).__set__, records, column))
    return reader.load()


class _Deferred:
    """The mappings of a payload read when one of them is first used (see :func:`dumps`)."""

    def __init__(self, reader: Any, rebuild: Callable[[], tuple[Mapping[Any, Any], ...]] | None) -> None:
        import threading

        self.reader: Any = reader
        self.rebuild = rebuild
        self.values: tuple[Mapping[Any, Any], ...] | None = None
        self.lock = threading.Lock()

    def placeholder(self, place: int) -> Later:
        return Later(self, place)

    def get(self, place: int) -> Mapping[Any, Any]:
        if self.values is None:
            with self.lock:
                if self.values is None:
                    try:
                        values = tuple(_segment(self.reader))
                    except Exception:
                        if self.rebuild is None:
                            raise
                        values = self.rebuild()  # damage the checks missed: read the data afresh
                    self.values, self.reader, self.rebuild = values, None, None
        return self.values[place]


class Later(Mapping[Any, Any]):
    """A mapping from the cache file, read when first used (then as quick as the dict it holds).

    It pickles and copies as a plain ``dict``.
    """

    __slots__ = ("_deferred", "_place")

    def __init__(self, deferred: _Deferred, place: int) -> None:
        self._deferred, self._place = deferred, place

    @property
    def _mapping(self) -> Mapping[Any, Any]:
        return self._deferred.get(self._place)

    def __getitem__(self, key: object) -> Any:
        return self._mapping[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._mapping)

    def __len__(self) -> int:
        return len(self._mapping)

    def __contains__(self, key: object) -> bool:
        return key in self._mapping

    def get(self, key: object, default: Any = None) -> Any:
        return self._mapping.get(key, default)

    def keys(self) -> KeysView[Any]:
        return self._mapping.keys()

    def values(self) -> ValuesView[Any]:
        return self._mapping.values()

    def items(self) -> ItemsView[Any, Any]:
        return self._mapping.items()

    def __eq__(self, other: object) -> bool:
        return self._mapping == (other._mapping if isinstance(other, Later) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._mapping)

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (dict(self._mapping),)


def loads(payload: bytes, rebuild: Callable[[], tuple[Mapping[Any, Any], ...]] | None = None) -> Any:
    """The value :func:`dumps` wrote; its ``later`` mappings are read when first used.

    Should reading them fail then, ``rebuild()`` gives them instead (else the error is raised).
    """
    reader = _Unpickler(io.BytesIO(payload))
    reader.persistent_load = _Deferred(reader, rebuild).placeholder  # type: ignore[method-assign]
    return _segment(reader)


# -- the file ------------------------------------------------------------------------------------


def _private(info: os.stat_result) -> bool:
    """Owned by us and writable by no one else."""
    getuid = getattr(os, "getuid", None)
    owner_ok = getuid is None or info.st_uid == getuid()
    return owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: str, wanted: str) -> bytes | None:
    try:
        if not _private(os.stat(os.path.dirname(path))):
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
    from zlib import crc32

    check, payload = blob[len(header) : len(header) + _CHECK], blob[len(header) + _CHECK :]
    if crc32(payload).to_bytes(_CHECK, "big") != check:
        return None
    return payload


def _write(directory: str, path: str, wanted: str, value: object, later: tuple[object, ...] = ()) -> None:
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not _private(os.stat(directory)):
            return
        import tempfile
        from zlib import crc32

        payload = dumps(value, later)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".dataset-", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(_MAGIC + wanted.encode() + b"\n" + crc32(payload).to_bytes(_CHECK, "big") + payload)
            os.replace(temporary, path)
        except BaseException:
            with _suppressed(OSError):
                os.unlink(temporary)
            raise
        _prune(directory)
    except (OSError, TypeError, AttributeError, ValueError):  # unpicklable or unwritable: stay a miss
        return


def _suppressed(*errors: type[BaseException]) -> Any:
    import contextlib

    return contextlib.suppress(*errors)


def _prune(directory: str) -> None:
    """Keep the :data:`KEEP` newest cache files: other checkouts or versions keep theirs, and the directory stays small."""
    found = []
    for entry in os.scandir(directory):
        if not (entry.name.startswith("dataset-") and entry.name.endswith(".pickle")):
            continue
        try:
            found.append((entry.stat().st_mtime, entry.path))
        except OSError:  # removed by another process meanwhile
            continue
    for _, old in sorted(found, reverse=True)[KEEP:]:
        with _suppressed(FileNotFoundError):
            os.unlink(old)


def cached(
    files: Iterable[tuple[str, str | os.PathLike[str]]],
    build: Callable[[], _T],
    later: Callable[[_T], tuple[Mapping[Any, Any], ...]] | None = None,
) -> _T:
    """``build()``'s result for ``files``, from the cache when a checked copy is there.

    The build runs, and its result is stored, whenever no valid cache file
    matches; errors from ``build`` pass through and store nothing. ``later(value)``
    names mappings within the value that a warm start reads only when first used
    (they come back as :class:`Later`).
    """
    if not enabled():
        return build()
    try:
        wanted = key(files)
    except OSError:
        return build()
    directory = _directory()
    path = os.path.join(directory, f"dataset-{wanted[:32]}.pickle")
    payload = _read(path, wanted)
    if payload is not None:
        try:
            rebuild = None if later is None else (lambda: later(build()))
            return loads(payload, rebuild)  # type: ignore[no-any-return]  # our own file, owner- and CRC-checked above
        except Exception:  # noqa: BLE001, S110 - a stale or damaged cache is a miss
            pass
    value = build()
    _write(directory, path, wanted, value, () if later is None else later(value))
    return value
