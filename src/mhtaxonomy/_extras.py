"""Optional dependencies: one clear error naming the extra to install when one is missing."""

from __future__ import annotations

__all__ = ["MissingExtraError", "missing"]


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message names the ``pip install`` to run."""


def missing(module: str, extra: str) -> MissingExtraError:
    """The error to raise (``from`` the original ``ImportError``) when ``module`` is absent.

    >>> print(missing("pyarrow", "tables"))
    this needs pyarrow: pip install "mhtaxonomy[tables]"
    """
    return MissingExtraError(f'this needs {module}: pip install "mhtaxonomy[{extra}]"', name=module)
