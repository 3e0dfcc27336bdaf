// The admin's side of the conversation with the stand-in App Bridge (app-bridge.js) in the app's iframe.
// Plain browser script, served by the emulator at /admin-frame.js.
(() => {
  const config = JSON.parse(document.getElementById("emulator-admin-config").textContent);
  const frame = document.getElementById("app-frame");
  const nav = document.getElementById("app-nav");
  const PREFIX = "shopify-emulator:";
  // The parameters the admin adds to the app URL; they never show in the admin's own address.
  const EMBED_PARAMS = ["embedded", "shop", "host", "id_token", "locale", "hmac", "session", "timestamp"];

  const toApp = (type, data) =>
    frame.contentWindow.postMessage({ type: PREFIX + type, ...data }, config.appOrigin);

  async function sessionToken() {
    const response = await fetch(`/_emulator/shops/${encodeURIComponent(config.shop)}/session-token`, {
      method: "POST",
    });
    if (!response.ok) throw new Error(`Session token request failed: ${response.status}`);
    return (await response.json()).token;
  }

  // What Shopify does with admin.shopify.com addresses the app sends the top window to: the emulator
  // serves the same paths itself.
  function adminUrl(url) {
    const parsed = new URL(url, location.href);
    return parsed.origin === "https://admin.shopify.com" ? `${parsed.pathname}${parsed.search}` : parsed.href;
  }

  function renderNav(items) {
    const current = location.pathname.slice(config.appHome.length) || "/";
    nav.replaceChildren(
      ...items.map((item) => {
        const link = document.createElement("a");
        link.textContent = item.label;
        link.href = config.appHome + (item.href.startsWith("/") ? item.href : `/${item.href}`);
        if (item.href === current) link.setAttribute("aria-current", "page");
        // Like Shopify admin: the app routes the click itself (App Bridge's shopify:navigate event).
        link.addEventListener("click", (event) => {
          event.preventDefault();
          toApp("navigate-app", { href: item.href });
        });
        const entry = document.createElement("li");
        entry.append(link);
        return entry;
      }),
    );
  }

  function showToast({ id, message, duration, isError }) {
    const toast = document.createElement("div");
    toast.className = isError ? "toast error" : "toast";
    toast.dataset.toastId = id;
    toast.textContent = message;
    document.getElementById("toasts").append(toast);
    setTimeout(() => toast.remove(), duration);
  }

  const handlers = {
    "id-token": async ({ id }) => {
      try {
        toApp("id-token", { id, token: await sessionToken() });
      } catch (error) {
        toApp("id-token", { id, error: String(error) });
      }
    },
    nav: ({ items }) => renderNav(items),
    title: ({ title }) => {
      document.getElementById("app-title").textContent = title;
    },
    toast: showToast,
    // App Bridge's contextual save bar, drawn by the admin above the app as Shopify's admin does; its
    // buttons go back to the app, which clicks its own (app-bridge.js).
    "save-bar": ({ id, showing, save, discard }) => {
      let bar = document.querySelector(`.emulator-save-bar[data-save-bar-id="${CSS.escape(id)}"]`);
      if (!showing) return bar?.remove();
      if (!bar) {
        bar = document.createElement("div");
        bar.className = "emulator-save-bar";
        bar.dataset.saveBarId = id;
        bar.setAttribute("role", "region");
        bar.setAttribute("aria-label", "Unsaved changes");
        const text = document.createElement("span");
        text.textContent = "Unsaved changes";
        const buttons = ["discard", "save"].map((button) => {
          const element = document.createElement("button");
          element.type = "button";
          element.dataset.action = button;
          element.addEventListener("click", () => toApp("save-bar-action", { id, button }));
          return element;
        });
        bar.append(text, ...buttons);
        document.body.prepend(bar);
      }
      const discardButton = bar.querySelector("[data-action=discard]");
      const saveButton = bar.querySelector("[data-action=save]");
      discardButton.textContent = discard.label;
      discardButton.disabled = discard.disabled;
      saveButton.textContent = save.loading ? `${save.label}…` : save.label;
      saveButton.disabled = save.disabled || save.loading;
    },
    "toast-hide": ({ id }) => document.querySelector(`[data-toast-id="${CSS.escape(id)}"]`)?.remove(),
    navigate: ({ url }) => location.assign(adminUrl(url)),
    // Keep the admin address in step with the app's page, so a reload shows the same page.
    location: ({ path }) => {
      const url = new URL(path, config.appOrigin);
      for (const param of EMBED_PARAMS) url.searchParams.delete(param);
      history.replaceState(null, "", `${config.appHome}${url.pathname}${url.search}`);
      for (const link of nav.querySelectorAll("a")) {
        const active = link.pathname === `${config.appHome}${url.pathname}`;
        if (active) link.setAttribute("aria-current", "page");
        else link.removeAttribute("aria-current");
      }
    },
  };

  window.addEventListener("message", (event) => {
    if (event.origin !== config.appOrigin || event.source !== frame.contentWindow) return;
    const { type } = event.data ?? {};
    if (typeof type !== "string" || !type.startsWith(PREFIX)) return;
    const name = type.slice(PREFIX.length);
    if (Object.hasOwn(handlers, name)) handlers[name](event.data);
  });
})();
