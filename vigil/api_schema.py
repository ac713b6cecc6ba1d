"""The base of the API's request bodies, and what the OpenAPI spec says beyond ninja's own:
the error answers and their shape, and models a body holds as free JSON."""

from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, model_validator

#: A row's id as a request may give it: the columns are 64-bit integers, and a bigger number
#: reached the database and answered 500 (a re-trial sent 99999999999999999999999).
MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class RequestBody(Schema):
    """A request body that refuses the keys it does not know (422, naming each): a misspelt
    ``levle`` saved a rule at the default level, and a PATCH of a key that cannot change
    answered 200 and changed nothing, both in silence (an integrator's trial). Text holding a
    NUL character is refused too: PostgreSQL cannot store one (SQLite did, so it passed
    unnoticed there), as the screens' forms refuse it."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("text may not contain a NUL character (\\x00)")
        return data


#: The body of every error answer (``vigil.api.error_response``), for the OpenAPI spec.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "stable, for programs: bad_request, invalid (422), "
                    "unauthenticated, forbidden, not_found, conflict, too_large, "
                    "rate_limited, or an endpoint's own (see its description)",
                },
                "message": {
                    "type": "string",
                    "description": "for people, in the request's language (Accept-Language)",
                },
                "details": {
                    "anyOf": [
                        {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "loc": {"type": "array", "items": {}},
                                    "type": {"type": "string"},
                                    "msg": {"type": "string"},
                                    "message": {"type": "string"},
                                },
                            },
                        },
                        {"type": "null"},
                    ],
                    "description": "one item per input at fault: where (loc), pydantic's type "
                    "and msg for programs, message for people",
                },
            },
        }
    },
}

_ERROR_STATUSES = {
    "400": "refused input, named in details",
    "401": "no valid API token or session",
    "403": "the caller's role may not do this (the message says who may)",
    "404": "nothing with that id",
    "422": "a body or parameter of the wrong type or shape, or an unknown key",
    "default": "another error (409 conflict with the object's state, 413, 429), same shape",
}


def add_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the error answers every operation may give, with their one shape (ninja lists
    only the successes; an integrator found no error schema in the spec)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            statuses = ["default"]
            if operation.get("security"):
                statuses += ["401", "403"]
            if "{" in path:
                statuses.append("404")
            if operation.get("requestBody") or operation.get("parameters"):
                statuses += ["400", "422"]
            responses = operation.setdefault("responses", {})
            declared = {str(status) for status in responses}  # ninja's keys are numbers
            for status in statuses:
                if status not in declared:
                    responses[status] = {"description": _ERROR_STATUSES[status], "content": content}
    return schema


def add_model_schemas(
    schema: dict[str, Any], models: dict[str, type[BaseModel]]
) -> list[dict[str, str]]:
    """Put pydantic models into the spec's components (their nested models too); the list of
    references to them, in order."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    refs = []
    for name, model in models.items():
        found = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(found.pop("$defs", {}))
        components[name] = found
        refs.append({"$ref": f"#/components/schemas/{name}"})
    return refs
