"""Photo benchmarks against the real server (`webboard serve`, Granian, two workers), loopback only,
bounded:

1. Upload to published: a member replies with one 12-megapixel JPEG (photo-like content, a few
   MB); the time from sending the request to the 303 that says the reply is published, which
   includes decoding, orienting and re-encoding all three sizes and writing them. Sequential.
2. The thread page with 10 photos against the same page without them, in requests/s (wrk), for a
   guest (served from the page cache) and for a logged-in member (rendered every time): the same
   thread, its photos switched off and on between rounds (rows marked removed and the thread's
   cached page invalidated, so the page runs the same queries and differs only by the photos).

    .venv/bin/python benchmarks/photos_bench.py            # UPLOADS=20 ROUNDS=5 DURATION=5 CONNS=16
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from forum.page_cache import store_for, thread_tag  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UPLOADS = int(os.environ.get("UPLOADS", "20"))
ROUNDS = int(os.environ.get("ROUNDS", "5"))
DURATION = int(os.environ.get("DURATION", "5"))
CONNS = int(os.environ.get("CONNS", "16"))


def photo_like(width: int = 4000, height: int = 3000, seed: int = 0) -> bytes:
    """A 12-megapixel JPEG that compresses like a phone photo (shapes, gradients and sensor-like
    noise), with EXIF, at phone quality."""
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(base)
    for k in range(40):
        x, y = (k * 997 + seed * 131) % width, (k * 613 + seed * 71) % height
        draw.ellipse((x, y, x + 400 + k * 10, y + 300 + k * 7), fill=((k * 53) % 255, (k * 97) % 255, (k * 29) % 255))
    base = base.filter(ImageFilter.GaussianBlur(3))
    noise = Image.effect_noise((width, height), 18).convert("RGB")
    image = Image.blend(base, noise, 0.12)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def login(client: httpx.Client, login_id: str, password: str) -> None:
    client.get("/login")
    response = client.post("/login", data={"_csrf_token": client.cookies["csrftoken"], "login_id": login_id,
                                           "password": password})
    assert response.status_code == 303, response.text[:500]


def server_cpu(leader: int) -> float:
    """CPU seconds (user + system, threads included) of the server's process group so far."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == leader:  # process group id
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(url: str, leader: int, cookie: str | None = None) -> tuple[float, float]:
    """Requests/s, and the server's CPU milliseconds per request over the run (the second is
    steadier on a shared machine: other processes' load changes the first much more)."""
    cpu = server_cpu(leader)
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(["timeout", str(DURATION + 20), "wrk", "-t1", f"-c{CONNS}", f"-d{DURATION}s", *headers, url],
                         capture_output=True, text=True, check=True).stdout
    cpu = server_cpu(leader) - cpu
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), cpu / max(1, requests) * 1000


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="webboard-photo-bench-"))
    env = {**os.environ, "WEBBOARD_DATA_DIR": str(data), "WEBBOARD_PHOTO_HOLD_MIN_POSTS": "0",
           "WEBBOARD_PHOTO_HOLD_DAYS": "0", "WEBBOARD_PHOTO_SWEEP_SECONDS": "0"}
    env.pop("DATABASE_URL", None)
    subprocess.run([str(BIN / "webboard"), "seed-demo"], env=env, check=True, capture_output=True, timeout=600)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(BIN / "webboard"), "serve", "--port", str(port), "--workers", "2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(240):
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        time.sleep(5)  # start-up work (duplicate index, model) settles
        client = httpx.Client(base_url=base, timeout=60)
        login(client, "nok", "demo-member-2026")
        thread_id = int(re.search(r'href="/t/(\d+)"', client.get("/c/maintenance").text).group(1))

        # 1. Upload to published.
        photo = photo_like()
        print(f"12-megapixel JPEG: {len(photo) / 1e6:.1f} MB, 4000x3000, EXIF orientation 6")
        times = []
        cpu_before = server_cpu(server.pid)
        for n in range(UPLOADS):
            files = [("photo_file_1", ("IMG.jpg", photo, "image/jpeg"))]
            form = {"_csrf_token": client.cookies["csrftoken"], "body": f"รูปประกอบครั้งที่ {n} ของผมครับ",
                    "photo_caption_1": f"photo {n}"}
            start = time.perf_counter()
            response = client.post(f"/t/{thread_id}/reply", data=form, files=files)
            elapsed = time.perf_counter() - start
            assert response.status_code == 303, response.text[:800]
            times.append(elapsed)
        cpu_ms = (server_cpu(server.pid) - cpu_before) / UPLOADS * 1000
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(f"upload to published, {UPLOADS} sequential uploads: p50 {statistics.median(times) * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms (target p95 < 1500 ms); "
              f"server CPU {cpu_ms:.0f} ms per upload; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

        # 2. The thread page with 10 photos and without them.
        photos = [("photo_file_%d" % (k + 1), (f"IMG_{k}.jpg", photo_like(seed=k + 1), "image/jpeg")) for k in range(10)]
        form = {"_csrf_token": client.cookies["csrftoken"], "category_id": "", "title": "Jazz สีเหลืองมะนาว หลังทำสีใหม่ทั้งคัน 10 มุม",
                "body": "ทำสีที่อู่แถวบางนา สองอาทิตย์เสร็จ ลองดูงานเก็บขอบประตูกับกันชนครับ"}
        category = re.search(r'name="category_id".*?value="(\d+)" selected', client.get("/c/general/new").text, re.S)
        form["category_id"] = category.group(1) if category else "7"
        response = client.post("/c/general/new", data=form, files=photos)
        alerts = re.findall(r'role="alert"[^>]*>([^<]+)', response.text)
        assert response.status_code == 303, (response.status_code, alerts)
        page_path = response.headers["location"]
        html = httpx.get(base + page_path).text
        assert html.count("/thumb.jpg") >= 9, "the thread should show its photos to guests"
        db = sqlite3.connect(data / "webboard.db")
        post_id, thread_of_post = db.execute(
            "SELECT p.id, p.thread_id FROM posts p WHERE p.id = (SELECT max(post_id) FROM photos)").fetchone()
        generations = store_for(data, None)  # the page cache's generations, as the server reads them
        member_cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        viewers = {"guest": None, "member": member_cookie}
        runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(ROUNDS):  # alternating, so both see the same machine
            for label, status in (("with", "attached"), ("without", "removed")):
                db.execute("UPDATE photos SET status = ? WHERE post_id = ?", (status, post_id))
                db.commit()
                generations.bump([thread_tag(thread_of_post)])  # a raw UPDATE: tell the cache
                assert ("/thumb.jpg" in httpx.get(base + page_path).text) == (label == "with")
                assert ("/thumb.jpg" in client.get(page_path).text) == (label == "with")
                for viewer, cookie in viewers.items():
                    runs.setdefault((viewer, label), []).append(wrk(base + page_path, server.pid, cookie))
        for viewer in viewers:
            rps = {label: statistics.median(r for r, _ in runs[viewer, label]) for label in ("with", "without")}
            cpu = {label: statistics.median(c for _, c in runs[viewer, label]) for label in ("with", "without")}
            for label in ("with", "without"):
                print(f"{viewer}: thread page {page_path} {label} 10 photos, wrk -c{CONNS} {DURATION}s x {ROUNDS}: "
                      f"{rps[label]:.0f} req/s median (rounds {', '.join(f'{r:.0f}' for r, _ in runs[viewer, label])}), "
                      f"server CPU {cpu[label]:.2f} ms per request")
            print(f"{viewer}: with/without req/s ratio {rps['with'] / rps['without']:.2f}, CPU per request ratio "
                  f"{cpu['without'] / cpu['with']:.2f} (target >= 0.90)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
