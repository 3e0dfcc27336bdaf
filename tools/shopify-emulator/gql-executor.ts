// Validates a parsed document against a small declared schema, then executes it over plain objects.
// Validation runs before any resolver so that a mutation with a bad selection fails without side effects,
// as it does on Shopify, and unknown fields come back as GraphQL errors instead of silently missing data.

import {
  GraphQLSyntaxError,
  parse,
  type Directive,
  type DocumentNode,
  type FieldNode,
  type Location,
  type OperationNode,
  type SelectionNode,
  type ValueNode,
} from "./gql-parser";

export type FieldDef = string | { type: string; args: readonly string[] };

export interface TypeDef {
  fields: Record<string, FieldDef>;
  // Set for interfaces and unions: the object types a value of this type can be.
  possibleTypes?: readonly string[];
}

export interface Schema {
  query: string;
  mutation: string;
  types: Record<string, TypeDef>;
  // Scalars and enums: everything a field may return besides declared object types.
  leaves: ReadonlySet<string>;
}

export interface GraphQLErrorEntry {
  message: string;
  locations?: Location[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorEntry[];
  extensions?: Record<string, unknown>;
}

// What resolvers return: objects tagged with their GraphQL type; a field needing arguments is a function.
export interface GqlObject {
  __typename: string;
  [field: string]: unknown;
}

export type Args = Record<string, unknown>;

// Thrown by a resolver for an error Shopify reports in the `errors` array (field becomes null).
export class GqlFieldError extends Error {
  constructor(
    message: string,
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
  }
}

function namedType(type: string): string {
  return type.replace(/[[\]!]/g, "");
}

function fieldDef(
  schema: Schema,
  typeName: string,
  field: string,
): { type: string; args: readonly string[] } | undefined {
  const def = schema.types[typeName]?.fields[field];
  if (def === undefined) return undefined;
  return typeof def === "string" ? { type: def, args: [] } : def;
}

// Fails fast on typos in the schema declaration itself.
export function checkSchema(schema: Schema): void {
  for (const [typeName, type] of Object.entries(schema.types)) {
    for (const [field, def] of Object.entries(type.fields)) {
      const target = namedType(typeof def === "string" ? def : def.type);
      if (!schema.types[target] && !schema.leaves.has(target)) {
        throw new Error(`Schema: ${typeName}.${field} refers to unknown type ${target}`);
      }
    }
    for (const possible of type.possibleTypes ?? []) {
      if (!schema.types[possible]) throw new Error(`Schema: ${typeName} lists unknown type ${possible}`);
    }
  }
}

function typesOverlap(schema: Schema, a: string, b: string): boolean {
  const expand = (t: string) => new Set(schema.types[t]?.possibleTypes ?? [t]);
  const left = expand(a);
  return [...expand(b)].some((t) => left.has(t));
}

class Validator {
  readonly errors: GraphQLErrorEntry[] = [];
  constructor(
    private readonly schema: Schema,
    private readonly doc: DocumentNode,
  ) {}

  selections(typeName: string, selections: SelectionNode[], fragmentTrail: string[]): void {
    for (const sel of selections) {
      if (sel.kind === "Field") this.field(typeName, sel, fragmentTrail);
      else if (sel.kind === "InlineFragment") {
        const cond = sel.typeCondition ?? typeName;
        if (this.condition(typeName, cond, sel.loc)) this.selections(cond, sel.selectionSet, fragmentTrail);
      } else {
        const fragment = this.doc.fragments.get(sel.name);
        if (!fragment) {
          this.error(`Fragment ${sel.name} was used, but not defined`, sel.loc, {
            code: "useAndDefineFragment",
          });
        } else if (fragmentTrail.includes(sel.name)) {
          this.error(`Fragment ${sel.name} contains an infinite loop`, sel.loc, { code: "infiniteLoop" });
        } else if (this.condition(typeName, fragment.typeCondition, sel.loc)) {
          this.selections(fragment.typeCondition, fragment.selectionSet, [...fragmentTrail, sel.name]);
        }
      }
    }
  }

  private condition(parent: string, cond: string, loc: Location): boolean {
    if (!this.schema.types[cond]) {
      this.error(`No such type ${cond}, so it can't be a fragment condition`, loc, { code: "undefinedType" });
      return false;
    }
    if (!typesOverlap(this.schema, parent, cond)) {
      this.error(`Fragment on ${cond} can't be spread inside ${parent}`, loc, {
        code: "cannotSpreadFragment",
      });
      return false;
    }
    return true;
  }

  private field(typeName: string, node: FieldNode, fragmentTrail: string[]): void {
    if (node.name === "__typename") return;
    const def = fieldDef(this.schema, typeName, node.name);
    if (!def) {
      this.error(`Field '${node.name}' doesn't exist on type '${typeName}'`, node.loc, {
        code: "undefinedField",
        typeName,
        fieldName: node.name,
      });
      return;
    }
    for (const arg of node.args.keys()) {
      if (!def.args.includes(arg)) {
        this.error(`Field '${node.name}' doesn't accept argument '${arg}'`, node.loc, {
          code: "argumentNotAccepted",
          name: node.name,
          typeName: "Field",
          argumentName: arg,
        });
      }
    }
    const target = namedType(def.type);
    const isLeaf = this.schema.leaves.has(target);
    if (isLeaf && node.selectionSet) {
      this.error(
        `Selections can't be made on scalars (field '${node.name}' returns ${target} but has selections)`,
        node.loc,
        {
          code: "selectionMismatch",
        },
      );
    } else if (!isLeaf && !node.selectionSet) {
      this.error(
        `Field must have selections (field '${node.name}' returns ${target} but has no selections. Did you mean '${node.name} { ... }'?)`,
        node.loc,
        { code: "selectionMismatch" },
      );
    } else if (node.selectionSet) {
      this.selections(target, node.selectionSet, fragmentTrail);
    }
  }

  private error(message: string, loc: Location, extensions: Record<string, unknown>): void {
    this.errors.push({ message, locations: [loc], extensions });
  }
}

class Executor {
  readonly errors: GraphQLErrorEntry[] = [];
  constructor(
    private readonly schema: Schema,
    private readonly doc: DocumentNode,
    private readonly variables: Args,
  ) {}

  // Fields resolve one after another (a mutation's root fields must run in order); a resolver may be async.
  async object(
    obj: GqlObject,
    selections: SelectionNode[],
    path: (string | number)[],
  ): Promise<Record<string, unknown>> {
    const result: Record<string, unknown> = {};
    for (const [key, nodes] of this.collect(obj.__typename, selections, new Map())) {
      const node = nodes[0]!;
      if (node.name === "__typename") {
        result[key] = obj.__typename;
        continue;
      }
      const def = fieldDef(this.schema, obj.__typename, node.name);
      if (!def)
        throw new Error(`Emulator bug: ${obj.__typename}.${node.name} passed validation but is not declared`);
      const fieldPath = [...path, key];
      try {
        const raw = obj[node.name];
        const value: unknown = await (typeof raw === "function" ? raw(this.args(node.args)) : raw);
        const subSelections = nodes.flatMap((n) => n.selectionSet ?? []);
        result[key] = await this.complete(value, subSelections, fieldPath);
      } catch (error) {
        if (!(error instanceof GqlFieldError)) throw error;
        this.errors.push({
          message: error.message,
          locations: [node.loc],
          path: fieldPath,
          extensions: error.extensions,
        });
        result[key] = null;
      }
    }
    return result;
  }

  private async complete(
    value: unknown,
    selections: SelectionNode[],
    path: (string | number)[],
  ): Promise<unknown> {
    if (value === undefined || value === null) return null;
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (const [i, item] of value.entries())
        items.push(await this.complete(item, selections, [...path, i]));
      return items;
    }
    if (typeof value === "object" && "__typename" in value)
      return this.object(value as GqlObject, selections, path);
    return value;
  }

  // GraphQL's CollectFields: flattens fragments that apply to the runtime type and groups by response key.
  private collect(
    runtimeType: string,
    selections: SelectionNode[],
    into: Map<string, FieldNode[]>,
  ): Map<string, FieldNode[]> {
    for (const sel of selections) {
      if (!this.included(sel.directives)) continue;
      if (sel.kind === "Field") {
        const key = sel.alias ?? sel.name;
        into.set(key, [...(into.get(key) ?? []), sel]);
      } else if (sel.kind === "InlineFragment") {
        if (this.applies(sel.typeCondition, runtimeType)) this.collect(runtimeType, sel.selectionSet, into);
      } else {
        const fragment = this.doc.fragments.get(sel.name)!;
        if (this.applies(fragment.typeCondition, runtimeType))
          this.collect(runtimeType, fragment.selectionSet, into);
      }
    }
    return into;
  }

  /**
   * Shopify's calculated query cost (shopify.dev "GraphQL Admin API rate limits"): scalars and enums 0,
   * objects 1, a connection 2 plus its page size times the cost of one node, an abstract type the most
   * expensive of its possible types, a mutation 10. With `data` it is the actual cost: connections count
   * the nodes they returned and null objects nothing.
   */
  cost(typeName: string, selections: SelectionNode[], data?: unknown): number {
    const possible = this.schema.types[typeName]?.possibleTypes;
    if (possible) return Math.max(0, ...possible.map((t) => this.cost(t, selections, data)));
    const record = data as Record<string, unknown> | undefined;
    let total = 0;
    for (const [key, nodes] of this.collect(typeName, selections, new Map())) {
      const node = nodes[0]!;
      const def = node.name === "__typename" ? undefined : fieldDef(this.schema, typeName, node.name);
      if (!def) continue;
      const target = namedType(def.type);
      if (this.schema.leaves.has(target)) continue;
      const sub = nodes.flatMap((n) => n.selectionSet ?? []);
      const value = record?.[key];
      if (data !== undefined && (value === null || value === undefined)) continue;
      if (target.endsWith("Connection")) {
        total += 2 + this.connectionCost(target, sub, this.args(node.args), value);
      } else if (def.type.startsWith("[")) {
        const items = Array.isArray(value) ? value : undefined;
        const ids = this.args(node.args).ids;
        const count = items?.length ?? (Array.isArray(ids) ? ids.length : 1);
        for (let i = 0; i < count; i++)
          total += 1 + this.cost(target, sub, items ? (items[i] ?? null) : undefined);
      } else {
        total += 1 + this.cost(target, sub, value);
      }
    }
    return total;
  }

  private connectionCost(type: string, selections: SelectionNode[], args: Args, data: unknown): number {
    const nodeType = type.replace(/Connection$/, "");
    const fields = this.collect(type, selections, new Map());
    const connection = data as { [key: string]: unknown } | undefined;
    const parts: { selections: SelectionNode[]; items?: unknown[] }[] = [];
    for (const [key, nodes] of fields) {
      const sub = nodes.flatMap((n) => n.selectionSet ?? []);
      if (nodes[0]!.name === "nodes")
        parts.push({ selections: sub, items: connection && (connection[key] as unknown[]) });
      if (nodes[0]!.name === "edges") {
        const edges = connection && (connection[key] as Record<string, unknown>[]);
        for (const [edgeKey, edgeNodes] of this.collect(`${nodeType}Edge`, sub, new Map())) {
          if (edgeNodes[0]!.name !== "node") continue;
          parts.push({
            selections: edgeNodes.flatMap((n) => n.selectionSet ?? []),
            items: edges?.map((e) => e[edgeKey]),
          });
        }
      }
    }
    const size = Number(args.first ?? args.last ?? 0) || 0;
    let most = 0;
    for (const part of parts) {
      const items = part.items ?? Array.from({ length: size }, () => undefined);
      let sum = 0;
      for (const item of items) sum += 1 + this.cost(nodeType, part.selections, item);
      most = Math.max(most, sum);
    }
    return most;
  }

  private applies(cond: string | undefined, runtimeType: string): boolean {
    return (
      cond === undefined ||
      cond === runtimeType ||
      !!this.schema.types[cond]?.possibleTypes?.includes(runtimeType)
    );
  }

  private included(directives: Directive[]): boolean {
    for (const d of directives) {
      const condition = d.args.get("if");
      const value = condition ? this.value(condition) : undefined;
      if (d.name === "skip" && value === true) return false;
      if (d.name === "include" && value === false) return false;
    }
    return true;
  }

  private args(nodes: Map<string, ValueNode>): Args {
    const args: Args = {};
    for (const [name, node] of nodes) {
      const value = this.value(node);
      if (value !== undefined) args[name] = value;
    }
    return args;
  }

  value(node: ValueNode): unknown {
    switch (node.kind) {
      case "Variable":
        return this.variables[node.name];
      case "Int":
        return parseInt(node.value, 10);
      case "Float":
        return parseFloat(node.value);
      case "String":
      case "Enum":
        return node.value;
      case "Boolean":
        return node.value;
      case "Null":
        return null;
      case "List":
        return node.values.map((v) => this.value(v));
      case "Object":
        return Object.fromEntries(node.fields.map((f) => [f.name, this.value(f.value)]));
    }
  }
}

function pickOperation(doc: DocumentNode, operationName: string | undefined): OperationNode | string {
  if (operationName) {
    return doc.operations.find((op) => op.name === operationName) ?? `No operation named "${operationName}"`;
  }
  if (doc.operations.length > 1)
    return "An operation name is required when the document has several operations";
  return doc.operations[0]!;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

// The leaky bucket a query's cost is drawn from (throttle.ts).
export interface CostBudget {
  // Takes `points`, or takes nothing and answers false when the bucket holds fewer.
  take(points: number): boolean;
  refund(points: number): void;
  status(): ThrottleStatus;
}

// Shopify refuses any single query whose requested cost is above this, whatever the bucket holds.
export const MAX_QUERY_COST = 1000;
const MUTATION_COST = 10;
const RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits";

export interface ExecuteRequest {
  query: string;
  variables?: Args;
  operationName?: string;
  // Root values: the query root and the mutation root objects for this request.
  roots: { query: () => GqlObject; mutation: () => GqlObject };
  // Without one, queries are not costed (and no extensions.cost is returned).
  budget?: CostBudget;
}

export async function execute(schema: Schema, request: ExecuteRequest): Promise<GraphQLResponse> {
  let doc: DocumentNode;
  try {
    doc = parse(request.query);
  } catch (error) {
    if (!(error instanceof GraphQLSyntaxError)) throw error;
    return {
      errors: [
        {
          message: `Parse error: ${error.message}`,
          locations: [error.loc],
          extensions: { code: "parseError" },
        },
      ],
    };
  }
  const operation = pickOperation(doc, request.operationName);
  if (typeof operation === "string") return { errors: [{ message: operation }] };
  if (operation.operation === "subscription") {
    return {
      errors: [{ message: "Subscriptions are not supported by the Admin API", locations: [operation.loc] }],
    };
  }
  const rootType = operation.operation === "mutation" ? schema.mutation : schema.query;
  const validator = new Validator(schema, doc);
  validator.selections(rootType, operation.selectionSet, []);
  if (validator.errors.length) return { errors: validator.errors };

  const defaults = new Executor(schema, doc, {});
  const variables: Args = {};
  for (const [name, node] of operation.variableDefaults) variables[name] = defaults.value(node);
  Object.assign(variables, request.variables ?? {});
  const executor = new Executor(schema, doc, variables);
  const isMutation = operation.operation === "mutation";
  const costOf = (data?: unknown) =>
    isMutation ? MUTATION_COST : executor.cost(rootType, operation.selectionSet, data);
  const budget = request.budget;
  const requested = costOf();
  const cost = (actual: number | null) => ({
    cost: {
      requestedQueryCost: requested,
      actualQueryCost: actual,
      throttleStatus: budget!.status(),
    },
  });
  if (budget && requested > MAX_QUERY_COST) {
    const message =
      `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\n` +
      `See ${RATE_LIMITS_DOC} for more information on how the cost of a query is calculated.\n\n` +
      "To query larger amounts of data with fewer limits, bulk operations should be used instead.";
    return {
      errors: [
        {
          message,
          extensions: {
            code: "MAX_COST_EXCEEDED",
            cost: requested,
            maxCost: MAX_QUERY_COST,
            documentation: RATE_LIMITS_DOC,
          },
        },
      ],
      extensions: cost(null),
    };
  }
  if (budget && !budget.take(requested)) {
    return {
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMITS_DOC } }],
      extensions: cost(null),
    };
  }
  const root = isMutation ? request.roots.mutation() : request.roots.query();
  const data = await executor.object(root, operation.selectionSet, []);
  const result: GraphQLResponse = executor.errors.length ? { data, errors: executor.errors } : { data };
  if (!budget) return result;
  const actual = costOf(data);
  budget.refund(requested - actual);
  return { ...result, extensions: cost(actual) };
}
