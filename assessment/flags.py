"""Where income status and the need score disagree: the households worth a second look.

``poor_not_on_dibao``: poor by the score but not on dibao or special-hardship support (the edge
households the proposal says are left out). ``on_dibao_not_poor``: on support but not poor by
the score (a candidate for review or exit, never an automatic one).
"""

from __future__ import annotations

from assessment.score import NeedScore
from assessment.vocabulary import ON_DIBAO, STATUSES, member_of

POOR_NOT_ON_DIBAO = "poor_not_on_dibao"
ON_DIBAO_NOT_POOR = "on_dibao_not_poor"


def disagreement(score: NeedScore, status: str) -> str | None:
    """The flag for a household with ``status`` (an ``AssistanceStatus`` value), or None."""
    on_dibao = member_of(status, STATUSES, "assistance status") in ON_DIBAO
    if score.poor and not on_dibao:
        return POOR_NOT_ON_DIBAO
    if on_dibao and not score.poor:
        return ON_DIBAO_NOT_POOR
    return None
