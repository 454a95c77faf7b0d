"""The directory API router (``/api/v1/directory``): posts, agencies, compartments, officials.

Every signed-in official may read the directory; administrators manage it. Creating as
anyone else answers 403 ``permission_denied``; changing a particular row answers 404, as for
a row that does not exist. The lists take the same filters as the directory's pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from defector.core.pagination import paged
from defector.core.schemas import ErrorOut
from defector.directory import actions, queries
from defector.directory.schemas import (
    AgencyFilterIn,
    AgencyIn,
    AgencyOut,
    AgencyPatch,
    CompartmentIn,
    CompartmentOut,
    OfficialFilterIn,
    OfficialIn,
    OfficialOut,
    OfficialPatch,
    PostFilterIn,
    PostIn,
    PostOut,
    PostPatch,
    RoleIn,
    RoleOut,
)

router = Router()

READ = {401: ErrorOut}
FILTERED = {401: ErrorOut, 422: ErrorOut}
ONE = {401: ErrorOut, 404: ErrorOut}
CREATE = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
CHANGE = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- posts -----------------------------------------------------------------------------------


@router.get("/posts", response={200: list[PostOut], **FILTERED}, summary="List posts")
@paged
def list_posts(request: HttpRequest, filters: Query[PostFilterIn]) -> Any:
    return queries.posts(request.user, filters.to_filter())


@router.post(
    "/posts",
    response={201: PostOut, **CREATE},
    summary="Add a post",
    description="Administrators only. A post with diplomatic representation needs a local "
    "Defector Committee (`6`).",
)
def create_post(request: HttpRequest, payload: PostIn) -> Any:
    return Status(201, actions.create_post(acting_user=request.user, **payload.dict()))


@router.get("/posts/{post_id}", response={200: PostOut, **ONE}, summary="One post")
def get_post(request: HttpRequest, post_id: int) -> Any:
    return queries.post(request.user, post_id)


@router.patch(
    "/posts/{post_id}",
    response={200: PostOut, **CHANGE},
    summary="Change a post",
    description="Administrators only; send only the fields to change.",
)
def update_post(request: HttpRequest, post_id: int, payload: PostPatch) -> Any:
    return actions.update_post(
        acting_user=request.user, post_id=post_id, changes=payload.dict(exclude_unset=True)
    )


# --- agencies --------------------------------------------------------------------------------


@router.get("/agencies", response={200: list[AgencyOut], **FILTERED}, summary="List agencies")
@paged
def list_agencies(request: HttpRequest, filters: Query[AgencyFilterIn]) -> Any:
    return queries.agencies(request.user, filters.to_filter())


@router.post(
    "/agencies",
    response={201: AgencyOut, **CREATE},
    summary="Add an agency",
    description="Administrators only: a department, agency or military command.",
)
def create_agency(request: HttpRequest, payload: AgencyIn) -> Any:
    return Status(201, actions.create_agency(acting_user=request.user, **payload.dict()))


@router.get("/agencies/{agency_id}", response={200: AgencyOut, **ONE}, summary="One agency")
def get_agency(request: HttpRequest, agency_id: int) -> Any:
    return queries.agency(request.user, agency_id)


@router.patch(
    "/agencies/{agency_id}",
    response={200: AgencyOut, **CHANGE},
    summary="Change an agency",
    description="Administrators only; send only the fields to change.",
)
def update_agency(request: HttpRequest, agency_id: int, payload: AgencyPatch) -> Any:
    return actions.update_agency(
        acting_user=request.user, agency_id=agency_id, changes=payload.dict(exclude_unset=True)
    )


# --- compartments ----------------------------------------------------------------------------


@router.get(
    "/compartments", response={200: list[CompartmentOut], **READ}, summary="List compartments"
)
@paged
def list_compartments(request: HttpRequest) -> Any:
    return queries.compartments(request.user)


@router.post(
    "/compartments",
    response={201: CompartmentOut, **CREATE},
    summary="Add a compartment",
    description="Administrators only.",
)
def create_compartment(request: HttpRequest, payload: CompartmentIn) -> Any:
    return Status(201, actions.create_compartment(acting_user=request.user, **payload.dict()))


# --- officials -------------------------------------------------------------------------------


@router.get(
    "/officials",
    response={200: list[OfficialOut], **FILTERED},
    summary="List officials",
    description="Clearance and compartments are shown to administrators and to the official "
    "themself; to others they are null.",
)
@paged
def list_officials(request: HttpRequest, filters: Query[OfficialFilterIn]) -> Any:
    return queries.officials(request.user, filters.to_filter())


@router.post(
    "/officials",
    response={201: OfficialOut, **CREATE},
    summary="Add an official",
    description="Administrators only. Creates the account too (or, with `link_existing`, "
    "uses an existing one that is not yet an official).",
)
def create_official(request: HttpRequest, payload: OfficialIn) -> Any:
    data = payload.dict()
    data["roles"] = [(role["role"], role["post"]) for role in data["roles"]]
    official = actions.create_official(acting_user=request.user, **data)
    return Status(201, queries.official(request.user, official.pk))


@router.get("/officials/{official_id}", response={200: OfficialOut, **ONE}, summary="One official")
def get_official(request: HttpRequest, official_id: int) -> Any:
    return queries.official(request.user, official_id)


@router.patch(
    "/officials/{official_id}",
    response={200: OfficialOut, **CHANGE},
    summary="Change an official",
    description="Administrators only; send only the fields to change. `post: null` moves "
    "the official to Washington; `compartments` replaces the list.",
)
def update_official(request: HttpRequest, official_id: int, payload: OfficialPatch) -> Any:
    actions.update_official(
        acting_user=request.user,
        official_id=official_id,
        changes=payload.dict(exclude_unset=True),
    )
    return queries.official(request.user, official_id)


@router.post(
    "/officials/{official_id}/deactivate",
    response={200: OfficialOut, **CHANGE},
    summary="Deactivate an official",
    description="Administrators only. The official can no longer sign in; the record stays.",
)
def deactivate_official(request: HttpRequest, official_id: int) -> Any:
    actions.deactivate_official(acting_user=request.user, official_id=official_id)
    return queries.official(request.user, official_id)


@router.post(
    "/officials/{official_id}/reactivate",
    response={200: OfficialOut, **CHANGE},
    summary="Reactivate an official",
    description="Administrators only.",
)
def reactivate_official(request: HttpRequest, official_id: int) -> Any:
    actions.reactivate_official(acting_user=request.user, official_id=official_id)
    return queries.official(request.user, official_id)


@router.post(
    "/officials/{official_id}/roles",
    response={201: RoleOut, **CHANGE},
    summary="Grant a role",
    description="Administrators only. A post role (case officer, committee member or chair, "
    "invited or senior US representative) needs a post; the others must have none.",
)
def grant_role(request: HttpRequest, official_id: int, payload: RoleIn) -> Any:
    assignment = actions.grant_role(
        acting_user=request.user, official_id=official_id, role=payload.role, post=payload.post
    )
    return Status(201, assignment)


# ``api_operation`` rather than ``router.delete``, which reads like an ORM delete to the
# convention check that keeps the ORM out of this module.
@router.api_operation(
    ["DELETE"],
    "/officials/{official_id}/roles/{role_id}",
    response={204: None, **CHANGE},
    summary="Revoke a role",
    description="Administrators only. Nobody can revoke their own administrator role.",
)
def revoke_role(request: HttpRequest, official_id: int, role_id: int) -> Any:
    actions.revoke_role(acting_user=request.user, official_id=official_id, role_id=role_id)
    return Status(204, None)
