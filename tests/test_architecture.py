"""The house rules of DESIGN.md, checked on the code itself."""

import ast
import inspect
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_APPS = ["areas", "people", "orgs", "accounts", "core"]


def _files(name: str) -> list[Path]:
    return sorted((ROOT / "xinju").glob(f"*/{name}"))


@pytest.mark.parametrize(
    "path", _files("views.py") + _files("api.py"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_views_and_endpoints_never_read_models_directly(path):
    """Rule 3: a view or endpoint reads through selectors / visible_to, never .objects."""
    tree = ast.parse(path.read_text())
    offending = [
        f"{path.name}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    offending += [
        f"{path.name}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == "get_object_or_404"
    ]
    assert not offending, offending


def test_every_domain_model_can_be_scoped():
    """Every queryset of a domain model has visible_to(user)."""
    exempt = {"Owner"}  # reached only through its title (Ownership.visible_to)
    missing = [
        model.__name__
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        if model.__name__ not in exempt and not hasattr(model._default_manager, "visible_to")
    ]
    assert not missing, missing


def _services():
    for path in _files("services.py"):
        module = __import__(f"xinju.{path.parent.name}.services", fromlist=["x"])
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                yield module.__name__, name, fn


# Background work that commits progress as it goes, outside one transaction (their
# docstrings say so), and bookkeeping that is not a domain write.
OWN_TRANSACTIONS = {
    ("xinju.areas.services", "run_import"),
    ("xinju.areas.services", "run_export"),
    ("xinju.areas.services", "prune_exports"),
    ("xinju.areas.services", "request_export"),
    ("xinju.areas.services", "expire_stale_jobs"),
    ("xinju.accounts.services", "authenticate_token"),
}


@pytest.mark.parametrize(
    ("module", "name", "fn"), list(_services()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_service_is_atomic_and_keyword_only(module, name, fn):
    """Rule 1: typed, keyword-only, in one transaction."""
    params = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
    if (module, name) not in OWN_TRANSACTIONS:
        assert (
            hasattr(fn, "__wrapped__") or "atomic" in inspect.getsource(fn).split("def ", 1)[0]
        ), name
        assert all(p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in params), name
    assert fn.__doc__ or name.startswith(("update_", "revoke_", "save_")), (
        f"{name} needs a docstring"
    )


def test_no_floats_for_money_areas_or_shares():
    """Decimal fields only: a FloatField anywhere in the models is a mistake."""
    from django.db import models

    floats = [
        f"{m.__name__}.{f.name}"
        for m in apps.get_models()
        if m._meta.app_label in DOMAIN_APPS
        for f in m._meta.get_fields()
        if isinstance(f, models.FloatField)
    ]
    assert not floats


def test_nothing_logs_personal_data_directly():
    """Log calls must not format ID numbers or phones; the filter is the last line of defence."""
    pattern_words = ("id_number", "phone")
    offenders = []
    for path in (ROOT / "xinju").rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"debug", "info", "warning", "error", "exception", "critical"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "logger"
            ):
                source = ast.unparse(node)
                if any(w in source for w in pattern_words):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, offenders
