"""What a history row of each kind holds in its details (``Event.data``), typed.

Every kind has its payload here (``PAYLOADS``): the writer (``ita.history.services``) takes
only these types (mypy checks the keys and values where a payload is made) and refuses, when it
runs, a kind without one or details whose keys are not its payload's. A kind written in two
shapes names both (an organisation made in the admin or by an import; a finding edited on the
report's page or in the admin). Rows written before a kind had its payload keep their details
as they were: readers take them with ``.get``.
"""

# No ``from __future__ import annotations`` here: a payload's ``NotRequired`` keys are known to
# the checks below only from annotations evaluated when the class is made (Python 3.11).
from typing import NotRequired, TypedDict, get_type_hints

from ita.history.models import EventKind

# A field's value as JSON holds it: numbers and dates as text, a file as its name.
Plain = str | int | bool | None


class Nothing(TypedDict):
    """No details: the row's object, comment and states say it all."""


# The admin's edits and the method -----------------------------------------------------------


class Change(TypedDict):
    """A row saved or deleted elsewhere (the admin's forms): the changed fields before and
    after; a new row has no before, a deleted one no after."""

    before: dict[str, Plain]
    after: dict[str, Plain] | None


class YearCreated(TypedDict):
    """The year its indicators and pass mark were copied from, its levels' scheme, confirmed."""

    copied_from: int | None
    scheme: str | None
    confirmed: bool


class LevelsComputed(TypedDict):
    """How many stored results got a level, and a pass/fail, from the confirmed method."""

    levels_computed: int
    passed_computed: int


class LevelsRemoved(TypedDict):
    """How many computed levels, and pass/fails, went with the method's confirmation."""

    levels_removed: int
    passed_removed: int


class ScoresSet(TypedDict):
    """An assessment's indicator scores: number → score, as text."""

    scores: dict[str, str]


class Switched(TypedDict):
    """A setting before and after (a flag: the signers' second factor; a person active)."""

    before: bool
    after: bool


# Organisations and places -------------------------------------------------------------------

# An organisation created by an import: the import and the line of its table.
OrganisationImported = TypedDict("OrganisationImported", {"import": int, "line": int})
# A spelling an import had saved, removed by its revert.
AliasRemoved = TypedDict("AliasRemoved", {"import": int})


class EmblemChanged(TypedDict):
    """The emblem stored (its type and SHA-256), or removed."""

    removed: bool
    type: str
    sha256: str


class GazetteerLoaded(TypedDict):
    """How many places the gazetteer holds, and how many of them have their code."""

    provinces: int
    districts: int
    subdistricts: int
    coded: int


# Imports --------------------------------------------------------------------------------------


class ImportPreviewed(TypedDict):
    year: int
    kind: str
    rows: int
    sha256: str


class ImportChecked(TypedDict):
    """The rows by outcome (new, changed, error, …)."""

    counts: dict[str, int]


class RowCreates(TypedDict):
    """The line of the table whose organisation is to be created."""

    line: int


# One choice for the whole table: create every organisation the gazetteer places; store or
# skip the agencies (the key is the one the import's resolutions keep).
CreateMissing = TypedDict("CreateMissing", {"*create_missing": bool})
AgenciesChosen = TypedDict("AgenciesChosen", {"*agencies": str})


class ProvinceChosen(TypedDict):
    year: int
    province: int


class MethodChoice(TypedDict, total=False):
    """Another levels' scheme, or the method confirmed by the import."""

    scheme: str
    confirm: bool


class MethodChosen(MethodChoice):
    year: int


class ImportQueued(TypedDict):
    action: str
    job: int
    rows: int


class JobStopped(TypedDict):
    """An import's job its worker's death ended: apply or revert, and the job's id."""

    action: str
    job: int


class ImportApplied(TypedDict):
    counts: dict[str, int]
    sha256: str
    year: int


class ImportReverted(TypedDict):
    """How many results were restored and removed; the organisations removed, by name."""

    restored: int
    removed: int
    organisations: list[str]


# The yearly report ----------------------------------------------------------------------------


class FindingAdded(TypedDict):
    assessment: int
    tool: str
    items: list[str]


class FindingFields(TypedDict):
    tool: str
    indicator: int | None
    text: str


class FindingEdited(TypedDict):
    """The finding before the edit, and the OIT items it names now."""

    before: FindingFields
    items: list[str]


class FindingDeleted(TypedDict):
    assessment: int
    tool: str


class OitLoaded(TypedDict):
    """Where the year's checklist came from, and how many items."""

    source: str
    items: int


class OitAnswered(TypedDict):
    """The items answered; ``from_report``: filled from that year's published report."""

    year: int
    items: list[str]
    from_report: NotRequired[int]


class OitEdited(TypedDict):
    items: list[str]
    reviewed: bool


class OitCorrected(TypedDict):
    corrected: list[str]
    added: list[str]


class MeasureFields(TypedDict):
    """A measure as its history keeps it (months as ISO dates)."""

    title: str
    unit: str
    start: str | None
    end: str | None
    follow_up: str


class MeasureEdited(TypedDict):
    before: MeasureFields
    after: MeasureFields


class ProgressRecorded(TypedDict):
    """The progress update and its evidence files, as stored."""

    update: int
    files: list[str]


# A measure carried from last year's report: the measure and its year.
MeasureCarried = TypedDict("MeasureCarried", {"from": int, "from_year": int})


class ReportPrepared(TypedDict):
    year: int
    indicators: list[int]
    findings: int
    measures: int
    linked: int
    oit_items: int


class Published(TypedDict):
    """A report published: its year, public address, memo, and the memo it replaced."""

    year: int
    url: str
    memo: str
    replaces: str | None


class ImplementationDrafted(TypedDict):
    """The year and the period (first and last day, ISO) the report covers."""

    year: int
    period: list[str]


class EvidenceChosen(TypedDict):
    """The evidence files made public, by name."""

    evidence_public: list[str]


class NoticeSent(TypedDict):
    key: str
    recipients: list[int]


# Memos ----------------------------------------------------------------------------------------


class ChainSet(TypedDict):
    before: list[str] | None
    after: list[str]


class FieldsChanged(TypedDict):
    fields: list[str]


class Skipped(TypedDict):
    """A step of the chain skipped: its role and why (vacant, the author)."""

    role: str
    reason: str


class Check(TypedDict):
    code: str
    message: str


class MemoSent(TypedDict):
    number: str
    round: int
    skipped: list[Skipped]
    content_hash: str
    checks: list[Check]
    evidence_public: NotRequired[list[str]]


class MemoSigned(TypedDict):
    """An executive's agreement or decision."""

    round: int
    decision: str
    acting_for: str
    content_hash: str
    skipped: list[Skipped]


class MemoReturned(TypedDict):
    round: int
    acting_for: str


class MemoWithdrawn(TypedDict):
    number: str


class FileAttached(TypedDict):
    sha256: str


class FileMismatch(TypedDict):
    attachment: int
    expected: str
    found: str


class MemoArchived(TypedDict):
    sha256: str
    size: int
    signed_by: str
    level: str


class CertificateChanged(TypedDict):
    """The signing certificate's fingerprint before and after ("" for none)."""

    before: str
    after: str


# Accounts -------------------------------------------------------------------------------------


class Seen(TypedDict, total=False):
    """Where a request came from (none when the event had no request)."""

    ip: str
    user_agent: str


class LoginFailed(Seen, total=False):
    locked: str  # the limit that refused it before the password was looked at


class LockedOut(Seen):
    limit: str


class SessionEnded(Seen):
    reason: str


class Held(Seen):
    """A mail asked for; held when the account was asked for too often."""

    held: bool


class CodeRefused(Seen, total=False):
    proving: bool
    enrolling: bool


class RecoveryCodeUsed(Seen):
    left: int


class RecoveryCodesIssued(Seen):
    count: int


class FactorReset(TypedDict):
    """How many confirmed devices went."""

    devices: int


# The organisation's administration and the operators ------------------------------------------


class Invited(TypedDict):
    email: str
    position: int
    position_title: str
    expires: str


class InvitationCancelled(TypedDict, total=False):
    reason: str


class InvitationAccepted(TypedDict):
    position: int
    holder_before: int | None
    holder_after: int
    account_created: bool
    username: str


class PersonEdited(TypedDict):
    """The changed fields of a person's name and address, before and after."""

    before: dict[str, str]
    after: dict[str, str]


class OperatorGranted(TypedDict):
    username: str
    was_staff: bool


class OperatorRevoked(TypedDict):
    username: str


# What the writer takes: one of the payloads above.
Payload = (
    Nothing | Change | YearCreated | LevelsComputed | LevelsRemoved | ScoresSet | Switched
    | OrganisationImported | AliasRemoved | EmblemChanged | GazetteerLoaded
    | ImportPreviewed | ImportChecked | RowCreates | CreateMissing | AgenciesChosen
    | ProvinceChosen | MethodChosen | ImportQueued | JobStopped | ImportApplied | ImportReverted
    | FindingAdded | FindingEdited | FindingDeleted | OitLoaded | OitAnswered | OitEdited
    | OitCorrected | MeasureFields | MeasureEdited | ProgressRecorded | MeasureCarried
    | ReportPrepared | Published | ImplementationDrafted | EvidenceChosen | NoticeSent
    | ChainSet | FieldsChanged | MemoSent | MemoSigned | MemoReturned | MemoWithdrawn
    | FileAttached | FileMismatch | MemoArchived | CertificateChanged
    | Seen | LoginFailed | LockedOut | SessionEnded | Held | CodeRefused | RecoveryCodeUsed
    | RecoveryCodesIssued | FactorReset
    | Invited | InvitationCancelled | InvitationAccepted | PersonEdited | OperatorGranted
    | OperatorRevoked
)  # fmt: skip

# The admin's edits: each kind written by ``saved_with_history`` or ``deleted_with_history``.
CHANGES = [
    EventKind.ORGANISATION_UPDATE,
    EventKind.ORGANISATION_DELETE,
    EventKind.POSITION_CREATE,
    EventKind.POSITION_UPDATE,
    EventKind.POSITION_DELETE,
    EventKind.ACTING_CREATE,
    EventKind.ACTING_UPDATE,
    EventKind.ACTING_DELETE,
    EventKind.ASSESSMENT_CREATE,
    EventKind.ASSESSMENT_UPDATE,
    EventKind.ASSESSMENT_DELETE,
    EventKind.SCORE_CREATE,
    EventKind.SCORE_UPDATE,
    EventKind.SCORE_DELETE,
]
K = EventKind
PAYLOADS: dict[EventKind, tuple[type, ...]] = {
    **dict.fromkeys(CHANGES, (Change,)),
    # Organisations and places
    K.ORGANISATION_CREATE: (Change, OrganisationImported),
    K.ORGANISATION_EMBLEM: (EmblemChanged,),
    K.ORGANISATION_SECOND_FACTOR: (Switched,),
    K.ALIAS_ADD: (Nothing,),
    K.DISTRICT_ALIAS_ADD: (Nothing,),
    K.ALIAS_REMOVE: (AliasRemoved,),
    K.GAZETTEER_LOAD: (GazetteerLoaded,),
    # The method and results
    K.YEAR_CREATE: (YearCreated,),
    K.YEAR_CONFIRM: (LevelsComputed,),
    K.YEAR_UNCONFIRM: (LevelsRemoved,),
    K.YEAR_SCHEME: (Nothing,),
    K.YEAR_DELETE: (Nothing,),
    K.ASSESSMENT_SCORES: (ScoresSet,),
    # Imports
    K.IMPORT_PREVIEW: (ImportPreviewed,),
    K.IMPORT_CHECKED: (ImportChecked,),
    K.IMPORT_CREATE_ORGANISATION: (RowCreates, CreateMissing, AgenciesChosen),
    K.IMPORT_CHOOSE: (ProvinceChosen, MethodChosen),
    K.IMPORT_DISCARD: (Nothing,),
    K.IMPORT_QUEUE: (ImportQueued,),
    K.IMPORT_JOB_STOPPED: (JobStopped,),
    K.IMPORT_APPLY: (ImportApplied,),
    K.IMPORT_REVERT: (ImportReverted,),
    # The yearly report
    K.FINDING_CREATE: (FindingAdded, Change),
    K.FINDING_UPDATE: (FindingEdited, Change),
    K.FINDING_DELETE: (FindingDeleted,),
    K.OIT_LOAD: (OitLoaded,),
    K.OIT_STATUSES: (OitAnswered,),
    K.OIT_ITEMS: (OitEdited,),
    K.OIT_CORRECTIONS: (OitCorrected,),
    K.MEASURE_CREATE: (MeasureFields,),
    K.MEASURE_SUGGEST: (MeasureFields,),
    K.MEASURE_UPDATE: (MeasureEdited,),
    K.MEASURE_KEEP: (Nothing,),
    K.MEASURE_DROP: (MeasureFields,),
    K.MEASURE_DELETE: (MeasureFields,),
    K.MEASURE_PROGRESS: (ProgressRecorded,),
    K.MEASURE_REMINDER_DUE_SOON: (Nothing,),
    K.MEASURE_REMINDER_OVERDUE: (Nothing,),
    K.MEASURE_CARRY: (MeasureCarried,),
    K.REPORT_PREPARE: (ReportPrepared,),
    K.REPORT_PUBLISH: (Published,),
    K.IMPLEMENTATION_DRAFT: (ImplementationDrafted,),
    K.IMPLEMENTATION_UPDATE: (EvidenceChosen,),
    K.IMPLEMENTATION_PUBLISH: (Published,),
    K.NOTICE_SCORES: (NoticeSent,),
    K.NOTICE_READ: (Nothing,),
    # Memos
    K.MEMO_CHAIN: (ChainSet,),
    K.MEMO_CREATE: (Nothing,),
    K.MEMO_UPDATE: (FieldsChanged,),
    K.MEMO_SEND: (MemoSent,),
    K.MEMO_FORWARD: (MemoSigned,),
    K.MEMO_DECIDE: (MemoSigned,),
    K.MEMO_RETURN: (MemoReturned,),
    K.MEMO_WITHDRAW: (MemoWithdrawn,),
    K.MEMO_ATTACH: (FileAttached,),
    K.MEMO_DETACH: (Nothing,),
    K.MEMO_FILE_MISMATCH: (FileMismatch,),
    K.MEMO_ARCHIVE: (MemoArchived,),
    K.MEMO_CERTIFICATE: (CertificateChanged,),
    # Accounts
    K.LOGIN: (Seen,),
    K.LOGIN_FAILED: (LoginFailed,),
    K.LOGOUT: (Seen,),
    K.LOCKOUT: (LockedOut,),
    K.SESSION_EXPIRED: (SessionEnded,),
    K.PASSWORD_CHANGE: (Seen,),
    K.PASSWORD_RESET_REQUEST: (Held,),
    K.PASSWORD_RESET: (Seen,),
    K.SECOND_FACTOR_ENROL: (Seen,),
    K.SECOND_FACTOR_FAILED: (CodeRefused,),
    K.SECOND_FACTOR_REPLACE: (Seen,),
    K.SECOND_FACTOR_REMOVE: (Seen,),
    K.SECOND_FACTOR_RESET: (FactorReset,),
    K.RECOVERY_CODES_ISSUED: (RecoveryCodesIssued,),
    K.RECOVERY_CODE_USED: (RecoveryCodeUsed,),
    K.LOGIN_UNLOCK_REQUEST: (Held,),
    K.LOGIN_UNLOCK: (Seen,),
    # The organisation's administration and the operators
    K.INVITATION_CREATE: (Invited,),
    K.INVITATION_RENEW: (Invited,),
    K.INVITATION_CANCEL: (InvitationCancelled,),
    K.INVITATION_ACCEPT: (InvitationAccepted,),
    K.PERSON_UPDATE: (PersonEdited,),
    K.PERSON_DEACTIVATE: (Switched,),
    K.PERSON_REACTIVATE: (Switched,),
    K.OPERATOR_GRANT: (OperatorGranted,),
    K.OPERATOR_REVOKE: (OperatorRevoked,),
    # Operations
    K.TASK_RETRY: (Nothing,),
}


def _keys(payload: type) -> tuple[frozenset[str], frozenset[str]]:
    """The keys a payload must have, and all it may have."""
    return frozenset(vars(payload)["__required_keys__"]), frozenset(get_type_hints(payload))


_KEYS = {kind: [_keys(p) for p in shapes] for kind, shapes in PAYLOADS.items()}


def check(kind: EventKind, data: dict[str, object]) -> None:
    """Refuse a kind without a payload, and details that are not one of the kind's payloads
    (a key missing or unknown)."""
    shapes = _KEYS.get(kind)
    if shapes is None:
        raise TypeError(f"history {kind}: no payload (ita.history.payloads.PAYLOADS)")
    keys = set(data)
    if not any(required <= keys <= allowed for required, allowed in shapes):
        raise TypeError(
            f"history {kind}: details {sorted(keys)} are not its payload "
            + " or ".join(str(sorted(allowed)) for _, allowed in shapes)
        )
