"""What `make bench` measures: the data set it builds and the pages it requests.

Kept apart from the runner so a new page is one line here. The data set has two sizes and every
page is requested at both, so a query count that grows with the data shows as a difference:

- small: the content fixtures, a coach, two diary members with one week each (one finished
  After-your-run checklist apiece, and everything else a dashboard can show at once: two tips
  being tried, imported runs waiting for their effort, an import running) and a few comments on
  the benchmark tip;
- large: the same grown to 2,000 members, 300 approved comments on the benchmark tip (replies
  and a coach's reply among them), 5,000 comments in all for the moderators' list (approved,
  waiting, spam and reported, on every tip), and five years of daily runs and check-ins (with a
  weekly checklist) for the "long diary" member. The "week" member keeps their single week.

So "dashboard (long diary)" is one member's dashboard measured at one week (small) and at five
years (large): "the same count at both sizes" is checked on the page whose data grows, and its
server time at the large size is compared with the one-week member's. The other diary pages are
the long diary's too, for the same reason. The coach is a moderator: the comment list of the
admin is measured as them.

Each page has a kind, and the runner (tests/bench/run.py) gives each kind its budgets:
``visitor`` (public pages, served from the page cache), ``member`` (a member's own pages, never
cached whole) and ``moderation`` (the admin's comment list).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

BENCH_TIP = "warm-up-for-ten-minutes"
BENCH_CAUSE = "lactic-acid"
TROUBLESHOOTER = "heavy-legs"
CHECKLISTS = ("before-your-run", "during-your-run", "after-your-run")
WEEK_MEMBER = "bench-week"
LONG_MEMBER = "bench-years"
COACH = "bench-coach"
MEMBERS = 2_000
TIP_COMMENTS = 300
MODERATION_COMMENTS = 5_000  # every comment, at the large size: what the moderators' list pages
SMALL_MODERATION_COMMENTS = 20
SMALL_DAYS = 7
LARGE_DAYS = 5 * 365 + 1


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    member: str | None = None  # the username to log in as, or a visitor
    kind: str = "visitor"  # "visitor", "member" or "moderation": which budgets apply
    # Brings a fresh client to the state the page needs (a visitor's troubleshooter answers
    # kept in their session); the runner sends the resulting session cookie with wrk too.
    prepare: Callable | None = None


def member_page(name: str, path: str, username: str = LONG_MEMBER) -> Page:
    return Page(name, path, username, kind="member")


def pages() -> list[Page]:
    """Public pages as a first-time visitor, members' pages as their members, the moderators'
    comment list as the coach."""
    question, answers = _troubleshooter_route()
    return [
        Page("home", "/"),
        Page("tips list", "/tips/"),
        Page(f"tip, {TIP_COMMENTS} comments at large", f"/tips/{BENCH_TIP}/"),
        Page("cause", f"/causes/{BENCH_CAUSE}/"),
        Page("Q&A", "/asked/"),
        *(Page(f"checklist: {slug}", f"/checklists/{slug}/") for slug in CHECKLISTS),
        Page("troubleshooter: start", f"/checklists/{TROUBLESHOOTER}/"),
        # A visitor half way through: their answers live in their session, so no cached page.
        Page(
            "troubleshooter: question 2 (session)",
            f"/checklists/{TROUBLESHOOTER}/?q={question}",
            prepare=_answering(answers[:1]),
        ),
        Page(
            "troubleshooter: result (session)",
            f"/checklists/{TROUBLESHOOTER}/result/",
            prepare=_answering(answers),
        ),
        member_page("dashboard (1 week)", "/diary/", WEEK_MEMBER),
        member_page("dashboard (long diary)", "/diary/"),
        member_page("run list (long diary)", "/diary/runs/"),
        member_page("check-in list (long diary)", "/diary/checkins/"),
        member_page("calendar (long diary)", "/diary/calendar/"),
        member_page("totals (long diary)", "/diary/totals/"),
        member_page("experiments (long diary)", "/diary/experiments/"),
        member_page("import page (long diary)", "/diary/import/"),
        member_page("tip as member", f"/tips/{BENCH_TIP}/", WEEK_MEMBER),
        member_page("checklist as member (long diary)", "/checklists/after-your-run/"),
        member_page("saved tips", "/tips/saved/"),
        member_page("profile", "/accounts/profile/"),
        Page(
            f"moderation: comment list ({MODERATION_COMMENTS:,} at large)",
            "/admin/legs/comment/",
            COACH,
            kind="moderation",
        ),
    ]


def _troubleshooter_route() -> tuple[str, list[tuple[str, int]]]:
    """The troubleshooter walked from its first question by always taking the first answer:
    the slug of the second question, and every (question slug, answer id) up to the result."""
    from legs.models import Checklist
    from legs.troubleshooter import Troubleshooter

    tree = Troubleshooter(Checklist.objects.get(slug=TROUBLESHOOTER))
    route: list[tuple[str, int]] = []
    question = tree.start
    for _ in range(len(tree.questions)):  # a path never asks a question twice
        answer = question.answers.all()[0]
        route.append((question.slug, answer.pk))
        if answer.ends:
            break
        question = tree.by_pk[answer.next_question_id]
    return route[1][0], route


def _answering(route: list[tuple[str, int]]) -> Callable:
    def prepare(client) -> None:
        for question, answer in route:
            response = client.post(
                f"/checklists/{TROUBLESHOOTER}/answer/", {"question": question, "answer": answer}
            )
            if response.status_code != 302:
                raise RuntimeError(f"troubleshooter answer {answer} got {response.status_code}")

    return prepare


def _fill_diary(member, days: range) -> None:
    """Daily runs and check-ins for the given days back from today (0 is today)."""
    from legs.diary_cache import bump_diary
    from legs.models import CheckIn, Run
    from legs.models.diary import member_today

    today = member_today(member)
    Run.objects.bulk_create(
        Run(
            user=member,
            date=today - timedelta(days=n),
            distance_km=Decimal(5 + n % 7),
            duration=timedelta(minutes=30 + n % 20),
            kind="long" if n % 7 == 0 else "easy",
            rpe=3 + n % 5,
            leg_heaviness=n % 9,
            warm_up_minutes=10 * (n % 2),
            notes="Easy along the river." if n % 3 == 0 else "",
        )
        for n in days
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            user=member,
            date=today - timedelta(days=n),
            sleep_hours=Decimal(6 + n % 3),
            leg_heaviness=n % 8,
            soreness=3,
            fatigue=3,
            stress=3,
            rest_day=n % 7 == 3,
        )
        for n in days
    )
    bump_diary(member)  # bulk writes send no signals: what the dashboard cached is retired


def _checklist_runs(member, days: range) -> None:
    """A finished After-your-run checklist every seventh of the given days, two steps ticked."""
    from django.utils import timezone

    from legs.models import Checklist, ChecklistRun, ChecklistRunStep
    from legs.models.diary import member_today, member_zone

    checklist = Checklist.objects.get(slug="after-your-run")
    steps = list(checklist.steps.all()[:2])
    today = member_today(member)
    zone = member_zone(member)
    starts = [
        timezone.make_aware(datetime.combine(today - timedelta(days=n), time(18)), zone)
        for n in days
        if n % 7 == 0
    ]
    # SQLite and PostgreSQL return the new ids from a bulk insert, so ticks can point at them.
    runs = ChecklistRun.objects.bulk_create(
        ChecklistRun(
            user=member, checklist=checklist, started=start, finished=start + timedelta(minutes=10)
        )
        for start in starts
    )
    ChecklistRunStep.objects.bulk_create(
        ChecklistRunStep(run=run, step=step, ticked_at=run.started)
        for run in runs
        for step in steps
    )


def _busy_dashboard(member) -> None:
    """Two tips being tried, three imported runs of today waiting for their effort and
    heaviness, and an import running: all a dashboard shows at once."""
    from legs.models import Import, ImportStatus, Run, Tip, Trial
    from legs.models.diary import member_today

    today = member_today(member)
    for slug in (BENCH_TIP, "get-enough-sleep"):
        Trial(user=member, tip=Tip.objects.get(slug=slug), start=today, length_days=14).save()
    Run.objects.bulk_create(
        Run(
            user=member,
            date=today,
            distance_km=Decimal(8),
            duration=timedelta(minutes=45),
            source="fit",
            source_id=f"bench-{n}",
        )
        for n in range(3)
    )
    Import.objects.create(user=member, status=ImportStatus.RUNNING)


def _comments(tip, count: int, *, start: int, coach) -> None:
    """`count` approved comments on `tip`: top-level ones, every fourth a reply to the one
    before it, and the first top-level one answered by the coach."""
    from django.utils import timezone

    from legs.models import Comment, Status

    now = timezone.now()
    parents: list = []
    for n in range(start, start + count):
        created = now - timedelta(hours=2 * (start + count - n))
        if n % 4 == 3 and parents:
            Comment.objects.create(
                tip=tip,
                parent=parents[-1],
                name=f"Reader {n}",
                body=f"Same here, reply number {n}.\nIt eased after a week of easy runs.",
                status=Status.APPROVED,
                created=created,
            )
        else:
            parents.append(
                Comment.objects.create(
                    tip=tip,
                    name=f"Reader {n}",
                    email=f"reader{n}@example.com",
                    body=f"Comment number {n}: my legs feel heavy on the first mile.\nWhy?",
                    status=Status.APPROVED,
                    created=created,
                )
            )
    if start == 0:
        Comment.objects.create(
            tip=tip,
            parent=parents[0],
            user=coach,
            name=coach.public_name,
            body="Give it ten minutes of easy jogging first; the heaviness usually lifts.",
            status=Status.APPROVED,
            by_coach=True,
            created=now,
        )


def _moderation_queue(count: int) -> None:
    """`count` more comments for the moderators' list, on every published tip, as a queue
    holds them: most approved, some waiting (with why), some spam, a few hidden by reports."""
    from django.utils import timezone

    from legs.models import Comment, Status, Tip
    from legs.models.comments import HeldReason, email_hash, ip_hash

    tips = list(Tip.objects.published())
    now = timezone.now()
    start = Comment.objects.count()
    shapes = [
        {"status": Status.APPROVED},
        {"status": Status.APPROVED},
        {"status": Status.APPROVED},
        {"status": Status.PENDING, "held_because": HeldReason.FIRST},
        {"status": Status.PENDING, "held_because": f"{HeldReason.FIRST} {HeldReason.LINKS}"},
        {"status": Status.SPAM, "held_because": HeldReason.WORD},
        {"status": Status.APPROVED, "hidden": True, "report_count": 3, "report_weight": 3},
    ]
    Comment.objects.bulk_create(
        Comment(
            tip=tips[n % len(tips)],
            name=f"Queue reader {n}",
            email=f"queue{n % 500}@example.com",
            email_hash=email_hash(f"queue{n % 500}@example.com"),
            ip_hash=ip_hash(f"192.0.2.{n % 250}"),
            body=f"Queue comment {n}: heavy legs on every hill this week, is that the iron?",
            created=now - timedelta(minutes=17 * n),
            **shapes[n % len(shapes)],
        )
        for n in range(start, start + count)
    )


def build_small() -> None:
    """The content fixtures (already loaded), a coach who moderates, the two diary members with
    one week each, one finished checklist and two saved tips apiece, five comments on the
    benchmark tip and a short moderation queue."""
    from accounts.models import User
    from legs import services
    from legs.models import SavedTip, Tip

    coach = User.objects.create_user(COACH, f"{COACH}@example.com")
    services.moderator_make(user=coach)
    for username in (WEEK_MEMBER, LONG_MEMBER):
        member = User.objects.create_user(username, f"{username}@example.com")
        _fill_diary(member, range(SMALL_DAYS))
        _checklist_runs(member, range(SMALL_DAYS))
        _busy_dashboard(member)
        for slug in (BENCH_TIP, "get-enough-sleep"):
            SavedTip.objects.create(user=member, tip=Tip.objects.get(slug=slug))
    _comments(Tip.objects.get(slug=BENCH_TIP), 4, start=0, coach=coach)
    _moderation_queue(SMALL_MODERATION_COMMENTS)


def build_large() -> None:
    """Grow the small data set: 2,000 members, 300 approved comments on the benchmark tip,
    5,000 comments in all, five years of diary (and a weekly checklist) for the long-diary
    member."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import User
    from legs.models import Comment, Tip

    with transaction.atomic():
        password = make_password("bench-members-share-one-hash")  # hashing 2,000 takes minutes
        existing = User.objects.count()
        User.objects.bulk_create(
            User(
                username=f"member{n}",
                email=f"member{n}@example.com",
                display_name=f"Member {n}",
                password=password,
            )
            for n in range(MEMBERS - existing)
        )
        tip = Tip.objects.get(slug=BENCH_TIP)
        have = Comment.objects.approved().for_tip(tip).count()
        _comments(tip, TIP_COMMENTS - have, start=have, coach=User.objects.get(username=COACH))
        _moderation_queue(MODERATION_COMMENTS - Comment.objects.count())
        member = User.objects.get(username=LONG_MEMBER)
        _fill_diary(member, range(SMALL_DAYS, LARGE_DAYS))
        _checklist_runs(member, range(SMALL_DAYS, LARGE_DAYS))
