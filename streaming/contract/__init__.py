"""The contract for other publishers (docs/contract.md): event and moment definitions, their JSON Schema."""
