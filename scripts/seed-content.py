#!/usr/bin/env python3
"""Rebuild the committed content/ from the saved feeds in tests/fixtures/corpus.

The saved copies of the sources' own feeds are served from a loopback HTTP
server, and `digest fetch` reads them as if they were live, round by round
(a source with two snapshots is fetched twice, oldest first). Then `digest
compose` writes the editions. Run from the project's root:

    python3 scripts/seed-content.py            # adds to content/
    python3 scripts/seed-content.py --fresh    # deletes content/ first
"""

import argparse
import functools
import http.server
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"

# Each round maps a source of sources.toml to the saved feed it is served.
ROUNDS = [
    {
        "OpenAI Blog": "sources/openai-blog.xml",
        "Google DeepMind": "sources/google-deepmind.xml",
        "CloudFlare": "sources/cloudflare.xml",
        "The GitHub Blog": "sources/the-github-blog-2017-09.xml",
        "Google Keyword: AI": "sources/google-blog-ai-section.xml",
        "Microsoft AI Blogs": "sources/microsoft-ai-blogs.xml",
        "Dropbox Tech Blog": "feeds/dropbox-tech-2021.xml",
        "Netflix Tech Blog": "feeds/netflix-techblog-2021.xml",
        # The same publication under its Medium address: stored once.
        "The Netflix Tech Blog": "feeds/netflix-techblog-2021.xml",
        "Google AI Blog": "feeds/google-ai-blog-2021.atom.xml",
        "InfoQ": "feeds/infoq-2009.xml",
        "AWS News Blog": "feeds/aws-blog-2009.atom.xml",
    },
    {
        "Google DeepMind": "sources/google-deepmind-2026-08.xml",
        "CloudFlare": "feeds/cloudflare-blog-2021.xml",
        "The GitHub Blog": "sources/the-github-blog.xml",
        "InfoQ": "feeds/infoq-2013.xml",
    },
    {
        "The GitHub Blog": "feeds/github-blog-2023.atom.xml",
    },
]


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def round_config(base_text, config, feeds, port):
    """sources.toml with the round's sources pointed at the loopback server, the rest off."""
    site_part = base_text[: base_text.index("\n[[source]]\n")]
    lines = [site_part]
    for source in config["source"]:
        name = source["name"]
        lines.append("[[source]]")
        lines.append(f"name = {quoted(name)}")
        lines.append(f"company = {quoted(source['company'])}")
        lines.append(f"kind = {quoted(source['kind'])}")
        if name in feeds:
            lines.append(f'feed = "http://127.0.0.1:{port}/{feeds[name]}"')
        else:
            lines.append(f"feed = {quoted(source['feed'])}")
            lines.append("enabled = false")
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="delete content/ first")
    parser.add_argument("--digest", default=None, help="path of the digest binary")
    args = parser.parse_args()

    digest = args.digest
    if digest is None:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        digest = str((ROOT / target) / "release" / "digest")
    if not pathlib.Path(digest).is_file():
        sys.exit(f"no digest binary at {digest}: pass --digest PATH")
    if args.fresh:
        shutil.rmtree(ROOT / "content", ignore_errors=True)

    base_text = (ROOT / "sources.toml").read_text()
    config = tomllib.loads(base_text)
    names = {s["name"] for s in config["source"]}
    for feeds in ROUNDS:
        unknown = set(feeds) - names
        if unknown:
            sys.exit(f"not in sources.toml: {', '.join(sorted(unknown))}")

    handler = functools.partial(QuietHandler, directory=str(CORPUS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for number, feeds in enumerate(ROUNDS, start=1):
                path = pathlib.Path(scratch) / f"round-{number}.toml"
                path.write_text(round_config(base_text, config, feeds, port))
                print(f"round {number}: {len(feeds)} feeds", file=sys.stderr)
                subprocess.run([digest, "-C", str(ROOT), "--config", str(path), "fetch"], check=True)
        subprocess.run([digest, "-C", str(ROOT), "compose"], check=True)
    finally:
        server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    main()
