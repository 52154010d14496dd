"""The memo's own checks before it is sent, beside its report's (``measures.checks``): a memo
whose subject or body names another fiscal year than the report it carries is questioned. The
service keeps what the checks found at each send, for the author and every executive to see.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ita.lib.thai import arabic_digits
from memos.models import Memo

# A fiscal year named in the text: "ปีงบประมาณ พ.ศ. ๒๕๖๕", "ปีงบประมาณ 2565", "ประจำปี ๒๕๖๕".
_YEAR_NAMED = re.compile(r"(?:ปีงบประมาณ|ประจำปี)\s*(?:พ\.\s*ศ\.)?\s*(25\d\d)")


def named_years(text: str) -> set[int]:
    return {int(y) for y in _YEAR_NAMED.findall(arabic_digits(text))}


def memo_year_checks(memo: Memo) -> list[str]:
    """The memo's subject or body names another fiscal year than the report it carries: what
    to tell the author and the executives (empty when they agree or no report is carried).

    The implementation report of a year's measures may also name the year they ran in."""
    if memo.report_year is None:
        return []
    year = memo.report_year.year
    allowed = {year, year + 1} if memo.implementation_id else {year}
    problems = []
    for label, text in ((_("subject"), memo.subject), (_("body"), memo.body)):
        other = sorted(named_years(text) - allowed)
        if other:
            problems.append(
                _(
                    "The memo's %(part)s names the fiscal year %(named)s, but the report it "
                    "carries is of %(year)s."
                )
                % {"part": label, "named": ", ".join(map(str, other)), "year": year}
            )
    return problems
