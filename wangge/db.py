"""Which database a query goes to: the primary, and a read replica when one is configured.

With ``DATABASE_REPLICA_URL`` set, settings define a second alias, ``replica``: a streaming
replica of the primary that dashboards, figures and exports may read from (docs/scaling.md).
Nothing goes there by itself. Code that may read slightly stale data asks for it explicitly::

    from wangge.db import reading

    cases = scope.filter(Case.objects.using(reading()))

Everything else reads and writes the primary (``default``), so a worker always sees the
case they have just changed. :class:`PrimaryReplicaRouter` keeps every write and every
migration on the primary, even for a row that was read from the replica.
"""
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


def reading() -> str:
    """The alias to read dashboards, figures and exports from.

    ``"replica"`` when a replica is configured, otherwise ``"default"``. Inside a
    transaction on the primary it is always ``"default"``: a read in a transaction that
    may have written must see those writes, which the replica has not got yet.
    """
    if REPLICA not in connections.settings:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


class PrimaryReplicaRouter:
    """Writes and migrations go to the primary; reads go where the code asked.

    Reads are not routed (``db_for_read`` has no opinion): a query reads ``default``
    unless it says ``.using(reading())``, and the related rows of an object read from the
    replica are read from the replica too. A save, delete or create goes to ``default``
    whichever alias the object came from. The two aliases hold the same data, so
    relations between their objects are allowed.
    """

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
