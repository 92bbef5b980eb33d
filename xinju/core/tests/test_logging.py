import logging

from xinju.core.logging import RedactPiiFilter, redact

ID = "11010519491231002X"


def _capture(caplog, message, *args, exc=None):
    logger = logging.getLogger("xinju.test.pii")
    handler = caplog.handler
    handler.addFilter(RedactPiiFilter())
    try:
        if exc:
            try:
                raise exc
            except Exception:
                logger.exception(message, *args)
        else:
            logger.warning(message, *args)
    finally:
        handler.removeFilter(handler.filters[-1])
    return caplog.text


def test_id_numbers_and_mobiles_never_reach_the_log(caplog):
    text = _capture(caplog, "looked up %s with phone %s", ID, "13812345678")
    assert ID not in text and "13812345678" not in text
    assert "1101************2X" in text and "138****5678" in text


def test_personal_data_in_a_query_string_is_masked(caplog):
    text = _capture(caplog, '"GET /register/households/?q=%s HTTP/1.1" 200', "+8613812345678")
    assert "13812345678" not in text


def test_personal_data_in_a_traceback_is_masked(caplog):
    text = _capture(caplog, "import failed", exc=ValueError(f"bad row {ID}"))
    assert ID not in text
    assert "ValueError" in text


def test_other_numbers_are_left_alone():
    assert redact("58288 households, 2025-11-24, order 1234567890123") == (
        "58288 households, 2025-11-24, order 1234567890123"
    )
    assert redact(f"id={ID};") == "id=1101************2X;"
