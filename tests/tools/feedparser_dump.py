#!/usr/bin/env python3
"""Print what Python's feedparser recovers from feed files, as JSON.

Reads a JSON list on stdin: [{"file": PATH, "url": URL, "headers": {NAME: VALUE}}].
Writes a JSON object: {PATH: {"bozo": bool, "entries": [{"title", "link", "published"}]}},
with published as UTC "YYYY-MM-DDTHH:MM:SS" or null. Used by tests/tricky.rs.
"""

import calendar
import json
import sys
import time

import feedparser


def entry_view(entry):
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    published = None
    if parsed:
        published = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(calendar.timegm(parsed)))
    has_text = bool(entry.get("summary") or entry.get("content"))
    return {
        "title": entry.get("title"),
        "link": entry.get("link"),
        "published": published,
        "has_text": has_text,
    }


def main():
    result = {}
    for spec in json.load(sys.stdin):
        headers = {"content-location": spec["url"], "content-type": "application/xml"}
        headers.update({k.lower(): v for k, v in spec.get("headers", {}).items()})
        with open(spec["file"], "rb") as handle:
            parsed = feedparser.parse(handle.read(), response_headers=headers)
        result[spec["file"]] = {
            "bozo": bool(parsed.bozo),
            "entries": [entry_view(e) for e in parsed.entries],
        }
    json.dump(result, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
