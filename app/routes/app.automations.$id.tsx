// One automation ("new" creates one): its form (schedule, topic source, brief defaults, blog, publishing,
// limits), what a run costs and keeps back, its topic queue, pause/resume and delete, and its run log.
import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Card,
  ChoiceList,
  FormLayout,
  Layout,
  Modal,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useCallback, useEffect, useState } from "react";
import { z } from "zod";
import {
  automationFormData,
  automationValues,
  newAutomationValues,
  parseAutomationForm,
  type AutomationFormValues,
} from "../automations/automation-form";
import {
  addTopics,
  createAutomation,
  deleteAutomation,
  findAutomation,
  moveTopic,
  parseTopicList,
  removeTopic,
  setAutomationPaused,
  updateAutomation,
} from "../automations/automations.server";
import { creditsText, durationText, shopTimeFormat } from "../automations/page-text";
import { listRuns, RUN_PAGE_SIZE } from "../automations/runs.server";
import { AUTOMATION_LIMITS } from "../automations/types";
import { readAlertSettings } from "../alerts/low-balance.server";
import { AutomationErrorBoundary } from "../components/AutomationErrorBoundary";
import { AutomationStatusBadge } from "../components/AutomationBadges";
import { AutomationRunLog, type RunLine } from "../components/AutomationRunLog";
import { AutomationScheduleFields } from "../components/AutomationScheduleFields";
import { AutomationTopicQueue, TOPIC_INTENTS, type TopicAnswer } from "../components/AutomationTopicQueue";
import { blogChoices } from "../components/blog-choices.server";
import { BriefFieldsForm } from "../components/BriefFieldsForm";
import { fetcherAnswer } from "../components/fetcher-answer.server";
import { FormSaveBar } from "../components/FormSaveBar";
import { ScopeApprovalBanner } from "../components/ScopeApprovalBanner";
import { findBrief, listBriefs } from "../content/briefs.server";
import { ContentNotFound } from "../content/errors";
import db from "../db.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { requireFormData, requireShop } from "../http/require.server";
import { getBalance } from "../ledger/balance.server";
import { PRICES } from "../ledger/prices";
import { articleAdminUrl, readShopTimezone } from "../shopify/admin-api.server";
import { pageLocale } from "../shops/locale";
import { ensureShopTimezone } from "../shops/timezone.server";
import { authenticate } from "../shopify.server";

const NEW = "new";
const PRICE = PRICES["automation.run"];
/** A topic list file: 500 topics of 200 characters fit many times over. */
const MAX_TOPIC_FILE_BYTES = 256 * 1024;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const shop = await requireShop(db, session.shop);
    const url = new URL(request.url);
    const timeZone = await ensureShopTimezone(db, shop, () => readShopTimezone(admin.graphql));
    const when = shopTimeFormat(pageLocale(url.searchParams.get("locale")), timeZone);
    const id = params.id === NEW ? null : (params.id ?? "");
    const before = url.searchParams.get("before") ?? undefined;
    const [automation, runs, choices, briefs, settings, balance] = await Promise.all([
      id ? findAutomation(db, shop.id, id) : null,
      // One more than a page: whether there is an older page.
      id ? listRuns(db, shop.id, id, { before, take: RUN_PAGE_SIZE + 1 }) : [],
      blogChoices(admin.graphql, session.shop),
      listBriefs(db, shop.id),
      readAlertSettings(db, shop.id),
      getBalance(db, shop.id),
    ]);
    const page = runs.slice(0, RUN_PAGE_SIZE);
    const base = `/app/automations/${id}`;
    return {
      automationId: automation?.id ?? null,
      name: automation?.name ?? null,
      status: automation?.status ?? null,
      values: automation ? automationValues(automation) : newAutomationValues(choices.blogs[0]?.id ?? ""),
      scheduleText: automation?.scheduleText ?? null,
      next: automation?.nextSlotAt ? when.format(new Date(automation.nextSlotAt)) : null,
      spentThisMonth: automation?.spentThisMonth ?? 0,
      topics: automation?.topics ?? [],
      timeZone,
      blogs: choices.blogs.map((blog) => ({ label: blog.title, value: blog.id })),
      approvalUrl: choices.approvalUrl,
      briefs: briefs.map((brief) => ({ label: brief.topic, value: brief.id })),
      polishingReserve: settings.polishingReserve,
      available: balance.available,
      runs: page.map((run): RunLine => ({
        id: run.id,
        when: when.format(new Date(run.slot)),
        status: run.status,
        topic: run.topic,
        reason: run.reason,
        draftUrl: run.draftId ? `/app/drafts/${run.draftId}` : null,
        articleUrl: run.articleId ? articleAdminUrl(session.shop, run.articleId) : null,
        credits: creditsText(run.credits),
        duration: durationText(run.durationMs),
      })),
      newestUrl: before ? base : null,
      olderUrl:
        runs.length > RUN_PAGE_SIZE ? `${base}?before=${encodeURIComponent(page.at(-1)!.slot)}` : null,
    };
  });
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const INTENTS = {
  save: "save",
  pause: "pause",
  resume: "resume",
  delete: "delete",
  ...TOPIC_INTENTS,
} as const;

/** What the page's fetchers get back: a 4xx is returned (fetcherAnswer), so it shows on the page. */
type Answer = TopicAnswer & { saved?: boolean };

const topicMove = z.object({
  topicId: z.string().min(1).max(64),
  toIndex: z.coerce.number().int().min(0).max(AUTOMATION_LIMITS.topics),
});
const topicRemove = z.object({ topicId: z.string().min(1).max(64) });

/** The topics a form sends: a pasted list (`topics`) or an uploaded .csv/.txt file (`file`). */
async function topicsFrom(form: FormData): Promise<string[]> {
  const file = form.get("file");
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_TOPIC_FILE_BYTES)
      throw httpError(413, `Import a file under ${MAX_TOPIC_FILE_BYTES / 1024} KB`, {
        fieldErrors: { topics: `Import a file under ${MAX_TOPIC_FILE_BYTES / 1024} KB` },
      });
    return parseTopicList(await file.text());
  }
  const text = form.get("topics") ?? "";
  if (typeof text !== "string") throw httpError(400, "Send the topics as text or as a .csv or .txt file");
  return parseTopicList(text);
}

/** The form's input, checked against the store: its blog exists, its research brief is the shop's. */
async function checkedInput(form: FormData, shopId: string, blogIds: () => Promise<string[]>) {
  const parsed = parseAutomationForm(form);
  if (!parsed.ok) return parsed;
  const { input } = parsed;
  const fieldErrors: Record<string, string> = {};
  if (!(await blogIds()).includes(input.blogId)) fieldErrors.blogId = "Pick one of the store's blogs";
  if (input.briefId)
    await findBrief(db, shopId, input.briefId).catch((error: unknown) => {
      if (!(error instanceof ContentNotFound)) throw error;
      fieldErrors.briefId = "Pick one of your briefs";
    });
  return Object.keys(fieldErrors).length ? { ok: false as const, fieldErrors } : { ok: true as const, input };
}

const badForm = (fieldErrors: Record<string, string>) =>
  httpError(400, Object.values(fieldErrors)[0] ?? "Check the automation", { fieldErrors });

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  return fetcherAnswer(async () => {
    const form = await requireFormData(request);
    const shop = await requireShop(db, session.shop);
    const id = params.id === NEW ? null : (params.id ?? "");
    const intent = form.get("intent");
    const blogIds = async () => (await blogChoices(admin.graphql, session.shop)).blogs.map((b) => b.id);

    if (intent === INTENTS.save) {
      // Checked first: another shop's id changes nothing and reads nothing from Shopify.
      if (id) await findAutomation(db, shop.id, id);
      const checked = await checkedInput(form, shop.id, blogIds);
      if (!checked.ok) return badForm(checked.fieldErrors);
      if (id) {
        await updateAutomation(db, shop.id, id, checked.input);
        return { saved: true } satisfies Answer;
      }
      const created = await createAutomation(db, shop.id, checked.input, await topicsFrom(form));
      return redirect(`/app/automations/${created.id}`);
    }

    if (!id) return httpError(400, "Create the automation first");
    switch (intent) {
      case INTENTS.pause:
      case INTENTS.resume:
        await setAutomationPaused(db, shop.id, id, intent === INTENTS.pause);
        return { saved: true } satisfies Answer;
      case INTENTS.delete:
        await deleteAutomation(db, shop.id, id);
        return redirect("/app/automations");
      case INTENTS.add: {
        await findAutomation(db, shop.id, id);
        const { added, duplicates } = await addTopics(db, shop.id, id, await topicsFrom(form));
        return { added, duplicates } satisfies Answer;
      }
      case INTENTS.move: {
        const parsed = topicMove.safeParse(Object.fromEntries(form));
        if (!parsed.success) return httpError(400, "The topic list is out of date; reload the page");
        await moveTopic(db, shop.id, id, parsed.data.topicId, parsed.data.toIndex);
        return { saved: true } satisfies Answer;
      }
      case INTENTS.remove: {
        const parsed = topicRemove.safeParse(Object.fromEntries(form));
        if (!parsed.success) return httpError(400, "The topic list is out of date; reload the page");
        await removeTopic(db, shop.id, id, parsed.data.topicId);
        return { saved: true } satisfies Answer;
      }
      default:
        return httpError(400, "Unknown automation request");
    }
  });
};

const TOPIC_SOURCES = [
  { label: "The topic queue (in order)", value: "queue" },
  { label: "The next idea from a brief's topic research", value: "research" },
];
const PUBLISH_MODES = [
  { label: "Save as an unpublished draft", value: "draft" },
  { label: "Publish at a time on the run's day", value: "publish" },
];

export default function AutomationPage() {
  const data = useLoaderData<typeof loader>();
  const [values, setValues] = useState<AutomationFormValues>(data.values);
  const [firstTopics, setFirstTopics] = useState("");
  // Saved (or created: "new" becomes the automation's page in the same route) — the form is clean again.
  useEffect(() => {
    setValues(data.values);
    setFirstTopics("");
  }, [data.values]);
  const set = useCallback(
    <K extends keyof AutomationFormValues>(field: K, value: AutomationFormValues[K]) =>
      setValues((current) => ({ ...current, [field]: value })),
    [],
  );
  const dirty = JSON.stringify(values) !== JSON.stringify(data.values) || firstTopics.trim() !== "";
  const isNew = data.automationId === null;

  const saver = useFetcher<Answer>();
  const saving = saver.state !== "idle";
  const fieldErrors = saver.state === "idle" ? (saver.data?.fieldErrors ?? {}) : {};
  const save = useCallback(() => {
    const body = automationFormData(values, INTENTS.save);
    if (isNew) body.set("topics", firstTopics);
    saver.submit(body, { method: "post" });
  }, [values, firstTopics, isNew, saver]);

  const lifecycle = useFetcher<Answer>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const budgetDrafts = Math.floor(Number(values.monthlyBudget) / PRICE);

  return (
    <Page
      title={data.name ?? "New automation"}
      titleMetadata={data.status ? <AutomationStatusBadge status={data.status} /> : undefined}
      backAction={{ content: "Automations", url: "/app/automations" }}
      primaryAction={{
        content: isNew ? "Create automation" : "Save",
        onAction: save,
        loading: saving,
        disabled: !isNew && !dirty,
      }}
      secondaryActions={
        isNew
          ? []
          : [
              {
                content: data.status === "paused" ? "Resume" : "Pause",
                loading: lifecycle.state !== "idle" && lifecycle.formData?.get("intent") !== INTENTS.delete,
                onAction: () =>
                  lifecycle.submit(
                    { intent: data.status === "paused" ? INTENTS.resume : INTENTS.pause },
                    { method: "post" },
                  ),
              },
              { content: "Delete", destructive: true, onAction: () => setConfirmDelete(true) },
            ]
      }
    >
      <FormSaveBar
        id="automation-save-bar"
        open={dirty}
        saving={saving}
        onSave={save}
        onDiscard={() => {
          setValues(data.values);
          setFirstTopics("");
        }}
      />
      <Layout>
        {[saver, lifecycle].map(
          (fetcher, i) =>
            fetcher.state === "idle" &&
            fetcher.data?.error && (
              <Layout.Section key={i}>
                <Banner tone="critical">{fetcher.data.error}</Banner>
              </Layout.Section>
            ),
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                What it spends
              </Text>
              <Text as="p">
                {`${creditsText(PRICE)} per saved draft; failed or skipped runs are free. A run starts only when ${creditsText(PRICE)} plus your polishing reserve are available and the monthly budget has room; otherwise it is skipped and says why.`}
              </Text>
              <Text as="p" tone="subdued">
                {`Polishing reserve: ${creditsText(data.polishingReserve)} kept for your own rewrites and covers (Billing → Alerts). Available now: ${creditsText(data.available)}.`}
              </Text>
              {!isNew && (
                <Text as="p">
                  {[
                    data.scheduleText,
                    data.next
                      ? `next run ${data.next}`
                      : data.status === "paused"
                        ? "paused: no runs until it resumes"
                        : "no further runs",
                    `${data.spentThisMonth} of ${creditsText(Number(data.values.monthlyBudget))} spent this month`,
                  ].join(" · ")}
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                save();
              }}
            >
              <BlockStack gap="500">
                <TextField
                  label="Name"
                  name="name"
                  value={values.name}
                  onChange={(name) => set("name", name)}
                  autoComplete="off"
                  maxLength={AUTOMATION_LIMITS.name}
                  error={fieldErrors.name}
                />
                <AutomationScheduleFields
                  values={values}
                  onChange={(changes) => setValues((current) => ({ ...current, ...changes }))}
                  timeZone={data.timeZone}
                  error={fieldErrors.schedule ?? fieldErrors.scheduleKind}
                />
                <BlockStack gap="300">
                  <ChoiceList
                    title="Topics come from"
                    name="topicSource"
                    choices={TOPIC_SOURCES}
                    selected={[values.topicSource]}
                    onChange={([source]) => set("topicSource", source === "research" ? "research" : "queue")}
                    error={fieldErrors.topicSource}
                  />
                  {values.topicSource === "research" &&
                    (data.briefs.length === 0 ? (
                      <Text as="p" tone="critical">
                        You have no briefs yet: write one under Briefs and research its topics first.
                      </Text>
                    ) : (
                      <Select
                        label="Brief"
                        name="briefId"
                        options={[{ label: "Choose a brief", value: "" }, ...data.briefs]}
                        value={values.briefId}
                        onChange={(briefId) => set("briefId", briefId)}
                        error={fieldErrors.briefId}
                        helpText="Each run takes the next idea of this brief's latest topic research that no run used."
                      />
                    ))}
                </BlockStack>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Every run&apos;s brief
                  </Text>
                  <BriefFieldsForm
                    withTopic={false}
                    values={{ ...values, topic: "" }}
                    onChange={(field, value) => set(field as keyof AutomationFormValues, value as never)}
                    errors={fieldErrors}
                  />
                </BlockStack>
                <FormLayout>
                  {data.approvalUrl ? (
                    <ScopeApprovalBanner
                      title="The app may not read your blogs"
                      action="Allow access to blogs"
                      approvalUrl={data.approvalUrl}
                    >
                      <p>An automation saves its drafts to one of your blogs.</p>
                    </ScopeApprovalBanner>
                  ) : (
                    <Select
                      label="Blog"
                      name="blogId"
                      options={
                        data.blogs.length ? data.blogs : [{ label: "The store has no blog", value: "" }]
                      }
                      value={values.blogId}
                      onChange={(blogId) => set("blogId", blogId)}
                      error={fieldErrors.blogId}
                    />
                  )}
                  <ChoiceList
                    title="Each saved draft"
                    name="publishMode"
                    choices={PUBLISH_MODES}
                    selected={[values.publishMode]}
                    onChange={([mode]) => set("publishMode", mode === "publish" ? "publish" : "draft")}
                    error={fieldErrors.publishMode}
                  />
                  {values.publishMode === "publish" && (
                    <TextField
                      label="Publish at"
                      type="time"
                      name="publishTime"
                      value={values.publishTime}
                      onChange={(time) => set("publishTime", time)}
                      autoComplete="off"
                      error={fieldErrors.publishTime}
                      helpText={`In ${data.timeZone}. A run after this time publishes at once.`}
                    />
                  )}
                  <FormLayout.Group condensed>
                    <TextField
                      label="Runs a day (at most)"
                      type="number"
                      name="maxRunsPerDay"
                      min={1}
                      max={AUTOMATION_LIMITS.maxRunsPerDay}
                      value={values.maxRunsPerDay}
                      onChange={(n) => set("maxRunsPerDay", n)}
                      autoComplete="off"
                      error={fieldErrors.maxRunsPerDay}
                    />
                    <TextField
                      label="Monthly budget (credits)"
                      type="number"
                      name="monthlyBudget"
                      min={PRICE}
                      max={AUTOMATION_LIMITS.monthlyBudget}
                      value={values.monthlyBudget}
                      onChange={(n) => set("monthlyBudget", n)}
                      autoComplete="off"
                      error={fieldErrors.monthlyBudget}
                      helpText={
                        Number.isFinite(budgetDrafts) && budgetDrafts > 0
                          ? `Up to ${budgetDrafts} saved ${budgetDrafts === 1 ? "draft" : "drafts"} a month`
                          : undefined
                      }
                    />
                  </FormLayout.Group>
                </FormLayout>
                {isNew && values.topicSource === "queue" && (
                  <TextField
                    label="First topics"
                    name="topics"
                    value={firstTopics}
                    onChange={setFirstTopics}
                    multiline={4}
                    autoComplete="off"
                    error={fieldErrors.topics}
                    helpText="One topic per line, in the order the runs take them. You can add, reorder and import more after creating it."
                  />
                )}
              </BlockStack>
            </form>
          </Card>
        </Layout.Section>

        {!isNew && (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Topic queue
                </Text>
                <AutomationTopicQueue
                  topics={data.topics}
                  usedByResearch={data.values.topicSource === "research"}
                />
              </BlockStack>
            </Card>
          </Layout.Section>
        )}

        {!isNew && (
          <Layout.Section>
            <Card padding="0">
              <BlockStack gap="0">
                <Box padding="400">
                  <Text as="h2" variant="headingMd">
                    Run log
                  </Text>
                </Box>
                <AutomationRunLog runs={data.runs} newestUrl={data.newestUrl} olderUrl={data.olderUrl} />
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
      </Layout>

      {confirmDelete && (
        <Modal
          open
          onClose={() => setConfirmDelete(false)}
          title={`Delete ${data.name ?? "this automation"}?`}
          primaryAction={{
            content: "Delete automation",
            destructive: true,
            loading: lifecycle.state !== "idle",
            onAction: () => {
              lifecycle.submit({ intent: INTENTS.delete }, { method: "post" });
              setConfirmDelete(false);
            },
          }}
          secondaryActions={[{ content: "Keep it", onAction: () => setConfirmDelete(false) }]}
        >
          <Modal.Section>
            <Text as="p">
              Its schedule, topic queue and run log are deleted. The drafts it saved and their ledger entries
              stay.
            </Text>
          </Modal.Section>
        </Modal>
      )}
    </Page>
  );
}

export function ErrorBoundary() {
  return <AutomationErrorBoundary title="This automation could not be loaded" />;
}
