"""Fuzzing the loader (issue 9): valid overlays, and the same overlays broken in every way we know.

The property: loading an overlay either raises :class:`~mhtaxonomy.DataError` or succeeds, and
after a success every public question answers without an exception. The default profile keeps
the example count small enough for CI; ``HYPOTHESIS_PROFILE=fuzz`` runs 1,000 examples a test.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mhtaxonomy as mht

from .strategies import dates, ids, labels

TAX = mht.load()


@st.composite
def overlays(draw: st.DrawFn) -> dict[str, Any]:
    """A valid overlay: a new profession holding a new licence that authorizes a shipped service."""
    person, licence = draw(st.lists(ids, min_size=2, max_size=2, unique=True))
    source = draw(st.sampled_from([s.id for s in TAX.sources()]))
    service = draw(st.sampled_from([s.id for s in TAX.entities("service")]))
    grant: dict[str, Any] = {"subject": licence, "relation": "authorizes", "object": service, "sources": [source]}
    if draw(st.booleans()):
        start, end = sorted(draw(st.lists(dates, min_size=2, max_size=2, unique=True)))
        grant.update(valid_from=start, valid_until=end)
    if draw(st.booleans()):
        grant["supervised"] = True
    return {
        "profession": [{"id": person, "name": draw(labels), "sources": [source]}],
        "credential": [{"id": licence, "name": draw(labels), "type": "license", "sources": [source]}],
        "fact": [
            {"subject": person, "relation": "holds", "object": licence, "sources": [source]},
            grant,
            {"subject": person, "relation": "is_a", "object": "therapist", "sources": [source]},
        ],
    }


def _record(overlay: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    section = data.draw(st.sampled_from(sorted(overlay)))
    return data.draw(st.sampled_from(overlay[section]))


def _drop_field(overlay: dict[str, Any], data: st.DataObject) -> None:
    record = _record(overlay, data)
    del record[data.draw(st.sampled_from(sorted(record)))]


def _wrong_type(overlay: dict[str, Any], data: st.DataObject) -> None:
    record = _record(overlay, data)
    field = data.draw(st.sampled_from(sorted(record)))
    record[field] = data.draw(st.one_of(st.integers(), st.floats(), st.booleans(), st.just([[1]]), st.just({"a": 1})))


def _dangling(overlay: dict[str, Any], data: st.DataObject) -> None:
    data.draw(st.sampled_from(overlay["fact"]))[data.draw(st.sampled_from(["subject", "object"]))] = "zz-nothing-here"


def _cycle(overlay: dict[str, Any], _: st.DataObject) -> None:
    person = overlay["profession"][0]["id"]
    source = overlay["profession"][0]["sources"]
    overlay["fact"].append({"subject": "therapist", "relation": "is_a", "object": person, "sources": source})


def _dates_reversed(overlay: dict[str, Any], data: st.DataObject) -> None:
    start, end = sorted(data.draw(st.lists(dates, min_size=2, max_size=2, unique=True)))
    overlay["fact"][1].update(valid_from=end, valid_until=start)


def _unknown_field(overlay: dict[str, Any], data: st.DataObject) -> None:
    _record(overlay, data)["colour"] = "blue"


def _replace_nothing(overlay: dict[str, Any], _: st.DataObject) -> None:
    overlay["profession"][0]["replace"] = True


MUTATIONS = [_drop_field, _wrong_type, _dangling, _cycle, _dates_reversed, _unknown_field, _replace_nothing]


def _ask_everything(tax: mht.Taxonomy, overlay: dict[str, Any]) -> None:
    person = overlay["profession"][0]["id"]
    service = overlay["fact"][1]["object"]
    grant = overlay["fact"][1]
    today = dt.date.today()
    holds = grant.get("valid_from", today) <= today < grant.get("valid_until", dt.date.max)
    assert (person in tax.who_can_provide(service)) == holds
    tax.what_can_provide(person)
    tax.what_can_provide(person, independently=True)
    tax.requirements_for(person)
    tax.requires_diagnosis(service)
    tax.what_requires_diagnosis()
    tax.compare(person, "lcsw")
    tax.titles(person, "NM")
    tax.who_can_bill("90837")
    tax.check_claim(["90837"], profession=person, minutes=60, diagnosis="F41.1")
    tax.codes_for_session(50)
    tax.search(overlay["profession"][0]["name"])
    tax.treatments_for("PTSD")
    assert tax.graph.number_of_nodes() == len(tax.entities())


def _load(content: bytes) -> mht.Taxonomy | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "overlay.toml"
        path.write_bytes(content)
        try:
            return mht.load(path)
        except mht.DataError as error:
            assert str(path) in str(error)  # an overlay's problem names the overlay
            return None


_EXAMPLES = 1000 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 30
_SETTINGS = settings(max_examples=_EXAMPLES, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(overlays())
def test_a_valid_overlay_loads_and_every_question_answers(overlay: dict[str, Any]) -> None:
    tax = _load(tomli_w.dumps(overlay).encode())
    assert tax is not None
    assert tax.get(overlay["profession"][0]["id"]).name == overlay["profession"][0]["name"]
    _ask_everything(tax, overlay)


@_SETTINGS
@given(overlays(), st.sampled_from(MUTATIONS), st.data())
def test_a_broken_overlay_is_a_data_error_or_answers_everything(
    overlay: dict[str, Any], mutate: Any, data: st.DataObject
) -> None:
    mutate(overlay, data)
    tax = _load(tomli_w.dumps(overlay).encode())
    if tax is not None:  # some mutations leave a valid file (an optional field dropped)
        _ask_everything(tax, overlay)


@_SETTINGS
@given(overlays(), st.data())
def test_broken_bytes_are_a_data_error(overlay: dict[str, Any], data: st.DataObject) -> None:
    content = tomli_w.dumps(overlay).encode()
    cut = data.draw(st.integers(min_value=1, max_value=len(content) - 1))
    broken = data.draw(
        st.sampled_from([content[:cut] + b"\xff\xfe" + content[cut:], content[:cut] + b"\x00", content[:cut] + b"[[["])
    )
    assert _load(broken) is None


def test_the_check_command_exits_2_on_a_broken_overlay(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[profession]]\nid = "zz-x"\nname = "Zz x"\nsources = ["nope"]\n', encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text('[[profession]]\nid = "zz-x"\nname = "Zz x"\nsources = ["SEED-000"]\n', encoding="utf-8")
    run = [sys.executable, "-m", "mhtaxonomy.load"]
    failed = subprocess.run([*run, str(bad)], capture_output=True, text=True, check=False)
    assert failed.returncode == 2 and "bad.toml" in failed.stderr and "nope" in failed.stderr
    passed = subprocess.run([*run, str(good)], capture_output=True, text=True, check=False)
    assert passed.returncode == 0 and passed.stdout.startswith("OK")
