"""Images and files: OpenAI ``image_url`` parts and LangChain data blocks -> image/document.

Checked here, before anything is sent, what the API would refuse with a 400: a URL without an
``http(s)://`` scheme (``dummyimage.com/...`` is a relative reference, not a URL), an image media
type other than the four Claude reads, base64 documents that are not PDFs (text goes in a
``text`` source instead).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

Block = dict[str, Any]

#: The image media types the Messages API accepts (anything else is a 400).
IMAGE_MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


def checked_url(url: Any, what: str) -> str:
    """``url`` if it is an absolute http(s) URL; a ValueError naming the block otherwise."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ValueError(
            f"{what} url {url!r} is not an http(s) URL; the API fetches only absolute "
            "https://... URLs (or pass the bytes as a data:...;base64,... URL)."
        )
    return url


def check_image_type(media_type: Any) -> None:
    """A ValueError unless ``media_type`` is one of the four image types the API reads."""
    if media_type not in IMAGE_MEDIA_TYPES:
        hint = " (image/jpg is written image/jpeg)" if media_type == "image/jpg" else ""
        raise ValueError(
            f"image media type {media_type!r} is not one Claude reads; the API accepts "
            f"{', '.join(IMAGE_MEDIA_TYPES)}{hint}."
        )


def _image_source(media_type: str, data: str) -> Block:
    check_image_type(media_type)
    return {"type": "base64", "media_type": media_type, "data": data}


def image_from_url(image_url: Any) -> Block:
    """An OpenAI ``image_url`` part (https or base64 data URL) -> an image block."""
    url = image_url.get("url") if isinstance(image_url, Mapping) else image_url
    if not isinstance(url, str) or not url:
        raise ValueError("an image_url block needs a url (https://... or data:...;base64,...).")
    if url.startswith("data:"):
        media_type, data = split_data_url(url)
        return {"type": "image", "source": _image_source(media_type, data)}
    return {"type": "image", "source": {"type": "url", "url": checked_url(url, "an image_url")}}


def split_data_url(url: str) -> tuple[str, str]:
    header, _, data = url.partition(",")
    if ";base64" not in header or not data:
        raise ValueError("only base64 data URLs are supported for images and files.")
    return header[len("data:") :].split(";", 1)[0] or "application/octet-stream", data


def _source(item: Mapping[str, Any], kind: str, mime: str) -> tuple[Block, str]:
    if _inline_text(item, kind):
        return {"type": "text", "media_type": "text/plain", "data": item.get("text", "")}, mime
    if kind == "text-plain":
        mime = mime or "text/plain"  # its base64, url or file id: the branches below
    if item.get("base64") or item.get("source_type") == "base64":
        data = item.get("base64") or item.get("data")
        if not data:
            raise ValueError(f"a base64 {kind} block has no data.")
        if not mime:
            raise ValueError(f"a base64 {kind} block needs mime_type.")
        return {"type": "base64", "media_type": mime, "data": data}, mime
    if item.get("url") or item.get("source_type") == "url":
        url = item.get("url")
        if isinstance(url, str) and url.startswith("data:"):
            mime, data = split_data_url(url)
            return {"type": "base64", "media_type": mime, "data": data}, mime
        return {"type": "url", "url": checked_url(url, f"a {kind} block's")}, mime
    if item.get("file_id") or (item.get("id") and item.get("source_type") == "id"):
        return {"type": "file", "file_id": item.get("file_id") or item.get("id")}, mime
    if isinstance(item.get("file"), Mapping):
        return _openai_file(item["file"], kind)
    raise ValueError(f"a {kind} block needs base64 data, a url or a file id.")


def _inline_text(item: Mapping[str, Any], kind: str) -> bool:
    """Whether the block's text is inline (``text``). A v1 ``text-plain`` block may instead
    carry its text as ``base64``, a ``url`` or a ``file_id``: read as inline, that text would
    be sent as an empty document, the file silently lost."""
    if item.get("source_type") == "text":
        return True
    if kind != "text-plain":
        return False
    return bool(item.get("text")) or not any(item.get(k) for k in ("base64", "url", "file_id"))


def _openai_file(file: Mapping[str, Any], kind: str) -> tuple[Block, str]:
    """OpenAI Chat Completions' ``{"type": "file", "file": {"file_data"|"file_id": ...}}``."""
    if file.get("file_data"):
        data = str(file["file_data"])
        if data.startswith("data:"):
            mime, raw = split_data_url(data)
            return {"type": "base64", "media_type": mime, "data": raw}, mime
        return {"type": "base64", "media_type": "application/pdf", "data": data}, "application/pdf"
    if file.get("file_id"):
        return {"type": "file", "file_id": file["file_id"]}, ""
    raise ValueError(f"a {kind} block's file needs file_data or file_id.")


def data_block(item: Mapping[str, Any]) -> Block:
    """LangChain standard data blocks (v1 and v0 shapes, and OpenAI's file part) ->
    image/document blocks."""
    kind = item["type"]
    source, mime = _source(item, kind, item.get("mime_type") or "")
    is_image = kind == "image" or (mime.startswith("image/") and kind != "document")
    if not is_image and source["type"] == "base64" and _is_text(mime):
        source = _text_source(str(source["data"]))  # base64 documents may only be PDFs
    elif not is_image and source["type"] == "base64" and mime != "application/pdf":
        raise ValueError(
            f"a base64 {kind} block of type {mime!r}: Claude reads base64 documents only as PDF "
            "(application/pdf), and text (text/*, JSON, XML) as text; convert the file to one "
            "of those (the API answers 400 otherwise)."
        )
    if is_image:
        if source["type"] == "base64":
            source = _image_source(str(source["media_type"]), str(source["data"]))
        return {"type": "image", "source": source}
    block: Block = {"type": "document", "source": source}
    extras = item.get("extras") if isinstance(item.get("extras"), Mapping) else {}
    assert isinstance(extras, Mapping)
    for key in ("title", "context", "citations"):
        value = item.get(key, extras.get(key))
        if value is not None:
            block[key] = value
    if "title" not in block and isinstance(item.get("file"), Mapping):
        filename = item["file"].get("filename")
        if filename:
            block["title"] = filename
    return block


def _is_text(mime: str) -> bool:
    """A media type whose bytes are text: ``text/*`` and the JSON / XML / YAML types."""
    base = mime.split(";", 1)[0].strip().lower()
    if base.startswith("text/"):
        return True
    return base in ("application/json", "application/xml", "application/yaml") or base.endswith(
        ("+json", "+xml")
    )


def _text_source(data: str) -> Block:
    """Base64 text (a .txt/.md/.csv upload) -> the ``text`` source documents take for text."""
    try:
        text = base64.b64decode(data, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"a base64 text file is not valid base64 UTF-8 text: {exc}") from exc
    return {"type": "text", "media_type": "text/plain", "data": text}
