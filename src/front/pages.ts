// The HTML pages a slot front shows by itself: the empty-slot placeholder and the "app is down" pages.
import type { ServerResponse } from 'node:http';

export interface SlotPageInfo {
  slot: string;
  slotUrl: string;
  adminUrl: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933}
h1{font-size:1.6rem;margin-bottom:.25rem}code,pre{background:#f0f2f5;border-radius:4px;padding:.1rem .35rem}
pre{padding:.75rem;overflow:auto}.muted{color:#66727f}a{color:#1a5fb4}
</style></head><body>${body}</body></html>`;
}

export function placeholderPage(info: SlotPageInfo): string {
  return layout(
    `Slot ${info.slot} is ready — berth`,
    `<h1>Slot <code>${escapeHtml(info.slot)}</code> is ready for an app</h1>
<p class="muted">Nothing is deployed here yet. This slot answers at <a href="${escapeHtml(info.slotUrl)}">${escapeHtml(info.slotUrl)}</a>.</p>
<h2>Deploy into it</h2>
<p>From a terminal on the machine running berth:</p>
<pre>npx berth deploy ${escapeHtml(info.slot)} --path ./my-app</pre>
<p>The folder holds a Node.js app (a <code>start</code> script or a <code>server.js</code> that listens on <code>$PORT</code>) or a static site (an <code>index.html</code>).</p>
<p>Or use the admin: <a href="${escapeHtml(info.adminUrl)}">${escapeHtml(info.adminUrl)}</a></p>`,
  );
}

export function unavailablePage(info: SlotPageInfo, headline: string, detail: string): string {
  return layout(
    `${headline} — slot ${info.slot}`,
    `<h1>${escapeHtml(headline)}</h1><p>${escapeHtml(detail)}</p>
<p class="muted">Slot <code>${escapeHtml(info.slot)}</code> · this page refreshes by itself when you reload in a few seconds.</p>`,
  );
}

export function sendPage(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : html);
}
