"""The viewer a shared member page is rendered with knows only its kind (forum.member_pages)."""

import pytest
from jinja2 import Environment

from forum.member_pages import KindOfViewer, PersonalPartInSharedPage


def test_a_shared_page_may_ask_whether_there_is_a_viewer_and_whether_they_are_an_admin():
    template = Environment().from_string("{% if user %}in{% endif %}{% if user.is_admin %} admin{% endif %}")
    assert template.render(user=KindOfViewer(False)) == "in"
    assert template.render(user=KindOfViewer(True)) == "in admin"


@pytest.mark.parametrize("expression", ["user.id", "user.display_name", "user.tier", "user.is_guru"])
def test_a_shared_page_that_reads_anything_personal_fails_loudly(expression):
    template = Environment().from_string("{{ " + expression + " }}")
    with pytest.raises(PersonalPartInSharedPage):
        template.render(user=KindOfViewer(False))
