/**
 * What a GraphQL document may ask for before anything runs (docs/security.md):
 * depth, aliases, tokens, directives and cost through GraphQL Armor's plugins,
 * at most one credential check (sign-in, password, emailed token, TOTP code)
 * per operation, introspection by policy and no field suggestions where the
 * schema is not public. Every refusal is a GraphQL error with a code and a
 * sentence, over HTTP and over graphql-ws alike (both run this envelop).
 */

import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import {
  type ASTVisitor,
  type DocumentNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  visit,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { RequestContext } from "../graphql/context.ts";
import type { Audience } from "../graphql/viewer.ts";

/**
 * The limits, with room above what the console and the customer flows send
 * (206 documents measured, docs/security.md) and far below what an abusive
 * document needs.
 */
export const operationLimits = {
  /** Nesting of fields, fragments flattened. The deepest real operation is 7. */
  depth: 12,
  /** Aliased fields in one operation. Real operations use none. */
  aliases: 15,
  /** Lexical tokens in the document. The largest real operation has 100; GraphiQL's introspection about 300. */
  tokens: 2_000,
  /** Directives in one operation. Real operations use none. */
  directives: 10,
  /**
   * GraphQL Armor's cost: objects 2, scalars 1, times 1.5 per level, times a
   * literal `first`/`last`. The costliest real operation is about 7,900 (100
   * activations with their messages).
   */
  cost: 20_000,
} as const;

/**
 * Mutation fields that check a secret someone could guess: a password, a TOTP
 * code, an emailed token; or that send mail on each call. One per operation, so
 * that every attempt is a request of its own and meets the rate limits and
 * lockouts as such: 20 aliased `signIn` fields are refused, not 20 guesses.
 */
export const credentialFields: Record<Audience, ReadonlySet<string>> = {
  customer: new Set([
    "signIn",
    "signUp",
    "changePassword",
    "changeEmail",
    "confirmEmailChange",
    "verifyEmail",
    "requestPasswordReset",
    "resetPassword",
    "requestDeletion",
    "confirmPrivacyRequest",
  ]),
  staff: new Set(["staffSignIn", "staffVerifyTotp", "staffEnrolTotp"]),
};

/** Who may read the schema through introspection. */
export type IntrospectionPolicy = "everyone" | "signed-in-staff" | "nobody";

type Rejection = { code: string; explain(limit: string): string };

const rejections = {
  depth: {
    code: "QUERY_TOO_DEEP",
    explain: (detail) => `The operation nests fields too deeply (${detail}). Ask for less in one operation.`,
  },
  aliases: {
    code: "TOO_MANY_ALIASES",
    explain: (detail) => `The operation uses too many aliases (${detail}). Send separate operations instead.`,
  },
  tokens: {
    code: "DOCUMENT_TOO_LARGE",
    explain: (detail) => `The GraphQL document is too long (${detail}). Send a shorter document.`,
  },
  directives: {
    code: "TOO_MANY_DIRECTIVES",
    explain: (detail) => `The operation uses too many directives (${detail}).`,
  },
  cost: {
    code: "QUERY_TOO_COSTLY",
    explain: (detail) => `The operation asks for too much at once (${detail}). Ask for less in one operation.`,
  },
} satisfies Record<keyof typeof operationLimits, Rejection>;

/**
 * GraphQL Armor reports "Syntax Error: <limit> exceeded, found <n>."; the
 * client gets our code and a sentence that keeps Armor's numbers.
 */
function onReject(rejection: Rejection) {
  return [
    (_context: ValidationContext | null, error: GraphQLError) => {
      const detail = error.message
        .replace(/^Syntax Error: /, "")
        .replace(/\.$/, "")
        .replace(/^./, (first) => first.toLowerCase());
      error.message = rejection.explain(detail);
      (error.extensions as Record<string, unknown>).code = rejection.code;
    },
  ];
}

export function useOperationLimits(options: { audience: Audience; introspection: IntrospectionPolicy }): Plugin[] {
  const plugins: Plugin[] = [
    maxTokensPlugin({ n: operationLimits.tokens, onReject: onReject(rejections.tokens) }),
    maxDepthPlugin({ n: operationLimits.depth, flattenFragments: true, onReject: onReject(rejections.depth) }),
    maxAliasesPlugin({ n: operationLimits.aliases, onReject: onReject(rejections.aliases) }),
    maxDirectivesPlugin({ n: operationLimits.directives, onReject: onReject(rejections.directives) }),
    costLimitPlugin({ maxCost: operationLimits.cost, onReject: onReject(rejections.cost) }),
    {
      onValidate({ addValidationRule }) {
        addValidationRule(oneCredentialCheckRule(credentialFields[options.audience]));
      },
    },
  ];
  if (options.introspection === "nobody") plugins.push(noIntrospection());
  if (options.introspection === "signed-in-staff") plugins.push(introspectionForSignedInStaff());
  // Suggestions ("Did you mean …?") would spell out a schema that introspection hides.
  if (options.introspection !== "everyone") plugins.push(blockFieldSuggestionsPlugin({ mask: "" }));
  return plugins;
}

/** Refuses an operation with more than one credential-checking root field (distinct response keys). */
function oneCredentialCheckRule(fields: ReadonlySet<string>) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      if (operation.operation !== "mutation") return;
      const found = new Map<string, string>();
      const seenFragments = new Set<string>();
      const collect = (selectionSet: SelectionSetNode) => {
        for (const selection of selectionSet.selections) {
          if (selection.kind === Kind.FIELD) {
            if (fields.has(selection.name.value)) found.set(selection.alias?.value ?? selection.name.value, selection.name.value);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            collect(selection.selectionSet);
          } else if (!seenFragments.has(selection.name.value)) {
            seenFragments.add(selection.name.value);
            const fragment = context.getFragment(selection.name.value);
            if (fragment) collect(fragment.selectionSet);
          }
        }
      };
      collect(operation.selectionSet);
      if (found.size <= 1) return;
      const names = [...new Set(found.values())].join(", ");
      context.reportError(
        new GraphQLError(
          `One sign-in, password, token or code check per operation: this one has ${found.size} (${names}). Send each attempt as its own request.`,
          { nodes: operation, extensions: { code: "ONE_CREDENTIAL_CHECK_PER_OPERATION" } },
        ),
      );
    },
  });
}

const introspectionRefused = () =>
  new GraphQLError("Introspection is turned off here. The schema is published with the service's documentation.", {
    extensions: { code: "INTROSPECTION_DISABLED" },
  });

function isIntrospectionField(name: string) {
  return name === "__schema" || name === "__type";
}

/** graphql-js's NoSchemaIntrospectionCustomRule, with our code and sentence. */
function noIntrospection(): Plugin {
  const rule = (context: ValidationContext): ASTVisitor => ({
    Field(node) {
      if (isIntrospectionField(node.name.value)) context.reportError(introspectionRefused());
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}

function asksForIntrospection(document: DocumentNode) {
  let found = false;
  visit(document, {
    Field(node) {
      if (isIntrospectionField(node.name.value)) found = true;
    },
  });
  return found;
}

/** The staff schema reads itself only for a signed-in staff member (known once the context is built). */
function introspectionForSignedInStaff(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const { viewer } = args.contextValue as unknown as RequestContext;
      if (viewer.kind !== "staff" && asksForIntrospection(args.document)) {
        setResultAndStopExecution({ errors: [introspectionRefused()] });
      }
    },
  };
}
