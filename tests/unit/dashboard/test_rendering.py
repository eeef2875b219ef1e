from genshi.core import Stream
from genshi.template import MarkupTemplate, TemplateLoader

from devjavu.dashboard.rendering import TEMPLATE_DIR, title_and_body

PAGE = """<html xmlns="http://www.w3.org/1999/xhtml" xmlns:py="http://genshi.edgewall.org/">
  <head><title>${name} settings</title></head>
  <body>
    <h1>${name}</h1>
    <pre>two
lines</pre>
    <div><p py:for="i in range(2)">${i}</p></div>
  </body>
</html>"""


def _html(events) -> str:
    return Stream(events).render("html")


def test_the_title_and_only_the_body_are_taken_from_a_page():
    title, body = title_and_body(MarkupTemplate(PAGE).generate(name="<demo>"))
    assert title == "<demo> settings"
    html = _html(body)
    assert html.strip().startswith("<h1>&lt;demo&gt;</h1>")      # still escaped
    assert "<pre>two\nlines</pre>" in html                         # whitespace kept
    assert "<div><p>0</p><p>1</p></div>" in html
    assert "title" not in html and "body" not in html


def test_every_dashboard_template_has_a_title_and_a_body():
    loader = TemplateLoader([str(TEMPLATE_DIR)])
    pages = [p for p in TEMPLATE_DIR.rglob("*.html")
             if p.name not in ("layout.html", "macros.html", "nav.html")]
    assert len(pages) > 10
    for page in pages:
        text = page.read_text()
        assert "<head><title>" in text and "<body>" in text, page
        assert "layout.html" not in text, page
    assert loader.load("layout.html")
