#!/usr/bin/env python3
"""html-structure.py FILE TITLE (TITLE '*': any): FILE is one whole HTML page in the site's
frame: a doctype, then html > head (one title, "TITLE - portdex"), body >
header, exactly one main, footer, in that order; every element that is not
void is closed, in order. Prints "ok" or what is wrong, one line."""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "path", "rect", "circle", "line", "polygon", "polyline", "use", "text"}


class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.count, self.body_children, self.title = [], [], {}, [], None
        self.doctype = False

    def handle_decl(self, decl):
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        if tag != "title" or self.stack == ["html", "head"]:  # an SVG has titles of its own
            self.count[tag] = self.count.get(tag, 0) + 1
        if tag == "main" and self.stack[-1:] != ["body"]:
            self.errors.append("<main> inside %s" % "/".join(self.stack))
        if self.stack == ["html", "body"]:
            self.body_children.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
        if self.stack == ["html", "body"]:
            self.body_children.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes %s" % (tag, "/".join(self.stack) or "nothing"))
            if tag in self.stack:
                del self.stack[self.stack.index(tag):]
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack == ["html", "head", "title"]:
            self.title = (self.title or "") + data


page = open(sys.argv[1], encoding="utf-8").read()
c = Check()
c.feed(page)
c.close()
want_title = sys.argv[2] + " - portdex"
if not c.doctype:
    c.errors.append("no <!doctype html>")
if c.stack:
    c.errors.append("not closed: " + "/".join(c.stack))
for tag in ("html", "head", "title", "body", "header", "main", "footer"):
    if c.count.get(tag, 0) != 1:
        c.errors.append("%d <%s>" % (c.count.get(tag, 0), tag))
if c.body_children != ["header", "main", "footer"]:
    c.errors.append("body holds " + ", ".join(c.body_children))
if not (c.title or "").endswith(" - portdex") or (sys.argv[2] != "*" and c.title != want_title):
    c.errors.append("title %r, want %r" % (c.title, want_title))
print("; ".join(c.errors) if c.errors else "ok")
