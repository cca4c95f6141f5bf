"""Field errors, from the service that raises them to the page that shows them.

``save_named`` saves a row whose name is required and, for some kinds, unique within
its area (a partner, a service point, a volunteer, a team): the apps' services collect
their field errors first and hand the row here, so each answers the same way — one
ValidationError naming every field, a duplicate name as an error on ``name`` rather
than a database error. ``put_errors`` puts such an error back onto a page's form."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _


def save_named(obj, errors: dict, *, duplicate: str, blank: str | None = None):
    """Check ``obj.name``, raise the collected ``errors`` if any, then save ``obj``.

    ``duplicate`` is the message when the database refuses the name (a unique
    constraint on area and name); ``blank`` the one for a missing name."""
    if not (obj.name or "").strip():
        errors["name"] = [blank or _("请填写名称")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({"name": [duplicate]})
    return obj


def put_errors(form, exc: ValidationError) -> list[str]:
    """A service's field errors onto the form's fields of the same name; the rest
    (fields the form does not show) are returned to be shown above the form."""
    unplaced = []
    for name, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
        if name in form.fields and not form.fields[name].widget.is_hidden:
            for error in errors:
                form.add_error(name, error)
        else:
            unplaced.extend(errors)
    return unplaced
