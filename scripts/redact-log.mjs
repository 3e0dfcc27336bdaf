// `npm run dev` and `npm start` print the app's output (Vite, Remix, shopify-app-remix, the app's own logs) through
// redact(): a URL's id_token, session, hmac, code, state and token parameters, Authorization and access
// token headers, JSON token fields and bare JWTs or Shopify access tokens become "[redacted]". React
// Router's "No routes matched location" warning, for one, prints the embedded URL with its id_token.

const PARAMS = "id_token|session|hmac|code|state|token|access_token|refresh_token|subject_token|signature";
const REDACTED = "[redacted]";

const RULES = [
  // ?id_token=… &hmac=… also URL-encoded inside another URL (%3F / %26 … %3D).
  [new RegExp(`((?:[?&;]|%3F|%26)(?:${PARAMS})(?:=|%3D))(?:(?!%26)[^&\\s"'#<>])*`, "gi"), `$1${REDACTED}`],
  // Authorization: Bearer …, "authorization": "…", X-Shopify-Access-Token: …
  [
    /((?:authorization|x-shopify-access-token|cookie)["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"',;}]+/gi,
    `$1${REDACTED}`,
  ],
  // "id_token": "…", accessToken: '…' in logged objects (not `code:`, which is also an error's code).
  [
    /(["']?(?:id_?token|access_?token|refresh_?token|session_?token|hmac)["']?\s*:\s*["'])[^"']+/gi,
    `$1${REDACTED}`,
  ],
  // Anything that still looks like a JWT or a Shopify access token.
  [/\beyJ[\w-]{5,}\.[\w-]+\.[\w-]+/g, REDACTED],
  [/\bshp(?:at|ua|ca|ss|rt)_[\w-]+/g, REDACTED],
];

export function redact(text) {
  let out = String(text);
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

// Copies `input` to `output` line by line through redact(); a partial line (a prompt) waits for its end
// for up to 100 ms.
export function pipeRedacted(input, output) {
  let pending = "";
  let timer;
  const flush = () => {
    clearTimeout(timer);
    if (pending) output.write(redact(pending));
    pending = "";
  };
  input.setEncoding("utf8");
  input.on("data", (chunk) => {
    pending += chunk;
    const end = pending.lastIndexOf("\n");
    if (end !== -1) {
      output.write(redact(pending.slice(0, end + 1)));
      pending = pending.slice(end + 1);
    }
    clearTimeout(timer);
    if (pending) timer = setTimeout(flush, 100);
  });
  input.on("end", flush);
}
