"""DRF sees the identity that TokenAuthenticationMiddleware already resolved: one auth layer."""

from rest_framework.authentication import BaseAuthentication


class MiddlewareTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        token = getattr(request._request, "api_token", None)
        if token is None:
            return None
        return (request._request.user, token)

    def authenticate_header(self, request) -> str:
        # A challenge makes DRF answer 401 (not 403) when no identity is given.
        return "Token"
