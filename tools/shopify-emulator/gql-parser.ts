// A small GraphQL parser: enough of the language (operations, variables, fragments, inline fragments,
// aliases, arguments, directives) to read the documents shopify-api and the app send, so the emulator can
// answer with exactly the fields asked for and reject the ones Shopify would reject.

export interface Location {
  line: number;
  column: number;
}

export type ValueNode =
  | { kind: "Variable"; name: string }
  | { kind: "Int" | "Float" | "String" | "Enum"; value: string }
  | { kind: "Boolean"; value: boolean }
  | { kind: "Null" }
  | { kind: "List"; values: ValueNode[] }
  | { kind: "Object"; fields: { name: string; value: ValueNode }[] };

export interface Directive {
  name: string;
  args: Map<string, ValueNode>;
}

export interface FieldNode {
  kind: "Field";
  alias?: string;
  name: string;
  args: Map<string, ValueNode>;
  directives: Directive[];
  selectionSet?: SelectionNode[];
  loc: Location;
}

export interface InlineFragmentNode {
  kind: "InlineFragment";
  typeCondition?: string;
  directives: Directive[];
  selectionSet: SelectionNode[];
  loc: Location;
}

export interface FragmentSpreadNode {
  kind: "FragmentSpread";
  name: string;
  directives: Directive[];
  loc: Location;
}

export type SelectionNode = FieldNode | InlineFragmentNode | FragmentSpreadNode;

export interface OperationNode {
  operation: "query" | "mutation" | "subscription";
  name?: string;
  variableDefaults: Map<string, ValueNode>;
  selectionSet: SelectionNode[];
  loc: Location;
}

export interface FragmentNode {
  name: string;
  typeCondition: string;
  selectionSet: SelectionNode[];
}

export interface DocumentNode {
  operations: OperationNode[];
  fragments: Map<string, FragmentNode>;
}

export class GraphQLSyntaxError extends Error {
  constructor(
    message: string,
    readonly loc: Location,
  ) {
    super(message);
  }
}

interface Token {
  kind: "punct" | "name" | "int" | "float" | "string" | "eof";
  value: string;
  loc: Location;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const loc = (at: number): Location => ({ line, column: at - lineStart + 1 });
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === "\n") {
      i++;
      line++;
      lineStart = i;
    } else if (ch === " " || ch === "\t" || ch === "\r" || ch === "," || ch === "\uFEFF") {
      i++;
    } else if (ch === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (source.startsWith("...", i)) {
      tokens.push({ kind: "punct", value: "...", loc: loc(i) });
      i += 3;
    } else if ("!$&():=@[]{}|".includes(ch)) {
      tokens.push({ kind: "punct", value: ch, loc: loc(i) });
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i]!)) i++;
      tokens.push({ kind: "name", value: source.slice(start, i), loc: loc(start) });
    } else if (/[-0-9]/.test(ch)) {
      const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i));
      if (!match) throw new GraphQLSyntaxError(`Unexpected character "${ch}"`, loc(i));
      const isFloat = match[2] !== undefined || match[3] !== undefined;
      tokens.push({ kind: isFloat ? "float" : "int", value: match[0], loc: loc(i) });
      i += match[0].length;
    } else if (source.startsWith('"""', i)) {
      const start = i;
      const end = source.indexOf('"""', i + 3);
      if (end < 0) throw new GraphQLSyntaxError("Unterminated block string", loc(i));
      const raw = source.slice(i + 3, end);
      tokens.push({
        kind: "string",
        value: dedentBlockString(raw.replace(/\\"""/g, '"""')),
        loc: loc(start),
      });
      for (const c of raw) if (c === "\n") line++;
      i = end + 3;
      if (raw.includes("\n")) lineStart = source.lastIndexOf("\n", end) + 1;
    } else if (ch === '"') {
      const start = i;
      let value = "";
      i++;
      for (;;) {
        const c = source[i];
        if (c === undefined || c === "\n") throw new GraphQLSyntaxError("Unterminated string", loc(start));
        if (c === '"') break;
        if (c === "\\") {
          const esc = source[i + 1];
          const simple: Record<string, string> = {
            '"': '"',
            "\\": "\\",
            "/": "/",
            b: "\b",
            f: "\f",
            n: "\n",
            r: "\r",
            t: "\t",
          };
          if (esc !== undefined && esc in simple) {
            value += simple[esc];
            i += 2;
          } else if (esc === "u") {
            value += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
            i += 6;
          } else {
            throw new GraphQLSyntaxError(`Invalid escape sequence "\\${esc ?? ""}"`, loc(i));
          }
        } else {
          value += c;
          i++;
        }
      }
      i++;
      tokens.push({ kind: "string", value, loc: loc(start) });
    } else {
      throw new GraphQLSyntaxError(`Unexpected character "${ch}"`, loc(i));
    }
  }
  tokens.push({ kind: "eof", value: "<EOF>", loc: loc(i) });
  return tokens;
}

function dedentBlockString(raw: string): string {
  const lines = raw.split(/\r\n|\n|\r/);
  const indents = lines
    .slice(1)
    .filter((l) => l.trim() !== "")
    .map((l) => l.length - l.trimStart().length);
  const common = indents.length ? Math.min(...indents) : 0;
  const out = lines.map((l, idx) => (idx === 0 ? l : l.slice(common)));
  while (out.length && out[0]!.trim() === "") out.shift();
  while (out.length && out[out.length - 1]!.trim() === "") out.pop();
  return out.join("\n");
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private isPunct(value: string): boolean {
    const t = this.peek();
    return t.kind === "punct" && t.value === value;
  }
  private skipPunct(value: string): boolean {
    if (this.isPunct(value)) {
      this.pos++;
      return true;
    }
    return false;
  }
  private expectPunct(value: string): Token {
    const t = this.next();
    if (t.kind !== "punct" || t.value !== value) {
      throw new GraphQLSyntaxError(`Expected "${value}", found ${describe(t)}`, t.loc);
    }
    return t;
  }
  private expectName(): Token {
    const t = this.next();
    if (t.kind !== "name") throw new GraphQLSyntaxError(`Expected a name, found ${describe(t)}`, t.loc);
    return t;
  }

  document(): DocumentNode {
    const operations: OperationNode[] = [];
    const fragments = new Map<string, FragmentNode>();
    while (this.peek().kind !== "eof") {
      const t = this.peek();
      if (t.kind === "name" && t.value === "fragment") {
        const fragment = this.fragmentDefinition();
        fragments.set(fragment.name, fragment);
      } else {
        operations.push(this.operationDefinition());
      }
    }
    if (!operations.length) throw new GraphQLSyntaxError("Document has no operation", this.peek().loc);
    return { operations, fragments };
  }

  private operationDefinition(): OperationNode {
    const start = this.peek();
    if (this.isPunct("{")) {
      return {
        operation: "query",
        variableDefaults: new Map(),
        selectionSet: this.selectionSet(),
        loc: start.loc,
      };
    }
    const keyword = this.expectName();
    if (keyword.value !== "query" && keyword.value !== "mutation" && keyword.value !== "subscription") {
      throw new GraphQLSyntaxError(`Unexpected name "${keyword.value}"`, keyword.loc);
    }
    const name = this.peek().kind === "name" ? this.next().value : undefined;
    const variableDefaults = new Map<string, ValueNode>();
    if (this.skipPunct("(")) {
      while (!this.skipPunct(")")) {
        this.expectPunct("$");
        const variable = this.expectName().value;
        this.expectPunct(":");
        this.typeReference();
        if (this.skipPunct("=")) variableDefaults.set(variable, this.value(true));
        this.directives();
      }
    }
    this.directives();
    return {
      operation: keyword.value,
      name,
      variableDefaults,
      selectionSet: this.selectionSet(),
      loc: start.loc,
    };
  }

  private typeReference(): void {
    if (this.skipPunct("[")) {
      this.typeReference();
      this.expectPunct("]");
    } else {
      this.expectName();
    }
    this.skipPunct("!");
  }

  private fragmentDefinition(): FragmentNode {
    this.expectName();
    const name = this.expectName().value;
    const on = this.expectName();
    if (on.value !== "on") throw new GraphQLSyntaxError(`Expected "on", found ${describe(on)}`, on.loc);
    const typeCondition = this.expectName().value;
    this.directives();
    return { name, typeCondition, selectionSet: this.selectionSet() };
  }

  private selectionSet(): SelectionNode[] {
    this.expectPunct("{");
    const selections: SelectionNode[] = [];
    while (!this.skipPunct("}")) selections.push(this.selection());
    if (!selections.length) throw new GraphQLSyntaxError("Empty selection set", this.peek().loc);
    return selections;
  }

  private selection(): SelectionNode {
    const start = this.peek();
    if (this.skipPunct("...")) {
      const t = this.peek();
      if (t.kind === "name" && t.value === "on") {
        this.next();
        const typeCondition = this.expectName().value;
        const directives = this.directives();
        return {
          kind: "InlineFragment",
          typeCondition,
          directives,
          selectionSet: this.selectionSet(),
          loc: start.loc,
        };
      }
      if (t.kind === "name") {
        this.next();
        return { kind: "FragmentSpread", name: t.value, directives: this.directives(), loc: start.loc };
      }
      const directives = this.directives();
      return { kind: "InlineFragment", directives, selectionSet: this.selectionSet(), loc: start.loc };
    }
    let name = this.expectName().value;
    let alias: string | undefined;
    if (this.skipPunct(":")) {
      alias = name;
      name = this.expectName().value;
    }
    const args = this.arguments();
    const directives = this.directives();
    const selectionSet = this.isPunct("{") ? this.selectionSet() : undefined;
    return { kind: "Field", alias, name, args, directives, selectionSet, loc: start.loc };
  }

  private arguments(): Map<string, ValueNode> {
    const args = new Map<string, ValueNode>();
    if (this.skipPunct("(")) {
      while (!this.skipPunct(")")) {
        const name = this.expectName().value;
        this.expectPunct(":");
        args.set(name, this.value(false));
      }
    }
    return args;
  }

  private directives(): Directive[] {
    const directives: Directive[] = [];
    while (this.skipPunct("@")) directives.push({ name: this.expectName().value, args: this.arguments() });
    return directives;
  }

  private value(isConst: boolean): ValueNode {
    const t = this.next();
    switch (t.kind) {
      case "int":
        return { kind: "Int", value: t.value };
      case "float":
        return { kind: "Float", value: t.value };
      case "string":
        return { kind: "String", value: t.value };
      case "name":
        if (t.value === "true" || t.value === "false") return { kind: "Boolean", value: t.value === "true" };
        if (t.value === "null") return { kind: "Null" };
        return { kind: "Enum", value: t.value };
      case "punct":
        if (t.value === "$" && !isConst) return { kind: "Variable", name: this.expectName().value };
        if (t.value === "[") {
          const values: ValueNode[] = [];
          while (!this.skipPunct("]")) values.push(this.value(isConst));
          return { kind: "List", values };
        }
        if (t.value === "{") {
          const fields: { name: string; value: ValueNode }[] = [];
          while (!this.skipPunct("}")) {
            const name = this.expectName().value;
            this.expectPunct(":");
            fields.push({ name, value: this.value(isConst) });
          }
          return { kind: "Object", fields };
        }
    }
    throw new GraphQLSyntaxError(`Unexpected ${describe(t)}`, t.loc);
  }
}

function describe(t: Token): string {
  return t.kind === "eof" ? "end of document" : `"${t.value}"`;
}

export function parse(source: string): DocumentNode {
  return new Parser(tokenize(source)).document();
}
