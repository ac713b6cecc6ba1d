"""The API lists people by id, name, roles, department and whether they may act on alerts:
assign and a rule's routing take user ids, and an integrator could not find them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_lists_people_for_the_ids_assign_and_routing_take(client_for, make_user) -> None:
    # An integrator could assign alerts and route rules by user id, but not find the ids.
    from vigil.accounts.services import update_preferences

    li = make_user("Responder", username="liwei", first_name="Wei", last_name="Li")
    make_user("Viewer", username="guest")
    update_preferences(li, timezone_name="Asia/Shanghai", language="zh-hans")
    responder = client_for("Responder")
    page = responder.get("/api/users").json()
    people = {p["username"]: p for p in page["items"]}
    assert people["liwei"]["id"] == li.pk and people["liwei"]["name"] == "Wei Li"
    assert people["liwei"]["roles"] == ["Responder"] and people["liwei"]["can_act"] is True
    assert people["guest"]["can_act"] is False  # a Viewer cannot be given an alert
    assert "email" not in people["liwei"]
    assert client_for("Viewer").get("/api/users").status_code == 200
