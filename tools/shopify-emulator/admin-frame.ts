// The admin page around an embedded app — what Shopify admin is to it: the store's chrome, a left nav
// filled from the app's <ui-nav-menu>, and an iframe that loads the app with the parameters Shopify adds
// (embedded, shop, host, id_token, locale). browser/admin-frame.js answers the stand-in App Bridge
// (browser/app-bridge.js) inside the iframe: session tokens, nav, title, toasts, top-level navigation.

import { readFileSync } from "node:fs";
import { adminFrameUrl, hostParam } from "./admin-urls";
import { escape } from "./pages";
import type { ShopRecord } from "./state";

// Read once: the scripts the browser loads from the emulator.
export const browserScripts = {
  "/app-bridge.js": readFileSync(new URL("./browser/app-bridge.js", import.meta.url), "utf8"),
  "/admin-frame.js": readFileSync(new URL("./browser/admin-frame.js", import.meta.url), "utf8"),
};

export interface AdminFrameParams {
  appUrl: string;
  appName: string;
  apiKey: string;
  shop: ShopRecord;
  // Path and query of the app page to show, taken from the admin URL after /apps/<api key>.
  appPath: string;
  query: URLSearchParams;
  sessionToken: string;
}

export function appFrameSrc(params: AdminFrameParams): string {
  const query = new URLSearchParams(params.query);
  query.set("embedded", "1");
  query.set("shop", params.shop.domain);
  query.set("host", hostParam(params.shop.domain));
  query.set("id_token", params.sessionToken);
  query.set("locale", "en");
  return `${params.appUrl.replace(/\/$/, "")}${params.appPath || "/"}?${query}`;
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,sans-serif;font-size:14px;background:#f1f1f1;color:#303030}
.topbar{display:flex;gap:.75rem;align-items:center;height:3.5rem;padding:0 1rem;background:#1a1a1a;color:#e3e3e3}
.topbar .domain{color:#a0a0a0}.badge{margin-left:auto;background:#ffd79d;color:#4f2f00;border-radius:.5rem;padding:.1rem .5rem;font-size:12px}
.admin{display:flex;height:calc(100vh - 3.5rem)}
nav{width:15rem;padding:.75rem .5rem;background:#ebebeb;border-right:1px solid #ddd;flex:none}
nav .section{padding:.5rem .75rem;color:#616161;font-size:12px;font-weight:600}
nav a{display:block;padding:.35rem .75rem;border-radius:.5rem;color:#303030;text-decoration:none}
nav a:hover{background:#fafafa}nav a[aria-current=page]{background:#fff;font-weight:600}
nav ul{list-style:none;margin:0;padding:0 0 0 .75rem}
main{flex:1;display:flex;flex-direction:column;min-width:0}
.titlebar{padding:.75rem 1rem;font-size:16px;font-weight:650;border-bottom:1px solid #ddd;background:#f7f7f7}
iframe{flex:1;width:100%;border:0;background:#f1f1f1}
#toasts{position:fixed;bottom:1.5rem;left:50%;transform:translateX(-50%);display:flex;flex-direction:column;gap:.5rem}
.toast{background:#1a1a1a;color:#fff;padding:.6rem 1rem;border-radius:.5rem}.toast.error{background:#8e1f0b}
.emulator-save-bar{position:fixed;inset:0 0 auto 0;z-index:10;display:flex;gap:.5rem;align-items:center;padding:.5rem 1rem;background:#1a1a1a;color:#fff}
.emulator-save-bar span{margin-right:auto}
.menu{display:none;background:none;color:inherit;border:1px solid #616161;border-radius:.5rem;padding:.25rem .6rem;font:inherit}
@media (max-width:47.9975em){
.menu{display:block}.topbar .domain{display:none}.admin{position:relative}
nav{display:none;position:absolute;z-index:5;inset:0 auto 0 0;box-shadow:0 0 1rem #0004}
.admin.nav-open nav{display:block}}`;

// Below 48em Shopify admin folds its nav behind a menu button, leaving the app the whole width; a link
// in the nav folds it again.
const MENU_SCRIPT = `
const menu = document.getElementById("admin-menu"), admin = document.querySelector(".admin");
const fold = (open) => { admin.classList.toggle("nav-open", open); menu.setAttribute("aria-expanded", String(open)); };
menu.addEventListener("click", () => fold(!admin.classList.contains("nav-open")));
document.getElementById("admin-nav").addEventListener("click", (event) => { if (event.target.closest("a")) fold(false); });`;

export function adminFramePage(params: AdminFrameParams): string {
  const appHome = adminFrameUrl("", params.shop.domain, params.apiKey);
  // Read by browser/admin-frame.js; "<" is escaped so the JSON cannot close its script tag.
  const config = JSON.stringify({
    appOrigin: new URL(params.appUrl).origin,
    appHome,
    shop: params.shop.domain,
  }).replace(/</g, "\\u003c");
  const name = escape(params.appName);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${name} · ${escape(params.shop.name)} · Shopify emulator</title><style>${STYLE}</style></head>
<body>
  <header class="topbar"><button type="button" class="menu" id="admin-menu" aria-expanded="false" aria-controls="admin-nav">Menu</button><strong>${escape(params.shop.name)}</strong><span class="domain">${escape(params.shop.domain)}</span><span class="badge">Shopify emulator</span></header>
  <div class="admin">
    <nav aria-label="Admin" id="admin-nav">
      <div class="section">Apps</div>
      <a href="${escape(appHome)}">${name}</a>
      <ul id="app-nav" aria-label="${name} navigation"></ul>
    </nav>
    <main>
      <div class="titlebar" id="app-title">${name}</div>
      <iframe id="app-frame" name="app-iframe" title="${name}" src="${escape(appFrameSrc(params))}"></iframe>
    </main>
  </div>
  <div id="toasts" role="status" aria-live="polite"></div>
  <script type="application/json" id="emulator-admin-config">${config}</script>
  <script src="/admin-frame.js"></script>
  <script>${MENU_SCRIPT}</script>
</body>
</html>`;
}
