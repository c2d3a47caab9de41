"""Building JSON objects one at a time from ijson's event stream, at the depth where messages sit,
while the caller still sees the scalars around them (a conversation's id, a group's key): memory is
bounded by one message however long a conversation is (ijson's `items` at a fixed prefix cannot
follow keys it does not know in advance, such as one list per conversation name)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import ijson


def walk(events: Iterable[tuple[str, str, Any]], depth_of_items: int) -> Iterator[tuple[str, Any, list[str]]]:
    """("item", object, path) for every map that opens at `depth_of_items` (1 = the top value), and
    ("scalar", value, path) / ("key", name, path) for what lies above it; `path` holds the map keys
    leading there."""
    depth = 0
    keys: list[str] = []
    builder: ijson.ObjectBuilder | None = None
    inner = 0
    for _prefix, event, value in events:
        if builder is not None:
            builder.event(event, value)
            if event in ("start_map", "start_array"):
                inner += 1
            elif event in ("end_map", "end_array"):
                inner -= 1
                if inner == 0:
                    yield "item", builder.value, list(keys)
                    builder = None
                    depth -= 1
            continue
        if event in ("start_map", "start_array"):
            depth += 1
            if event == "start_map" and depth == depth_of_items:
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
                inner = 1
                continue
            if event == "start_map":
                keys.append("")
        elif event in ("end_map", "end_array"):
            if event == "end_map" and keys:
                keys.pop()
            depth -= 1
        elif event == "map_key":
            if keys:
                keys[-1] = value
            yield "key", value, list(keys)
        else:
            yield "scalar", value, list(keys)
