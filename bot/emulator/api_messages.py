"""Bot API methods that send, edit and delete messages, and chat-level reads."""

from __future__ import annotations

from typing import Any

from bot.emulator.context import ApiContext
from bot.emulator.errors import (
    CANT_BE_EDITED,
    CAPTION_TOO_LONG,
    CHAT_ID_EMPTY,
    DELETE_NOT_FOUND,
    EDIT_NOT_FOUND,
    FILE_EMPTY,
    MESSAGE_ID_INVALID,
    MESSAGE_ID_MISSING,
    NO_CAPTION_TO_EDIT,
    NO_TEXT_TO_EDIT,
    NOT_MODIFIED,
    REPLY_NOT_FOUND,
    TEXT_TOO_LONG,
    URL_CONTENT_FAILED,
    WRONG_ACTION,
    WRONG_FILE_ID,
    bad_request,
)
from bot.emulator.html import format_message_text, require_text
from bot.emulator.markup import Markup, buttons_of, check_callback_data, parse_reply_markup
from bot.emulator.media import guess_mime, image_size
from bot.emulator.params import Params
from bot.emulator.records import SentFile, SentKind, SentMessage
from bot.emulator.state import JSON, ChatInfo, StoredFile, StoredMessage
from bot.emulator.text import FormattedText

MAX_TEXT = 4096
MAX_CAPTION = 1024
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def _length(formatted: FormattedText) -> int:
    # Telegram's limits count characters, not UTF-16 units or bytes.
    return len(formatted.text)


def _content(formatted: FormattedText, text_key: str, entities_key: str) -> JSON:
    body: JSON = {}
    if formatted.text:
        body[text_key] = formatted.text
    if formatted.entities:
        body[entities_key] = formatted.entities_json()
    return body


def _reply_target(ctx: ApiContext, chat: ChatInfo, params: Params) -> StoredMessage | None:
    reply_parameters = params.get_json("reply_parameters")
    if isinstance(reply_parameters, dict):
        message_id: Any = reply_parameters.get("message_id")
        allow_missing = bool(reply_parameters.get("allow_sending_without_reply"))
        chat_ref = reply_parameters.get("chat_id")
    else:
        message_id = params.get_int("reply_to_message_id")
        allow_missing = params.get_bool("allow_sending_without_reply")
        chat_ref = None
    if not message_id:
        return None
    target_chat = chat if chat_ref is None else ctx.world.resolve_chat(chat_ref)
    stored = ctx.world.message(target_chat.id, int(message_id))
    if stored is None:
        if allow_missing:
            return None
        raise bad_request(REPLY_NOT_FOUND)
    return stored


def _link_preview_disabled(params: Params) -> bool:
    options = params.get_json("link_preview_options")
    if isinstance(options, dict) and options.get("is_disabled"):
        return True
    return params.get_bool("disable_web_page_preview")


def _deliver(
    ctx: ApiContext,
    chat: ChatInfo,
    *,
    kind: SentKind,
    content: JSON,
    formatted: FormattedText,
    raw_text: str,
    params: Params,
    markup: Markup | None,
    reply_to: StoredMessage | None,
    document: SentFile | None = None,
) -> JSON:
    world = ctx.world
    message_id = world.next_message_id(chat.id)
    date = world.now()
    payload: JSON = {
        "message_id": message_id,
        "from": world.bot.to_json(),
        "chat": chat.to_json(),
        "date": date,
    }
    if reply_to is not None:
        payload["reply_to_message"] = {
            k: v for k, v in reply_to.payload.items() if k != "reply_to_message"
        }
    payload.update(content)
    inline = markup if markup and "inline_keyboard" in markup else None
    if inline is not None:
        payload["reply_markup"] = inline
    parse_mode = params.get_str("parse_mode")
    record = SentMessage(
        seq=0,
        chat_id=chat.id,
        message_id=message_id,
        kind=kind,
        text=raw_text,
        plain=formatted.text,
        parse_mode=parse_mode,
        buttons=buttons_of(inline),
        reply_markup=markup,
        date=date,
        entities=formatted.entities_json(),
        reply_to_message_id=reply_to.message_id if reply_to is not None else None,
        link_preview_disabled=_link_preview_disabled(params),
        document=document,
    )
    world.store(
        StoredMessage(
            chat_id=chat.id,
            message_id=message_id,
            from_bot=True,
            payload=payload,
            has_text=kind == "message",
            formatted=formatted,
            reply_markup=inline,
            record=record,
        )
    )
    world.record_output(record, is_new=True)
    return payload


async def send_message(ctx: ApiContext, params: Params) -> Any:
    raw_text = params.get_str("text") or ""
    formatted = require_text(
        format_message_text(
            raw_text,
            params.get_str("parse_mode"),
            params.get_json("entities"),
            strict=ctx.strict_html,
        )
    )
    markup = parse_reply_markup(params.raw("reply_markup"))
    chat = ctx.world.resolve_chat(params.raw("chat_id"))
    if _length(formatted) > MAX_TEXT:
        raise bad_request(TEXT_TOO_LONG)
    check_callback_data(markup)
    reply_to = _reply_target(ctx, chat, params)
    ctx.check_not_blocked(chat)
    return _deliver(
        ctx,
        chat,
        kind="message",
        content=_content(formatted, "text", "entities"),
        formatted=formatted,
        raw_text=raw_text,
        params=params,
        markup=markup,
        reply_to=reply_to,
    )


def _input_file(ctx: ApiContext, params: Params, name: str, folder: str) -> StoredFile:
    upload = params.upload(name)
    world = ctx.world
    if upload is not None:
        if not upload.content:
            raise bad_request(FILE_EMPTY)
        return world.add_file(
            folder,
            upload.content,
            filename=upload.filename,
            mime_type=guess_mime(upload.filename, upload.content_type),
        )
    reference = params.get_str(name)
    if not reference:
        raise bad_request(f"Bad Request: there is no {name} in the request")
    if reference.lower().startswith(("http://", "https://")):
        raise bad_request(URL_CONTENT_FAILED)
    stored = world.files.get(reference)
    if stored is None:
        raise bad_request(WRONG_FILE_ID)
    return stored


async def _send_file(ctx: ApiContext, params: Params, kind: SentKind) -> Any:
    raw_caption = params.get_str("caption") or ""
    formatted = format_message_text(
        raw_caption,
        params.get_str("parse_mode"),
        params.get_json("caption_entities"),
        strict=ctx.strict_html,
    )
    markup = parse_reply_markup(params.raw("reply_markup"))
    chat = ctx.world.resolve_chat(params.raw("chat_id"))
    if _length(formatted) > MAX_CAPTION:
        raise bad_request(CAPTION_TOO_LONG)
    check_callback_data(markup)
    if kind == "photo":
        stored = _input_file(ctx, params, "photo", "photos")
        width, height = image_size(stored.content)
        media: JSON = {
            "photo": [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(stored.content),
                    "width": width,
                    "height": height,
                }
            ]
        }
    else:
        stored = _input_file(ctx, params, "document", "documents")
        document: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
        }
        if stored.filename:
            document["file_name"] = stored.filename
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        media = {"document": document}
    reply_to = _reply_target(ctx, chat, params)
    ctx.check_not_blocked(chat)
    return _deliver(
        ctx,
        chat,
        kind=kind,
        content={**media, **_content(formatted, "caption", "caption_entities")},
        formatted=formatted,
        raw_text=raw_caption,
        params=params,
        markup=markup,
        reply_to=reply_to,
        document=SentFile(stored.file_id, stored.filename, stored.mime_type, stored.content),
    )


async def send_document(ctx: ApiContext, params: Params) -> Any:
    return await _send_file(ctx, params, "document")


async def send_photo(ctx: ApiContext, params: Params) -> Any:
    return await _send_file(ctx, params, "photo")


def _edit_target(ctx: ApiContext, params: Params, *, missing: str) -> StoredMessage:
    if params.has("inline_message_id"):
        raise bad_request(MESSAGE_ID_INVALID)
    if not params.has("chat_id"):
        raise bad_request(CHAT_ID_EMPTY)
    chat = ctx.world.resolve_chat(params.raw("chat_id"))
    message_id = params.get_int("message_id")
    if message_id is None:
        raise bad_request(MESSAGE_ID_MISSING)
    stored = ctx.world.message(chat.id, message_id)
    if stored is None:
        raise bad_request(missing)
    return stored


def _apply_edit(
    ctx: ApiContext,
    stored: StoredMessage,
    *,
    formatted: FormattedText | None,
    raw_text: str | None,
    parse_mode: str | None,
    markup: Markup | None,
) -> JSON:
    world = ctx.world
    record = stored.record
    now = world.now()
    payload = stored.payload
    if record is not None:
        record.edits.append(record.version())
    if formatted is not None:
        text_key, entities_key = (
            ("text", "entities") if stored.has_text else ("caption", "caption_entities")
        )
        payload.pop(text_key, None)
        payload.pop(entities_key, None)
        payload.update(_content(formatted, text_key, entities_key))
        stored.formatted = formatted
        if record is not None:
            record.text = raw_text or ""
            record.plain = formatted.text
            record.parse_mode = parse_mode
            record.entities = formatted.entities_json()
    inline = markup if markup and "inline_keyboard" in markup else None
    stored.reply_markup = inline
    if inline is None:
        payload.pop("reply_markup", None)
    else:
        payload["reply_markup"] = inline
    payload["edit_date"] = now
    if record is not None:
        record.buttons = buttons_of(inline)
        record.reply_markup = inline
        record.edit_date = now
        world.record_output(record, is_new=False)
    return dict(payload)


async def _edit_content(ctx: ApiContext, params: Params, *, caption: bool) -> Any:
    key = "caption" if caption else "text"
    raw_text = params.get_str(key) or ""
    formatted = format_message_text(
        raw_text,
        params.get_str("parse_mode"),
        params.get_json("caption_entities" if caption else "entities"),
        strict=ctx.strict_html,
    )
    if not caption:
        formatted = require_text(formatted)
    markup = parse_reply_markup(params.raw("reply_markup"))
    stored = _edit_target(ctx, params, missing=EDIT_NOT_FOUND)
    if not stored.from_bot:
        raise bad_request(CANT_BE_EDITED)
    if caption and stored.has_text:
        raise bad_request(NO_CAPTION_TO_EDIT)
    if not caption and not stored.has_text:
        raise bad_request(NO_TEXT_TO_EDIT)
    if _length(formatted) > (MAX_CAPTION if caption else MAX_TEXT):
        raise bad_request(CAPTION_TOO_LONG if caption else TEXT_TOO_LONG)
    check_callback_data(markup)
    inline = markup if markup and "inline_keyboard" in markup else None
    if formatted == stored.formatted and inline == stored.reply_markup:
        raise bad_request(NOT_MODIFIED)
    return _apply_edit(
        ctx,
        stored,
        formatted=formatted,
        raw_text=raw_text,
        parse_mode=params.get_str("parse_mode"),
        markup=inline,
    )


async def edit_message_text(ctx: ApiContext, params: Params) -> Any:
    return await _edit_content(ctx, params, caption=False)


async def edit_message_caption(ctx: ApiContext, params: Params) -> Any:
    return await _edit_content(ctx, params, caption=True)


async def edit_message_reply_markup(ctx: ApiContext, params: Params) -> Any:
    markup = parse_reply_markup(params.raw("reply_markup"))
    stored = _edit_target(ctx, params, missing=EDIT_NOT_FOUND)
    if not stored.from_bot:
        raise bad_request(CANT_BE_EDITED)
    check_callback_data(markup)
    inline = markup if markup and "inline_keyboard" in markup else None
    if inline == stored.reply_markup:
        raise bad_request(NOT_MODIFIED)
    return _apply_edit(
        ctx,
        stored,
        formatted=None,
        raw_text=None,
        parse_mode=None,
        markup=inline,
    )


async def delete_message(ctx: ApiContext, params: Params) -> Any:
    stored = _edit_target(ctx, params, missing=DELETE_NOT_FOUND)
    del ctx.world.messages[stored.chat_id][stored.message_id]
    if stored.record is not None:
        stored.record.deleted = True
        ctx.world.output.notify()
    return True


async def send_chat_action(ctx: ApiContext, params: Params) -> Any:
    chat = ctx.world.resolve_chat(params.raw("chat_id"))
    if params.get_str("action") not in _CHAT_ACTIONS:
        raise bad_request(WRONG_ACTION)
    ctx.check_not_blocked(chat)
    return True


async def get_chat(ctx: ApiContext, params: Params) -> Any:
    chat = ctx.world.resolve_chat(params.raw("chat_id"))
    return {
        **chat.to_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
