/**
 * Which hosts the server may fetch client metadata from: never loopback,
 * private, link-local or otherwise non-public addresses (server-side request
 * forgery would otherwise reach the deployment's own network, or a cloud
 * metadata service at 169.254.169.254).
 * @module
 */

/** Resolves a host name to its IP addresses (A and AAAA). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/** A prefix of `bits` bits of `bytes`. */
interface Range {
  bytes: number[];
  bits: number;
}

function range(cidr: string): Range {
  const [address, bits] = cidr.split("/");
  const bytes = parseIp(address);
  if (!bytes) throw new Error(`Bad range ${cidr}`);
  return { bytes, bits: Number(bits) };
}

/** IPv4 blocks that are not the public internet (RFC 6890 and friends). */
const v4Blocked = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
].map(range);

/** IPv6 blocks that are not the public internet, besides those embedding IPv4. */
const v6Blocked = [
  "::/127",
  "100::/64",
  "2001::/32",
  "2001:db8::/32",
  "fc00::/7",
  "fe80::/10",
  "fec0::/10",
  "ff00::/8",
].map(range);

/** IPv6 prefixes whose last 32 bits (or bits 16–48 for 6to4) are an IPv4 address to judge instead. */
const v4Mapped = range("::ffff:0:0/96");
const v4Compatible = range("::/96");
const nat64 = range("64:ff9b::/96");
const sixToFour = range("2002::/16");

function inRange(bytes: number[], { bytes: prefix, bits }: Range): boolean {
  if (bytes.length !== prefix.length) return false;
  for (let i = 0; i < bits; i++) {
    const mask = 0x80 >> (i % 8);
    if ((bytes[i >> 3] & mask) !== (prefix[i >> 3] & mask)) return false;
  }
  return true;
}

function parseV4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.map(Number);
}

function parseV6(text: string): number[] | undefined {
  let head = text;
  let tail4: number[] = [];
  const lastColon = head.lastIndexOf(":");
  if (head.slice(lastColon + 1).includes(".")) {
    const v4 = parseV4(head.slice(lastColon + 1));
    if (!v4) return undefined;
    tail4 = v4;
    head = head.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => half === "" ? [] : half.split(":");
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...right];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const bytes = all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
  if (tail4.length) bytes.splice(12, 4, ...tail4);
  return bytes;
}

/** The bytes of an IPv4 or IPv6 address (brackets allowed), or `undefined` for anything else. */
export function parseIp(text: string): number[] | undefined {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return bare.includes(":") ? parseV6(bare.split("%")[0]) : parseV4(bare);
}

/**
 * Whether `ip` is outside the public internet. Not an IP address counts as
 * non-public, so a caller never fetches what it could not judge.
 *
 * @example
 * ```ts
 * isNonPublicAddress("169.254.169.254"); // true
 * isNonPublicAddress("::ffff:10.0.0.1"); // true
 * isNonPublicAddress("151.101.1.69"); // false
 * ```
 */
export function isNonPublicAddress(ip: string): boolean {
  const bytes = parseIp(ip);
  if (!bytes) return true;
  if (bytes.length === 4) return v4Blocked.some((r) => inRange(bytes, r));
  for (const embedding of [v4Mapped, nat64, v4Compatible]) {
    if (inRange(bytes, embedding)) return isNonPublicAddress(bytes.slice(12).join("."));
  }
  if (inRange(bytes, sixToFour)) return isNonPublicAddress(bytes.slice(2, 6).join("."));
  return v6Blocked.some((r) => inRange(bytes, r));
}

/** Deno's resolver: the A and AAAA records of `hostname`. */
export async function resolveWithDns(hostname: string): Promise<string[]> {
  const results = await Promise.allSettled([
    Deno.resolveDns(hostname, "A"),
    Deno.resolveDns(hostname, "AAAA"),
  ]);
  return results.flatMap((r) => r.status === "fulfilled" ? r.value : []);
}

/**
 * Why the server must not fetch from `hostname`, or `undefined` when every
 * address it resolves to is public. Resolution is checked here and done
 * again by `fetch`; a host that changes its answers in between (DNS
 * rebinding) is a residual risk the short fetch and small size limit bound.
 */
export async function nonPublicHostProblem(
  hostname: string,
  resolve: ResolveHost,
): Promise<string | undefined> {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local")) {
    return `${hostname} is a local name`;
  }
  if (parseIp(host)) {
    return isNonPublicAddress(host) ? `${hostname} is not a public address` : undefined;
  }
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) return `${hostname} does not resolve`;
  const blocked = addresses.find(isNonPublicAddress);
  return blocked ? `${hostname} resolves to a non-public address` : undefined;
}
