"""Typed models of the backend database, one module per topic (Rasa's tracker table is not ours).

Importing this package registers every table on Base.metadata (Alembic and the tests rely on that); import
models from here.
"""

from bot.db.models.attempts import AttemptColumns
from bot.db.models.audit import AuditEntry
from bot.db.models.cases import Case, CaseUpdate, CaseVerificationAttempt
from bot.db.models.complaints import (
    COMPLAINT_STATUSES,
    Complaint,
    ComplaintCounter,
    ComplaintFlag,
    ComplaintLookupAttempt,
    ComplaintNote,
    ComplaintStatusChange,
)
from bot.db.models.feedback import Feedback
from bot.db.models.lost_property import LOST_REPORT_STATUSES, FoundItem, LostReport
from bot.db.models.staff import STAFF_ROLES, StaffApiToken, StaffSession, StaffUser

__all__ = [
    "COMPLAINT_STATUSES",
    "LOST_REPORT_STATUSES",
    "STAFF_ROLES",
    "AttemptColumns",
    "AuditEntry",
    "Case",
    "CaseUpdate",
    "CaseVerificationAttempt",
    "Complaint",
    "ComplaintCounter",
    "ComplaintFlag",
    "ComplaintLookupAttempt",
    "ComplaintNote",
    "ComplaintStatusChange",
    "Feedback",
    "FoundItem",
    "LostReport",
    "StaffApiToken",
    "StaffSession",
    "StaffUser",
]
