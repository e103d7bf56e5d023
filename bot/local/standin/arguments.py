"""A Web API request's arguments and credentials, however the client encoded them.

Slack accepts arguments in the query string, a form, a multipart form or a JSON body, and a token as a Bearer header
or a `token` argument; OAuth clients send their id and secret as HTTP Basic auth or as form fields. slack_sdk uses
several of these (JSON for chat.postMessage, forms for auth.test, multipart for uploads, Basic for oauth.v2.access),
so recordings are normalised here: JSON-in-form fields decoded, file contents summarised, the token taken out.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import urllib.parse
from collections.abc import Mapping
from email import policy
from email.parser import BytesParser

from bot.local.standin.errors import Json

# Slack takes these as JSON text inside form posts; decoded so recordings read the same whatever the encoding
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "chunks")


def parse_args(headers: Mapping[str, str], body: bytes,
               query: dict[str, list[str]]) -> tuple[Json, str | None, str | None]:
    """(arguments, token given as an argument, parse error): the token is taken out of the arguments here."""
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    args: Json = {k: v[-1] for k, v in query.items()}
    error: str | None = None
    if content_type == "application/json":
        try:
            parsed = json.loads(body or b"{}")
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            args.update(parsed)
        else:
            error = "invalid_json"
    elif content_type == "multipart/form-data":
        args.update(_parse_multipart(headers.get("Content-Type") or "", body))
    elif body:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        args.update({k: v[-1] for k, v in form.items()})
    token = args.pop("token", None)
    for key in _JSON_FIELDS:
        if isinstance(args.get(key), str) and args[key]:
            # undecodable JSON stays text: the method answers it as Slack would (invalid_blocks_format, ...)
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args, str(token) if token else None, error


def bearer(headers: Mapping[str, str]) -> str | None:
    scheme, _, token = (headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def basic_auth(headers: Mapping[str, str]) -> tuple[str, str] | None:
    """(client id, client secret) from `Authorization: Basic ...`, or None."""
    scheme, _, encoded = (headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    return (urllib.parse.unquote(client_id), urllib.parse.unquote(secret)) if colon else None


def _parse_multipart(content_type: str, body: bytes) -> Json:
    message = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields: Json = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        # file contents are summarised: recordings must stay JSON and small
        fields[str(name)] = ({"filename": filename, "size": len(payload)} if filename
                             else payload.decode("utf-8", "replace"))
    return fields
