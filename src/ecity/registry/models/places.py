"""The places and addresses base registry (空间地理基础库): addresses and region boundaries.

``Address`` is a registry record like ``Person`` and ``LegalEntityRecord``: keyed by a stable
address code, written only through ``ecity.registry.services.records`` (one data one source,
provenance, change log and conflicts in ``RecordAttribute``/``RecordChange``/``RecordConflict``).
Its region code is a GB/T 2260 code (an ``org.Region`` of the city or a value of the ``region``
code list); its coordinates are decimal degrees in CGCS2000 or WGS-84, with their source.

``RegionBoundary`` is the boundary of a region as a GeoJSON Polygon or MultiPolygon
(``ecity.registry.geo``), with its bounding box stored for the database to filter on first.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.models import BaseModel
from ecity.registry import geo


class CoordinateSystem(models.TextChoices):
    CGCS2000 = "CGCS2000", _("CGCS2000 (China Geodetic Coordinate System 2000)")
    WGS84 = "WGS84", _("WGS-84")


class CoordinateSource(models.TextChoices):
    SURVEY = "survey", pgettext_lazy("coordinate source", "Field survey")
    MAP = "map", pgettext_lazy("coordinate source", "Digitised from the base map")
    GEOCODED = "geocoded", pgettext_lazy("coordinate source", "Geocoded from the address")
    DECLARED = "declared", pgettext_lazy("coordinate source", "Declared by the applicant")


class Address(BaseModel):
    """A standard address (标准地址) in the address registry, identified by its address code."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", pgettext_lazy("address status", "In force")
        RETIRED = "retired", pgettext_lazy("address status", "Retired")

    code = models.CharField(_("address code"), max_length=24, unique=True)
    full_address = models.CharField(_("standard address"), max_length=300)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True)
    street = models.CharField(_("street or road"), max_length=100, blank=True)
    house_number = models.CharField(_("house number"), max_length=32, blank=True)
    building = models.CharField(_("building"), max_length=32, blank=True)
    unit = models.CharField(pgettext_lazy("building unit", "unit"), max_length=16, blank=True)
    room = models.CharField(_("room"), max_length=16, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    longitude = models.DecimalField(
        _("longitude"), max_digits=10, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    coordinate_system = models.CharField(
        _("coordinate system"), max_length=8, choices=CoordinateSystem.choices, blank=True
    )
    coordinate_source = models.CharField(
        _("coordinate source"), max_length=16, choices=CoordinateSource.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_FORCE
    )
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True, latitude__isnull=True)
                | models.Q(longitude__isnull=False, latitude__isnull=False),
                name="registry_address_coordinates_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_address} ({self.code})"

    @property
    def has_coordinates(self) -> bool:
        return self.longitude is not None and self.latitude is not None


class RegionBoundary(BaseModel):
    """The boundary of a region (GB/T 2260 code) from a date, as a GeoJSON geometry."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    geometry = models.JSONField(
        _("geometry"), help_text=_("A GeoJSON Polygon or MultiPolygon in longitude/latitude.")
    )
    source = models.CharField(_("source"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    # The bounding box of the geometry (set by ``clean``): the lookup filters on it first.
    min_lon = models.FloatField(_("west"), default=0)
    min_lat = models.FloatField(_("south"), default=0)
    max_lon = models.FloatField(_("east"), default=0)
    max_lat = models.FloatField(_("north"), default=0)

    class Meta:
        verbose_name = _("region boundary")
        verbose_name_plural = _("region boundaries")
        ordering = ["region_code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "valid_from"], name="registry_boundary_unique_from"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} ({self.valid_from})"

    def clean(self) -> None:
        super().clean()
        problems = geo.geometry_problems(self.geometry)
        if problems:
            raise ValidationError(
                {"geometry": [f"{path}: {message}" for path, message in problems]}
            )
        box = geo.bounding_box(self.geometry)
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = (
            box.min_lon,
            box.min_lat,
            box.max_lon,
            box.max_lat,
        )

    def contains(self, longitude: float, latitude: float) -> bool:
        return geo.geometry_contains(self.geometry, longitude, latitude)

    def is_current(self, on: dt.date) -> bool:
        return self.valid_from <= on
