"""Marshmallow schemas: the API contract. Commands (...CreateSchema) and reads are separate."""
