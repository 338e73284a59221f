/**
 * The subscribers of `pnpm bench sms`, in a process of their own: one
 * WebSocket per account (the service authenticates a socket once, at
 * connection init, as one account), each with one `smsReceived` subscription,
 * speaking graphql-ws's protocol (graphql-transport-ws) directly over `ws`,
 * which costs far less per socket than a full client. Every SMS the harness
 * sends carries its send time (`sent=<ms since epoch>` in its text); each event
 * received is recorded as (send time, arrival time).
 *
 * Driven over IPC by tests/bench/sms.ts: `open` (url, tokens) answers once
 * every subscription is acknowledged; `collect` hands over what arrived since
 * the last `collect`, with this process's CPU time; `close` ends it.
 */
import WebSocket from "ws";

type Command = { type: "open"; url: string; tokens: string[]; batch: number } | { type: "collect" } | { type: "close" };

const subscription = "subscription { smsReceived { id text } }";
const sockets: WebSocket[] = [];
/** Pairs of numbers: send time, arrival time (ms since epoch). */
let arrivals: number[] = [];
let errors = 0;
let firstError: string | undefined;

function fail(message: string) {
  errors++;
  firstError ??= message;
}

/** Opens one socket for `token` and subscribes; resolves when the server has acknowledged the connection. */
function open(url: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws", { perMessageDeflate: false });
    sockets.push(socket);
    socket.on("open", () =>
      socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })),
    );
    socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString("utf8"));
      if (message.type === "next") {
        const text: string | undefined = message.payload?.data?.smsReceived?.text;
        const sent = Number(text?.match(/sent=(\d+)/)?.[1]);
        if (sent) arrivals.push(sent, Date.now());
        else fail(`unexpected event ${data.toString("utf8").slice(0, 300)}`);
      } else if (message.type === "connection_ack") {
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: subscription } }));
        resolve();
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else if (message.type === "error") {
        fail(`subscription error ${JSON.stringify(message.payload).slice(0, 300)}`);
      }
    });
    socket.on("error", (error) => reject(error));
    socket.on("close", (code, reason) => {
      if (code !== 1000 && code !== 1012) fail(`socket closed ${code} ${reason.toString()}`);
      reject(new Error(`socket closed ${code} before it was acknowledged`));
    });
  });
}

process.on("message", async (command: Command) => {
  if (command.type === "open") {
    // A batch at a time: a burst of thousands of connection inits would only queue in the server.
    for (let start = 0; start < command.tokens.length; start += command.batch) {
      await Promise.all(command.tokens.slice(start, start + command.batch).map((token) => open(command.url, token)));
    }
    process.send?.({ type: "opened", sockets: sockets.length });
  } else if (command.type === "collect") {
    const taken = arrivals;
    arrivals = [];
    process.send?.({ type: "collected", arrivals: taken, errors, firstError, cpu: process.cpuUsage() });
  } else if (command.type === "close") {
    for (const socket of sockets) socket.close(1000);
    setTimeout(() => process.exit(0), 500);
  }
});
process.on("SIGINT", () => {});
process.on("disconnect", () => process.exit(0));
process.send?.({ type: "ready" });
