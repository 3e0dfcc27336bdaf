// The content studio's domain, in one import for routes and jobs.
export * from "./brief";
export * from "./briefs.server";
export * from "./compare";
export * from "./draft-content";
export * from "./drafts.server";
export * from "./errors";
export * from "./seo";
