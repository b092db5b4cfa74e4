import { describe, expect, it } from "vitest";
import { normalizeAddress, parseTrustedProxies, resolveClientIp } from "./client-ip";

describe("parseTrustedProxies", () => {
  it("matches single addresses and CIDR ranges of both families", () => {
    const trusted = parseTrustedProxies("10.0.0.0/8, 192.168.1.10, fd00::/8");
    expect(trusted.check("10.200.3.4")).toBe(true);
    expect(trusted.check("192.168.1.10")).toBe(true);
    expect(trusted.check("192.168.1.11")).toBe(false);
    expect(trusted.check("fd12::1")).toBe(true);
    expect(trusted.check("not-an-ip")).toBe(false);
  });

  it.each(["10.0.0.0/33", "example.com", "1.2.3.4/x", "::1/129"])("rejects %s", (raw) => {
    expect(() => parseTrustedProxies(raw)).toThrow();
  });

  it("treats an empty value as no proxies", () => {
    expect(parseTrustedProxies("").empty).toBe(true);
    expect(parseTrustedProxies(" , ").empty).toBe(true);
  });
});

describe("normalizeAddress", () => {
  it.each([
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["1.2.3.4:5678", "1.2.3.4"],
    ["[::1]:80", "::1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["garbage", undefined],
    ["", undefined],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });
});

describe("resolveClientIp", () => {
  const none = parseTrustedProxies("");
  const proxies = parseTrustedProxies("10.0.0.0/8");

  it.each([
    // [X-Forwarded-For, trusted, socket peer, client]
    [null, none, "203.0.113.5", "203.0.113.5"],
    // an untrusted peer's X-Forwarded-For is ignored: the peer itself is the client
    ["6.6.6.6", none, "203.0.113.5", "203.0.113.5"],
    ["6.6.6.6", proxies, "203.0.113.5", "203.0.113.5"],
    // a trusted proxy's claim is believed
    ["198.51.100.7", proxies, "10.0.0.2", "198.51.100.7"],
    // a spoofed entry the client put left of what the proxy appended is ignored
    ["6.6.6.6, 198.51.100.7", proxies, "10.0.0.2", "198.51.100.7"],
    // several trusted hops are walked through
    ["198.51.100.7, 10.1.1.1", proxies, "10.0.0.2", "198.51.100.7"],
    // garbage from the client stops the walk at the last real address
    ["not-an-ip", proxies, "10.0.0.2", "10.0.0.2"],
    // no socket peer (inside Next): the rightmost entry stands for the peer
    ["6.6.6.6, 198.51.100.7", none, undefined, "198.51.100.7"],
    ["6.6.6.6, 198.51.100.7, 10.0.0.9", proxies, undefined, "198.51.100.7"],
    [null, none, undefined, "unknown"],
  ] as const)("XFF %s via %s → client", (header, trusted, peer, client) => {
    expect(resolveClientIp(header, trusted, peer)).toBe(client);
  });
});
