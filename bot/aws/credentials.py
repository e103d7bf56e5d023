"""Credentials for the lean AWS clients, from where a Lambda function has them.

The AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN environment, else the container
credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI, which Lambda SnapStart uses), fetched within
the caller's deadline and cached until shortly before they expire. Profiles, config files, SSO and IMDS
are out of scope on purpose.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bot.aws.deadline import MIN_ATTEMPT_TIME
from bot.aws.errors import CredentialsError
from bot.aws.sigv4 import Credentials
from bot.aws.transport import describe_exception, new_connection

__all__ = ["CredentialProvider", "Credentials", "CredentialsError"]

DEFAULT_TIMEOUT = 1.0  # seconds per fetch attempt (connect, and each socket read or write)

# Container credentials: ECS's link-local address for relative URIs; over plain http only these
# hosts (and loopback) may receive the authorization token, as botocore allows.
_ECS_HOST = "169.254.170.2"
_CONTAINER_HOSTS = frozenset({_ECS_HOST, "169.254.170.23", "fd00:ec2::23", "localhost"})
_REFRESH_MARGIN = 300.0  # seconds before Expiration at which container credentials are fetched again
_NO_EXPIRY_TTL = 300.0  # how long credentials without an Expiration are trusted


class CredentialProvider:
    """Explicit credentials, else the environment, else the container credentials endpoint (cached).

    One provider may be shared by several clients, so that a cold start fetches container credentials once.
    """

    def __init__(self, credentials: Credentials | None = None) -> None:
        self._explicit = credentials
        self._cached: Credentials | None = None
        self._refresh_at = 0.0  # wall clock (time.time), since Expiration is a wall-clock time
        self._expires_at = 0.0

    def invalidate(self) -> None:
        self._cached = None
        self._refresh_at = self._expires_at = 0.0

    def get(self, deadline: float, timeout: float = DEFAULT_TIMEOUT) -> Credentials:
        """Credentials to sign with; `deadline` is on the time.monotonic() clock and bounds any fetch."""
        if self._explicit is not None:
            return self._explicit
        env = os.environ
        access_key = env.get("AWS_ACCESS_KEY_ID")
        secret_key = env.get("AWS_SECRET_ACCESS_KEY")
        if access_key and secret_key:
            # Read on every call: it costs microseconds, and the environment is the source of truth.
            return Credentials(access_key, secret_key, env.get("AWS_SESSION_TOKEN") or env.get("AWS_SECURITY_TOKEN"))
        if access_key or secret_key:
            raise CredentialsError("NoCredentials", "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set")
        if not (env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") or env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")):
            raise CredentialsError(
                "NoCredentials",
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "or AWS_CONTAINER_CREDENTIALS_FULL_URI",
            )
        now = time.time()
        if self._cached is not None and now < self._refresh_at:
            return self._cached
        try:
            return self._fetch(deadline, timeout)
        except CredentialsError:
            # A failed early refresh is no reason to fail the call while the old credentials still hold.
            if self._cached is not None and time.time() < self._expires_at - 30:
                return self._cached
            raise

    def _fetch(self, deadline: float, timeout: float) -> Credentials:
        env = os.environ
        relative = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        url = f"http://{_ECS_HOST}{relative}" if relative else env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or not host:
            raise CredentialsError("CredentialsFetchFailed", "the container credentials URI is not an http(s) URL")
        if parts.scheme == "http" and not (_is_loopback(host) or host in _CONTAINER_HOSTS):
            raise CredentialsError(
                "CredentialsFetchFailed",
                f"container credentials over http only from loopback or {', '.join(sorted(_CONTAINER_HOSTS))}, "
                f"not {host}",
            )
        headers = {"Accept": "application/json"}
        token = self._authorization_token()
        if token is not None:
            headers["Authorization"] = token
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

        last = "no time left before the deadline"
        for _ in range(2):  # one quick retry: the endpoint is local, a second failure will not heal in time
            remaining = deadline - time.monotonic()
            if remaining < MIN_ATTEMPT_TIME:
                break
            conn = new_connection(parts.scheme, host, parts.port, min(timeout, remaining))
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as exc:
                last = describe_exception(exc)
                continue
            finally:
                conn.close()
            if response.status != 200:
                # The response body is not quoted: it could echo the authorization token.
                last = f"HTTP {response.status} from the container credentials endpoint"
                if response.status < 500:
                    break
                continue
            return self._store(raw)
        raise CredentialsError("CredentialsFetchFailed", f"container credentials: {last}")

    def _authorization_token(self) -> str | None:
        env = os.environ
        path = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        if path:
            try:
                with open(path, encoding="utf-8") as handle:
                    token = handle.read()
            except OSError as exc:
                raise CredentialsError(
                    "CredentialsFetchFailed", f"cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: {exc.strerror}"
                ) from None
        else:
            token = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        if token is not None and ("\r" in token or "\n" in token):
            raise CredentialsError("CredentialsFetchFailed", "the container authorization token is not a legal header")
        return token

    def _store(self, raw: bytes) -> Credentials:
        try:
            doc = json.loads(raw)
            credentials = Credentials(doc["AccessKeyId"], doc["SecretAccessKey"], doc.get("Token"))
            expiration = doc.get("Expiration")
        except (ValueError, KeyError, TypeError):
            raise CredentialsError(
                "CredentialsFetchFailed", "the container credentials endpoint sent no AccessKeyId/SecretAccessKey"
            ) from None
        now = time.time()
        expires_at = _parse_expiration(expiration) if expiration else None
        if expires_at is None:
            self._expires_at = self._refresh_at = now + _NO_EXPIRY_TTL
        else:
            self._expires_at = expires_at
            # Short-lived credentials (under twice the margin) are refreshed at half their life instead.
            self._refresh_at = max(expires_at - _REFRESH_MARGIN, now + (expires_at - now) / 2)
        self._cached = credentials
        return credentials


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parse_expiration(value: object) -> float | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # AWS writes UTC; don't let the local zone shift it
    return moment.timestamp()
