"""投诉建议: a form reachable from every page; only city administrators read the submissions."""
from wangge.web.models import Feedback


def test_feedback_is_stored_with_user_and_page(town, client_for):
    client = client_for(town.grid_worker)
    page = f"/households/{town.household.pk}/"
    form = client.get("/feedback/", {"from": page}).content.decode()
    assert f'value="{page}"' in form
    response = client.post("/feedback/", {"text": "走访记录能不能少填两项", "page_url": page})
    assert response.status_code == 302 and response["Location"] == page
    feedback = Feedback.objects.get()
    assert (feedback.user, feedback.page_url, feedback.text) == (town.grid_worker, page, "走访记录能不能少填两项")
    assert "感谢您的意见" in client.get(page).content.decode()


def test_feedback_never_redirects_off_site(town, client_for):
    response = client_for(town.grid_worker).post("/feedback/", {"text": "建议", "page_url": "https://evil.example/"})
    assert response["Location"] == "/"
    assert Feedback.objects.get().page_url == ""


def test_empty_feedback_is_refused(town, client_for):
    response = client_for(town.grid_worker).post("/feedback/", {"text": "  "})
    assert response.status_code == 200 and not Feedback.objects.exists()


def test_only_city_admins_read_feedback_in_the_admin(town, client_for):
    client_for(town.grid_worker).post("/feedback/", {"text": "字太小了"})
    assert client_for(town.grid_worker).get("/admin/web/feedback/").status_code == 302
    html = client_for(town.city_admin).get("/admin/web/feedback/").content.decode()
    assert "字太小了" in html
