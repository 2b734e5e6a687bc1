"""CPU of two per-response steps of the cached pages, in isolation (h-readers): the security-headers
before-send hook on a 200 response start, and forum.member_pages.fill on a 50 KB category page (account
menu and two tokens) and on a thread page of 20 posts. TREE is the code to import (a main checkout to compare).

    python benchmarks/fill_micro.py TREE
"""
import sys
import timeit
tree = sys.argv[1]; sys.path.insert(0, tree)
from forum.headers import security_headers
from forum import member_pages as mp
hook = security_headers(False)
base = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"61234")]
def one():
    msg = {"type": "http.response.start", "status": 200, "headers": list(base)}
    try:
        hook(msg, {"path": "/c/maintenance"}).send(None)
    except StopIteration:
        pass
n = 20000  # calls per figure
t = timeit.timeit(one, number=n)
print(f"{tree}: security headers hook {t / n * 1e6:.1f} us per response")
nonce = "N"
parts = [b"<html>" * 500, b"acct", b"x" * 30000, b"csrf", b"y" * 20000, b"csrf", b"</html>"]
viewer = mp.Viewer(1901, {"display_name": "สมชาย ใจดี"}, 3, "t" * 128, "member")
t = timeit.timeit(lambda: mp.fill(parts, viewer, "t" * 128), number=n)
print(f"{tree}: fill of a category page (menu + 2 tokens) {t / n * 1e6:.1f} us")
tparts = [b"<html>"]
for i in range(20):
    tparts += [f"post.{1000 + i}.{5 if i else 1901}".encode(), b"z" * 1500]
tparts += [b"acct", b"</html>"]
t = timeit.timeit(lambda: mp.fill(tparts, viewer, "t" * 128), number=n)
print(f"{tree}: fill of a thread page (menu + 20 posts) {t / n * 1e6:.1f} us")
