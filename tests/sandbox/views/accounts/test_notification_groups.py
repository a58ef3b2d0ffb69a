"""The notifications page groups by case (title and filing number; the rest under "Other"), marks
everything read in one POST, and the bell names the unread count; the API twin does the same."""

from __future__ import annotations

import re

from sqlmodel import select

from sandbox.models.notifications import Notification
from sandbox.services.common import notifications
from tests import factories
from tests.case_flow import token

OPINION = "The legal opinion on the exemption request for “%(title)s” is on file."
VOUCHER = "An innovation service voucher of %(amount)s yuan was issued, valid until %(expires)s."


def arrange(session, user, filing_number: str = "JKQ-2026-0007"):
    first = factories.make_case(session, user, title="第一个项目")
    second = factories.make_case(session, user, title="第二个项目")
    first.filing_number = filing_number
    session.add(first)
    for case in (first, second, first):
        params = {"title": case.title}
        notifications.notify(session, recipients=[user], kind="t", msgid=OPINION, params=params, case=case)
    notifications.notify(session, recipients=[user], kind="t", msgid=VOUCHER,
                         params={"amount": "100,000.00", "expires": "2027-12-31"})  # fmt: skip
    session.commit()


def unread(session, user) -> int:
    session.expire_all()
    return notifications.unread_count(session, user=user)


def test_the_page_groups_by_case_and_marks_all_read(client, session, login_as) -> None:
    user = login_as("applicant")
    stranger = factories.make_user(session, "applicant")
    arrange(session, user)
    arrange(session, stranger, "JKQ-2026-0008")
    page = client.get("/notifications").get_data(as_text=True)
    headings = re.findall(r"<h2 id=\"group-\d+\">(.*?)</h2>", page)
    assert [re.sub(r"<[^>]+>", "", h).strip() for h in headings] == [
        "第一个项目 JKQ-2026-0007",
        "第二个项目",
        "其他",
    ]
    assert page.count('<li class="unread">') == 4
    assert 'aria-label="通知（4 条未读）"' in page
    assert 'action="/notifications/read-all"' in page and 'name="csrf_token"' in page

    done = client.post("/notifications/read-all", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "已将 4 条通知标为已读。" in text
    assert unread(session, user) == 0 and unread(session, stranger) == 4  # only one's own
    assert 'aria-label="通知"' in text and "全部标为已读" not in text


def test_read_all_needs_a_signed_in_user_and_the_api_twin_answers_counts(client, session) -> None:
    assert client.post("/notifications/read-all").status_code == 302  # to the sign-in page
    user = factories.make_user(session, "regulator")
    arrange(session, factories.make_user(session, "applicant"), "JKQ-2026-0009")
    notifications.notify(session, recipients=[user], kind="t", msgid=VOUCHER,
                         params={"amount": "1.00", "expires": "2027-01-01"})  # fmt: skip
    session.commit()
    headers = token(client, user)
    answer = client.post("/api/v1/notifications/read-all", headers=headers)
    assert answer.status_code == 200 and answer.get_json() == {"marked": 1, "unread": 0}
    again = client.post("/api/v1/notifications/read-all", headers=headers)
    assert again.get_json() == {"marked": 0, "unread": 0}
    assert client.post("/api/v1/notifications/read-all").status_code == 401
    read = session.exec(select(Notification).where(Notification.user_id == user.id)).all()
    assert all(row.read_at is not None for row in read)


def test_the_bell_names_the_unread_count_in_english(client, session, login_as) -> None:
    user = login_as("applicant")
    arrange(session, user, "JKQ-2026-0010")
    assert client.post("/language", data={"locale": "en", "next": "/notifications"}).status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    assert 'aria-label="Notifications (4 unread)"' in page and ">Other</h2>" in page
    assert ">Mark all as read</button>" in page
