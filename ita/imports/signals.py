"""What an applied import tells the rest of the product, without knowing it.

``scores_applied`` is sent once an import's transaction has committed (``import_commit``):
``batch`` (the applied ``ImportBatch``, its ``year``) and ``actor``. The measures app opens the
year's OIT checklist on it (``measures.cycle``), so a new year has its list the day its scores
arrive. A receiver that fails is logged; the import stands.
"""

from __future__ import annotations

from django.dispatch import Signal

scores_applied = Signal()
