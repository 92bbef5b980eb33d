from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpropriationConfig(AppConfig):
    name = "xinju.expropriation"
    label = "expropriation"
    verbose_name = _("Shantytown expropriation")

    def ready(self) -> None:
        from xinju.renewal.eligibility import register_exclusion

        from .selectors import expropriation_exclusions

        register_exclusion(expropriation_exclusions)
