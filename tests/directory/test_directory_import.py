"""``defector import_directory FILE.csv``: all rows or nothing, every error with its row."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from defector.core.errors import InvalidInput, PermissionDenied
from defector.core.models import AuditEvent
from defector.directory import actions, importing
from defector.directory.models import Agency, Compartment, Official, Post, RoleAssignment

pytestmark = pytest.mark.django_db

HEADER = (
    "kind,code,name,agency_kind,post_kind,country,city,diplomatic_representation,"
    "username,first_name,last_name,email,title,agency,post,clearance,compartments,roles"
)

GOOD = (
    f"""{HEADER}
agency,CIA,Central Intelligence Agency,agency,,,,,,,,,,,,,,
agency,STATE,Department of State,department,,,,,,,,,,,,,,
agency,USAREUR,"US Army, Europe",military_command,,,,,,,,,,,,,,
compartment,HARBOR,Exfiltration and resettlement,,,,,,,,,,,,,,,
post,VIENNA,Embassy Vienna,,embassy,AT,Vienna,yes,,,,,,,,,,
post,HAVANA,US Interests Section Havana,,mission,CU,Havana,no,,,,,,,,,,
"""
    "official,,,,,,,,martin.hale,Martin,Hale,martin.hale@example.gov,Deputy Chief of Station,"
    "CIA,VIENNA,TOP SECRET,HARBOR,committee_chair case_officer@VIENNA\n"
    """official,,,,,,,,owen.park,Owen,Park,,IDC,STATE,,SECRET,,idc_member
"""
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "directory.csv"
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_directory", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path: Path) -> tuple[CommandError, list[str]]:
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_directory", str(path), stdout=StringIO(), stderr=err)
    return caught.value, err.getvalue().splitlines()


def test_a_good_file_imports_agencies_posts_compartments_officials_and_roles(
    tmp_path: Path,
) -> None:
    out, _ = run(write(tmp_path, GOOD))
    assert sorted(Agency.objects.values_list("code", flat=True)) == ["CIA", "STATE", "USAREUR"]
    assert Agency.objects.get(code="USAREUR").kind == "military_command"
    havana = Post.objects.get(code="HAVANA")
    assert (havana.kind, havana.diplomatic_representation) == ("mission", False)
    assert Compartment.objects.get().code == "HARBOR"
    hale = Official.objects.get(user__username="martin.hale")
    assert (hale.agency.code, hale.post.code if hale.post else None, hale.clearance) == (
        "CIA",
        "VIENNA",
        "TOP SECRET",
    )
    assert [c.code for c in hale.compartments.all()] == ["HARBOR"]
    roles = {(r.role, r.post.code if r.post else None) for r in hale.roles.all()}
    assert roles == {("committee_chair", "VIENNA"), ("case_officer", "VIENNA")}
    park = Official.objects.get(user__username="owen.park")
    assert park.post is None
    assert [(r.role, r.post) for r in park.roles.all()] == [("idc_member", None)]
    assert "3 agencies, 1 compartment, 2 posts, 2 officials, 3 roles" in out
    assert "defector changepassword martin.hale" in out
    assert not hale.user.has_usable_password()


def test_an_import_is_audited_row_by_row_and_as_a_whole(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    run(path)
    actions_done = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions_done.count("directory.agency.create") == 3
    assert actions_done.count("directory.official.create") == 2
    assert actions_done.count("directory.role.grant") == 3
    summary = AuditEvent.objects.get(action="directory.directory.import")
    assert summary.after["officials"] == 2
    assert summary.after["source"] == str(path)
    assert summary.actor_id is None
    created = AuditEvent.objects.filter(action="directory.official.create").first()
    assert created is not None
    assert created.reason == f"imported from {path}"


def test_a_bad_file_reports_every_error_with_its_row_and_imports_nothing(tmp_path: Path) -> None:
    text = f"""{HEADER}
agency,CIA,Central Intelligence Agency,,,,,,,,,,,,,,,
agency,,No code,spooks,,,,,,,,,,,,,,
post,VIENNA,Embassy Vienna,,embassy,ZZ,Vienna,perhaps,,,,,,,,,,

post,TOKYO,Embassy Tokyo,,palace,JP,,,,,,,,,,,,
official,,,,,,,,new.person,New,Person,not-mail,,KGB,TOKYO,COSMIC,,committee_chair@MOSCOW
"""
    error, lines = run_failing(write(tmp_path, text))
    assert error.returncode == 2
    assert "nothing was imported" in str(error)
    assert lines == [
        "row 3: code: is required",
        "row 3: agency_kind: must be one of agency, department, military_command",
        "row 4: diplomatic_representation: must be yes or no",
        "row 6: post_kind: must be one of embassy, consulate, mission",
        "row 6: city: is required",
        "row 7: email: is not an e-mail address",
        "row 7: agency: no agency has the code 'KGB'",
        # TOKYO's own row (6) is bad, so it does not exist for the rows after it either.
        "row 7: post: no post has the code 'TOKYO'",
        "row 7: clearance: must be one of UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET",
        "row 7: roles: committee_chair@MOSCOW: no post has the code 'MOSCOW'",
    ]
    assert not Agency.objects.exists()
    assert not Post.objects.exists()
    assert not get_user_model().objects.exists()
    assert not AuditEvent.objects.exists()


def test_rows_may_refer_to_earlier_rows_and_to_the_directory(tmp_path: Path) -> None:
    actions.create_agency(acting_user=None, code="FBI", name="Federal Bureau of Investigation")
    text = """kind,code,name,country,city,username,agency,post,clearance,roles
post,TOKYO,Embassy Tokyo,JP,Tokyo,,,,,
official,,,,,samuel.okafor,FBI,TOKYO,SECRET,committee_member
"""
    run(write(tmp_path, text))
    okafor = Official.objects.get(user__username="samuel.okafor")
    assert okafor.agency.code == "FBI"
    assert okafor.roles.get().post == Post.objects.get(code="TOKYO")


def test_a_row_may_not_refer_to_a_later_row(tmp_path: Path) -> None:
    text = """kind,code,name,country,city,username,agency,post,clearance
official,,,,,samuel.okafor,FBI,TOKYO,SECRET
agency,FBI,Federal Bureau of Investigation,,,,,,
post,TOKYO,Embassy Tokyo,JP,Tokyo,,,,
"""
    _, lines = run_failing(write(tmp_path, text))
    assert lines == [
        "row 2: agency: no agency has the code 'FBI'",
        "row 2: post: no post has the code 'TOKYO'",
    ]
    assert not Agency.objects.exists()


def test_existing_rows_and_duplicates_in_the_file_are_errors(tmp_path: Path) -> None:
    actions.create_agency(acting_user=None, code="CIA", name="Central Intelligence Agency")
    text = """kind,code,name
agency,cia,Central Intelligence Agency
compartment,HARBOR,Harbor
compartment,harbor,Harbor again
"""
    _, lines = run_failing(write(tmp_path, text))
    assert lines == ["row 2: code: CIA is already taken", "row 4: code: HARBOR is already taken"]
    assert not Compartment.objects.exists()


def test_the_shape_of_the_file_is_checked_first(tmp_path: Path) -> None:
    text = """kind,code,name,colour
agency,CIA,Central Intelligence Agency,
"""
    _, lines = run_failing(write(tmp_path, text))
    assert lines == ["row 1: colour: is not a column of the directory file"]
    text = """kind,code,name,city
agency,CIA,Central Intelligence Agency,Langley
spy,X,Y,
,X,Y,
"""
    _, lines = run_failing(write(tmp_path, text))
    assert lines == [
        "row 2: city: does not apply to an agency row",
        "row 3: kind: must be one of agency, compartment, post, official",
        "row 4: kind: is required",
    ]


def test_a_file_without_a_kind_column_or_rows_is_refused(tmp_path: Path) -> None:
    _, lines = run_failing(write(tmp_path, "code,name\nCIA,Central Intelligence Agency\n"))
    assert lines == ["row 1: kind: the header has no kind column"]
    _, lines = run_failing(write(tmp_path, "kind,code,name\n"))
    assert lines == ["row 2: row: the file has no rows to import"]


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file") as caught:
        call_command("import_directory", str(tmp_path / "nope.csv"))
    assert caught.value.returncode == 2


def test_an_existing_account_becomes_an_official(tmp_path: Path) -> None:
    user = get_user_model().objects.create_user(username="ruth.castillo", password="x" * 20)
    text = """kind,code,name,country,city,username,agency,post,clearance,roles
agency,STATE,Department of State,,,,,,,
post,VIENNA,Embassy Vienna,AT,Vienna,,,,,
official,,,,,ruth.castillo,STATE,VIENNA,TOP SECRET,senior_representative
"""
    out, _ = run(write(tmp_path, text))
    assert Official.objects.get().user == user
    assert "existing accounts made officials: ruth.castillo" in out
    assert "changepassword" not in out


def test_a_post_role_without_a_post_at_washington_is_an_error() -> None:
    text = """kind,code,name,username,agency,clearance,roles
agency,STATE,Department of State,,,,
official,,,owen.park,STATE,SECRET,case_officer
"""
    with pytest.raises(InvalidInput) as caught:
        actions.import_directory(acting_user=None, text=text)
    assert [e["field"] for e in caught.value.errors] == ["row 3: roles"]
    assert not RoleAssignment.objects.exists()


def test_only_administrators_import(officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.import_directory(acting_user=officer, text="kind,code,name\nagency,X,Y\n")


def test_the_command_documents_the_file_format() -> None:
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("import_directory", "--help", stdout=out)
    for column in importing.ALL_COLUMNS:
        assert column in importing.FORMAT_HELP
    assert "committee_chair@VIENNA" in importing.FORMAT_HELP
