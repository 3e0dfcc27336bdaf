// A stand-in for Shopify's App Bridge (cdn.shopify.com/shopifycloud/app-bridge.js), served by the emulator
// at /app-bridge.js. It implements what this app uses and talks to the emulator's admin frame
// (admin-frame.js) by postMessage, as App Bridge talks to Shopify admin:
//   shopify.idToken(), shopify.toast, shopify.config; the fetch wrapper (Authorization: Bearer <session
//   token> on same-origin requests; follows X-Shopify-API-Request-Failure-Reauthorize-Url, retries once
//   on X-Shopify-Retry-Invalid-Session-Request); <ui-nav-menu> and <ui-title-bar> reported to the admin;
//   open(url, "_top" | "_parent") done by the admin (a cross-origin frame may not navigate its top window
//   without a user gesture); the bounce page (?shopify-reload=…) reloaded with a fresh id_token; the
//   contextual save bar (<ui-save-bar> with its Save/Discard <button>s, shopify.saveBar, <form data-save-bar>)
//   reported to the admin, which draws it above the frame and sends Save/Discard clicks back.
(() => {
  const script = document.currentScript;
  const adminOrigin = new URL(script.src).origin;
  const admin = window.parent !== window ? window.parent : null;
  const params = new URLSearchParams(location.search);
  const PREFIX = "shopify-emulator:";
  const REAUTHORIZE_HEADER = "X-Shopify-API-Request-Failure-Reauthorize-Url";
  const RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request";
  // Tokens live 60 s; reuse one for a while, as App Bridge does, instead of asking for each request.
  const TOKEN_REUSE_MS = 30_000;

  const toAdmin = (type, data = {}) => admin?.postMessage({ type: PREFIX + type, ...data }, adminOrigin);

  const waiting = new Map();
  let nextId = 0;
  let cached;

  function requestToken() {
    if (!admin)
      return Promise.reject(new Error("App Bridge stand-in: not inside the emulator's admin frame"));
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      toAdmin("id-token", { id });
    });
  }

  function idToken() {
    if (!cached || Date.now() - cached.at > TOKEN_REUSE_MS) {
      const at = Date.now();
      const token = requestToken();
      cached = { at, token };
      token.catch(() => (cached = undefined));
    }
    return cached.token;
  }

  function navigateTop(url) {
    const absolute = new URL(url, location.href).href;
    if (admin) toAdmin("navigate", { url: absolute });
    else location.assign(absolute);
  }

  // A link that leaves the frame for the top window (the admin's own pages): the admin navigates, as
  // window.open(url, "_top") does, so admin.shopify.com addresses land on the emulator's copy of them.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || !["_top", "_parent"].includes(link.target) || event.defaultPrevented) return;
    event.preventDefault();
    navigateTop(link.href);
  });

  const originalOpen = window.open.bind(window);
  window.open = (url, target, features) => {
    if (target === "_top" || target === "_parent") {
      navigateTop(String(url));
      return null;
    }
    return originalOpen(url, target, features);
  };

  const originalFetch = window.fetch.bind(window);
  async function authorizedFetch(request, token) {
    const headers = new Headers(request.headers);
    if (!headers.has("Authorization")) headers.set("Authorization", `Bearer ${token}`);
    return originalFetch(new Request(request, { headers }));
  }
  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== location.origin) return originalFetch(request);
    const retry = request.clone();
    let response = await authorizedFetch(request, await idToken());
    if (response.headers.get(RETRY_HEADER) === "1") {
      cached = undefined;
      response = await authorizedFetch(retry, await idToken());
    }
    const reauthorizeUrl = response.headers.get(REAUTHORIZE_HEADER);
    if (reauthorizeUrl) navigateTop(reauthorizeUrl);
    return response;
  };

  window.addEventListener("message", (event) => {
    if (event.origin !== adminOrigin || event.source !== admin) return;
    const message = event.data ?? {};
    if (message.type === `${PREFIX}id-token`) {
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.token) pending?.resolve(message.token);
      else pending?.reject(new Error(message.error ?? "No session token"));
    } else if (message.type === `${PREFIX}save-bar-action`) {
      // The merchant clicked the admin's Save or Discard: the app's own button gets the click.
      const bar = document.getElementById(message.id);
      if (bar instanceof UISaveBar && bar.showing)
        (message.button === "save" ? saveButton(bar) : discardButton(bar))?.click();
    } else if (message.type === `${PREFIX}navigate-app`) {
      // App Bridge fires shopify:navigate on the nav link; shopify-app-remix's AppProvider routes it.
      const link = [...document.querySelectorAll("ui-nav-menu a")].find(
        (a) => a.getAttribute("href") === message.href,
      );
      if (link) link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true, composed: true }));
      else location.assign(message.href);
    }
  });

  // The contextual save bar. App Bridge draws it above the admin, outside the app's frame, and clicks the
  // element's own buttons (variant="primary" is Save, the other Discard). Inside the emulator's admin the
  // bar is reported to admin-frame.js, which draws it and sends the click back; outside any admin the
  // element itself is shown as a bar at the top of the page.
  const saveBars = new Set();
  const saveButton = (bar) => bar.querySelector("button[variant=primary]");
  const discardButton = (bar) => bar.querySelector("button:not([variant=primary])");
  function reportSaveBar(bar) {
    if (!admin) return;
    const save = saveButton(bar);
    const discard = discardButton(bar);
    toAdmin("save-bar", {
      id: bar.id,
      showing: bar.showing,
      save: {
        label: save?.textContent.trim() || "Save",
        disabled: !!save?.disabled,
        loading: !!save?.hasAttribute("loading"),
      },
      discard: { label: discard?.textContent.trim() || "Discard", disabled: !!discard?.disabled },
    });
  }
  class UISaveBar extends HTMLElement {
    get showing() {
      return this.hasAttribute("data-showing");
    }
    async show() {
      if (this.showing) return;
      this.setAttribute("data-showing", "");
      saveBars.add(this);
      if (!admin) {
        this.setAttribute("data-standalone", "");
        this.setAttribute("role", "region");
        this.setAttribute("aria-label", "Unsaved changes");
      }
      reportSaveBar(this);
      this.dispatchEvent(new Event("show"));
    }
    async hide() {
      if (!this.showing) return;
      this.removeAttribute("data-showing");
      saveBars.delete(this);
      reportSaveBar(this);
      this.dispatchEvent(new Event("hide"));
    }
    async toggle() {
      return this.showing ? this.hide() : this.show();
    }
    connectedCallback() {
      // Button labels, disabled and loading change while the bar shows (a save in flight).
      this.observer ??= new MutationObserver(() => this.showing && reportSaveBar(this));
      this.observer.observe(this, { subtree: true, childList: true, characterData: true, attributes: true });
    }
    disconnectedCallback() {
      this.observer?.disconnect();
      if (this.showing) {
        this.removeAttribute("data-showing");
        reportSaveBar(this);
      }
      saveBars.delete(this);
    }
  }
  if (!customElements.get("ui-save-bar")) customElements.define("ui-save-bar", UISaveBar);
  const saveBarById = (id) => {
    const bar = document.getElementById(id);
    if (!(bar instanceof UISaveBar)) throw new Error(`App Bridge stand-in: no <ui-save-bar id="${id}">`);
    return bar;
  };

  // <form data-save-bar>: a change shows a save bar whose Save submits the form and Discard resets it.
  // The bar is a <ui-save-bar> of the stand-in's own, so it is shown like the app's.
  const formBars = new Map();
  let formBarIds = 0;
  function formBar(form) {
    let bar = formBars.get(form);
    if (bar) return bar;
    bar = document.createElement("ui-save-bar");
    bar.id = `shopify-emulator-form-save-bar-${++formBarIds}`;
    const save = document.createElement("button");
    save.setAttribute("variant", "primary");
    save.textContent = "Save";
    save.addEventListener("click", () => form.requestSubmit());
    const discard = document.createElement("button");
    discard.textContent = "Discard";
    discard.addEventListener("click", () => form.reset());
    bar.append(save, discard);
    document.body.append(bar);
    formBars.set(form, bar);
    return bar;
  }
  const formOf = (event) => event.target?.closest?.("form[data-save-bar]");
  const changedForm = (event) => {
    const form = formOf(event);
    if (form) void formBar(form).show();
  };
  const settledForm = (event) => {
    const form = event.target?.matches?.("form[data-save-bar]") ? event.target : null;
    if (form) void formBars.get(form)?.hide();
  };
  document.addEventListener("input", changedForm, true);
  document.addEventListener("change", changedForm, true);
  document.addEventListener("submit", settledForm, true);
  document.addEventListener("reset", settledForm, true);

  let toasts = 0;
  window.shopify = {
    config: {
      apiKey: script.dataset.apiKey,
      shop: params.get("shop"),
      host: params.get("host"),
      locale: params.get("locale") ?? "en",
    },
    environment: { embedded: admin !== null, mobile: false, pos: false },
    origin: adminOrigin,
    idToken,
    toast: {
      show(message, options = {}) {
        const id = `toast-${++toasts}`;
        toAdmin("toast", { id, message, duration: options.duration ?? 5000, isError: !!options.isError });
        return id;
      },
      hide(id) {
        toAdmin("toast-hide", { id });
      },
    },
    saveBar: {
      show: async (id) => saveBarById(id).show(),
      hide: async (id) => saveBarById(id).hide(),
      toggle: async (id) => saveBarById(id).toggle(),
      // Shopify asks the merchant before leaving with unsaved changes; the stand-in asks with confirm().
      leaveConfirmation: async () => {
        if (saveBars.size > 0 && !window.confirm("Leave this page? Your unsaved changes will be lost."))
          throw new Error("The merchant stayed on the page");
      },
    },
  };

  // The admin draws these; inside the app they stay invisible, as with App Bridge. An adopted style sheet,
  // not a <style> element: React 18 fails to hydrate a document whose <head> gained nodes.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(
    "ui-nav-menu,ui-title-bar{display:none}" +
      "ui-save-bar{display:none}" +
      "ui-save-bar[data-showing][data-standalone]{display:flex;position:fixed;inset:0 0 auto 0;" +
      "z-index:2147483647;gap:8px;align-items:center;justify-content:flex-end;padding:8px 12px;" +
      "background:#1a1a1a;color:#fff;font:14px system-ui,sans-serif}" +
      "ui-save-bar[data-showing][data-standalone]::before{content:'Unsaved changes';margin-right:auto}",
  );
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

  // Report nav links, title and location whenever the page changes (Remix renders and navigates).
  let reported = {};
  function report() {
    const state = {
      nav: JSON.stringify(
        [...document.querySelectorAll("ui-nav-menu a")].map((a) => ({
          label: a.textContent.trim(),
          href: a.getAttribute("href"),
        })),
      ),
      title: document.querySelector("ui-title-bar")?.getAttribute("title") ?? "",
      location: location.pathname + location.search,
    };
    if (state.nav !== reported.nav && document.querySelector("ui-nav-menu"))
      toAdmin("nav", { items: JSON.parse(state.nav) });
    if (state.title !== reported.title && state.title) toAdmin("title", { title: state.title });
    if (state.location !== reported.location) toAdmin("location", { path: state.location });
    reported = state;
  }
  let scheduled = false;
  new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      report();
    });
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributeFilter: ["title", "href"],
  });
  window.addEventListener("popstate", report);
  document.addEventListener("DOMContentLoaded", report);

  // The bounce page (/auth/session-token?shopify-reload=<url>): reload the app page with a fresh token.
  const reload = params.get("shopify-reload");
  if (reload) {
    const target = new URL(reload, location.href);
    if (target.origin === location.origin) {
      idToken().then((token) => {
        target.searchParams.set("id_token", token);
        location.replace(target.href);
      });
    }
  }
})();
