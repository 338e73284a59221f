/**
 * Time-based one-time passwords for staff sign-in (RFC 6238, P20): 6 digits,
 * 30-second steps, HMAC-SHA-1, as every authenticator app reads them. A code
 * is accepted one step either side of now (clock drift) and only once: the
 * caller keeps the last step used and refuses any step not after it.
 */
import { Secret, TOTP } from "otpauth";

const issuer = "SMSAPE";
const period = 30;
const digits = 6;

/** A new random secret (160 bits, RFC 4226's recommendation), in base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label = "staff") {
  return new TOTP({ issuer, label, algorithm: "SHA1", digits, period, secret: Secret.fromBase32(secretBase32) });
}

/** The otpauth:// URI an authenticator app scans. */
export function totpUri(secretBase32: string, email: string): string {
  return totp(secretBase32, email).toString();
}

/** The URI as a QR code image (SVG, as a data URL), drawn on the server so the console needs no library for it. */
export async function totpQrCode(uri: string): Promise<string> {
  // Enrolment is rare: the encoder is loaded when first needed, not carried by every process.
  const { default: QRCode } = await import("qrcode");
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

/** The time step a code belongs to, or null when it matches none within one step of `now`. */
export function totpStepOf(secretBase32: string, code: string, now: Date): number | null {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secretBase32).validate({ token, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : TOTP.counter({ period, timestamp: now.getTime() }) + delta;
}

/** The code an authenticator app shows at `now` (demo hints, tests). */
export function totpCodeAt(secretBase32: string, now: Date): string {
  return totp(secretBase32).generate({ timestamp: now.getTime() });
}
