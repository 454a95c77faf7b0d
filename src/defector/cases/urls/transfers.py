"""Moves of a case to another post or to Washington: the proposal (a form of the case page),
and a move's page with the receiving side's and the sending side's forms."""

from __future__ import annotations

from django.urls import URLPattern, path

from defector.cases.views import transfers

urlpatterns: list[URLPattern] = [
    path(
        "<int:case_id>/transfers/",
        transfers.ProposeTransferView.as_view(),
        name="transfer-propose",
    ),
    path(
        "transfers/<int:transfer_id>/",
        transfers.TransferPageView.as_view(),
        name="transfer",
    ),
    path(
        "transfers/<int:transfer_id>/<slug:verb>/",
        transfers.TransferPageView.as_view(http_method_names=["post"]),
        name="transfer-act",
    ),
]
