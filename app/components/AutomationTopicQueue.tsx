// An automation's topic queue: the waiting topics in the order the runs take them, each moved up or down or
// removed by its own buttons (keyboard reachable, named by the topic), topics added by pasting a list or by
// importing a .csv or .txt file, and the topics runs already used, as history.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, DropZone, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { TopicView } from "../automations/types";

/** The page action's answer to a topic intent. */
export interface TopicAnswer {
  error?: string;
  fieldErrors?: Record<string, string>;
  added?: number;
  duplicates?: number;
}

export const TOPIC_INTENTS = { add: "add-topics", move: "move-topic", remove: "remove-topic" } as const;
export const TOPIC_FILE_TYPES = ".csv,.txt,text/csv,text/plain";

function addedText({ added = 0, duplicates = 0 }: TopicAnswer) {
  const topics = `${added} ${added === 1 ? "topic" : "topics"}`;
  return `Added ${topics} to the queue${duplicates ? ` (${duplicates} already waiting or repeated)` : ""}.`;
}

export function AutomationTopicQueue({
  topics,
  usedByResearch,
}: {
  topics: TopicView[];
  /** Topics come from a brief's research: the queue waits, unused, until the source is the queue again. */
  usedByResearch: boolean;
}) {
  const waiting = topics.filter((topic) => topic.runId === null);
  const used = topics.filter((topic) => topic.runId !== null);
  const mover = useFetcher<TopicAnswer>();
  const adder = useFetcher<TopicAnswer>();
  const [text, setText] = useState("");
  // A moved topic's button keeps the keyboard focus across the reload of the list.
  const [refocus, setRefocus] = useState<string | null>(null);
  useEffect(() => {
    if (mover.state !== "idle" || !refocus) return;
    document.getElementById(refocus)?.focus();
    setRefocus(null);
  }, [mover.state, refocus]);
  useEffect(() => {
    if (adder.state === "idle" && adder.data && !adder.data.error) setText("");
  }, [adder.state, adder.data]);

  const move = (topic: TopicView, toIndex: number, buttonId: string) => {
    setRefocus(buttonId);
    mover.submit(
      { intent: TOPIC_INTENTS.move, topicId: topic.id, toIndex: String(toIndex) },
      { method: "post" },
    );
  };
  const busy = mover.state !== "idle";
  const importFile = (file: File | undefined) => {
    if (!file) return;
    const body = new FormData();
    body.set("intent", TOPIC_INTENTS.add);
    body.set("file", file);
    adder.submit(body, { method: "post", encType: "multipart/form-data" });
  };
  const adderAnswer = adder.state === "idle" ? adder.data : undefined;

  return (
    <BlockStack gap="400">
      {usedByResearch && (
        <Banner tone="info">
          Runs take their topics from the brief&apos;s topic research. The queue is kept and used again when
          the topic source is the queue.
        </Banner>
      )}
      {mover.state === "idle" && mover.data?.error && <Banner tone="critical">{mover.data.error}</Banner>}
      {waiting.length === 0 ? (
        <Text as="p" tone="subdued">
          No topics are waiting. A run with an empty queue is skipped (and free): add topics below.
        </Text>
      ) : (
        <ol aria-label="Waiting topics" style={{ margin: 0, padding: 0, listStyle: "none" }}>
          {waiting.map((topic, index) => {
            const up = `topic-${topic.id}-up`;
            const down = `topic-${topic.id}-down`;
            return (
              <li key={topic.id}>
                <Box paddingBlock="200" borderBlockEndWidth="025" borderColor="border-secondary">
                  <InlineStack gap="200" align="space-between" blockAlign="center" wrap>
                    <Text as="span">{`${index + 1}. ${topic.topic}`}</Text>
                    <InlineStack gap="100" wrap={false}>
                      <Button
                        id={up}
                        size="slim"
                        disabled={busy || index === 0}
                        accessibilityLabel={`Move "${topic.topic}" up`}
                        onClick={() => move(topic, index - 1, index - 1 === 0 ? down : up)}
                      >
                        Up
                      </Button>
                      <Button
                        id={down}
                        size="slim"
                        disabled={busy || index === waiting.length - 1}
                        accessibilityLabel={`Move "${topic.topic}" down`}
                        onClick={() => move(topic, index + 1, index + 1 === waiting.length - 1 ? up : down)}
                      >
                        Down
                      </Button>
                      <Button
                        size="slim"
                        tone="critical"
                        variant="plain"
                        disabled={busy}
                        accessibilityLabel={`Remove "${topic.topic}"`}
                        onClick={() =>
                          mover.submit(
                            { intent: TOPIC_INTENTS.remove, topicId: topic.id },
                            { method: "post" },
                          )
                        }
                      >
                        Remove
                      </Button>
                    </InlineStack>
                  </InlineStack>
                </Box>
              </li>
            );
          })}
        </ol>
      )}

      <adder.Form method="post">
        <input type="hidden" name="intent" value={TOPIC_INTENTS.add} />
        <BlockStack gap="200">
          <TextField
            label="Add topics"
            name="topics"
            value={text}
            onChange={setText}
            multiline={3}
            autoComplete="off"
            helpText="One topic per line, or CSV with the topic in the first column or a column headed topic."
            error={adderAnswer?.fieldErrors?.topics}
          />
          <InlineStack>
            <Button submit disabled={text.trim() === ""} loading={adder.state !== "idle"}>
              Add to queue
            </Button>
          </InlineStack>
        </BlockStack>
      </adder.Form>
      <DropZone
        label="Import a .csv or .txt file"
        accept={TOPIC_FILE_TYPES}
        allowMultiple={false}
        variableHeight
        onDropAccepted={([file]) => importFile(file)}
      >
        <DropZone.FileUpload actionTitle="Choose a file" actionHint="A .csv or .txt list of topics" />
      </DropZone>
      {adderAnswer?.error && !adderAnswer.fieldErrors?.topics && (
        <Banner tone="critical">{adderAnswer.error}</Banner>
      )}
      {adderAnswer && adderAnswer.added !== undefined && (
        <Banner tone="success">{addedText(adderAnswer)}</Banner>
      )}

      {used.length > 0 && (
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">
            Used by runs
          </Text>
          {used.map((topic) => (
            <Text as="p" tone="subdued" key={topic.id}>
              {topic.topic}
            </Text>
          ))}
        </BlockStack>
      )}
    </BlockStack>
  );
}
