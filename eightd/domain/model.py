"""The 8D case and everything it holds (docs/RULES.md).

Plain dataclasses, standard library only. Field constraints live in the field
declarations (see :mod:`eightd.domain.fields`); rules spanning several fields
live in each class's ``check(path)``. ``validate(case)`` runs them all and
raises :class:`~eightd.errors.ValidationError` naming the first bad field.

Identifiers inside a case (``C1`` for causes, ``A1`` for actions, ...) are
short, stable, human-readable, and referenced by other items (an action names
the causes it addresses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from eightd.domain.enums import (
    AbnormalGround,
    ActionStatus,
    BoneCategory,
    CallbackOutcome,
    CaseStatus,
    CauseStatus,
    CauseType,
    Channel,
    ClosureKind,
    ComplaintCategory,
    ContactDirection,
    ContainmentLocation,
    ContainmentMeasure,
    DefectKind,
    DocumentKind,
    FoundAt,
    IsIsNotDimension,
    PauseReason,
    Priority,
    RemedyKind,
    Severity,
    Stage,
    StageEventKind,
    TeamRole,
    Validity,
    VerificationBasis,
)
from eightd.domain.fields import f
from eightd.domain.fields import validate as _validate
from eightd.domain.numbering import ComplaintNumber
from eightd.errors import ValidationError

__all__ = [
    "Approval",
    "Callback",
    "Case",
    "Cause",
    "Closure",
    "Contact",
    "ContainmentAction",
    "CorrectiveAction",
    "Grading",
    "Intake",
    "IsIsNot",
    "Pause",
    "ProblemDescription",
    "Remedy",
    "StageEvent",
    "StandardizationItem",
    "TeamMember",
    "Verification",
    "validate_case",
]

_ID = re.compile(r"^[A-Z]{1,3}\d{1,4}$")
# A company topic key (``Intake.topic``, e.g. "refund_review"): the policy maps it to a
# closure limit (rule CL-5), so one spelling per topic.
TOPIC_KEY = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
NAME = 200
SHORT = 80


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _check_id(value: str, path: str) -> None:
    if not _ID.match(value):
        raise ValidationError(path, "error.reason.bad_item_id", value=value)


# ---------------------------------------------------------------- D0 intake


@dataclass
class Intake:
    """The complaint record (投诉登记 / 顾客反馈信息处理单), rules IN-1, IN-2."""

    # what makes a record a complaint; the policy's [intake] required adds the facts quality
    # needs before accepting it (rule IN-1; eightd.policy.intake)
    received_at: datetime | None = f(None, required=True, description="When the complaint came in")
    customer_name: str = f("", required=True, max_length=NAME)
    product_number: str = f("", required=True, max_length=SHORT)
    defect_description: str = f("", required=True, description="投诉何种缺陷或问题")
    ship_date: date | None = f(None)
    shipped_quantity: int | None = f(None, minimum=0)
    lot_size: int | None = f(None, minimum=1)
    defect_count: int | None = f(None, minimum=0)
    defect_rate_percent: float | None = f(None, minimum=0, maximum=100)
    found_at: FoundAt | None = f(None)
    found_at_detail: str = f("", description="Where exactly, e.g. 'line 3 final test'")
    # who and how
    customer_code: str = f("", max_length=SHORT)
    customer_complaint_ref: str = f("", max_length=SHORT, description="Customer's own number")
    channel: Channel = f(Channel.EMAIL)
    contact_person: str = f("", max_length=NAME)
    contact_details: str = f("", max_length=NAME)
    customer_demand: str = f("", description="What the customer asks for (投诉要求)")
    category: ComplaintCategory = f(ComplaintCategory.PRODUCT_QUALITY)
    topic: str = f(
        "", max_length=80, description="Company topic key for closure limits, e.g. 'refund_review'"
    )
    # product and lots
    product_name: str = f("", max_length=NAME)
    product_revision: str = f("", max_length=SHORT)
    lot_numbers: list[str] = f(default_factory=list, max_items=200)
    order_refs: list[str] = f(default_factory=list, max_items=200)
    site: str = f("", max_length=NAME, description="Plant or store that made or sold it")
    quantity_complained: int | None = f(None, minimum=0)
    quantity_returned: int | None = f(None, minimum=0)
    # when needed (rule IN-2)
    customer_tests: str = f("", description="Tests or special processing by the customer")
    assembly_process: str = f("")
    # attachments and samples (rule IN-2)
    has_attachment: bool = f(False)
    has_sample: bool = f(False)
    sample_label: str = f("", max_length=SHORT)
    return_sample: bool = f(False)
    return_route: str = f("", max_length=NAME)
    # facts for grading and escalation (rules GR-1, GR-2, ES-1, ES-2)
    defect_kinds: list[DefectKind] = f(default_factory=list, max_items=20)
    line_stop: bool = f(False, description="Stops the customer's line")
    corrective_action_demanded: bool = f(False, description="Formal 8D / CAR demanded")
    recurrence: bool = f(False, description="Same product and problem seen before")
    injury: bool = f(False)
    media_or_lawsuit: bool = f(False)
    major_economic_loss: bool = f(False)
    unauthorised_promise: bool = f(False)
    departments: list[str] = f(default_factory=list, max_items=30)

    def check(self, path: str) -> None:
        p = lambda name: _join(path, name)  # noqa: E731
        lot, bad = self.lot_size, self.defect_count
        if lot is not None and bad is not None and bad > lot:
            raise ValidationError(
                p("defect_count"), "error.reason.defect_count_exceeds_lot", value=bad, lot_size=lot
            )
        received, shipped = self.received_at, self.ship_date
        if received is not None and shipped is not None and shipped > received.date():
            raise ValidationError(
                p("ship_date"), "error.reason.ship_after_complaint", value=shipped
            )
        # any key the policy may not know yet (policies change), but one spelling per topic
        if self.topic and not TOPIC_KEY.match(self.topic):
            raise ValidationError(p("topic"), "error.reason.bad_topic", value=self.topic)
        if self.return_sample and not self.return_route.strip():
            raise ValidationError(p("return_route"), "error.reason.return_route_needed")
        if self.sample_label and not self.has_sample:
            raise ValidationError(p("sample_label"), "error.reason.label_without_sample")
        for i, text in enumerate(self.lot_numbers + self.order_refs + self.departments):
            if not text.strip() or len(text) > SHORT:
                name = (
                    "lot_numbers"
                    if i < len(self.lot_numbers)
                    else "order_refs"
                    if i < len(self.lot_numbers) + len(self.order_refs)
                    else "departments"
                )
                raise ValidationError(p(name), "error.reason.bad_list_entry", value=text)

    @property
    def defect_rate(self) -> float | None:
        """Defect rate in percent, from the stated rate or from the counts."""
        if self.defect_rate_percent is not None:
            return self.defect_rate_percent
        if self.lot_size and self.defect_count is not None:
            return 100.0 * self.defect_count / self.lot_size
        return None


@dataclass
class Grading:
    """The grade in force. ``suggested_*`` is what the policy derived from the intake;
    an override by the QE needs a reason (and is audited by the store)."""

    severity: Severity | None = f(None)
    priority: Priority | None = f(None)
    suggested_severity: Severity | None = f(None)
    override_reason: str = f("")
    graded_by: str = f("", max_length=NAME)
    graded_at: datetime | None = f(None)

    def check(self, path: str) -> None:
        overridden = (
            self.severity is not None
            and self.suggested_severity is not None
            and self.severity != self.suggested_severity
        )
        if overridden and not self.override_reason.strip():
            raise ValidationError(_join(path, "override_reason"), "error.reason.override_reason")


# ---------------------------------------------------------------- D1 .. D3


@dataclass
class TeamMember:
    name: str = f("", required=True, max_length=NAME)
    role: TeamRole = f(TeamRole.MEMBER)
    department: str = f("", max_length=NAME)
    contact: str = f("", max_length=NAME)
    duties: str = f("")


@dataclass
class IsIsNot:
    dimension: IsIsNotDimension = f(IsIsNotDimension.WHAT)
    is_: str = f("", required=True, description="What the problem IS")
    is_not: str = f("", description="What it could be but IS NOT")


@dataclass
class ProblemDescription:
    """D2: 5W2H facts and the IS / IS-NOT table."""

    what: str = f("")
    where: str = f("")
    when: str = f("")
    who: str = f("")
    why: str = f("")
    how: str = f("")
    how_many: str = f("")
    is_is_not: list[IsIsNot] = f(default_factory=list, max_items=40)
    first_occurred: date | None = f(None)
    repeat_occurrence: bool = f(False)
    other_affected: str = f("", description="Other parts, lines or plants possibly affected")
    agreed_test_time: str = f("", description="Agreed test / sample time, excluded from deadlines")
    # rule LN-D2.3: a recurrence reviews what the earlier 8D's D7 changed and why it did not hold
    previous_8d: str = f("", max_length=SHORT, description="The earlier 8D of a recurrence")
    previous_d7_review: str = f(
        "", description="What the earlier 8D's D7 changed, and why it did not prevent this"
    )

    @property
    def statement(self) -> str:
        """A one-line problem statement: 'what', else the first IS row."""
        if self.what.strip():
            return self.what.strip()
        return self.is_is_not[0].is_.strip() if self.is_is_not else ""

    def is_filled(self) -> bool:
        return bool(self.what.strip() and self.how_many.strip())


@dataclass
class ContainmentAction:
    """D3: one temporary measure at one location."""

    id: str = f("", required=True, max_length=8)
    location: ContainmentLocation = f(ContainmentLocation.FINISHED_STOCK)
    measure: ContainmentMeasure = f(ContainmentMeasure.REINSPECT)
    description: str = f("", required=True)
    owner: str = f("", max_length=NAME)
    due: datetime | None = f(None)
    done_at: datetime | None = f(None)
    quantity_checked: int | None = f(None, minimum=0)
    quantity_bad: int | None = f(None, minimum=0)
    effectiveness: str = f("")

    def check(self, path: str) -> None:
        _check_id(self.id, _join(path, "id"))
        if (
            self.quantity_checked is not None
            and self.quantity_bad is not None
            and self.quantity_bad > self.quantity_checked
        ):
            raise ValidationError(
                _join(path, "quantity_bad"),
                "error.reason.bad_exceeds_checked",
                value=self.quantity_bad,
                checked=self.quantity_checked,
            )


# ---------------------------------------------------------------- D4 .. D7


@dataclass
class Cause:
    """D4: a cause on one of the six bones, for occurrence or for escape.

    ``parent`` makes it a sub-cause of another cause; ``whys`` is its 5-Why
    chain, read from the symptom down to the root cause.
    """

    id: str = f("", required=True, max_length=8)
    text: str = f("", required=True, max_length=500)
    category: BoneCategory = f(BoneCategory.METHOD)
    type: CauseType = f(CauseType.OCCURRENCE)
    status: CauseStatus = f(CauseStatus.SUSPECTED)
    parent: str = f("", max_length=8)
    whys: list[str] = f(default_factory=list, max_items=10)
    evidence: str = f("", description="How it was verified or ruled out")
    systemic: bool = f(False, description="A managerial / system cause behind a technical one")

    def check(self, path: str) -> None:
        _check_id(self.id, _join(path, "id"))
        if self.status is CauseStatus.VERIFIED and not self.evidence.strip():
            raise ValidationError(_join(path, "evidence"), "error.reason.verified_needs_evidence")
        for i, why in enumerate(self.whys):
            if not why.strip() or len(why) > 500:
                raise ValidationError(f"{_join(path, 'whys')}[{i}]", "error.reason.empty_why")


@dataclass
class CorrectiveAction:
    """D5: a permanent action against one or more causes."""

    id: str = f("", required=True, max_length=8)
    text: str = f("", required=True)
    cause_ids: list[str] = f(default_factory=list, max_items=50)
    owner: str = f("", max_length=NAME)
    due: date | None = f(None)
    status: ActionStatus = f(ActionStatus.PLANNED)
    implemented_on: date | None = f(None)
    validation: str = f("", description="How it was validated before rollout")
    from_containment: str = f("", max_length=8, description="Containment made permanent")
    # D5 sets how the effect will be judged at D6: the defect rate must fall by at least
    # this much (and significantly, at the policy's alpha)
    success_reduction_percent: float | None = f(
        None, minimum=0, maximum=100, description="Required fall of the defect rate, in %"
    )

    def check(self, path: str) -> None:
        _check_id(self.id, _join(path, "id"))
        if self.status is ActionStatus.DONE and self.implemented_on is None:
            raise ValidationError(_join(path, "implemented_on"), "error.reason.done_needs_date")


@dataclass
class Verification:
    """D6: evidence for the three criteria of rule GT-D6."""

    id: str = f("", required=True, max_length=8)
    action_ids: list[str] = f(default_factory=list, max_items=50)
    verified_on: date | None = f(None, required=True)
    verified_by: str = f("", max_length=NAME)
    problem_improved: bool | None = f(None)
    no_new_problem: bool | None = f(None)
    prevents_recurrence: bool | None = f(None)
    evidence: str = f("")
    metric: str = f("", max_length=SHORT, description="e.g. 'defect rate ppm'")
    before_value: float | None = f(None)
    after_value: float | None = f(None)
    # data-driven check: defects found in units (a lot basis) or in units produced over a
    # period (a rate basis), before and after the action
    basis: VerificationBasis | None = f(None)
    before_defects: int | None = f(None, minimum=0)
    before_units: int | None = f(None, minimum=1)
    after_defects: int | None = f(None, minimum=0)
    after_units: int | None = f(None, minimum=1)

    # rule LN-D6.4: where no metric exists, a qualitative result with its evidence
    result: str = f("", description="Qualitative result, e.g. 'no recurrence at the customer'")
    sample: str = f(
        "", max_length=NAME, description="Sample size or period checked, e.g. '3 lots, 4 weeks'"
    )

    def check(self, path: str) -> None:
        _check_id(self.id, _join(path, "id"))
        counts = (self.before_defects, self.before_units, self.after_defects, self.after_units)
        if any(c is not None for c in counts) or self.basis is not None:
            for name, value in zip(
                ("before_defects", "before_units", "after_defects", "after_units"),
                counts,
                strict=True,
            ):
                if value is None:
                    raise ValidationError(_join(path, name), "error.reason.required")
            if self.basis is None:
                raise ValidationError(_join(path, "basis"), "error.reason.required")
        for side in ("before", "after"):
            bad, units = getattr(self, f"{side}_defects"), getattr(self, f"{side}_units")
            if (
                bad is not None
                and units is not None
                and bad > units
                and (self.basis is VerificationBasis.LOT)
            ):
                raise ValidationError(
                    _join(path, f"{side}_defects"),
                    "error.reason.bad_exceeds_checked",
                    value=bad,
                    checked=units,
                )

    @property
    def qualitative(self) -> bool:
        """Verified by a stated result and its evidence instead of figures."""
        return bool(self.result.strip() and self.evidence.strip())

    @property
    def effective(self) -> bool | None:
        """True only when all three criteria hold; False when one fails; None if pending."""
        criteria = (self.problem_improved, self.no_new_problem, self.prevents_recurrence)
        if any(c is False for c in criteria):
            return False
        if all(c is True for c in criteria):
            return True
        return None


@dataclass
class StandardizationItem:
    """D7: what keeps the fix in force: a controlled document revised (FMEA, control plan,
    work instruction ...), or a design change, a supplier requirement, a programme or an
    industry standard adopted (rule LN-D7), named by its document id or its title."""

    kind: DocumentKind = f(DocumentKind.FMEA)
    document_id: str = f("", max_length=SHORT)
    title: str = f("", max_length=500, description="What was changed, in a sentence")
    old_revision: str = f("", max_length=20)
    new_revision: str = f("", max_length=20)
    owner: str = f("", max_length=NAME)
    done_on: date | None = f(None)

    def check(self, path: str) -> None:
        if not self.document_id.strip() and not self.title.strip():
            raise ValidationError(_join(path, "title"), "error.reason.d7_item_needs_id_or_title")

    @property
    def revises(self) -> bool:
        """It really changes something: a controlled document to a new revision that
        differs from the old, or another kind of item with its change described."""
        if self.kind.controlled:
            new = self.new_revision.strip()
            return bool(new) and new != self.old_revision.strip()
        return bool(self.title.strip())


# ---------------------------------------------------------------- D8, contacts, clock


@dataclass
class Callback:
    """A call-back to the customer after handling (rules CL-1 … CL-4)."""

    at: datetime | None = f(None, required=True)
    by: str = f("", max_length=NAME)
    outcome: CallbackOutcome = f(CallbackOutcome.NO_ANSWER)
    note: str = f("")


@dataclass
class Remedy:
    """Rule RT-1: the remedy agreed with a retail customer, and when it was carried out."""

    kind: RemedyKind = f(RemedyKind.REFUND)
    agreed_at: datetime | None = f(None, required=True, description="When it was agreed")
    done_at: datetime | None = f(None, description="Refund paid / replacement shipped")
    note: str = f("")

    def check(self, path: str) -> None:
        if self.done_at and self.agreed_at and self.done_at < self.agreed_at:
            raise ValidationError(_join(path, "done_at"), "error.reason.end_before_start")


@dataclass
class Closure:
    kind: ClosureKind = f(ClosureKind.NORMAL)
    closed_at: datetime | None = f(None, required=True)
    closed_by: str = f("", max_length=NAME)
    reason: str = f("", description="Required for abnormal closure and closure without 8D")
    ground: AbnormalGround | None = f(None, description="Why an abnormal closure (rule CL-3)")
    customer_accepted: bool | None = f(None)
    lessons_learned: str = f("")
    team_recognition: str = f("")

    def check(self, path: str) -> None:
        if self.kind is not ClosureKind.NORMAL and not self.reason.strip():
            raise ValidationError(_join(path, "reason"), "error.reason.closure_reason")
        if self.kind is ClosureKind.ABNORMAL and self.ground is None:
            raise ValidationError(_join(path, "ground"), "error.reason.abnormal_needs_ground")
        if self.kind is not ClosureKind.ABNORMAL and self.ground is not None:
            raise ValidationError(
                _join(path, "ground"), "error.reason.ground_without_abnormal", value=self.ground
            )


@dataclass
class Approval:
    """An electronic signature: who, as what, meaning what, when, over which content."""

    signer: str = f("", required=True, max_length=NAME)
    role: str = f("", required=True, max_length=SHORT)
    meaning: str = f("", required=True, max_length=NAME)
    signed_at: datetime | None = f(None, required=True)
    content_hash: str = f("", required=True, max_length=128)
    # brought in by an import from another system (or a backup): not signed in this store,
    # so never shown or counted as a valid signature made here
    imported: bool = f(False, description="Imported from another system, not signed here")


@dataclass
class Contact:
    """One exchange with the customer (rule CM-1)."""

    at: datetime | None = f(None, required=True)
    by: str = f("", max_length=NAME)
    channel: Channel = f(Channel.PHONE)
    direction: ContactDirection = f(ContactDirection.OUTBOUND)
    summary: str = f("", required=True)
    promise: str = f("", description="What was promised")
    next_reply_due: datetime | None = f(None, description="When we promised to reply next")

    def check(self, path: str) -> None:
        if (
            self.next_reply_due is not None
            and self.at is not None
            and self.next_reply_due < self.at
        ):
            raise ValidationError(_join(path, "next_reply_due"), "error.reason.due_before_contact")


@dataclass
class Pause:
    """The deadline clock stops while waiting for the customer or an agreed test."""

    reason: PauseReason = f(PauseReason.WAITING_CUSTOMER)
    start: date | None = f(None, required=True)
    end: date | None = f(None)
    note: str = f("")

    def check(self, path: str) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValidationError(_join(path, "end"), "error.reason.end_before_start")


@dataclass
class StageEvent:
    stage: Stage = f(Stage.D0)
    kind: StageEventKind = f(StageEventKind.ENTERED)
    at: datetime | None = f(None, required=True)
    by: str = f("", max_length=NAME)
    note: str = f("")


# ---------------------------------------------------------------- the case


@dataclass
class Case:
    """One customer complaint worked as an 8D investigation."""

    number: str = f("", required=True, max_length=16, description="YYYYMM-NNNN")
    title: str = f("", required=True, max_length=300, description="Short problem statement")
    intake: Intake = f(default_factory=Intake)
    status: CaseStatus = f(CaseStatus.OPEN)
    stage: Stage = f(Stage.D0, description="The stage being worked")
    validity: Validity | None = f(None, description="None until decided")
    validity_note: str = f("", description="Explanation given to the customer")
    grading: Grading = f(default_factory=Grading)
    emergency_actions: str = f("", description="D0 emergency response before the team")
    team: list[TeamMember] = f(default_factory=list, max_items=50)
    problem: ProblemDescription = f(default_factory=ProblemDescription)
    containment: list[ContainmentAction] = f(default_factory=list, max_items=100)
    no_containment_reason: str = f(
        "", description="Why no containment is needed (rule GT-D3), instead of actions"
    )
    clean_point: str = f("", description="How shipments after containment are marked")
    causes: list[Cause] = f(default_factory=list, max_items=200)
    no_escape_reason: str = f("", description="Why detection was impossible, if no escape cause")
    actions: list[CorrectiveAction] = f(default_factory=list, max_items=100)
    verifications: list[Verification] = f(default_factory=list, max_items=100)
    containment_removed_on: date | None = f(None)
    standardization: list[StandardizationItem] = f(default_factory=list, max_items=100)
    no_standardization_reason: str = f("")
    read_across: list[str] = f(default_factory=list, max_items=100)
    callbacks: list[Callback] = f(default_factory=list, max_items=100)
    remedy: Remedy | None = f(None, description="Retail remedy agreed (rule RT-1)")
    closure: Closure | None = f(None)
    approvals: list[Approval] = f(default_factory=list, max_items=50)
    contacts: list[Contact] = f(default_factory=list, max_items=500)
    pauses: list[Pause] = f(default_factory=list, max_items=50)
    history: list[StageEvent] = f(default_factory=list, max_items=500)
    created_at: datetime | None = f(None, required=True)
    created_by: str = f("", max_length=NAME)

    def check(self, path: str) -> None:
        parsed = ComplaintNumber.parse(self.number, _join(path, "number"))
        if str(parsed) != self.number:  # one spelling per number, or uniqueness breaks
            raise ValidationError(
                _join(path, "number"), "error.reason.bad_complaint_number", value=self.number
            )
        _unique([c.id for c in self.containment], _join(path, "containment"))
        cause_ids = _unique([c.id for c in self.causes], _join(path, "causes"))
        action_ids = _unique([a.id for a in self.actions], _join(path, "actions"))
        _unique([v.id for v in self.verifications], _join(path, "verifications"))
        containment_ids = {c.id for c in self.containment}
        for i, cause in enumerate(self.causes):
            if cause.parent and cause.parent not in cause_ids:
                raise ValidationError(
                    f"{_join(path, 'causes')}[{i}].parent",
                    "error.reason.unknown_ref",
                    value=cause.parent,
                )
        self._check_no_cause_cycle(path)
        for i, action in enumerate(self.actions):
            for ref in action.cause_ids:
                if ref not in cause_ids:
                    raise ValidationError(
                        f"{_join(path, 'actions')}[{i}].cause_ids",
                        "error.reason.unknown_ref",
                        value=ref,
                    )
            if action.from_containment and action.from_containment not in containment_ids:
                raise ValidationError(
                    f"{_join(path, 'actions')}[{i}].from_containment",
                    "error.reason.unknown_ref",
                    value=action.from_containment,
                )
        for i, ver in enumerate(self.verifications):
            for ref in ver.action_ids:
                if ref not in action_ids:
                    raise ValidationError(
                        f"{_join(path, 'verifications')}[{i}].action_ids",
                        "error.reason.unknown_ref",
                        value=ref,
                    )
        if self.status is CaseStatus.CLOSED and self.closure is None:
            raise ValidationError(_join(path, "closure"), "error.reason.closed_needs_closure")
        received = self.intake.received_at
        # a complaint cannot be received after it was recorded (a day of clock skew tolerated)
        if self.created_at and received and (received - self.created_at).days >= 1:
            raise ValidationError(
                _join(path, "intake.received_at"), "error.reason.received_after_recorded"
            )

    def _check_no_cause_cycle(self, path: str) -> None:
        parents = {c.id: c.parent for c in self.causes}
        for start in parents:
            seen: set[str] = set()
            node = start
            while node:
                if node in seen:
                    raise ValidationError(
                        _join(path, "causes"), "error.reason.cause_cycle", value=start
                    )
                seen.add(node)
                node = parents.get(node, "")

    # -- lookups used by policy, diagrams and reports

    def cause(self, cause_id: str) -> Cause:
        for cause in self.causes:
            if cause.id == cause_id:
                return cause
        raise KeyError(cause_id)

    def sub_causes(self, cause_id: str) -> list[Cause]:
        return [c for c in self.causes if c.parent == cause_id]

    def causes_of(self, kind: CauseType, status: CauseStatus | None = None) -> list[Cause]:
        return [c for c in self.causes if c.type is kind and (status is None or c.status is status)]

    def next_id(self, prefix: str) -> str:
        """The next free item id with that prefix (``C``, ``A``, ``K``, ``V``)."""
        used: list[str] = [c.id for c in self.causes]
        used += [a.id for a in self.actions]
        used += [k.id for k in self.containment]
        used += [v.id for v in self.verifications]
        numbers = [
            int(i[len(prefix) :])
            for i in used
            if i.startswith(prefix) and i[len(prefix) :].isdigit()
        ]
        return f"{prefix}{max(numbers, default=0) + 1}"

    @property
    def is_closed(self) -> bool:
        return self.status is CaseStatus.CLOSED

    @property
    def needs_8d(self) -> bool:
        """False for the non-8D paths of rules IN-1, VA-1 (not founded, not ours, a request)."""
        return self.validity in (None, Validity.FOUNDED)


def _unique(ids: list[str], path: str) -> set[str]:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            raise ValidationError(f"{path}[{i}].id", "error.reason.duplicate_id", value=item)
        seen.add(item)
    return seen


def validate_case(case: Case) -> Case:
    """Validate the whole case tree; return it for chaining."""
    _validate(case)
    return case
