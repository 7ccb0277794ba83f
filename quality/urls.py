from django.urls import path

from quality.views import feedback, ncr, queue, report

app_name = "quality"

urlpatterns = [
    path("", queue.queue, name="ncr-queue"),
    path("ncrs/new", queue.raise_by_hand, name="ncr-new"),
    path("ncrs/<int:ncr_id>/", ncr.detail, name="ncr-detail"),
    path("ncrs/<int:ncr_id>/review", ncr.review, name="ncr-review"),
    path("ncrs/<int:ncr_id>/disposition", ncr.disposition, name="ncr-disposition"),
    path("ncrs/<int:ncr_id>/contained", ncr.contained_disposition, name="ncr-contained-disposition"),
    path("ncrs/<int:ncr_id>/close", ncr.close, name="ncr-close"),
    path("ncrs/<int:ncr_id>/photo", ncr.photo, name="ncr-photo"),
    path("ncrs/<int:ncr_id>/pdf", ncr.report_pdf, name="ncr-pdf"),
    path("report/<str:serial>/<int:step_id>/", report.report_problem, name="report-problem"),
    path("revisions/<int:revision_id>/feedback", feedback.revision_feedback_view, name="revision-feedback"),
    path(
        "revisions/<int:revision_id>/feedback.csv",
        feedback.revision_feedback_export,
        name="revision-feedback-csv",
    ),
]
