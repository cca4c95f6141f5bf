"""Field errors, from the service that raises them to the page that shows them.

``save_named`` saves a row whose name is required and, for some kinds, unique within
its area (a partner, a service point, a volunteer, a team): the apps' services collect
their field errors first and hand the row here, so each answers the same way — one
ValidationError naming every field, a duplicate name as an error on ``name`` rather
than a database error. ``put_errors`` puts such an error back onto a page's form, and
``submit`` is a form page's one service call with its refusal shown on that form."""
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


def submit(request, form, write, *, refresh=None) -> tuple[object | None, list[str]]:
    """A form page's write: on a POST whose form is valid, ``write()`` (the one service
    call) is made and what it returns — the row or rows it saved — comes back with no
    errors. A refusal (ValidationError) is put onto the form (``put_errors``) and comes
    back as ``(None, messages not placed on a field)``, with ``refresh`` (the row the
    service was changing) read again, so the page shows it as it is stored. A GET or
    an invalid form is ``(None, [])`` without calling ``write``."""
    if request.method != "POST" or not form.is_valid():
        return None, []
    try:
        return write(), []
    except ValidationError as exc:
        if refresh is not None:
            refresh.refresh_from_db()
        return None, put_errors(form, exc)


def form_status(request) -> int:
    """A form page's status: 422 when it is shown again after a POST (the form or the
    service refused it; a POST that succeeded has redirected), 200 the first time."""
    return 422 if request.method == "POST" else 200
