import { createCustomer, startTestApp } from "@smsape/api/testing";
import { describe, expect, it } from "vitest";

describe("graceful shutdown", () => {
  it("tells connected WebSocket clients to reconnect (1012 Service Restart), finishes, and then refuses new requests", async () => {
    const app = await startTestApp();
    const closed = { app: false };
    try {
      const customer = await createCustomer(app);
      const ws = customer.client.subscriptions({ lazy: false });
      const connected = new Promise<void>((resolve) => ws.on("connected", () => resolve()));
      const closeEvent = new Promise<{ code: number; reason: string }>((resolve) =>
        ws.on("closed", (event) => resolve(event as { code: number; reason: string })),
      );
      await connected;

      await app.close();
      closed.app = true;
      expect(await closeEvent).toMatchObject({ code: 1012, reason: "Service restarting; reconnect" });
      await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
      await ws.dispose();
    } finally {
      if (!closed.app) await app.close();
    }
  });
});
