// "Save to Shopify" (free): the draft's current version becomes an article of the store's blog, hidden
// (or, for an automation that publishes, scheduled), created on the first save and updated on the next
// ones. Shopify is called outside any database transaction; the draft records what was saved only once
// Shopify has it.
import type { Db } from "../db/connect.server";
import {
  articleAdminUrl,
  createArticle,
  ShopifyUserErrors,
  updateArticle,
  type AdminGraphql,
  type ArticleInput,
} from "../shopify/admin-api.server";
import { findDraft } from "./drafts.server";
import { ContentNotFound } from "./errors";

const BLOG_GID = /^gid:\/\/shopify\/Blog\/\d+$/;

export interface SaveDraftInput {
  shopId: string;
  shopDomain: string;
  draftId: string;
  blogId: string;
  /** The article's author name. */
  author: string;
  /** The app's public URL: Shopify downloads the cover from `${appUrl}/covers/<id>.png`. */
  appUrl: string;
  /** Publish the article at this time (an automation's "publish at"); null or absent keeps it hidden. */
  publishAt?: Date | null;
}

export interface SavedArticle {
  articleId: string;
  adminUrl: string;
  /** A new article: the first save, or the earlier article was deleted in Shopify. */
  created: boolean;
}

// Shopify answers an unknown (or another store's) blog id with NOT_FOUND on the input's blogId.
function isUnknownBlog(error: unknown): boolean {
  return (
    error instanceof ShopifyUserErrors &&
    error.errors.some((e) => e.code === "NOT_FOUND" && e.field?.at(-1) === "blogId")
  );
}

export async function saveDraftToShopify(
  db: Db,
  graphql: AdminGraphql,
  input: SaveDraftInput,
  now = new Date(),
): Promise<SavedArticle> {
  const draft = await findDraft(db, input.shopId, input.draftId);
  if (!BLOG_GID.test(input.blogId)) throw new ContentNotFound("blog");
  const { content } = draft.current;
  const article: ArticleInput = {
    blogId: input.blogId,
    title: content.title,
    bodyHtml: content.bodyHtml,
    summary: content.excerpt,
    tags: content.tags,
    author: input.author,
    handle: content.handle,
    seoTitle: content.metaTitle,
    seoDescription: content.metaDescription,
    image: draft.cover
      ? {
          url: `${input.appUrl.replace(/\/$/, "")}/covers/${draft.cover.id}.png`,
          altText: draft.cover.altText,
        }
      : null,
    // A draft stays a draft in Shopify unless its automation publishes it: the merchant publishes it there.
    publishAt: input.publishAt ?? null,
  };
  let saved: { articleId: string } | null;
  let created = false;
  try {
    saved = draft.articleId ? await updateArticle(graphql, draft.articleId, article) : null;
    if (!saved) {
      saved = await createArticle(graphql, article);
      created = true;
    }
  } catch (error) {
    if (isUnknownBlog(error)) throw new ContentNotFound("blog");
    throw error;
  }
  await db.draft.updateMany({
    where: { id: draft.id, shopId: input.shopId },
    data: {
      articleId: saved.articleId,
      blogId: input.blogId,
      savedVersion: draft.current.number,
      savedAt: now,
    },
  });
  return {
    articleId: saved.articleId,
    adminUrl: articleAdminUrl(input.shopDomain, saved.articleId),
    created,
  };
}
