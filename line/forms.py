"""Forms of the line's screens: they parse input only; rules live in the services (DomainError)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from line.choices import HelpKind
from line.models import Station


class BadgeSignInForm(forms.Form):
    badge = forms.CharField(label=_("Badge"), max_length=64, strip=True)
    pin = forms.CharField(label=_("PIN"), max_length=32, required=False, strip=False)


class PasswordSignInForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), max_length=256, strip=False, widget=forms.PasswordInput)


class BindTabletForm(forms.Form):
    station = forms.ModelChoiceField(
        label=_("Station"), queryset=Station.objects.active(), to_field_name="code"
    )
    name = forms.CharField(
        label=_("Tablet name"),
        max_length=100,
        required=False,
        help_text=_("How people tell this tablet apart, e.g. 'Assembly 1, left'."),
    )


class RevokeTabletForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class StationScanForm(forms.Form):
    """A unit's serial scanned (or typed) at the station screen: start it, or open it."""

    barcode = forms.CharField(label=_("Serial"), max_length=300, strip=True)


class ScanForm(forms.Form):
    """Anything scanned on the step screen: a lot or serial, a tool, a gauge (raw text: the server parses)."""

    step = forms.IntegerField(widget=forms.HiddenInput)
    barcode = forms.CharField(label=_("Code"), max_length=300, strip=False)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, max_digits=14, decimal_places=4)

    def clean_barcode(self) -> str:
        # Keep GS (\x1d) and the scanner's own characters; only the terminating newline goes.
        return self.cleaned_data["barcode"].strip("\r\n")


class ResultForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    characteristic = forms.CharField(max_length=64)
    value = forms.CharField(label=_("Value"), max_length=40, required=False)
    passed = forms.TypedChoiceField(
        required=False,
        choices=[("true", _("Pass")), ("false", _("Fail"))],
        coerce=lambda value: value == "true",
        empty_value=None,
    )
    gauge = forms.CharField(label=_("Gauge"), max_length=64, required=False)
    # Fail holds the unit: the screen asks once, and only an answered question records it.
    confirmed = forms.BooleanField(required=False)


class SignOffForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    inspector_username = forms.CharField(label=_("Inspector's user name"), max_length=150, required=False)
    inspector_password = forms.CharField(
        label=_("Inspector's password"), max_length=256, required=False, strip=False
    )


class HelpForm(forms.Form):
    kind = forms.ChoiceField(choices=HelpKind.choices)
    unit = forms.CharField(max_length=64, required=False)
    step = forms.IntegerField(required=False)


class WorkOrderForm(forms.Form):
    """A new work order on the desk screen; the service decides what is allowed (invariants 1 and 2)."""

    number = forms.CharField(
        label=_("Number"), max_length=64, help_text=_("The ERP's order number, e.g. WO-24018.")
    )
    part_number = forms.CharField(
        label=_("Product (part number)"),
        max_length=64,
        widget=forms.TextInput(attrs={"list": "products", "autocomplete": "off"}),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    revision = forms.CharField(
        label=_("Revision"),
        max_length=16,
        required=False,
        help_text=_("Leave empty for the revision effective today."),
    )
    serials = forms.CharField(
        label=_("Serials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Leave empty to generate them; or one per line (or comma-separated), as many as the quantity."
        ),
    )

    def clean_serials(self) -> list[str] | None:
        text = self.cleaned_data.get("serials") or ""
        serials = [item.strip() for item in text.replace(",", "\n").splitlines() if item.strip()]
        return serials or None
