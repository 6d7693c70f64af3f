"""The overview's first visit through the shipped proxy, byte by byte, without the load of bench/load.py.

    .venv/bin/python bench/page_bytes.py [--before-config FILE | --before-commit REV]

Two replicas of the app, the static server (deploy/nginx-static.conf with the precompressed frontend)
and HAProxy (deploy/haproxy.cfg) on loopback; a fresh headless Chromium opens the overview until its
map has painted, counted as bench/load.py counts it (tests/browser/proxy.page_bytes): over HTTPS,
over HTTPS with a browser that accepts only gzip, and, with --before-*, through another HAProxy
configuration in front of the same replicas (e.g. main's, which gzips with libslz). Prints each
total and its breakdown by part (bench/load.page_parts), the figures of BENCHMARKS.md's table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_DIR))
from bench.load import TARGET_PAGE_BYTES, page_parts  # noqa: E402
from tests.browser import harness, proxy, static_server  # noqa: E402

# A configuration from before the static server has no `# static server:` block; an empty one lets
# tests/browser/proxy.py use it unchanged.
EMPTY_STATIC_BLOCK = "\nbackend static\n    # static server: begin\n    # static server: end\n"


def before_config(args: argparse.Namespace) -> str | None:
    if args.before_config:
        text = args.before_config.read_text(encoding="utf-8")
    elif args.before_commit:
        shown = f"{args.before_commit}:deploy/haproxy.cfg"
        text = subprocess.run(["git", "-C", str(REPO_DIR), "show", shown], capture_output=True, text=True,
                              check=True).stdout
    else:
        return None
    return text if "# static server: begin" in text else text + EMPTY_STATIC_BLOCK


def gzip_only_page(original):
    """harness.new_app_page for a browser that accepts gzip but not brotli."""

    def new_app_page(browser, base_url, **options):
        app = original(browser, base_url, **options)
        app.context.set_extra_http_headers({"Accept-Encoding": "gzip, deflate"})
        return app

    return new_app_page


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    before = parser.add_mutually_exclusive_group()
    before.add_argument("--before-config", type=Path, help="an HAProxy configuration to compare with")
    before.add_argument("--before-commit", help="compare with deploy/haproxy.cfg of this commit")
    args = parser.parse_args(argv)
    for reason in (proxy.haproxy_missing_reason(), static_server.nginx_missing_reason(),
                   harness.chromium_missing_reason()):
        if reason:
            parser.error(reason)
    old = before_config(args)
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)

    from playwright.sync_api import sync_playwright

    started: list = []
    results: dict[str, proxy.PageBytes] = {}
    try:
        static = static_server.start_static_server()
        started.append(static)
        replicas = proxy.start_replicas("app.py", 2, timeout_s=180)
        started += replicas
        ports = [proxy.port_of(server) for server in replicas]
        fronts = {"HTTPS": proxy.start_proxy(ports, static_port=static.port, tls=True)}
        started.append(fronts["HTTPS"])
        if old is not None:
            fronts["before"] = proxy.start_proxy(ports, config=old)
            started.append(fronts["before"])
        with sync_playwright() as playwright:
            browser = harness.launch_chromium(playwright)
            try:
                if "before" in fronts:
                    results["before (its own config, HTTP)"] = proxy.page_bytes(fronts["before"].base_url,
                                                                               browser=browser)
                results["after (HTTPS, brotli)"] = proxy.page_bytes(fronts["HTTPS"].base_url, browser=browser)
                original = harness.new_app_page
                harness.new_app_page = gzip_only_page(original)
                try:
                    results["after (HTTPS, gzip only)"] = proxy.page_bytes(fronts["HTTPS"].base_url,
                                                                          browser=browser)
                finally:
                    harness.new_app_page = original
            finally:
                browser.close()
    finally:
        for server in reversed(started):
            server.stop()
    for name, page in results.items():
        print(f"\n{name}: {page.total:,} B (HTTP {page.http:,} + WebSocket {page.websocket:,}), "
              f"{len(page.responses)} responses")
        for part, size in page_parts(page).items():
            print(f"  {part:58} {size:>11,}")
    print(f"\nload average after: {Path('/proc/loadavg').read_text().split()[:3]}")
    return 0 if results["after (HTTPS, brotli)"].total <= TARGET_PAGE_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
