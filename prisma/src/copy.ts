/**
 * Reading a large result as PostgreSQL's COPY output on a connection of its
 * own: the bytes as the server sends them, without a row object or a protocol
 * message parsed per row by the client library.
 */
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";

export interface CopyOutResult {
  /** Whether `onChunk` stopped the copy before its end. */
  stopped: boolean;
}

/**
 * Runs `sql`, a `COPY … TO STDOUT`, on a new connection to `url` (client
 * encoding UTF8) and hands each piece of its output to `onChunk` as it
 * arrives; pieces end anywhere, not at row boundaries. `onChunk` returning
 * `false` stops the copy: the connection is dropped under it, so the server
 * stops at its next write (and notes the lost client in its log). An error
 * thrown by `onChunk` stops it too and is rethrown.
 */
export async function copyOut(url: string, sql: string, onChunk: (chunk: Buffer) => boolean): Promise<CopyOutResult> {
  const client = new pg.Client({ connectionString: url, client_encoding: "UTF8" });
  // Dropping the connection mid-copy is reported here too; the copy's own outcome is what counts.
  client.on("error", () => {});
  await client.connect();
  let stopped = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(copyTo(sql));
      const stop = (error?: unknown) => {
        stopped = true;
        stream.removeAllListeners("data");
        stream.pause();
        if (error === undefined) resolve();
        else reject(error);
      };
      stream.on("data", (chunk: Buffer) => {
        try {
          if (!onChunk(chunk)) stop();
        } catch (error) {
          stop(error);
        }
      });
      stream.on("end", () => resolve());
      stream.on("error", (error) => {
        if (!stopped) reject(error);
      });
    });
  } finally {
    // With the copy still running, `end` drops the connection instead of waiting for it.
    await client.end();
  }
  return { stopped };
}
