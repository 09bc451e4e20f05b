"""The contract for other publishers (SPEC section 11): event and moment definitions, their JSON Schema."""
