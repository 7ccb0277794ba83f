"""The line's screens, under /line/: station tablets, the live step screen, tablet binding, help calls."""

from django.urls import path

from line.views import as_built, help, station, step, tablets, work_orders

app_name = "mes"

urlpatterns = [
    path("", station.station_home, name="station-home"),
    path("sign-in", station.station_sign_in, name="station-sign-in"),
    path("sign-in/help", station.sign_in_help, name="station-sign-in-help"),
    path("operators/<int:user_id>/switch", station.station_switch, name="station-switch"),
    path("operators/<int:user_id>/sign-out", station.station_sign_out, name="station-sign-out"),
    path("idle", station.station_idle, name="station-idle"),
    path("keepalive", station.station_keepalive, name="station-keepalive"),
    path("scan", station.station_scan, name="station-scan"),
    path("help", station.help_call, name="help-call"),
    path("units/<str:serial>/", step.unit_step, name="unit-step"),
    path("units/<str:serial>/start", station.unit_start, name="unit-start"),
    path("units/<str:serial>/scan", step.step_scan, name="step-scan"),
    path("units/<str:serial>/result", step.step_result, name="step-result"),
    path("units/<str:serial>/sign-off", step.step_sign_off, name="step-sign-off"),
    path("units/<str:serial>/as-built", as_built.unit_as_built, name="unit-as-built"),
    path("units/<str:serial>/as-built.pdf", as_built.unit_as_built_pdf, name="unit-as-built-pdf"),
    path("work-orders/", work_orders.work_order_list, name="work-order-list"),
    path("work-orders/<str:number>/", work_orders.work_order_detail, name="work-order-detail"),
    path("tablets/", tablets.tablet_list, name="tablet-list"),
    path("tablets/<int:binding_id>/revoke", tablets.tablet_revoke, name="tablet-revoke"),
    path("help-calls/", help.help_board, name="help-board"),
    path("help-calls/<int:call_id>/answer", help.help_answer, name="help-answer"),
]
