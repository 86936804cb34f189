"""The OAuth2 endpoints integrations use (`/oauth/`): the token, and its revocation.

Client credentials only: no authorization page, so no token for a person's session. The
client authenticates itself with its secret (django-oauth-toolkit's views need no login).
"""

from django.urls import path
from oauth2_provider.views import RevokeTokenView, TokenView

app_name = "oauth"

urlpatterns = [
    path("token", TokenView.as_view(), name="token"),
    path("revoke", RevokeTokenView.as_view(), name="revoke"),
]
