/**
 * Where a customer's endpoint may point (server-side request forgery): only
 * public unicast addresses. Private, loopback, link-local (cloud metadata at
 * 169.254.169.254), unique-local, multicast, unspecified, carrier-grade NAT
 * and the other reserved ranges are refused, for IPv4, IPv6 and IPv4 written
 * inside IPv6. The check runs on every address a host name resolves to, at
 * registration and again at each delivery, and the delivery connects to the
 * address checked (see delivery.ts), so a DNS answer that changes in between
 * (rebinding) cannot send it elsewhere.
 */
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/** The range an address falls in when it is not a public one; null for a public unicast address. */
export function forbiddenRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return "invalid";
  // process() reads an IPv4 address written as IPv6 (::ffff:127.0.0.1) as the IPv4 address it is.
  const range = ipaddr.process(address).range();
  return range === "unicast" ? null : range;
}

/** The host of a URL as DNS knows it: IPv6 literals lose their brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

export type AddressCheck =
  | { ok: true; addresses: CheckedAddress[] }
  | { ok: false; reason: "forbidden"; range: string }
  | { ok: false; reason: "unresolvable" };

/**
 * Resolves the host and checks every address it names: one forbidden address
 * refuses the host (a name with a public and a private address could be
 * reached either way). With `allowPrivate`, only the resolution is checked.
 */
export async function checkHost(host: string, options: { allowPrivate: boolean }): Promise<AddressCheck> {
  let addresses: CheckedAddress[];
  try {
    if (ipaddr.isValid(host)) addresses = [{ address: host, family: ipaddr.parse(host).kind() === "ipv6" ? 6 : 4 }];
    else
      addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => ({
        address: entry.address,
        family: entry.family === 6 ? 6 : 4,
      }));
  } catch {
    return { ok: false, reason: "unresolvable" };
  }
  if (addresses.length === 0) return { ok: false, reason: "unresolvable" };
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const range = forbiddenRange(address);
      if (range) return { ok: false, reason: "forbidden", range };
    }
  }
  return { ok: true, addresses };
}
