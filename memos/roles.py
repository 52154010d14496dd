"""The executive roles a memo passes, their order, and how each is named on paper.

The roles are the organisation's positions (``Position.Role``); which of them a memo passes, in
which order, and the heading of each one's comment block are the memo's rules, kept here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ita.organisations.models import Organisation, Position

Role = Position.Role

# The executive roles of the sign-off chain, lowest first. A memo "with the head" is at the step
# of the holder of that role: the memo's step states carry these values.
EXECUTIVE_ROLES: tuple[str, ...] = (
    Role.HEAD_OF_OFFICE,
    Role.DEPUTY_CLERK,
    Role.CLERK,
    Role.MAYOR,
)
DECIDING_ROLE = Role.MAYOR


def default_chain() -> list[str]:
    """Head of office → deputy clerk → clerk → mayor: every step of the regulation's chain."""
    return list(EXECUTIVE_ROLES)


def chain_error(chain: object) -> str | Promise | None:
    """Why a configured chain is unusable, or None: known roles, in order, ending with the mayor."""
    if not isinstance(chain, list) or not chain:
        return _("The chain must be a non-empty list of roles.")
    unknown = [r for r in chain if r not in EXECUTIVE_ROLES]
    if unknown:
        return _("Unknown role in the chain: %(roles)s.") % {"roles": ", ".join(map(str, unknown))}
    ranks = [EXECUTIVE_ROLES.index(r) for r in chain]
    if ranks != sorted(set(ranks)):
        return _("The chain must list each role once, lowest first (head, deputy, clerk, mayor).")
    if chain[-1] != DECIDING_ROLE:
        return _("The chain must end with the mayor, who decides.")
    return None


def role_order(role: str) -> int:
    """A role's place in the chain (unknown roles last)."""
    return EXECUTIVE_ROLES.index(role) if role in EXECUTIVE_ROLES else len(EXECUTIVE_ROLES)


# The heading of each executive's comment block (ความเห็น…), by role and kind of organisation,
# as the seed memo writes them (ความเห็นปลัด อบต.); a municipality has its own titles.
_ROLE_HEADINGS: dict[str, str] = {
    Role.HEAD_OF_OFFICE: "หัวหน้าสำนักปลัด",
    Role.DEPUTY_CLERK: "รองปลัด{kind}",
    Role.CLERK: "ปลัด{kind}",
    Role.MAYOR: "นายก{kind}",
}
_KIND_IN_HEADING: dict[str, str] = {
    Organisation.Kind.SAO: " อบต.",
    Organisation.Kind.PAO: " อบจ.",
    Organisation.Kind.CITY: "เทศบาล",
    Organisation.Kind.TOWN: "เทศบาล",
    Organisation.Kind.SUBDISTRICT_MUNICIPALITY: "เทศบาล",
}
_MUNICIPAL_MAYOR = "นายกเทศมนตรี"


def role_heading(role: str, kind: str) -> str:
    """หัวหน้าสำนักปลัด, รองปลัด อบต., ปลัดเทศบาล, นายกเทศมนตรี … (after "ความเห็น")."""
    if role == Role.MAYOR and _KIND_IN_HEADING.get(kind) == "เทศบาล":
        return _MUNICIPAL_MAYOR
    template = _ROLE_HEADINGS.get(role, "")
    return template.format(kind=_KIND_IN_HEADING.get(kind, ""))


def comment_heading(role: str, kind: str) -> str:
    """ความเห็นหัวหน้าสำนักปลัด, ความเห็นปลัด อบต., ความเห็นนายกเทศมนตรี … as the PDF prints it."""
    return f"ความเห็น{role_heading(role, kind)}"


# The mayor's word, or a return, as printed in the decision block.
DECISION_PRINTED = {
    "acknowledged": "ทราบ",
    "approved": "อนุมัติ",
    "not_approved": "ไม่อนุมัติ",
    "return": "ส่งคืนเพื่อแก้ไข",
}


# The decisions as the interface names them (the same words as ``SignOff.Decision``).
DECISION_LABELS = {
    "forward": _("Agreed and sent on"),
    "return": _("Returned to the author"),
    "acknowledged": _("Acknowledged (ทราบ)"),
    "approved": _("Approved (อนุมัติ)"),
    "not_approved": _("Not approved (ไม่อนุมัติ)"),
}


# --- quick phrases (ความเห็น) per step and decision -------------------------------------------
# Document text, printed as written, so Thai in both interfaces. The mayor decides (ทราบ,
# อนุมัติ, ไม่อนุมัติ); the steps below propose (เห็นควร…) and never use the mayor's words. The
# block prints the decision's word before the comment (``DECISION_PRINTED``): the mayor's
# phrases complement it and never repeat it ("อนุมัติ / ดำเนินการตามเสนอ", not
# "อนุมัติ / อนุมัติ ดำเนินการตามเสนอ").
FORWARD = "forward"
RETURN = "return"
QUICK_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "lower": {
        FORWARD: ("เห็นควรอนุมัติ", "เห็นควรทราบ", "เห็นชอบ", "เห็นควรพิจารณา"),
        RETURN: ("โปรดแก้ไขและเสนอใหม่", "โปรดตรวจสอบรายงานให้ครบถ้วน"),
    },
    "mayor": {
        "acknowledged": ("แจ้งผู้เกี่ยวข้องถือปฏิบัติ", "ให้เผยแพร่ต่อสาธารณะ"),
        "approved": ("ดำเนินการตามเสนอ", "ให้เผยแพร่รายงานต่อสาธารณะ", "มอบผู้เกี่ยวข้องดำเนินการ"),
        "not_approved": ("ให้ทบทวนใหม่", "ให้แก้ไขแล้วเสนอใหม่"),
        RETURN: ("โปรดแก้ไขและเสนอใหม่", "โปรดตรวจสอบรายงานให้ครบถ้วน"),
    },
}

# A comment that opens with one of these says the opposite of the decision it goes with (on
# paper the two would stand side by side): the service refuses it.
_AGREEING = ("อนุมัติ", "เห็นชอบ", "เห็นควรอนุมัติ")
CONTRADICTING: dict[str, tuple[str, ...]] = {
    FORWARD: ("อนุมัติ", "ไม่อนุมัติ", "ส่งคืน"),  # proposing, not deciding
    "acknowledged": ("อนุมัติ", "ไม่อนุมัติ", "ส่งคืน"),
    "approved": ("ไม่อนุมัติ", "ไม่เห็นชอบ", "ไม่เห็นควร", "ส่งคืน"),
    "not_approved": (*_AGREEING, "ทราบ"),
    RETURN: _AGREEING,
}


def quick_phrases(step: str, decision: str) -> tuple[str, ...]:
    """The phrases offered at ``step`` for ``decision`` (none for a decision the step lacks)."""
    return QUICK_PHRASES["mayor" if step == DECIDING_ROLE else "lower"].get(decision, ())


def contradiction(decision: str, comment: str) -> str | None:
    """The opening words of ``comment`` that contradict ``decision``, or None."""
    text = " ".join(comment.split())
    return next((w for w in CONTRADICTING.get(decision, ()) if text.startswith(w)), None)


def refuse_contradiction(decision: str, comment: str) -> None:
    """A comment that says the opposite of its decision never reaches the printed memo."""
    words = contradiction(decision, comment)
    if words:
        raise ValidationError(
            gettext(
                "The comment begins with “%(words)s”, which contradicts the decision "
                "“%(decision)s”: change the comment or the decision."
            )
            % {"words": words, "decision": DECISION_LABELS.get(decision, decision)}
        )
