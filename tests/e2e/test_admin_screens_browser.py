"""The moderator's pages on real screens: the comment queue fits a 1280×800 laptop beside the
admin's navigation and filters, and "Reply as coach" and "Promote" fit a 390 px phone."""

import pytest
from django.core.management import call_command

from legs import services
from legs.models import Comment, Tip
from tests.e2e.test_accessibility import log_in, tip_with_comments
from tests.factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# How far past its box each thing reaches: the page past the window, the queue past its
# scroller, and every field past the window (0 when nothing sticks out).
OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth - window.innerWidth,
  queue: (r => r ? r.scrollWidth - r.clientWidth : 0)(document.querySelector('.results')),
  fields: Math.max(0, ...[...document.querySelectorAll('select, textarea, input')]
    .map(field => Math.ceil(field.getBoundingClientRect().right - window.innerWidth))),
})"""


@pytest.fixture
def moderator_page(page, live_server, catalogue):
    # The real canned replies: their long titles are what widened the select on a phone.
    call_command("loaddata", "fixtures/comments.json", verbosity=0)
    tip_with_comments()
    for tip in Tip.objects.all()[:6]:
        CommentFactory(
            tip=tip,
            name="Bartholomew-Fitzwilliam",
            body="After my long run on Sunday my calves felt like concrete until Wednesday.",
            report_count=2,
        )
    log_in(page, live_server, services.moderator_make(user=UserFactory()))
    return page


def overflow(page) -> dict[str, int]:
    return page.evaluate(OVERFLOW)


def test_the_comment_queue_fits_a_laptop_screen_with_every_column(moderator_page):
    page = moderator_page
    page.set_viewport_size(LAPTOP)
    page.goto("/admin/legs/comment/")
    assert overflow(page) == {"page": 0, "queue": 0, "fields": 0}
    headings = page.locator("#result_list thead th").all_inner_texts()
    for heading in ("TIP", "NAME", "COMMENT", "STATUS", "ANSWERED", "REPORTS", "CREATED"):
        assert heading in [text.strip() for text in headings]
    right = page.evaluate(
        "document.querySelector('#result_list th.column-created').getBoundingClientRect().right"
    )
    assert right <= page.evaluate(
        "document.querySelector('.results').getBoundingClientRect().right"
    )


@pytest.mark.parametrize("view", ["change", "reply", "promote"])
def test_reply_and_promote_fit_a_phone(moderator_page, view):
    page = moderator_page
    page.set_viewport_size(PHONE)
    question = Comment.objects.get(name="Priya")
    page.goto(f"/admin/legs/comment/{question.pk}/{view}/")
    assert overflow(page)["page"] == 0
    assert overflow(page)["fields"] == 0


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_promote_boxes_line_up_at_one_width(moderator_page, size):
    page = moderator_page
    page.set_viewport_size(size)
    page.goto(f"/admin/legs/comment/{Comment.objects.get(name='Priya').pk}/promote/")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('textarea')].map(box => {
            const edge = box.getBoundingClientRect();
            return [Math.round(edge.left), Math.round(edge.width)];
        })"""
    )
    assert len(boxes) == 2
    assert boxes[0] == boxes[1]
    content = page.evaluate("document.querySelector('#content-main').clientWidth")
    assert boxes[0][1] >= min(content * 0.8, 600)  # not the admin's narrow 310 px box
    assert overflow(page)["page"] == 0
