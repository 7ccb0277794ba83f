"""Forms of quality's screens: they parse input; rules live in the services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from core.errors import DomainError
from core.models import SignatureMeaning
from core.signatures import SignatureRequest
from quality.choices import Decision, NcrStatus
from quality.selectors import AGE_CHOICES, QueueFilters


class DomainErrorsMixin:
    domain_errors: tuple[DomainError, ...] = ()

    def add_domain_error(self, error: DomainError) -> None:
        self.domain_errors = (*self.domain_errors, error)
        for detail in error.errors:
            field = detail.path.split("/")[0] if detail.path else None
            if field == "signature":
                field = "password"
            if field == "signatures":
                field = "password2" if detail.path.endswith("/1") else "password"
            self.add_error(field if field in self.fields else None, str(detail.message))  # type: ignore[attr-defined]

    @property
    def refusals(self) -> list[str]:
        """Every refusal of the last submission, the form's own first, then field by field in the
        order the form shows them: the summary above the form (a field's refusal may sit in a part
        the signer does not look at, such as the folded second signature). A rule's refusal is a
        whole sentence; a field's own ("This field is required.") is prefixed with its label."""
        errors = self.errors  # type: ignore[attr-defined]
        ruled = {str(detail.message) for error in self.domain_errors for detail in error.errors}
        messages = [str(message) for message in errors.get("__all__", [])]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            for message in errors.get(name, []):
                message = str(message)
                messages.append(message if message in ruled else "{}: {}".format(field.label, message))
        return messages


def _age_choices() -> list[tuple[str, StrOrPromise]]:
    """Read when a form is made, so in the reader's language (and "1 day", not "1 days")."""
    return [("", _("Any age"))] + [
        (key, ngettext("{days} day", "{days} days", days).format(days=days))
        for key, days in AGE_CHOICES.items()
    ]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Not yet dispositioned")), *NcrStatus.choices, ("all", _("All"))],
    )
    work_center = forms.CharField(label=_("Work center"), required=False, max_length=64)
    product = forms.CharField(label=_("Product"), required=False, max_length=64)
    revision = forms.IntegerField(label=_("Revision"), required=False, min_value=1)
    age = forms.ChoiceField(label=_("Older than"), required=False, choices=_age_choices)
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[("age", _("Oldest first")), ("newest", _("Newest first"))]
    )

    def filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return QueueFilters(
            status=data.get("status") or "",
            work_center=data.get("work_center") or "",
            product=data.get("product") or "",
            revision=data.get("revision"),
            age=data.get("age") or "",
            sort=data.get("sort") or "age",
        )


class SignatureFields(forms.Form):
    username = forms.CharField(label=_("Your user name"), max_length=150)
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    meaning = forms.ChoiceField(
        label=_("Meaning of your signature"),
        choices=SignatureMeaning.choices,
        initial=SignatureMeaning.APPROVED,
    )
    username2 = forms.CharField(label=_("Second inspector's user name"), max_length=150, required=False)
    password2 = forms.CharField(
        label=_("Second inspector's password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    meaning2 = forms.ChoiceField(
        label=_("Meaning of the second signature"),
        choices=SignatureMeaning.choices,
        initial=SignatureMeaning.REVIEWED,
        required=False,
    )

    def signature_requests(self) -> list[SignatureRequest]:
        data = self.cleaned_data
        requests = [
            SignatureRequest(username=data["username"], password=data["password"], meaning=data["meaning"])
        ]
        if data.get("username2") or data.get("password2"):
            requests.append(
                SignatureRequest(
                    username=data.get("username2") or "",
                    password=data.get("password2") or "",
                    meaning=data.get("meaning2") or SignatureMeaning.REVIEWED,
                )
            )
        return requests


class DispositionForm(DomainErrorsMixin, SignatureFields):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    rework_steps = forms.TypedMultipleChoiceField(
        label=_("Steps to rework"), required=False, coerce=int, choices=[]
    )
    repair_note = forms.CharField(
        label=_("Repair note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rtv_reference = forms.CharField(label=_("RTV reference"), required=False, max_length=100)
    split = forms.CharField(
        label=_("Split the lot's quantity"),
        required=False,
        max_length=500,
        help_text=_("Lot NCRs only, e.g. use_as_is=60, return_to_vendor=40"),
    )

    field_order = [
        "decision",
        "reason",
        "rework_steps",
        "repair_note",
        "rtv_reference",
        "split",
        "username",
        "password",
        "meaning",
        "username2",
        "password2",
        "meaning2",
    ]

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rework_steps"].choices = [
            (step.pk, "{}. {}".format(step.position, step.title)) for step in steps
        ]

    def clean_split(self) -> list[tuple[str, Decimal]]:
        text = (self.cleaned_data.get("split") or "").strip()
        if not text:
            return []
        lines = []
        for part in text.split(","):
            decision, _sep, quantity = part.strip().partition("=")
            try:
                lines.append((decision.strip(), Decimal(quantity.strip())))
            except ArithmeticError:
                raise forms.ValidationError(
                    _("Write each share as decision=quantity, separated by commas.")
                ) from None
        return lines


class CloseForm(DomainErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("What was verified"), widget=forms.Textarea(attrs={"rows": 2}))


class ContainedForm(DomainErrorsMixin, SignatureFields):
    units = forms.MultipleChoiceField(
        label=_("Contained units"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    decision = forms.ChoiceField(label=_("Decision for each"), choices=Decision.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    repair_note = forms.CharField(label=_("Repair note"), required=False)

    field_order = [
        "units",
        "decision",
        "reason",
        "repair_note",
        "username",
        "password",
        "meaning",
        "username2",
        "password2",
        "meaning2",
    ]

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(unit.serial, unit.serial) for unit in units]


class RaiseNcrForm(DomainErrorsMixin, forms.Form):
    unit = forms.CharField(label=_("Unit serial"), max_length=64, required=False)
    step = forms.IntegerField(label=_("Step id"), required=False, min_value=1)
    lot = forms.CharField(label=_("Lot"), max_length=64, required=False)
    contain = forms.BooleanField(
        label=_("Quarantine the lot and hold every unfinished unit that used it"), required=False
    )
    description = forms.CharField(label=_("What is wrong"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportProblemForm(DomainErrorsMixin, forms.Form):
    description = forms.CharField(
        label=_("What is wrong?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say in a few words what is wrong, then tap Report.")},
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
