"""The event contract, pure: vocabulary, envelope and data validation, subjects and Msg-Ids, the JSON Schema,
match checks (SPEC section 11). Imports nothing of Django, DRF, NATS or another project package."""
