"""Every list of the API is paged the same way (``core.pagination``), shown on the posts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from defector.api import api
from defector.directory.models import Post

pytestmark = pytest.mark.django_db


def posts(headers: dict[str, str], **query: Any) -> Any:
    return Client().get("/api/v1/directory/posts", query, headers=headers)


@pytest.fixture
def seven_posts(world: Any) -> list[str]:
    for number in range(7 - Post.objects.count()):
        Post.objects.create(code=f"P{number}", name=f"Post {number}", country="FR", city="Paris")
    return sorted(Post.objects.values_list("code", flat=True))


def test_a_list_is_answered_page_by_page_with_its_count_and_the_next_page(
    officer_api: dict[str, str], seven_posts: list[str]
) -> None:
    first = posts(officer_api, page_size=3).json()
    assert (first["count"], first["page"], first["page_size"], first["next"]) == (7, 1, 3, 2)
    assert len(first["items"]) == 3
    seen, page = [], 1
    while page is not None:
        body = posts(officer_api, page_size=3, page=page).json()
        seen += [post["code"] for post in body["items"]]
        page = body["next"]
    assert sorted(seen) == seven_posts
    assert len(seen) == len(set(seen)) == 7


def test_the_default_page_size_comes_from_the_settings(
    officer_api: dict[str, str], seven_posts: list[str], settings: Any
) -> None:
    body = posts(officer_api).json()
    assert body["page_size"] == settings.DEFECTOR_PAGE_SIZE
    assert (len(body["items"]), body["next"]) == (7, None)


def test_a_page_past_the_end_is_empty_with_the_same_count(
    officer_api: dict[str, str], seven_posts: list[str]
) -> None:
    body = posts(officer_api, page=9, page_size=3).json()
    assert (body["items"], body["count"], body["next"]) == ([], 7, None)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": 201}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
    ],
    ids=["a page over the largest size", "an empty page", "page zero", "a page that is no number"],
)
def test_a_page_size_over_the_bound_or_a_bad_page_is_refused_naming_it(
    officer_api: dict[str, str], query: dict[str, Any], field: str
) -> None:
    response = posts(officer_api, **query)
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {field}


def test_no_list_of_the_api_answers_a_bare_array() -> None:
    """Every ``GET`` whose answer is a list is paged (the operation's 200 is an object with
    ``items``), read from the live OpenAPI document, so a new list cannot slip by unpaged.
    (``POST .../agenda/draw`` answers the drawn agenda, not a list to browse.)"""
    document = api.get_openapi_schema()
    bare = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if not get or "200" not in get["responses"]:
            continue
        content = get["responses"]["200"].get("content", {}).get("application/json", {})
        if content.get("schema", {}).get("type") == "array":
            bare.append(path)
    assert bare == []
