// Expected failures of the content studio, mapped to 4xx answers by app/http/errors.server.ts.

export type ContentKind = "brief" | "draft" | "version" | "cover" | "job" | "blog" | "automation" | "topic";

/** An id that names nothing of this shop: another shop's ids are not found either. */
export class ContentNotFound extends Error {
  constructor(readonly kind: ContentKind) {
    super(`No such ${kind}`);
    this.name = "ContentNotFound";
  }
}

/** Input that cannot be used: `fieldErrors` names each field with a sentence the merchant can act on. */
export class InvalidContent extends Error {
  constructor(readonly fieldErrors: Record<string, string>) {
    super(Object.values(fieldErrors)[0] ?? "Invalid input");
    this.name = "InvalidContent";
  }
}
