import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  Collapsible,
  FormLayout,
  InlineStack,
  Layout,
  Link,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useCallback, useEffect, useMemo, useState } from "react";
import { z } from "zod";
import type { BriefFields } from "../ai/provider";
import { blogChoices } from "../components/blog-choices.server";
import { DraftStatusBadge } from "../components/DraftStatusBadge";
import { fetcherAnswer } from "../components/fetcher-answer.server";
import { BriefFieldsForm } from "../components/BriefFieldsForm";
import { FormSaveBar } from "../components/FormSaveBar";
import { JobForm } from "../components/JobForm";
import { inProgress, JobProgress, useJob } from "../components/JobProgress";
import { ScopeApprovalBanner } from "../components/ScopeApprovalBanner";
import { VersionCompare } from "../components/VersionCompare";
import { parseBrief } from "../content/brief";
import { COMPARED_FIELDS, compareVersions, hasChanges } from "../content/compare";
import {
  draftStatus,
  editDraft,
  findDraft,
  readVersion,
  restoreVersion,
  type ParsedVersion,
} from "../content/drafts.server";
import { saveDraftToShopify } from "../content/save-to-shopify.server";
import { seoChecklist } from "../content/seo";
import { pendingJobs, submitJob } from "../credits/index.server";
import { REWRITE_LIMITS, type JobRequest } from "../credits/job-request";
import db from "../db.server";
import { env } from "../env.server";
import { requireActor } from "../http/actor.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { requireFormData, requireShop } from "../http/require.server";
import { getBalance } from "../ledger/balance.server";
import { articleAdminUrl } from "../shopify/admin-api.server";
import { recordInstall } from "../shops/life-cycle.server";
import { authenticate } from "../shopify.server";

const COMPARE = /^([1-9]\d{0,8}),([1-9]\d{0,8})$/;

/** Two versions field by field, labelled, for the side-by-side view. */
function comparisonView(a: ParsedVersion, b: ParsedVersion) {
  const parts = compareVersions(a.content, b.content);
  return {
    a: a.number,
    b: b.number,
    fields: COMPARED_FIELDS.map(({ field, label }) => ({
      field,
      label,
      parts: parts[field],
      changed: hasChanges(parts[field]),
    })),
  };
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const shop = await recordInstall(db, session.shop);
    const draft = await findDraft(db, shop.id, params.id ?? "");
    const compareParam = new URL(request.url).searchParams.get("compare");
    const pair = compareParam === null ? null : COMPARE.exec(compareParam);
    if (compareParam !== null && !pair)
      throw httpError(400, "Compare two versions by number, as ?compare=1,2");
    const [balance, choices, pending, compared] = await Promise.all([
      getBalance(db, shop.id),
      blogChoices(admin.graphql, session.shop),
      pendingJobs(db, shop.id, { draftId: draft.id }),
      pair
        ? Promise.all([
            readVersion(db, shop.id, draft.id, Number(pair[1])),
            readVersion(db, shop.id, draft.id, Number(pair[2])),
          ])
        : null,
    ]);
    const { content, briefFields } = draft.current;
    return {
      draft: {
        id: draft.id,
        title: draft.title,
        status: draftStatus(draft),
        currentVersion: draft.currentVersion,
        articleUrl: draft.articleId ? articleAdminUrl(session.shop, draft.articleId) : null,
        blogId: draft.blogId,
      },
      content,
      brief: briefFields,
      cover: draft.cover
        ? {
            url: `/covers/${draft.cover.id}.png`,
            altText: draft.cover.altText,
            width: draft.cover.width,
            height: draft.cover.height,
          }
        : null,
      versions: draft.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
      seo: seoChecklist(content, {
        keywords: briefFields.keywords,
        productUrls: briefFields.products.map((product) => product.url),
        cover: draft.cover ? { altText: draft.cover.altText } : null,
      }),
      comparison: compared ? comparisonView(compared[0], compared[1]) : null,
      available: balance.available,
      blogs: choices.blogs,
      blogsApprovalUrl: choices.approvalUrl,
      pending: pending[0] ?? null,
    };
  });
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const INTENTS = {
  regenerate: "regenerate",
  rewrite: "rewrite",
  cover: "cover",
  edit: "edit",
  restore: "restore",
  saveToShopify: "save-to-shopify",
} as const;

/** The rewrite choices, as the model is asked. */
const INSTRUCTIONS = {
  shorter: "Make it shorter",
  friendlier: "Make it friendlier",
  seo: "Make it more SEO-focused",
} as const;

const submitKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "The form is out of date; reload the page");
const versionNumber = z.coerce.number().int().min(1).max(1e9);
const text = z.string().max(200_000);

const intent = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal(INTENTS.regenerate),
    submitKey,
    useEditedBrief: z.enum(["true", "false"]).optional(),
  }),
  z.object({
    intent: z.literal(INTENTS.rewrite),
    submitKey,
    instruction: z.enum(["shorter", "friendlier", "seo", "custom"]),
    instructionText: z.string().max(REWRITE_LIMITS.instruction).optional(),
    selection: z.string().max(REWRITE_LIMITS.selection).optional(),
    baseVersion: versionNumber,
  }),
  z.object({ intent: z.literal(INTENTS.cover), submitKey }),
  z.object({
    intent: z.literal(INTENTS.edit),
    baseVersion: versionNumber,
    title: text,
    bodyHtml: text,
    metaTitle: text,
    metaDescription: text,
    excerpt: text,
    tags: text,
    handle: text,
  }),
  z.object({ intent: z.literal(INTENTS.restore), version: versionNumber }),
  z.object({ intent: z.literal(INTENTS.saveToShopify), blogId: z.string().min(1).max(200) }),
]);

type Answer = {
  jobId?: string;
  version?: number;
  articleId?: string;
  adminUrl?: string;
  created?: boolean;
  error?: string;
  fieldErrors?: Record<string, string>;
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const context = await authenticate.admin(request);
  const { session, admin } = context;
  return fetcherAnswer(async () => {
    const form = await requireFormData(request);
    const parsed = intent.safeParse(Object.fromEntries(form));
    if (!parsed.success) {
      const fieldErrors = Object.fromEntries(
        parsed.error.issues.map((issue) => [String(issue.path[0] ?? "intent"), issue.message]),
      );
      return httpError(400, "Unknown draft request", { fieldErrors });
    }
    const shop = await requireShop(db, session.shop);
    const actor = requireActor(context);
    const draftId = params.id ?? "";
    const input = parsed.data;
    const job = async (request: JobRequest, key: string): Promise<Answer> => {
      const { job } = await submitJob(db, { shopId: shop.id, idempotencyKey: key, actor, request });
      return { jobId: job.id };
    };

    switch (input.intent) {
      case INTENTS.regenerate: {
        if (input.useEditedBrief !== "true")
          return job({ kind: "draft.regenerate", draftId, brief: null }, input.submitKey);
        const draft = await findDraft(db, shop.id, draftId);
        const edited = parseBrief(form);
        if (!edited.ok)
          return httpError(400, Object.values(edited.fieldErrors)[0] ?? "Check the brief", {
            fieldErrors: edited.fieldErrors,
          });
        // The edited brief keeps (some of) the draft's own products: no Shopify round trip.
        const { productIds, ...fields } = edited.brief;
        const own = new Map(draft.current.briefFields.products.map((product) => [product.id, product]));
        const products = productIds.flatMap((id) => own.get(id) ?? []);
        if (products.length !== productIds.length)
          return httpError(400, "Pick the draft's own products", {
            fieldErrors: { productIds: "Pick the draft's own products" },
          });
        const brief: BriefFields = { ...fields, products };
        return job({ kind: "draft.regenerate", draftId, brief }, input.submitKey);
      }
      case INTENTS.rewrite: {
        const instruction =
          input.instruction === "custom"
            ? (input.instructionText ?? "").trim()
            : INSTRUCTIONS[input.instruction];
        if (!instruction)
          return httpError(400, "Say how the text should change", {
            fieldErrors: { instructionText: "Say how the text should change" },
          });
        const selection = input.selection?.trim() ? input.selection : null;
        return job(
          { kind: "draft.rewrite", draftId, baseVersion: input.baseVersion, instruction, selection },
          input.submitKey,
        );
      }
      case INTENTS.cover:
        return job({ kind: "cover.generate", draftId }, input.submitKey);
      case INTENTS.edit: {
        const { baseVersion, tags, title, bodyHtml, metaTitle, metaDescription, excerpt, handle } = input;
        const version = await editDraft(db, {
          shopId: shop.id,
          draftId,
          actor,
          baseVersion,
          content: {
            title,
            bodyHtml,
            metaTitle,
            metaDescription,
            excerpt,
            handle,
            tags: tags
              .split(",")
              .map((tag) => tag.trim())
              .filter(Boolean),
          },
        });
        return { version: version.number } satisfies Answer;
      }
      case INTENTS.restore: {
        const version = await restoreVersion(db, { shopId: shop.id, draftId, number: input.version, actor });
        return { version: version.number } satisfies Answer;
      }
      case INTENTS.saveToShopify: {
        const saved = await saveDraftToShopify(db, admin.graphql, {
          shopId: shop.id,
          shopDomain: session.shop,
          draftId,
          blogId: input.blogId,
          author: session.shop.replace(/\.myshopify\.com$/, ""),
          appUrl: env.SHOPIFY_APP_URL,
        });
        return saved satisfies Answer;
      }
    }
  });
};

const INSTRUCTION_OPTIONS = [
  { value: "shorter", label: "Shorter" },
  { value: "friendlier", label: "Friendlier" },
  { value: "seo", label: "More SEO-focused" },
  { value: "custom", label: "In my own words…" },
];
const SOURCE_LABELS: Record<string, string> = {
  generate: "Generated",
  regenerate: "Regenerated",
  rewrite: "AI rewrite",
  edit: "Edited",
  restore: "Restored",
};
const SEO_TONES = { pass: "success", warn: "attention", fail: "critical" } as const;
const SEO_LABELS = { pass: "Pass", warn: "Check", fail: "Fix" } as const;

const WORKING: Record<string, string> = {
  "draft.regenerate":
    "Writing a new version… this can take up to a minute; you can leave this page, the draft will be in Drafts.",
  "draft.rewrite": "Rewriting… this can take up to a minute; you can leave this page.",
  "cover.generate": "Drawing the cover… this can take up to a minute; you can leave this page.",
};

const when = (iso: string) =>
  new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });

interface EditState {
  title: string;
  bodyHtml: string;
  metaTitle: string;
  metaDescription: string;
  excerpt: string;
  tags: string;
  handle: string;
}

export default function DraftPage() {
  const data = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const revalidator = useRevalidator();

  // Hand edits, under the contextual save bar; saving one is free and makes a version.
  const saved = useMemo<EditState>(
    () => ({
      title: data.content.title,
      bodyHtml: data.content.bodyHtml,
      metaTitle: data.content.metaTitle,
      metaDescription: data.content.metaDescription,
      excerpt: data.content.excerpt,
      tags: data.content.tags.join(", "),
      handle: data.content.handle,
    }),
    [data.content],
  );
  const [edit, setEdit] = useState(saved);
  useEffect(() => setEdit(saved), [saved]);
  const set = (key: keyof EditState) => (value: string) =>
    setEdit((current) => ({ ...current, [key]: value }));
  const dirty = JSON.stringify(edit) !== JSON.stringify(saved);
  const editor = useFetcher<Answer>();
  const editErrors = editor.state === "idle" ? (editor.data?.fieldErrors ?? {}) : {};
  const saveEdit = useCallback(() => {
    editor.submit(
      { intent: INTENTS.edit, baseVersion: String(data.draft.currentVersion), ...edit },
      { method: "post" },
    );
  }, [editor, edit, data.draft.currentVersion]);
  useEffect(() => {
    if (editor.state === "idle" && editor.data?.version)
      shopify.toast.show(`Saved as version ${editor.data.version}`);
  }, [editor.state, editor.data, shopify]);

  // Paid work: one job at a time on a draft, followed until done, then the page reloads its data.
  const follower = useJob(data.pending, (job) => {
    revalidator.revalidate();
    shopify.toast.show(job.kind === "cover.generate" ? "The cover is ready" : "A new version is ready");
  });
  const follow = follower.follow;
  const regenerator = useFetcher<Answer>();
  const rewriter = useFetcher<Answer>();
  const coverer = useFetcher<Answer>();
  const [followingKind, setFollowingKind] = useState(data.pending?.kind ?? "draft.regenerate");
  // Each form's newest answer starts following its job (a replayed submit answers the same job).
  const regenerated = regenerator.data?.jobId;
  const rewritten = rewriter.data?.jobId;
  const covered = coverer.data?.jobId;
  useEffect(() => {
    if (!regenerated) return;
    setFollowingKind("draft.regenerate");
    follow(regenerated);
  }, [regenerated, follow]);
  useEffect(() => {
    if (!rewritten) return;
    setFollowingKind("draft.rewrite");
    follow(rewritten);
  }, [rewritten, follow]);
  useEffect(() => {
    if (!covered) return;
    setFollowingKind("cover.generate");
    follow(covered);
  }, [covered, follow]);
  const jobFetchers = [regenerator, rewriter, coverer];
  const busy = jobFetchers.some((f) => f.state !== "idle") || inProgress(follower.job);
  const jobError = jobFetchers.find((f) => f.state === "idle" && f.data?.error)?.data;
  // AI work reads the saved version: unsaved edits would be lost under it.
  const blocked = busy || dirty;

  const [briefOpen, setBriefOpen] = useState(false);
  const [brief, setBrief] = useState({
    topic: data.brief.topic,
    audience: data.brief.audience,
    tone: data.brief.tone,
    keywords: data.brief.keywords.join(", "),
    length: data.brief.length as string,
    language: data.brief.language,
  });

  const [instruction, setInstruction] = useState("shorter");
  const [instructionText, setInstructionText] = useState("");
  const [selection, setSelection] = useState("");
  const bodyId = "draft-body-html";
  const captureSelection = () => {
    const body = document.getElementById(bodyId) as HTMLTextAreaElement | null;
    if (body && body.selectionEnd > body.selectionStart)
      setSelection(body.value.slice(body.selectionStart, body.selectionEnd));
  };

  const restorer = useFetcher<Answer>();
  const saver = useFetcher<Answer>();
  const [blogId, setBlogId] = useState(data.draft.blogId ?? data.blogs[0]?.id ?? "");
  const savedArticle = saver.state === "idle" && saver.data?.adminUrl ? saver.data : null;
  const articleUrl = savedArticle?.adminUrl ?? data.draft.articleUrl;

  const current = data.draft.currentVersion;

  return (
    <Page
      title={data.draft.title}
      titleMetadata={<DraftStatusBadge status={data.draft.status} />}
      backAction={{ content: "Drafts", url: "/app/drafts" }}
      subtitle={`Version ${current}`}
    >
      <FormSaveBar
        id="draft-save-bar"
        open={dirty}
        saving={editor.state !== "idle"}
        onSave={saveEdit}
        onDiscard={() => setEdit(saved)}
      />
      <Layout>
        {data.comparison && (
          <Layout.Section>
            <VersionCompare
              a={data.comparison.a}
              b={data.comparison.b}
              comparison={data.comparison.fields}
              closeUrl={`/app/drafts/${data.draft.id}`}
            />
          </Layout.Section>
        )}
        {(jobError?.error || follower.job) && (
          <Layout.Section>
            <BlockStack gap="200">
              {jobError?.error && <Banner tone="critical">{jobError.error}</Banner>}
              <JobProgress
                job={follower.job}
                working={WORKING[followingKind] ?? WORKING["draft.regenerate"]!}
                onDismiss={follower.dismiss}
              />
            </BlockStack>
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Cover image
                </Text>
                {data.cover ? (
                  <img
                    src={data.cover.url}
                    alt={data.cover.altText}
                    width={data.cover.width}
                    height={data.cover.height}
                    style={{ maxWidth: "100%", height: "auto", borderRadius: 8 }}
                  />
                ) : (
                  <Text as="p" tone="subdued">
                    This draft has no cover yet.
                  </Text>
                )}
                <JobForm
                  fetcher={coverer}
                  intent={INTENTS.cover}
                  label={data.cover ? "New cover" : "Add cover"}
                  actions={["cover.generate"]}
                  available={data.available}
                  disabled={blocked}
                />
              </BlockStack>
            </Card>

            <Card>
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  saveEdit();
                }}
              >
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Article
                  </Text>
                  {editor.state === "idle" && editor.data?.error && (
                    <Banner tone="critical">{editor.data.error}</Banner>
                  )}
                  <TextField
                    label="Title"
                    value={edit.title}
                    onChange={set("title")}
                    autoComplete="off"
                    error={editErrors.title}
                  />
                  <TextField
                    id={bodyId}
                    label="Body (HTML)"
                    value={edit.bodyHtml}
                    onChange={set("bodyHtml")}
                    multiline={16}
                    maxHeight={600}
                    autoComplete="off"
                    monospaced
                    error={editErrors.bodyHtml}
                  />
                  <TextField
                    label="Meta title"
                    value={edit.metaTitle}
                    onChange={set("metaTitle")}
                    autoComplete="off"
                    showCharacterCount
                    error={editErrors.metaTitle}
                  />
                  <TextField
                    label="Meta description"
                    value={edit.metaDescription}
                    onChange={set("metaDescription")}
                    multiline={2}
                    autoComplete="off"
                    showCharacterCount
                    error={editErrors.metaDescription}
                  />
                  <TextField
                    label="Excerpt"
                    value={edit.excerpt}
                    onChange={set("excerpt")}
                    multiline={2}
                    autoComplete="off"
                    error={editErrors.excerpt}
                  />
                  <TextField
                    label="Tags"
                    value={edit.tags}
                    onChange={set("tags")}
                    autoComplete="off"
                    helpText="Separated by commas."
                    error={editErrors.tags}
                  />
                  <TextField
                    label="URL handle"
                    value={edit.handle}
                    onChange={set("handle")}
                    autoComplete="off"
                    helpText="Lower-case letters, digits and hyphens."
                    error={editErrors.handle}
                  />
                  <InlineStack gap="200">
                    <Button submit variant="primary" disabled={!dirty} loading={editor.state !== "idle"}>
                      Save changes · free
                    </Button>
                    <Button onClick={() => setEdit(saved)} disabled={!dirty}>
                      Discard
                    </Button>
                  </InlineStack>
                </FormLayout>
              </form>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  AI rewrite
                </Text>
                {dirty && (
                  <Text as="p" tone="subdued">
                    Save or discard your changes first: AI work starts from the saved version.
                  </Text>
                )}
                <JobForm
                  fetcher={rewriter}
                  intent={INTENTS.rewrite}
                  hidden={{ baseVersion: current }}
                  variant="primary"
                  label="AI rewrite"
                  actions={["draft.rewrite"]}
                  available={data.available}
                  disabled={blocked}
                >
                  <FormLayout>
                    <ChoiceList
                      title="How should it change?"
                      name="instruction"
                      choices={INSTRUCTION_OPTIONS}
                      selected={[instruction]}
                      onChange={([choice]) => setInstruction(choice ?? "shorter")}
                    />
                    {instruction === "custom" && (
                      <TextField
                        label="Your instruction"
                        name="instructionText"
                        value={instructionText}
                        onChange={setInstructionText}
                        maxLength={REWRITE_LIMITS.instruction}
                        autoComplete="off"
                        error={
                          rewriter.state === "idle" ? rewriter.data?.fieldErrors?.instructionText : undefined
                        }
                      />
                    )}
                    <TextField
                      label="Passage to rewrite (optional)"
                      name="selection"
                      value={selection}
                      onChange={setSelection}
                      multiline={3}
                      autoComplete="off"
                      helpText="Paste a passage of the body's HTML, or select it in the body and use the button. Empty rewrites the whole body."
                      error={rewriter.state === "idle" ? rewriter.data?.fieldErrors?.selection : undefined}
                    />
                    <InlineStack>
                      <Button onClick={captureSelection}>Use the text selected in the body</Button>
                    </InlineStack>
                  </FormLayout>
                </JobForm>
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Regenerate
                </Text>
                <Text as="p" tone="subdued">
                  A new version written from scratch. The current one stays in the versions list.
                </Text>
                <JobForm
                  fetcher={regenerator}
                  intent={INTENTS.regenerate}
                  hidden={{ useEditedBrief: briefOpen ? "true" : "false" }}
                  label="Regenerate"
                  actions={["draft.regenerate"]}
                  available={data.available}
                  disabled={blocked}
                >
                  <InlineStack>
                    <Button
                      onClick={() => setBriefOpen((open) => !open)}
                      ariaExpanded={briefOpen}
                      ariaControls="regenerate-brief"
                      disclosure={briefOpen ? "up" : "down"}
                    >
                      {briefOpen ? "Use the same brief" : "Edit the brief first"}
                    </Button>
                  </InlineStack>
                  <Collapsible id="regenerate-brief" open={briefOpen}>
                    {briefOpen && (
                      <BlockStack gap="300">
                        <BriefFieldsForm
                          values={brief}
                          onChange={(field, value) => setBrief((current) => ({ ...current, [field]: value }))}
                          errors={regenerator.state === "idle" ? regenerator.data?.fieldErrors : undefined}
                        />
                        {data.brief.products.map((product) => (
                          <input key={product.id} type="hidden" name="productIds" value={product.id} />
                        ))}
                        {regenerator.state === "idle" && regenerator.data?.fieldErrors?.productIds && (
                          <Text as="p" tone="critical">
                            {regenerator.data.fieldErrors.productIds}
                          </Text>
                        )}
                      </BlockStack>
                    )}
                  </Collapsible>
                </JobForm>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Save to Shopify
                </Text>
                {data.blogsApprovalUrl ? (
                  <ScopeApprovalBanner
                    title="The app may not read your blogs"
                    action="Allow access to blogs"
                    approvalUrl={data.blogsApprovalUrl}
                  >
                    <p>
                      To save drafts as articles, allow the app to read and write your online store&apos;s
                      content.
                    </p>
                  </ScopeApprovalBanner>
                ) : data.blogs.length === 0 ? (
                  <Text as="p" tone="subdued">
                    Your online store has no blog yet. Add one in Online Store › Blog posts, then come back.
                  </Text>
                ) : (
                  <saver.Form method="post">
                    <BlockStack gap="200">
                      <input type="hidden" name="intent" value={INTENTS.saveToShopify} />
                      <Select
                        label="Blog"
                        name="blogId"
                        options={data.blogs.map((blog) => ({ value: blog.id, label: blog.title }))}
                        value={blogId}
                        onChange={setBlogId}
                      />
                      <InlineStack>
                        <Button submit variant="primary" disabled={dirty} loading={saver.state !== "idle"}>
                          {data.draft.articleUrl ? "Update the article in Shopify" : "Save to Shopify"}
                        </Button>
                      </InlineStack>
                    </BlockStack>
                  </saver.Form>
                )}
                {saver.state === "idle" && saver.data?.error && (
                  <Banner tone="critical">{saver.data.error}</Banner>
                )}
                {articleUrl && (
                  <BlockStack gap="100">
                    <Text as="p">Saved as unpublished draft.</Text>
                    <Link url={articleUrl} target="_top">
                      Open the article in Shopify
                    </Link>
                  </BlockStack>
                )}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    SEO checklist
                  </Text>
                  <Text as="span" tone="subdued">{`${data.seo.score} / 100`}</Text>
                </InlineStack>
                <Text
                  as="p"
                  tone="subdued"
                >{`${data.seo.words} words · ${data.seo.readingMinutes} min read`}</Text>
                <BlockStack gap="200">
                  {data.seo.checks.map((check) => (
                    <BlockStack gap="050" key={check.id}>
                      <InlineStack gap="200" blockAlign="center" wrap={false}>
                        <Badge tone={SEO_TONES[check.status]}>{SEO_LABELS[check.status]}</Badge>
                        <Text as="span" fontWeight="semibold">
                          {check.label}
                        </Text>
                      </InlineStack>
                      {check.detail && (
                        <Text as="p" tone="subdued">
                          {check.detail}
                        </Text>
                      )}
                    </BlockStack>
                  ))}
                </BlockStack>
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Versions
                </Text>
                {restorer.state === "idle" && restorer.data?.error && (
                  <Banner tone="critical">{restorer.data.error}</Banner>
                )}
                {data.versions.map((version) => (
                  <Box
                    key={version.number}
                    paddingBlockEnd="200"
                    borderBlockEndWidth="025"
                    borderColor="border"
                  >
                    <BlockStack gap="100">
                      <InlineStack gap="200" blockAlign="center">
                        <Text as="span" fontWeight="semibold">{`Version ${version.number}`}</Text>
                        {version.number === current && <Badge tone="info">Current</Badge>}
                      </InlineStack>
                      <Text as="p" tone="subdued">
                        {`${SOURCE_LABELS[version.source] ?? version.source} · ${when(version.createdAt)}`}
                      </Text>
                      {version.number !== current && (
                        <InlineStack gap="200">
                          <Button
                            url={`/app/drafts/${data.draft.id}?compare=${version.number},${current}`}
                            accessibilityLabel={`Compare version ${version.number} with the current version`}
                          >
                            Compare
                          </Button>
                          <restorer.Form method="post">
                            <input type="hidden" name="intent" value={INTENTS.restore} />
                            <input type="hidden" name="version" value={version.number} />
                            <Button
                              submit
                              disabled={busy || dirty || restorer.state !== "idle"}
                              accessibilityLabel={`Restore version ${version.number}`}
                            >
                              Restore · free
                            </Button>
                          </restorer.Form>
                        </InlineStack>
                      )}
                    </BlockStack>
                  </Box>
                ))}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
