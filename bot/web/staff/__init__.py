"""The staff dashboard (/staff pages) and the staff JSON API's authentication.

Build pages on it with `require_staff`, `require_api_token` (bot.web.staff.auth), `current_staff`
(bot.web.staff.identity) and `render_staff` (bot.web.staff.pages); `register(app)` mounts it.
"""

from bot.web.staff.views import register

__all__ = ["register"]
