"""The API's contract: the OpenAPI document must match the committed snapshot.

When an endpoint changes on purpose, regenerate the snapshot and review the difference:
    XINJU_UPDATE_SNAPSHOT=1 .venv/bin/pytest tests/test_openapi.py
"""

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parent.parent / "docs" / "api" / "openapi.json"


def test_openapi_matches_the_snapshot():
    from config.api import api

    current = (
        json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    )
    if os.environ.get("XINJU_UPDATE_SNAPSHOT") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert current == SNAPSHOT.read_text(encoding="utf-8"), (
        "the API changed: see the module docstring"
    )


def test_the_docs_page_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "xinju API"
