"""Parses feeds with feedparser, the library most Python feed readers use,
and fails on anything it had to work around.

usage: python3 check_feeds.py FEED...
Prints one line per feed; exits 1 if any feed is malformed, has no
entries, or lacks a title, link, id or date on an entry.

feedparser 6 reads RSS and Atom but not JSON Feed, so a `.json` feed is
checked here against what JSON Feed 1.1 requires instead (and the Rust
tests also read it with feed-rs).
"""

import json
import sys
from datetime import datetime

import feedparser


def json_feed_problems(path):
    with open(path, encoding="utf-8") as file:
        feed = json.load(file)
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version is {feed.get('version')!r}")
    if not feed.get("title"):
        problems.append("the feed has no title")
    if not isinstance(feed.get("items"), list) or not feed["items"]:
        problems.append("no items")
    for number, item in enumerate(feed.get("items") or [], 1):
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"item {number} has no id")
        if not (item.get("content_html") or item.get("content_text")):
            problems.append(f"item {number} has no content")
        try:
            datetime.fromisoformat(item.get("date_published", ""))
        except ValueError:
            problems.append(f"item {number} has no RFC 3339 date_published")
    return "json11", problems


def problems_of(path):
    if path.endswith(".json"):
        return json_feed_problems(path)
    feed = feedparser.parse(path)
    problems = []
    if feed.bozo:
        problems.append(f"not well-formed: {feed.bozo_exception!r}")
    if not feed.version:
        problems.append("feedparser does not recognise the format")
    if not feed.feed.get("title"):
        problems.append("the feed has no title")
    if not feed.entries:
        problems.append("no entries")
    for number, entry in enumerate(feed.entries, 1):
        for key in ("title", "link", "id"):
            if not entry.get(key):
                problems.append(f"entry {number} has no {key}")
        if not (entry.get("published_parsed") or entry.get("updated_parsed")):
            problems.append(f"entry {number} has no date feedparser understands")
    return feed.version, problems


def main(paths):
    failed = False
    for path in paths:
        version, problems = problems_of(path)
        print(f"{path}: {version or 'unknown'}, {'; '.join(problems) or 'ok'}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
