// The submit key of a paid or job form (the contract's `submitKey`): one per submit, so a double click or a
// retried request reaches the same job and the same reservation, and a new one after the submit completed.
import { useEffect, useRef, useState } from "react";

function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context; an http:// dev host gets the same 128 random bits as hex.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

/**
 * The key to render into the form's hidden `submitKey` input, given its fetcher's state. Empty until the
 * page has hydrated (a server-made key would differ from the browser's): forms stay disabled until then.
 */
export function useSubmitKey(state: "idle" | "submitting" | "loading"): string {
  const [key, setKey] = useState("");
  const wasBusy = useRef(false);
  useEffect(() => setKey(newKey()), []);
  useEffect(() => {
    if (state !== "idle") wasBusy.current = true;
    else if (wasBusy.current) {
      wasBusy.current = false;
      setKey(newKey());
    }
  }, [state]);
  return key;
}
