from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pixiodoc.accounts.selectors import members_for
from sharing.selectors import share_links_for


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


def _when(label, **extra):
    return forms.DateTimeField(
        label=label, widget=DateTimeInput(format="%Y-%m-%dT%H:%M"), **extra
    )


class BreachScopeForm(forms.Form):
    """A member, a share link or neither (every access), within a time window."""

    subject = forms.ModelChoiceField(
        label=_("Member account"),
        queryset=None,
        required=False,
        empty_label=_("(any)"),
    )
    link = forms.ModelChoiceField(
        label=_("Share link"), queryset=None, required=False, empty_label=_("(any)")
    )
    start = _when(_("From"))
    end = _when(_("To"))
    aware_at = _when(
        _("Practice became aware at"),
        help_text=_("The 72 hours to notify the supervisory authority run from here."),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = members_for(member=member)
        self.fields["subject"].label_from_instance = lambda m: (
            f"{m.user.display_name} ({m.get_role_display()})"
        )
        self.fields["link"].queryset = share_links_for(member=member)
        self.fields["link"].label_from_instance = lambda link: (
            gettext("Link of %(when)s to %(name)s")
            % {
                "when": formats.date_format(
                    timezone.localtime(link.created_at), "DATETIME_FORMAT"
                ),
                "name": link.recipient_name,
            }
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError(gettext("The window must end after it starts."))
        if data.get("subject") and data.get("link"):
            raise forms.ValidationError(
                gettext("Choose a member or a share link, not both.")
            )
        return data
