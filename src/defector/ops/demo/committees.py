"""The demo's committees: one for every post with diplomatic representation (``6``); at Vienna
and Tokyo, local operating procedures in effect (``6b``, approved by the chair and the senior US
representative) and at Vienna a second version in draft; the Vienna ambassador's policy
guidance (``7c``), acknowledged by a member (``6e``); and Vienna's briefing register (``7b``).
Everything through the committees app's own actions, by the demo officials."""

from __future__ import annotations

from typing import Final

from django.contrib.auth.models import User

from defector.committees import actions as committees
from defector.committees.models import (
    BriefedOfficial,
    Committee,
    GuidanceDocument,
    ProceduresVersion,
)
from defector.directory.queries import acting_official
from defector.ops.demo.directory import users

#: The procedures' sections (``6b(1)``–``6b(3)(d)``), as a post writes them.
SECTIONS: Final[dict[str, str]] = {
    "6b(1)": "A walk-in is taken from the gate or the consular counter to the interview room "
    "at once; the duty officer calls the CIA duty officer, who opens the case and gives the "
    "cryptonym. No one else learns the person's name.",
    "6b(2)": "The chair puts each case before the committee once it is assessed; the "
    "Ambassador's determination of political risk (7a) is asked for before the committee "
    "decides on defector status.",
    "6b(3)(a)": "Information on threats to US personnel or installations goes out by FLASH or "
    "IMMEDIATE report to the post's threat distribution, before any other step.",
    "6b(3)(b)": "Name traces at intake and again with Washington's lists; a polygraph when the "
    "case officer and the chair agree it is needed.",
    "6b(3)(c)": "The statement is written in the person's language, signed before a witness "
    "from another agency, and translated for the file.",
    "6b(3)(d)": "Each member says at the committee what their agency can give: safe housing, "
    "travel documents, transport, linguists.",
}
#: Vienna's second version, in draft: reception within twelve hours after the last walk-in.
DRAFT_SECTIONS: Final[dict[str, str]] = {
    "6b(1)": SECTIONS["6b(1)"] + " The Marine guard brings a walk-in at the side entrance to "
    "the chancery lobby, never into the consular section.",
}
DRAFT_NOTE: Final = "After the walk-in at the side entrance: reception within 12 hours."

GUIDANCE_TITLE: Final = "Contacts with the Austrian authorities about walk-ins"
GUIDANCE_BODY: Final = (
    "No member tells the Austrian police or the Staatspolizei of a walk-in, or answers their "
    "questions about one, without my approval. Ask the Deputy Chief of Mission to call me at "
    "any hour. The defense attaché keeps the Federal Army liaison informed in general terms "
    "only: no cryptonym, no nationality."
)

#: Vienna's register (7b): (position, who, detail, topics of the briefing given).
REGISTER: Final = (
    (
        "marine_security_guard",
        "Detachment commander, Marine Security Guard",
        "Post One",
        "Receiving a walk-in at the gates; whom to call; what not to write in the log.",
    ),
    (
        "consular_officer",
        "Chief of the consular section",
        "Visa and citizen services",
        "A visa applicant who asks for asylum: the interview room and the duty officer.",
    ),
)


def load_committees() -> None:
    """The committees (``6``), then Vienna's and Tokyo's procedures, guidance and register."""
    committees.ensure_committees(acting_user=None)
    found = {c.post.code: c for c in Committee.objects.filter(post__code__in=("VIENNA", "TOKYO"))}
    people = users("committee.chair", "senior.rep", "vienna.member", "tokyo.chair", "tokyo.senior")
    if len(people) < 5 or len(found) < 2:
        return
    vienna, tokyo = found["VIENNA"], found["TOKYO"]
    if not ProceduresVersion.objects.filter(committee__in=(vienna, tokyo)).exists():
        for committee, chair, senior in (
            (vienna, people["committee.chair"], people["senior.rep"]),
            (tokyo, people["tokyo.chair"], people["tokyo.senior"]),
        ):
            version = committees.create_procedures_draft(
                acting_user=chair, committee_id=committee.pk, sections=SECTIONS
            )
            committees.approve_procedures(acting_user=chair, version_id=version.pk)
            committees.approve_procedures(acting_user=senior, version_id=version.pk)
        effective = ProceduresVersion.objects.get(committee=vienna, status="effective")
        committees.acknowledge(
            acting_user=people["vienna.member"], procedures_version_id=effective.pk
        )
        committees.create_procedures_draft(
            acting_user=people["committee.chair"],
            committee_id=vienna.pk,
            sections=DRAFT_SECTIONS,
            clocks={"reception_hours": 12},
            note=DRAFT_NOTE,
        )
    if not GuidanceDocument.objects.filter(committee=vienna).exists():
        guidance = committees.issue_guidance(
            acting_user=people["senior.rep"],
            committee_id=vienna.pk,
            title=GUIDANCE_TITLE,
            body=GUIDANCE_BODY,
        )
        committees.acknowledge(
            acting_user=people["committee.chair"], guidance_version_id=guidance.pk
        )
    if not BriefedOfficial.objects.filter(committee=vienna).exists():
        _register(vienna, people)


def _register(vienna: Committee, people: dict[str, User]) -> None:
    """Vienna's briefing register (``7b``), each briefed by the chair (the senior US
    representative keeps the register)."""
    senior = people["senior.rep"]
    chair = acting_official(people["committee.chair"])
    if chair is None:
        return
    for position, name, detail, topics in REGISTER:
        person = committees.add_to_briefing_register(
            acting_user=senior,
            committee_id=vienna.pk,
            position=position,
            name=name,
            position_detail=detail,
        )
        committees.record_briefing(
            acting_user=senior,
            person_id=person.pk,
            briefed_on=person.listed_on,
            briefed_by_id=chair.pk,
            topics=topics,
        )
