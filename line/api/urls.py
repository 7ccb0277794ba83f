from django.urls import path

from line.api import as_built, eco, views

urlpatterns = [
    path("stations", views.stations, name="api-stations"),
    path("tools", views.tools, name="api-tools"),
    path("qualifications", views.qualifications, name="api-qualifications"),
    path("work-orders", views.work_orders, name="api-work-orders"),
    path("lots", views.lots, name="api-lots"),
    path("lots/<str:lot>", views.lot_detail, name="api-lot-detail"),
    path("lots/<str:lot>/quarantine", views.lot_quarantine, name="api-lot-quarantine"),
    path("lots/<str:lot>/release", views.lot_release, name="api-lot-release"),
    path("lots/<str:lot>/where-used", views.lot_where_used, name="api-lot-where-used"),
    path("units/<str:serial>/as-built", as_built.unit_as_built, name="api-unit-as-built"),
    path("units/<str:serial>/as-built.pdf", as_built.unit_as_built_pdf, name="api-unit-as-built-pdf"),
    path("units/<str:serial>", views.unit_detail, name="api-unit-detail"),
    path("units/<str:serial>/start", views.unit_start, name="api-unit-start"),
    path("units/<str:serial>/scans", views.unit_scans, name="api-unit-scans"),
    path("units/<str:serial>/results", views.unit_results, name="api-unit-results"),
    path("units/<str:serial>/tools", views.unit_tools, name="api-unit-tools"),
    path("units/<str:serial>/signoff", views.unit_signoff, name="api-unit-signoff"),
    path("units/<str:serial>/eco-decision", eco.eco_decision, name="api-unit-eco-decision"),
    path("revisions/<int:revision_id>/impact", eco.revision_impact, name="api-revision-impact"),
]
