"""The archive's embedded object store (devtools.embedded_seaweed): real S3 on loopback, reused while it runs."""

from __future__ import annotations

import boto3

from devtools.embedded_seaweed import EmbeddedSeaweed


def test_the_embedded_store_answers_s3_and_a_second_handle_reuses_it(archive_server):
    client = boto3.client(
        "s3",
        endpoint_url=archive_server.endpoint_url,
        aws_access_key_id="embedded",
        aws_secret_access_key="embedded",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket="embedded-check")
    client.put_object(Bucket="embedded-check", Key="a/b.json.gz", Body=b"\x1f\x8b kept")
    assert client.get_object(Bucket="embedded-check", Key="a/b.json.gz")["Body"].read() == b"\x1f\x8b kept"

    # dev.py up makes a new handle on the same folder for each step: same ports, same process.
    again = EmbeddedSeaweed(archive_server.data_dir)
    assert again.ports == archive_server.ports
    assert again.start() == archive_server.endpoint_url
    assert again._running_pid() == archive_server._running_pid()
