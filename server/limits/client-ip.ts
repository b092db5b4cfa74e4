import { BlockList, isIP } from "node:net";

// Who is the client? The production server (server/http/server.ts) appends the socket peer to
// X-Forwarded-For, as a proxy does, so the rightmost entry is the direct peer; we walk left only
// while the address we are standing on is a trusted proxy (which appends its own peer on the
// right). Under `next dev`, Next only fills the header when it is absent (`??=`), so there the
// rightmost entry may be whatever the client claimed.

export type TrustedProxies = { check: (address: string) => boolean; empty: boolean };

/** Parses "10.0.0.0/8, 192.168.1.10, ::1" (the ROUTER_TRUSTED_PROXIES format); throws on a bad entry. */
export function parseTrustedProxies(raw: string | undefined): TrustedProxies {
  const list = new BlockList();
  const entries = (raw ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address = "", bits] = entry.split("/");
    const family = isIP(address);
    if (!family) throw new Error(`'${entry}' is not an IP address or CIDR range`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(address, type);
    else {
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`'${entry}' has a bad prefix length`);
      list.addSubnet(address, prefix, type);
    }
  }
  return {
    empty: entries.length === 0,
    check: (address) => {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

/** "::ffff:1.2.3.4" → "1.2.3.4", "1.2.3.4:5678" → "1.2.3.4", "[::1]:80" → "::1"; undefined when not an IP. */
export function normalizeAddress(raw: string): string | undefined {
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1]) value = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  if (/^::ffff:[\d.]+$/i.test(value)) value = value.slice(7);
  return isIP(value) ? value.toLowerCase() : undefined;
}

/**
 * The client address for rate limiting. `forwardedFor` is the X-Forwarded-For header; `peer` is
 * the socket address when the caller knows it (it is appended as the rightmost hop).
 */
export function resolveClientIp(forwardedFor: string | null, trusted: TrustedProxies, peer?: string): string {
  const hops = (forwardedFor ?? "").split(",").map((hop) => hop.trim()).filter(Boolean);
  if (peer) hops.push(peer);
  let client: string | undefined;
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const address = normalizeAddress(hops[index] ?? "");
    if (!address) break; // garbage left of a trusted hop: keep the last real address we saw
    client = address;
    if (!trusted.check(address)) break;
  }
  return client ?? "unknown";
}
