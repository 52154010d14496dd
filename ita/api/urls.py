"""The open-data API under /api/v1/ (included from ``ita.urls``): ninja's routes, each behind
``ita.api.http.guard``, without a URL namespace (templates reverse "api-index" and the rest)."""

from django.urls import URLPattern, path

from ita.api import views
from ita.api.http import api, guard

api.add_router("", views.router)

urlpatterns = [
    path(str(p.pattern), guard(p.callback, p.name), name=p.name)
    for p in api.urls[0]
    # Ninja ends its list with a root route of its own; the "index" operation answers there.
    if isinstance(p, URLPattern) and p.name and p.name != "api-root"
]
