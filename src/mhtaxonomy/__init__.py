"""mhtaxonomy: the US mental-health service landscape as a typed, sourced, queryable graph.

>>> import mhtaxonomy as mht
>>> tax = mht.load()
>>> "lcsw" in tax.who_can_provide("psychotherapy")
True
"""

from importlib.metadata import PackageNotFoundError, version

from .billing import ClaimCheck, Problem
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
from .queries import Answer, Comparison, Explanation, Qualifiers, Row, Verdict
from .taxonomy import (
    AmbiguousEntityError,
    EntityLookupError,
    Taxonomy,
    UnknownEntityError,
    WrongKindError,
    load,
)

try:
    __version__ = version("mhtaxonomy")
except PackageNotFoundError:  # pragma: no cover - only when run from a source tree
    __version__ = "0.0.0"

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
