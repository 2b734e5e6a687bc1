"""A category page's rows come from `forum.web.thread_row`, which keeps each row as rendered: every row is
exactly what the template wrote for it before rows were kept, in each language, and a thread whose shown
values changed (a reply, a new last author, an edited title, a duplicate mark, a renamed member) gets its
new row, never the kept one."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple

import pytest

from forum.app import jinja_environment
from forum.i18n import current_locale
from forum.web import thread_row

Row = namedtuple("Row", "id title duplicate_of_id starter reply_count last_activity_at last_author")
AT = dt.datetime(2026, 12, 3, 11, 5, tzinfo=dt.timezone.utc)

# The rows as category.html wrote them in the template itself (trim_blocks and lstrip_blocks as the app's).
TEMPLATE_ROWS = """{% set by = _("by") %}
{% for t in rows %}
    <tr><td><a href="/t/{{ t.id }}">{{ t.title }}</a>{% if t.duplicate_of_id %} <span class="tag">{{ _("duplicate") }}</span>{% endif %}
        <div class="by">{{ by }} {{ t.starter }}</div></td>
        <td class="num" data-label="{{ _('Replies') }}">{{ t.reply_count }}</td>
        <td>{{ format_time(t.last_activity_at) }}{% if t.last_author %}<div class="by">{{ t.last_author }}</div>{% endif %}</td></tr>
{% endfor %}"""
KEPT_ROWS = """{% for t in rows %}
    {{ thread_row(t) }}
{% endfor %}"""

ROWS = [
    Row(1, "ยางรั่ว <b>ซึม</b> & ลมอ่อน", None, "สมาชิก \"หนึ่ง\"", 0, AT, None),
    Row(1, "ยางรั่ว <b>ซึม</b> & ลมอ่อน", None, "สมาชิก \"หนึ่ง\"", 1, AT + dt.timedelta(minutes=3), "Member <Two>"),
    Row(1, "ยางรั่วซึม (แก้ชื่อ)", None, "สมาชิก \"หนึ่ง\"", 1, AT + dt.timedelta(minutes=3), "Member <Two>"),
    Row(1, "ยางรั่วซึม (แก้ชื่อ)", 7, "สมาชิก \"หนึ่ง\"", 1, AT + dt.timedelta(minutes=3), "Member <Two>"),
    Row(1, "ยางรั่วซึม (แก้ชื่อ)", 7, "ชื่อใหม่", 1, AT + dt.timedelta(minutes=3), "Member <Two>"),
    Row(2, "Aircon not cold", None, "Guru One", 12, AT, "Guru One"),
]


@pytest.mark.parametrize("locale", ["th", "en"])
def test_kept_rows_are_what_the_template_wrote_and_change_with_their_thread(locale):
    env = jinja_environment()
    token = current_locale.set(locale)
    try:
        for _ in range(2):  # rendered, then kept
            for row in ROWS:
                expected = env.from_string(TEMPLATE_ROWS).render(rows=[row])
                assert env.from_string(KEPT_ROWS).render(rows=[row]) == expected
        assert len({str(thread_row(row)) for row in ROWS}) == len(ROWS)  # every change shows
    finally:
        current_locale.reset(token)


def test_a_row_is_kept_per_language():
    row = ROWS[3]
    token = current_locale.set("en")
    try:
        english = str(thread_row(row))
    finally:
        current_locale.reset(token)
    token = current_locale.set("th")
    try:
        thai = str(thread_row(row))
    finally:
        current_locale.reset(token)
    assert "duplicate" in english and english != thai
