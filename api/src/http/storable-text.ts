/**
 * Text PostgreSQL cannot store faithfully is refused where it enters the
 * service, once for every GraphQL argument and webhook body, instead of
 * failing deep inside a write (NUL: error 22021, answered as an internal
 * error) or being stored altered (a lone UTF-16 surrogate becomes U+FFFD when
 * encoded as UTF-8).
 */
import { BREAK, type DocumentNode, GraphQLError, Kind, type ValueNode, visit } from "graphql";
import type { Plugin } from "graphql-yoga";

export type UnstorableCharacter = "NUL (U+0000)" | "a lone UTF-16 surrogate";

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorableCharacterIn(text: string): UnstorableCharacter | null {
  if (text.includes("\u0000")) return "NUL (U+0000)";
  if (loneSurrogate.test(text)) return "a lone UTF-16 surrogate";
  return null;
}

interface Finding {
  /** The field or directive the argument belongs to. */
  owner: string;
  /** The argument, and where inside its value: `input.name`, `ids[2]`. */
  argument: string;
  character: UnstorableCharacter;
}

/** The first unstorable character in a JSON-like value (keys included), with where it is below `path`. */
function findInValue(value: unknown, path: string, depth = 0): { path: string; character: UnstorableCharacter } | null {
  if (typeof value === "string") {
    const character = unstorableCharacterIn(value);
    return character ? { path, character } : null;
  }
  // Deeper than any input type goes: such a value fails its type anyway.
  if (depth > 64 || !value || typeof value !== "object") return null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findInValue(item, `${path}[${index}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const character = unstorableCharacterIn(key);
    if (character) return { path, character };
    const found = findInValue(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Whether a document has any argument at all, remembered per parsed document
 * (Yoga's parser cache hands the same one to every request with the same
 * text): most reads, `{ balance { … } }` say, have none, and need no walk.
 */
const withArguments = new WeakMap<DocumentNode, boolean>();
function hasArguments(document: DocumentNode): boolean {
  let found = withArguments.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      Argument() {
        found = true;
        return BREAK;
      },
    });
    withArguments.set(document, found);
  }
  return found;
}

/**
 * The first unstorable character in any argument of the document, written
 * inline or passed in a variable (or a variable's default), at any depth of
 * input objects and lists.
 */
export function findUnstorableArgument(
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
): Finding | null {
  if (!hasArguments(document)) return null;
  const defaults = new Map<string, ValueNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? [])
      if (variable.defaultValue) defaults.set(variable.variable.name.value, variable.defaultValue);
  }

  const inNode = (node: ValueNode, path: string): { path: string; character: UnstorableCharacter } | null => {
    switch (node.kind) {
      case Kind.STRING: {
        const character = unstorableCharacterIn(node.value);
        return character ? { path, character } : null;
      }
      case Kind.LIST:
        for (const [index, item] of node.values.entries()) {
          const found = inNode(item, `${path}[${index}]`);
          if (found) return found;
        }
        return null;
      case Kind.OBJECT:
        for (const field of node.fields) {
          const found = inNode(field.value, `${path}.${field.name.value}`);
          if (found) return found;
        }
        return null;
      case Kind.VARIABLE: {
        const name = node.name.value;
        if (variables && Object.hasOwn(variables, name)) return findInValue(variables[name], path);
        const fallback = defaults.get(name);
        return fallback ? inNode(fallback, path) : null;
      }
      default:
        return null;
    }
  };

  let finding: Finding | null = null;
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      const found = inNode(node.value, node.name.value);
      if (!found) return;
      const owner = ancestors.findLast(
        (ancestor) => "kind" in ancestor && (ancestor.kind === Kind.FIELD || ancestor.kind === Kind.DIRECTIVE),
      );
      const ownerName = owner && "name" in owner && owner.name ? owner.name.value : "?";
      finding = {
        owner: owner && "kind" in owner && owner.kind === Kind.DIRECTIVE ? `@${ownerName}` : ownerName,
        argument: found.path,
        character: found.character,
      };
      return BREAK;
    },
  });
  return finding;
}

export function unstorableArgumentError(finding: Finding): GraphQLError {
  return new GraphQLError(
    `Argument "${finding.argument}" of "${finding.owner}" contains ${finding.character}, which cannot be stored. Remove it and try again.`,
    { extensions: { code: "BAD_USER_INPUT", argument: finding.argument, field: finding.owner } },
  );
}

/**
 * Refuses, before anything runs, an operation whose arguments carry text
 * that cannot be stored. Execution and subscription both pass through here,
 * over HTTP and over graphql-ws (which runs operations through the same
 * envelop), so every string argument of both schemas is covered, including
 * those added later.
 */
export function useStorableTextArguments(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const finding = findUnstorableArgument(args.document, args.variableValues);
      if (finding) setResultAndStopExecution({ errors: [unstorableArgumentError(finding)] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const finding = findUnstorableArgument(args.document, args.variableValues);
      if (finding) setResultAndStopExecution({ errors: [unstorableArgumentError(finding)] });
    },
  };
}
