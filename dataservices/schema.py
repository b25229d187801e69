"""OpenAPI description of the API-key authentication (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "dataservices.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"
    # Anonymous use is allowed: the key is optional on every operation.
    optional = True

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "Or `Authorization: Api-Key <key>`. Never in the URL.",
        }
