"""Sphinx configuration for the mhtaxonomy documentation.

The concept diagram and the lists of sources are drawn from the shipped data
at build time by the local extension ``_ext/mhtdocs.py``, so they always match
the release.
Intersphinx reads small inventories kept in ``_inventories/``: the build has
no network, and those files name only the objects these pages link to.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import mhtaxonomy  # noqa: E402  (installed; gives the version and the data version)
import mhtaxonomy.taxonomy  # noqa: E402

project = "mhtaxonomy"
author = "The mhtaxonomy developers"
copyright = f"{dt.date.today().year}, {author}"
release = mhtaxonomy.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.graphviz",
    "mhtdocs",
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_inventories", "node_modules", "Thumbs.db", ".DS_Store"]
nitpicky = True

myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
_data = mhtaxonomy.load()
myst_substitutions = {"data_version": _data.data_version, "as_of": _data.as_of.isoformat()}
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"mhtaxonomy {release}"
html_static_path = ["_static"]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True}
# These modules import ``Path`` under TYPE_CHECKING only (a warm ``load()`` never imports
# pathlib); give it to them so that autodoc resolves their annotations and links pathlib's docs.
for _module in ("mhtaxonomy.load", "mhtaxonomy.taxonomy"):  # (``mhtaxonomy.load`` is also the function)
    sys.modules[_module].Path = Path  # type: ignore[attr-defined]
# mhtdocs reads numpy-style docstrings itself (see _ext/mhtdocs.py), so napoleon stays idle.
napoleon_numpy_docstring = False
napoleon_google_docstring = False

graphviz_output_format = "svg"

intersphinx_mapping = {
    "python": ("https://docs.python.org/3", "_inventories/python.inv"),
    "networkx": ("https://networkx.org/documentation/stable", "_inventories/networkx.inv"),
    "attrs": ("https://www.attrs.org/en/stable", "_inventories/attrs.inv"),
    "pyarrow": ("https://arrow.apache.org/docs", "_inventories/pyarrow.inv"),
    "rdflib": ("https://rdflib.readthedocs.io/en/stable", "_inventories/rdflib.inv"),
}

# Annotations written with module aliases under TYPE_CHECKING (``nx``, ``dt``) that autodoc cannot resolve.
nitpick_ignore = [("py:class", "nx.MultiDiGraph"), ("py:class", "dt.date")]
