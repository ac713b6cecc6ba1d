"""The channel form: e-mail through an SMTP server, any Apprise URL, or the signed webhook."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.alerts.models import Channel
from vigil.alerts.transports.apprise_urls import smtp_fields, smtp_url

#: Which of the channel form's fields each kind uses (the page shows only those).
CHANNEL_FIELDS_BY_KIND = {
    "email": {
        "smtp_host",
        "smtp_port",
        "smtp_security",
        "smtp_user",
        "smtp_password",
        "mail_from",
        "mail_to",
        "to_recipients",
    },
    "apprise": {"urls", "to_recipients"},
    "webhook": {"url", "secret"},
}


class ChannelForm(forms.Form):
    """A channel: e-mail through an SMTP server (stored as an Apprise ``mailto`` URL, which
    the form writes), any Apprise URL, or Vigil's signed webhook."""

    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("email", _("E-mail (SMTP server)")),
            (
                "apprise",
                _("Apprise (e-mail, Slack, Teams, DingTalk, WeCom, Feishu, Telegram, ntfy …)"),
            ),
            ("webhook", _("Signed webhook (JSON)")),
        ],
    )
    smtp_host = forms.CharField(
        label=_("SMTP server"),
        required=False,
        max_length=255,
        help_text=_("e.g. smtp.exmail.qq.com, smtp.office365.com, or your own mail relay"),
    )
    smtp_port = forms.IntegerField(
        label=_("Port"),
        required=False,
        min_value=1,
        max_value=65535,
        help_text=_("Empty: the usual one (587 with STARTTLS, 465 with SSL, 25 without)"),
    )
    smtp_security = forms.ChoiceField(
        label=_("Encryption"),
        required=False,
        initial="starttls",
        choices=[
            ("starttls", "STARTTLS"),
            ("ssl", "SSL/TLS"),
            ("none", pgettext_lazy("encryption", "none")),
        ],
    )
    smtp_user = forms.CharField(
        label=_("User name"), required=False, max_length=255, help_text=_("Empty: no sign-in")
    )
    smtp_password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Empty when editing: the saved one is kept."),
    )
    mail_from = forms.CharField(
        label=pgettext_lazy("e-mail", "From"),
        required=False,
        max_length=255,
        help_text=_("The sender, e.g. Vigil <vigil@example.com>"),
    )
    mail_to = forms.CharField(
        label=pgettext_lazy("e-mail", "To"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One address per line (or commas), e.g. the PR team's mailbox."),
    )
    urls = forms.CharField(
        label=_("Apprise URLs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text=_(
            "One per line: mailto://user:pass@smtp.example.com, dingtalk://token (with 加签: dingtalk://secret@token), wecombot://key, feishu://token, slack://…, msteams://…, tgram://…, ntfy://…. A DingTalk, WeCom, Feishu or Lark robot's own webhook address can be pasted as it is."
        ),
    )
    to_recipients = forms.BooleanField(
        label=_("Send to each recipient's e-mail address"),
        required=False,
        help_text=_(
            "Personal: each person an alert or an escalation step names gets their own e-mail "
            "(the address on their profile). Unticked, every message goes to the addresses "
            "above (To, or those in the URLs)."
        ),
    )
    url = forms.URLField(label=_("Webhook URL"), required=False, assume_scheme="https")
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        help_text=_("Empty: a new channel gets a generated one, an existing one keeps its own."),
    )
    language = forms.ChoiceField(
        label=_("Language of messages"),
        required=False,
        help_text=_(
            "A team chat, a group mailbox or a webhook reads alerts in this language. Personal "
            "e-mails follow each person's own language; this one for people who chose none."
        ),
    )
    is_default = forms.BooleanField(
        label=_("Default channel"),
        required=False,
        # A zh trial's 警 flags and hand reports reached only the bell, and nothing said why.
        help_text=_(
            "Default channels carry the alerts of rules that tick no channel, every 警 flag "
            "and every hand report. Without one, those reach people in the app only."
        ),
    )

    paused = forms.BooleanField(
        label=_("Paused: send nothing on this channel"),
        required=False,
        # A zh trial's broken bot kept failing, with no way to stop it but deleting it.
        help_text=_(
            "For a broken bot or a test channel: its messages are not sent while it is paused, "
            "and its delivery log is kept. Untick to send again."
        ),
    )

    def __init__(self, *args: Any, saved_password: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved_password = saved_password  # kept when an edit leaves the field empty
        names = dict(settings.LANGUAGES)
        installation = names.get(settings.LANGUAGE_CODE, settings.LANGUAGE_CODE)
        self.fields["language"].choices = [
            ("", _("The installation's ({language})").format(language=installation)),
            *settings.LANGUAGES,
        ]

    @staticmethod
    def initial_for(channel: Channel) -> dict[str, Any]:
        """The form's fields for a saved channel; an e-mail channel the form wrote (one
        SMTP address) opens as such, its password not shown."""
        urls = channel.config.get("urls", [])
        initial = {
            "name": channel.name,
            "kind": channel.kind,
            "urls": "\n".join(urls),
            "to_recipients": channel.config.get("to_recipients", False),
            "url": channel.config.get("url", ""),
            "is_default": channel.is_default,
            "paused": not channel.is_active,
            "language": channel.language,
        }
        smtp = _smtp_of(channel)
        if smtp is not None:
            initial.update(smtp, kind="email", smtp_password="")
        return initial

    @staticmethod
    def saved_password_of(channel: Channel) -> str:
        smtp = _smtp_of(channel)
        return str(smtp["smtp_password"]) if smtp else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != "email":
            return data
        if not (data.get("smtp_host") or "").strip():
            self.add_error("smtp_host", _("Give the SMTP server's name or address."))
        if not (data.get("mail_from") or "").strip():
            self.add_error("mail_from", _("Give the sender's address."))
        if not data.get("to_recipients") and not _addresses(data.get("mail_to") or ""):
            self.add_error(
                "mail_to",
                _("Give at least one address, or tick “Send to each recipient's e-mail address”."),
            )
        return data

    def channel_kind(self) -> str:
        """The stored kind: an e-mail channel is an Apprise one."""
        kind = str(self.cleaned_data["kind"])
        return "apprise" if kind == "email" else kind

    def config(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["kind"] == "email":
            personal = bool(data.get("to_recipients"))
            url = smtp_url(
                host=data["smtp_host"].strip(),
                port=data.get("smtp_port"),
                security=data.get("smtp_security") or "starttls",
                user=(data.get("smtp_user") or "").strip(),
                password=data.get("smtp_password") or self.saved_password,
                sender=data["mail_from"].strip(),
                # A personal channel writes to each person; the list would be overridden.
                to=[] if personal else _addresses(data.get("mail_to") or ""),
            )
            return {"urls": [url], "to_recipients": personal}
        if data["kind"] == "webhook":
            config: dict[str, Any] = {"url": data.get("url") or ""}
            if data.get("secret"):
                config["secret"] = data["secret"]
            return config
        return {
            "urls": [u.strip() for u in (data.get("urls") or "").splitlines() if u.strip()],
            "to_recipients": bool(data.get("to_recipients")),
        }


def _smtp_of(channel: Channel) -> dict[str, Any] | None:
    """The e-mail form's fields of a channel the form wrote (one SMTP address), or None."""
    urls = channel.config.get("urls", []) if channel.kind == "apprise" else []
    return smtp_fields(urls[0]) if len(urls) == 1 else None


def _addresses(text: str) -> list[str]:
    return [a.strip() for a in re.split(r"[,;\s，；、]+", text) if a.strip()]
