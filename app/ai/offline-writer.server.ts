// The offline writer: the provider when no AI key is set (development, tests, a store trying the app).
// Deterministic and without network: the same brief gives the same draft, ideas, rewrite and PNG.
import { drawOfflineCover } from "./cover.server";
import { composeDraft, composeIdeas } from "./offline-draft";
import { rewriteOffline } from "./offline-rewrite";
import type { AiProvider, CallOptions } from "./provider";

/** A call that was aborted before it started does no work, as a remote call would not. */
function checkSignal(options?: CallOptions) {
  options?.signal?.throwIfAborted();
}

export function offlineWriter(): AiProvider {
  return {
    kind: "offline",
    label: "Offline writer",
    async researchTopics(brief, options) {
      checkSignal(options);
      return composeIdeas(brief);
    },
    async writeDraft(brief, options) {
      checkSignal(options);
      return composeDraft(brief);
    },
    async rewrite(request, options) {
      checkSignal(options);
      return rewriteOffline(request);
    },
    async drawCover({ brief, title }, options) {
      checkSignal(options);
      return drawOfflineCover({ title, label: brief.keywords[0] ?? brief.topic, seed: brief.topic });
    },
  };
}
