"""The object store, thin: put and get of whole objects under ARCHIVE_URL, through obstore.

Any S3-compatible store: AWS S3 (ARCHIVE_ENDPOINT_URL empty), MinIO, SeaweedFS. An S3 PUT is atomic
(the object appears whole or not at all), so an archiver killed mid-write leaves nothing under the
final key. Every failure of the store (unreachable, refusing, a missing bucket, bad credentials) is
`StoreUnavailable`: a failure of the world, which the archiver waits out and the API answers with 503.

Why obstore (Rust's object_store) rather than boto3 for the objects: the archiver puts one object a match
from a process whose Python is its limit, and a boto3 PUT of a 3 KB object cost 0.94 ms of Python CPU
(request building, SigV4 signing, hooks: a fifth of the archiver's GIL time, py-spy on bench/archive.py)
where obstore's costs 0.10 ms, its work done in Rust without the GIL (1,000 puts to the embedded
SeaweedFS, 8 threads, the same run: 1.16 s and 860 puts/s against 0.53 s and 1,900 puts/s). boto3 is
kept for what obstore does not do, the bucket's creation on a development store (`ensure_bucket`), and
for the credentials when none are given: boto3's chain (variables, profile, instance role) feeds obstore.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
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


# A store that is away must not hold a replay request or an archiver batch for long: one retry, soon.
_CLIENT_OPTIONS = {"connect_timeout": "2s", "timeout": "10s"}
_RETRIES = {
    "max_retries": 1,
    "retry_timeout": timedelta(seconds=10),
    "backoff": {"init_backoff": timedelta(milliseconds=100), "max_backoff": timedelta(seconds=1), "base": 2},
}


@functools.lru_cache(maxsize=8)
def _objects(bucket: str, endpoint_url: str, region: str, credentials: tuple[str, str] | None):
    """One obstore client per configuration and process (it keeps a pool of connections; thread-safe).
    Imported here, as boto3 is: a process that never touches the archive does not load it."""
    from obstore.store import S3Store

    keys: dict[str, Any]
    if credentials:
        keys = {"access_key_id": credentials[0], "secret_access_key": credentials[1]}
    else:  # boto3's chain, refreshed by obstore before they expire (an instance role's, an SSO profile's)
        from obstore.auth.boto3 import Boto3CredentialProvider

        try:
            keys = {"credential_provider": Boto3CredentialProvider()}
        except ValueError as error:
            raise StoreUnavailable(f"the archive's object store has no credentials: {error}") from error
    return S3Store(
        bucket,
        region=region,
        client_options={**_CLIENT_OPTIONS, "allow_http": endpoint_url.startswith("http://")},
        retry_config=_RETRIES,  # type: ignore[arg-type]
        **({"endpoint": endpoint_url} if endpoint_url else {}),
        **keys,
    )


@functools.lru_cache(maxsize=8)
def _buckets(endpoint_url: str, region: str, credentials: tuple[str, str] | None):
    """A boto3 client for the bucket itself (obstore works on objects only)."""
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"})
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
        self._configuration = (endpoint_url, region, credentials)
        self._objects = _objects(self.location.bucket, *self._configuration)

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
        import obstore

        with _store_errors("write", key):
            obstore.put(self._objects, key, body, attributes={"Content-Type": "application/gzip"})

    def get(self, key: str) -> bytes | None:
        """The object under ``key``; None when there is none."""
        import obstore

        try:
            with _store_errors("read", key):
                return bytes(obstore.get(self._objects, key).bytes())
        except FileNotFoundError as error:
            if "NoSuchBucket" in str(error):  # the store answers 404 for the bucket too: that is no answer
                raise StoreUnavailable(f"the archive's object store could not read {key!r}: {error}") from error
            return None

    def keys(self, under: str = "") -> list[str]:
        """Every key under the prefix (and the folder ``under`` inside it, "" or ending with "/"), in the
        store's order (lexicographic)."""
        import obstore

        keys: list[str] = []
        with _store_errors("list", self.full_key(under)):
            for chunk in obstore.list(self._objects, self.full_key(under) or None, chunk_size=1000):
                keys.extend(item["path"] for item in chunk)
        return keys

    def ensure_bucket(self) -> None:
        """Create the bucket when the store has none of that name (MinIO, SeaweedFS; on AWS, make it first)."""
        from botocore.exceptions import BotoCoreError, ClientError

        bucket, client = self.location.bucket, _buckets(*self._configuration)
        try:
            client.head_bucket(Bucket=bucket)
        except ClientError as error:
            if _error_code(error) not in ("404", "NoSuchBucket"):
                raise StoreUnavailable(f"the archive's object store could not find {bucket!r}: {error}") from error
            try:
                client.create_bucket(Bucket=bucket)
            except (ClientError, BotoCoreError) as error:
                raise StoreUnavailable(f"the archive's object store could not create {bucket!r}: {error}") from error
        except BotoCoreError as error:
            raise StoreUnavailable(f"the archive's object store could not find {bucket!r}: {error}") from error


def _error_code(error: BaseException | None) -> str:
    """The S3 error code of a boto3 ClientError ("NoSuchBucket", "404", ...); "" for anything else."""
    response = getattr(error, "response", None)
    return (response or {}).get("Error", {}).get("Code", "") if isinstance(response, dict) else ""


@contextlib.contextmanager
def _store_errors(action: str, key: str) -> Iterator[None]:
    """Turns whatever obstore raises into StoreUnavailable, saying what was being done and where (a missing
    object, FileNotFoundError, is left to the caller)."""
    from obstore.exceptions import BaseError as ObstoreError

    try:
        yield
    except FileNotFoundError:
        raise
    except (ObstoreError, OSError) as error:
        raise StoreUnavailable(f"the archive's object store could not {action} {key!r}: {error}") from error
