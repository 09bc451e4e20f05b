"""A consumer's data path: JetStream pull requests, deliveries and acks over a plain NATS connection of its own.

nats-py's receive path (its protocol parser, a parsed header dict, a `Msg` object and a queue hop for
every message) was half of the projector's CPU on a backlog. The consumers' data path is ours instead:
on a backlog in full batches (bench/), the projector went from 74k events/s through nats-py to about
125k. Everything else (stream and consumer setup, publishing, direct gets, replays) stays on nats-py.

- ``wire``: the protocol as bytes, pure (NATS_URL checked, frames split, headers parsed).
- ``connection``: ``PullConnection``, the socket: CONNECT, PING/PONG both ways, a stale server dropped.
- ``client``: ``PullClient``, JetStream's pull semantics over it (``fetch``, statuses, acks).
"""
