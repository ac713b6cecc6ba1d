"""Who am I, people, departments, API tokens and the audit log."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from vigil.accounts.audit import record_audit
from vigil.accounts.models import AuditEntry, Department
from vigil.accounts.people import person_name
from vigil.accounts.services import issue_api_token, profile_of, roles_of
from vigil.api import requires
from vigil.api_schema import RequestBody

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    roles: list[str]
    department: str | None
    timezone: str
    language: str
    permissions: list[str]


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    profile = profile_of(user)  # type: ignore[arg-type]
    return MeOut(
        id=int(user.pk or 0),
        username=user.get_username(),
        name=user.get_full_name(),  # type: ignore[union-attr]
        email=user.email,  # type: ignore[union-attr]
        roles=roles_of(user),  # type: ignore[arg-type]
        department=profile.department.code if profile.department else None,
        timezone=profile.timezone,
        language=profile.language,
        permissions=sorted(user.get_all_permissions()),
    )


class PersonOut(Schema):
    id: int
    username: str
    name: str = Field(..., description="as the screens name the person")
    roles: list[str]
    department: str | None = Field(..., description="the department's code")
    can_act: bool = Field(
        ..., description="may be assigned alerts and acknowledge them (not a Viewer)"
    )


@router.get(
    "/users",
    response=list[PersonOut],
    summary="People, for the user ids that assign and a rule's routing take",
    auth=requires("alerts.view_alert"),
)
@paginate(PageNumberPagination, page_size=100)
def list_people(request: HttpRequest) -> Any:
    people = User.objects.filter(is_active=True).select_related("profile__department")
    return [
        PersonOut(
            id=user.pk,
            username=user.get_username(),
            name=person_name(user),
            roles=roles_of(user),
            department=_department_code(user),
            can_act=user.has_perm("alerts.change_alert"),
        )
        for user in people.order_by("username").prefetch_related("groups")
    ]


def _department_code(user: User) -> str | None:
    department = getattr(getattr(user, "profile", None), "department", None)
    return department.code if department is not None else None


class DepartmentIn(RequestBody):
    code: str = Field(..., pattern=r"^[a-z0-9-]{1,40}$")
    name: str = Field(..., min_length=1, max_length=120)
    name_zh: str = ""


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    name_zh: str


@router.get(
    "/departments",
    response=list[DepartmentOut],
    summary="Departments, by code",
    auth=requires("accounts.view_department"),
)
@paginate(PageNumberPagination, page_size=50)
def list_departments(request: HttpRequest) -> Any:
    return Department.objects.order_by("code", "id")


@router.post(
    "/departments",
    response={201: DepartmentOut},
    summary="Add a department",
    auth=requires("accounts.add_department"),
)
def create_department(request: HttpRequest, payload: DepartmentIn) -> Status[Department]:
    if Department.objects.filter(code=payload.code).exists():
        raise HttpError(409, _("a department with code “%(code)s” exists") % {"code": payload.code})
    department = Department.objects.create(**payload.dict())
    record_audit(request.user, "department.created", department, after=payload.dict())
    return Status(201, department)


class TokenIn(RequestBody):
    name: str = Field("default", max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    token: str


@router.post("/tokens", response={201: TokenOut}, summary="Issue an API token for yourself")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenOut]:
    issued = issue_api_token(request.user, payload.name)  # type: ignore[arg-type]
    return Status(201, TokenOut(id=issued.token.pk, name=issued.token.name, token=issued.raw))


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> str:
        return obj.actor_label


class AuditFilter(Schema):
    object_type: str | None = None
    object_id: str | None = None
    actor: str | None = None
    action: str | None = None


@router.get(
    "/audit",
    response=list[AuditOut],
    summary="The audit log (administrators)",
    auth=requires("accounts.view_auditentry"),
)
@paginate(PageNumberPagination, page_size=50)
def list_audit(request: HttpRequest, filters: Query[AuditFilter]) -> Any:
    entries = AuditEntry.objects.all()
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id)
    if filters.actor:
        entries = entries.filter(actor_label=filters.actor)
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    return entries
