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


# --- checklists

from legs.models import (  # noqa: E402
    Checklist,
    ChecklistKind,
    ChecklistRun,
    ChecklistStep,
    TroubleshooterAnswer,
    TroubleshooterQuestion,
)


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


class ChecklistRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistRun

    user = factory.SubFactory(UserFactory)
    checklist = factory.SubFactory(ChecklistFactory)
