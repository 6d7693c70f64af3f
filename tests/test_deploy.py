"""deploy/: the HAProxy configuration parsed by HAProxy itself (with and without TLS), the static
server's nginx configuration parsed by nginx itself, the Kubernetes manifests validated against the
Kubernetes schemas (offline, the schemas ship with kubernetes-validate), compose.yaml.

The proxy in front of real replicas and the static server (headers, precompressed files, stickiness,
WebSocket, HTTPS, the map painting under the Content-Security-Policy, the page's bytes) is tested in
tests/browser/test_proxy.py.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

import kubernetes_validate
import pytest
import streamlit
import yaml
from conftest import REPO_DIR

from tests.browser import harness, proxy, static_server

DEPLOY_DIR = REPO_DIR / "deploy"
CONFIG = proxy.CONFIG_PATH.read_text(encoding="utf-8")
STATIC_CONFIG = static_server.CONFIG_PATH.read_text(encoding="utf-8")
MANIFEST_PATHS = sorted((DEPLOY_DIR / "kubernetes").glob("*.yaml"))
KUBERNETES_VERSION = "1.37.0"


def manifests() -> dict[str, dict]:
    """Every Kubernetes object in deploy/kubernetes/, by kind."""
    objects = [doc for path in MANIFEST_PATHS for doc in yaml.safe_load_all(path.read_text()) if doc]
    return {obj["kind"]: obj for obj in objects}


def missing_tool(reason: str) -> None:
    """Skip for a tool that is not installed here, but fail under CI, where
    scripts/install_proxy_deps.sh installs it: the proxy tests must not skip there."""
    if harness.browser_required() or os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; proxy tests must not skip in CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def haproxy() -> Path:
    """Debian's haproxy, or a skip (a failure under CI)."""
    reason = proxy.haproxy_missing_reason()
    if reason is not None:
        missing_tool(reason)
    return proxy.HAPROXY_PATH


@pytest.fixture(scope="module")
def nginx() -> Path:
    """Debian's nginx, or a skip (a failure under CI)."""
    reason = static_server.nginx_missing_reason()
    if reason is not None:
        missing_tool(reason)
    return static_server.NGINX_PATH


@pytest.fixture(scope="module")
def tls_pem(haproxy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate and key in one PEM file, as ATLAS_TLS_PEM expects (openssl)."""
    if not proxy.OPENSSL_PATH.is_file():
        missing_tool(f"{proxy.OPENSSL_PATH} is missing (scripts/install_proxy_deps.sh)")
    return proxy.self_signed_pem(tmp_path_factory.mktemp("tls"))


def section(name: str, text: str = CONFIG) -> str:
    """The lines of one `frontend`/`backend`/… section of the configuration, up to the next one."""
    # Conditional lines (.if/.else/.endif) start in the first column too: not a new section.
    sections = "global|defaults|frontend|backend|listen|resolvers"
    match = re.search(rf"^{re.escape(name)}\n(.*?)(?=^(?:{sections})\b|\Z)", text + "\n", re.M | re.S)
    assert match, f"no section {name!r}"
    return match.group(1)


def directive(name: str, text: str = CONFIG) -> list[str]:
    """The arguments of every line of the configuration that starts with `name`."""
    return [m.group(1).strip() for m in re.finditer(rf"^\s*{re.escape(name)}\s+(.*)$", text, re.M)]


def header_value(name: str) -> str:
    """The value the proxy sets for a response header (quotes and an `if`/`unless` condition removed)."""
    (value,) = [
        re.fullmatch(r'\S+ ("[^"]*"|\S+)(?: (?:if|unless) .*)?', args).group(1)
        for args in directive("http-response set-header")
        if args.split(" ", 1)[0] == name
    ]
    return value.strip('"')


def header_condition(name: str) -> str:
    """The `if …`/`unless …` that decides when the proxy sets a header ("" for always)."""
    (args,) = [args for args in directive("http-response set-header") if args.split(" ", 1)[0] == name]
    return re.fullmatch(r'\S+ (?:"[^"]*"|\S+) ?(.*)', args).group(1)


# --- HAProxy ---------------------------------------------------------------------------------------


def test_shipped_config_is_valid_for_haproxy(haproxy: Path) -> None:
    checked = proxy.check_config(CONFIG)

    assert checked.returncode == 0, checked.stderr
    assert "Configuration file is valid" in checked.stdout + checked.stderr
    # Outside Docker the replicas' name `app` and the static server's `static` do not resolve;
    # nothing else may warn.
    warnings = [line for line in checked.stderr.splitlines() if "[WARNING]" in line]
    assert warnings and all(
        "could not resolve address 'app'" in line or "could not resolve address 'static'" in line
        for line in warnings
    ), warnings


def test_shipped_config_with_tls_is_valid_for_haproxy(tls_pem: Path) -> None:
    """ATLAS_TLS_PEM switches on the HTTPS bind, the redirect and the secure cookie: still valid."""
    checked = proxy.check_config(CONFIG, env={"ATLAS_TLS_PEM": str(tls_pem)})

    assert checked.returncode == 0, checked.stderr
    warnings = [
        line
        for line in checked.stderr.splitlines()
        if "[WARNING]" in line and "could not resolve address" not in line
    ]
    assert warnings == []


def test_tls_config_fails_without_its_certificate(haproxy: Path, tmp_path: Path) -> None:
    """The TLS lines are really read when ATLAS_TLS_PEM is set: a missing file is an error."""
    checked = proxy.check_config(CONFIG, env={"ATLAS_TLS_PEM": str(tmp_path / "missing.pem")})

    assert checked.returncode != 0


def test_loopback_variant_is_valid_and_has_one_server_per_replica(haproxy: Path) -> None:
    text = proxy.loopback_config([8601, 8602, 8603])
    checked = proxy.check_config(text)

    assert checked.returncode == 0, checked.stderr
    assert "[WARNING]" not in checked.stderr, checked.stderr
    assert directive("server", text) == ["app1 127.0.0.1:8601", "app2 127.0.0.1:8602", "app3 127.0.0.1:8603"]
    assert "server-template" not in text


def test_loopback_variant_with_a_static_server_is_valid(haproxy: Path) -> None:
    text = proxy.loopback_config([8601], static_port=8701)
    checked = proxy.check_config(text)

    assert checked.returncode == 0, checked.stderr
    assert "[WARNING]" not in checked.stderr, checked.stderr
    (server,) = directive("server", section("backend static", text))
    assert server.startswith("static 127.0.0.1:8701 check ")
    assert "resolvers" not in server and "init-addr" not in server
    # A refused connection takes nginx out at once (the replicas then serve /static/ themselves).
    assert "on-error mark-down" in server and "error-limit 1" in server


def test_checker_rejects_a_broken_config(haproxy: Path) -> None:
    """The check above can fail: an unknown keyword makes haproxy -c exit non-zero."""
    checked = proxy.check_config(CONFIG.replace("balance leastconn", "balance leastconnections"))

    assert checked.returncode != 0


def test_sticky_cookie_is_inserted_by_the_proxy() -> None:
    """One cookie line for HTTP, one for HTTPS (chosen by ATLAS_TLS_PEM), the same but `secure`."""
    plain, secure = sorted(directive("cookie"), key=lambda line: "secure" in line.split())
    lines = CONFIG.splitlines()
    tls_line = lines.index(f"    cookie {secure}")

    for cookie in (plain, secure):
        words = cookie.split()
        assert words[0] == proxy.COOKIE_NAME
        assert {"insert", "indirect", "nocache", "httponly", "dynamic"} <= set(words)
    assert "secure" not in plain.split() and set(secure.split()) - set(plain.split()) == {"secure"}
    assert lines[tls_line - 1] == ".if defined(ATLAS_TLS_PEM)"
    assert directive("dynamic-cookie-key")


def test_tls_ends_at_the_proxy_when_a_certificate_is_given() -> None:
    front = section("frontend atlas")
    tls_block = front[front.index(".if defined(ATLAS_TLS_PEM)") : front.index(".endif")]

    (tls_bind,) = directive("bind", tls_block)
    assert 'ssl crt "${ATLAS_TLS_PEM}"' in tls_bind and "alpn h2,http/1.1" in tls_bind
    (redirect,) = [line.strip() for line in tls_block.splitlines() if "http-request redirect" in line]
    assert redirect.startswith('http-request redirect prefix "https://')
    assert "${ATLAS_HTTPS_PUBLIC_PORT-443}" in redirect
    assert redirect.endswith("code 301 unless { ssl_fc }")


def test_static_files_go_to_the_static_server_while_it_is_up() -> None:
    """/static/ (Streamlit's hashed frontend) and /app/static/ (the basemap) to nginx; everything
    else, and those too when nginx is down, to the replicas."""
    front = section("frontend atlas")
    (acl,) = [args for args in directive("acl", front) if "path_beg" in args]
    name = acl.split()[0]

    assert set(acl.split()[2:]) == {"/static/", "/app/static/"}
    assert f"use_backend static if {name} {{ nbsrv(static) gt 0 }}" in front
    assert directive("default_backend", front) == ["atlas"]


def test_the_static_backend_neither_recompresses_nor_pins() -> None:
    static = section("backend static")

    assert "compression" not in static and "cookie" not in static
    assert re.search(r"^\s*server static static:8081 check\b", static, re.M)


def test_security_headers_cover_both_backends() -> None:
    """Set in the frontend, so the static server's files get them as the page does."""
    front = section("frontend atlas")

    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"):
        assert f"http-response set-header {name} " in front
    assert "http-response del-header Access-Control-Allow-Origin" in front
    assert "http-response set-header" not in section("backend atlas").replace(proxy.REPLICA_HEADER, "")


def test_health_checks_ask_streamlit() -> None:
    assert "option httpchk" in CONFIG
    (send,) = directive("http-check send")
    assert "uri /_stcore/health" in send
    assert directive("http-check expect") == ["string ok"]
    assert any("check" in args.split() for args in directive("default-server"))


def test_a_busy_replica_keeps_its_viewers() -> None:
    """A replica slow to answer its health check is not emptied: its viewers' sessions live there."""
    timeouts = {args.split()[0]: seconds(args.split()[1]) for args in directive("timeout")}

    assert "option persist" in CONFIG and "option redispatch" in CONFIG
    assert timeouts["check"] >= 10


def seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", value).groups()
    return int(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 0.001}[unit]


def test_websocket_idle_timeout_outlasts_a_working_day() -> None:
    timeouts = {args.split()[0]: seconds(args.split()[1]) for args in directive("timeout")}

    assert timeouts["tunnel"] >= 8 * 3600
    assert timeouts["client"] >= 60 and timeouts["server"] >= 60
    # A slow client cannot hold a connection open with a trickle of headers.
    assert timeouts["http-request"] <= 30


def test_compression_covers_the_frontend_and_the_basemap() -> None:
    """On the fly in the replicas' backend: the page, and the static files while nginx is down."""
    assert directive("compression algo", section("backend atlas")) == ["gzip"]
    (types,) = directive("compression type")
    assert {"text/html", "text/css", "application/javascript", "application/json"} <= set(types.split())


def test_metrics_are_refused_after_decoding_the_path() -> None:
    (acl,) = [args for args in directive("acl") if "/_stcore/metrics" in args]
    name = acl.split()[0]

    assert "url_dec" in acl
    assert f"http-request deny deny_status 404 if {name}" in CONFIG


def test_csp_allows_streamlits_inline_script_by_its_hash() -> None:
    """Streamlit's index.html has inline scripts; each must be allowed by hash, or the CSP blocks it.

    Fails after a Streamlit upgrade that changes them: recompute the hash in deploy/haproxy.cfg and
    deploy/kubernetes/ingress.yaml.
    """
    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    inline = [
        m.group(2)
        for m in re.finditer(r"<script([^>]*)>(.*?)</script>", index, re.S)
        if "src=" not in m.group(1)
    ]
    hashes = {
        "sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() for body in inline
    }
    script_src = next(
        part for part in header_value("Content-Security-Policy").split(";") if part.split()[0] == "script-src"
    )

    assert inline, "expected Streamlit's page to have an inline script"
    assert all(f"'{h}'" in script_src for h in hashes), (hashes, script_src)


def test_csp_is_strict_where_streamlit_allows_it() -> None:
    parts = header_value("Content-Security-Policy").split("; ")
    policy = {part.split()[0]: part.split()[1:] for part in parts}

    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    # Tried in Chromium: WebAssembly needs 'wasm-unsafe-eval'; no page needs eval or inline scripts.
    assert "'unsafe-eval'" not in policy["script-src"] and "'unsafe-inline'" not in policy["script-src"]
    assert "'self'" in policy["connect-src"]


def test_other_security_headers() -> None:
    assert header_value("X-Content-Type-Options") == "nosniff"
    assert header_value("X-Frame-Options") == "SAMEORIGIN"
    assert "http-response del-header Access-Control-Allow-Origin" in CONFIG


def test_document_headers_are_left_off_scripts_styles_fonts_and_data_only() -> None:
    """Every response is nosniff; the policy and framing headers go to everything but subresources
    that no browser runs as a document (the page, an SVG and any other type keep them)."""
    (acl,) = [args for args in directive("acl") if args.startswith("atlas_subresource ")]
    types = acl.split()[4:]

    assert header_condition("X-Content-Type-Options") == ""
    for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
        assert header_condition(name) == "unless atlas_subresource", name
    assert acl.split()[1:4] == ["res.hdr(content-type)", "-m", "beg"]
    assert not [kind for kind in types if kind.startswith(("text/html", "image/svg", "application/xhtml"))]
    assert "application/javascript" in types and "text/css" in types and "font/" in types


def test_client_cannot_choose_its_forwarded_address() -> None:
    """The client's X-Forwarded-For is dropped before the proxy adds the address it saw."""
    lines = [line.strip() for line in CONFIG.splitlines()]

    assert lines.index("http-request del-header X-Forwarded-For") < lines.index("option forwardfor")


# --- The static server (nginx) ---------------------------------------------------------------------


def test_shipped_static_config_is_valid_for_nginx(nginx: Path) -> None:
    checked = static_server.check_config(STATIC_CONFIG)

    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    assert "[warn]" not in checked.stderr and "[emerg]" not in checked.stderr, checked.stderr


def test_loopback_static_config_is_valid(nginx: Path, tmp_path: Path) -> None:
    text = static_server.loopback_config(tmp_path, 8701)
    checked = static_server.check_config(text)

    assert checked.returncode == 0, checked.stderr
    assert re.findall(r"^\s*listen\s+(\S+);", text, re.M) == ["127.0.0.1:8701"]
    assert re.findall(r"^\s*root\s+(\S+);", text, re.M) == [str(tmp_path)]


def test_nginx_checker_rejects_a_broken_config(nginx: Path) -> None:
    checked = static_server.check_config(STATIC_CONFIG.replace("gzip_static on;", "gzip_static maybe;"))

    assert checked.returncode != 0


def static_location(prefix: str) -> str:
    """The body of `location <prefix> { … }` in deploy/nginx-static.conf, nested locations included."""
    start = STATIC_CONFIG.index(f"location {prefix} {{")
    depth = 0
    for end in range(start, len(STATIC_CONFIG)):
        depth += {"{": 1, "}": -1}.get(STATIC_CONFIG[end], 0)
        if STATIC_CONFIG[end] == "}" and depth == 0:
            return STATIC_CONFIG[start:end]
    raise AssertionError(f"location {prefix} is not closed")


def test_static_server_sends_the_precompressed_copies() -> None:
    assert "gzip_static on;" in STATIC_CONFIG
    assert "gzip off;" in STATIC_CONFIG, "nothing compressed on the fly"
    for prefix in ("/static/", "/app/static/"):
        location = static_location(prefix)
        assert "try_files $uri$atlas_br_suffix $uri =404;" in location
        assert "add_header Vary Accept-Encoding always;" in location
        assert "add_header Content-Encoding $atlas_content_encoding;" in location
    assert "autoindex on" not in STATIC_CONFIG


def test_only_the_hashed_frontend_is_cached_for_a_year() -> None:
    assert 'add_header Cache-Control "public, max-age=31536000, immutable";' in static_location("/static/")
    assert 'add_header Cache-Control "no-cache";' in static_location("/app/static/")


# --- Kubernetes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", MANIFEST_PATHS, ids=lambda p: p.name)
def test_manifest_matches_the_kubernetes_schema(path: Path) -> None:
    for document in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_schema_validation_can_fail() -> None:
    service = manifests()["Service"]
    broken = {**service, "spec": {**service["spec"], "prots": service["spec"]["ports"]}}

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_every_kind_is_shipped() -> None:
    assert set(manifests()) == {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"}


def containers() -> dict[str, dict]:
    """The Deployment's containers by name."""
    return {c["name"]: c for c in manifests()["Deployment"]["spec"]["template"]["spec"]["containers"]}


def test_deployment_probes_ask_streamlits_health_endpoint() -> None:
    container = containers()["app"]
    port = {p["name"]: p["containerPort"] for p in container["ports"]}

    assert port["http"] == 8501
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": "http"}, probe


def test_service_selects_the_deployments_pods_and_ingress_reaches_it() -> None:
    objects = manifests()
    labels = objects["Deployment"]["spec"]["template"]["metadata"]["labels"]
    service = objects["Service"]
    (rule,) = objects["Ingress"]["spec"]["rules"]
    routes = {path["path"]: path["backend"]["service"] for path in rule["http"]["paths"]}

    assert service["spec"]["selector"].items() <= labels.items()
    assert {backend["name"] for backend in routes.values()} == {service["metadata"]["name"]}
    assert {backend["port"]["name"] for backend in routes.values()} <= {
        p["name"] for p in service["spec"]["ports"]
    }
    assert routes["/"]["port"]["name"] == "http"


def test_the_cluster_serves_the_precompressed_frontend_as_compose_does() -> None:
    """deploy/compose.yaml's `static` service, as a second container of each pod: the Ingress sends
    the paths HAProxy sends to nginx (deploy/haproxy.cfg) to it."""
    objects = manifests()
    static = containers()["static"]
    compose_static = yaml.safe_load((DEPLOY_DIR / "compose.yaml").read_text())["services"]["static"]
    (rule,) = objects["Ingress"]["spec"]["rules"]
    routes = {path["path"]: path["backend"]["service"]["port"]["name"] for path in rule["http"]["paths"]}
    service_ports = {p["name"]: p["targetPort"] for p in objects["Service"]["spec"]["ports"]}
    container_ports = {p["name"]: p["containerPort"] for p in static["ports"]}

    assert static["command"] == compose_static["command"]
    assert static["image"] == containers()["app"]["image"]
    assert routes["/static/"] == routes["/app/static/"] == "static"
    assert service_ports["static"] == "static" and container_ports["static"] == 8081
    assert "listen 8081;" in (DEPLOY_DIR / "nginx-static.conf").read_text()
    for probe in ("readinessProbe", "livenessProbe"):
        assert static[probe]["httpGet"] == {"path": "/_static/health", "port": "static"}, probe


def test_ingress_keeps_a_viewer_on_one_pod_for_a_long_meeting() -> None:
    annotations = manifests()["Ingress"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"

    assert annotations[prefix + "affinity"] == "cookie"
    assert annotations[prefix + "affinity-mode"] == "persistent"
    assert int(annotations[prefix + "proxy-read-timeout"]) >= 8 * 3600
    snippet = annotations[prefix + "configuration-snippet"]
    assert header_value("Content-Security-Policy") in snippet, "the Ingress and HAProxy CSPs differ"
    assert "X-Content-Type-Options: nosniff" in snippet and "/_stcore/metrics" in snippet


def test_autoscaler_scales_the_deployment() -> None:
    objects = manifests()
    target = objects["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]

    assert (target["kind"], target["name"]) == ("Deployment", objects["Deployment"]["metadata"]["name"])
    assert objects["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2


# --- Docker Compose --------------------------------------------------------------------------------


def test_compose_runs_replicas_behind_the_shipped_proxy() -> None:
    compose = yaml.safe_load((DEPLOY_DIR / "compose.yaml").read_text())
    app, proxy_service = compose["services"]["app"], compose["services"]["proxy"]

    assert app["deploy"]["replicas"] >= 2
    assert "ports" not in app, "replicas are reached through the proxy only"
    assert (DEPLOY_DIR / app["build"]["context"] / app["build"]["dockerfile"]).resolve() == (
        REPO_DIR / "Dockerfile"
    )
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in proxy_service["volumes"]
    assert proxy_service["environment"]["ATLAS_PROXY_BIND"] == ":8080"
    # The proxy's server-template resolves the service's name through Docker's DNS.
    assert re.search(r"^\s*server-template app \S+ app:8501\b", CONFIG, re.M)
    assert "nameserver docker 127.0.0.11:53" in CONFIG


def test_compose_static_server_is_the_app_image_running_the_shipped_nginx_config() -> None:
    """Same image (so exactly the replicas' Streamlit files), precompressed where nginx looks."""
    services = yaml.safe_load((DEPLOY_DIR / "compose.yaml").read_text())["services"]
    static, app = services["static"], services["app"]
    command = static["command"]
    (root,) = re.findall(r"^\s*root\s+(\S+);", STATIC_CONFIG, re.M)
    (port,) = re.findall(r"^\s*listen\s+(\d+);", STATIC_CONFIG, re.M)

    assert static["image"] == app["image"] and static["build"] == app["build"]
    assert command[0] == "nginx" and "daemon off;" in command
    assert command[command.index("-c") + 1] == "/app/deploy/nginx-static.conf"
    assert static["expose"] == [port] and "ports" not in static
    assert services["proxy"]["depends_on"]["static"] == {"condition": "service_healthy"}
    assert re.search(rf"^\s*server static static:{port} check\b", CONFIG, re.M)
    # The image's build fills nginx's root with the precompressed files.
    dockerfile = (REPO_DIR / "Dockerfile").read_text()
    assert f"python scripts/precompress_static.py {root}" in dockerfile
    assert re.search(r"apt-get install [^\n]*\bnginx\b", dockerfile)
    assert "/_static/health" in " ".join(static["healthcheck"]["test"])


def test_compose_tls_override_gives_the_proxy_a_certificate() -> None:
    proxy_service = yaml.safe_load((DEPLOY_DIR / "compose.tls.yaml").read_text())["services"]["proxy"]
    pem = proxy_service["environment"]["ATLAS_TLS_PEM"]

    assert any(volume.endswith(f":{pem}:ro") for volume in proxy_service["volumes"])
    assert "443:8443" in proxy_service["ports"]
    assert proxy_service["environment"]["ATLAS_PROXY_TLS_BIND"] == ":8443"
    assert proxy_service["environment"]["ATLAS_HTTPS_PUBLIC_PORT"] == "443"
