"""``python -m mhtaxonomy``: the command line."""

from .cli import main

raise SystemExit(main())
