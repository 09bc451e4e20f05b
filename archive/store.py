"""The object store, thin: one S3 client (boto3) for ARCHIVE_URL, put and get of whole objects.

Any S3-compatible store: AWS S3 (ARCHIVE_ENDPOINT_URL empty), MinIO, SeaweedFS. An S3 PUT is atomic
(the object appears whole or not at all), so an archiver killed mid-write leaves nothing under the
final key. Every failure of the store (unreachable, refusing, a missing bucket, bad credentials) is
`StoreUnavailable`: a failure of the world, which the archiver waits out and the API answers with 503.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings


class ArchiveUnreadable(Exception):
    """The archived copy cannot be read now (the store away, or an object that does not match its row)."""


class StoreUnavailable(ArchiveUnreadable):
    """The object store did not do what was asked: unreachable, refusing, misconfigured."""


class ArchiveNotConfigured(StoreUnavailable):
    """ARCHIVE_URL is not set."""


@dataclass(frozen=True)
class ArchiveLocation:
    bucket: str
    prefix: str  # "" or ending with "/"


def parse_archive_url(url: str) -> ArchiveLocation:
    """``s3://bucket/prefix`` → its bucket and key prefix; ValueError with what to write instead."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValueError(f"ARCHIVE_URL {url!r} is not s3://bucket or s3://bucket/prefix")
    prefix = parsed.path.strip("/")
    return ArchiveLocation(bucket=parsed.netloc, prefix=f"{prefix}/" if prefix else "")


@functools.lru_cache(maxsize=8)
def _client(endpoint_url: str, region: str, credentials: tuple[str, str] | None):
    """One boto3 client per configuration and process (making one costs tens of ms; they are thread-safe)."""
    import boto3
    from botocore.config import Config

    config = Config(
        # A store that is away must not hold a replay request or an archiver batch for long.
        connect_timeout=2,
        read_timeout=10,
        retries={"max_attempts": 2, "mode": "standard"},
        max_pool_connections=16,
    )
    keys = {"aws_access_key_id": credentials[0], "aws_secret_access_key": credentials[1]} if credentials else {}
    return boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region, config=config, **keys)


class ArchiveStore:
    """The bucket and prefix of ARCHIVE_URL on its store. Keys given to put and get are whole keys,
    prefix included (`full_key`), as the match rows record them."""

    def __init__(
        self,
        *,
        url: str,
        endpoint_url: str = "",
        region: str = "us-east-1",
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.location = parse_archive_url(url)
        self._client = _client(endpoint_url, region, credentials)

    @classmethod
    def from_settings(cls) -> ArchiveStore:
        if not settings.ARCHIVE_URL:
            raise ArchiveNotConfigured("ARCHIVE_URL is not set: the archive has no object store (s3://bucket/prefix)")
        return cls(
            url=settings.ARCHIVE_URL,
            endpoint_url=settings.ARCHIVE_ENDPOINT_URL,
            region=settings.AWS_REGION,
            credentials=settings.ARCHIVE_CREDENTIALS,
        )

    def full_key(self, key: str) -> str:
        return self.location.prefix + key

    def put(self, key: str, body: bytes) -> None:
        """Store ``body`` under ``key`` (replacing any object there)."""
        with _store_errors("write", key):
            self._client.put_object(Bucket=self.location.bucket, Key=key, Body=body, ContentType="application/gzip")

    def get(self, key: str) -> bytes | None:
        """The object under ``key``; None when there is none."""
        try:
            with _store_errors("read", key):
                return self._client.get_object(Bucket=self.location.bucket, Key=key)["Body"].read()
        except StoreUnavailable as error:
            if _error_code(error.__cause__) in ("NoSuchKey", "404"):
                return None
            raise

    def keys(self, under: str = "") -> list[str]:
        """Every key under the prefix (and ``under`` inside it), in the store's order (lexicographic)."""
        keys: list[str] = []
        with _store_errors("list", self.full_key(under)):
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.location.bucket, Prefix=self.full_key(under)
            )
            for page in pages:
                keys.extend(item["Key"] for item in page.get("Contents", []))
        return keys

    def ensure_bucket(self) -> None:
        """Create the bucket when the store has none of that name (MinIO, SeaweedFS; on AWS, make it first)."""
        bucket = self.location.bucket
        try:
            with _store_errors("find the bucket", bucket):
                self._client.head_bucket(Bucket=bucket)
        except StoreUnavailable as error:
            if _error_code(error.__cause__) not in ("404", "NoSuchBucket"):
                raise
            with _store_errors("create the bucket", bucket):
                self._client.create_bucket(Bucket=bucket)


def _error_code(error: BaseException | None) -> str:
    """The S3 error code of a boto3 ClientError ("NoSuchKey", "404", ...); "" for anything else."""
    response = getattr(error, "response", None)
    return (response or {}).get("Error", {}).get("Code", "") if isinstance(response, dict) else ""


@contextlib.contextmanager
def _store_errors(action: str, key: str) -> Iterator[None]:
    """Turns whatever boto3 raises into StoreUnavailable, saying what was being done and where."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (ClientError, BotoCoreError) as error:
        code = _error_code(error)
        what = f"{code}: {error}" if code else str(error)
        raise StoreUnavailable(f"the archive's object store could not {action} {key!r}: {what}") from error
