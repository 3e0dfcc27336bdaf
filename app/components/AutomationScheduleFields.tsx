// When an automation runs: daily, weekly on chosen days, or a cron expression, at a time of the shop's time
// zone. The schedule in words under the fields is the scheduler's own (describeSchedule).
import { BlockStack, ChoiceList, InlineError, Text, TextField } from "@shopify/polaris";
import { WEEKDAYS, type AutomationFormValues, type ScheduleKind } from "../automations/automation-form";
import { describeSchedule, parseSchedule } from "../automations/schedule";
import type { Schedule } from "../automations/types";

type ScheduleValues = Pick<AutomationFormValues, "scheduleKind" | "time" | "days" | "cron">;

const KINDS: { label: string; value: ScheduleKind }[] = [
  { label: "Every day", value: "daily" },
  { label: "Weekly, on chosen days", value: "weekly" },
  { label: "Cron expression", value: "cron" },
];

/** The fields' schedule in words, or null while they do not make one. */
function scheduleWords(values: ScheduleValues): string | null {
  const candidate: Schedule =
    values.scheduleKind === "cron"
      ? { kind: "cron", expression: values.cron }
      : values.scheduleKind === "weekly"
        ? { kind: "weekly", time: values.time, days: values.days.map(Number) }
        : { kind: "daily", time: values.time };
  try {
    return describeSchedule(parseSchedule(candidate));
  } catch {
    return null;
  }
}

export function AutomationScheduleFields({
  values,
  onChange,
  timeZone,
  error,
}: {
  values: ScheduleValues;
  onChange: (changes: Partial<ScheduleValues>) => void;
  timeZone: string;
  error?: string;
}) {
  const words = scheduleWords(values);
  const fieldId = values.scheduleKind === "cron" ? "automation-cron" : "automation-time";
  return (
    <BlockStack gap="300">
      <ChoiceList
        title="Schedule"
        name="scheduleKind"
        choices={KINDS}
        selected={[values.scheduleKind]}
        onChange={([kind]) => onChange({ scheduleKind: (kind ?? "daily") as ScheduleKind })}
      />
      {values.scheduleKind === "weekly" && (
        <ChoiceList
          title="Days"
          name="days"
          allowMultiple
          choices={WEEKDAYS.map((day) => ({ label: day.label, value: day.value }))}
          selected={values.days}
          onChange={(days) => onChange({ days })}
        />
      )}
      {values.scheduleKind === "cron" ? (
        <TextField
          id="automation-cron"
          label="Cron expression"
          name="cron"
          value={values.cron}
          onChange={(cron) => onChange({ cron })}
          autoComplete="off"
          monospaced
          helpText="Five fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5 (weekdays at 09:00)."
        />
      ) : (
        <TextField
          id="automation-time"
          label="Time"
          type="time"
          name="time"
          value={values.time}
          onChange={(time) => onChange({ time })}
          autoComplete="off"
        />
      )}
      {error && <InlineError message={error} fieldID={fieldId} />}
      <Text as="p" tone="subdued">
        {`${words ?? "Not a schedule yet"} · times are in the shop's time zone (${timeZone})`}
      </Text>
    </BlockStack>
  );
}
