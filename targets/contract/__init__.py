"""The ASTI-1 contract as an OpenAPI document (openapi.yaml)."""
