"""Every action by every role on every level: the state table of wangge.cases.states,
checked through the API, with the reason given for each refusal."""
import pytest

from wangge.cases.models import Case, CaseEvent
from wangge.cases.states import TRANSITIONS, Status

LEVEL_CODES = {"g": "grid", "c": "community", "s": "street", "x": "city"}

# On which case levels each user may take each action (g grid, c community, s street, x city).
# gw: grid worker of the case's grid; cs / head: community staff and head; street; city.
LEVEL_OR_ABOVE = {"gw": "g", "cs": "gc", "head": "gc", "street": "gcs", "city": "gcsx"}
OWN_LEVEL = {"gw": "g", "cs": "c", "head": "c", "street": "s", "city": "x"}
VERIFIER = {"gw": "", "cs": "gc", "head": "gc", "street": "gcs", "city": "gcsx"}
MAY = {
    "accept": LEVEL_OR_ABOVE,
    "reject": LEVEL_OR_ABOVE,
    "dispatch": LEVEL_OR_ABOVE,
    "merge": LEVEL_OR_ABOVE,
    "start": OWN_LEVEL,
    "handle": OWN_LEVEL,
    "escalate": {**OWN_LEVEL, "city": ""},  # nothing is above the city
    "verify": VERIFIER,
    "reopen": VERIFIER,
    "close": VERIFIER,
    "rate": VERIFIER,
}
# The status each action is tried from, and what it leads to.
FROM = {
    "accept": ("reported", "accepted"),
    "reject": ("reported", "rejected"),
    "dispatch": ("accepted", "dispatched"),
    "merge": ("reported", "merged"),
    "start": ("accepted", "in_progress"),
    "handle": ("in_progress", "handled"),
    "escalate": ("in_progress", "dispatched"),
    "verify": ("handled", "verified"),
    "reopen": ("handled", "in_progress"),
    "close": ("verified", "closed"),
    "rate": ("closed", "rated"),
}
EXTRA = {
    "reject": {"reason": "不属于本辖区受理范围"},
    "dispatch": {"to": {"kind": "partner", "name": "京华物业"}},
    "handle": {"note": "已更换灯泡"},
    "escalate": {"reason": "需要街道协调"},
    "reopen": {"reason": "灯仍不亮"},
    "rate": {"rating": "satisfied"},
}
ROLE_NAMES = {"gw": "网格员", "cs": "社区工作者", "head": "社区书记/主任", "street": "街道工作人员", "city": "市级管理员"}
LEVEL_NAMES = {"grid": "网格", "community": "社区", "street": "街道", "city": "市/区"}


def test_the_table_covers_every_action():
    assert set(MAY) == set(FROM) == set(TRANSITIONS)


@pytest.mark.parametrize("level", "gcsx")
@pytest.mark.parametrize("username", ["gw", "cs", "head", "street", "city"])
@pytest.mark.parametrize("action", sorted(MAY))
def test_who_may_take_each_action_on_each_level(city, staff, api_client, make_case, action, username, level):
    source, target = FROM[action]
    case = make_case(status=source, level=LEVEL_CODES[level])
    payload = {"action": action, "version": case.version, **EXTRA.get(action, {})}
    if action == "merge":
        payload["into"] = make_case(status="accepted").number
    response = api_client().login(username).post(f"/api/v1/cases/{case.number}/transitions", payload)
    case.refresh_from_db()
    if level in MAY[action][username]:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == case.status == target
        assert case.version == 2
        event = CaseEvent.objects.get(case=case)
        assert (event.action, event.from_status, event.to_status, event.actor.username) == (action, source, target, username)
    else:
        assert response.status_code == 422, response.content
        message = response.json()["detail"][0]["message"]
        if action == "escalate" and level == "x":
            assert message == "市/区级诉求不能再升级"
        else:
            assert message == f"{ROLE_NAMES[username]}不能{TRANSITIONS[action].action.label}{LEVEL_NAMES[LEVEL_CODES[level]]}级诉求"
        assert (case.status, case.version) == (source, 1)
        assert not CaseEvent.objects.filter(case=case).exists()


def test_a_grid_worker_cannot_close_a_street_level_case(city, api_client, make_case):
    case = make_case(status="verified", level="street")
    response = api_client().login("gw").post(f"/api/v1/cases/{case.number}/transitions", {"action": "close", "version": 1})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "action", "message": "网格员不能结案街道级诉求"}]


@pytest.mark.parametrize(
    ("action", "status"),
    [(a, s) for a, t in sorted(TRANSITIONS.items()) for s in Status.values if s not in t.sources],
)
def test_no_action_from_a_status_the_table_does_not_list(city, api_client, make_case, action, status):
    case = make_case(status=status, level="community")
    payload = {"action": action, "version": 1, **EXTRA.get(action, {}), "into": make_case().number}
    response = api_client().login("head").post(f"/api/v1/cases/{case.number}/transitions", payload)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["message"] == (
        f"当前状态“{Status(status).label}”不能执行“{TRANSITIONS[action].action.label}”"
    )
    case.refresh_from_db()
    assert (case.status, case.version) == (status, 1)


def test_only_the_assignee_works_on_a_case_dispatched_to_them(city, api_client, make_case):
    from wangge.testing import user

    user("gw_b", "grid_worker", city.grid)
    case = make_case(status="dispatched", owner_user=city.grid_worker)
    colleague = api_client().login("gw_b").post(f"/api/v1/cases/{case.number}/transitions", {"action": "start", "version": 1})
    assert colleague.status_code == 422
    assert colleague.json()["detail"][0]["message"] == "该诉求已派遣给gw，只有承办人可以开始处置"
    assignee = api_client().login("gw").post(f"/api/v1/cases/{case.number}/transitions", {"action": "start", "version": 1})
    assert assignee.status_code == 200 and assignee.json()["status"] == "in_progress"


def test_no_one_verifies_their_own_handling(city, staff, api_client, make_case):
    case = make_case(status="accepted", level="community")
    cs = api_client().login("cs")
    for action, extra in (("start", {}), ("handle", {"note": "已调解"})):
        version = Case.objects.get(pk=case.pk).version
        assert cs.post(f"/api/v1/cases/{case.number}/transitions", {"action": action, "version": version, **extra}).status_code == 200
    refused = cs.post(f"/api/v1/cases/{case.number}/transitions", {"action": "verify", "version": 3})
    assert refused.status_code == 422 and refused.json()["detail"][0]["message"] == "不能核查自己处置的诉求"
    assert "verify" not in cs.get(f"/api/v1/cases/{case.number}").json()["allowed_actions"]
    head = api_client().login("head").post(f"/api/v1/cases/{case.number}/transitions", {"action": "verify", "version": 3})
    assert head.status_code == 200 and head.json()["status"] == "verified"


def test_allowed_actions_follow_the_table(city, api_client, make_case):
    case = make_case(status="handled", level="grid")
    assert api_client().login("gw").get(f"/api/v1/cases/{case.number}").json()["allowed_actions"] == ["photo"]
    assert api_client().login("head").get(f"/api/v1/cases/{case.number}").json()["allowed_actions"] == [
        "verify", "reopen", "photo",
    ]
