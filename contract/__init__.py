"""The event contract, pure: vocabulary, envelope and data validation, subjects and Msg-Ids, the JSON Schema,
match checks (docs/operations.md). Imports nothing of Django, DRF, NATS or another project package."""
