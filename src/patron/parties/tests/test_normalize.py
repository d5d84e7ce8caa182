"""Normalised contact data: equal things compare equal, bad values are refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patron.parties.normalize import fold, normalize_email, normalize_phone, normalize_postcode


def test_email_is_trimmed_and_lower_cased():
    assert normalize_email("  Ann.Lee@Example.COM ") == "ann.lee@example.com"


@pytest.mark.parametrize("raw", ["", "ann", "ann@", "@example.com", "a b@example.com"])
def test_invalid_emails_are_refused(raw):
    with pytest.raises(ValueError):
        normalize_email(raw)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("07911 123456", "+447911123456"), ("+44 20 7946 0958", "+442079460958")],
)
def test_phones_become_e164(raw, e164):
    assert normalize_phone(raw) == e164


def test_phone_is_read_in_the_given_region():
    assert normalize_phone("(201) 555-0123", "US") == "+12015550123"


@pytest.mark.parametrize("raw", ["", "abc", "123", "+44 1"])
def test_invalid_phones_are_refused_with_the_value(raw):
    with pytest.raises(ValueError):
        normalize_phone(raw)


def test_fold_removes_accents_case_and_extra_spaces():
    assert fold("  Zoë   ÅBERG ") == "zoe aberg"


def test_postcode_is_upper_cased_and_single_spaced():
    assert normalize_postcode(" sw1a   1aa ") == "SW1A 1AA"


@given(st.text(max_size=60))
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)
