/**
 * The baseline: a bare graphql-yoga hello world on node:http, the same Yoga and
 * HTTP stack the service uses, with nothing of ours in it. What the service
 * does on top (routing, context, sessions, the database) shows as the distance
 * from this server's figures.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga } from "graphql-yoga";
import { serveHarness } from "./server-process.ts";

const yoga = createYoga({
  schema: createSchema({ typeDefs: "type Query { hello: String! }", resolvers: { Query: { hello: () => "world" } } }),
  landingPage: false,
});
const server = createServer(yoga);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as AddressInfo;

serveHarness(
  {
    url: `http://127.0.0.1:${port}`,
    tokens: [],
    services: [],
    country: "",
    description: "graphql-yoga hello world on node:http",
  },
  async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  },
);
