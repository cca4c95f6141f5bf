"""Pagination helper for API lists whose rows are serialised by a function."""


class Serialized:
    """A queryset seen through a serialiser: ninja's paginator counts and slices
    it, so only the rows of the requested page are ever turned into dicts."""

    def __init__(self, queryset, serialise):
        self.queryset = queryset
        self.serialise = serialise

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        return [self.serialise(row) for row in self.queryset[item]]
