/**
 * The memory baseline: a bare graphql-yoga server with graphql-ws on node:http,
 * one subscription that waits for events (the same stack and WebSocket wiring
 * the service uses, through `getEnveloped`), nothing of ours. Plain JavaScript
 * run by node itself, like the service's compiled build. Prints its port.
 */
import { createServer } from "node:http";
import { useServer } from "graphql-ws/use/ws";
import { createPubSub, createSchema, createYoga } from "graphql-yoga";
import { WebSocketServer } from "ws";

const pubsub = createPubSub();
const yoga = createYoga({
  schema: createSchema({
    typeDefs: "type Query { hello: String! } type Subscription { tick: String! }",
    resolvers: {
      Query: { hello: () => "world" },
      Subscription: { tick: { subscribe: () => pubsub.subscribe("tick"), resolve: (value) => value } },
    },
  }),
  landingPage: false,
});
const server = createServer(yoga);
const wss = new WebSocketServer({ server, path: "/graphql" });
useServer(
  {
    execute: (args) => args.rootValue.execute(args),
    subscribe: (args) => args.rootValue.subscribe(args),
    onSubscribe: async (ctx, _id, payload) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, params: payload });
      const document = parse(payload.query);
      const errors = validate(schema, document);
      if (errors.length > 0) return errors;
      return {
        schema,
        document,
        variableValues: payload.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
    },
  },
  wss,
);
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
