"""JSON's values as the type checker sees them: what ``json.loads`` gives, what a ``JSONField``
holds and what a JSON answer is built from."""

from typing import TypeAlias

JSONValue: TypeAlias = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]
# A JSON object (a row's ``kwargs``, a manifest, a snapshot of fields).
JSONObject: TypeAlias = dict[str, JSONValue]
