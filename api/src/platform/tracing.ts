/**
 * OpenTelemetry tracing of GraphQL operations, off unless
 * OTEL_EXPORTER_OTLP_ENDPOINT names a collector. Then each operation (parse,
 * validate, execute, subscribe) becomes a span sent over OTLP/HTTP in
 * batches. Spans carry the operation's name and type only: never its document,
 * variables or result, which may hold personal data (an email in a sign-in).
 *
 * This module is imported only when tracing is on, so a service without it
 * loads none of the OpenTelemetry packages.
 */
import { useOpenTelemetry } from "@envelop/opentelemetry";
import { SpanKind } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { Resource } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Plugin } from "graphql-yoga";

export interface Tracing {
  /** The envelop plugin for one audience's Yoga server. */
  plugin(audience: string): Plugin;
  /** Sends what is buffered, then stops. */
  close(): Promise<void>;
}

export function startTracing(options: { endpoint: string; serviceName: string }): Tracing {
  const provider = new BasicTracerProvider({
    resource: new Resource({ "service.name": options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/$/, "")}/v1/traces` }))],
  });
  return {
    plugin: (audience) =>
      useOpenTelemetry(
        { document: false, variables: false, result: false, resolvers: false, defaultResolvers: false },
        provider,
        SpanKind.SERVER,
        { "smsape.audience": audience },
        options.serviceName,
      ) as Plugin,
    close: () => provider.shutdown(),
  };
}
