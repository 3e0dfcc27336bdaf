// A brief's own fields (topic, audience, keywords, tone, length, language), named as the brief forms post
// them: the Brief page's form and the Draft page's "edit the brief, then regenerate".
import { FormLayout, Select, TextField } from "@shopify/polaris";
import { BRIEF_LIMITS, LANGUAGES, LENGTHS, TONES } from "../content/brief";

export interface BriefFieldValues {
  topic: string;
  audience: string;
  keywords: string;
  tone: string;
  length: string;
  language: string;
}

const TONE_OPTIONS = TONES.map((tone) => ({ value: tone, label: tone[0]!.toUpperCase() + tone.slice(1) }));
const LENGTH_OPTIONS = Object.entries(LENGTHS).map(([value, { label }]) => ({ value, label }));

export function BriefFieldsForm({
  values,
  onChange,
  errors = {},
  withTopic = true,
}: {
  values: BriefFieldValues;
  onChange: (field: keyof BriefFieldValues, value: string) => void;
  errors?: Record<string, string>;
  /** false: an automation's brief defaults, whose topic each run brings. */
  withTopic?: boolean;
}) {
  // A stored language outside the offered list stays choosable.
  const languages = LANGUAGES.some((l) => l.value === values.language)
    ? [...LANGUAGES]
    : [...LANGUAGES, { value: values.language, label: values.language }];
  const field = (name: keyof BriefFieldValues) => ({
    name,
    value: values[name],
    onChange: (value: string) => onChange(name, value),
    error: errors[name],
  });
  return (
    <FormLayout>
      {withTopic && (
        <TextField
          label="Topic"
          {...field("topic")}
          autoComplete="off"
          maxLength={BRIEF_LIMITS.topic.max}
          helpText="What the article is about, in a few words."
        />
      )}
      <TextField
        label="Audience"
        {...field("audience")}
        autoComplete="off"
        maxLength={BRIEF_LIMITS.audience.max}
        helpText="Who reads it: first-time buyers, professionals, gift shoppers…"
      />
      <TextField
        label="Keywords"
        {...field("keywords")}
        autoComplete="off"
        helpText={`Separated by commas, at most ${BRIEF_LIMITS.keywords.count}.`}
      />
      <FormLayout.Group condensed>
        <Select label="Tone" {...field("tone")} options={TONE_OPTIONS} />
        <Select label="Length" {...field("length")} options={LENGTH_OPTIONS} />
        <Select label="Language" {...field("language")} options={languages} />
      </FormLayout.Group>
    </FormLayout>
  );
}
