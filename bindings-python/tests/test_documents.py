"""Ledger and book documents that cannot lie, and seals that detect any edit."""

import datetime as dt
import json
from decimal import Decimal

import pytest

import estatekit

KEY = b"property office key, 32 bytes ok"


def _ledger() -> estatekit.Ledger:
    """Two management fees with a penalty clause, two payments, a waiver."""
    l = estatekit.Ledger("1-101", order="penalty_first")
    pen = estatekit.PenaltyPolicy(Decimal("0.0005"))
    l.add_charge("2026-09/management", "management", dt.date(2026, 9, 15), Decimal("331.15"),
                 on=dt.date(2026, 9, 1), penalty=pen)
    l.add_charge("2026-10/management", "management", dt.date(2026, 10, 15), Decimal("331.15"),
                 on=dt.date(2026, 10, 1), penalty=pen)
    l.pay("R1", Decimal("400.00"), dt.date(2026, 10, 15))
    l.waive("2026-10/management", reason="goodwill", date=dt.date(2026, 10, 20))
    l.add_charge("2026-11/garbage", "garbage", dt.date(2026, 11, 15), Decimal("15.00"), on=dt.date(2026, 11, 1))
    l.pay("R2", Decimal("400.00"), dt.date(2026, 11, 10))
    return l


def test_a_figure_that_contradicts_the_history_is_refused_naming_it() -> None:
    l = _ledger()
    assert l.prepaid == Decimal("114.93")
    doc = json.loads(l.to_json())
    doc["payments"][0]["applied"][1]["principal"] = "13.88"   # the split no longer adds up
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.Ledger.from_json(json.dumps(doc))
    assert (e.value.code, e.value.path) == ("inconsistent_document", "payments[0].applied[1].principal")
    assert '"63.88"' in str(e.value)


def test_a_document_of_the_earlier_format_is_rebuilt_not_trusted() -> None:
    l = _ledger()
    doc = json.loads(l.to_json())
    del doc["format_version"]
    doc["prepaid"] = "614.93"
    back = estatekit.Ledger.from_json(json.dumps(doc))
    assert back.prepaid == Decimal("114.93")
    assert back.to_json() == l.to_json()


def test_a_sealed_ledger_round_trips_and_any_one_byte_edit_is_detected() -> None:
    l = _ledger()
    sealed = estatekit.seal(l.to_json(), KEY)
    assert estatekit.Ledger.from_json(estatekit.unseal(sealed, KEY)).to_json() == l.to_json()
    # Re-indented, still valid: the seal covers the canonical JSON.
    assert estatekit.unseal(json.dumps(json.loads(sealed), indent=4), KEY) == estatekit.unseal(sealed, KEY)
    end = sealed.index('"hmac_sha256"')
    edited = [i for i, c in enumerate(sealed[:end]) if c.isdigit()]
    assert len(edited) > 100
    for i in edited:
        c = sealed[i]
        tampered = sealed[:i] + ("0" if c == "9" else chr(ord(c) + 1)) + sealed[i + 1:]
        with pytest.raises(estatekit.ValidationError) as e:
            estatekit.unseal(tampered, KEY)
        assert (e.value.code, e.value.path) == ("seal_mismatch", "hmac_sha256")
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.unseal(sealed, b"the key of another office")
    assert e.value.code == "seal_mismatch"
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.seal(l.to_json(), b"short")
    assert (e.value.code, e.value.path) == ("key_too_short", "key")


def test_a_sealed_book_round_trips() -> None:
    estate, schedule = estatekit.Estate.demo(), estatekit.FeeSchedule.demo()
    book = estatekit.Receivables(estate, schedule)
    book.apply_payments([{"unit_id": "1-101", "amount": Decimal("100.00"), "date": dt.date(2026, 11, 5), "ref": "B-1"}])
    sealed = estatekit.seal(book.to_json(), KEY)
    back = estatekit.Receivables.from_json(estatekit.unseal(sealed, KEY), estate, schedule)
    assert back.to_json() == book.to_json()
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.unseal(sealed.replace('"100.00"', '"900.00"'), KEY)
    assert e.value.code == "seal_mismatch"
