import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { Form, useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  InlineGrid,
  InlineStack,
  Layout,
  List,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useCallback, useEffect, useMemo, useState } from "react";
import { z } from "zod";
import type { StoreProduct, TopicIdea } from "../ai/provider";
import { fetcherAnswer } from "../components/fetcher-answer.server";
import { BriefFieldsForm } from "../components/BriefFieldsForm";
import { FormSaveBar } from "../components/FormSaveBar";
import { ScopeApprovalBanner } from "../components/ScopeApprovalBanner";
import { inProgress, JobProgress, useJob, WRITING_DRAFT } from "../components/JobProgress";
import { JobForm } from "../components/JobForm";
import { BRIEF_LIMITS, briefFromRow, DEFAULT_BRIEF, parseBrief } from "../content/brief";
import { findBrief, saveBrief } from "../content/briefs.server";
import { latestResearch, pendingJobs, submitJob, type JobView } from "../credits/index.server";
import db from "../db.server";
import { env } from "../env.server";
import { requireActor } from "../http/actor.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { requireFormData, requireShop } from "../http/require.server";
import { getBalance } from "../ledger/balance.server";
import {
  readProducts,
  readProductsByIds,
  scopeApprovalUrl,
  ShopifyAccessDenied,
  type AdminGraphql,
} from "../shopify/admin-api.server";
import { recordInstall } from "../shops/life-cycle.server";
import { authenticate } from "../shopify.server";

const NEW = "new";
const PRODUCT_PAGE = 25;

/** The store's products for the picker, or why the app may not read them (the scope to approve). */
async function productChoices(graphql: AdminGraphql, shop: string, query: string) {
  try {
    return { products: await readProducts(graphql, { query, first: PRODUCT_PAGE }), approvalUrl: null };
  } catch (error) {
    if (!(error instanceof ShopifyAccessDenied)) throw error;
    return { products: [], approvalUrl: scopeApprovalUrl(shop, env.SHOPIFY_API_KEY) };
  }
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const shop = await recordInstall(db, session.shop);
    const briefId = params.id === NEW ? null : (params.id ?? "");
    const brief = briefId === null ? null : await findBrief(db, shop.id, briefId);
    const productQuery = (new URL(request.url).searchParams.get("productQuery") ?? "").slice(0, 200);
    const [balance, choices, research, pending] = await Promise.all([
      getBalance(db, shop.id),
      productChoices(admin.graphql, session.shop, productQuery),
      brief ? latestResearch(db, shop.id, brief.id) : null,
      brief ? pendingJobs(db, shop.id, { briefId: brief.id }) : [],
    ]);
    return {
      briefId: brief?.id ?? null,
      fields: brief
        ? briefFromRow(brief)
        : { topic: "", audience: "", keywords: [], products: [], ...DEFAULT_BRIEF },
      available: balance.available,
      productQuery,
      products: choices.products,
      approvalUrl: choices.approvalUrl,
      research,
      pendingResearch: pending.find((job) => job.kind === "topic.research") ?? null,
      pendingDraft: pending.find((job) => job.kind === "draft.generate") ?? null,
    };
  });
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const INTENTS = { save: "save", research: "research", generate: "generate" } as const;

const submitKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "The form is out of date; reload the page");
const jobIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal(INTENTS.research), submitKey }),
  z.object({ intent: z.literal(INTENTS.generate), submitKey, withCover: z.enum(["true", "false"]) }),
]);

/** What the page's fetchers get back: a job to follow, or why not (a returned 4xx, not an error page). */
type Answer = { jobId?: string; error?: string; fieldErrors?: Record<string, string> };

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const context = await authenticate.admin(request);
  const { session, admin } = context;
  return fetcherAnswer(async () => {
    const form = await requireFormData(request);
    const shop = await requireShop(db, session.shop);
    const briefId = params.id === NEW ? undefined : (params.id ?? "");

    if (form.get("intent") === INTENTS.save) {
      const parsed = parseBrief(form);
      if (!parsed.ok)
        return httpError(400, Object.values(parsed.fieldErrors)[0] ?? "Check the brief", {
          fieldErrors: parsed.fieldErrors,
        });
      const { productIds, ...fields } = parsed.brief;
      // Checked before anything is read from Shopify: a foreign brief id changes nothing.
      if (briefId) await findBrief(db, shop.id, briefId);
      const products = productIds.length ? await readProductsByIds(admin.graphql, productIds) : [];
      if (products.length !== productIds.length)
        return httpError(400, "Some of the picked products are not in the store", {
          fieldErrors: { productIds: "Some of the picked products are not in the store" },
        });
      const saved = await saveBrief(db, shop.id, { ...fields, products }, briefId);
      // A client-side navigation inside the app: the session token, not the URL, carries the shop.
      return redirect(`/app/briefs/${saved.id}`);
    }

    const parsed = jobIntent.safeParse(Object.fromEntries(form));
    if (!parsed.success) {
      const fieldErrors = Object.fromEntries(
        parsed.error.issues.map((issue) => [String(issue.path[0] ?? "intent"), issue.message]),
      );
      return httpError(400, "Unknown brief request", { fieldErrors });
    }
    if (!briefId)
      return httpError(400, "Save the brief first", { fieldErrors: { topic: "Save the brief first" } });
    const request_ =
      parsed.data.intent === INTENTS.research
        ? { kind: "topic.research" as const, briefId }
        : { kind: "draft.generate" as const, briefId, withCover: parsed.data.withCover === "true" };
    const { job } = await submitJob(db, {
      shopId: shop.id,
      idempotencyKey: parsed.data.submitKey,
      actor: requireActor(context),
      request: request_,
    });
    return { jobId: job.id } satisfies Answer;
  });
};

interface FormState {
  topic: string;
  audience: string;
  tone: string;
  keywords: string;
  length: string;
  language: string;
  products: StoreProduct[];
}

export default function BriefPage() {
  const data = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const saved = useMemo<FormState>(
    () => ({
      topic: data.fields.topic,
      audience: data.fields.audience,
      tone: data.fields.tone,
      keywords: data.fields.keywords.join(", "),
      length: data.fields.length,
      language: data.fields.language,
      products: data.fields.products,
    }),
    [data.fields],
  );
  const [form, setForm] = useState(saved);
  useEffect(() => setForm(saved), [saved]);
  const set =
    <K extends keyof FormState>(key: K) =>
    (value: FormState[K]) =>
      setForm((current) => ({ ...current, [key]: value }));
  const dirty = JSON.stringify(form) !== JSON.stringify(saved);

  const saver = useFetcher<Answer>();
  const fieldErrors = saver.state === "idle" ? (saver.data?.fieldErrors ?? {}) : {};
  const save = useCallback(() => {
    const body = new FormData();
    body.set("intent", INTENTS.save);
    for (const key of ["topic", "audience", "tone", "keywords", "length", "language"] as const)
      body.set(key, form[key]);
    for (const product of form.products) body.append("productIds", product.id);
    saver.submit(body, { method: "post" });
  }, [form, saver]);

  const researcher = useFetcher<Answer>();
  const [ideas, setIdeas] = useState<TopicIdea[] | null>(data.research?.ideas ?? null);
  const research = useJob(data.pendingResearch, (job) => setIdeas(job.ideas));
  const followResearch = research.follow;
  useEffect(() => {
    if (researcher.data?.jobId) followResearch(researcher.data.jobId);
  }, [researcher.data, followResearch]);

  const writer = useFetcher<Answer>();
  const writerWithCover = useFetcher<Answer>();
  const drafting = useJob(data.pendingDraft, (job: JobView) => {
    if (job.draftId) navigate(`/app/drafts/${job.draftId}`);
  });
  const followDraft = drafting.follow;
  useEffect(() => {
    const jobId = writer.data?.jobId ?? writerWithCover.data?.jobId;
    if (jobId) followDraft(jobId);
  }, [writer.data, writerWithCover.data, followDraft]);

  const jobError = [researcher, writer, writerWithCover].find((f) => f.state === "idle" && f.data?.error)
    ?.data?.error;
  const draftBusy = writer.state !== "idle" || writerWithCover.state !== "idle" || inProgress(drafting.job);
  const researchBusy = researcher.state !== "idle" || inProgress(research.job);
  // Research and drafts are written from the saved brief: unsaved edits would be silently left out.
  const jobsBlocked = !data.briefId || dirty;

  const applyIdea = (idea: TopicIdea) =>
    setForm((current) => {
      const keywords = current.keywords
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean);
      if (!keywords.some((k) => k.toLowerCase() === idea.keyword.toLowerCase()))
        keywords.unshift(idea.keyword);
      return { ...current, topic: idea.title, keywords: keywords.join(", ") };
    });

  const pickable = useMemo(() => {
    const picked = new Set(form.products.map((p) => p.id));
    return [...form.products, ...data.products.filter((p: StoreProduct) => !picked.has(p.id))];
  }, [form.products, data.products]);
  const toggleProduct = (product: StoreProduct, on: boolean) =>
    setForm((current) => ({
      ...current,
      products: on
        ? [...current.products, product].slice(0, BRIEF_LIMITS.products.count)
        : current.products.filter((p) => p.id !== product.id),
    }));

  const [productQuery, setProductQuery] = useState(data.productQuery);

  return (
    <Page
      title={data.briefId ? "Brief" : "New brief"}
      backAction={{ content: "Briefs", url: "/app/briefs" }}
      primaryAction={{
        content: "Save brief",
        onAction: save,
        loading: saver.state !== "idle",
        disabled: data.briefId !== null && !dirty,
      }}
    >
      <FormSaveBar
        id="brief-save-bar"
        open={dirty}
        saving={saver.state !== "idle"}
        onSave={save}
        onDiscard={() => setForm(saved)}
      />
      <Layout>
        {saver.state === "idle" && saver.data?.error && (
          <Layout.Section>
            <Banner tone="critical">{saver.data.error}</Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                save();
              }}
            >
              <BriefFieldsForm
                values={form}
                onChange={(field, value) => set(field)(value)}
                errors={fieldErrors}
              />
            </form>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Products to feature
              </Text>
              {data.approvalUrl ? (
                <ScopeApprovalBanner
                  title="The app may not read your products"
                  action="Allow reading products"
                  approvalUrl={data.approvalUrl}
                >
                  <p>
                    To link your products from articles, allow the app to read them. Until then, briefs and
                    drafts work without products.
                  </p>
                </ScopeApprovalBanner>
              ) : (
                <>
                  <Form method="get">
                    <InlineStack gap="200" blockAlign="end" wrap={false}>
                      <Box width="100%">
                        <TextField
                          label="Search products"
                          name="productQuery"
                          value={productQuery}
                          onChange={setProductQuery}
                          autoComplete="off"
                        />
                      </Box>
                      <Button submit>Search</Button>
                    </InlineStack>
                  </Form>
                  {pickable.length === 0 ? (
                    <Text as="p" tone="subdued">
                      {data.productQuery
                        ? "No products match this search."
                        : "Your store has no products yet."}
                    </Text>
                  ) : (
                    <BlockStack gap="100">
                      {pickable.map((product) => (
                        <Checkbox
                          key={product.id}
                          label={product.title}
                          checked={form.products.some((p) => p.id === product.id)}
                          onChange={(on) => toggleProduct(product, on)}
                          disabled={
                            !form.products.some((p) => p.id === product.id) &&
                            form.products.length >= BRIEF_LIMITS.products.count
                          }
                        />
                      ))}
                    </BlockStack>
                  )}
                  {fieldErrors.productIds && (
                    <Text as="p" tone="critical">
                      {fieldErrors.productIds}
                    </Text>
                  )}
                </>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Write
              </Text>
              {jobsBlocked && (
                <Text as="p" tone="subdued">
                  {data.briefId
                    ? "Save your changes first: research and drafts are written from the saved brief."
                    : "Save the brief to research topics and generate drafts."}
                </Text>
              )}
              {jobError && <Banner tone="critical">{jobError}</Banner>}
              <InlineStack gap="200">
                <JobForm
                  fetcher={researcher}
                  intent={INTENTS.research}
                  label="Research topics"
                  actions={["topic.research"]}
                  available={data.available}
                  disabled={jobsBlocked || researchBusy}
                />
                <JobForm
                  fetcher={writer}
                  intent={INTENTS.generate}
                  hidden={{ withCover: "false" }}
                  variant="primary"
                  label="Generate draft"
                  actions={["draft.generate"]}
                  available={data.available}
                  disabled={jobsBlocked || draftBusy}
                />
                <JobForm
                  fetcher={writerWithCover}
                  intent={INTENTS.generate}
                  hidden={{ withCover: "true" }}
                  label="Draft + cover"
                  actions={["draft.generate", "cover.generate"]}
                  available={data.available}
                  disabled={jobsBlocked || draftBusy}
                />
              </InlineStack>
              <JobProgress
                job={research.job}
                working="Researching topics… this takes a few seconds to a minute."
                onDismiss={research.dismiss}
              />
              <JobProgress job={drafting.job} working={WRITING_DRAFT} onDismiss={drafting.dismiss} />
            </BlockStack>
          </Card>
        </Layout.Section>

        {ideas && ideas.length > 0 && (
          <Layout.Section>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Topic ideas
              </Text>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                {ideas.map((idea, rank) => (
                  <Card key={`${rank}-${idea.title}`}>
                    <BlockStack gap="200">
                      <Text as="h3" variant="headingSm">
                        {`${rank + 1}. ${idea.title}`}
                      </Text>
                      <Text as="p">{idea.angle}</Text>
                      <Text as="p" tone="subdued">{`Keyword: ${idea.keyword}`}</Text>
                      {idea.outline.length > 0 && (
                        <List type="number">
                          {idea.outline.map((heading) => (
                            <List.Item key={heading}>{heading}</List.Item>
                          ))}
                        </List>
                      )}
                      <Text as="p" tone="subdued">{`Why it fits: ${idea.whyItFits}`}</Text>
                      <InlineStack>
                        <Button
                          onClick={() => applyIdea(idea)}
                          accessibilityLabel={`Use the idea ${idea.title}`}
                        >
                          Use this idea
                        </Button>
                      </InlineStack>
                    </BlockStack>
                  </Card>
                ))}
              </InlineGrid>
            </BlockStack>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
