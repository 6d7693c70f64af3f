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
import math
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import streamlit as st
from streamlit.errors import StreamlitAuthError

from atlas.i18n import LANGUAGES, Translator, pick_language
from loaders import DataError, load_translations

PAGES_DIR = Path(__file__).resolve().parents[1] / "app_pages"
PASSCODE_ENV = "CORRIDOR_ATLAS_PASSCODE"
PASSCODE_SECRET = "passcode"
MAX_FAILURES = 5
LOCK_SECONDS = 60.0
# Per address, across sessions: opening a new tab must not reset the count. Higher than the
# per-session limit because a meeting room often shares one public address.
IP_MAX_FAILURES = 20
_IP_KEYS_KEPT = 1024
_ADMITTED = "_auth_admitted"
_SESSION_LIMITER = "_auth_limiter"
_SESSION_KEY = "session"
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
    session = _session_limiter()
    address = _client_address()
    shared = _address_limiter() if address else None
    now = _now()
    wait = session.seconds_locked(_SESSION_KEY, now)
    if shared is not None and address:
        wait = max(wait, shared.seconds_locked(address, now))
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
        session.reset(_SESSION_KEY)
        st.session_state[_ADMITTED] = True
        return True
    left = session.record_failure(_SESSION_KEY, now)
    if shared is not None and address:
        left = min(left, shared.record_failure(address, now))
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
    """The two secrets the gate reads; none when there is no secrets.toml at all."""
    try:
        return {key: st.secrets[key] for key in ("auth", PASSCODE_SECRET) if key in st.secrets}
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


def _session_limiter() -> AttemptLimiter:
    limiter = st.session_state.get(_SESSION_LIMITER)
    if not isinstance(limiter, AttemptLimiter):
        limiter = AttemptLimiter(MAX_FAILURES, LOCK_SECONDS, max_keys=1)
        st.session_state[_SESSION_LIMITER] = limiter
    return limiter


@st.cache_resource(show_spinner=False)
def _address_limiter() -> AttemptLimiter:
    """One limiter per server process, shared by every session."""
    return AttemptLimiter(IP_MAX_FAILURES, LOCK_SECONDS)


def _client_address() -> str | None:
    """The visitor's address (None on localhost). Spoofable behind some proxies: a brake on
    guessing from many tabs, not an identity."""
    return st.context.ip_address


def _now() -> float:
    return time.monotonic()
