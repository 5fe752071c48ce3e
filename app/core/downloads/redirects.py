"""Follow redirects one hop at a time, checking each address before connecting to it.

requests follows redirects itself and lets the caller look only at where it
ended: a redirect to ``0.0.0.0`` has been connected to before it can be refused,
and one to ``file://`` fails inside requests as a "connection problem" that gets
retried. Here each hop is checked first (:func:`~app.core.downloads.urls.check_hop`)
and a bad one is refused at once, naming where it pointed. The token auth runs
again on every hop and only attaches itself where it may go.
"""

from __future__ import annotations

from urllib.parse import urljoin

import requests
from requests.utils import requote_uri

from app.core.downloads.urls import check_hop
from app.core.errors import UserError

MAX_REDIRECTS = 10


def send_checked(
    session: requests.Session,
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    timeout: tuple[float, float],
    stream: bool,
) -> requests.Response:
    """The final response of ``method url``; raises RefusedAddress for a bad hop."""
    check_hop(url, redirected=False)
    for _ in range(MAX_REDIRECTS + 1):
        response = session.request(
            method, url, headers=headers, timeout=timeout, stream=stream, allow_redirects=False
        )
        location = session.get_redirect_target(response)
        if location is None:
            return response
        response.close()
        url = requote_uri(urljoin(response.url, location))
        check_hop(url, redirected=True)
    raise UserError(f"the server redirected more than {MAX_REDIRECTS} times")
