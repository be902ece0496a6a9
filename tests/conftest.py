"""Shared fixtures and settings: the shipped taxonomy, loaded once; hypothesis without deadlines."""

import pytest
from hypothesis import settings

import mhtaxonomy as mht

# Timing belongs in benchmarks/, not in pass/fail: a loaded CI machine must not fail a property.
settings.register_profile("mhtaxonomy", deadline=None, print_blob=True)
settings.load_profile("mhtaxonomy")


@pytest.fixture(scope="session")
def tax() -> mht.Taxonomy:
    return mht.load()
