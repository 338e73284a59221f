import type { IncomingMessage } from "node:http";
import { useCookies } from "@whatwg-node/server-plugin-cookies";
import type { GraphQLSchema } from "graphql";
import { type YogaServerInstance, createYoga } from "graphql-yoga";
import type { Context } from "../graphql/context.ts";
import { type Audience, resolveViewer } from "../graphql/viewer.ts";
import type { Services } from "../services/index.ts";

export type ServerContext = { req: IncomingMessage };
export type Yoga = YogaServerInstance<ServerContext, Context>;

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
  return createYoga<ServerContext, Context>({
    schema: options.schema,
    graphqlEndpoint: options.endpoint,
    landingPage: false,
    graphiql: !services.config.production,
    logging: {
      debug: (...args) => log.debug({ detail: String(args[0]) }),
      info: (...args) => log.info({ detail: String(args[0]) }),
      warn: (...args) => log.warn({ detail: String(args[0]) }),
      error: (...args) => log.error({ err: args.find((arg) => arg instanceof Error) }, "graphql error"),
    },
    maskedErrors: {
      maskError(error, message) {
        const original = (error as { originalError?: unknown }).originalError;
        const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
        // Errors we raise on purpose (bad input, not authorised) keep their text.
        if (typeof code === "string" && !original) return error as Error;
        log.error({ err: original ?? error }, "unexpected error in a resolver");
        return new (error.constructor as new (message: string, options: object) => Error)(message, {
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        });
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
      return { services, viewer };
    },
  });
}
