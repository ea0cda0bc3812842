"""Demo data for trying the site: a moderator, a demo member with months of diary entries,
and fictional comment threads.

Every person and every word here is invented for the demo. Passwords are random and printed
once. Each part of the site seeds itself in one step function of the demo member and the
moderator, listed in SEED_STEPS.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from legs import services
from legs.diary_cache import bump_diary
from legs.models import CheckIn, Comment, Run, Status, Tip
from legs.models.diary import member_today

DEMO_USERNAME = "demo"
MODERATOR_USERNAME = "coach"


@dataclass(frozen=True)
class Demo:
    member: User
    moderator: User
    now: datetime


def _at(demo: Demo, days_ago: float, hour: int) -> datetime:
    return (demo.now - timedelta(days=days_ago)).replace(hour=hour, minute=17)


def _comment(demo: Demo, tip: Tip, days_ago: float, hour: int, **fields) -> Comment:
    fields.setdefault("status", Status.APPROVED)
    return Comment.objects.create(tip=tip, created=_at(demo, days_ago, hour), **fields)


def _coach(demo: Demo, parent: Comment, days_ago: float, hour: int, body: str) -> Comment:
    return _comment(
        demo,
        parent.tip,
        days_ago,
        hour,
        parent=parent,
        user=demo.moderator,
        name=demo.moderator.public_name,
        email=demo.moderator.email,
        by_coach=True,
        body=body,
    )


def seed_comments(demo: Demo) -> None:
    """Threads in the spirit of the article's, in our words and with invented readers."""
    tips = {tip.slug: tip for tip in Tip.objects.all()}

    dragging = _comment(
        demo,
        tips["check-for-injuries"],
        80,
        20,
        name="Priya",
        email="priya@demo.lighterlegs.example",
        notify_on_reply=True,
        body=(
            "I only took up running this spring and now go out four times a week for about "
            "forty minutes. For the last fortnight my left leg has felt as if it lags behind "
            "the right one, and I have to remind myself to pick it up.\n\n"
            "I stopped running for ten days and went to the gym instead, but on my first run "
            "back it was exactly the same. What could be going on?"
        ),
    )
    _coach(
        demo,
        dragging,
        79,
        9,
        "Hello Priya, well done for building up so steadily. A leg that drags on one side "
        "only, and is still there after ten days off, is worth having checked rather than "
        "running through: the cause can be in a muscle, a joint or a nerve. Please book in "
        "with a physiotherapist first, and see your doctor if their exercises have not "
        "helped within a few weeks.",
    )

    virus = _comment(
        demo,
        tips["get-enough-sleep"],
        60,
        7,
        name="Tomasz",
        email="tomasz@demo.lighterlegs.example",
        notify_on_reply=True,
        body=(
            "A chest infection kept me off running for seven weeks this winter. Before that I "
            "was comfortable over a half marathon; now my thighs feel heavy and prickly within "
            "the first kilometre, even on short runs. I sleep well, drink plenty and warm up. "
            "I have a 10K in ten weeks and I am starting to lose heart. Any advice?"
        ),
    )
    _coach(
        demo,
        virus,
        58,
        13,
        "Hello Tomasz, sorry to hear you have been ill. Coming back after a virus often takes "
        "longer than we expect, and nobody can promise what will shift the heaviness. Keep "
        "every run easy for now, at a pace where you can chat, which also spares your immune "
        "system. Ten weeks is a short time to get back to your best, so you might run the 10K "
        "for enjoyment rather than a time. Beyond that, extra rest and good sleep are what "
        "help most; if it has not eased in a few weeks, see your doctor.",
    )
    _comment(
        demo,
        virus.tip,
        31,
        21,
        parent=virus,
        name="Aisling",
        email="aisling@demo.lighterlegs.example",
        body=(
            "Same here after flu in January: my legs felt like lead for weeks. Did it get "
            "better for you, and what helped?"
        ),
    )
    _comment(
        demo,
        virus.tip,
        29,
        8,
        parent=virus,
        name="Tomasz",
        email="tomasz@demo.lighterlegs.example",
        body=(
            "It did, slowly. About six weeks of short, easy runs and an early night before "
            "each one. I ran the 10K at a gentle pace and enjoyed it."
        ),
    )

    warm_up = _comment(
        demo,
        tips["warm-up-for-ten-minutes"],
        20,
        18,
        user=demo.member,
        name=demo.member.public_name,
        email=demo.member.email,
        body=(
            "Since I started with ten minutes of brisk walking and easy jogging, the first "
            "mile no longer feels like wading through mud."
        ),
    )
    _coach(demo, warm_up, 19, 10, "Thanks for sharing this, it is good to hear it works!")

    _comment(
        demo,
        tips["avoid-overtraining"],
        6,
        19,
        name="Dani",
        email="dani@demo.lighterlegs.example",
        body=(
            "I went from 20 to 35 km a week this month and now my legs feel heavy on every "
            "run. Should I take a whole week off, or just run less?"
        ),
    )
    _comment(
        demo,
        tips["drink-enough-water"],
        1,
        12,
        status=Status.PENDING,
        name="Marcus",
        email="marcus@demo.lighterlegs.example",
        body="How much should I drink during a 15K on a hot day?",
    )


DIARY_WEEKS = 20
# Monday to Sunday: kind and base distance (km) of a plain week; None is a rest day.
WEEK_PLAN = [
    ("easy", 6.0),
    ("intervals", 7.0),
    None,
    ("tempo", 8.0),
    ("easy", 5.0),
    None,
    ("long", 14.0),
]


def seed_diary(demo: Demo) -> None:
    """Months of runs and check-ins telling a plain story the insights can read: steady weeks,
    then a jump in distance with shorter nights and skipped warm-ups, and heavier legs."""
    # B311: variation for demo data, not security; a seeded generator keeps every run alike.
    rng = random.Random(2026)  # nosec B311
    today = member_today(demo.member)
    start = today - timedelta(weeks=DIARY_WEEKS)
    start -= timedelta(days=start.weekday())
    runs, checkins = [], []
    day = start
    while day <= today:
        weeks_left = (today - day).days // 7
        overreaching = weeks_left < 3  # the last three weeks: a jump of about 40 %
        growth = 1 + 0.03 * min(DIARY_WEEKS - weeks_left, 12) + (0.4 if overreaching else 0)
        short_night = overreaching and rng.random() < 0.6 or rng.random() < 0.15
        sleep = Decimal(
            str(round(rng.uniform(5.5, 6.7) if short_night else rng.uniform(7, 8.5), 1))
        )
        plan = WEEK_PLAN[day.weekday()]
        base_heaviness = 2 + (2 if short_night else 0) + (2 if overreaching else 0)
        if plan is not None:
            kind, km = plan
            distance = Decimal(str(round(km * growth * rng.uniform(0.9, 1.1), 2)))
            pace = rng.uniform(5.4, 6.2) if kind in ("easy", "long") else rng.uniform(4.6, 5.2)
            warm_up = 0 if overreaching and rng.random() < 0.7 else rng.choice([5, 10, 10, 12])
            runs.append(
                Run(
                    user=demo.member,
                    date=day,
                    distance_km=distance,
                    duration=timedelta(seconds=round(float(distance) * pace * 60)),
                    kind=kind,
                    rpe=rng.randint(5, 8) if kind in ("intervals", "tempo", "long") else 3,
                    leg_heaviness=min(10, base_heaviness + (0 if warm_up >= 10 else 1)),
                    warm_up_minutes=warm_up,
                    cool_down_minutes=rng.choice([0, 5, 10]),
                    stretched_after=rng.random() < 0.5,
                    water_ml=rng.choice([None, 250, 500]),
                )
            )
        checkins.append(
            CheckIn(
                user=demo.member,
                date=day,
                sleep_hours=sleep,
                leg_heaviness=max(0, min(10, base_heaviness + rng.randint(-1, 1))),
                soreness=rng.randint(2, 5),
                fatigue=rng.randint(2, 5) + (1 if overreaching else 0),
                stress=rng.randint(1, 4),
                rest_day=plan is None,
                recovery_actions=["stretching"] if rng.random() < 0.4 else [],
            )
        )
        day += timedelta(days=1)
    Run.objects.bulk_create(runs)
    CheckIn.objects.bulk_create(checkins)
    bump_diary(demo.member)  # bulk writes send no signals


SEED_STEPS: list[Callable[[Demo], None]] = [seed_comments, seed_diary]


class Command(BaseCommand):
    help = (
        "Add demo data: a moderator, a demo member with months of diary entries and fictional "
        "comment threads. Passwords "
        "are random and printed once. Does nothing if the demo member exists already."
    )

    def handle(self, *args, **options):
        if User.objects.filter(username__iexact=DEMO_USERNAME).exists():
            self.stdout.write(
                f'The demo data is there already (user "{DEMO_USERNAME}" exists): nothing changed.'
            )
            return
        if not Tip.objects.exists():
            call_command("load_content", stdout=self.stdout)
        passwords = {}
        with transaction.atomic():
            moderator = User.objects.filter(username__iexact=MODERATOR_USERNAME).first()
            if moderator is None:
                passwords[MODERATOR_USERNAME] = secrets.token_urlsafe(12)
                moderator = User.objects.create_user(
                    username=MODERATOR_USERNAME,
                    email="coach@demo.lighterlegs.example",
                    display_name="Coach Sam",
                    password=passwords[MODERATOR_USERNAME],
                )
            services.moderator_make(user=moderator)
            passwords[DEMO_USERNAME] = secrets.token_urlsafe(12)
            member = User.objects.create_user(
                username=DEMO_USERNAME,
                email="demo@demo.lighterlegs.example",
                display_name="Jo",
                password=passwords[DEMO_USERNAME],
            )
            demo = Demo(member=member, moderator=moderator, now=timezone.now())
            for step in SEED_STEPS:
                step(demo)
        self.stdout.write(self.style.SUCCESS("Demo data added. Log in with (shown once):"))
        for username, password in passwords.items():
            self.stdout.write(f"  {username:8} {password}")
        if MODERATOR_USERNAME not in passwords:
            self.stdout.write(f"  {MODERATOR_USERNAME:8} (existed already: password unchanged)")
        self.stdout.write(f'The moderator "{MODERATOR_USERNAME}" answers readers at /admin/.')
