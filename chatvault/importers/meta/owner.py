"""Who "me" is in a Meta download: the profile the download belongs to, else the one name that is a
participant of every thread (a download holds only its owner's threads)."""

from __future__ import annotations

import json
from typing import Any

from chatvault.importers.filetree import FileTree
from chatvault.importers.meta.text import fix

# Profile files: Facebook writes the owner's name here, Instagram its name and username.
PROFILE_FILES = ("profile_information.json", "personal_information.json")
MAX_PROFILE = 4 << 20


def find_owner(tree: FileTree, headers: list[dict[str, Any]]) -> str | None:
    return _from_profile(tree) or _in_every_thread(headers)


def _from_profile(tree: FileTree) -> str | None:
    for name in tree.names():
        if name.rsplit("/", 1)[-1] not in PROFILE_FILES or tree.size(name) > MAX_PROFILE:
            continue
        try:
            with tree.open(name, check_crc=False) as fh:
                data = json.loads(fh.read().decode("utf-8-sig"))
        except (ValueError, OSError, UnicodeDecodeError):
            continue
        found = _profile_name(data)
        if found:
            return fix(found).strip() or None
    return None


def _profile_name(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    profile = data.get("profile_v2") or data.get("profile")
    if isinstance(profile, dict):
        name = profile.get("name")
        if isinstance(name, dict) and isinstance(name.get("full_name"), str):
            return name["full_name"]
    users = data.get("profile_user")
    if isinstance(users, list) and users and isinstance(users[0], dict):
        fields = users[0].get("string_map_data") or {}
        for key in ("Name", "Username"):
            value = fields.get(key, {}).get("value") if isinstance(fields.get(key), dict) else None
            if isinstance(value, str) and value:
                return value
    return None


def _in_every_thread(headers: list[dict[str, Any]]) -> str | None:
    """The name in every thread's participants, when there are two threads or more and it is one name."""
    lists = [set(h.get("participants") or ()) for h in headers if h.get("participants")]
    if len(lists) < 2:
        return None
    common = set.intersection(*lists)
    return next(iter(common)) if len(common) == 1 else None
