"""The public results pages, by topic; re-exported for ``ita.results.urls``."""

from ita.results.views.insights import organisation_insights, province_overview
from ita.results.views.results import (
    home,
    my_organisation,
    province_results_view,
    results_index,
)

__all__ = [
    "home",
    "my_organisation",
    "organisation_insights",
    "province_overview",
    "province_results_view",
    "results_index",
]
