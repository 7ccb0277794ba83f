"""Forms of the engineer screens: they parse input; rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from instructions.models import Revision

RELEASE_TYPES = {"json": "application/json", "zip": "application/zip"}


class DraftUploadForm(forms.Form):
    """A release document (JSON or ZIP bundle) to store as a draft and preview before release."""

    document = forms.FileField(
        label=_("Release document"),
        help_text=_("A threadline.mbom-release/1 document (.json) or its bundle (.zip)."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_document(self):
        upload = self.cleaned_data["document"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in RELEASE_TYPES:
            raise forms.ValidationError(
                _("Choose a .json release document or a .zip bundle; {name} is neither.").format(
                    name=upload.name
                )
            )
        return upload

    @property
    def content_type(self) -> str:
        upload = self.cleaned_data["document"]
        return RELEASE_TYPES[upload.name.rsplit(".", 1)[-1].lower()]


class CompareForm(forms.Form):
    """Two revisions of one product: the older one and the newer one."""

    old = forms.ModelChoiceField(queryset=Revision.objects.none(), label=_("From revision"))
    new = forms.ModelChoiceField(queryset=Revision.objects.none(), label=_("To revision"))

    def __init__(self, *args, revisions: list[Revision], **kwargs):
        super().__init__(*args, **kwargs)
        by_id = {revision.pk: revision for revision in revisions}
        for name in ("old", "new"):
            field = self.fields[name]
            if not isinstance(field, forms.ModelChoiceField):  # declared above
                raise TypeError("CompareForm.{} must be a ModelChoiceField.".format(name))
            field.queryset = Revision.objects.filter(pk__in=by_id)
            field.choices = [("", "—")] + [
                (
                    revision.pk,
                    "{} rev {} · {} · {}".format(
                        revision.product.part_number,
                        revision.revision,
                        revision.release_id,
                        revision.get_status_display(),
                    ),
                )
                for revision in revisions
            ]
        self._by_id = by_id

    def clean(self):
        cleaned = super().clean()
        old, new = cleaned.get("old"), cleaned.get("new")
        if old and new:
            if old.pk == new.pk:
                raise forms.ValidationError(_("Choose two different revisions."), code="same_revision")
            if self._by_id[old.pk].product.part_number != self._by_id[new.pk].product.part_number:
                raise forms.ValidationError(
                    _(
                        "Choose two revisions of the same product: {old} and {new} are different products."
                    ).format(
                        old=self._by_id[old.pk].product.part_number,
                        new=self._by_id[new.pk].product.part_number,
                    ),
                    code="different_products",
                )
        return cleaned
