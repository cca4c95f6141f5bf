"""API: tokens and the current user."""
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from . import services
from .scope import scope_of


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = services.user_for_token(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["accounts"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    detail: str


class PostOut(Schema):
    role: str
    role_name: str
    area: str
    area_name: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    posts: list[PostOut]


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut})
def create_token(request, credentials: Credentials):
    """Exchange a username and password for a bearer token."""
    raw = services.issue_token(request=request, username=credentials.username, password=credentials.password)
    if raw is None:
        if getattr(request, "axes_locked_out", False):
            return Status(429, {"detail": _("登录失败次数过多，请稍后再试")})
        return Status(401, {"detail": _("用户名或密码错误")})
    return {"token": raw}


@router.get("/me", response=MeOut)
def me(request):
    """The signed-in user and their posts (role and area code)."""
    user = request.user
    scope_of(request)  # warm the scope cache for the rest of the request
    return {
        "id": user.id,
        "username": user.username,
        "name": str(user),
        "posts": [
            {"role": p.role, "role_name": p.get_role_display(), "area": p.area_code, "area_name": p.area.name}
            for p in user.posts.select_related("area").order_by("area_code")
        ],
    }
