import assert from "node:assert/strict";

Deno.test("the v2 SDK has real types under Deno: a wrong type fails deno check", async () => {
  const dir = await Deno.makeTempDir({ dir: new URL(".", import.meta.url).pathname });
  try {
    const file = `${dir}/wrong.ts`;
    await Deno.writeTextFile(
      file,
      `import { Server } from "@modelcontextprotocol/server";\n` +
        `export const wrong: number = new Server({ name: "x", version: "1" }, {});\n`,
    );
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["check", file],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.notEqual(code, 0, "deno check must reject assigning a Server to a number");
    assert.match(new TextDecoder().decode(stderr), /TS2322/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
