import { type Logger, pino } from "pino";

export type { Logger };

/**
 * Keys whose values never reach a log line, wherever they appear in a logged
 * object: contact details, secrets, and the content of messages (P7, P20).
 */
export const redactedKeys = [
  "email",
  "toAddress",
  "password",
  "newPassword",
  "currentPassword",
  "passwordHash",
  "token",
  "sessionToken",
  "apiKey",
  // The sms-activate protocol's name for it, which travels in a URL.
  "api_key",
  "key",
  "secret",
  "authorization",
  "cookie",
  "set-cookie",
  "x-signature",
  "body",
  "text",
  "code",
  "phoneNumber",
  "routing",
  // Client addresses: only their network's daily keyed hash is ever kept (P12).
  "remoteAddress",
  "x-forwarded-for",
  "x-real-ip",
];

export function createLogger(options: { level: string; destination?: NodeJS.WritableStream }): Logger {
  const paths = redactedKeys.flatMap((key) => {
    const path = /^[a-z]\w*$/i.test(key) ? key : `["${key}"]`;
    const nested = /^[a-z]\w*$/i.test(key) ? `*.${key}` : `*["${key}"]`;
    return [path, nested, `*.*${path.startsWith("[") ? path : `.${path}`}`];
  });
  return pino(
    {
      level: options.level,
      redact: { paths, censor: "[redacted]" },
      base: undefined,
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination ?? process.stdout,
  );
}
