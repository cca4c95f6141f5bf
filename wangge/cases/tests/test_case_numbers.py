"""Case numbers: SQ-<year>-<six digits>, one counter row per year, continuing from where the
demo or the generator left it; drawing one does not hold up other reports."""
import threading

import pytest
from django.db import connection
from django.utils import timezone

from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import CaseCounter
from wangge.cases.notifications import Channel

DATA = {"title": "楼道灯不亮", "description": "3号楼楼道灯不亮", "category": "corridor_light", "source": "patrol",
        "area": "220184001001001"}


def test_numbers_continue_from_the_years_counter(city):
    year = timezone.localtime().year
    CaseCounter.objects.create(year=year, last=41)
    first = services.report_case(actor=city.community_head, data=DATA)
    second = services.report_case(actor=city.community_head, data=DATA)
    assert (first.number, second.number) == (f"SQ-{year}-000042", f"SQ-{year}-000043")
    assert CaseCounter.objects.get(year=year).last == 43


def test_the_first_case_of_a_year_is_number_one(city):
    year = timezone.localtime().year
    assert services.report_case(actor=city.community_head, data=DATA).number == f"SQ-{year}-000001"


class HoldingChannel(Channel):
    """Holds the first report inside its transaction (channels run in it) until released."""

    inside, release = threading.Event(), threading.Event()
    held = False

    def send(self, message):
        if not HoldingChannel.held:
            HoldingChannel.held = True
            HoldingChannel.inside.set()
            HoldingChannel.release.wait(20)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are PostgreSQL's")
@pytest.mark.usefixtures("seeded_transactional_db")
def test_a_report_in_progress_does_not_hold_up_the_next_number(city, settings):
    """The year's counter row is raised in a transaction of its own, before the report's:
    while one report is still being written, another gets its number and finishes."""
    settings.WANGGE_NOTIFICATION_CHANNELS = [f"{__name__}.HoldingChannel"]
    HoldingChannel.inside.clear()
    HoldingChannel.release.clear()
    HoldingChannel.held = False
    head = User.objects.get(username="head")  # the grid worker is told: the channel runs
    results = {}

    def report(key):
        try:
            results[key] = services.report_case(actor=head, data=DATA).number
        finally:
            connection.close()

    slow = threading.Thread(target=report, args=("slow",))
    slow.start()
    assert HoldingChannel.inside.wait(20)  # the first report is inside its transaction
    fast = threading.Thread(target=report, args=("fast",))
    fast.start()
    fast.join(15)
    finished_while_held = not fast.is_alive()
    HoldingChannel.release.set()
    slow.join(20)
    fast.join(20)
    assert finished_while_held
    year = timezone.localtime().year
    assert results == {"slow": f"SQ-{year}-000001", "fast": f"SQ-{year}-000002"}
