"""mhtaxonomy: the US mental-health service landscape as a typed, sourced, queryable graph.

>>> import mhtaxonomy as mht
>>> tax = mht.load()
>>> "lcsw" in tax.who_can_provide("psychotherapy")
True
"""

from typing import TYPE_CHECKING

from .load import DataError
from .model import (
    BillingCode,
    Code,
    CodeSystem,
    Condition,
    Context,
    Credential,
    CredentialType,
    Entity,
    Fact,
    Jurisdiction,
    JurisdictionType,
    Kind,
    Modality,
    OrganizationType,
    Payer,
    PayerType,
    Profession,
    ReferralReason,
    Relation,
    Requirement,
    Service,
    Source,
    SourceQuality,
    Strength,
)
from .taxonomy import (
    AmbiguousEntityError,
    EntityLookupError,
    Taxonomy,
    UnknownEntityError,
    WrongKindError,
    load,
)

if TYPE_CHECKING:
    from .billing import ClaimCheck, Problem
    from .queries import Answer, Comparison, Explanation, Qualifiers, Row, Verdict

#: Names imported on first use, so that ``import mhtaxonomy`` stays fast: name -> module.
_LAZY = {"ClaimCheck": "billing", "Problem": "billing"}
_LAZY.update(dict.fromkeys(("Answer", "Comparison", "Explanation", "Qualifiers", "Row", "Verdict"), "queries"))



def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        found = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = found
        return found
    # The version is read from the installed metadata only when asked for: importlib.metadata
    # costs more to import than the rest of a cold start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("mhtaxonomy")
        except PackageNotFoundError:  # pragma: no cover - only when run from a source tree
            found = "0.0.0"
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "AmbiguousEntityError",
    "Answer",
    "BillingCode",
    "ClaimCheck",
    "Code",
    "CodeSystem",
    "Comparison",
    "Condition",
    "Context",
    "Credential",
    "CredentialType",
    "DataError",
    "Entity",
    "EntityLookupError",
    "Explanation",
    "Fact",
    "Jurisdiction",
    "JurisdictionType",
    "Kind",
    "Modality",
    "OrganizationType",
    "Payer",
    "PayerType",
    "Problem",
    "Profession",
    "Qualifiers",
    "ReferralReason",
    "Relation",
    "Requirement",
    "Row",
    "Service",
    "Source",
    "SourceQuality",
    "Strength",
    "Taxonomy",
    "UnknownEntityError",
    "Verdict",
    "WrongKindError",
    "__version__",
    "load",
]


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, "__version__"})
