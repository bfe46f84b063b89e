import assert from "node:assert/strict";
import { isNonPublicAddress, nonPublicHostProblem, parseIp } from "./private_address.ts";

Deno.test("isNonPublicAddress() blocks loopback, private, link-local and reserved IPv4", () => {
  for (
    const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.31.255.255",
      "192.168.0.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
    ]
  ) {
    assert.equal(isNonPublicAddress(ip), true, ip);
  }
  for (const ip of ["8.8.8.8", "151.101.1.69", "172.32.0.1", "192.169.0.1"]) {
    assert.equal(isNonPublicAddress(ip), false, ip);
  }
});

Deno.test("isNonPublicAddress() judges IPv6, and IPv4 embedded in IPv6 by its IPv4", () => {
  for (
    const ip of [
      "::1",
      "[::1]",
      "::",
      "fd00::1",
      "fe80::1%eth0",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:a9fe:a9fe",
      "64:ff9b::10.0.0.1",
      "2002:c0a8:0101::1",
      "2001:db8::1",
    ]
  ) {
    assert.equal(isNonPublicAddress(ip), true, ip);
  }
  for (const ip of ["2606:4700::6810:84e5", "::ffff:8.8.8.8", "2a00:1450:4001:80b::200e"]) {
    assert.equal(isNonPublicAddress(ip), false, ip);
  }
  assert.equal(isNonPublicAddress("not an ip"), true);
  assert.equal(parseIp("1:2:3:4:5:6:7:8:9"), undefined);
  assert.equal(parseIp("1::2::3"), undefined);
});

Deno.test("nonPublicHostProblem() resolves names and refuses any non-public answer", async () => {
  const dns: Record<string, string[]> = {
    "public.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "mixed.example": ["93.184.215.14", "10.0.0.5"],
    "empty.example": [],
  };
  const resolve = (host: string) => Promise.resolve(dns[host] ?? []);
  assert.equal(await nonPublicHostProblem("public.example", resolve), undefined);
  assert.match(String(await nonPublicHostProblem("mixed.example", resolve)), /non-public/);
  assert.match(String(await nonPublicHostProblem("empty.example", resolve)), /does not resolve/);
  assert.match(String(await nonPublicHostProblem("localhost", resolve)), /local name/);
  assert.match(String(await nonPublicHostProblem("127.0.0.1", resolve)), /not a public/);
  assert.equal(await nonPublicHostProblem("8.8.8.8", resolve), undefined);
  const failing = () => Promise.reject(new Error("SERVFAIL"));
  assert.match(String(await nonPublicHostProblem("x.example", failing)), /does not resolve/);
});
