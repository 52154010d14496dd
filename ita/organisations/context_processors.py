from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ita.organisations.membership import organisations_of


def membership(request: HttpRequest) -> dict[str, object]:
    """The organisations the user belongs to, read only when a page shows them (the home page's
    own part: ``templates/ita/_my_organisations.html``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_organisations": SimpleLazyObject(
            lambda: list(organisations_of(user).select_related("district"))
        )
    }
