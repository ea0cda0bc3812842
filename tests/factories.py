"""factory_boy factories for every model the tests build."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from legs.models import (
    CannedReply,
    Cause,
    CheckIn,
    Checklist,
    ChecklistKind,
    ChecklistRun,
    ChecklistStep,
    Comment,
    Evidence,
    Fact,
    Phase,
    Question,
    Run,
    SavedTip,
    Source,
    Status,
    Tip,
    Trial,
    TroubleshooterAnswer,
    TroubleshooterQuestion,
)
from legs.models.comments import email_hash, ip_hash
from legs.models.diary import member_today
from legs.troubleshooter import ENDING_TRIAGE

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"runner{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    display_name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)


class ModeratorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def moderators_group(obj, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name="Moderators")
            obj.groups.add(group)


# --- tips


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Article {n} about heavy legs")
    author = factory.Faker("name")
    site = factory.Sequence(lambda n: f"Running site {n}")
    published = datetime.date(2020, 10, 24)
    url = factory.Sequence(lambda n: f"https://example.com/articles/{n}/")


class CauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cause

    slug = factory.Sequence(lambda n: f"cause-{n}")
    name = factory.Sequence(lambda n: f"Cause number {n}")
    summary = "What this cause is, in plain words."
    order = factory.Sequence(lambda n: n)


class TipFactory(factory.django.DjangoModelFactory):
    """A published tip. `causes=[...]` and `related=[...]` set its links after creation."""

    class Meta:
        model = Tip
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"tip-{n}")
    title = factory.Sequence(lambda n: f"Tip number {n}")
    summary = "One line that says what to do."
    body = "First paragraph of advice.\n\nSecond paragraph with the details."
    phase = factory.Iterator(Phase.values)
    source = factory.SubFactory(SourceFactory)
    source_group = "Group heading"
    source_number = factory.Sequence(lambda n: n + 1)
    evidence = Evidence.GUIDELINE
    evidence_note = "Why we label it so."
    last_reviewed = datetime.date(2026, 11, 22)
    order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def causes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.causes.set(extracted)

    @factory.post_generation
    def related(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.related.set(extracted)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    question = factory.Sequence(lambda n: f"Reader question {n}?")
    answer = "The coach's answer."
    tip = factory.SubFactory(TipFactory)
    order = factory.Sequence(lambda n: n)


class FactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fact

    text = factory.Sequence(lambda n: f"Did you know fact {n}.")
    tip = factory.SubFactory(TipFactory)
    source = factory.SelfAttribute("tip.source")
    order = factory.Sequence(lambda n: n)


class SavedTipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedTip

    user = factory.SubFactory(UserFactory)
    tip = factory.SubFactory(TipFactory)


# --- checklists


class ChecklistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checklist

    slug = factory.Sequence(lambda n: f"checklist-{n}")
    title = factory.Sequence(lambda n: f"Checklist {n}")
    kind = ChecklistKind.CHECKLIST
    summary = "Things to do."
    order = factory.Sequence(int)


class ChecklistStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistStep

    checklist = factory.SubFactory(ChecklistFactory)
    order = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"Step {n}")
    why = "Because it helps."


class TroubleshooterFactory(ChecklistFactory):
    kind = ChecklistKind.TROUBLESHOOTER
    slug = factory.Sequence(lambda n: f"troubleshooter-{n}")


class TroubleshooterQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TroubleshooterQuestion

    checklist = factory.SubFactory(TroubleshooterFactory)
    slug = factory.Sequence(lambda n: f"question-{n}")
    text = factory.Sequence(lambda n: f"Question {n}?")
    order = factory.Sequence(int)


class TroubleshooterAnswerFactory(factory.django.DjangoModelFactory):
    """Ends the questions unless given a next_question (then ends=False is implied)."""

    class Meta:
        model = TroubleshooterAnswer

    question = factory.SubFactory(TroubleshooterQuestionFactory)
    text = factory.Sequence(lambda n: f"Answer {n}")
    next_question = None
    ends = factory.LazyAttribute(lambda o: o.next_question is None)
    order = factory.Sequence(int)
    triage = ""
    # A red flag must explain itself (a database constraint).
    advice = factory.LazyAttribute(
        lambda o: "What this can mean, and call 999." if o.triage in ENDING_TRIAGE else ""
    )


class ChecklistRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistRun

    user = factory.SubFactory(UserFactory)
    checklist = factory.SubFactory(ChecklistFactory)


# --- diary


def _yesterday(entry: object) -> datetime.date:
    return member_today(entry.user) - datetime.timedelta(days=1)


class RunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Run

    user = factory.SubFactory(UserFactory)
    date = factory.LazyAttribute(_yesterday)
    distance_km = Decimal("5.000")
    duration = datetime.timedelta(minutes=30)
    kind = "easy"
    surface = "road"
    rpe = 4
    leg_heaviness = 3
    warm_up_minutes = 10
    cool_down_minutes = 5
    stretched_after = False


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    user = factory.SubFactory(UserFactory)
    date = factory.LazyAttribute(_yesterday)
    sleep_hours = Decimal("7.50")
    leg_heaviness = 3
    soreness = 3
    fatigue = 3
    stress = 3
    rest_day = False
    recovery_actions = factory.LazyFunction(list)
    iron_rich_meals = 1


class TrialFactory(factory.django.DjangoModelFactory):
    """A 14-day trial that started a week ago (day 8 today)."""

    class Meta:
        model = Trial

    user = factory.SubFactory(UserFactory)
    tip = factory.SubFactory(TipFactory)
    start = factory.LazyAttribute(lambda o: member_today(o.user) - datetime.timedelta(days=7))
    length_days = 14


# --- comments


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved top-level comment by a visitor."""

    class Meta:
        model = Comment

    tip = factory.SubFactory(TipFactory)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    body = "My legs feel heavy from the first mile. What should I try?"
    status = Status.APPROVED
    # As a posted comment has them: the keyed hashes of its email and network address.
    email_hash = factory.LazyAttribute(lambda o: email_hash(o.email) if o.email else "")
    ip_hash = factory.Sequence(lambda n: ip_hash(f"10.99.{n // 250}.{n % 250}"))


class ReplyFactory(CommentFactory):
    parent = factory.SubFactory(CommentFactory)
    tip = factory.SelfAttribute("parent.tip")
    body = "Same here, did anything help?"


class CoachReplyFactory(ReplyFactory):
    user = factory.SubFactory(ModeratorFactory)
    name = factory.LazyAttribute(lambda o: o.user.public_name)
    email = factory.LazyAttribute(lambda o: o.user.email)
    by_coach = True
    body = "Keep your runs easy for a fortnight and sleep well."


class CannedReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CannedReply

    title = factory.Sequence(lambda n: f"Canned reply {n}")
    body = "See a physiotherapist first, then your doctor."
