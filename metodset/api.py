"""The REST API under /api/v1/: one NinjaAPI; each app adds its router here."""

from ninja import NinjaAPI

from metodset.accounts.api import router as accounts_router

api = NinjaAPI(
    title="Методсеть API",
    version="1",
    description="REST API платформы сетевого взаимодействия педагогов.",
    urls_namespace="api",
)
api.add_router("", accounts_router)
