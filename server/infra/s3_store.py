"""Sealed objects in an S3-compatible store (AWS S3, MinIO, Ceph, OSS/COS in S3 mode), through boto3.

boto3 blocks, so every call runs in a thread. An object larger than one part goes up as a multipart upload
(parts of `part_size`, the last may be smaller), aborted when the write fails; a smaller one is one PUT.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Final

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from server.infra.config import ConfigError, Settings, int_setting
from server.infra.object_store import ObjectWriter, StoredObject, check_key

# S3 wants parts of at least 5 MiB (but the last); 8 MiB keeps a 1 GiB object at 128 parts.
DEFAULT_PART_SIZE: Final = 8 * 1024 * 1024
MIN_PART_SIZE: Final = 5 * 1024 * 1024


class _S3Writer:
    def __init__(self, store: S3Store, key: str) -> None:
        self._store = store
        self._key = key
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []

    async def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= self._store.part_size:
            part = bytes(self._buffer[: self._store.part_size])
            del self._buffer[: self._store.part_size]
            await self._upload_part(part)

    async def _upload_part(self, body: bytes) -> None:
        client, bucket = self._store.client, self._store.bucket
        if self._upload_id is None:
            created = await asyncio.to_thread(client.create_multipart_upload, Bucket=bucket, Key=self._key)
            self._upload_id = str(created["UploadId"])
        number = len(self._parts) + 1
        answer = await asyncio.to_thread(
            client.upload_part,
            Bucket=bucket,
            Key=self._key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=body,
        )
        self._parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    async def complete(self) -> None:
        client, bucket = self._store.client, self._store.bucket
        rest = bytes(self._buffer)
        self._buffer = bytearray()
        if self._upload_id is None:
            await asyncio.to_thread(client.put_object, Bucket=bucket, Key=self._key, Body=rest)
            return
        if rest:
            await self._upload_part(rest)
        await asyncio.to_thread(
            client.complete_multipart_upload,
            Bucket=bucket,
            Key=self._key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )

    async def abort(self) -> None:
        self._buffer = bytearray()
        if self._upload_id is not None:
            upload_id, self._upload_id = self._upload_id, None
            await asyncio.to_thread(
                self._store.client.abort_multipart_upload,
                Bucket=self._store.bucket,
                Key=self._key,
                UploadId=upload_id,
            )


class S3Store:
    """Objects under `prefix/` in `bucket`."""

    def __init__(
        self, client: Any, bucket: str, prefix: str = "", part_size: int = DEFAULT_PART_SIZE
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ConfigError(f"S3 parts must be at least {MIN_PART_SIZE} bytes")
        self.client = client
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.part_size = part_size

    @classmethod
    def from_settings(cls, settings: Settings, *, bucket: str, prefix: str) -> S3Store:
        """A client from WARROOM_S3_ENDPOINT_URL, WARROOM_S3_REGION and WARROOM_S3_ACCESS_KEY_ID /
        WARROOM_S3_SECRET_ACCESS_KEY (without them, boto3's own chain: environment, profile, role)."""
        if not bucket:
            raise ConfigError("WARROOM_MATERIALS_URL=s3://bucket/prefix needs a bucket")
        env = settings.extra
        endpoint = (env.get("WARROOM_S3_ENDPOINT_URL") or "").strip() or None
        key_id = (env.get("WARROOM_S3_ACCESS_KEY_ID") or "").strip() or None
        secret = (env.get("WARROOM_S3_SECRET_ACCESS_KEY") or "").strip() or None
        if (key_id is None) != (secret is None):
            raise ConfigError(
                "set both WARROOM_S3_ACCESS_KEY_ID and WARROOM_S3_SECRET_ACCESS_KEY, or neither"
            )
        config = Config(
            signature_version="s3v4",
            # Most self-hosted stores answer on one host name, not bucket.host.
            s3={"addressing_style": "path" if endpoint else "auto"},
            retries={"max_attempts": 5, "mode": "standard"},
        )
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint,
            region_name=(env.get("WARROOM_S3_REGION") or "").strip() or None,
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            config=config,
        )
        part_size = int_setting(env, "WARROOM_S3_PART_BYTES", DEFAULT_PART_SIZE, minimum=MIN_PART_SIZE)
        return cls(client, bucket, prefix, part_size)

    @property
    def description(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def writer(self, key: str) -> ObjectWriter:
        return _S3Writer(self, self._name(key))

    def read_sync(self, key: str, start: int, length: int) -> bytes:
        if length <= 0:
            return b""
        try:
            answer = self.client.get_object(
                Bucket=self.bucket, Key=self._name(key), Range=f"bytes={start}-{start + length - 1}"
            )
        except ClientError as error:
            # Reading from the very end of an object: the store answers 416, a file read answers nothing.
            if error.response.get("Error", {}).get("Code") == "InvalidRange":
                return b""
            raise
        body: bytes = answer["Body"].read()
        return body

    async def read(self, key: str, start: int, length: int) -> bytes:
        return await asyncio.to_thread(self.read_sync, key, start, length)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=self._name(key))

    async def objects_before(self, moment: datetime) -> list[StoredObject]:
        def scan() -> list[StoredObject]:
            found: list[StoredObject] = []
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                for item in page.get("Contents", []):
                    if item["LastModified"] < moment:
                        found.append(StoredObject(str(item["Key"])[len(self.prefix) :], item["LastModified"]))
            return found

        return await asyncio.to_thread(scan)

    async def discard_incomplete(self, moment: datetime) -> int:
        # Only uploads with no part since `moment`: S3 dates an upload by its start, and a slow one lives on.
        def discard() -> int:
            count = 0
            pages = self.client.get_paginator("list_multipart_uploads").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                for upload in page.get("Uploads", []):
                    if upload["Initiated"] < moment and self._last_part(upload) < moment:
                        self.client.abort_multipart_upload(
                            Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                        )
                        count += 1
            return count

        return await asyncio.to_thread(discard)

    def _last_part(self, upload: dict[str, Any]) -> datetime:
        """When a multipart upload last received a part (a slow upload is still alive)."""
        parts = self.client.list_parts(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        times: list[datetime] = [
            upload["Initiated"],
            *(part["LastModified"] for part in parts.get("Parts", [])),
        ]
        return max(times)

    async def close(self) -> None:
        await asyncio.to_thread(self.client.close)
