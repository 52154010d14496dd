"""The django-ninja API object and the HTTP rules around it: JSON errors that name the
parameter, GET and HEAD only, open to any origin."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from ita.api import params
from ita.history import published
from ita.lib.replica import reading_replica


class Renderer(JSONRenderer):
    # Thai as UTF-8 text rather than \u escapes: half the bytes, and readable with curl.
    json_dumps_params = {"ensure_ascii": False}


class OpenDataAPI(NinjaAPI):
    def get_content_type(self) -> str:
        # JSON is UTF-8 by definition (RFC 8259); the API has always said plain application/json.
        return str(self.renderer.media_type)

    def get_root_path(self, path_params: dict[str, object]) -> str:
        # Ninja finds the root through a namespaced route of its own; this API is mounted
        # without a namespace (templates reverse "api-index"), and its index is the root.
        return reverse("api-index")

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, object] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Every operation also answers HEAD, GET without the body; listing HEAD as well would
        # repeat each operation id.
        for item in schema["paths"].values():
            item.pop("head", None)
        # The query and path models are flattened into each operation's parameters; nothing
        # refers to them as components.
        components = schema["components"]["schemas"]
        for endpoint in params.ENDPOINTS:
            for model in (endpoint.query, endpoint.path_model):
                if model is not None:
                    components.pop(model.__name__, None)
        return schema


api = OpenDataAPI(
    title="ITA results of Thai local government",
    version="1.0.0",
    description=(
        "Published Integrity and Transparency Assessment results: organisations, "
        "assessment years and their method, results and indicator scores. Read-only. "
        "Lists are paginated with limit/offset; unknown, repeated or invalid "
        "parameters get a 400 response naming the parameter. Years are Buddhist Era."
    ),
    openapi_url=None,  # served by the "openapi" operation, so it is routed and documented
    docs_url=None,
    renderer=Renderer(),
)


def error(
    request: HttpRequest, status: int, code: str, detail: str, parameter: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": code, "parameter": parameter, "detail": detail}, status=status
    )


@api.exception_handler(params.BadParameter)
def bad_parameter(request: HttpRequest, exc: params.BadParameter) -> HttpResponse:
    return error(request, 400, exc.code, exc.message, exc.name)


@api.exception_handler(ValidationError)
def invalid_value(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Ninja's 422 listing pydantic's errors becomes the API's 400 naming the first parameter
    refused."""
    first = exc.errors[0]
    # Where ("query" or "path"), then the parameter, after the view's argument for some and
    # before (for a filter, which may be left out) the member of its optional type.
    source = first["loc"][0]
    name = next((str(p) for p in first["loc"][1:] if p in params.NAMES), str(first["loc"][-1]))
    match = request.resolver_match
    given = match.kwargs if source == "path" and match is not None else request.GET
    return bad_parameter(request, params.invalid(name, str(given.get(name, "")), first))


# Answers built from the routes alone, not the data (and loaded before any database is).
UNPUBLISHED = ("index", "openapi")


def guard(view: Callable[..., HttpResponse], name: str) -> Callable[..., HttpResponseBase]:
    """The rules ninja leaves to us, around the route named ``name``: other methods than GET and
    HEAD get a JSON 405 (ninja's is plain text), unknown or repeated parameters a 400, and every
    answer may be read from any origin (open data). Answers come from the public pages' cache
    (``ita.history.published``)."""
    endpoint = params.ENDPOINT[name.removeprefix("api-")]

    # Nothing here changes data, and a POST should hear 405, not the CSRF check's 403.
    @csrf_exempt
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response: HttpResponseBase
        if request.method not in ("GET", "HEAD"):
            response = error(request, 405, "method_not_allowed", _("Only GET is allowed."))
            response["Allow"] = "GET, HEAD"
        else:
            try:
                params.check_names(request.GET, endpoint.params)
            except params.BadParameter as exc:
                response = bad_parameter(request, exc)
            else:
                if endpoint.name in UNPUBLISHED:
                    response = view(request, *args, **kwargs)
                else:
                    with reading_replica():
                        response = published.serve(request, lambda: view(request, *args, **kwargs))
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return guarded
