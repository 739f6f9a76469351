// Opens every page, email, feed and list of a built site in Debian's
// headless Chromium, and every HTML fragment inside its feeds as a page of
// its own, and reports anything that shows script or a hostile feed at work:
//
// - a script compiled in the page's own world (an inline script, an event
//   handler that fired, a javascript: address that was followed), seen
//   through the DevTools protocol before this checker runs any of its own;
// - `window.__pwned`, which the hostile feeds' payloads set;
// - a dialog, a console message (other than Chromium's own note of a
//   failed load), a page error, a pop-up, or the page navigating away from
//   itself;
// - a request to anything but the site's own origin (answered with an
//   error, so nothing leaves the machine);
// - in the document as loaded: a script, frame, object, embed, form, base
//   or meta refresh element, a style element or a stylesheet that is not
//   the site's own, an `on…` attribute, or an address whose scheme is not
//   http, https or mailto.
//
// usage: node check-hostile.mjs PUBLIC_DIR ARTIFACT_DIR
// Prints one JSON line per document checked, then a summary line, and exits
// 1 if any document has a problem (2 on a usage error).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { launch } from './chromium.mjs';

const [publicDir, artifactDir] = process.argv.slice(2);
if (!publicDir || !artifactDir) {
  console.error('usage: node check-hostile.mjs PUBLIC_DIR ARTIFACT_DIR');
  process.exit(2);
}
const root = path.resolve(publicDir);
const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.xml': 'application/xml', '.opml': 'application/xml', '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

// HTML fragments taken out of the feeds, served as pages of their own.
const fragments = [];

function allFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...allFiles(full));
    else found.push(path.relative(root, full).split(path.sep).join('/'));
  }
  return found.sort();
}

function fragmentPage(html) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>fragment</title></head><body>${html}</body></html>`;
}

// A static server on loopback for the built site and the fragments.
function serve() {
  const server = http.createServer((request, response) => {
    const url = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const fragment = url.match(/^\/__fragment__\/(\d+)\.html$/);
    if (fragment) {
      response.writeHead(200, { 'Content-Type': types['.html'] });
      response.end(fragmentPage(fragments[Number(fragment[1])].html));
      return;
    }
    const file = path.join(root, url);
    if (!file.startsWith(root)) { response.writeHead(403).end(); return; }
    fs.readFile(file, (error, data) => {
      if (error) { response.writeHead(404).end('not found'); return; }
      response.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
      response.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// What the document holds, seen from inside it once it has loaded.
function inspectDocument() {
  const problems = [];
  const allowed = /^(https?:|mailto:)/i;
  const addressAttributes = ['href', 'src', 'action', 'formaction', 'data', 'poster', 'background',
    'srcset', 'xlink:href', 'ping', 'lowsrc', 'dynsrc', 'cite', 'longdesc', 'manifest', 'codebase'];
  const forbidden = ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form',
    'base', 'portal', 'fencedframe'];
  // In a feed or list opened as XML, only elements of these namespaces
  // mean anything to a browser; an RSS <link> is not an HTML one.
  const live = ['http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg',
    'http://www.w3.org/1998/Math/MathML'];
  for (const element of document.querySelectorAll('*')) {
    if (!live.includes(element.namespaceURI)) continue;
    const name = element.localName.toLowerCase();
    const where = `<${name}>`;
    if (forbidden.includes(name)) problems.push(`${where} element`);
    if (name === 'meta' && (element.getAttribute('http-equiv') || '').toLowerCase() === 'refresh') {
      problems.push('meta refresh');
    }
    if (name === 'style' && element.closest('head') === null) problems.push('style element in the body');
    if (name === 'link') {
      const rel = (element.getAttribute('rel') || '').toLowerCase();
      const target = element.href || '';
      const own = target.startsWith(location.origin + '/') || rel === 'canonical' || rel === 'alternate';
      if (!own) problems.push(`<link rel="${rel}"> to ${target}`);
    }
    for (const attribute of element.attributes) {
      const attr = attribute.name.toLowerCase();
      if (attr.startsWith('on')) problems.push(`${where} has ${attr}`);
      if (attr === 'style' && /url\s*\(|expression|behavio/i.test(attribute.value)) {
        problems.push(`${where} style loads something: ${attribute.value.slice(0, 80)}`);
      }
      if (attr === 'srcdoc') problems.push(`${where} has srcdoc`);
      if (addressAttributes.includes(attr)) {
        // Resolved the way the browser resolves it: entities, tabs and
        // new lines already gone, relative addresses made absolute.
        let resolved = attribute.value.trim();
        try { resolved = new URL(attribute.value, document.baseURI).href; } catch { /* kept */ }
        if (!allowed.test(resolved)) problems.push(`${where} ${attr}="${attribute.value.slice(0, 80)}"`);
      }
    }
  }
  return { problems, marker: typeof window.__pwned === 'undefined' ? null : String(window.__pwned) };
}

async function check(browser, base, target, label, screenshot) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const problems = [];
  const origin = new URL(base).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + '/')) return route.continue();
    problems.push(`request to another origin: ${url.slice(0, 120)}`);
    return route.abort();
  });
  const tab = await context.newPage();
  tab.on('popup', (popup) => problems.push(`pop-up: ${popup.url()}`));
  const cdp = await context.newCDPSession(tab);
  const compiled = [];
  cdp.on('Debugger.scriptParsed', (event) => {
    const aux = event.executionContextAuxData || {};
    if (aux.isDefault) compiled.push(event.url || '(inline)');
  });
  await cdp.send('Debugger.enable');
  tab.on('dialog', (dialog) => { problems.push(`dialog ${dialog.type()}: ${dialog.message()}`); dialog.dismiss().catch(() => {}); });
  // Chromium logs each failed load itself; the requests are watched above.
  tab.on('console', (message) => {
    if (message.text().startsWith('Failed to load resource')) return;
    problems.push(`console ${message.type()}: ${message.text().slice(0, 120)}`);
  });
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const address = `${base}/${target}`;
  tab.on('framenavigated', (frame) => {
    if (frame === tab.mainFrame() && frame.url() !== address) problems.push(`navigated to ${frame.url()}`);
  });
  const response = await tab.goto(address, { waitUntil: 'load' });
  if (!response || response.status() !== 200) problems.push(`HTTP ${response && response.status()}`);
  // Let timers, animations and toggles that a payload may hang on run.
  await tab.waitForTimeout(300);
  for (const script of compiled) problems.push(`script compiled in the page: ${script}`);
  const seen = await tab.evaluate(inspectDocument);
  problems.push(...seen.problems);
  if (seen.marker !== null) problems.push(`window.__pwned was set to ${seen.marker}`);
  if (screenshot) await tab.screenshot({ path: screenshot, fullPage: true });
  await context.close();
  return { document: label, problems };
}

// The HTML that each feed carries: RSS descriptions (of items and of the
// channel, which readers show as HTML too), Atom content and
// summaries of type html or xhtml, JSON Feed content_html. Text fields stay
// text by the formats' own rules and are not treated as HTML.
async function collectFragments(browser, files) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  for (const file of files.filter((f) => f.endsWith('.xml') && f !== 'sitemap.xml')) {
    const xml = fs.readFileSync(path.join(root, file), 'utf8');
    const found = await tab.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      if (doc.querySelector('parsererror')) return { error: doc.querySelector('parsererror').textContent };
      const html = [];
      for (const e of doc.querySelectorAll('item > description, channel > description')) html.push(e.textContent);
      for (const e of doc.getElementsByTagNameNS('*', 'content')) {
        const type = e.getAttribute('type') || '';
        if (type === 'html') html.push(e.textContent);
        if (type === 'xhtml') html.push(e.innerHTML);
      }
      for (const e of doc.getElementsByTagNameNS('*', 'summary')) {
        if (e.getAttribute('type') === 'html') html.push(e.textContent);
      }
      return { html };
    }, xml);
    if (found.error) throw new Error(`${file} is not well-formed XML: ${found.error}`);
    found.html.forEach((html, i) => fragments.push({ label: `${file} entry ${i + 1}`, html }));
  }
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    const feed = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
    (feed.items || []).forEach((item, i) => {
      if (item.content_html) fragments.push({ label: `${file} item ${i + 1}`, html: item.content_html });
    });
  }
  await context.close();
}

const files = allFiles(root);
const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
fs.mkdirSync(artifactDir, { recursive: true });
const browser = await launch();
let failed = 0;
let checked = 0;
try {
  await collectFragments(browser, files);
  const documents = files.filter((f) => /\.(html|xml|opml|json|txt)$/.test(f));
  for (const file of documents) {
    const shot = file.endsWith('.html') ? path.join(artifactDir, `${file.replace(/[/.]/g, '_')}.png`) : null;
    const result = await check(browser, base, file, file, shot);
    checked += 1;
    if (result.problems.length > 0) failed += 1;
    console.log(JSON.stringify(result));
  }
  for (let i = 0; i < fragments.length; i += 1) {
    const result = await check(browser, base, `__fragment__/${i}.html`, fragments[i].label, null);
    checked += 1;
    if (result.problems.length > 0) failed += 1;
    console.log(JSON.stringify(result));
  }
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify({ summary: { documents: checked, fragments: fragments.length, failed } }));
process.exit(failed > 0 ? 1 : 0);
