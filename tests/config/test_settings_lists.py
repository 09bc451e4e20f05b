"""NATS_URL and the embedded servers' address name a cluster as a comma-separated list (docs/configuration.md)."""

from config.settings.base import comma_list


def test_a_clusters_url_is_one_server_a_node():
    # `dev.py servers start --cluster` writes this to .local/servers.json; the local settings read it so.
    joined = "nats://127.0.0.1:4301,nats://127.0.0.1:4302, nats://127.0.0.1:4303 ,"
    assert comma_list(joined) == ["nats://127.0.0.1:4301", "nats://127.0.0.1:4302", "nats://127.0.0.1:4303"]
    assert comma_list("nats://127.0.0.1:4222") == ["nats://127.0.0.1:4222"]
    assert comma_list("") == []
