"""What an applied import tells the rest of the product, without knowing it.

``scores_applied`` is sent once an import's transaction has committed (``import_commit``):
``batch`` (the applied ``ImportBatch``, its ``year``) and ``actor``. The measures app opens the
year's OIT checklist on it (``measures.services.checklist``), so a new year has its list the
day its scores arrive. A receiver that fails is logged; the import stands.
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

from ita.history.services import Actor
from ita.imports.models import ImportBatch
from ita.imports.notices import scores_arrived

logger = logging.getLogger(__name__)

scores_applied = Signal()


def applied(*, batch: ImportBatch, actor: Actor) -> None:
    """After an import's transaction committed: the members of each organisation it scored are
    told (``ita.imports.notices``), then ``scores_applied`` is sent. The import stands whatever
    happens to either; a failure is logged."""
    try:
        scores_arrived(batch=batch, actor=actor)
    except Exception:
        logger.exception("import %s: the members could not be told", batch.pk)
    for receiver, outcome in scores_applied.send_robust(ImportBatch, batch=batch, actor=actor):
        if isinstance(outcome, Exception):
            logger.error("import %s: %s failed", batch.pk, receiver.__qualname__, exc_info=outcome)
