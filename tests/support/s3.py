"""A real S3-compatible server for tests: moto's standalone server process on a free port."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx

from tests.support.servers import free_port

ACCESS_KEY = "warroom-test"
SECRET_KEY = "warroom-test-secret"
REGION = "us-east-1"


@dataclass
class S3Server:
    endpoint: str
    bucket: str

    def client(self) -> Any:
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def env(self, prefix: str = "materials") -> dict[str, str]:
        """The server settings that put materials in this bucket."""
        return {
            "WARROOM_MATERIALS_URL": f"s3://{self.bucket}/{prefix}",
            "WARROOM_S3_ENDPOINT_URL": self.endpoint,
            "WARROOM_S3_REGION": REGION,
            "WARROOM_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "WARROOM_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return [item["Key"] for item in listing.get("Contents", [])]

    def pending_uploads(self) -> list[str]:
        listing = self.client().list_multipart_uploads(Bucket=self.bucket)
        return [item["Key"] for item in listing.get("Uploads", [])]


@contextlib.contextmanager
def moto_server(workdir: Path) -> Iterator[S3Server]:
    """Start `python -m moto.server` on a free port with one fresh bucket; kill it at the end."""
    port = free_port()
    log = (workdir / f"moto-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{endpoint}/moto-api/", timeout=1)
                break
            if time.monotonic() > deadline:
                raise RuntimeError("moto_server did not answer within 30 s")
            time.sleep(0.1)
        server = S3Server(endpoint, f"warroom-{uuid.uuid4().hex[:12]}")
        server.client().create_bucket(Bucket=server.bucket)
        yield server
    finally:
        process.kill()
        process.wait()
        log.close()
