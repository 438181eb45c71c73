// The named operations of graphql/operations/*.graphql, the same files the server's tests execute.
// Each request sends only the operation it names plus the fragments it spreads, so the server validates
// (and counts tokens of) what is actually run.

const files = import.meta.glob<string>("../../../graphql/operations/*.graphql", {
  query: "?raw",
  import: "default",
  eager: true,
});

interface Definition {
  kind: "query" | "mutation" | "subscription" | "fragment";
  name: string;
  text: string;
}

const DEFINITION_HEAD = /^(query|mutation|subscription|fragment)\s+([A-Za-z_][A-Za-z0-9_]*)/;
const FRAGMENT_SPREAD = /\.\.\.\s*(?!on\b)([A-Za-z_][A-Za-z0-9_]*)/g;

function stripComments(source: string): string {
  // No operation of ours holds a '#' inside a string literal, so a line comment runs to the end of line.
  return source.replace(/#[^\n]*/g, "");
}

function splitDefinitions(source: string): Definition[] {
  const text = stripComments(source);
  const found: Definition[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (depth === 0 && start < 0 && /\S/.test(ch)) start = i;
    if (ch === "{") depth++;
    if (ch === "}" && --depth === 0 && start >= 0) {
      const body = text.slice(start, i + 1).trim();
      const head = DEFINITION_HEAD.exec(body);
      if (!head) throw new Error(`Unnamed or unknown GraphQL definition: ${body.slice(0, 40)}`);
      found.push({ kind: head[1] as Definition["kind"], name: head[2], text: body });
      start = -1;
    }
  }
  return found;
}

function buildRegistry(): Map<string, Definition> {
  const registry = new Map<string, Definition>();
  for (const [path, source] of Object.entries(files)) {
    for (const def of splitDefinitions(source)) {
      const key = def.kind === "fragment" ? `fragment:${def.name}` : def.name;
      if (registry.has(key)) throw new Error(`GraphQL definition ${def.name} is defined twice (${path})`);
      registry.set(key, def);
    }
  }
  return registry;
}

const registry = buildRegistry();

function withFragments(def: Definition, seen: Set<string>): string[] {
  const parts = [def.text];
  for (const match of def.text.matchAll(FRAGMENT_SPREAD)) {
    const name = match[1];
    if (seen.has(name)) continue;
    seen.add(name);
    const fragment = registry.get(`fragment:${name}`);
    if (!fragment) throw new Error(`GraphQL fragment ${name} is not defined`);
    parts.push(...withFragments(fragment, seen));
  }
  return parts;
}

/** The document text to send for the named operation (with the fragments it uses). */
export function operationDocument(name: string): string {
  const def = registry.get(name);
  if (!def || def.kind === "fragment") throw new Error(`No GraphQL operation named ${name}`);
  return withFragments(def, new Set()).join("\n\n");
}
