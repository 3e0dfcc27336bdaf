// The offline writer's articles and topic ideas: composed from the brief with fixed templates, so the same
// brief gives the same text every time, with no network. The text is English whatever the brief's language
// (the offline writer says so in its label); it states nothing about a product beyond its own description.
import { slugify } from "../content/draft-content";
import type { BriefFields, DraftContent, StoreProduct, TopicIdea } from "./provider";
import {
  clip,
  escapeHtml,
  isWebUrl,
  META_DESCRIPTION,
  META_TITLE_MAX,
  plainText,
  stableHash,
  tidyTags,
  wordCount,
} from "./text";

/** Words each length aims for; a draft lands within about 15% of it. */
export const TARGET_WORDS = { short: 400, medium: 800, long: 1400 } as const;

interface Voice {
  /** Opens the article's first paragraph. */
  hook: string;
  /** Starts a paragraph that gives practical advice. */
  advice: string;
  /** Heading of the closing section. */
  closingHeading: string;
  /** The article's last sentence. */
  signOff: string;
}

const VOICES: Record<string, Voice> = {
  friendly: {
    hook: "Let's keep this simple and useful.",
    advice: "Here's a tip that makes life easier:",
    closingHeading: "Wrapping up",
    signOff: "Have fun with it, and enjoy the results.",
  },
  professional: {
    hook: "This article sets out what matters and why.",
    advice: "In practice,",
    closingHeading: "Summary",
    signOff: "A clear plan and the right tools make the difference.",
  },
  playful: {
    hook: "Ready? Grab a coffee, this is the fun part.",
    advice: "Pro move:",
    closingHeading: "That's a wrap",
    signOff: "Go on, give it a try and make it your own.",
  },
  authoritative: {
    hook: "The fundamentals are simple, and they do not change.",
    advice: "The rule of thumb:",
    closingHeading: "The bottom line",
    signOff: "Get the fundamentals right and the rest follows.",
  },
  inspirational: {
    hook: "Every good habit starts with one small step.",
    advice: "Try this:",
    closingHeading: "Your next step",
    signOff: "Start small, stay curious, and enjoy the journey.",
  },
};

/** The voice for the brief's tone; a tone of the merchant's own words reads like the professional one. */
function voiceFor(tone: string): Voice {
  return VOICES[tone.toLowerCase()] ?? VOICES.professional!;
}

const capitalize = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

interface Terms {
  topic: string;
  keyword: string;
  /** The brief's keywords, the primary first; the topic stands in when there are none. */
  keywords: string[];
  audience: string;
  products: StoreProduct[];
  voice: Voice;
  /** A long article: sections carry an extra paragraph or item. */
  long: boolean;
}

/** The brief's words, escaped once here: everything composed from Terms is HTML-safe. */
function termsOf(brief: BriefFields): Terms {
  const keywords = brief.keywords.length > 0 ? brief.keywords : [brief.topic];
  const keyword = keywords[0]!;
  return {
    topic: escapeHtml(brief.topic),
    keyword: escapeHtml(keyword),
    keywords: keywords.map(escapeHtml),
    audience: escapeHtml(brief.audience || `anyone curious about ${keyword}`),
    products: brief.products,
    voice: voiceFor(brief.tone),
    long: brief.length === "long",
  };
}

/** The paragraph only long articles carry. */
const more = (t: Terms, html: string) => (t.long ? html : "");

/** The n-th keyword, cycling, so headings use several of them. */
const kw = (terms: Terms, n: number) => terms.keywords[n % terms.keywords.length]!;

/** The first one or two sentences of a product's description, escaped; empty when it has none. */
function productSummary(product: StoreProduct): string {
  const sentences = product.description.match(/[^.!?]+[.!?]+/g) ?? [product.description];
  const summary = clip(sentences.slice(0, 2).join(" "), 220);
  return escapeHtml(summary === "" || /[.!?]$/.test(summary) ? summary : `${summary}.`);
}

/** A link to the product's page, or its name alone when its URL is not a web link. */
export function productLink(product: StoreProduct): string {
  const title = escapeHtml(product.title);
  return isWebUrl(product.url) ? `<a href="${escapeHtml(product.url)}">${title}</a>` : title;
}

/** Products described one by one; the rest are linked in one sentence so a short draft stays short. */
const PRODUCT_BLOCKS = { long: 5, other: 2 } as const;

interface Section {
  heading: string;
  html: string;
}

const p = (...sentences: string[]) => `<p>${sentences.join(" ")}</p>`;
const ul = (items: string[]) => `<ul>${items.map((item) => `<li>${item}</li>`).join("")}</ul>`;
const h3 = (text: string) => `<h3>${text}</h3>`;

function intro(t: Terms): string {
  const first = p(
    t.voice.hook,
    `This guide is about ${t.keyword}, written for ${t.audience}.`,
    `The subject today: ${t.topic}.`,
    `Here is what you need to know, in plain words.`,
  );
  return (
    first +
    more(
      t,
      p(
        `Nobody needs to be an expert to get good results with ${t.keyword}.`,
        `A few clear choices, made in the right order, do most of the work.`,
        `Read it start to finish, or jump to the section you need.`,
      ),
    )
  );
}

function whyItMatters(t: Terms): Section {
  return {
    heading: `Why ${kw(t, 0)} matters`,
    html:
      p(
        `For ${t.audience}, ${t.keyword} is rarely about one big decision.`,
        `It is a handful of small ones that add up: what you choose, how you use it, and how you look after it.`,
        `Getting those right saves time and money, and it makes the whole thing more enjoyable.`,
      ) +
      p(
        `The good news is that the basics are easy to learn.`,
        `Once you know what to look for, every later choice gets quicker.`,
      ) +
      more(
        t,
        p(
          `It also helps to be honest about how often you will use what you buy.`,
          `Something used every day deserves a bigger share of the budget than something used once a season.`,
          `That one question settles most choices quickly.`,
        ),
      ),
  };
}

function howToChoose(t: Terms): Section {
  return {
    heading: `How to choose ${kw(t, 1)}`,
    html:
      p(`Before you buy anything, it helps to know what a good choice looks like. Check these points:`) +
      ul([
        `<strong>Fit for purpose:</strong> pick what suits how you will actually use it, not the longest feature list.`,
        `<strong>Quality you can see:</strong> look at materials, finish and the details that show care.`,
        `<strong>Easy to look after:</strong> something simple to clean and store gets used more often.`,
        `<strong>Room to grow:</strong> choose what still works for you once your skills improve.`,
      ]) +
      p(
        t.voice.advice,
        `write down the two or three points that matter most to you, and judge every option by them.`,
      ) +
      more(
        t,
        p(
          `Reviews and product descriptions help, but read them for facts: sizes, materials, care instructions.`,
          `Those tell you far more than adjectives do, and they make options easy to compare side by side.`,
        ),
      ),
  };
}

function productSection(t: Terms): Section | null {
  if (t.products.length === 0) return null;
  const shown = t.products.slice(0, PRODUCT_BLOCKS[t.long ? "long" : "other"]);
  const rest = t.products.slice(shown.length);
  const blocks = shown.map((product, index) => {
    const summary = productSummary(product);
    const use =
      index === 0
        ? `It is a natural starting point if ${t.keyword} is new to you.`
        : `It pairs well with the rest of this list when you want to go a step further.`;
    return h3(escapeHtml(product.title)) + p(`Take a look at ${productLink(product)}.`, summary, use);
  });
  return {
    heading: `Our picks for ${kw(t, 2)}`,
    html:
      p(`These products from our store fit this guide well:`) +
      blocks.join("") +
      (rest.length > 0 ? p(`Also worth a look: ${listOf(rest.map(productLink))}.`) : ""),
  };
}

function gettingStarted(t: Terms): Section {
  return {
    heading: `Getting started with ${kw(t, 3)}`,
    html:
      p(`A good start follows a simple order. Here is one that works:`) +
      ul([
        `Decide what you want to achieve, in one sentence.`,
        `Pick the essentials first and leave the extras for later.`,
        `Try it once, slowly, and note what you would change.`,
        `Adjust one thing at a time so you can see what made the difference.`,
      ]) +
      p(
        `Keeping notes sounds fussy, but it is the fastest way to improve.`,
        `After a few attempts you will know exactly what works for you.`,
      ) +
      more(
        t,
        p(
          `Give yourself time, too.`,
          `The first attempts are for learning, not for perfection, and each one teaches you something the next one uses.`,
        ),
      ),
  };
}

function mistakes(t: Terms): Section {
  return {
    heading: `Common ${kw(t, 4)} mistakes to avoid`,
    html:
      h3(`Buying everything at once`) +
      p(
        `It is tempting to start with a full kit.`,
        `Start with the essentials instead; you will soon learn what you really need.`,
      ) +
      h3(`Skipping the basics`) +
      p(
        `Shortcuts rarely save time with ${t.keyword}.`,
        `The basic steps are there for a reason, and they are the ones that make results repeatable.`,
      ) +
      h3(`Forgetting about care`) +
      p(`A little maintenance keeps things working like new. Build it into your routine from day one.`) +
      more(
        t,
        h3(`Comparing yourself with others`) +
          p(
            `Everyone starts somewhere, and the results you see online took practice.`,
            `Compare today's attempt with your last one instead; that is the progress that counts.`,
          ),
      ),
  };
}

function care(t: Terms): Section {
  return {
    heading: `Making ${kw(t, 5)} last`,
    html:
      p(
        `Looking after what you own is the easiest way to get more from it.`,
        `Follow the care instructions that come with each product, store things clean and dry, and check them now and then.`,
      ) +
      p(
        `Small habits matter more than occasional big efforts.`,
        `A minute of care after each use beats an hour of repairs later.`,
      ) +
      more(
        t,
        p(
          `When something does wear out, replace that one part rather than the whole set.`,
          `It keeps costs down and lets you upgrade the pieces that matter most to you.`,
        ),
      ),
  };
}

function routine(t: Terms): Section {
  return {
    heading: `A simple routine for ${t.audience}`,
    html:
      p(
        `A routine takes the guesswork out of ${t.keyword}.`,
        `Set aside a regular moment, keep your essentials in one place, and follow the same steps each time.`,
      ) +
      p(
        `Once the routine feels natural, change one detail and see what happens.`,
        `That is how a habit turns into a skill.`,
      ) +
      more(
        t,
        p(
          `Share it, too: showing a friend what you have learned is a good way to learn it properly yourself.`,
          `And a second pair of eyes often spots the detail you missed.`,
        ),
      ),
  };
}

function faq(t: Terms): Section {
  const questions = [
    [
      `Is ${t.keyword} hard to get into?`,
      `Not at all. Start with the essentials, follow the basic steps, and improve a little each time.`,
    ],
    [
      `How much should I spend at first?`,
      `Spend on the few things you will use every time, and wait on the extras until you know you need them.`,
    ],
    [
      `How do I know I am doing it right?`,
      `Consistent results are the best sign. If results vary, change one thing at a time until they settle.`,
    ],
    [
      `How often should I look after my things?`,
      `A quick check after each use and a proper clean now and then keep everything in good shape.`,
    ],
    [
      `Can I start on a small budget?`,
      `Yes. The essentials are enough to get good results; add to them only when you know what is missing.`,
    ],
    [
      `What should I do next?`,
      `Pick one idea from this guide and try it this week. Small, steady steps beat big plans.`,
    ],
  ];
  return {
    heading: `Frequently asked questions about ${kw(t, 6)}`,
    html: questions
      .slice(0, t.long ? 6 : 3)
      .map(([question, answer]) => h3(question!) + p(answer!))
      .join(""),
  };
}

function essentials(t: Terms): Section {
  return {
    heading: `What you need for ${kw(t, 7)}`,
    html:
      p(`You need less than you might think. A short list covers most of it:`) +
      ul([
        `The one or two essentials you will use every time.`,
        `A clean, tidy place to keep them.`,
        `A little time set aside, without rushing.`,
        `Somewhere to note what worked and what did not.`,
      ]) +
      p(`Everything else is a nice extra. Add it once you know it solves a problem you actually have.`) +
      more(
        t,
        p(
          `If you are unsure whether something is essential, leave it out for a week.`,
          `If you miss it, it belongs on the list; if you do not, you have saved the money.`,
        ),
      ),
  };
}

function ideasToTry(t: Terms): Section {
  return {
    heading: `Ideas to try with ${kw(t, 8)}`,
    html:
      p(`Once the basics feel easy, a few small experiments keep things interesting:`) +
      ul([
        `Change one step and compare the result with your usual one.`,
        `Try it at a different time of day or in a different setting.`,
        `Invite someone to join you and swap tips.`,
        `Set yourself a small goal for the month and check back at the end.`,
      ]) +
      p(
        `None of these needs extra spending.`,
        `They are simply ways to learn more about what you like, which makes every later choice easier.`,
      ) +
      more(
        t,
        p(
          `Keep the experiments that work and drop the ones that do not.`,
          `Over a few months they add up to a way of doing things that is entirely your own.`,
        ),
      ),
  };
}

function planningAhead(t: Terms): Section {
  return {
    heading: `Planning ahead`,
    html:
      p(
        `A little planning goes a long way with ${t.keyword}.`,
        `Think about the weeks ahead: when you will have time, what you will need, and what you might run out of.`,
      ) +
      p(
        `Keeping a short list of what to restock, and checking it once a week, means you are never caught short.`,
        `It also stops impulse purchases, because you know what you already have.`,
      ) +
      more(
        t,
        p(
          `Seasons matter as well: what you need in winter is not always what you need in summer.`,
          `A quick review when the season changes keeps your routine and your supplies in step.`,
        ),
      ),
  };
}

function differentNeeds(t: Terms): Section {
  return {
    heading: `Matching ${kw(t, 9)} to your needs`,
    html:
      p(
        `No two people use things the same way, so the best choice depends on you.`,
        `Someone just starting out wants simple and forgiving; someone with experience wants control and room to fine-tune.`,
      ) +
      ul([
        `<strong>Short on time:</strong> choose what is quick to set up and quick to clean.`,
        `<strong>Short on space:</strong> choose compact pieces that do more than one job.`,
        `<strong>Buying a gift:</strong> choose a well-made essential rather than a niche extra.`,
      ]) +
      p(`Whichever fits you, the principles in this guide stay the same.`),
  };
}

function closing(t: Terms): Section {
  const featured = t.products[0];
  return {
    heading: t.voice.closingHeading,
    html: p(
      ...[
        `${capitalize(t.keyword)} does not need to be complicated.`,
        `Know what you want, choose well, and look after what you have.`,
        featured ? `If you are ready to start, ${productLink(featured)} is a good first step.` : "",
        t.voice.signOff,
      ].filter(Boolean),
    ),
  };
}

function assemble(opening: string, sections: Section[]): string {
  return opening + sections.map((section) => `<h2>${section.heading}</h2>${section.html}`).join("");
}

/** The article for a brief: the optional sections are added in order while the length allows. */
export function composeDraft(brief: BriefFields): DraftContent {
  const t = termsOf(brief);
  const target = TARGET_WORDS[brief.length];
  const opening = intro(t);
  const fixed = [productSection(t), closing(t)].filter((section): section is Section => section !== null);
  const optional = [
    whyItMatters(t),
    howToChoose(t),
    gettingStarted(t),
    mistakes(t),
    faq(t),
    essentials(t),
    care(t),
    ideasToTry(t),
    routine(t),
    planningAhead(t),
    differentNeeds(t),
  ];
  const chosen: Section[] = [];
  for (const section of optional) {
    const next = [...chosen, section];
    if (wordCount(assemble(opening, [...next, ...fixed])) > target * 1.1) break;
    chosen.push(section);
  }
  // Products read best after the advice that makes them relevant, before the closing words.
  const sections = [...chosen.slice(0, 2), ...fixed.slice(0, -1), ...chosen.slice(2), ...fixed.slice(-1)];
  const bodyHtml = assemble(opening, sections);

  const title = titleFor(brief);
  const plainKeyword = brief.keywords[0] ?? brief.topic;
  return {
    title,
    outline: sections.map((section) => plainText(section.heading)),
    bodyHtml,
    metaTitle: clip(title, META_TITLE_MAX),
    metaDescription: metaDescription(brief, plainKeyword),
    excerpt: excerptFor(brief, plainKeyword, sections),
    tags: tidyTags([...brief.keywords, ...brief.products.map((product) => product.title)], 10),
    handle: slugify(title, 80) || `article-${stableHash(JSON.stringify(brief)).toString(36)}`,
  };
}

/** The title names the primary keyword: the topic itself when it already does. */
function titleFor(brief: BriefFields): string {
  const keyword = brief.keywords[0];
  const topic = capitalize(brief.topic);
  if (!keyword || brief.topic.toLowerCase().includes(keyword.toLowerCase())) return topic;
  return `${topic}: a guide to ${keyword}`;
}

/** What the article covers, in one sentence: its first three headings. */
function excerptFor(brief: BriefFields, keyword: string, sections: Section[]): string {
  const audience = brief.audience ? ` for ${brief.audience}` : "";
  const covered = sections.slice(0, 3).map((section) => plainText(section.heading).toLowerCase());
  return clip(`A guide to ${keyword}${audience}: ${listOf(covered)}.`, 300);
}

/** 120 to 155 characters, whole sentences, naming the keyword (and the audience when it fits). */
function metaDescription(brief: BriefFields, keyword: string): string {
  const covers = ": what to look for, how to get started and the mistakes to avoid.";
  const withAudience = `${capitalize(keyword)} for ${brief.audience}${covers}`;
  const first =
    brief.audience && withAudience.length <= META_DESCRIPTION.max
      ? withAudience
      : capitalize(keyword) + covers;
  let description = first;
  for (const sentence of [
    "A practical guide, step by step.",
    "Clear advice you can use today.",
    "From our store.",
  ])
    if (
      description.length < META_DESCRIPTION.min &&
      description.length + 1 + sentence.length <= META_DESCRIPTION.max
    )
      description += ` ${sentence}`;
  return description;
}

const ANGLES = [
  {
    angle: "A beginner's how-to guide",
    title: (k: string) => `How to get started with ${k}`,
    outline: (k: string) => [`Why ${k} is worth it`, "What you need", "Step by step", "Common mistakes"],
  },
  {
    angle: "A buyer's guide comparing options",
    title: (k: string) => `${capitalize(k)}: a buyer's guide`,
    outline: (k: string) => [`What to look for in ${k}`, "Options compared", "Our picks", "How to decide"],
  },
  {
    angle: "Mistakes to avoid, with fixes",
    title: (k: string) => `${capitalize(k)} mistakes and how to avoid them`,
    outline: () => [
      "The mistake everyone makes",
      "Shortcuts that backfire",
      "Care and upkeep",
      "A better routine",
    ],
  },
  {
    angle: "Care and upkeep that makes things last",
    title: (k: string) => `Making ${k} last: care tips`,
    outline: () => ["Everyday care", "Storing it well", "When to replace", "Products that help"],
  },
  {
    angle: "Frequently asked questions answered",
    title: (k: string) => `${capitalize(k)}: your questions answered`,
    outline: (k: string) => [
      `Is ${k} right for me?`,
      "How much to spend",
      "Getting good results",
      "What next",
    ],
  },
] as const;

/** Five ideas: each angle on the brief's keywords in turn, featuring the products that fit its place. */
export function composeIdeas(brief: BriefFields): TopicIdea[] {
  const keywords = brief.keywords.length > 0 ? brief.keywords : [brief.topic];
  const audience = brief.audience || "your readers";
  return ANGLES.map((angle, index) => {
    const keyword = keywords[index % keywords.length]!;
    // The best-ranked ideas feature the most products: all of them first, then fewer.
    const count = Math.max(brief.products.length - index, Math.min(1, brief.products.length));
    const featured = brief.products.slice(0, count);
    const names = featured.map((product) => product.title);
    const whyItFits =
      names.length > 0
        ? `Speaks to ${audience} about ${keyword} and features ${listOf(names)} from the store.`
        : `Speaks to ${audience} about ${keyword}; add products to the brief to feature them.`;
    return {
      title: angle.title(keyword),
      angle: angle.angle,
      keyword,
      outline: [...angle.outline(keyword)],
      whyItFits,
      productIds: featured.map((product) => product.id),
    };
  });
}

/** "a", "a and b", "a, b and c". */
function listOf(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
