#!/usr/bin/env python3
"""no-raw-controls.py FILE...: fails (exit 1) when a file is not UTF-8 or
holds a character that could drive a terminal: C0 controls but newline and
tab, DEL, C1 controls, the bidi controls (U+061C, U+200E, U+200F,
U+202A-U+202E, U+2066-U+2069) or U+2028, U+2029. Written apart from the C
code it checks (lib/buf.c), so that a mistake there shows here."""
import re
import sys

BAD = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]')
failed = 0
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        print(f'{path}: not UTF-8 at byte {e.start}: {data[max(0, e.start - 30):e.start + 10]!r}')
        failed = 1
        continue
    m = BAD.search(text)
    if m:
        print(f'{path}: raw U+{ord(m.group()):04X} in {text[max(0, m.start() - 30):m.end() + 10]!r}')
        failed = 1
sys.exit(failed)
