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


# --- diary

import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

from legs.models import CheckIn, Run  # noqa: E402
from legs.models.diary import member_today  # noqa: E402


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
