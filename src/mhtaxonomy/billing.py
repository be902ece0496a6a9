"""Billing: which code fits a session, who may bill a code, and claim checks.

The codes, their time windows, add-on and same-day rules, payer coverage and
recognition are all data (``billing_codes.toml`` and ``facts/billing.toml``);
this module holds the rules that read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .model import BillingCode, Fact

if TYPE_CHECKING:
    from .queries import Answer
    from .taxonomy import Ref, Taxonomy

__all__ = ["ClaimCheck", "Problem", "check_claim", "codes_for_session", "who_can_bill"]


@attrs.frozen(kw_only=True)
class Problem:
    """One reason a claim would be refused, with the facts and sources behind it."""

    message: str
    codes: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """The ids of the sources the facts cite, in order of first mention."""
        return tuple(dict.fromkeys(s for fact in self.facts for s in fact.sources))

    def __str__(self) -> str:
        return f"{self.message} [{', '.join(self.sources)}]" if self.sources else self.message


@attrs.frozen(kw_only=True)
class ClaimCheck:
    """The result of :func:`check_claim`: ``ok`` when ``problems`` is empty."""

    codes: tuple[BillingCode, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Whether no problem was found."""
        return not self.problems

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = f"claim {' + '.join(c.code for c in self.codes)}: " + ("ok" if self.ok else "refused")
        return "\n".join([head, *(f"  - {problem}" for problem in self.problems)])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "codes": [c.code for c in self.codes],
            "ok": self.ok,
            "problems": [
                {"message": p.message, "codes": list(p.codes), "facts": [f.id for f in p.facts], "sources": list(p.sources)}
                for p in self.problems
            ],
        }


def codes_for_session(
    tax: Taxonomy, minutes: int, service: Ref = "psychotherapy", with_em: bool = False
) -> tuple[BillingCode, ...]:
    """The codes for one session of ``minutes`` minutes of ``service``."""
    raise NotImplementedError


def who_can_bill(tax: Taxonomy, code: Ref) -> Answer:
    """The professions that may bill ``code`` under the view's payer and date."""
    raise NotImplementedError


def check_claim(
    tax: Taxonomy,
    codes: Sequence[Ref],
    *,
    profession: Ref,
    minutes: int | None = None,
    diagnosis: Ref | None = None,
) -> ClaimCheck:
    """Check one day's codes billed by one profession."""
    raise NotImplementedError
