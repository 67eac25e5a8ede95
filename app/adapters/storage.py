# app/adapters/storage.py — storing uploaded files: Cloudinary (official SDK) when CLOUDINARY_URL is set, else local disk.
from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Protocol


class StorageError(Exception):
    """The store did not take the file (worth a 502 to the client: nothing was changed)."""


class Storage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store data under key; return the public URL."""

    async def delete_prefix(self, prefix: str, keep: str | None = None) -> None:
        """Delete every file under prefix (except `keep`): replaced photos, deleted accounts."""


class LocalStorage:
    """Files under DATA_DIR/media, served by the app at /media/… (fine for one machine and development)."""

    def __init__(self, root: Path, base_url: str = "/media"):
        self.root, self.base_url = root, base_url

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError("key escapes the media directory")

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)

        await asyncio.to_thread(write)
        return f"{self.base_url}/{key}"

    async def delete_prefix(self, prefix: str, keep: str | None = None) -> None:
        folder = (self.root / prefix).resolve()
        if self.root.resolve() not in folder.parents:
            raise StorageError("prefix escapes the media directory")
        kept = (self.root / keep).resolve() if keep else None

        def remove() -> None:
            if folder.is_dir():
                for path in folder.iterdir():
                    if path.resolve() != kept:
                        path.unlink(missing_ok=True)

        await asyncio.to_thread(remove)


class CloudinaryStorage:
    """The official cloudinary SDK (synchronous: run off the event loop), configured from CLOUDINARY_URL;
    CLOUDINARY_UPLOAD_PREFIX points it elsewhere (a fake API on loopback in tests)."""

    def __init__(self, timeout: float = 20.0):
        self.timeout = timeout

    def _upload(self, key: str, data: bytes) -> str:
        import cloudinary
        import cloudinary.uploader

        cloudinary.reset_config()  # re-reads CLOUDINARY_URL
        if os.environ.get("CLOUDINARY_UPLOAD_PREFIX"):
            cloudinary.config(upload_prefix=os.environ["CLOUDINARY_UPLOAD_PREFIX"])
        public_id = key.rsplit(".", 1)[0]
        try:
            result = cloudinary.uploader.upload(data, public_id=public_id, overwrite=True, resource_type="image",
                                                timeout=self.timeout)
        except Exception as exc:  # the SDK raises its own Error and urllib3's; all mean "not stored"
            raise StorageError(f"cloudinary: {exc}") from exc
        url = result.get("secure_url")
        if not url:
            raise StorageError("cloudinary answered without a URL")
        return url

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        return await asyncio.to_thread(self._upload, key, data)

    def _delete_prefix(self, prefix: str, keep: str | None) -> None:
        import cloudinary
        import cloudinary.api

        cloudinary.reset_config()
        if os.environ.get("CLOUDINARY_UPLOAD_PREFIX"):
            cloudinary.config(upload_prefix=os.environ["CLOUDINARY_UPLOAD_PREFIX"])
        keep_id = keep.rsplit(".", 1)[0] if keep else None
        try:
            listed = cloudinary.api.resources(type="upload", prefix=prefix, max_results=100, timeout=self.timeout)
            doomed = [r["public_id"] for r in listed.get("resources", []) if r.get("public_id") != keep_id]
            if doomed:
                cloudinary.api.delete_resources(doomed, timeout=self.timeout)
        except Exception as exc:
            raise StorageError(f"cloudinary: {exc}") from exc

    async def delete_prefix(self, prefix: str, keep: str | None = None) -> None:
        await asyncio.to_thread(self._delete_prefix, prefix, keep)


def storage_from_env(data_dir: Path) -> Storage:
    if os.environ.get("CLOUDINARY_URL"):
        return CloudinaryStorage()
    return LocalStorage(data_dir / "media")

# Test: pytest tests/http/test_profile.py
