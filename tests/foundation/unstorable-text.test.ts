import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import {
  createCustomer,
  createStaffMember,
  type GraphqlClient,
  type GraphqlResponse,
  startTestApp,
  type TestApp,
} from "@smsape/api/testing";
import {
  buildSchema,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from "graphql";
import { createYoga } from "graphql-yoga";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSchemas } from "../../api/src/graphql/schema.ts";
import { useStorableTextArguments } from "../../api/src/http/storable-text.ts";

let app: TestApp;
let customer: GraphqlClient;
let staff: GraphqlClient;
beforeAll(async () => {
  app = await startTestApp();
  customer = (await createCustomer(app, { balanceMinor: 10_000 })).client;
  ({ client: staff } = await createStaffMember(app, { role: "ADMIN" }));
});
afterAll(async () => {
  await app?.close();
});

const unstorable = { NUL: "probe\u0000text", "lone surrogate": "probe\ud800text" } as const;

type Path = Array<string | number>;

/** Every way down an input type to a String or ID, through input objects and lists. */
function textPaths(type: GraphQLInputType, seen: ReadonlySet<string> = new Set()): Path[] {
  if (isNonNullType(type)) return textPaths(type.ofType, seen);
  if (isListType(type)) return textPaths(type.ofType, seen).map((path) => [0, ...path]);
  if (isScalarType(type)) return type.name === "String" || type.name === "ID" ? [[]] : [];
  if (isInputObjectType(type) && !seen.has(type.name)) {
    const inner = new Set([...seen, type.name]);
    return Object.values(type.getFields()).flatMap((field) => textPaths(field.type, inner).map((path) => [field.name, ...path]));
  }
  return [];
}

/** A valid value for a type: what a required argument or input field needs so the operation is well formed. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]?.value;
  if (isInputObjectType(type))
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((field) => isNonNullType(field.type) && field.defaultValue === undefined)
        .map((field) => [field.name, sample(field.type)]),
    );
  if (isScalarType(type)) {
    if (type.name === "ID") return randomUUID();
    if (type.name === "Int" || type.name === "Float" || type.name === "BigInt") return 1;
    if (type.name === "Boolean") return false;
    if (type.name === "DateTime") return new Date().toISOString();
  }
  return "x";
}

/** A valid value with `text` placed at `path`. */
function valueWith(type: GraphQLInputType, path: Path, text: string): unknown {
  if (isNonNullType(type)) return valueWith(type.ofType, path, text);
  if (isListType(type)) return [valueWith(type.ofType, path.slice(1), text)];
  if (isInputObjectType(type)) {
    const [name, ...rest] = path;
    const field = type.getFields()[String(name)];
    if (!field) throw new Error(`no field ${String(name)} in ${type.name}`);
    return { ...(sample(type) as object), [field.name]: valueWith(field.type, rest, text) };
  }
  return text;
}

const label = (argument: string, path: Path) =>
  [argument, ...path].reduce<string>(
    (text, step, index) => (index === 0 ? String(step) : typeof step === "number" ? `${text}[${step}]` : `${text}.${step}`),
    "",
  );

interface Probe {
  audience: "customer" | "staff";
  operation: "query" | "mutation" | "subscription";
  field: string;
  /** Where the text goes: `input.name`. */
  argument: string;
  document: string;
  variables: (text: string) => Record<string, unknown>;
}

/** One operation per String/ID argument path of every root field: new arguments are probed without touching this test. */
function probesOf(audience: Probe["audience"], schema: GraphQLSchema): Probe[] {
  const roots = [
    ["query", schema.getQueryType()],
    ["mutation", schema.getMutationType()],
    ["subscription", schema.getSubscriptionType()],
  ] as const;
  return roots.flatMap(([operation, root]) =>
    Object.values(root?.getFields() ?? {}).flatMap((field: GraphQLField<unknown, unknown>) =>
      field.args.flatMap((target) =>
        textPaths(target.type).map((path): Probe => {
          const others = field.args.filter((arg) => arg !== target && isNonNullType(arg.type) && arg.defaultValue === undefined);
          const declared = [target, ...others].map((arg) => `$${arg.name}: ${String(arg.type)}`).join(", ");
          const passed = [target, ...others].map((arg) => `${arg.name}: $${arg.name}`).join(", ");
          const selection = isCompositeType(getNamedType(field.type)) ? "{ __typename }" : "";
          return {
            audience,
            operation,
            field: field.name,
            argument: label(target.name, path),
            document: `${operation} Probe(${declared}) { ${field.name}(${passed}) ${selection} }`,
            variables: (text) => ({
              ...Object.fromEntries(others.map((arg) => [arg.name, sample(arg.type)])),
              [target.name]: valueWith(target.type, path, text),
            }),
          };
        }),
      ),
    ),
  );
}

/** What each table of ours holds; sessions only by count, since signing in touches their last-seen time. */
async function fingerprint(): Promise<Record<string, string>> {
  const tables = await app.services.db.$queryRawUnsafe<Array<{ name: string }>>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const content = /session/i.test(name) ? "count(*)::text" : `md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))`;
    const [row] = await app.services.db.$queryRawUnsafe<Array<{ n: number; content: string }>>(
      `SELECT count(*)::int AS n, ${content} AS content FROM "public"."${name}" t`,
    );
    result[name] = `${row?.n}:${row?.content}`;
  }
  return result;
}

/** The first answer of a subscription over graphql-ws: its errors, whether sent as a result or as an error message. */
function firstAnswer(client: GraphqlClient, document: string, variables: Record<string, unknown>): Promise<GraphqlResponse> {
  const socket = client.subscriptions();
  return new Promise<GraphqlResponse>((resolve) => {
    const timer = setTimeout(() => finish({ errors: [{ message: "no answer within 10 s" }] }), 10_000);
    const finish = (answer: GraphqlResponse) => {
      clearTimeout(timer);
      unsubscribe();
      void socket.dispose();
      resolve(answer);
    };
    const unsubscribe = socket.subscribe(
      { query: document, variables },
      {
        next: (value) => finish(value as GraphqlResponse),
        error: (error) => finish({ errors: Array.isArray(error) ? error : [{ message: String(error) }] }),
        complete: () => finish({ errors: [{ message: "completed without an answer" }] }),
      },
    );
  });
}

const refusedAsBadInput = (answer: GraphqlResponse, argument: string) =>
  answer.errors?.length === 1 &&
  answer.errors[0]?.extensions?.code === "BAD_USER_INPUT" &&
  answer.errors[0].message.includes(`"${argument}"`) &&
  !(answer as { data?: unknown }).data;

describe("text PostgreSQL cannot store, in GraphQL arguments", () => {
  it("refuses NUL and lone surrogates in every String and ID argument of both schemas with BAD_USER_INPUT, and writes nothing", async () => {
    const schemas = buildSchemas();
    const probes = [...probesOf("customer", schemas.customer), ...probesOf("staff", schemas.staff)];
    // The walk reaches the arguments that crashed before, at any depth of input objects.
    expect(probes.map((probe) => `${probe.field}(${probe.argument})`)).toEqual(
      expect.arrayContaining([
        "createApiKey(input.name)",
        "orderNumber(input.service)",
        "requestDataCopy(input.details)",
        "staffSignIn(input.email)",
      ]),
    );
    expect(probes.some((probe) => probe.operation === "subscription")).toBe(true);

    const before = await fingerprint();
    const wrong: string[] = [];
    for (const probe of probes) {
      const client = probe.audience === "customer" ? customer : staff;
      for (const [name, text] of Object.entries(unstorable)) {
        const answer =
          probe.operation === "subscription"
            ? await firstAnswer(client, probe.document, probe.variables(text))
            : await client.request(probe.document, probe.variables(text));
        if (!refusedAsBadInput(answer, probe.argument))
          wrong.push(`${probe.audience} ${probe.field}(${probe.argument}) with ${name}: ${JSON.stringify(answer)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  });

  it("refuses them written inline, at the top level, inside input objects, and as a variable's default", async () => {
    const documents = [
      [`query { activation(id: "\\u0000") { id } }`, "id"],
      [`mutation { createApiKey(input: { name: "key\\u0000" }) { __typename } }`, "input.name"],
      [`mutation { orderNumber(input: { country: "GB", service: "tele\\u0000gram" }) { __typename } }`, "input.service"],
      [
        `mutation($input: RequestDataCopyInput = { details: "\\u0000" }) { requestDataCopy(input: $input) { __typename } }`,
        "input.details",
      ],
      [`query($id: ID! = "\\u0000") { activation(id: $id) { id } }`, "id"],
    ] as const;
    const before = await fingerprint();
    for (const [document, argument] of documents) {
      const answer = await customer.request(document);
      expect(refusedAsBadInput(answer, argument), `${document}: ${JSON.stringify(answer)}`).toBe(true);
      expect(answer.errors?.[0]?.message).toMatch(/NUL/);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it("refuses them in a subscription's arguments over graphql-ws", async () => {
    const answer = await firstAnswer(customer, `subscription($id: ID) { smsReceived(activationId: $id) { id } }`, {
      id: "\u0000",
    });
    expect(answer.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
  });

  it("lets ordinary text through, including characters outside the BMP", async () => {
    const { createApiKey } = await customer.data(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { __typename ... on CreateApiKeyPayload { apiKey { name } } } }`,
      { input: { name: "Build server 🚀 (ünïcode)" } },
    );
    expect(createApiKey).toEqual({ __typename: "CreateApiKeyPayload", apiKey: { name: "Build server 🚀 (ünïcode)" } });
  });
});

describe("the argument check on any schema", () => {
  // Neither schema has a list of strings yet; the check must reach into lists when one comes.
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const schema = buildSchema(`
      input Tag { name: String!, aliases: [String!] }
      type Query { echo(words: [String!], tags: [Tag!], matrix: [[String]]): String }
    `);
    const yoga = createYoga({
      schema,
      plugins: [useStorableTextArguments()],
      maskedErrors: false,
      logging: false,
    });
    server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const ask = async (query: string, variables?: Record<string, unknown>) =>
    (await (
      await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      })
    ).json()) as GraphqlResponse;

  it("finds them in lists and lists of input objects, inline and in variables, and names where", async () => {
    const cases: Array<[string, Record<string, unknown> | undefined, string]> = [
      [`{ echo(words: ["a", "b\\u0000"]) }`, undefined, "words[1]"],
      [`{ echo(tags: [{ name: "a" }, { name: "b", aliases: ["c", "\\u0000"] }]) }`, undefined, "tags[1].aliases[1]"],
      [`{ echo(matrix: [["a"], ["b", "\\u0000"]]) }`, undefined, "matrix[1][1]"],
      [`query($w: [String!]) { echo(words: $w) }`, { w: ["a", "\ud800"] }, "words[1]"],
      [`query($t: [Tag!]) { echo(tags: $t) }`, { t: [{ name: "a", aliases: ["\u0000"] }] }, "tags[0].aliases[0]"],
      [`query($t: Tag!) { echo(tags: [$t]) }`, { t: { name: "\udc00" } }, "tags[0].name"],
    ];
    for (const [query, variables, argument] of cases) {
      const answer = await ask(query, variables);
      expect(refusedAsBadInput(answer, argument), `${query}: ${JSON.stringify(answer)}`).toBe(true);
    }
    expect(await ask(`{ echo(words: ["a", "😀"]) }`)).toEqual({ data: { echo: null } });
  });
});
