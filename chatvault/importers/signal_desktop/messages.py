"""Rows of Signal Desktop's `conversations` and `messages` as ChatVault records.

Each message row carries a `json` column with the whole message (body, attachments, quote,
reactions, editHistory, deletedForEveryone, sticker, contact, preview, group changes, call details);
the other columns are indexes of it and differ between versions, so the JSON is what is read.
Since schema 1360 attachments live in `message_attachments` instead of the JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from chatvault.importers import signalids as S
from chatvault.importers.signal_desktop import attachments as A
from chatvault.model import ConversationKind, ConversationRec, MessageKind, MessageRec, ParticipantRec

NOTICES = {"keychange": "The safety number changed", "verified-change": "The safety number was (un)verified",
           "timer-notification": "changed the disappearing messages timer", "profile-change": "changed their profile",
           "change-number-notification": "changed their phone number", "group-v1-migration": "The group was migrated",
           "chat-session-refreshed": "The session was refreshed", "delivery-issue": "A message could not be delivered",
           "universal-timer-notification": "Disappearing messages default", "joined-signal-notification":
           "joined Signal", "conversation-merge": "Chats were merged", "phone-number-discovery":
           "The phone number was found", "title-transition-notification": "The chat's name changed",
           "message-request-response-event": "The message request was answered",
           "contact-removed-notification": "The contact was removed", "group": "The group was updated"}
_GROUP_CHANGES = {"title": "changed the group name to {newTitle}", "member-add": "added a member",
                  "member-remove": "removed a member", "avatar": "changed the group picture",
                  "create": "created the group", "description": "changed the group description",
                  "member-add-from-invite": "joined from an invitation", "member-add-from-link": "joined by link",
                  "pending-add-one": "invited a member", "admin-approval-add-one": "asked to join",
                  "member-privilege": "changed a member's role", "access-attributes": "changed who can edit",
                  "access-members": "changed who can add members", "announcements-only": "changed who can send"}


@dataclass
class Directory:
    root: Path                                       # the profile folder (attachments.noindex beside sql/)
    me: str = S.ME                                   # the owner's participant key
    convs: dict[str, ConversationRec] = field(default_factory=dict)     # Desktop conversation id → record
    person_of: dict[str, str] = field(default_factory=dict)             # private conversation id → person key
    names: dict[str, str] = field(default_factory=dict)                 # person key → name
    extras: dict[str, dict] = field(default_factory=dict)               # person key → their ids (e164, aci)

    def who(self, aci: object = None, phone: object = None) -> str | None:
        key = S.person(aci, phone)
        return S.ME if key is not None and key == self.me else key


def _name(j: dict) -> str | None:
    nick = " ".join(x for x in (j.get("nicknameGivenName"), j.get("nicknameFamilyName")) if isinstance(x, str))
    prof = " ".join(x for x in (j.get("profileName"), j.get("profileFamilyName")) if isinstance(x, str))
    for v in (nick, j.get("name"), j.get("systemGivenName"), j.get("profileFullName"), prof, j.get("e164")):
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def conversation(d: Directory, cid: str, j: dict) -> None:
    """Learn one row of `conversations`."""
    if j.get("type") == "group" or j.get("groupId"):
        hx = S.group_hex(j.get("groupId") or cid)
        d.convs[cid] = ConversationRec(S.group_key(hx or cid), _name(j), ConversationKind.GROUP, [], {"group_id": hx})
        d.convs[cid].extra["members"] = [m.get("aci") or m.get("uuid") for m in j.get("membersV2") or []
                                         if isinstance(m, dict)]
        return
    aci, phone = j.get("serviceId") or j.get("uuid"), j.get("e164")
    key = S.person(aci, phone)
    if key is None:
        return
    name = _name(j) or key
    d.person_of[cid] = key
    d.names[key] = name
    extra = {k: v for k, v in (("e164", S.e164(phone)), ("aci", S.aci(aci))) if v}
    d.extras[key] = extra
    ckey = S.direct_key(key)
    p = ParticipantRec(key, name, is_me=key == d.me, extra=extra)
    d.convs[cid] = ConversationRec(ckey, name, S.kind_of(ckey, d.me), [p])


def finish_groups(d: Directory) -> None:
    """Group members as participants, once every private conversation is known."""
    for rec in d.convs.values():
        if rec.kind != ConversationKind.GROUP:
            continue
        for m in rec.extra.pop("members", []):
            key = S.person(m)
            if key:
                rec.participants.append(ParticipantRec(key, d.names.get(key, key), is_me=key == d.me,
                                                       extra=dict(d.extras.get(key, {}))))


def _kind(atts: list[dict], j: dict) -> MessageKind:
    if j.get("sticker"):
        return MessageKind.STICKER
    if not atts:
        if j.get("contact"):
            return MessageKind.CONTACT
        if j.get("preview"):
            return MessageKind.LINK
        return MessageKind.TEXT
    ct = str(atts[0].get("contentType") or "").lower()
    if ct.startswith("image/"):
        return MessageKind.IMAGE
    if ct.startswith("video/"):
        return MessageKind.VIDEO
    if ct.startswith("audio/") and isinstance(atts[0].get("flags"), int) and atts[0]["flags"] & 1:
        return MessageKind.VOICE
    return MessageKind.FILE


def _group_change(j: dict) -> str:
    ch = j.get("groupV2Change") if isinstance(j.get("groupV2Change"), dict) else {}
    out = []
    for det in ch.get("details") or []:
        if isinstance(det, dict):
            tmpl = _GROUP_CHANGES.get(str(det.get("type")), str(det.get("type") or "changed the group"))
            try:
                out.append(tmpl.format(**{k: v for k, v in det.items() if isinstance(v, str | int)}))
            except (KeyError, IndexError):
                out.append(tmpl)
    return "; ".join(out) or "The group was updated"


def _call(j: dict, row_call: dict | None) -> tuple[str, bool | None]:
    det = j.get("callHistoryDetails") if isinstance(j.get("callHistoryDetails"), dict) else {}
    det = {**det, **(row_call or {})}
    video = bool(det.get("wasVideoCall")) or str(det.get("type") or "").lower() == "video"
    incoming = det.get("wasIncoming")
    if det.get("direction"):
        incoming = str(det["direction"]).lower() == "incoming"
    missed = bool(det.get("wasDeclined")) or str(det.get("status") or "").lower() in ("missed", "declined")
    what = "video call" if video else "voice call"
    if str(det.get("mode") or det.get("callMode") or "").lower() == "group":
        return "Group call", incoming
    if missed:
        return f"Missed {what}", incoming
    return f"{'Incoming' if incoming else 'Outgoing'} {what}" if incoming is not None else what.capitalize(), incoming


def record(d: Directory, row: dict, j: dict, atts: list[dict], calls: dict[str, dict]) -> MessageRec | None:
    """One row of `messages` (`row`: its id, conversationId, sent_at, type and author columns)."""
    conv = d.convs.get(str(row.get("conversationId") or j.get("conversationId") or ""))
    if conv is None:
        return None
    mtype = str(row.get("type") or j.get("type") or "")
    sent = int(j.get("sent_at") or row.get("sent_at") or j.get("timestamp") or 0)
    ts = S.ms_to_dt(sent)
    loc = f"db.sqlite#messages/{row['id']}"
    if mtype == "outgoing":
        sender, author = d.me, S.ME
    else:
        who = d.who(j.get("sourceServiceId") or j.get("sourceUuid") or row.get("source_aci"), j.get("source"))
        sender, author = who, who or "unknown"
        if who == S.ME:
            sender = d.me
    name = d.names.get(sender or "") if sender else None
    extra: dict = {"desktop_id": row["id"], "type": mtype}
    if mtype not in ("incoming", "outgoing", "story"):
        return _notice(d, conv, row, j, mtype, ts, sent, sender, name, extra, calls, loc)
    kind = _kind(atts, j)
    refs = [A.ref(d.root / "attachments.noindex", a) for a in atts]
    sticker = j.get("sticker") if isinstance(j.get("sticker"), dict) else None
    if sticker:
        data = sticker.get("data") if isinstance(sticker.get("data"), dict) else {}
        refs = [A.ref(d.root / "attachments.noindex", data)] if data.get("path") else refs
        extra["sticker"] = {k: sticker.get(k) for k in ("packId", "stickerId", "emoji") if sticker.get(k) is not None}
    body = j.get("body") if isinstance(j.get("body"), str) else None
    body = S.with_mentions(body, _mentions(d, j))
    rec = MessageRec(conv.key, ts, kind, body, sender, name, S.message_key(sent, author), attachments=refs,
                     extra=extra, location=loc)
    _details(d, rec, j)
    if j.get("deletedForEveryone"):
        base = rec.source_id
        rec.kind, rec.text, rec.attachments = MessageKind.RECALLED, None, []
        rec.source_id = f"{base}-recalled"
        extra.update({"recalled_id": base, "event": "recall"})
    elif j.get("isErased"):
        extra["erased"] = True
    return rec


def _mentions(d: Directory, j: dict) -> list[tuple[int, int, str]]:
    out = []
    for r in j.get("bodyRanges") or []:
        if not isinstance(r, dict) or not isinstance(r.get("start"), int):
            continue
        who = S.person(r.get("mentionAci") or r.get("mentionUuid"))
        if who:
            out.append((r["start"], int(r.get("length") or 1), d.names.get(who, who)))
    return out


def _details(d: Directory, rec: MessageRec, j: dict) -> None:
    extra = rec.extra
    q = j.get("quote") if isinstance(j.get("quote"), dict) else None
    if q and q.get("id"):
        qa = d.who(q.get("authorAci") or q.get("authorUuid"), q.get("author"))
        rec.reply_to = S.message_key(int(q["id"]), qa or "unknown")
        extra["quote"] = {"text": q.get("text"), "missing": bool(q.get("referencedMessageNotFound"))}
    reacts = []
    for r in j.get("reactions") or []:
        if isinstance(r, dict) and r.get("emoji"):
            who = d.person_of.get(str(r.get("fromId"))) or d.who(r.get("fromId"))
            if who == d.me:
                who = S.ME
            reacts.append((str(r["emoji"]), who or "unknown", int(r.get("timestamp") or 0)))
    if reacts:
        extra["reactions"] = S.reaction_summary(reacts)
    hist = [h for h in j.get("editHistory") or [] if isinstance(h, dict)]
    if len(hist) > 1:
        rec.edited = True
        at = j.get("editMessageTimestamp") or hist[0].get("timestamp")
        rec.edited_ts = S.ms_to_dt(at) if at else None
        extra["previous_texts"] = [h.get("body") or "" for h in reversed(hist[1:])]
    if j.get("contact"):
        extra["contacts"] = j["contact"]
        names = [c.get("name", {}).get("displayName") or c.get("name", {}).get("givenName")
                 for c in j["contact"] if isinstance(c, dict) and isinstance(c.get("name"), dict)]
        if rec.text is None and any(names):
            rec.text = ", ".join(n for n in names if n)
    if j.get("preview"):
        extra["previews"] = [{k: p.get(k) for k in ("url", "title", "description") if p.get(k)}
                             for p in j["preview"] if isinstance(p, dict)]
    if j.get("isViewOnce"):
        extra["view_once"] = True
    if j.get("expireTimer"):
        extra["expires_in_ms"] = int(j["expireTimer"]) * 1000


def _notice(d: Directory, conv: ConversationRec, row: dict, j: dict, mtype: str, ts, sent: int,
            sender: str | None, name: str | None, extra: dict, calls: dict[str, dict], loc: str) -> MessageRec:
    if mtype == "call-history":
        text, incoming = _call(j, calls.get(str(j.get("callId"))))
        author = S.ME if incoming is False else (d.person_of.get(str(row.get("conversationId"))) or "unknown")
        extra["call"] = text
        caller = d.me if author == S.ME else None if author == "unknown" else author
        return MessageRec(conv.key, ts, MessageKind.CALL, text, caller, d.names.get(caller or ""),
                          S.message_key(sent, author), extra=extra, location=loc)
    text = _group_change(j) if mtype == "group-v2-change" else NOTICES.get(mtype, mtype.replace("-", " "))
    if mtype == "group-v2-change":
        ch = j.get("groupV2Change") if isinstance(j.get("groupV2Change"), dict) else {}
        who = d.who(ch.get("from"))
        sender = (d.me if who == S.ME else who) if who else sender
        name = d.names.get(sender or "")
    return MessageRec(conv.key, ts, MessageKind.SYSTEM, text, sender, name, f"desktop:{row['id']}", extra=extra,
                      location=loc)


def parse_json(raw: object) -> dict | None:
    if not isinstance(raw, str | bytes):
        return None
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
