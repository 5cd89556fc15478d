"""Form conventions: every error names its field, so a message read alone still says what is wrong."""

from __future__ import annotations

from django import forms


class LabelledErrorsMixin:
    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors = getattr(self, "_errors", None)
        if not errors:
            return
        for name, messages in list(errors.items()):
            if name == forms.forms.NON_FIELD_ERRORS or name not in self.fields:  # type: ignore[attr-defined]
                continue
            label = str(self.fields[name].label or name)  # type: ignore[attr-defined]
            errors[name] = self.error_class(  # type: ignore[attr-defined]
                [m if m.startswith(label) else f"{label}：{m}" for m in messages]
            )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)  # type: ignore[arg-type]


class BootstrapMixin:
    """Bootstrap classes on every widget, and is-invalid on fields with errors."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[misc]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in getattr(self, "_errors", {}) or {}:
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"


class ZForm(BootstrapMixin, LabelledErrorsMixin, forms.Form):
    pass


class ZModelForm(BootstrapMixin, LabelledErrorsMixin, forms.ModelForm):
    pass


class VersionedFormMixin:
    """The edit form of a register record carries, hidden, the version the user opened it with
    (zugong.core.locking): a ModelForm takes it from its saved instance, another form from
    `version=`. A create form has none. An edit posted without one is refused, never saved
    unchecked."""

    def __init__(self, *args: object, version: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk is not None:
            version = instance.version
        if version is None:
            return
        self.fields["version"] = forms.IntegerField(  # type: ignore[attr-defined]
            label="版本号",
            widget=forms.HiddenInput,
            min_value=1,
            initial=version,
            error_messages={"required": "缺少打开表单时的记录版本，请重新打开表单后再修改。"},
        )

    @property
    def loaded_version(self) -> int | None:
        """The version the user opened the form with; None on a create form."""
        if "version" not in self.fields:  # type: ignore[attr-defined]
            return None
        return int(self.cleaned_data["version"])  # type: ignore[attr-defined]
