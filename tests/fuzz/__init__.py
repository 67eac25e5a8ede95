# tests/fuzz/__init__.py — hostile-input suites: schemathesis over the OpenAPI document, hostile values per field.
# Test: pytest tests/fuzz/
