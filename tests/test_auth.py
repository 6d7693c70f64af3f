"""Sign-in for hosted links, in its three modes: open, shared passcode, OpenID Connect (st.login).

Until a visitor is admitted nothing but the sign-in prompt may be sent: no map, no table, no sidebar.
A real OIDC login cannot be completed offline (it needs the identity provider); the OIDC tests check
the prompt, that nothing else is drawn, that a signed-in user (AppTest.user) gets the app, and that a
sign-in that cannot start says why.
"""

from __future__ import annotations

import functools
import hmac
import itertools
from collections.abc import Iterator

import pytest
import streamlit as st
from conftest import REPO_DIR
from streamlit.testing.v1 import AppTest

import loaders
import ui.auth
from atlas.i18n import Translator
from ui.auth import (
    IP_MAX_FAILURES,
    LOCK_SECONDS,
    MAX_FAILURES,
    PASSCODE_ENV,
    AttemptLimiter,
    GateConfig,
    address_key,
    gate_config,
    oidc_providers,
    passcode_matches,
)

APP_PATH = REPO_DIR / "app.py"
# Pages import geopandas and route sea lanes on a cold cache: be generous.
TIMEOUT_S = 120
PASSCODE = "harbour-42"
OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-real-secret",
    "client_id": "corridor-atlas",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://id.example.invalid/.well-known/openid-configuration",
}
# Element types that carry data: none may be sent before the visitor is admitted.
DATA_ELEMENTS = ("deck_gl_json_chart", "arrow_data_frame", "table", "metric", "vega_lite_chart")


@functools.cache
def text(key: str, language: str = "en", **values: object) -> str:
    return Translator(loaders.load_translations(), language)(key, **values)


@pytest.fixture(autouse=True)
def no_passcode_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSCODE_ENV, raising=False)
    monkeypatch.delenv(ui.auth.TRUSTED_PROXIES_ENV, raising=False)


@pytest.fixture(autouse=True)
def fresh_limiters() -> Iterator[None]:
    """The limiters are per server process, and every test here runs in one process."""
    ui.auth.SESSION_LIMITER.clear()
    ui.auth.ADDRESS_LIMITER.clear()
    yield
    ui.auth.SESSION_LIMITER.clear()
    ui.auth.ADDRESS_LIMITER.clear()


@pytest.fixture
def visitor(monkeypatch: pytest.MonkeyPatch):
    """Make the next AppTest session come from `peer` with these X-Forwarded-For headers.

    AppTest gives every session the same id and no connection, so each call stands in a new
    session id and the connection's address and headers, as the server would give them."""
    numbers = itertools.count()

    def arrive(peer: str | None, forwarded_for: str | None = None) -> None:
        session = f"session-{next(numbers)}"
        monkeypatch.setattr(ui.auth, "_session_id", lambda: session)
        monkeypatch.setattr(ui.auth, "_peer_address", lambda: peer)
        monkeypatch.setattr(ui.auth, "_forwarded_for", lambda: forwarded_for)

    return arrive


def app(secrets: dict | None = None, page: str | None = None, **query: str) -> AppTest:
    """A fresh session. Secrets are always set, so a developer's own secrets.toml never leaks in."""
    at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT_S)
    at.secrets.update(secrets or {"unrelated": "isolates the test from any real secrets.toml"})
    at.query_params.update(query)
    if page is not None:
        at.switch_page(f"app_pages/{page}")
    return at


def assert_no_data(at: AppTest, language: str = "en") -> None:
    assert not at.exception
    for element_type in DATA_ELEMENTS:
        assert len(at.get(element_type)) == 0, element_type
    assert len(at.sidebar) == 0, "the sidebar (filters, page list) is drawn after sign-in only"
    assert [title.value for title in at.title] == [text("auth.title", language)]


def enter(at: AppTest, code: str) -> AppTest:
    at.text_input(key="auth-passcode-input").input(code)
    return at.button[0].click().run()


def errors(at: AppTest) -> list[str]:
    return [error.value for error in at.error]


# --- open --------------------------------------------------------------------------------------


def test_open_when_nothing_is_configured() -> None:
    at = app().run()
    assert not at.exception
    assert [title.value for title in at.title] == [text("overview.title")]
    assert len(at.get("deck_gl_json_chart")) == 1
    assert not at.text_input


# --- passcode ----------------------------------------------------------------------------------


def test_passcode_prompt_sends_no_data() -> None:
    at = app({"passcode": PASSCODE}).run()
    assert_no_data(at)
    assert at.text_input(key="auth-passcode-input").proto.type == at.text_input[0].proto.PASSWORD


def test_wrong_passcode_is_refused() -> None:
    at = enter(app({"passcode": PASSCODE}).run(), "harbour-41")
    assert_no_data(at)
    assert errors(at) == [text("auth.wrong", left=MAX_FAILURES - 1, seconds=f"{LOCK_SECONDS:g}")]


def test_right_passcode_opens_the_app() -> None:
    at = enter(app({"passcode": PASSCODE}).run(), PASSCODE)
    assert not at.exception
    assert [title.value for title in at.title] == [text("overview.title")]
    assert len(at.get("deck_gl_json_chart")) == 1
    # Admission lasts for the session: the next run does not ask again.
    at.run()
    assert [title.value for title in at.title] == [text("overview.title")]


def test_passcode_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSCODE_ENV, PASSCODE)
    at = app().run()
    assert_no_data(at)
    assert [title.value for title in enter(at, PASSCODE).title] == [text("overview.title")]


def test_six_wrong_attempts_lock_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(ui.auth, "_now", lambda: clock[0])
    at = app({"passcode": PASSCODE}).run()
    for attempt in range(1, MAX_FAILURES + 2):
        enter(at, f"guess-{attempt}")
        assert_no_data(at)
    assert errors(at) == [text("auth.locked", seconds=int(LOCK_SECONDS))]
    # While locked even the right code is refused: it is not even compared.
    enter(at, PASSCODE)
    assert_no_data(at)
    assert errors(at) == [text("auth.locked", seconds=int(LOCK_SECONDS))]
    # After the pause the right code works.
    clock[0] += LOCK_SECONDS + 1
    assert [title.value for title in enter(at, PASSCODE).title] == [text("overview.title")]


def fail_until_locked(at: AppTest, attempts: int = MAX_FAILURES) -> AppTest:
    for attempt in range(attempts):
        enter(at, f"guess-{attempt}")
    return at


@pytest.mark.parametrize("address", ["203.0.113.5", "127.0.0.1"], ids=["remote", "loopback"])
def test_a_new_session_from_the_same_address_stays_locked(
    monkeypatch: pytest.MonkeyPatch, visitor, address: str
) -> None:
    """Opening a new tab resets the session's count, not the address's (kept per server process).
    Loopback is an address like any other: a local client, or an unconfigured proxy, gets a key."""
    monkeypatch.setattr(ui.auth, "_now", lambda: 1000.0)
    for _ in range(IP_MAX_FAILURES // MAX_FAILURES):
        visitor(address)
        fail_until_locked(app({"passcode": PASSCODE}).run())
    visitor(address)
    fresh = app({"passcode": PASSCODE}).run()
    assert_no_data(fresh)
    assert errors(fresh) == [text("auth.locked", seconds=int(LOCK_SECONDS))]
    assert errors(enter(fresh, PASSCODE)) == [text("auth.locked", seconds=int(LOCK_SECONDS))]


def clear_cache(at: AppTest) -> None:
    """What Streamlit does on a browser's `clear_cache` message (AppSession._handle_clear_cache_request)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    for key in list(at.session_state):
        del at.session_state[key]


def test_clear_cache_does_not_reset_the_attempts(monkeypatch: pytest.MonkeyPatch, visitor) -> None:
    monkeypatch.setattr(ui.auth, "_now", lambda: 1000.0)
    visitor("203.0.113.5")
    at = fail_until_locked(app({"passcode": PASSCODE}).run(), MAX_FAILURES - 1)
    clear_cache(at)
    enter(at, "one-more-guess")
    assert errors(at) == [text("auth.locked", seconds=int(LOCK_SECONDS))]
    clear_cache(at)
    assert errors(enter(at, PASSCODE)) == [text("auth.locked", seconds=int(LOCK_SECONDS))]


def test_a_spoofed_forwarded_header_does_not_pick_a_fresh_address(
    monkeypatch: pytest.MonkeyPatch, visitor
) -> None:
    """No proxy is trusted: a new X-Forwarded-For in each new session still counts against the peer."""
    monkeypatch.setattr(ui.auth, "_now", lambda: 1000.0)
    for n in range(IP_MAX_FAILURES // MAX_FAILURES):
        visitor("203.0.113.5", f"198.51.100.{n}")
        fail_until_locked(app({"passcode": PASSCODE}).run())
    visitor("203.0.113.5", "198.51.100.200")
    assert errors(app({"passcode": PASSCODE}).run()) == [text("auth.locked", seconds=int(LOCK_SECONDS))]


def test_visitors_behind_a_trusted_proxy_are_counted_apart(monkeypatch: pytest.MonkeyPatch, visitor) -> None:
    """One visitor guessing from many tabs locks only their own address, not everyone behind the proxy."""
    monkeypatch.setattr(ui.auth, "_now", lambda: 1000.0)
    secrets = {"passcode": PASSCODE, "trusted_proxies": ["10.0.0.2"]}
    for _ in range(IP_MAX_FAILURES // MAX_FAILURES):
        visitor("10.0.0.2", "198.51.100.7")
        fail_until_locked(app(secrets).run())
    visitor("10.0.0.2", "198.51.100.7")
    assert errors(app(secrets).run()) == [text("auth.locked", seconds=int(LOCK_SECONDS))]
    visitor("10.0.0.2", "198.51.100.8")
    colleague = app(secrets).run()
    assert errors(colleague) == []
    assert [title.value for title in enter(colleague, PASSCODE).title] == [text("overview.title")]


PROXY = "10.0.0.2"
UVICORN_DEFAULT = ("127.0.0.1", "::1")


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "trusted", "server_trusted", "key"),
    [
        ("203.0.113.5", None, (), (), "203.0.113.5"),
        ("127.0.0.1", None, (), UVICORN_DEFAULT, "127.0.0.1"),
        ("203.0.113.5", "198.51.100.7", (), UVICORN_DEFAULT, "203.0.113.5"),
        ("127.0.0.1", "198.51.100.7", (), (), "127.0.0.1"),
        # uvicorn already put the header's client in the peer's place; the app trusts no proxy.
        ("198.51.100.7", "198.51.100.7", (), UVICORN_DEFAULT, "via 127.0.0.1,::1"),
        ("198.51.100.7", "198.51.100.7", ("127.0.0.1", "::1"), UVICORN_DEFAULT, "198.51.100.7"),
        (PROXY, "198.51.100.7", (PROXY,), (), "198.51.100.7"),
        (PROXY, "6.6.6.6, 198.51.100.7", (PROXY,), (), "198.51.100.7"),
        (PROXY, "198.51.100.7, 10.0.0.9", ("10.0.0.0/8",), (), "198.51.100.7"),
        (PROXY, None, (PROXY,), (), PROXY),
        (None, None, (), (), "unknown"),
    ],
    ids=[
        "direct",
        "loopback-has-a-key",
        "header-from-a-stranger-ignored",
        "header-from-untrusted-loopback-ignored",
        "server-rewrote-untrusted",
        "server-rewrote-trusted",
        "trusted-proxy",
        "client-cannot-prepend",
        "proxy-network-chain",
        "proxy-without-header",
        "no-connection",
    ],
)
def test_address_key(
    peer: str | None, forwarded_for: str | None, trusted: tuple, server_trusted: tuple, key: str
) -> None:
    assert address_key(peer, forwarded_for, trusted, server_trusted) == key


def test_the_limiters_are_not_streamlit_caches() -> None:
    """`clear_cache` from any browser clears st.cache_resource and session state: neither may hold them."""
    source = (REPO_DIR / "ui" / "auth.py").read_text(encoding="utf-8")
    limiter_code = source[source.index("SESSION_LIMITER = ") :]
    assert "cache_resource" not in limiter_code and "session_state" not in limiter_code


def test_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, object]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(ui.auth.hmac, "compare_digest", spy)
    enter(app({"passcode": PASSCODE}).run(), "harbour-41")
    assert calls == [(b"harbour-41", PASSCODE.encode())]


def test_deep_link_survives_the_passcode() -> None:
    """The link's page, tour, scene and language are still there after sign-in."""
    at = app({"passcode": PASSCODE}, page="presentation.py", tour="story", scene="4", lang="vi").run()
    assert_no_data(at, "vi")
    at = enter(at, PASSCODE)
    assert not at.exception
    assert at.query_params == {"tour": "story", "scene": "4", "lang": "vi"}
    assert len(at.get("deck_gl_json_chart")) == 1


# --- OIDC (st.login) ----------------------------------------------------------------------------


def test_oidc_shows_the_login_button_and_no_data() -> None:
    at = app({"auth": OIDC})
    at.user = {"is_logged_in": False}
    at.run()
    assert_no_data(at)
    assert [button.label for button in at.button] == [text("auth.oidc_button")]
    assert not at.text_input, "OIDC wins over a passcode: no passcode box"


def test_oidc_without_a_login_flag_is_not_signed_in() -> None:
    """AppTest's default user has no is_logged_in: the gate must stay shut, not raise."""
    assert_no_data(app({"auth": OIDC}).run())


def test_oidc_signed_in_user_gets_the_app() -> None:
    at = app({"auth": OIDC, "passcode": PASSCODE})
    at.user = {"is_logged_in": True, "name": "Test User", "email": "test@example.com"}
    at.run()
    assert not at.exception
    assert [title.value for title in at.title] == [text("overview.title")]
    assert len(at.get("deck_gl_json_chart")) == 1


def test_oidc_that_cannot_start_says_why() -> None:
    """Here Authlib is not installed, or the [auth] section is not on disk: either way a clear error."""
    at = app({"auth": OIDC})
    at.user = {"is_logged_in": False}
    at.run()
    at.button[0].click().run()
    assert_no_data(at)
    assert len(at.error) == 1
    assert at.error[0].value.startswith(text("auth.oidc_failed", reason="").split(":")[0])


def test_named_providers_get_one_button_each() -> None:
    at = app({"auth": {"redirect_uri": OIDC["redirect_uri"], "cookie_secret": "x", "google": {}, "okta": {}}})
    at.user = {"is_logged_in": False}
    at.run()
    assert_no_data(at)
    assert [button.label for button in at.button] == [
        text("auth.oidc_button_provider", provider="google"),
        text("auth.oidc_button_provider", provider="okta"),
    ]


# --- the pure parts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secrets", "environ", "expected"),
    [
        ({}, {}, GateConfig("open")),
        ({"passcode": "  "}, {}, GateConfig("open")),
        ({"passcode": "abc"}, {}, GateConfig("passcode", passcode="abc")),
        ({}, {PASSCODE_ENV: " abc "}, GateConfig("passcode", passcode="abc")),
        (
            {"passcode": "from-secrets"},
            {PASSCODE_ENV: "env"},
            GateConfig("passcode", passcode="from-secrets"),
        ),
        ({"auth": OIDC, "passcode": "abc"}, {}, GateConfig("oidc", providers=(None,))),
        ({"auth": {}}, {}, GateConfig("open")),
    ],
    ids=["nothing", "blank-passcode", "secret", "environment", "secret-wins", "oidc-wins", "empty-auth"],
)
def test_gate_config(secrets: dict, environ: dict, expected: GateConfig) -> None:
    assert gate_config(secrets, environ) == expected


def test_gate_config_never_shows_the_passcode() -> None:
    assert "abc" not in repr(gate_config({"passcode": "abc"}, {}))


@pytest.mark.parametrize(
    ("auth", "providers"),
    [
        (OIDC, (None,)),
        ({"redirect_uri": "x", "cookie_secret": "x", "google": {}}, ("google",)),
        ({**OIDC, "okta": {}}, (None, "okta")),
    ],
    ids=["default", "named", "both"],
)
def test_oidc_providers(auth: dict, providers: tuple) -> None:
    assert oidc_providers(auth) == providers


@pytest.mark.parametrize(
    ("entered", "ok"),
    [("harbour-42", True), (" harbour-42\n", True), ("harbour-4", False), ("Harbour-42", False), ("", False)],
    ids=["exact", "pasted-with-whitespace", "prefix", "case", "empty"],
)
def test_passcode_matches(entered: str, ok: bool) -> None:
    assert passcode_matches(entered, PASSCODE) is ok


def test_limiter_locks_after_max_failures_and_unlocks_after_the_pause() -> None:
    limiter = AttemptLimiter(max_failures=3, lock_seconds=60.0)
    assert [limiter.record_failure("a", 0.0) for _ in range(3)] == [2, 1, 0]
    assert limiter.seconds_locked("a", 10.0) == 50.0
    assert limiter.seconds_locked("b", 10.0) == 0.0, "other keys are not affected"
    assert limiter.seconds_locked("a", 60.0) == 0.0
    assert limiter.record_failure("a", 61.0) == 2, "a fresh count after the pause"


def test_limiter_reset_and_bounded_memory() -> None:
    limiter = AttemptLimiter(max_failures=2, lock_seconds=60.0, max_keys=2)
    limiter.record_failure("a", 0.0)
    limiter.reset("a")
    assert limiter.record_failure("a", 0.0) == 1
    limiter.record_failure("b", 0.0)
    limiter.record_failure("c", 0.0)  # forgets "a", the oldest
    assert limiter.record_failure("a", 0.0) == 1
