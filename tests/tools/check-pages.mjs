// Loads pages of a built site in Debian's headless Chromium, at desktop and
// phone widths, in light and dark, and checks what a reader would notice:
// errors in the console, failed requests, horizontal scrolling, and a dark
// theme that does not change the colours. Writes a screenshot of each view.
//
// usage: node check-pages.mjs PUBLIC_DIR ARTIFACT_DIR PAGE...
// Prints one JSON line per view and exits 1 if any view has a problem.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { launch } from './chromium.mjs';

const [publicDir, artifactDir, ...pages] = process.argv.slice(2);
if (!publicDir || !artifactDir || pages.length === 0) {
  console.error('usage: node check-pages.mjs PUBLIC_DIR ARTIFACT_DIR PAGE...');
  process.exit(2);
}
const views = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
];
const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.xml': 'application/xml', '.json': 'application/json', '.txt': 'text/plain',
};

// A static server on loopback for the built site.
function serve(root) {
  const server = http.createServer((request, response) => {
    const url = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    let file = path.join(root, url);
    if (!file.startsWith(path.resolve(root))) { response.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (error, data) => {
      if (error) { response.writeHead(404).end('not found'); return; }
      response.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
      response.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function check(browser, base, page, view, scheme) {
  const context = await browser.newContext({
    viewport: view.viewport, isMobile: !!view.isMobile, hasTouch: !!view.hasTouch,
    colorScheme: scheme, deviceScaleFactor: 1,
  });
  const tab = await context.newPage();
  const problems = [];
  tab.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  tab.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await tab.goto(`${base}/${page}`, { waitUntil: 'load' });
  const measured = await tab.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    background: getComputedStyle(document.body).backgroundColor,
    scripts: document.scripts.length,
  }));
  // A phone widens its layout to fit content that is too wide, so compare
  // with the width asked for, not with what the page ended up with.
  const width = view.viewport.width;
  if (measured.scrollWidth > width || measured.innerWidth > width) {
    problems.push(`scrolls sideways: ${measured.scrollWidth}px of content in ${width}px`);
  }
  const shot = path.join(artifactDir, `${page.replace(/[/.]/g, '_')}-${view.name}-${scheme}.png`);
  await tab.screenshot({ path: shot, fullPage: true });
  await context.close();
  return { page, view: view.name, scheme, ...measured, screenshot: shot, problems };
}

const server = await serve(path.resolve(publicDir));
const base = `http://127.0.0.1:${server.address().port}`;
fs.mkdirSync(artifactDir, { recursive: true });
const browser = await launch();
let failed = false;
try {
  for (const page of pages) {
    const backgrounds = {};
    for (const view of views) {
      for (const scheme of ['light', 'dark']) {
        const result = await check(browser, base, page, view, scheme);
        backgrounds[`${view.name}-${scheme}`] = result.background;
        if (result.scripts > 0) result.problems.push(`${result.scripts} script elements: pages need no JavaScript`);
        failed ||= result.problems.length > 0;
        console.log(JSON.stringify(result));
      }
    }
    if (backgrounds['desktop-light'] === backgrounds['desktop-dark']) {
      failed = true;
      console.log(JSON.stringify({ page, problems: [`dark theme has the light background ${backgrounds['desktop-dark']}`] }));
    }
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
