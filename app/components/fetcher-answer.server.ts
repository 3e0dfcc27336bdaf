// A page's fetcher forms (job buttons, edits) show a 4xx on the page: returned, not thrown, so it reaches
// fetcher.data instead of replacing the page with the error boundary. A redirect or a 5xx still throws.
import { withHttpErrors } from "../http/errors.server";

export async function fetcherAnswer<T>(work: () => Promise<T>): Promise<T | Response> {
  try {
    return await withHttpErrors(work);
  } catch (error) {
    if (error instanceof Response && error.status >= 400 && error.status < 500) return error;
    throw error;
  }
}
