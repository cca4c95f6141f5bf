"""The briefing page: read the month's briefing, edit it, export it as DOCX, Word HTML and PDF.
Exports print the saved draft when there is one and the generated text otherwise; 重新生成 forgets
the draft. Another area's briefing, its draft and its exports answer 404."""
import re
from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from wangge.accounts.scope import Scope
from wangge.stats import briefing
from wangge.stats.models import BriefingDraft, StatsExport
from wangge.testing import signed_in

pytestmark = pytest.mark.django_db

MONTH = "2026-03"
EDITED = "2026年3月，京华社区累计走访2000余户居民，324个问题浮出水面。\n\n社区建立分层处置闭环，推动解决16个工程难题。"


def page_url(code, suffix=""):
    return f"/stats/{code}/briefing/{suffix}"


def generated(city):
    return briefing.compose(Scope.for_user(city.community_head), city.community.code, MONTH)


def flat(text: str) -> str:
    """Text extracted from a PDF breaks lines wherever the page did."""
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes) -> str:
    return flat("".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages))


def docx_paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(BytesIO(content)).paragraphs]


def test_the_page_shows_the_generated_briefing_in_an_editable_form(city, march):
    response = signed_in("head").get(page_url(city.community.code), {"month": MONTH})
    assert response.status_code == 200
    html = response.content.decode()
    doc = generated(city)
    assert f"<h2>{doc['title']}</h2>" in html
    for paragraph in doc["paragraphs"]:
        assert f"<p>{paragraph}</p>" in html
    assert re.search(r'<textarea name="text"[^>]*>\s*' + re.escape(doc["paragraphs"][0]), html)
    assert 'name="action" value="reset"' not in html  # nothing to reset yet


def test_the_docx_has_the_title_and_paragraphs_in_a_chinese_font(city, march):
    response = signed_in("head").get(page_url(city.community.code, f"{MONTH}.docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    doc = generated(city)
    paragraphs = docx_paragraphs(response.content)
    assert paragraphs[0] == "京华社区2026年3月工作简报"
    assert paragraphs[1:] == doc["paragraphs"]
    assert "本月共收到群众诉求6件，其中主动发现3件" in "".join(paragraphs)
    document = Document(BytesIO(response.content))
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    title_run = document.paragraphs[0].runs[0]
    assert title_run.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_the_word_html_is_a_document_word_opens(city, march):
    response = signed_in("head").get(page_url(city.community.code, f"{MONTH}.doc"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/msword")
    html = response.content.decode("utf-8")
    assert 'xmlns:w="urn:schemas-microsoft-com:office:word"' in html
    assert '<meta name="ProgId" content="Word.Document">' in html
    assert "mso-fareast-font-family" in html
    assert '<p class="MsoTitle">京华社区2026年3月工作简报</p>' in html
    for paragraph in generated(city)["paragraphs"]:
        assert f'<p class="MsoNormal">{paragraph}</p>' in html


def test_the_pdf_renders_the_chinese_text_and_figures(city, march):
    response = signed_in("head").get(page_url(city.community.code, f"{MONTH}.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "京华社区2026年3月工作简报" in text
    assert "累计走访2户居民" in text
    assert "本月共收到群众诉求6件，其中主动发现3件，主动发现率50%" in text
    for paragraph in generated(city)["paragraphs"]:
        assert flat(paragraph) in text


def test_an_edited_briefing_is_what_every_export_prints_until_it_is_regenerated(city, march, api_client):
    client = signed_in("head")
    response = client.post(page_url(city.community.code), {
        "month": MONTH, "action": "save", "title": "京华社区三月工作简报", "text": EDITED})
    assert response.status_code == 302
    draft = BriefingDraft.objects.get(area_code=city.community.code, month=MONTH)
    assert draft.edited_by == city.community_head
    assert draft.paragraphs == ["2026年3月，京华社区累计走访2000余户居民，324个问题浮出水面。", "社区建立分层处置闭环，推动解决16个工程难题。"]

    html = client.get(page_url(city.community.code), {"month": MONTH}).content.decode()
    assert "<p>社区建立分层处置闭环，推动解决16个工程难题。</p>" in html
    assert 'name="action" value="reset"' in html
    assert docx_paragraphs(client.get(page_url(city.community.code, f"{MONTH}.docx")).content) == [
        "京华社区三月工作简报", *draft.paragraphs]
    assert "累计走访2000余户居民，324个问题浮出水面" in client.get(
        page_url(city.community.code, f"{MONTH}.doc")).content.decode()
    assert "推动解决16个工程难题" in pdf_text(client.get(page_url(city.community.code, f"{MONTH}.pdf")).content)
    body = api_client().login("head").get("/api/v1/briefing", area=city.community.code, month=MONTH).json()
    assert body["title"] == "京华社区三月工作简报"
    assert body["paragraphs"] == draft.paragraphs
    assert body["edited"]["by"] == str(city.community_head)
    assert body["generated"]["text"] == generated(city)["text"]

    response = client.post(page_url(city.community.code), {"month": MONTH, "action": "reset"})
    assert response.status_code == 302
    assert not BriefingDraft.objects.exists()
    assert docx_paragraphs(client.get(page_url(city.community.code, f"{MONTH}.docx")).content)[1:] == \
        generated(city)["paragraphs"]


def test_a_draft_belongs_to_its_month(city, march):
    signed_in("head").post(page_url(city.community.code), {
        "month": MONTH, "action": "save", "title": "三月", "text": "改过的三月简报。"})
    april = signed_in("head").get(page_url(city.community.code, "2026-04.docx")).content
    assert "改过的三月简报。" not in docx_paragraphs(april)


def test_an_empty_text_is_refused_and_nothing_is_saved(city, march):
    response = signed_in("head").post(page_url(city.community.code), {
        "month": MONTH, "action": "save", "title": "三月", "text": "  "})
    assert response.status_code == 422
    assert not BriefingDraft.objects.exists()


def test_each_export_is_recorded_with_its_month_and_format(city, march):
    signed_in("head").get(page_url(city.community.code, f"{MONTH}.pdf"))
    export = StatsExport.objects.get()
    assert (export.user, export.area_code, str(export.date_from), str(export.date_to)) == (
        city.community_head, city.community.code, "2026-03-01", "2026-03-31")
    assert export.filters == {"briefing": MONTH, "format": "pdf", "edited": False}


@pytest.mark.parametrize("suffix", ["", f"{MONTH}.docx", f"{MONTH}.doc", f"{MONTH}.pdf"])
def test_another_communitys_briefing_and_exports_answer_404(city, march, suffix):
    assert signed_in("head").get(page_url(city.other_community.code, suffix), {"month": MONTH}).status_code == 404
    # a grid worker sees the grid, not the community around it
    assert signed_in("gw").get(page_url(city.community.code, suffix), {"month": MONTH}).status_code == 404
    assert not StatsExport.objects.exists()


def test_nobody_can_edit_or_reset_another_areas_briefing(city, march):
    other = city.other_community.code
    signed_in("gw2").post(page_url(city.other_grid.code), {
        "month": MONTH, "action": "save", "title": "东洼第一网格三月", "text": "东洼的简报。"})
    assert BriefingDraft.objects.filter(area_code=city.other_grid.code).exists()

    client = signed_in("head")
    assert client.post(page_url(other), {"month": MONTH, "action": "save", "title": "x", "text": "y"}).status_code == 404
    assert client.post(page_url(city.other_grid.code), {"month": MONTH, "action": "reset"}).status_code == 404
    assert not BriefingDraft.objects.filter(area_code=other).exists()
    assert BriefingDraft.objects.filter(area_code=city.other_grid.code).exists()
    # the other grid's draft does not leak into the community head's own briefing
    assert "东洼的简报。" not in client.get(page_url(city.community.code), {"month": MONTH}).content.decode()


def test_a_malformed_month_is_not_found(city, march):
    assert signed_in("head").get(page_url(city.community.code), {"month": "2026-13"}).status_code == 404
    assert signed_in("head").get(page_url(city.community.code, "2026-3.pdf")).status_code == 404


def test_the_briefing_home_opens_the_users_own_area(city):
    response = signed_in("head").get("/briefing/")
    assert response.status_code == 302
    assert response["Location"] == page_url(city.community.code)
