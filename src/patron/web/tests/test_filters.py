"""Template filters of the staff pages."""

from __future__ import annotations

from patron.web.templatetags.patron import phone, soft_breaks


def test_phone_shows_an_e164_number_the_way_people_write_it() -> None:
    assert phone("+442079460018") == "+44 20 7946 0018"
    assert phone("+12025550123") == "+1 202-555-0123"
    assert phone("+33612345678") == "+33 6 12 34 56 78"
    assert phone("+390612345678") == "+39 06 1234 5678"


def test_phone_leaves_text_that_is_not_a_number_alone() -> None:
    assert phone("call reception") == "call reception"
    assert phone("") == ""


def test_soft_breaks_escapes_and_lets_addresses_wrap_at_their_parts() -> None:
    assert soft_breaks("a<b>@example.com") == "a&lt;b&gt;@<wbr>example<wbr>.com"
