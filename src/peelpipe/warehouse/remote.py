"""Where the warehouse lives when it is not a local folder: an S3-compatible bucket.

`S3Store` is every request the warehouse makes to the store, through boto3 (the AWS SDK): plain
GET/PUT/LIST/DELETE of objects, and the conditional writes a local folder does with link and
rename, `PutObject` with `If-None-Match: *` (create only if absent) and `If-Match: <etag>` (replace
only the version read). Credentials and region come from the standard AWS chain (AWS_ACCESS_KEY_ID
and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, AWS_REGION, an instance role...); the endpoint of a store
other than AWS from the `s3_endpoint` setting or AWS_ENDPOINT_URL. No credential is ever stored,
logged or named in an error: messages name only the s3:// URL, which cannot carry one.

`hold_remote` is the writer lock on the store: a `.lock` object created only if absent, so two
workers on different machines can never both hold it; one older than `lock_max_age` (a worker that
died) is replaced conditionally on the exact version read, so two takers cannot both win either.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from peelpipe.errors import ConfigError, LockedError, WarehouseError
from peelpipe.warehouse.lock import RECORD_NAME, Holder

SCHEME = "s3://"


def is_remote(location: str) -> bool:
    """Whether a warehouse setting names an object store (s3://bucket/prefix) rather than a folder."""
    return str(location).startswith(SCHEME)


@dataclass(frozen=True)
class S3Location:
    """s3://bucket/prefix: the bucket and the key prefix (no trailing slash) of a warehouse."""

    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> S3Location:
        """The location of an s3:// URL; a ConfigError for one without a bucket or carrying a secret."""
        rest = url[len(SCHEME) :] if url.startswith(SCHEME) else ""
        bucket, _, prefix = rest.partition("/")
        if not bucket or "@" in bucket or ":" in bucket or "?" in url or "#" in url:
            raise ConfigError(
                f"warehouse must be a folder or s3://bucket/prefix (no credentials, query or port in it), "
                f"got {url.split('@')[-1]!r:.80}; credentials come from the AWS environment or profile"
            )
        return cls(bucket, prefix.strip("/"))

    @property
    def url(self) -> str:
        """The location as an s3:// URL."""
        return f"{SCHEME}{self.bucket}/{self.prefix}".rstrip("/")

    def key(self, relative: str) -> str:
        """The object key of a path relative to the warehouse root."""
        return f"{self.prefix}/{relative}" if self.prefix else relative


class Conflict(WarehouseError):
    """A conditional write found the object not as expected (412 Precondition Failed)."""


class S3Store:
    """The warehouse's requests to an S3-compatible store, relative to its location."""

    def __init__(self, location: S3Location, endpoint: str = "") -> None:
        import boto3
        from botocore.config import Config

        self.location = location
        config = Config(
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
            s3={"addressing_style": "path"} if endpoint else None,
        )
        self.client: Any = boto3.session.Session().client("s3", endpoint_url=endpoint or None, config=config)

    def _fail(self, action: str, relative: str, exc: Exception) -> WarehouseError:
        from botocore.exceptions import ClientError

        where = f"{self.location.url}/{relative}"
        if isinstance(exc, ClientError):
            code = exc.response.get("Error", {}).get("Code", "?")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in ("PreconditionFailed", "ConditionalRequestConflict") or status == 412:
                return Conflict(f"{where} changed meanwhile ({code})")
            return WarehouseError(f"cannot {action} {where}: {code} (HTTP {status})")
        return WarehouseError(f"cannot {action} {where}: {type(exc).__name__}: the store did not answer")

    def get(self, relative: str) -> tuple[bytes, str] | None:
        """An object's bytes and ETag, or None when there is none."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            reply = self.client.get_object(Bucket=self.location.bucket, Key=self.location.key(relative))
            return reply["Body"].read(), str(reply["ETag"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise self._fail("read", relative, exc) from None
        except BotoCoreError as exc:
            raise self._fail("read", relative, exc) from None

    def put(self, relative: str, data: bytes, *, if_absent: bool = False, if_match: str = "") -> str:
        """Write an object in one PUT (a reader sees the old object or the new, never part); with
        `if_absent` only if there is none, with `if_match` only if it is still that version (else a
        Conflict). Returns the new ETag."""
        from botocore.exceptions import BotoCoreError, ClientError

        extra: dict[str, str] = {"IfNoneMatch": "*"} if if_absent else {"IfMatch": if_match} if if_match else {}
        try:
            reply = self.client.put_object(
                Bucket=self.location.bucket, Key=self.location.key(relative), Body=data, **extra
            )
            return str(reply["ETag"])
        except (ClientError, BotoCoreError) as exc:
            raise self._fail("write", relative, exc) from None

    def delete(self, relative: str, *, if_match: str = "") -> None:
        """Remove an object (only that version with `if_match`: else a Conflict); absent is fine."""
        from botocore.exceptions import BotoCoreError, ClientError

        extra = {"IfMatch": if_match} if if_match else {}
        try:
            self.client.delete_object(Bucket=self.location.bucket, Key=self.location.key(relative), **extra)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return
            raise self._fail("delete", relative, exc) from None
        except BotoCoreError as exc:
            raise self._fail("delete", relative, exc) from None

    def listing(self, relative_prefix: str) -> dict[str, int]:
        """Relative path -> size of every object under a prefix (paged LIST requests)."""
        from botocore.exceptions import BotoCoreError, ClientError

        strip = len(self.location.key(""))
        found: dict[str, int] = {}
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.location.bucket, Prefix=self.location.key(relative_prefix)
            )
            for page in pages:
                for item in page.get("Contents", []):
                    found[str(item["Key"])[strip:]] = int(item["Size"])
        except (ClientError, BotoCoreError) as exc:
            raise self._fail("list", relative_prefix, exc) from None
        return found


def _record(holder: Holder) -> bytes:
    return json.dumps(asdict(holder)).encode()


def _holder(data: bytes) -> Holder:
    """The record's holder; an unreadable record is a holder of unknown host, as old as now."""
    try:
        raw = json.loads(data)
        since = float(raw["since"])
        if not 0 <= since < 1e11:
            raise ValueError(since)
        return Holder(str(raw["host"]), int(raw["pid"]), str(raw["purpose"]), since, str(raw.get("token", "")))
    except (ValueError, TypeError, KeyError, RecursionError):
        return Holder("unknown", 0, "unreadable lock record", time.time())


def _refusal(store: S3Store, holder: Holder, max_age_hours: float) -> LockedError:
    return LockedError(
        f"warehouse {store.location.url} is being written by {holder.describe()}; it is taken over once "
        f"older than lock_max_age ({max_age_hours:g} h); if that process is gone, free it now with "
        f"'peelpipe unlock --warehouse {store.location.url}'"
    )


def acquire(store: S3Store, purpose: str, max_age_hours: float) -> tuple[Holder, str]:
    """Take the store's writer lock: create `.lock` if absent, or replace one older than max_age_hours
    if it is still the version read. Returns this holder and its record's ETag; LockedError if held."""
    me = Holder(socket.gethostname(), os.getpid(), purpose, time.time(), uuid.uuid4().hex)
    for _ in range(5):
        try:
            return me, store.put(RECORD_NAME, _record(me), if_absent=True)
        except Conflict:
            pass
        found = store.get(RECORD_NAME)
        if found is None:
            continue  # released meanwhile: try again
        holder = _holder(found[0])
        if holder.age < max_age_hours * 3600:
            raise _refusal(store, holder, max_age_hours)
        try:  # a dead worker's lock: replace exactly the version judged stale
            return me, store.put(RECORD_NAME, _record(me), if_match=found[1])
        except Conflict:
            continue  # another worker took it over first
    raise LockedError(f"warehouse {store.location.url}: the lock changed hands repeatedly; try again later")


def release(store: S3Store, etag: str) -> bool:
    """Remove this holder's record; False if it is no longer ours (taken over after lock_max_age)."""
    try:
        store.delete(RECORD_NAME, if_match=etag)
    except Conflict:
        return False
    return True


@contextmanager
def hold_remote(store: S3Store, purpose: str, max_age_hours: float) -> Iterator[tuple[Holder, str]]:
    """Hold the store's writer lock for the body of the with-block (see acquire)."""
    held = acquire(store, purpose, max_age_hours)
    try:
        yield held
    finally:
        try:
            release(store, held[1])
        except WarehouseError:
            pass  # store unreachable: the record expires after lock_max_age


def unlock_remote(store: S3Store) -> Holder | None:
    """`peelpipe unlock` for a store: remove the lock record (what it said, or None when there was none)."""
    found = store.get(RECORD_NAME)
    if found is None:
        return None
    store.delete(RECORD_NAME, if_match=found[1])
    return _holder(found[0])
