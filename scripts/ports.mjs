// `npm run dev` checks its two ports before starting anything, so a second run says which port is taken
// and how to pick another instead of dying with EADDRINUSE halfway through start-up.
import { createServer } from "node:net";

// Resolves with the error code when `port` cannot be listened on at `host` (as the server would), else null.
export function portProblem(port, host = "localhost") {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error) => resolve(error.code ?? String(error)));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

// One line per taken port: [{ port, name, variable }] → messages (empty when all are free).
export async function portsInUse(ports, host = "localhost") {
  const messages = [];
  for (const { port, name, variable } of ports) {
    const problem = await portProblem(port, host);
    if (!problem) continue;
    const why =
      problem === "EADDRINUSE" ? "is already in use (another npm run dev?)" : `cannot be used (${problem})`;
    messages.push(
      `Port ${port} (${name}) ${why}: stop what holds it, or pick another with ${variable}=<port> npm run dev`,
    );
  }
  return messages;
}
