"""A small browser for the load test: cookies, forms, CSRF and redirects, over http.client.

It behaves as a browser behind the site's TLS-terminating load balancer does: every request
carries ``X-Forwarded-Proto: https`` (so the Secure session and CSRF cookies are legitimate and
Django checks the ``Origin`` of each POST), forms are read from the page with their hidden fields
(the CSRF token, the comment form's time-trap), and HTMX requests send the token from
``<body hx-headers>`` as ``X-CSRFToken``. Every request is timed and recorded.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

REQUEST_TIMEOUT = 30  # seconds; gunicorn's own worker timeout is 30 s too
_HX_HEADERS = re.compile(r"""hx-headers='([^']*)'""")
_TITLE = re.compile(r"<title>([^<]*)</title>")


@dataclass(frozen=True)
class Record:
    """One request as the load test saw it; ``status`` is None when the connection failed."""

    start: float  # time.monotonic() when sent
    seconds: float
    method: str
    label: str
    status: int | None
    error: str = ""
    user: str = ""
    detail: str = (
        ""  # for a 4xx or 5xx: the page's <title> (which error page answered), or the body
    )


@dataclass
class Response:
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 500

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)
    form_id: str = ""

    def data(self, **overrides: str | list[str]) -> list[tuple[str, str]]:
        """The form as a browser would send it, with the named fields filled in."""
        values = dict(self.fields)
        for name, value in overrides.items():
            values[name] = value if isinstance(value, list) else [value]
        return [(name, value) for name, items in values.items() for value in items]


class FormParser(HTMLParser):
    """Every <form> of a page: action, the values its fields would send, and select options."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), form_id=a.get("id", ""))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                form.fields[name] = [a.get("value", "")]
        elif tag == "select" and name:
            self._select = name
            form.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if "selected" in a or self._select not in form.fields:
                form.fields[self._select] = [value]
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def find_form(html: str, action: str) -> Form | None:
    return next((form for form in forms_of(html) if form.action == action), None)


class Browser:
    """One simulated person: their cookies, and a log of every request they made."""

    def __init__(self, port: int, name: str, records: list[Record]) -> None:
        self.port = port
        self.name = name
        self.records = records
        self.cookies: dict[str, str] = {}
        self.htmx_token = ""

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def _store_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                if expired or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(
        self,
        method: str,
        path: str,
        *,
        label: str,
        data: list[tuple[str, str]] | None = None,
        htmx: bool = False,
    ) -> Response:
        headers = {"X-Forwarded-Proto": "https", "User-Agent": "lighter-legs-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = f"{self.origin}{path}"
        if htmx:
            headers["HX-Request"] = "true"
            if method == "POST" and self.htmx_token:
                headers["X-CSRFToken"] = self.htmx_token
        start = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
            set_cookies = raw.headers.get_all("Set-Cookie") or []
            response = Response(
                status=raw.status,
                headers={key.lower(): value for key, value in raw.getheaders()},
                body=content.decode("utf-8", "replace"),
            )
        except (OSError, http.client.HTTPException) as problem:
            response = Response(status=None, error=type(problem).__name__)
            set_cookies = []
        finally:
            connection.close()
        seconds = time.monotonic() - start
        detail = ""
        if response.status is not None and response.status >= 400:
            title = _TITLE.search(response.body)
            detail = title.group(1).strip() if title else response.body[:80]
        self.records.append(
            Record(
                start, seconds, method, label, response.status, response.error, self.name, detail
            )
        )
        self._store_cookies(set_cookies)
        token = _HX_HEADERS.search(response.body) if response.status == 200 else None
        if token:
            self.htmx_token = json.loads(token.group(1)).get("X-CSRFToken", self.htmx_token)
        return response

    def get(self, path: str, *, label: str, htmx: bool = False) -> Response:
        return self.request("GET", path, label=label, htmx=htmx)

    def post(
        self,
        path: str,
        data: list[tuple[str, str]],
        *,
        label: str,
        htmx: bool = False,
        follow: bool = True,
    ) -> Response:
        """POST; like a browser, follow a redirect with a GET (recorded on its own)."""
        response = self.request("POST", path, label=label, data=data, htmx=htmx)
        if follow and response.status in (301, 302, 303) and response.location:
            target = urlsplit(response.location)
            self.get(target.path + (f"?{target.query}" if target.query else ""), label="redirect")
        return response
