/**
 * One gzip file from a text that becomes ready in pieces, each piece
 * compressed on libuv's thread pool as soon as it is ready, beside whatever
 * else runs, rather than the whole text on one thread once the last piece is
 * in. The technique is pigz's: every piece is a raw deflate stream ended by a
 * sync flush (byte-aligned and not final), the streams are joined in order
 * and closed by an empty final block, and the gzip trailer holds the CRC-32
 * and length of the whole text. The result is one ordinary gzip member, which
 * any gunzip reads; each piece starts without the previous one's history,
 * which costs a little size at each seam.
 */
import { promisify } from "node:util";
import { constants, crc32, deflateRaw } from "node:zlib";

const deflateRawAsync = promisify(deflateRaw);

/** ID1 ID2, deflate, no flags, no time, no extra flags, "unknown" operating system (RFC 1952). */
const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** A final stored block with no data: ends the deflate stream the pieces make. */
const finalEmptyBlock = Buffer.from([0x03, 0x00]);

/**
 * Compresses `pieces`, in order, into one gzip file. Each piece is compressed
 * as soon as its promise resolves; `level` as zlib's.
 */
export async function gzipPieces(pieces: ReadonlyArray<string | Promise<string>>, level: number): Promise<Buffer> {
  const ready = pieces.map(async (piece) => {
    const bytes = Buffer.from(await piece);
    // An empty piece adds nothing (and, once zlib has seen it, zlib.crc32 of it reads 0 whatever it is given).
    if (bytes.length === 0) return { bytes, compressed: bytes };
    return { bytes, compressed: await deflateRawAsync(bytes, { level, finishFlush: constants.Z_SYNC_FLUSH }) };
  });
  // The first piece to fail fails the whole; the others' failures are then of no interest.
  for (const piece of ready) piece.catch(() => {});
  const done = await Promise.all(ready);
  let crc = 0;
  let length = 0;
  for (const { bytes } of done) {
    if (bytes.length === 0) continue;
    crc = crc32(bytes, crc);
    length += bytes.length;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  return Buffer.concat([gzipHeader, ...done.map(({ compressed }) => compressed), finalEmptyBlock, trailer]);
}
