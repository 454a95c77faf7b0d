"""The directory: who works where, for which agency, with what clearance and roles.

Codes (of agencies, posts and compartments) are stored in capitals and are unique whatever
their case. Only ``directory.actions`` writes these models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from defector.directory.choices import POST_ROLES, AgencyKind, PostKind, Role


class Agency(models.Model):
    """A participating department, agency or military command (a managed list, ``6``)."""

    code = models.CharField(
        max_length=20,
        unique=True,
        help_text="Short name in capitals, e.g. CIA, STATE, DOD, FBI, USIA, USAREUR.",
    )
    name = models.CharField(
        max_length=200,
        help_text="Full name, e.g. Central Intelligence Agency.",
    )
    kind = models.CharField(
        max_length=20,
        choices=AgencyKind.choices,
        default=AgencyKind.AGENCY,
    )
    active = models.BooleanField(
        default=True,
        help_text="An inactive agency stays on record but is offered for nothing new.",
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="%(app_label)s_%(class)s_code_unique_ignoring_case",
                violation_error_message="An agency with this code already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=AgencyKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="The kind of agency is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Post(models.Model):
    """A US diplomatic post abroad; one with diplomatic representation has a committee (``6``)."""

    code = models.CharField(
        max_length=20,
        unique=True,
        help_text="Short name in capitals, e.g. VIENNA.",
    )
    name = models.CharField(
        max_length=200,
        help_text="e.g. Embassy Vienna.",
    )
    kind = models.CharField(
        max_length=20,
        choices=PostKind.choices,
        default=PostKind.EMBASSY,
    )
    country = models.CharField(
        max_length=2,
        help_text="ISO 3166-1 alpha-2 code of the host country.",
    )
    city = models.CharField(
        max_length=100,
    )
    diplomatic_representation = models.BooleanField(
        default=True,
        help_text="The US has diplomatic representation here (a committee is required, 6).",
    )
    active = models.BooleanField(
        default=True,
        help_text="An inactive (closed) post stays on record with its cases.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="%(app_label)s_%(class)s_code_unique_ignoring_case",
                violation_error_message="A post with this code already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=PostKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="The kind of post is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Compartment(models.Model):
    """A need-to-know compartment; a case in one is seen only by officials read into it."""

    code = models.CharField(
        max_length=30,
        unique=True,
        help_text="Code word in capitals, e.g. HARBOR.",
    )
    name = models.CharField(
        max_length=200,
        help_text="What the compartment covers.",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="%(app_label)s_%(class)s_code_unique_ignoring_case",
                violation_error_message="A compartment with this code already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Official(models.Model):
    """A user of the system as a US official: agency, post (none: Washington), clearance.

    Whether the official may sign in is the account's ``is_active``; deactivating an official
    keeps the record (and every case and audit record that names them).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="official",
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        help_text="Where the official serves; empty for Washington.",
    )
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="e.g. Political Officer, Defense Attaché.",
    )
    clearance = models.CharField(
        max_length=30,
        help_text="One of the configured sensitivity levels.",
    )
    compartments = models.ManyToManyField(
        Compartment,
        blank=True,
        related_name="officials",
        help_text="The compartments the official is read into.",
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def username(self) -> str:
        return self.user.get_username()

    @property
    def is_active(self) -> bool:
        return self.user.is_active

    @property
    def station(self) -> str:
        """Where the official serves, for display: the post's name, or Washington."""
        return self.post.name if self.post is not None else "Washington"


class RoleAssignment(models.Model):
    """A role an official holds: at a post for post roles, otherwise with no post."""

    official = models.ForeignKey(
        Official,
        on_delete=models.CASCADE,
        related_name="roles",
    )
    role = models.CharField(
        max_length=30,
        choices=Role.choices,
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        help_text="Where a post role is held; empty for Washington and system roles.",
    )
    granted_at = models.DateTimeField(
        auto_now_add=True,
    )

    class Meta:
        ordering = ["official", "role", "post"]
        constraints = [
            models.UniqueConstraint(
                fields=["official", "role", "post"],
                condition=models.Q(post__isnull=False),
                name="%(app_label)s_%(class)s_unique_role_at_post",
                violation_error_message="The official already holds this role at this post.",
            ),
            models.UniqueConstraint(
                fields=["official", "role"],
                condition=models.Q(post__isnull=True),
                name="%(app_label)s_%(class)s_unique_role_without_post",
                violation_error_message="The official already holds this role.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(POST_ROLES), post__isnull=False)
                    | (~models.Q(role__in=sorted(POST_ROLES)) & models.Q(post__isnull=True))
                ),
                name="%(app_label)s_%(class)s_post_only_for_post_roles",
                violation_error_message=(
                    "A post role needs a post; Washington and system roles have none."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message="The role is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        where = f" at {self.post}" if self.post_id else ""
        return f"{self.get_role_display()}{where}"
