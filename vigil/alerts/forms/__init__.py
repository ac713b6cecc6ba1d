"""Forms of the alert screens: one rule form whose condition fields depend on the kind
(``rules``), a channel form per transport kind (``channels``), the hand-made report and the
警 flag (``reports``)."""

from vigil.alerts.forms.channels import CHANNEL_FIELDS_BY_KIND, ChannelForm
from vigil.alerts.forms.reports import FlagForm, ReportForm
from vigil.alerts.forms.rules import RuleForm, level_choices

__all__ = [
    "CHANNEL_FIELDS_BY_KIND",
    "ChannelForm",
    "FlagForm",
    "ReportForm",
    "RuleForm",
    "level_choices",
]
