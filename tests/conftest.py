"""Shared fixtures: the shipped taxonomy, loaded once."""

import pytest

import mhtaxonomy as mht


@pytest.fixture(scope="session")
def tax() -> mht.Taxonomy:
    return mht.load()
