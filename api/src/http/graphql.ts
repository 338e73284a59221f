import type { IncomingMessage } from "node:http";
import { useCookies } from "@whatwg-node/server-plugin-cookies";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { createGraphQLError, createYoga, type YogaServerInstance } from "graphql-yoga";
import type { RequestContext } from "../graphql/context.ts";
import { type Audience, resolveViewer } from "../graphql/viewer.ts";
import type { Services } from "../services/index.ts";

export type ServerContext = { req: IncomingMessage };
export type Yoga = YogaServerInstance<ServerContext, RequestContext>;

/**
 * One Yoga server per audience. Unexpected errors are masked: clients see
 * "Unexpected error." and the log gets the detail; expected failures are typed
 * results in the schema instead of errors.
 */
export function createGraphqlServer(options: {
  services: Services;
  schema: GraphQLSchema;
  audience: Audience;
  endpoint: string;
}): Yoga {
  const { services, audience } = options;
  const log = services.logger.child({ component: `graphql-${audience}` });
  return createYoga<ServerContext, RequestContext>({
    schema: options.schema,
    graphqlEndpoint: options.endpoint,
    landingPage: false,
    graphiql: !services.config.production,
    logging: {
      debug: (...args) => log.debug({ detail: String(args[0]) }),
      info: (...args) => log.info({ detail: String(args[0]) }),
      warn: (...args) => log.warn({ detail: String(args[0]) }),
      error: (...args: unknown[]) => log.error({ err: args.find((arg) => arg instanceof Error) }, "graphql error"),
    },
    maskedErrors: {
      maskError(error, message) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        // GraphQL's own errors and those we raise on purpose (NOT_AUTHORIZED) are meant for the client.
        if (!original || original instanceof GraphQLError) return error as Error;
        log.error({ err: original }, "unexpected error in a resolver");
        return createGraphQLError(message, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
      },
    },
    plugins: [useCookies()],
    context: async (initial) => {
      const request = initial.request;
      const connectionParams = (initial as { connectionParams?: Record<string, unknown> }).connectionParams;
      const authorization =
        request?.headers.get("authorization") ??
        (typeof connectionParams?.authorization === "string" ? connectionParams.authorization : null);
      const cookieHeader = request?.headers.get("cookie") ?? initial.req?.headers.cookie ?? null;
      const viewer = await resolveViewer(services, audience, { authorization, cookieHeader });
      return { services, viewer } satisfies RequestContext;
    },
  });
}
