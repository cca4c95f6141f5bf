"""Printable documents: HTML rendered to PDF by WeasyPrint.

Every PDF wangge hands out (a volunteer's hours certificate, the monthly
briefing) is a Django template rendered to HTML and then to PDF here, so the
fonts and page rules live in one place. The CJK fonts come from Debian's
``fonts-noto-cjk`` (installed by ``scripts/setup``); nothing is fetched at
run time: templates inline their styles and WeasyPrint is given no base URL
for remote resources.
"""
from django.http import HttpResponse
from django.template.loader import render_to_string

#: The font stack for printed Chinese text; the first installed one wins.
PRINT_FONTS = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif'


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"documents do not fetch resources: {url}")


def pdf_from_html(html: str) -> bytes:
    """Render an HTML document (styles inline) to PDF bytes."""
    from weasyprint import HTML  # imported lazily: loading pango costs ~0.3 s

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def pdf_response(template: str, context: dict, filename: str, request=None) -> HttpResponse:
    """Render ``template`` with ``context`` to a PDF download named ``filename``.

    The template may use ``print_fonts`` for its ``font-family``.
    """
    html = render_to_string(template, {"print_fonts": PRINT_FONTS, **context}, request=request)
    response = HttpResponse(pdf_from_html(html), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)
