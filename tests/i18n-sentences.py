#!/usr/bin/env python3
"""i18n-sentences.py EN.html OTHER.html LANG [CARD.json]: fails (exit 1, one line per
finding) when the page OTHER.html, which should be in LANG, repeats a
sentence of the English page EN.html, or is not marked as LANG.

A sentence is the text of a heading, paragraph, list item, table cell,
term, caption or title, cut at . ! ? followed by a space; sentences of
fewer than four words of two letters or more (a name, a number, a command)
are not compared. Code (<code>, <pre>) and the registry's quoted words
(elements marked lang="en" on a page in another language) are left out;
so are sentences made only of the registry's own words for the port
(its descriptions, names and notes in CARD.json, `portdex PORT --json`),
which every language quotes as IANA wrote them."""
import html.parser
import json
import re
import sys

BLOCKS = {"title", "h1", "h2", "h3", "h4", "p", "li", "td", "th", "dt", "dd", "figcaption", "caption",
          "summary", "button", "label", "legend", "option"}
SKIP = {"code", "pre", "script", "style", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []      # (tag, skipping)
        self.chunks = []
        self.cur = []
        self.html_lang = None

    def skipping(self):
        return any(s for _, s in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag in VOID:
            if tag == "br":
                self.flush()
            return
        if tag in BLOCKS:
            self.flush()
        skip = tag in SKIP or (a.get("lang") == "en" and self.html_lang not in (None, "en"))
        self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data):
        if not self.skipping():
            self.cur.append(data)

    def flush(self):
        t = " ".join("".join(self.cur).split())
        if t:
            self.chunks.append(t)
        self.cur = []


def sentences(path):
    p = Text()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.flush()
    out = set()
    for chunk in p.chunks:
        for s in re.split(r"(?<=[.!?])\s+", chunk):
            s = s.strip()
            if len(re.findall(r"[^\W\d_]{2,}", s)) >= 4:
                out.add(s)
    return p.html_lang, out, " ".join(p.chunks)


def registry_words(path):
    """the registry's strings for the port: descriptions, names, notes"""
    out = []

    def walk(x, key=None):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, k)
        elif isinstance(x, list):
            for v in x:
                walk(v, key)
        elif isinstance(x, str) and len(x) > 1 and key in ("description", "name", "notes", "transport"):
            out.append(x)
    with open(path, encoding="utf-8") as f:
        walk(json.load(f))
    return sorted(set(out), key=len, reverse=True)


def quoted_only(s, words):
    for w in words:
        s = re.sub(r"(?<!\w)" + re.escape(w) + r"(?!\w)", " ", s)
    return len(re.findall(r"[^\W\d_]{2,}", s)) < 4


def main():
    en_lang, en, _ = sentences(sys.argv[1])
    if len(sys.argv) > 4:
        words = registry_words(sys.argv[4]) + ["TCP", "UDP", "SCTP", "DCCP"]
        en = {s for s in en if not quoted_only(s, words)}
    lang, _, other_text = sentences(sys.argv[2])
    want = sys.argv[3]
    bad = 0
    if lang != want:
        print(f"{sys.argv[2]}: <html lang=\"{lang}\">, want \"{want}\"")
        bad += 1
    if not en:
        print(f"{sys.argv[1]}: no English sentence found")
        bad += 1
    for s in sorted(en):
        if s in other_text:
            print(f"{sys.argv[2]}: repeats the English sentence: {s[:160]}")
            bad += 1
    return 1 if bad else 0


sys.exit(main())
