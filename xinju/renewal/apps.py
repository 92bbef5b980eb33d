from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenewalConfig(AppConfig):
    name = "xinju.renewal"
    label = "renewal"
    verbose_name = _("Renewal programme")

    def ready(self) -> None:
        from xinju.areas.tabs import EstateTab, register_tab

        from . import scoping, views

        scoping.register()
        register_tab(
            EstateTab("renewal", _("Renewal"), 20, "renewal/tabs/renewal.html", views.renewal_tab)
        )
