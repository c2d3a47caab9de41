"""`chatvault people ls|find|suggest|link|unlink|rename|dismiss`: one person across sources (docs/people.md)."""

from __future__ import annotations

import argparse
from typing import Any

from chatvault.cli import _common_options
from chatvault.cli.common import CliContext
from chatvault.store import people, people_suggest

NAME = "people"
HELP = "link the same person across sources (a WhatsApp number, a Telegram account …) so they show as one"
READS = ("ls", "find", "suggest", "show")


def register(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="people_cmd", required=True, metavar="ls|show|find|suggest|link|unlink|rename|dismiss")
    sub.add_parser("ls", parents=[_common_options()], help="list linked people with their participants")
    sh = sub.add_parser("show", parents=[_common_options()], help="one linked person")
    sh.add_argument("person", type=int, metavar="PERSON")
    f = sub.add_parser("find", parents=[_common_options()], help="find participants by name, key or earlier name (to link them)")
    f.add_argument("text")
    f.add_argument("--limit", type=int, default=50, metavar="N")
    s = sub.add_parser("suggest", parents=[_common_options()], help="who looks like one person: same number, 'me' in several sources, same name")
    s.add_argument("--limit", type=int, default=50, metavar="N")
    ln = sub.add_parser("link", parents=[_common_options()], help="link participants (ids, app:key or unique names) as one person")
    ln.add_argument("participants", nargs="*", metavar="PARTICIPANT")
    ln.add_argument("--suggestion", type=int, metavar="N", help="link suggestion N of `people suggest` (1 = first)")
    ln.add_argument("--name", help="the name to show for the person (default: the most active participant's)")
    un = sub.add_parser("unlink", parents=[_common_options()], help="undo a link: the whole person, or some of its participants")
    un.add_argument("person", type=int, metavar="PERSON")
    un.add_argument("participants", nargs="*", metavar="PARTICIPANT", help="only these (default: all)")
    rn = sub.add_parser("rename", parents=[_common_options()], help="change the name a linked person is shown under")
    rn.add_argument("person", type=int, metavar="PERSON")
    rn.add_argument("name")
    d = sub.add_parser("dismiss", parents=[_common_options()], help="say these participants are not one person (not suggested again)")
    d.add_argument("participants", nargs="+", metavar="PARTICIPANT")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    cmd = args.people_cmd
    with ctx.open(writer=cmd not in READS, purpose="linking people") as vault:
        conn = vault.connect(readonly=cmd in READS)
        try:
            data, text = _ACTIONS[cmd](args, conn)
        finally:
            conn.close()
    ctx.out(data, text)
    return 0


def _person_text(p: people.Person) -> str:
    lines = [f"{p.id:>4}  {p.name}  ({sum(m.messages for m in p.members):,} messages)"]
    lines += [f"        {m.id:>6}  {m.label()}  {m.messages:,} msgs" for m in p.members]
    return "\n".join(lines)


def _ls(args, conn) -> tuple[Any, str]:
    found = people.people(conn)
    return ({"people": [p.to_json() for p in found]},
            "\n".join(_person_text(p) for p in found) or "Nobody is linked yet (`chatvault people suggest`).")


def _show(args, conn) -> tuple[Any, str]:
    p = people.person(conn, args.person)
    return p.to_json(), _person_text(p)


def _find(args, conn) -> tuple[Any, str]:
    found = people.find(conn, args.text, args.limit)
    lines = [f"{m.id:>6}  {m.label()}  {m.messages:,} msgs" + (f"  [person {m.person_id}]" if m.person_id else "")
             for m in found]
    return {"participants": [m.to_json() for m in found]}, "\n".join(lines) or "No participant matches."


_REASONS = {"phone": "same phone number", "me": "you in several sources", "name": "same name"}


def _suggest(args, conn) -> tuple[Any, str]:
    found = people_suggest.suggest(conn, args.limit)
    lines = []
    for i, s in enumerate(found, 1):
        why = _REASONS[s.reason] + (f" {s.detail}" if s.detail else "")
        lines.append(f"{i:>3}. {why}: " + "; ".join(m.label() for m in s.members))
    text = "\n".join(lines) or "No suggestions: nobody else looks like one person."
    if lines:
        text += "\nLink one with `chatvault people link --suggestion N`."
    return {"suggestions": [s.to_json() for s in found]}, text


def _link(args, conn) -> tuple[Any, str]:
    from chatvault.errors import UsageError

    ids = [people.resolve(conn, r).id for r in args.participants]
    if args.suggestion is not None:
        found = people_suggest.suggest(conn, max(args.suggestion, 1))
        if not 1 <= args.suggestion <= len(found):
            raise UsageError(f"There is no suggestion {args.suggestion}.", hint="`chatvault people suggest` lists them.")
        ids += [m.id for m in found[args.suggestion - 1].members]
    p = people.link(conn, ids, args.name)
    return p.to_json(), f"Linked as one person:\n{_person_text(p)}\nUndo with `chatvault people unlink {p.id}`."


def _unlink(args, conn) -> tuple[Any, str]:
    ids = [people.resolve(conn, r).id for r in args.participants] or None
    n = people.unlink(conn, args.person, ids)
    return {"person": args.person, "unlinked": n}, f"Unlinked {n} participant(s) from person {args.person}."


def _rename(args, conn) -> tuple[Any, str]:
    p = people.rename(conn, args.person, args.name)
    return p.to_json(), f"Person {p.id} is now shown as {p.name}."


def _dismiss(args, conn) -> tuple[Any, str]:
    ids = [people.resolve(conn, r).id for r in args.participants]
    people_suggest.dismiss(conn, ids)
    return {"dismissed": ids}, "Not suggested together again."


_ACTIONS = {"ls": _ls, "show": _show, "find": _find, "suggest": _suggest, "link": _link, "unlink": _unlink,
            "rename": _rename, "dismiss": _dismiss}
