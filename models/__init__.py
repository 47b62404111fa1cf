"""Tables and the rules the database enforces. Importing this package registers every table."""

from models.access import AccessLogEntry, ApiToken, IdempotencyRecord, Role, ThrottleWindow
from models.base import Base
from models.bureau import BureauFile, BureauFileMember, BureauFileShg
from models.capital import DrawingPower, Facility, FacilityInstalment, FacilityMovement, Grant
from models.credit import (
    Consent,
    CreditEnquiry,
    CreditScore,
    LivelihoodIncome,
    ScoringModel,
)
from models.grading import ShgGrading
from models.idle import AuditRun, AuditSchedule, IdleFlag, IdleFlagEvent, IdleObservation, IdleRule
from models.imports import ImportJob
from models.institutions import Bank, BankBranch, Institution, InstitutionKind, Member, Status
from models.kyc import MemberKyc
from models.ledger import (
    Account,
    AccountType,
    Book,
    EntrySet,
    JournalEntry,
    PeriodEvent,
    Posting,
    Side,
)
from models.loans import LoanInstalment, LoanRepayment, LoanWriteOff, MemberLoan
from models.meetings import Meeting, MeetingAttendance, MeetingEntry
from models.people import Person
from models.subvention import SubventionReceipt

__all__ = [
    "AccessLogEntry",
    "Account",
    "AccountType",
    "ApiToken",
    "AuditRun",
    "AuditSchedule",
    "Bank",
    "BankBranch",
    "Base",
    "Book",
    "BureauFile",
    "BureauFileMember",
    "BureauFileShg",
    "Consent",
    "CreditEnquiry",
    "CreditScore",
    "DrawingPower",
    "EntrySet",
    "Facility",
    "FacilityInstalment",
    "FacilityMovement",
    "Grant",
    "IdempotencyRecord",
    "IdleFlag",
    "IdleFlagEvent",
    "IdleObservation",
    "IdleRule",
    "ImportJob",
    "Institution",
    "InstitutionKind",
    "JournalEntry",
    "LivelihoodIncome",
    "LoanInstalment",
    "LoanRepayment",
    "LoanWriteOff",
    "Meeting",
    "MeetingAttendance",
    "MeetingEntry",
    "Member",
    "MemberKyc",
    "MemberLoan",
    "PeriodEvent",
    "Person",
    "Posting",
    "Role",
    "ScoringModel",
    "ShgGrading",
    "Side",
    "Status",
    "SubventionReceipt",
    "ThrottleWindow",
]
