// The app's AI provider, chosen once per process from the environment: the OpenAI-compatible one when
// AI_API_KEY is set, the offline writer otherwise.
import { env, type Env } from "../env.server";
import { offlineWriter } from "./offline-writer.server";
import { openAiCompatible } from "./openai-compatible.server";
import type { AiProvider } from "./provider";

export { offlineWriter } from "./offline-writer.server";
export { openAiCompatible } from "./openai-compatible.server";
export { AiError } from "./provider";
export type { AiErrorCode, AiProvider } from "./provider";

type AiSettings = Pick<
  Env,
  "AI_BASE_URL" | "AI_API_KEY" | "AI_TEXT_MODEL" | "AI_IMAGE_MODEL" | "AI_TIMEOUT_MS" | "AI_MAX_RETRIES"
>;

/** The provider these settings name. */
export function providerFor(settings: AiSettings): AiProvider {
  if (settings.AI_API_KEY === undefined) return offlineWriter();
  return openAiCompatible({
    baseURL: settings.AI_BASE_URL,
    apiKey: settings.AI_API_KEY,
    textModel: settings.AI_TEXT_MODEL,
    imageModel: settings.AI_IMAGE_MODEL ?? null,
    timeoutMs: settings.AI_TIMEOUT_MS,
    maxRetries: settings.AI_MAX_RETRIES,
  });
}

let cached: AiProvider | undefined;

/** One instance per process: the SDK client keeps its connections. */
export function aiProvider(): AiProvider {
  cached ??= providerFor(env);
  return cached;
}
