"""factory_boy factories for every model the tests build."""

import factory
from django.contrib.auth.models import Group

from accounts.models import User

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
import datetime  # noqa: E402

from legs.models import Cause, Evidence, Fact, Phase, Question, SavedTip, Source, Tip  # noqa: E402


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


# --- comments
from legs.models import CannedReply, Comment, Status  # noqa: E402


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved top-level comment by a visitor."""

    class Meta:
        model = Comment

    tip = factory.SubFactory(TipFactory)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    body = "My legs feel heavy from the first mile. What should I try?"
    status = Status.APPROVED


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
