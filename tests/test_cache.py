"""The shipped dataset's cache: used only when it is ours, private, intact and for the same data and code."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mhtaxonomy as mht
from mhtaxonomy import _cache
from mhtaxonomy.load import read
from mhtaxonomy.taxonomy import Taxonomy


class Builder:
    """A build function that counts its calls."""

    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


@pytest.fixture()
def where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("MHTAXONOMY_CACHE_DIR", str(directory))
    monkeypatch.delenv("MHTAXONOMY_CACHE", raising=False)
    return directory


@pytest.fixture()
def files(tmp_path: Path) -> list[tuple[str, Path]]:
    data = tmp_path / "data.toml"
    data.write_text('[[source]]\nid = "A"\n')
    return [("data.toml", data)]


def only_file(directory: Path) -> Path:
    (found,) = directory.glob("dataset-*.pickle")
    return found


def test_a_second_read_comes_from_the_cache(where: Path, files: list[tuple[str, Path]]) -> None:
    first, second = Builder({"facts": [1, 2]}), Builder("never returned")
    assert _cache.cached(files, first) == {"facts": [1, 2]}
    assert _cache.cached(files, second) == {"facts": [1, 2]}
    assert (first.calls, second.calls) == (1, 0)
    assert oct(os.stat(where).st_mode & 0o777) == oct(0o700)


def test_changed_data_miss_the_cache(where: Path, files: list[tuple[str, Path]]) -> None:
    _cache.cached(files, Builder("old"))
    files[0][1].write_text('[[source]]\nid = "B"\n')
    fresh = Builder("new")
    assert _cache.cached(files, fresh) == "new"
    assert fresh.calls == 1


def test_two_versions_used_by_turns_keep_their_own_files(where: Path, files: list[tuple[str, Path]]) -> None:
    # two checkouts (or environments) of different data share one cache directory
    data = files[0][1]
    versions = ['[[source]]\nid = "A"\n', '[[source]]\nid = "B"\n']
    for text in versions:
        data.write_text(text)
        _cache.cached(files, Builder(text))
    for text in versions * 2:
        data.write_text(text)
        again = Builder("rebuilt")
        assert _cache.cached(files, again) == text
        assert again.calls == 0


def test_the_oldest_files_are_pruned(where: Path, files: list[tuple[str, Path]]) -> None:
    data = files[0][1]
    for number in range(_cache.KEEP + 3):
        data.write_text(f'[[source]]\nid = "S{number}"\n')
        _cache.cached(files, Builder(number))
        newest = max(where.glob("dataset-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        os.utime(newest, ns=(number * 10**9, number * 10**9))  # distinct ages on coarse clocks
    assert len(list(where.glob("dataset-*.pickle"))) == _cache.KEEP
    data.write_text(f'[[source]]\nid = "S{_cache.KEEP + 2}"\n')
    assert _cache.cached(files, Builder("rebuilt")) == _cache.KEEP + 2  # the newest survives
    data.write_text('[[source]]\nid = "S0"\n')
    assert _cache.cached(files, Builder("rebuilt")) == "rebuilt"  # the oldest went


def test_a_renamed_file_is_other_data(where: Path, files: list[tuple[str, Path]]) -> None:
    _cache.cached(files, Builder("as data.toml"))
    renamed = [("other.toml", files[0][1])]
    assert _cache.key(renamed) != _cache.key(files)
    assert _cache.cached(renamed, Builder("as other.toml")) == "as other.toml"


@pytest.mark.parametrize("damage", ["truncate", "flip", "header"])
def test_a_damaged_file_is_a_miss_and_is_rewritten(where: Path, files: list[tuple[str, Path]], damage: str) -> None:
    _cache.cached(files, Builder("good"))
    path = only_file(where)
    blob = path.read_bytes()
    if damage == "truncate":
        blob = blob[:-3]
    elif damage == "flip":
        blob = blob[:-1] + bytes([blob[-1] ^ 1])
    else:
        blob = b"something else\n" + blob
    path.write_bytes(blob)
    rebuilt = Builder("rebuilt")
    assert _cache.cached(files, rebuilt) == "rebuilt"
    assert rebuilt.calls == 1
    assert _cache.cached(files, Builder("not again")) == "rebuilt"


def test_a_file_others_may_write_is_never_read(where: Path, files: list[tuple[str, Path]]) -> None:
    _cache.cached(files, Builder("ours"))
    os.chmod(only_file(where), 0o666)
    rebuilt = Builder("rebuilt")
    assert _cache.cached(files, rebuilt) == "rebuilt"
    assert rebuilt.calls == 1


def test_a_directory_others_may_write_is_neither_read_nor_written(where: Path, files: list[tuple[str, Path]]) -> None:
    _cache.cached(files, Builder("ours"))
    os.chmod(where, 0o777)
    before = sorted(where.iterdir())
    for value in ("first", "second"):
        build = Builder(value)
        assert _cache.cached(files, build) == value
        assert build.calls == 1
    assert sorted(where.iterdir()) == before


def test_a_symbolic_link_is_not_followed(where: Path, files: list[tuple[str, Path]], tmp_path: Path) -> None:
    _cache.cached(files, Builder("ours"))
    path = only_file(where)
    planted = tmp_path / "planted.pickle"
    planted.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(planted)
    build = Builder("rebuilt")
    assert _cache.cached(files, build) == "rebuilt"
    assert build.calls == 1


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path, files: list[tuple[str, Path]], monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("MHTAXONOMY_CACHE_DIR", str(blocker / "cache"))
    builds = [Builder("one"), Builder("two")]
    assert [_cache.cached(files, b) for b in builds] == ["one", "two"]
    assert blocker.read_text() == "not a directory"


@pytest.mark.parametrize("setting", ["0", "off", "no", "false", " OFF "])
def test_the_cache_can_be_turned_off(where: Path, files: list[tuple[str, Path]], monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv("MHTAXONOMY_CACHE", setting)
    builds = [Builder("one"), Builder("two")]
    assert [_cache.cached(files, b) for b in builds] == ["one", "two"]
    assert not where.exists()


def test_a_failing_build_stores_nothing(where: Path, files: list[tuple[str, Path]]) -> None:
    def broken() -> object:
        raise mht.DataError("bad", file="data.toml")

    with pytest.raises(mht.DataError):
        _cache.cached(files, broken)
    assert not where.exists() or not list(where.glob("dataset-*.pickle"))


def test_the_directory_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MHTAXONOMY_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _cache.cache_dir() == tmp_path / "mhtaxonomy"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _cache.cache_dir() == tmp_path / "home" / ".cache" / "mhtaxonomy"


@given(st.binary(max_size=200), st.binary(max_size=200))
def test_the_key_changes_exactly_when_the_bytes_do(tmp_path_factory: pytest.TempPathFactory, one: bytes, two: bytes) -> None:
    folder = tmp_path_factory.mktemp("key")
    a, b = folder / "a.toml", folder / "b.toml"
    a.write_bytes(one)
    b.write_bytes(two)
    assert (_cache.key([("x.toml", a)]) == _cache.key([("x.toml", b)])) == (one == two)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20), lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20))
def test_any_value_comes_back_equal(tmp_path_factory: pytest.TempPathFactory, value: object) -> None:
    folder = tmp_path_factory.mktemp("round")
    data = folder / "data.toml"
    data.write_bytes(pickle.dumps(value))  # a different file for each value: a different key
    previous = os.environ.get("MHTAXONOMY_CACHE_DIR")
    os.environ["MHTAXONOMY_CACHE_DIR"] = str(folder / "cache")
    try:
        _cache.cached([("d", data)], Builder(value))
        again = Builder("not called")
        assert _cache.cached([("d", data)], again) == value
        assert again.calls == 0
    finally:
        if previous is None:
            os.environ.pop("MHTAXONOMY_CACHE_DIR")
        else:
            os.environ["MHTAXONOMY_CACHE_DIR"] = previous


def test_the_cached_shipped_taxonomy_answers_as_a_fresh_read(tmp_path: Path) -> None:
    """Two fresh processes, the second from the cache, answer exactly what the uncached data answer."""
    fresh = Taxonomy(read())
    script = (
        "import json, mhtaxonomy as m; t = m.load(); v = t.where(jurisdiction='NM', on='2025-06-01');"
        "print(json.dumps([sorted(v.who_can_provide('psychotherapy').ids), sorted(v.what_requires_diagnosis().ids),"
        " t.get('F33.41').id, len(t.entities()), len(t.facts()), [e.id for e in t.search('psychoterapy')][:5]]))"
    )
    env = {**os.environ, "MHTAXONOMY_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("MHTAXONOMY_CACHE", None)
    runs = [subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True).stdout for _ in range(2)]
    assert len(list((tmp_path / "cache").glob("dataset-*.pickle"))) == 1
    view = fresh.where(jurisdiction="NM", on="2025-06-01")
    expected = (
        f'[{sorted(view.who_can_provide("psychotherapy").ids)}, {sorted(view.what_requires_diagnosis().ids)}, '
        f'"{fresh.get("F33.41").id}", {len(fresh.entities())}, {len(fresh.facts())}, '
        f'{[e.id for e in fresh.search("psychoterapy")][:5]}]'
    ).replace("'", '"')
    assert runs == [expected + "\n", expected + "\n"]


def test_overlays_are_never_cached(where: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "ours.toml"
    overlay.write_text('[[source]]\nid = "OURS-1"\ntitle = "Our notes"\nquality = "secondary"\n')
    assert "OURS-1" in mht.load(overlay)._data.sources
    assert not where.exists()


@pytest.mark.skipif(getattr(os, "geteuid", lambda: -1)() != 0, reason="only root can give a file to another user")
def test_a_file_owned_by_someone_else_is_never_read(where: Path, files: list[tuple[str, Path]]) -> None:
    _cache.cached(files, Builder("ours"))
    os.chown(only_file(where), 4242, -1)
    rebuilt = Builder("rebuilt")
    assert _cache.cached(files, rebuilt) == "rebuilt"
    assert rebuilt.calls == 1


def test_the_columnar_payload_gives_back_the_shipped_records_and_their_sharing() -> None:
    """Records come back equal, of the same classes, and one object wherever the value shared one."""
    from mhtaxonomy.taxonomy import _read_and_index

    data, index = _read_and_index()
    back, back_index = _cache.loads(_cache.dumps((data, index)))
    assert back == data
    assert [type(e) for e in back.entities.values()] == [type(e) for e in data.entities.values()]
    assert {f.id: f.origin for f in back.facts.values()} == {f.id: f.origin for f in data.facts.values()}  # eq=False fields too
    assert back_index.outgoing.keys() == index.outgoing.keys()
    for key, facts in back_index.outgoing.items():
        assert all(fact is back.facts[fact.id] for fact in facts), key
    assert all(entity is back.entities[entity.id] for entity in back_index.everything)


def test_a_shipped_load_from_the_cache_never_builds(where: Path) -> None:
    from mhtaxonomy.load import _shipped_listing
    from mhtaxonomy.taxonomy import _read_and_index

    files = _shipped_listing()
    first = Builder(_read_and_index())
    _cache.cached(files, first)
    again = Builder("not called")
    data, _ = _cache.cached(files, again)
    assert (first.calls, again.calls) == (1, 0)
    assert data == first.value[0]


@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=30), st.data())
def test_records_of_any_values_round_trip(pairs: list[tuple[str, str]], draw: st.DataObject) -> None:
    """Any records, nested in any order and shared any number of times, come back equal and as shared."""
    sources = [mht.Source(id=f"S{i}", title=title or "t", url=None, quality=mht.SourceQuality.PRIMARY) for i, (title, _) in enumerate(pairs)]
    codes = [mht.Code(system="NUCC", value=f"{i}X") for i in range(len(pairs))]
    picks = draw.draw(st.lists(st.integers(0, max(len(pairs) - 1, 0)), max_size=40)) if pairs else []
    value = {"sources": sources, "again": [sources[i] for i in picks], "codes": tuple(codes), "names": [b for _, b in pairs]}
    back = _cache.loads(_cache.dumps(value))
    assert back == value
    assert all(a is back["sources"][i] for a, i in zip(back["again"], picks, strict=True))


def test_later_mappings_are_read_only_when_first_used_and_then_equal() -> None:
    sources = {f"S{i}": mht.Source(id=f"S{i}", title=f"t{i}", quality=mht.SourceQuality.PRIMARY) for i in range(5)}
    names = {"a": "x.toml", "b": "y.toml"}
    value = {"sources": sources, "names": names, "eager": [sources["S1"]], "kept": "k"}
    back = _cache.loads(_cache.dumps(value, later=(sources, names)))
    assert isinstance(back["sources"], _cache.Later) and isinstance(back["names"], _cache.Later)
    deferred = back["sources"]._deferred
    assert deferred.values is None  # nothing of the later part read yet
    assert back["eager"] == [sources["S1"]] and back["kept"] == "k"
    assert back["names"]["b"] == "y.toml"
    assert deferred.values is not None and deferred.reader is None  # read once, for both
    assert back["sources"] == sources and sources == back["sources"] and back["names"] == names
    assert dict(back["sources"].items()) == sources and len(back["sources"]) == 5 and "S4" in back["sources"]
    assert back["sources"].get("nope", 1) == 1 and list(back["names"]) == ["a", "b"]
    assert repr(back["names"]) == repr(names)
    again = pickle.loads(pickle.dumps(back))
    assert type(again["sources"]) is dict and again == value


def test_a_later_part_that_fails_to_read_is_rebuilt() -> None:
    names = {"a": "x.toml"}
    payload = _cache.dumps({"names": names}, later=(names,))
    back = _cache.loads(payload[: len(payload) - 10], rebuild=lambda: ({"a": "rebuilt"},))
    assert back["names"]["a"] == "rebuilt"
    broken = _cache.loads(payload[: len(payload) - 10])
    with pytest.raises(Exception):  # noqa: B017 - whatever pickle raises on a cut stream
        broken["names"]["a"]


def test_a_warm_shipped_load_leaves_sources_and_origins_for_later(tmp_path: Path) -> None:
    script = (
        "import mhtaxonomy as m; t = m.load(); d = t._data; from mhtaxonomy._cache import Later;"
        "unread = lambda: isinstance(d.sources, Later) and d.sources._deferred.values is None;"
        "print(type(d.sources).__name__, unread()); t.where(jurisdiction='NM').who_can_provide('psychotherapy'); print(unread());"
        "print(len(d.sources), d.origins['lcsw'])"
    )
    env = {**os.environ, "MHTAXONOMY_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("MHTAXONOMY_CACHE", None)
    runs = [subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True).stdout for _ in range(2)]
    fresh = read()
    assert runs[0].splitlines() == ["dict False", "False", f"{len(fresh.sources)} mhtaxonomy/data/professions.toml"]  # the miss builds
    assert runs[1].splitlines() == ["Later True", "True", f"{len(fresh.sources)} mhtaxonomy/data/professions.toml"]


def test_the_shipped_taxonomy_is_let_go_at_exit() -> None:
    script = (
        "import atexit, mhtaxonomy as m; from mhtaxonomy import taxonomy as T; t = m.load();"
        "atexit._run_exitfuncs(); print(T._shipped.cache_info().currsize, len(t.facts()), m.load() is not t)"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    assert out.split() == ["0", str(len(Taxonomy(read()).facts())), "True"]


def test_threads_reading_later_mappings_at_once_all_see_one_read() -> None:
    import threading

    parts = [{f"k{i}-{j}": j for j in range(300)} for i in range(4)]
    back = _cache.loads(_cache.dumps({"parts": parts}, later=parts))
    start, seen = threading.Barrier(8), []

    def reader(n: int) -> None:
        start.wait()
        seen.append(dict(back["parts"][n % 4]))

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(len, seen)) == [300] * 8 and all(part in parts for part in seen)
    assert all(later._mapping is back["parts"][0]._deferred.values[i] for i, later in enumerate(back["parts"]))
