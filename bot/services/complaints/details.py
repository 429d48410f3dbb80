"""A complaint as the resident gives it: the details the form collects, and the errors of complaint rules.

Personal data (name, contact details, the account of what happened) lives only in the complaints table:
it is never logged, and audit entries carry the reference, codes and staff ids only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The team's phone line: the Commissioner's office, as utter_complain_police says.
# Sources: [pcc-plan-refresh], [pcc-ar-2014-15] (docs/sources.md).
TEAM_PHONE = "01707 806100"
ROLES = ("affected", "witness", "behalf")
CONTACT_METHODS = ("email", "phone")


class ComplaintError(ValueError):
    """A detail that is not valid, or a change the rules do not allow."""

    def __init__(self, field: str, reason: str = "format") -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class ComplaintDetails:
    """Everything the form collected, validated."""

    complainant_role: str
    name: str
    narrative: str
    has_permission: bool | None = None
    email: str = ""
    phone: str = ""
    preferred_contact: str = ""
    incident_date: date | None = None
    incident_when: str = ""
    location: str = ""
    people_involved: str = ""
    injury_or_damage: str = ""
    witnesses: str = ""
    reference_numbers: str = ""
    desired_outcome: str = ""
    wants_recorded: bool | None = None
