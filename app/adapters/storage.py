# app/adapters/storage.py — storing uploaded files: Cloudinary (official SDK) when CLOUDINARY_URL is set, else local disk.
from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit


class StorageError(Exception):
    """The store did not take the file (worth a 502 to the client: nothing was changed)."""


class Storage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store data under key; return the public URL."""

    async def delete_prefix(self, prefix: str, keep: str | None = None) -> None:
        """Delete every file under prefix, in sub-folders too (except `keep`): replaced photos, deleted accounts."""

    async def delete(self, key: str) -> None:
        """Delete the file stored under key, if it is there: a quotation's replaced image."""

    def key_of(self, url: str) -> str | None:
        """The key of a file this store gave `url` for (None for any other URL)."""


class LocalStorage:
    """Files under DATA_DIR/media, served by the app at /media/… (fine for one machine and development)."""

    def __init__(self, root: Path, base_url: str = "/media"):
        self.root, self.base_url = root, base_url

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError("key escapes the media directory")

        def write() -> None:
            # delete() removes a folder once it is empty; one doing so between our mkdir and our write would
            # take the folder from under us (FileNotFoundError): make it again, a few times at most.
            tmp = path.with_suffix(path.suffix + ".tmp")
            for attempt in range(5):
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    tmp.write_bytes(data)
                    tmp.replace(path)
                    return
                except FileNotFoundError:
                    if attempt == 4:
                        raise

        await asyncio.to_thread(write)
        return f"{self.base_url}/{key}"

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError("key escapes the media directory")
        return path

    async def delete_prefix(self, prefix: str, keep: str | None = None) -> None:
        folder = self._path(prefix)
        kept = (self.root / keep).resolve() if keep else None

        def remove() -> None:
            if folder.is_dir():
                for path in sorted(folder.rglob("*"), reverse=True):  # files before their folders
                    if path.is_dir():
                        if not any(path.iterdir()):
                            path.rmdir()
                    elif path.resolve() != kept:
                        path.unlink(missing_ok=True)

        await asyncio.to_thread(remove)

    async def delete(self, key: str) -> None:
        path = self._path(key)

        def remove() -> None:
            path.unlink(missing_ok=True)
            try:
                path.parent.rmdir()  # a quotation's folder, once empty
            except OSError:
                pass

        await asyncio.to_thread(remove)

    def key_of(self, url: str) -> str | None:
        prefix = f"{self.base_url}/"
        return url[len(prefix):] if url.startswith(prefix) and len(url) > len(prefix) else None


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
            cursor = None
            for _ in range(100):  # 100 pages of 100: a deleted account's photos and quotation images
                listed = cloudinary.api.resources(type="upload", prefix=prefix, max_results=100, timeout=self.timeout,
                                                  **({"next_cursor": cursor} if cursor else {}))
                doomed = [r["public_id"] for r in listed.get("resources", []) if r.get("public_id") != keep_id]
                if doomed:
                    cloudinary.api.delete_resources(doomed, timeout=self.timeout)
                cursor = listed.get("next_cursor")
                if not cursor:
                    break
        except Exception as exc:
            raise StorageError(f"cloudinary: {exc}") from exc

    async def delete_prefix(self, prefix: str, keep: str | None = None) -> None:
        await asyncio.to_thread(self._delete_prefix, prefix, keep)

    def _delete(self, key: str) -> None:
        import cloudinary
        import cloudinary.api

        cloudinary.reset_config()
        if os.environ.get("CLOUDINARY_UPLOAD_PREFIX"):
            cloudinary.config(upload_prefix=os.environ["CLOUDINARY_UPLOAD_PREFIX"])
        try:
            cloudinary.api.delete_resources([key.rsplit(".", 1)[0]], timeout=self.timeout)
        except Exception as exc:
            raise StorageError(f"cloudinary: {exc}") from exc

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, key)

    # https://res.cloudinary.com/<cloud>/image/upload/v<version>/<public id>.<format>
    _DELIVERED = re.compile(r"/image/upload/(?:v\d+/)?(?P<key>[^?#]+\.[A-Za-z0-9]+)$")

    def key_of(self, url: str) -> str | None:
        found = self._DELIVERED.search(urlsplit(url).path)
        return found["key"] if found else None


def storage_from_env(data_dir: Path) -> Storage:
    if os.environ.get("CLOUDINARY_URL"):
        return CloudinaryStorage()
    return LocalStorage(data_dir / "media")

# Test: pytest tests/http/test_profile.py tests/http/test_storage.py tests/http/test_image_uploads.py
