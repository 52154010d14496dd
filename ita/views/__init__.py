"""The site's views, by topic; re-exported so ``ita.urls`` keeps using ``views.<name>``."""

from ita.views.insights import organisation_insights, province_overview
from ita.views.results import (
    home,
    my_organisation,
    organisation_detail,
    province_results_view,
    results_index,
)

__all__ = [
    "home",
    "my_organisation",
    "organisation_detail",
    "organisation_insights",
    "province_overview",
    "province_results_view",
    "results_index",
]
