#!/usr/bin/env python3
"""httpd.py DIR: serves DIR on 127.0.0.1 (a free port, printed on stdout)
for the `portdex update` URL tests. /truncated/NAME sends half of NAME while
announcing all of it; /slow accepts the request and sends nothing for 60 s.
Stops by itself after 120 s."""
import http.server
import os
import sys
import threading
import time

root = sys.argv[1]


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path == "/slow":
            time.sleep(60)
            self.close_connection = True
            return
        if self.path.startswith("/truncated/"):
            data = open(os.path.join(root, os.path.basename(self.path)), "rb").read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
threading.Timer(120, srv.shutdown).start()
srv.serve_forever()
