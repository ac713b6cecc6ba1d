"""``{{ user|person }}``: a person's name as every screen and message gives it."""

from __future__ import annotations

from django import template

from vigil.accounts.people import person_name

register = template.Library()
register.filter("person", person_name)
