"""How the OpenAPI schema describes our one auth layer."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.MiddlewareTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A system or agent identity's key, sent as `Token <key>`. "
                "Create one with `manage.py create_api_token`."
            ),
        }
