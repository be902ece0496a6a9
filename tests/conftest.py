"""Shared fixtures and settings: the shipped taxonomy, loaded once; hypothesis without deadlines."""

import os
import tempfile

import pytest
from hypothesis import settings

import mhtaxonomy as mht
from mhtaxonomy.coverage import Coverage

# The suite's loads share a cache of its own (subprocesses inherit it), never the user's.
os.environ["MHTAXONOMY_CACHE_DIR"] = tempfile.mkdtemp(prefix="mhtaxonomy-test-cache-")

# Timing belongs in benchmarks/, not in pass/fail: a loaded CI machine must not fail a property.
settings.register_profile("mhtaxonomy", deadline=None, print_blob=True)
# A longer run for local fuzzing: HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz.py
settings.register_profile("fuzz", parent=settings.get_profile("mhtaxonomy"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mhtaxonomy"))


@pytest.fixture(scope="session")
def tax() -> mht.Taxonomy:
    return mht.load()


@pytest.fixture(scope="session")
def grid(tax: mht.Taxonomy) -> Coverage:
    """The shipped data's coverage grid, at today's date."""
    return tax.coverage()
