"""Optional sign-in for hosted links: OpenID Connect through st.login, a shared passcode, or open.

Which one applies (first match wins):
1. an `[auth]` section in `.streamlit/secrets.toml` (Streamlit's st.login settings) → OIDC sign-in;
2. `passcode = "…"` in secrets.toml, or the environment variable CORRIDOR_ATLAS_PASSCODE → passcode;
3. neither → the app is open.

`require_sign_in()` runs in app.py before the sidebar and the pages. Until a visitor is admitted it
draws only the sign-in prompt and calls st.stop(), so no table, map or figure reaches the browser.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import streamlit as st
from streamlit import runtime
from streamlit.errors import StreamlitAuthError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from atlas.i18n import LANGUAGES, Translator, pick_language
from loaders import DataError, load_translations

PAGES_DIR = Path(__file__).resolve().parents[1] / "app_pages"
PASSCODE_ENV = "CORRIDOR_ATLAS_PASSCODE"
PASSCODE_SECRET = "passcode"
# Addresses (or networks) of the reverse proxies whose X-Forwarded-For is believed; none by default.
TRUSTED_PROXIES_ENV = "CORRIDOR_ATLAS_TRUSTED_PROXIES"
TRUSTED_PROXIES_SECRET = "trusted_proxies"
# uvicorn (Streamlit's server) replaces the peer by X-Forwarded-For's client before the app sees it
# when the peer is in this list; its default trusts loopback (uvicorn.config).
SERVER_TRUSTED_ENV = "FORWARDED_ALLOW_IPS"
SERVER_TRUSTED_DEFAULT = "127.0.0.1,::1"
MAX_FAILURES = 5
LOCK_SECONDS = 60.0
# Per address, across sessions: opening a new tab must not reset the count. Higher than the
# per-session limit because a meeting room often shares one public address.
IP_MAX_FAILURES = 20
_IP_KEYS_KEPT = 1024
_SESSION_KEYS_KEPT = 4096
_ADMITTED = "_auth_admitted"
# Shown only if translations.csv itself cannot be read; the gate then stays shut.
_NO_TEXT = "Sign-in is required, but the interface text could not be loaded. Run: make validate"

Mode = Literal["open", "oidc", "passcode"]


@dataclass(frozen=True)
class GateConfig:
    """How visitors get in. `providers` are st.login provider names (None = the default [auth])."""

    mode: Mode
    passcode: str | None = field(default=None, repr=False)
    providers: tuple[str | None, ...] = ()


def gate_config(secrets: Mapping[str, Any], environ: Mapping[str, str]) -> GateConfig:
    """Read the sign-in mode from the secrets and the environment."""
    auth = secrets.get("auth")
    if isinstance(auth, Mapping) and auth:
        return GateConfig("oidc", providers=oidc_providers(auth))
    passcode = secrets.get(PASSCODE_SECRET) or environ.get(PASSCODE_ENV)
    if isinstance(passcode, str) and passcode.strip():
        return GateConfig("passcode", passcode=passcode.strip())
    return GateConfig("open")


def oidc_providers(auth: Mapping[str, Any]) -> tuple[str | None, ...]:
    """The default provider when [auth] holds client settings itself, then every [auth.<name>]."""
    named = tuple(sorted(key for key, value in auth.items() if isinstance(value, Mapping)))
    default: tuple[str | None, ...] = (None,) if "client_id" in auth or not named else ()
    return default + named


def passcode_matches(entered: str, expected: str) -> bool:
    """Constant-time comparison, so response timing does not reveal how much of a guess was right."""
    return hmac.compare_digest(entered.strip().encode("utf-8"), expected.encode("utf-8"))


@dataclass
class AttemptLimiter:
    """Counts failed attempts per key; `max_failures` in a row lock that key for `lock_seconds`."""

    max_failures: int
    lock_seconds: float
    max_keys: int = _IP_KEYS_KEPT
    _failures: dict[str, int] = field(default_factory=dict, repr=False)
    _locked_until: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def seconds_locked(self, key: str, now: float) -> float:
        """Seconds until `key` may try again (0 when it may). An expired lock starts a fresh count."""
        with self._lock:
            until = self._locked_until.get(key)
            if until is None:
                return 0.0
            if now >= until:
                del self._locked_until[key]
                self._failures.pop(key, None)
                return 0.0
            return until - now

    def record_failure(self, key: str, now: float) -> int:
        """Count a failure; return the attempts left before the lock (0: locked from now on)."""
        with self._lock:
            if key not in self._failures and len(self._failures) >= self.max_keys:
                # Bounded memory: forget the oldest address rather than grow without limit.
                oldest = next(iter(self._failures))
                self._failures.pop(oldest)
                self._locked_until.pop(oldest, None)
            count = self._failures.get(key, 0) + 1
            self._failures[key] = count
            if count >= self.max_failures:
                self._locked_until[key] = now + self.lock_seconds
                return 0
            return self.max_failures - count

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
            self._locked_until.pop(key, None)

    def clear(self) -> None:
        """Forget every key (tests, and a server operator's console; never a visitor)."""
        with self._lock:
            self._failures.clear()
            self._locked_until.clear()


def require_sign_in() -> None:
    """Admit the visitor or stop the script. Call before anything else is drawn."""
    config = gate_config(_read_secrets(), os.environ)
    if config.mode == "open":
        return
    if config.mode == "oidc" and _logged_in():
        return
    if config.mode == "passcode" and st.session_state.get(_ADMITTED):
        return
    t = _gate_translator(_gate_language())
    if t is None:
        st.error(_NO_TEXT)
        st.stop()
    # Everything the gate draws lives in one placeholder: on a correct passcode it is emptied and
    # this same run goes on to the page. A rerun would land on the default page instead, because no
    # page was registered (st.navigation) while the gate was shown, and the deep link would be lost.
    gate = st.empty()
    with gate.container():
        st.title(t("auth.title"), anchor=False)
        admitted = _oidc_prompt(config, t) if config.mode == "oidc" else _passcode_prompt(config, t)
    if admitted:
        gate.empty()
        return
    _keep_requested_page()
    st.stop()


def _keep_requested_page() -> None:
    """Register the app's pages, hidden, so the browser stays on the link's page behind the gate.

    With no page registered in the gated runs, the next run (the passcode form's) asks for the main
    script, st.navigation in app.py falls back to the default page, and a deep link such as
    /presentation?tour=story&scene=3 is lost at sign-in. Page script hashes depend only on the file
    names, so these match app.py's pages; the default here is a stand-in that leads to app.py's own.
    """
    pages = [st.Page(_signing_in, title="Corridor Atlas", default=True, url_path="sign_in")]
    pages += [st.Page(f"{PAGES_DIR.name}/{path.name}") for path in sorted(PAGES_DIR.glob("*.py"))]
    st.navigation(pages, position="hidden")


def _signing_in() -> None:
    """Never run: the gate stops the script before any page runs."""


def _oidc_prompt(config: GateConfig, t: Translator) -> bool:
    """One sign-in button per provider; st.login redirects to the provider and back (a new session).
    Never admits in this run."""
    st.write(t("auth.oidc_prompt"))
    for provider in config.providers:
        label = (
            t("auth.oidc_button") if provider is None else t("auth.oidc_button_provider", provider=provider)
        )
        if st.button(label, key=f"auth-login-{provider or 'default'}", type="primary"):
            try:
                st.login(provider)
            except StreamlitAuthError as error:
                # Missing Authlib or incomplete [auth] settings: say so instead of a traceback.
                st.error(t("auth.oidc_failed", reason=str(error)))
    return False


def _passcode_prompt(config: GateConfig, t: Translator) -> bool:
    """The passcode form, with per-session and per-address attempt limits. True when admitted."""
    assert config.passcode is not None
    st.write(t("auth.passcode_prompt"))
    session = _session_id()
    address = address_key(
        _peer_address(), _forwarded_for(), _trusted_proxies(), _parse_hosts(_server_trusted())
    )
    now = _now()
    wait = max(SESSION_LIMITER.seconds_locked(session, now), ADDRESS_LIMITER.seconds_locked(address, now))
    with st.form("auth-passcode", clear_on_submit=True, enter_to_submit=True):
        entered = st.text_input(t("auth.passcode"), type="password", key="auth-passcode-input")
        submitted = st.form_submit_button(t("auth.submit"), type="primary")
    if wait > 0:
        # While locked, a submitted code is not even compared.
        st.error(t("auth.locked", seconds=math.ceil(wait)))
        return False
    if not submitted:
        return False
    if not entered.strip():
        st.warning(t("auth.empty"))
        return False
    if passcode_matches(entered, config.passcode):
        SESSION_LIMITER.reset(session)
        st.session_state[_ADMITTED] = True
        return True
    left = min(SESSION_LIMITER.record_failure(session, now), ADDRESS_LIMITER.record_failure(address, now))
    if left == 0:
        st.error(t("auth.locked", seconds=math.ceil(LOCK_SECONDS)))
    else:
        st.error(t("auth.wrong", left=left, seconds=f"{LOCK_SECONDS:g}"))
    return False


def _logged_in() -> bool:
    """st.user.is_logged_in, read defensively: a missing flag means not signed in."""
    try:
        return st.user.is_logged_in is True
    except AttributeError:
        return False


def _read_secrets() -> dict[str, Any]:
    """The secrets the gate reads; none when there is no secrets.toml at all."""
    keys = ("auth", PASSCODE_SECRET, TRUSTED_PROXIES_SECRET)
    try:
        return {key: st.secrets[key] for key in keys if key in st.secrets}
    except FileNotFoundError:
        return {}


def _gate_language() -> str:
    """The sidebar's language once chosen; before that the link's `lang=` or the browser's."""
    chosen = st.session_state.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return pick_language(st.query_params.get("lang"), st.context.locale)


@st.cache_resource(show_spinner=False)
def _gate_translator(language: str) -> Translator | None:
    """Translations only: the gate must not load (or report on) the data tables."""
    try:
        return Translator(load_translations(), language)
    except DataError:
        return None


# Both limiters live in this module, once per server process: not in session state and not in
# st.cache_resource, because any browser can send Streamlit's `clear_cache` message, which clears
# both (runtime/app_session.py: _handle_clear_cache_request) and so would reset every count.
SESSION_LIMITER = AttemptLimiter(MAX_FAILURES, LOCK_SECONDS, max_keys=_SESSION_KEYS_KEPT)
ADDRESS_LIMITER = AttemptLimiter(IP_MAX_FAILURES, LOCK_SECONDS)


def address_key(
    peer: str | None,
    forwarded_for: str | None,
    trusted_proxies: Sequence[str],
    server_trusted: Sequence[str] = (),
) -> str:
    """The address a visitor's failed attempts count against.

    The rule: the TCP peer, unless the peer is one of `trusted_proxies`; then the rightmost address
    in X-Forwarded-For that is not a trusted proxy (each proxy appends the address it saw). A header
    from anyone else is ignored, and loopback is an address like any other.

    Streamlit's server (uvicorn) may already have replaced the peer by the header's client, for
    peers in `server_trusted` (its FORWARDED_ALLOW_IPS, loopback by default). When that happened
    and the app does not trust those peers, the key is those peers: the header chose nothing.
    """
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    trusted = _parse_hosts(trusted_proxies)
    peer = peer or "unknown"
    if hops and server_trusted and peer == _client_from(hops, server_trusted):
        if not all(_trusts(trusted, host) for host in server_trusted):
            return "via " + ",".join(server_trusted)
        return _client_from(hops, trusted)
    if hops and _trusts(trusted, peer):
        return _client_from(hops, trusted)
    return peer


def _client_from(hops: list[str], trusted: Sequence[str]) -> str:
    """The rightmost hop that is not a trusted proxy (the leftmost when all are)."""
    for hop in reversed(hops):
        if not _trusts(trusted, hop):
            return hop
    return hops[0]


def _parse_hosts(value: str | Sequence[str]) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    return tuple(str(item).strip() for item in items if str(item).strip())


def _trusts(trusted: Sequence[str], host: str) -> bool:
    if "*" in trusted:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host in trusted
    for entry in trusted:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _trusted_proxies() -> tuple[str, ...]:
    """`trusted_proxies` from secrets.toml (a list or a comma list), else the environment."""
    configured = _read_secrets().get(TRUSTED_PROXIES_SECRET) or os.environ.get(TRUSTED_PROXIES_ENV, "")
    if isinstance(configured, str | list | tuple):
        return _parse_hosts(configured)
    return ()


def _server_trusted() -> str:
    """What uvicorn was started with: it reads the same process environment at start-up."""
    return os.environ.get(SERVER_TRUSTED_ENV, SERVER_TRUSTED_DEFAULT)


def _peer_address() -> str | None:
    """The connection's address as the server reports it, loopback included.

    st.context.ip_address hides loopback (None), which would leave local and proxied visitors
    without a key."""
    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return None
    client = runtime.get_instance().get_client(ctx.session_id)
    context = getattr(client, "client_context", None)
    return getattr(context, "remote_ip", None)


def _forwarded_for() -> str | None:
    """Every X-Forwarded-For header of the connection, joined as proxies would."""
    values = st.context.headers.get_all("X-Forwarded-For")
    return ",".join(values) if values else None


def _session_id() -> str:
    """The browser session's id: unlike session state it survives `clear_cache`. (AppTest gives
    every session the same id; its tests stand in their own.)"""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def _now() -> float:
    return time.monotonic()
