"""The monthly briefing as a document to hand on: DOCX (python-docx), Word-compatible HTML
(a .doc file Word opens as a document) and PDF (WeasyPrint, through wangge.web.documents).

All three print the same thing: briefing.current — the saved draft when someone edited the
text, the generated text otherwise.
"""
from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse
from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from wangge.web.documents import pdf_response

# Fonts named in the DOCX. Word picks the east-Asian font for Chinese characters from the
# w:eastAsia attribute (python-docx's font.name sets only the Latin ones); LibreOffice and WPS
# substitute Noto/思源 when 宋体 is not installed.
BODY_FONT = "宋体"
TITLE_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(14)   # 四号
TITLE_SIZE = Pt(22)  # 二号

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WORD_HTML_TYPE = "application/msword"


def _fonts(target, east_asian: str, size) -> None:
    """Set the Latin and the east-Asian font of a style or a run."""
    target.font.name = LATIN_FONT
    target.font.size = size
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def docx_bytes(doc: dict) -> bytes:
    """The briefing (``title``, ``paragraphs``, ``area_name``, ``month``) as a DOCX file."""
    document = Document()
    document.core_properties.title = doc["title"]
    document.core_properties.language = "zh-CN"
    _fonts(document.styles["Normal"], BODY_FONT, BODY_SIZE)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(doc["title"])
    _fonts(run, TITLE_FONT, TITLE_SIZE)
    run.bold = True
    for text in doc["paragraphs"]:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2  # 首行缩进两字
        paragraph.paragraph_format.line_spacing = 1.5
        _fonts(paragraph.add_run(text), BODY_FONT, BODY_SIZE)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _attachment(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def docx_response(doc: dict) -> HttpResponse:
    return _attachment(docx_bytes(doc), DOCX_TYPE, f"{doc['title']}.docx")


def word_html(doc: dict) -> str:
    """HTML with Microsoft Office's namespaces and meta tags: saved as .doc, Word opens it in
    print layout as a document."""
    return render_to_string("stats/briefing_word.html", {"doc": doc, "body_font": BODY_FONT, "title_font": TITLE_FONT})


def word_html_response(doc: dict) -> HttpResponse:
    return _attachment(word_html(doc).encode("utf-8"), f"{WORD_HTML_TYPE}; charset=utf-8", f"{doc['title']}.doc")


def pdf(doc: dict, request=None) -> HttpResponse:
    return pdf_response("stats/briefing_print.html", {"doc": doc}, f"{doc['title']}.pdf", request=request)
