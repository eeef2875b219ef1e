"""Genshi templates as a Pyramid renderer: `renderer="devjavu:dashboard/templates/x.html"`.

Genshi escapes every substituted value unless a template asks otherwise, so user input
(a project description of `<script>`) always shows as text.

A page template is a small document: `<head><title>` and `<body>`. The renderer takes
the title text and the body's content from it in one pass and puts them into
layout.html, the site's one page frame. (Genshi's own way, `py:match` with `select()`,
tests an XPath against every event of every page: a quarter of a page's CPU.)
"""
from pathlib import Path

from genshi.core import END, START, TEXT, QName
from genshi.template import TemplateLoader
from pyramid.csrf import get_csrf_token

TEMPLATE_DIR = Path(__file__).parent / "templates"
LAYOUT = "layout.html"
_XHTML = "http://www.w3.org/1999/xhtml}"
_TITLE = QName(_XHTML + "title")
_BODY = QName(_XHTML + "body")


def title_and_body(stream) -> tuple[str, list]:
    """A page's title text and the events inside its <body>."""
    title: list[str] = []
    body: list = []
    in_title = in_body = False
    for event in stream:
        kind, data, _ = event
        if in_body:
            if kind is END and data == _BODY:
                in_body = False
            else:
                body.append(event)
        elif kind is START:
            in_title = in_title or data[0] == _TITLE
            in_body = data[0] == _BODY
        elif kind is END and data == _TITLE:
            in_title = False
        elif in_title and kind is TEXT:
            title.append(data)
    return "".join(title).strip(), body


class GenshiRendererFactory:
    def __init__(self, auto_reload: bool):
        self.loader = TemplateLoader([str(TEMPLATE_DIR)], auto_reload=auto_reload)

    def __call__(self, info):
        name = info.name.split(":", 1)[-1].removeprefix("dashboard/templates/")
        loader = self.loader

        def render(value, system):
            request = system.get("request")
            if request is not None:
                request.response.content_type = "text/html"
                request.response.charset = "utf-8"
            data = dict(system)
            if request is not None:
                data["csrf_token"] = get_csrf_token(request)
            data.update(value)
            title, content = title_and_body(loader.load(name).generate(**data))
            page = loader.load(LAYOUT).generate(**{**data, "title": title,
                                                   "content": content})
            # Genshi's whitespace filter costs a third of a page's rendering and saves
            # a few hundred bytes.
            return page.render("html", doctype="html5", strip_whitespace=False)

        return render


def includeme(config):
    settings = config.get_settings()
    auto_reload = str(settings.get("pyramid.reload_templates", "false")).lower() == "true"
    config.add_renderer(".html", GenshiRendererFactory(auto_reload))
