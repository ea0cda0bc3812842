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


# --- comments
from legs.models import CannedReply, Comment, Status  # noqa: E402


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved top-level comment by a visitor."""

    class Meta:
        model = Comment

    tip = factory.SubFactory("tests.factories.TipFactory")
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
