"""The base of the API's request bodies."""

from ninja import Schema
from pydantic import ConfigDict


class RequestBody(Schema):
    """A request body that refuses the keys it does not know (422, naming each): a misspelt
    ``levle`` saved a rule at the default level, and a PATCH of a key that cannot change
    answered 200 and changed nothing, both in silence (an integrator's trial)."""

    model_config = ConfigDict(extra="forbid")
