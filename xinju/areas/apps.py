from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "xinju.areas"
    label = "areas"
    verbose_name = _("Register")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from xinju.core.permissions import can_read_audit

        from . import views
        from .tabs import EstateTab, register_tab

        register_tab(
            EstateTab("overview", _("Overview"), 0, "areas/tabs/overview.html", views.overview_tab)
        )
        register_tab(
            EstateTab(
                "buildings", _("Buildings"), 10, "areas/tabs/buildings.html", views.buildings_tab
            )
        )
        register_tab(
            EstateTab(
                "history",
                _("History"),
                900,
                "areas/tabs/history.html",
                views.history_tab,
                visible=lambda user, estate: can_read_audit(user),
            )
        )
