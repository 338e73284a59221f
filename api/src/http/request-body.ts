import type { IncomingMessage } from "node:http";

/**
 * The request body, or null as soon as it is known to exceed `limit` bytes
 * (declared or counted). Reading then stops and the stream is paused, not
 * destroyed: destroying it resets the connection before the client can read
 * the 413. The caller answers with `Connection: close`, and Node ends the
 * connection once that answer is sent, without reading the rest.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  if (Number(req.headers["content-length"]) > limit) {
    req.pause();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
