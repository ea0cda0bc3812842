"""Admin change lists that meet odd lookup values in the address as Django means them to.

Django's change list turns a lookup it cannot apply into IncorrectLookupParameters, which the
admin answers with a redirect to the unfiltered list ("?e=1"). Three kinds of value slip past
it and become a 500 instead: a date-hierarchy year too big for a date (OverflowError), a NUL
in a text filter, which PostgreSQL refuses (DataError), and an id too big for SQLite's
integers (OverflowError), the last two only when the query runs. Every ModelAdmin of the site
mixes in SafeChangeListMixin (a test checks that none is missed).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import DataError, router, transaction
from django.http import HttpRequest


class SafeChangeList(ChangeList):
    def get_filters(self, request: HttpRequest) -> Any:
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request: HttpRequest) -> None:
        # In a savepoint, so a refused query leaves any surrounding transaction usable.
        try:
            with transaction.atomic(using=router.db_for_read(self.model)):
                super().get_results(request)
        except (OverflowError, DataError) as error:
            raise IncorrectLookupParameters(error) from error


class SafeChangeListMixin:
    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SafeChangeList
