#!/usr/bin/env python3
"""Looks at Jenkins pages the way a user does: headless Chromium, driven over the W3C WebDriver protocol by
Debian's chromedriver (standard library only, nothing to download).

Logs in through the login form, then for every NAME=PATH argument opens BASE/PATH, waits until the page has loaded,
and writes NAME.png (the whole page), NAME.txt (the text a user sees: document.body.innerText), NAME.text (all
text of the DOM, collapsed parts included: document.documentElement.textContent) and NAME.html (the DOM as
rendered) into --out. With NAME=PATH!submit it then submits the page's form with its Submit button, as a user
saving a configuration page does. Prints one JSON object per page on standard output:

  {"name", "url", "final_url", "title", "xss", "injected", "alert", "png", "width", "height"[, "submitted_to"]}

`xss` is the value of window.__e2eXss after the page settled (null when no script set it), `injected` the number of
elements in the DOM whose event handler or script mentions __e2eXss (0 when markup was shown as text), and `alert`
the text of any JavaScript dialog that opened: pages under test carry markup that would do these if it ran.

The password is read from the environment variable E2E_BROWSER_PASSWORD, not from the command line.
Exit status: 0 when every page was captured, 1 otherwise (the JSON says which), 2 on bad usage.
"""
import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
# The flags that work on these machines: without the background-networking ones Chromium keeps trying hosts the
# closed network refuses.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1400,1000"]


class WebDriverError(Exception):
    def __init__(self, status, error, message):
        super().__init__(f"{status} {error}: {message}")
        self.error = error


class Driver:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None, timeout=120):
        url = self.base + (f"/session/{self.session}" if self.session else "") + path
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.loads(r.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            payload = json.loads(e.read() or b"{}").get("value") or {}
            raise WebDriverError(e.code, payload.get("error", "?"), payload.get("message", "")[:500]) from None

    def start(self, binary, user_data_dir):
        args = CHROMIUM_ARGS + [f"--user-data-dir={user_data_dir}"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "unhandledPromptBehavior": "ignore",
                                                 "goog:chromeOptions": {"binary": binary, "args": args}}}}
        value = self.call("POST", "/session", caps)
        self.session = value["sessionId"]

    def go(self, url):
        self.call("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        return self.call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def alert_text(self):
        try:
            return self.call("GET", "/alert/text")
        except WebDriverError as e:
            if e.error == "no such alert":
                return None
            raise

    def quit(self):
        if self.session:
            try:
                self.call("DELETE", "", timeout=30)
            except Exception:  # the browser may be gone already
                pass
            self.session = None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_loaded(d, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if d.alert_text() is not None:
            return
        if d.js("return document.readyState") == "complete":
            time.sleep(1.0)  # let deferred scripts (and any injected one) run
            return
        time.sleep(0.3)


def capture(d, name, url, out):
    d.call("POST", "/window/rect", {"width": 1400, "height": 1000})
    d.go(url)
    wait_loaded(d)
    alert = d.alert_text()
    if alert is not None:
        d.call("POST", "/alert/dismiss")
    page = {"name": name, "url": url, "alert": alert}
    page["final_url"] = d.call("GET", "/url")
    page["title"] = d.js("return document.title")
    page["xss"] = d.js("return (typeof window.__e2eXss === 'undefined') ? null : String(window.__e2eXss)")
    # elements made from the markup under test: handlers or scripts that mention the marker variable
    page["injected"] = d.js("return document.querySelectorAll('[onerror*=\"__e2eXss\"],[onload*=\"__e2eXss\"]').length"
                            " + Array.from(document.scripts).filter(s => s.text.includes('__e2eXss')).length")
    # the whole page: as wide and as tall as its content (wide tables scroll sideways in a 1400 px window)
    width = int(d.js("return Math.max(document.body.scrollWidth, document.documentElement.scrollWidth)") or 1400)
    width = max(1400, min(width + 20, 2600))
    d.call("POST", "/window/rect", {"width": width, "height": 1000})
    time.sleep(0.3)
    height = int(d.js("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)") or 1000)
    height = max(600, min(height + 40, 6000))
    d.call("POST", "/window/rect", {"width": width, "height": height})
    time.sleep(0.5)
    png = base64.b64decode(d.call("GET", "/screenshot"))
    page["png"] = os.path.join(out, name + ".png")
    with open(page["png"], "wb") as f:
        f.write(png)
    page["width"], page["height"] = width, height
    with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as f:
        f.write(d.js("return document.body.innerText") or "")
    with open(os.path.join(out, name + ".text"), "w", encoding="utf-8") as f:
        f.write(d.js("return document.documentElement.textContent") or "")
    with open(os.path.join(out, name + ".html"), "w", encoding="utf-8") as f:
        f.write(d.js("return document.documentElement.outerHTML") or "")
    return page


def submit_form(d):
    """Clicks the page's Submit button (Jenkins forms name it so) as a user would; answers where the browser landed."""
    button = d.find("button[name=Submit]")
    d.js("arguments[0].scrollIntoView({block: 'center'})", {ELEMENT: button})
    before = d.call("GET", "/url")
    d.call("POST", f"/element/{button}/click", {})
    end = time.time() + 60
    while time.time() < end and d.call("GET", "/url") == before:
        time.sleep(0.5)
    wait_loaded(d)
    return d.call("GET", "/url")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="the controller's root URL, ending in /")
    p.add_argument("--user", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    p.add_argument("pages", nargs="+", metavar="NAME=PATH[!submit]",
                   help="a page to capture; with !submit, its form is then submitted with its Submit button")
    a = p.parse_args()
    password = os.environ.get("E2E_BROWSER_PASSWORD")
    if password is None:
        print("browser.py: E2E_BROWSER_PASSWORD is not set", file=sys.stderr)
        return 2
    pages = []
    for spec in a.pages:
        name, sep, path = spec.partition("=")
        if not sep or not name:
            print(f"browser.py: not NAME=PATH: {spec}", file=sys.stderr)
            return 2
        pages.append((name, path))
    os.makedirs(a.out, exist_ok=True)

    port = free_port()
    profile = tempfile.mkdtemp(prefix="e2e-chromium-")
    log = open(os.path.join(a.out, "chromedriver.log"), "ab")
    driver_proc = subprocess.Popen([a.chromedriver, f"--port={port}", "--allowed-ips=127.0.0.1"],
                                   stdout=log, stderr=subprocess.STDOUT)
    d = Driver(port)
    failed = False
    try:
        for _ in range(100):
            try:
                d.call("GET", "/status", timeout=5)
                break
            except Exception:
                time.sleep(0.2)
        d.start(a.chromium, profile)
        d.go(a.url + "login")
        wait_loaded(d)
        user = d.find("input[name=j_username]")
        d.call("POST", f"/element/{user}/value", {"text": a.user})
        pw = d.find("input[name=j_password]")
        d.call("POST", f"/element/{pw}/value", {"text": password + "\ue007"})  # Enter submits the form
        end = time.time() + 60
        while time.time() < end and "/login" in (d.call("GET", "/url") or "/login"):
            time.sleep(0.5)
        if "/login" in d.call("GET", "/url"):
            print(json.dumps({"name": "login", "error": "still on the login page after submitting the form"}))
            return 1
        for name, path in pages:
            try:
                submit = path.endswith("!submit")
                page = capture(d, name, a.url + path.removesuffix("!submit").lstrip("/"), a.out)
                if submit:
                    page["submitted_to"] = submit_form(d)
                print(json.dumps(page), flush=True)
            except Exception as e:  # one broken page must not hide the others
                failed = True
                print(json.dumps({"name": name, "url": a.url + path, "error": str(e)}), flush=True)
    finally:
        d.quit()
        driver_proc.terminate()
        try:
            driver_proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            driver_proc.kill()
        log.close()
        shutil.rmtree(profile, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
