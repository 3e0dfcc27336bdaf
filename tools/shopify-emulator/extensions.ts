// The app's Shopify Flow extensions as Shopify reads them from the deployed app: every
// extensions/<dir>/shopify.extension.toml with a flow_action or flow_trigger. A reader for the slice of
// TOML these files use (tables, arrays of tables, strings, booleans, numbers, comments), not a full parser.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface FlowField {
  key: string;
  type: string;
  name?: string;
  description?: string;
  required: boolean;
}

export interface FlowExtension {
  type: "flow_action" | "flow_trigger";
  handle: string;
  name: string;
  /** flow_action: where Flow POSTs the action. */
  runtimeUrl?: string;
  fields: FlowField[];
  /** The TOML file it was read from. */
  file: string;
}

type Value = string | number | boolean;
type Table = Record<string, Value>;

// A basic "…" string (JSON's escapes are TOML's), a literal '…' string, a boolean or a number.
function value(raw: string, where: string): Value {
  if (raw.startsWith('"')) return JSON.parse(raw) as string;
  if (raw.startsWith("'") && raw.endsWith("'")) return raw.slice(1, -1);
  if (raw === "true" || raw === "false") return raw === "true";
  if (/^[+-]?\d[\d_]*(\.\d+)?$/.test(raw)) return Number(raw.replace(/_/g, ""));
  throw new Error(`${where}: unsupported TOML value ${raw}`);
}

// `key = value  # comment`: the value ends at a # outside a string.
function keyValue(line: string, where: string): [string, Value] {
  const match = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
  if (!match) throw new Error(`${where}: expected key = value`);
  const rest = match[2]!;
  const string = /^("(?:[^"\\]|\\.)*"|'[^']*')/.exec(rest);
  const raw = string ? string[1]! : rest.replace(/#.*$/, "").trim();
  return [match[1]!, value(raw, where)];
}

/** The tables of a file in order: `[[a.b]]` and `[a]` headers, each with its keys. */
export function readTables(text: string, file: string): { path: string; table: Table }[] {
  const tables: { path: string; table: Table }[] = [{ path: "", table: {} }];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    const where = `${file}:${index + 1}`;
    if (!line || line.startsWith("#")) return;
    const header = /^\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) tables.push({ path: header[1]!, table: {} });
    else {
      const [key, parsed] = keyValue(line, where);
      tables.at(-1)!.table[key] = parsed;
    }
  });
  return tables;
}

const str = (table: Table, key: string) => (typeof table[key] === "string" ? table[key] : undefined);

/** One extension's file: its [[extensions]] entry and the [[settings.fields]] after it. */
function readExtension(file: string): FlowExtension | undefined {
  const tables = readTables(readFileSync(file, "utf8"), file);
  const extension = tables.find((t) => t.path === "extensions")?.table;
  const type = extension && str(extension, "type");
  if (!extension || (type !== "flow_action" && type !== "flow_trigger")) return undefined;
  const fields = tables
    .filter((t) => t.path === "settings.fields")
    .map(({ table }) => ({
      key: str(table, "key") ?? "",
      type: str(table, "type") ?? "",
      name: str(table, "name"),
      description: str(table, "description"),
      required: table.required === true,
    }));
  return {
    type,
    handle: str(extension, "handle") ?? "",
    name: str(extension, "name") ?? "",
    runtimeUrl: str(extension, "runtime_url"),
    fields,
    file,
  };
}

/** The Flow actions and triggers under `dir` (an app's extensions/ folder); none when it does not exist. */
export function readFlowExtensions(dir = join(process.cwd(), "extensions")): FlowExtension[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(dir, entry.name, "shopify.extension.toml"))
    .filter((file) => existsSync(file))
    .map(readExtension)
    .filter((extension): extension is FlowExtension => extension !== undefined)
    .sort((a, b) => a.handle.localeCompare(b.handle));
}
