"""The seed's directory: agencies, compartments, posts with their committees, and the officials
who hold the post roles (two case officers, two committee members, a chair and the senior US
representative at each post), plus the IDC members, the DCI's delegate and an auditor in
Washington."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from defector.committees.models import Committee
from defector.directory.choices import PostKind, Role
from defector.directory.models import Agency, Compartment, Official, Post, RoleAssignment
from defector.ops.seed import names
from defector.ops.seed.ledger import Ledger

#: The post roles each post's officials hold, in order.
POST_STAFF = (
    Role.CASE_OFFICER,
    Role.CASE_OFFICER,
    Role.COMMITTEE_MEMBER,
    Role.COMMITTEE_MEMBER,
    Role.COMMITTEE_CHAIR,
    Role.SENIOR_REPRESENTATIVE,
)
WASHINGTON_STAFF = (
    Role.IDC_MEMBER,
    Role.IDC_MEMBER,
    Role.IDC_MEMBER,
    Role.DCI_DELEGATE,
    Role.AUDITOR,
)


@dataclass
class Staff:
    """A post and the officials who hold its roles."""

    post: Post
    committee: Committee
    by_role: dict[str, list[Official]] = field(default_factory=dict)

    def first(self, role: str) -> Official:
        return self.by_role[role][0]

    def members(self) -> list[Official]:
        return [
            *self.by_role[Role.COMMITTEE_MEMBER],
            *self.by_role[Role.COMMITTEE_CHAIR],
            *self.by_role[Role.SENIOR_REPRESENTATIVE],
        ]


def _code(city: str, number: int) -> str:
    letters = re.sub(r"[^A-Z]", "", city.upper())[:17]
    return letters if number == 1 else f"{letters}{number}"


def draw_posts(rng: random.Random, count: int) -> list[Post]:
    """``count`` new posts (not saved): the cities drawn from the table, the first time a city
    comes an embassy, after that a consulate; codes already in the directory are skipped."""
    used_codes = set(Post.objects.values_list("code", flat=True))
    planned: list[Post] = []
    seen: dict[str, int] = {}
    cities = list(names.CITIES)
    while len(planned) < count:
        city, country = cities[rng.randrange(len(cities))] if planned else cities[0]
        seen[city] = seen.get(city, 0) + 1
        code = _code(city, seen[city])
        if code in used_codes:
            continue
        used_codes.add(code)
        embassy = seen[city] == 1
        planned.append(
            Post(
                code=code,
                name=f"Embassy {city}" if embassy else f"Consulate {city} {seen[city]}",
                kind=PostKind.EMBASSY if embassy else PostKind.CONSULATE,
                country=country,
                city=city,
                diplomatic_representation=True,
            )
        )
    return planned


def seed_directory(
    rng: random.Random, *, planned: list[Post], anchor: dt.datetime, ledger: Ledger
) -> list[Staff]:
    """Create the directory (inside the caller's transaction); the staff of each new post."""
    agencies = []
    for code, name, kind in names.AGENCIES:
        agency, _ = Agency.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
        agencies.append(agency)
    for code, name in names.COMPARTMENTS:
        Compartment.objects.get_or_create(code=code, defaults={"name": name})
    used_usernames = set(User.objects.values_list("username", flat=True))
    created = Post.objects.bulk_create(planned)
    established = (anchor - dt.timedelta(days=4 * 365)).date()
    committees = Committee.objects.bulk_create(
        Committee(
            post=post, established_on=established, created_at=anchor - dt.timedelta(days=4 * 365)
        )
        for post in created
    )
    for post in created:
        ledger.add(
            at=anchor - dt.timedelta(days=5 * 365),
            actor=None,
            action="directory.post.create",
            object_type="directory.post",
            object_id=post.pk,
            after={
                "code": post.code,
                "name": post.name,
                "kind": post.kind,
                "country": post.country,
            },
        )

    # Officials: one account each (no usable password: these are data, not logins).
    people: list[tuple[Post | None, str, str, str]] = []  # (post, role, first, last)
    for post in created:
        for role in POST_STAFF:
            people.append((post, role, rng.choice(names.US_FIRST), rng.choice(names.US_LAST)))
    for role in WASHINGTON_STAFF:
        people.append((None, role, rng.choice(names.US_FIRST), rng.choice(names.US_LAST)))
    users = []
    for _post, _role, first, last in people:
        base = f"{first}.{last}".lower()
        username, n = base, 1
        while username in used_usernames:
            n += 1
            username = f"{base}{n}"
        used_usernames.add(username)
        users.append(
            User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.gov",
                password=f"!seed{rng.getrandbits(64):016x}",
            )
        )
    users = User.objects.bulk_create(users)
    officials = Official.objects.bulk_create(
        Official(
            user=user,
            agency=agencies[0] if role == Role.SENIOR_REPRESENTATIVE else rng.choice(agencies),
            post=post,
            title=rng.choice(names.TITLES.get(role, ("Officer",))),
            clearance="TOP SECRET",
        )
        for user, (post, role, _first, _last) in zip(users, people, strict=True)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(official=official, role=role, post=post)
        for official, (post, role, _f, _l) in zip(officials, people, strict=True)
    )
    for official, user, (where, held, _f, _l) in zip(officials, users, people, strict=True):
        ledger.add(
            at=anchor - dt.timedelta(days=5 * 365),
            actor=None,
            action="directory.official.create",
            object_type="directory.official",
            object_id=official.pk,
            after={
                "username": user.username,
                "post": where.pk if where is not None else None,
                "role": held,
                "clearance": official.clearance,
            },
        )
    staff = {
        post.pk: Staff(post=post, committee=committee)
        for post, committee in zip(created, committees, strict=True)
    }
    for official, (where, held, _f, _l) in zip(officials, people, strict=True):
        if where is not None:
            staff[where.pk].by_role.setdefault(held, []).append(official)
    return list(staff.values())
