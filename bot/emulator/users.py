"""What users do: the messages, files and button presses they send the bot, as updates."""

from __future__ import annotations

from bot.emulator.context import ApiContext
from bot.emulator.markup import find_button, inline_rows
from bot.emulator.media import guess_mime, image_size
from bot.emulator.records import InboundMessage, SentMessage
from bot.emulator.state import JSON, ChatInfo, StoredMessage, UserInfo
from bot.emulator.text import FormattedText, detect_entities

MAX_CALLBACK_BYTES = 64


class Users:
    """Turns user actions into stored messages and queued updates."""

    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx

    def _chat(self, user: UserInfo, chat_id: int | None) -> ChatInfo:
        world = self.ctx.world
        if chat_id is None or chat_id == user.id:
            return world.chats[user.id]
        chat = world.chats.get(chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}; call add_group first")
        if user.id not in chat.members:
            raise PermissionError(f"user {user.id} is not a member of chat {chat_id}")
        return chat

    def _chat_member_update(self, user: UserInfo, old: str, new: str) -> None:
        world = self.ctx.world
        bot = world.bot.to_json()
        new_member: JSON = {"status": new, "user": bot}
        if new == "kicked":
            new_member["until_date"] = 0
        self.ctx.queue.push(
            "my_chat_member",
            {
                "chat": world.chats[user.id].to_json(),
                "from": user.to_json(),
                "date": world.now(),
                "old_chat_member": {"status": old, "user": bot},
                "new_chat_member": new_member,
            },
        )

    def block(self, user_id: int) -> None:
        user = self.ctx.world.user(user_id)
        if user_id not in self.ctx.world.blocked:
            self.ctx.world.blocked.add(user_id)
            self._chat_member_update(user, "member", "kicked")

    def unblock(self, user_id: int) -> None:
        user = self.ctx.world.user(user_id)
        if user_id in self.ctx.world.blocked:
            self.ctx.world.blocked.discard(user_id)
            self._chat_member_update(user, "kicked", "member")

    def _visible_to_bot(self, chat: ChatInfo, payload: JSON) -> bool:
        """Group privacy mode: the bot sees commands for it, replies to it and mentions."""
        if chat.type == "private" or not self.ctx.group_privacy:
            return True
        username = (self.ctx.world.bot.username or "").lower()
        reply = payload.get("reply_to_message")
        if isinstance(reply, dict) and reply.get("from", {}).get("id") == self.ctx.world.bot.id:
            return True
        text = payload.get("text") or payload.get("caption") or ""
        for entity in payload.get("entities", []) + payload.get("caption_entities", []):
            word = _utf16_slice(text, entity["offset"], entity["length"]).lower()
            if entity["type"] == "bot_command" and (
                "@" not in word or word.endswith("@" + username)
            ):
                return True
            if entity["type"] == "mention" and word == "@" + username:
                return True
        return False

    def post(
        self,
        user_id: int,
        content: JSON,
        *,
        chat_id: int | None = None,
        reply_to: SentMessage | int | None = None,
        text_key: str | None = None,
    ) -> InboundMessage:
        """Store a user's message with ``content`` and queue it as a ``message`` update."""
        world = self.ctx.world
        user = world.user(user_id)
        if user_id in world.blocked and chat_id in (None, user_id):
            # Writing to a blocked bot is what unblocking looks like from the bot's side.
            self.unblock(user_id)
        chat = self._chat(user, chat_id)
        message_id = world.next_message_id(chat.id)
        payload: JSON = {
            "message_id": message_id,
            "from": user.to_json(),
            "chat": chat.to_json(),
            "date": world.now(),
        }
        if reply_to is not None:
            target_id = reply_to.message_id if isinstance(reply_to, SentMessage) else reply_to
            target = world.message(chat.id, target_id)
            if target is None:
                raise LookupError(f"no message {target_id} in chat {chat.id} to reply to")
            payload["reply_to_message"] = {
                k: v for k, v in target.payload.items() if k != "reply_to_message"
            }
        payload.update(content)
        text = payload.get(text_key) if text_key else None
        world.store(
            StoredMessage(
                chat_id=chat.id,
                message_id=message_id,
                from_bot=False,
                payload=payload,
                has_text=text_key == "text",
                formatted=FormattedText(text if isinstance(text, str) else ""),
            )
        )
        update_id = None
        if self._visible_to_bot(chat, payload):
            # A copy: the update carries the message as sent, whatever a later edit does.
            update_id = self.ctx.queue.push("message", dict(payload))
        return InboundMessage(chat.id, message_id, user_id, update_id, payload)

    def text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: SentMessage | int | None = None,
    ) -> InboundMessage:
        content: JSON = {"text": text}
        entities = detect_entities(text)
        if entities:
            content["entities"] = entities
        return self.post(user_id, content, chat_id=chat_id, reply_to=reply_to, text_key="text")

    def edit_text(self, message: InboundMessage, text: str) -> InboundMessage:
        """The user edits their own text message: Telegram sends ``edited_message`` with the
        whole message as it is now (same ``message_id`` and ``date``, a new ``edit_date``)."""
        return self._edit(message, "text", "entities", text)

    def edit_caption(self, message: InboundMessage, caption: str) -> InboundMessage:
        """The user edits the caption of their own document or photo."""
        return self._edit(message, "caption", "caption_entities", caption)

    def _edit(
        self, message: InboundMessage, key: str, entities_key: str, text: str
    ) -> InboundMessage:
        world = self.ctx.world
        stored = world.message(message.chat_id, message.message_id)
        if stored is None or stored.from_bot:
            raise LookupError("only a user's own, existing message can be edited")
        author = stored.payload.get("from", {}).get("id")
        if author != message.user_id:
            raise PermissionError(f"user {message.user_id} did not write this message")
        if key == "text" and "text" not in stored.payload:
            raise ValueError("a message without text has no text to edit")
        if key == "caption" and not {"document", "photo"} & set(stored.payload):
            raise ValueError("only a document or a photo has a caption")
        if stored.payload.get(key) == text:
            # Telegram clients cannot save an edit that changes nothing: no update.
            return InboundMessage(
                message.chat_id, message.message_id, message.user_id, None, dict(stored.payload)
            )
        stored.payload.pop(entities_key, None)
        stored.payload[key] = text
        entities = detect_entities(text)
        if entities:
            stored.payload[entities_key] = entities
        stored.payload["edit_date"] = world.now()
        stored.formatted = FormattedText(text)
        chat = world.chats[message.chat_id]
        update_id = None
        if self._visible_to_bot(chat, stored.payload):
            update_id = self.ctx.queue.push("edited_message", dict(stored.payload))
        return InboundMessage(
            message.chat_id, message.message_id, message.user_id, update_id, dict(stored.payload)
        )

    def _caption(self, caption: str | None) -> JSON:
        if not caption:
            return {}
        body: JSON = {"caption": caption}
        entities = detect_entities(caption)
        if entities:
            body["caption_entities"] = entities
        return body

    def document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str | None,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> InboundMessage:
        mime = guess_mime(filename, mime_type)
        stored = self.ctx.world.add_file("documents", content, filename=filename, mime_type=mime)
        document: JSON = {
            "file_name": filename,
            "mime_type": mime,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(content),
        }
        return self.post(
            user_id,
            {"document": document, **self._caption(caption)},
            chat_id=chat_id,
            text_key="caption",
        )

    def photo(
        self,
        user_id: int,
        content: bytes,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> InboundMessage:
        stored = self.ctx.world.add_file(
            "photos", content, filename="photo.jpg", mime_type="image/jpeg"
        )
        width, height = image_size(content)
        size: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(content),
            "width": width,
            "height": height,
        }
        return self.post(
            user_id,
            {"photo": [size], **self._caption(caption)},
            chat_id=chat_id,
            text_key="caption",
        )

    def sticker(self, user_id: int, emoji: str, *, chat_id: int | None = None) -> InboundMessage:
        stored = self.ctx.world.add_file(
            "stickers", b"RIFF\x00\x00\x00\x00WEBP", filename="sticker.webp", mime_type="image/webp"
        )
        sticker: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(stored.content),
        }
        return self.post(user_id, {"sticker": sticker}, chat_id=chat_id)

    def voice(
        self,
        user_id: int,
        content: bytes,
        *,
        duration: int,
        mime_type: str,
        chat_id: int | None = None,
    ) -> InboundMessage:
        stored = self.ctx.world.add_file(
            "voice", content, filename="voice.oga", mime_type=mime_type
        )
        voice: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        return self.post(user_id, {"voice": voice}, chat_id=chat_id)

    def location(
        self, user_id: int, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> InboundMessage:
        return self.post(
            user_id, {"location": {"latitude": latitude, "longitude": longitude}}, chat_id=chat_id
        )

    def contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str,
        *,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        chat_id: int | None = None,
    ) -> InboundMessage:
        contact: JSON = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self.post(user_id, {"contact": contact}, chat_id=chat_id)

    def forwarded(
        self,
        user_id: int,
        text: str,
        *,
        from_user_id: int | None = None,
        sender_name: str | None = None,
        chat_id: int | None = None,
    ) -> InboundMessage:
        world = self.ctx.world
        date = world.now() - 60
        content: JSON = {"text": text, "forward_date": date}
        if from_user_id is not None:
            origin_user = world.user(from_user_id).to_json()
            content["forward_origin"] = {"type": "user", "sender_user": origin_user, "date": date}
            content["forward_from"] = origin_user
        else:
            name = sender_name or "Hidden User"
            content["forward_origin"] = {
                "type": "hidden_user",
                "sender_user_name": name,
                "date": date,
            }
            content["forward_sender_name"] = name
        entities = detect_entities(text)
        if entities:
            content["entities"] = entities
        return self.post(user_id, content, chat_id=chat_id, text_key="text")

    def press(
        self,
        user_id: int,
        message: SentMessage | int,
        *,
        callback_data: str | None = None,
        button_text: str | None = None,
        chat_id: int | None = None,
        forge: bool = False,
    ) -> str:
        """Press an inline button; returns the callback query id.

        Without ``forge`` the button must be on the message as it is now. With it, any data
        is sent, as a modified client can; Telegram still caps it at 64 bytes.
        """
        world = self.ctx.world
        user = world.user(user_id)
        if isinstance(message, SentMessage):
            chat_id, message_id = message.chat_id, message.message_id
        else:
            message_id = message
        chat = self._chat(user, chat_id)
        stored = world.message(chat.id, message_id)
        if stored is None:
            raise LookupError(f"no message {message_id} in chat {chat.id}")
        if forge:
            data = callback_data
            if data is None and button_text is not None:
                found = find_button(
                    stored.reply_markup, callback_data=None, button_text=button_text
                )
                data = found["callback_data"] if found else None
            if data is None:
                raise ValueError("a forged press needs callback_data")
            if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
                raise ValueError("Telegram does not carry callback data over 64 bytes")
        else:
            data = self._pick_button(stored, callback_data, button_text)
        query_id = world.new_query_id()
        world.callback_queries[query_id] = False
        self.ctx.queue.push(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_json(),
                "message": dict(stored.payload),
                "chat_instance": str(abs(hash((world.bot.id, chat.id)))),
                "data": data,
            },
        )
        return query_id

    @staticmethod
    def _pick_button(
        stored: StoredMessage, callback_data: str | None, button_text: str | None
    ) -> str:
        rows = inline_rows(stored.reply_markup)
        available = [(b["text"], b.get("callback_data")) for row in rows for b in row]
        if callback_data is None and button_text is None:
            callbacks = [data for _, data in available if data is not None]
            if len(callbacks) != 1:
                raise ValueError(f"say which button to press; the message has {available}")
            return str(callbacks[0])
        found = find_button(
            stored.reply_markup, callback_data=callback_data, button_text=button_text
        )
        if found is None:
            raise LookupError(
                f"no button text={button_text!r} data={callback_data!r} on message "
                f"{stored.message_id}; it has {available}"
            )
        return str(found["callback_data"])


def _utf16_slice(text: str, offset: int, length: int) -> str:
    encoded = text.encode("utf-16-le")
    return encoded[offset * 2 : (offset + length) * 2].decode("utf-16-le", "replace")
