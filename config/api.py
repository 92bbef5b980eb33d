"""The root of /api/v1: one NinjaAPI, each app adds its router."""

from ninja import NinjaAPI

from xinju.core.api import ActiveSessionAuth, TokenAuth, install_error_handlers

api = NinjaAPI(
    title="xinju API",
    version="1",
    description=(
        "Read the district register and the old-compound renewal programme (batches, "
        "projects, progress, figures) within your scope, and report construction progress. "
        "Authenticate with a bearer token (issued on your profile page) or your browser "
        "session. Errors are problem+json (RFC 9457). Objects outside your scope answer 404, "
        "exactly like missing ones."
    ),
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api-1",
    docs_url="/docs",
)
install_error_handlers(api)

api.add_router("/", "xinju.accounts.api.router")
api.add_router("/register/", "xinju.areas.api.router")
api.add_router("/renewal/", "xinju.renewal.api.router")
api.add_router("/cockpit/", "xinju.cockpit.api.router")
