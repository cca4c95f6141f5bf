"""Reads of import records: what a user may see in the history."""
from django.db.models import Q, QuerySet

from wangge.accounts.scope import Scope

from .models import ImportRecord


def imports_for(scope: Scope, user) -> QuerySet[ImportRecord]:
    """Imports in the user's areas, and the user's own uploads (previews, and uploads still being
    checked, are seen by their uploader only)."""
    private = [ImportRecord.Status.PREVIEWED, ImportRecord.Status.CHECKING]
    in_scope = scope.q(ImportRecord.scope_field) & ~Q(status__in=private)
    return ImportRecord.objects.filter(in_scope | Q(user=user)).select_related("user", "undone_by")
