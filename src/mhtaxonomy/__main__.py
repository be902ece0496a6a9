"""``python -m mhtaxonomy``: the command line."""

from .cli import run

run()
