"""The package ships ``py.typed``: its annotations must hold up under a type checker."""

from pathlib import Path

from mypy import api

import mhtaxonomy


def test_the_package_type_checks() -> None:
    package = Path(mhtaxonomy.__file__).parent
    out, err, status = api.run([str(package), "--ignore-missing-imports", "--no-incremental", "--no-error-summary"])
    assert status == 0, out + err
