"""The case state machine: one table of which action moves a case from which
status to which, and who may take it. services.py applies it; nothing else
decides whether a transition is allowed.

The loop follows GB/T 30428 (上报→立案→派遣→处置→核查→结案→评价)::

    reported    ─accept─▶   accepted    ─dispatch─▶ dispatched ─start─▶ in_progress
    reported    ─reject─▶   rejected    (不予立案, with the reason)
    accepted    ─start──▶   in_progress (自行处置: the office that accepted it does it)
    in_progress ─handle─▶   handled     ─verify──▶  verified   ─close─▶ closed ─rate─▶ rated
    handled     ─reopen─▶   in_progress (核查不通过: 返工)
    closed      ─rate───▶   in_progress (a dissatisfied rating: 返工)

    escalate: reported/accepted/dispatched/in_progress → one level up (a case
              not yet accepted stays reported; the others become dispatched to
              the new level's office)
    merge:    reported/accepted/dispatched/in_progress → merged (into its original)

Who may act depends on the posts of the actor that cover the case's grid, and
on the case's handling level (grid < community < street < city):

- LEVEL — a post at the case's level or higher: accept, reject, dispatch, merge.
- WORKER — the person the case is assigned to; while an office or a partner
  holds it, a post at exactly the case's level (that office's own staff):
  start, handle, escalate. A higher level does not do a lower level's work: it
  dispatches the case, or the case is escalated to it.
- VERIFIER — a post at the community level or higher, and no lower than the
  case's level: verify (never one's own handling), reopen, close, and a rating
  recorded by staff on a return call (回访). A grid worker's work is checked by
  the community; a street case by the street or the city.

Allowed by case level (g grid, c community, s street, x city)::

    action    from                           to            grid worker  community  street  city   no account
    accept    reported                       accepted      g            gc         gcs     gcsx   -
    reject    reported                       rejected      g            gc         gcs     gcsx   -
    dispatch  accepted dispatched in_progress dispatched   g            gc         gcs     gcsx   -
    merge     reported…in_progress           merged        g            gc         gcs     gcsx   -
    start     accepted dispatched            in_progress   g            c          s       x      -
    handle    in_progress                    handled       g            c          s       x      -
    escalate  reported…in_progress           (level + 1)   g            c          s       -      the job
    verify    handled                        verified      -            gc         gcs     gcsx   -
    reopen    handled                        in_progress   -            gc         gcs     gcsx   -
    close     verified                       closed        -            gc         gcs     gcsx   -
    rate      closed                         rated         -            gc         gcs     gcsx   resident

(WORKER rows: the assignee always may; anyone else only while no person holds it.)

Partner staff (PartnerMembership, no area scope) see only the cases dispatched to
their organisation (owner_partner_org) and may take exactly the PARTNER_ACTIONS
on them: start and handle. Handling hands the case back (处置反馈) for the
community's check; they do not accept, dispatch, escalate, verify or close.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.roles import Role
from wangge.areas.codes import LEVEL_LENGTHS, Level


class Status(models.TextChoices):
    REPORTED = "reported", gettext_lazy("已上报")
    ACCEPTED = "accepted", gettext_lazy("已立案")
    REJECTED = "rejected", gettext_lazy("不予立案")
    DISPATCHED = "dispatched", gettext_lazy("已派遣")
    IN_PROGRESS = "in_progress", gettext_lazy("处置中")
    HANDLED = "handled", gettext_lazy("已处置")
    VERIFIED = "verified", gettext_lazy("已核查")
    CLOSED = "closed", gettext_lazy("已结案")
    RATED = "rated", gettext_lazy("已评价")
    MERGED = "merged", gettext_lazy("已合并")


class Action(models.TextChoices):
    REPORT = "report", gettext_lazy("上报")
    ACCEPT = "accept", gettext_lazy("受理")
    REJECT = "reject", gettext_lazy("不予立案")
    DISPATCH = "dispatch", gettext_lazy("派遣")
    START = "start", gettext_lazy("开始处置")
    HANDLE = "handle", gettext_lazy("处置反馈")
    VERIFY = "verify", gettext_lazy("核查")
    CLOSE = "close", gettext_lazy("结案")
    REOPEN = "reopen", gettext_lazy("返工")
    ESCALATE = "escalate", gettext_lazy("升级")
    MERGE = "merge", gettext_lazy("合并")
    RATE = "rate", gettext_lazy("评价")
    PHOTO = "photo", gettext_lazy("补充照片")
    # History only, like photos: a 民生项目 took the case up, let it go or finished (wangge.projects).
    PROJECT = "project", gettext_lazy("民生项目")


# The deadline runs while a case waits for or is under work; overdue means one of these.
ACTIVE = frozenset({Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS})
# Not finished: also handled and verified cases, which wait for the community's check.
OPEN = ACTIVE | {Status.HANDLED, Status.VERIFIED}

LEVELS = (Level.GRID, Level.COMMUNITY, Level.STREET, Level.CITY)
RANK = {level: rank for rank, level in enumerate(LEVELS)}

# The level each area role works at.
ROLE_LEVEL = {
    Role.GRID_WORKER: Level.GRID,
    Role.COMMUNITY_STAFF: Level.COMMUNITY,
    Role.COMMUNITY_HEAD: Level.COMMUNITY,
    Role.STREET_STAFF: Level.STREET,
    Role.CITY_ADMIN: Level.CITY,
}
LEVEL_ROLES = {level: {role for role, lv in ROLE_LEVEL.items() if lv == level} for level in LEVELS}


def office_code(area_code: str, level: str) -> str:
    """The office owning a case at a level: the ancestor area of its grid at that level."""
    return area_code[: LEVEL_LENGTHS[level]]


def level_above(level: str) -> str | None:
    rank = RANK[level] + 1
    return LEVELS[rank] if rank < len(LEVELS) else None


# What partner staff may do on a case dispatched to their organisation.
PARTNER_ACTIONS = frozenset({Action.START, Action.HANDLE})


class Who(models.TextChoices):
    LEVEL = "level", gettext_lazy("本级或上级")
    WORKER = "worker", gettext_lazy("承办人或本级")
    VERIFIER = "verifier", gettext_lazy("社区及以上核查")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    who: str
    by_system: bool = False  # the escalation job may take it
    by_resident: bool = False  # a resident may, with the tracking code
    stays: frozenset = field(default_factory=frozenset)  # sources whose status does not change

    def to_status(self, status: str) -> str:
        return status if status in self.stays else self.target


TRANSITIONS = {
    t.action: t
    for t in (
        Transition(Action.ACCEPT, frozenset({Status.REPORTED}), Status.ACCEPTED, Who.LEVEL),
        Transition(Action.REJECT, frozenset({Status.REPORTED}), Status.REJECTED, Who.LEVEL),
        Transition(
            Action.DISPATCH,
            frozenset({Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS}),
            Status.DISPATCHED,
            Who.LEVEL,
        ),
        Transition(Action.MERGE, ACTIVE, Status.MERGED, Who.LEVEL),
        Transition(Action.START, frozenset({Status.ACCEPTED, Status.DISPATCHED}), Status.IN_PROGRESS, Who.WORKER),
        Transition(Action.HANDLE, frozenset({Status.IN_PROGRESS}), Status.HANDLED, Who.WORKER),
        Transition(
            Action.ESCALATE, ACTIVE, Status.DISPATCHED, Who.WORKER,
            by_system=True, stays=frozenset({Status.REPORTED}),
        ),
        Transition(Action.VERIFY, frozenset({Status.HANDLED}), Status.VERIFIED, Who.VERIFIER),
        Transition(Action.REOPEN, frozenset({Status.HANDLED}), Status.IN_PROGRESS, Who.VERIFIER),
        Transition(Action.CLOSE, frozenset({Status.VERIFIED}), Status.CLOSED, Who.VERIFIER),
        # A dissatisfied rating sends the case back to in_progress instead (services.rate_case).
        Transition(Action.RATE, frozenset({Status.CLOSED}), Status.RATED, Who.VERIFIER, by_resident=True),
    )
}


@dataclass(frozen=True)
class Actor:
    """Who takes an action: a staff user with the (role, area code) of their area
    posts, the escalation job (system), or a resident with a tracking code."""

    user: object | None
    posts: tuple = ()
    kind: str = "staff"  # staff | system | resident
    partners: frozenset = frozenset()  # ids of the partners the user acts for

    @classmethod
    def system(cls) -> Actor:
        return cls(user=None, kind="system")

    @classmethod
    def resident(cls) -> Actor:
        return cls(user=None, kind="resident")

    def covering(self, area_code: str) -> list[tuple[int, str]]:
        """(rank, role) of each post whose area contains the given area, highest first."""
        return sorted(
            ((RANK[ROLE_LEVEL[role]], role) for role, code in self.posts if area_code.startswith(code)),
            reverse=True,
        )

    def rank_over(self, area_code: str) -> int | None:
        covering = self.covering(area_code)
        return covering[0][0] if covering else None

    def role_over(self, area_code: str) -> str | None:
        covering = self.covering(area_code)
        return covering[0][1] if covering else None

    def acts_for_owner_partner(self, case) -> bool:
        """Is the case dispatched to a partner this user acts for?"""
        if not self.partners:  # most actors: no partner, nothing to look up on the case
            return False
        return case.owner_kind == "partner" and case.owner_partner_org_id in self.partners

    def holds_level(self, area_code: str, level: str) -> bool:
        return any(rank == RANK[level] for rank, _role in self.covering(area_code))

    def label(self, area_code: str) -> str:
        """How events name the actor: the person and their role, or 系统 / 居民."""
        if self.kind == "system":
            return _("系统")
        if self.kind == "resident":
            return _("居民")
        role = self.role_over(area_code)
        name = str(self.user)
        return f"{name}（{Role(role).label}）" if role else name


def refusal(transition: Transition, case, actor: Actor, *, handled_by_id: int | None = None) -> str | None:
    """Why ``actor`` may not take ``transition`` on ``case`` now, or None when they may.

    ``handled_by_id`` is the user who recorded the latest handling (for verify).
    """
    action = Action(transition.action).label
    if case.status not in transition.sources:
        return _("当前状态“%(status)s”不能执行“%(action)s”") % {
            "status": Status(case.status).label, "action": action,
        }
    if transition.action == Action.ESCALATE and level_above(case.level) is None:
        return _("%(level)s级诉求不能再升级") % {"level": Level(case.level).label}
    if actor.kind == "system":
        return None if transition.by_system else _("系统不能%(action)s诉求") % {"action": action}
    if actor.kind == "resident":
        return None if transition.by_resident else _("请登录后%(action)s") % {"action": action}

    if transition.action in PARTNER_ACTIONS and actor.acts_for_owner_partner(case):
        return None
    rank = actor.rank_over(case.area_code)
    case_rank = RANK[case.level]
    if transition.who == Who.LEVEL:
        allowed = rank is not None and rank >= case_rank
    elif transition.who == Who.WORKER:
        if case.owner_user_id is not None:
            if case.owner_user_id == actor.user.pk:
                return None
            return _("该诉求已派遣给%(owner)s，只有承办人可以%(action)s") % {
                "owner": str(case.owner_user), "action": action,
            }
        allowed = actor.holds_level(case.area_code, case.level)
    else:
        allowed = rank is not None and rank >= max(case_rank, RANK[Level.COMMUNITY])
        if allowed and transition.action == Action.VERIFY and handled_by_id == actor.user.pk:
            return _("不能核查自己处置的诉求")
    if allowed:
        return None
    role = actor.role_over(case.area_code)
    return _("%(role)s不能%(action)s%(level)s级诉求") % {
        "role": Role(role).label if role else _("您"), "action": action, "level": Level(case.level).label,
    }


def photo_refusal(case) -> str | None:
    """Photos may be added to a case until it is finished (anyone who sees it, or its reporter)."""
    if case.status not in OPEN:
        return _("当前状态“%(status)s”不能%(action)s") % {
            "status": Status(case.status).label, "action": Action.PHOTO.label,
        }
    return None


def lands_on_owner(action: str, to_status: str) -> bool:
    """Does this change hand the case (back) to its owner for work? Then they are notified."""
    return action in (Action.REPORT, Action.DISPATCH, Action.ESCALATE, Action.REOPEN) or (
        action == Action.RATE and to_status == Status.IN_PROGRESS
    )
