import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

export interface GraphqlResponse<T = Record<string, any>> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/**
 * A GraphQL client as a customer app or the console would be: real HTTP with
 * cookies kept between calls, or a bearer token, and graphql-ws subscriptions.
 */
export class GraphqlClient {
  private cookies = new Map<string, string>();
  bearer: string | null = null;

  constructor(
    readonly baseUrl: string,
    readonly endpoint: "/graphql" | "/admin/graphql" = "/graphql",
  ) {}

  async request<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse<T>> {
    const response = await this.post(query, variables);
    return (await response.json()) as GraphqlResponse<T>;
  }

  /** Data of a request that must succeed; throws with the errors otherwise. */
  async data<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await this.request<T>(query, variables);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  async post(query: string, variables?: Record<string, unknown>): Promise<Response> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const response = await fetch(`${this.baseUrl}${this.endpoint}`, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...value] = (pair ?? "").split("=");
      if (!name) continue;
      const text = value.join("=");
      if (text) this.cookies.set(name.trim(), text);
      else this.cookies.delete(name.trim());
    }
    return response;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** A graphql-ws client authenticated with this client's bearer token or cookies. */
  subscriptions(options: { lazy?: boolean } = {}): Client {
    const cookieHeader = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const bearer = this.bearer;
    return createClient({
      url: `${this.baseUrl.replace(/^http/, "ws")}${this.endpoint}`,
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, cookieHeader ? { headers: { cookie: cookieHeader } } : {});
        }
      },
      connectionParams: bearer ? { authorization: `Bearer ${bearer}` } : {},
      lazy: options.lazy ?? true,
      // A non-lazy client reports its close to the test through `on("closed")`, not the console.
      onNonLazyError: () => {},
      retryAttempts: 0,
    });
  }
}

/** Collects the next `count` events of a subscription, or fails after `timeoutMs`. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown>, count: number, timeoutMs = 10_000) {
  const events: T[] = [];
  let unsubscribe = () => {};
  const done = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`Received ${events.length} of ${count} events within ${timeoutMs} ms`));
    }, timeoutMs);
    unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors) {
            clearTimeout(timer);
            reject(new Error(JSON.stringify(value.errors)));
            return;
          }
          events.push(value.data as T);
          if (events.length >= count) {
            clearTimeout(timer);
            unsubscribe();
            resolve(events);
          }
        },
        error: (error) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {},
      },
    );
  });
  return { events, done, stop: () => unsubscribe() };
}
