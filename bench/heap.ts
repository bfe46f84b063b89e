/**
 * What grows in the heap under load: runs `main.ts` (against the demo
 * emulator) with the V8 inspector on, loads it like the bench's `memory`
 * section (stateful sessions repeating a cached history read), takes a heap
 * snapshot after a warm-up and after each further run, and prints what grew
 * between them, by constructor (or V8 node type), largest growth first.
 *
 * Usage: `deno run -A bench/heap.ts [--calls N] [--runs N] [--save DIR]`
 * (default 20,000 calls per run, 2 runs after the warm-up; `--save` keeps the
 * `.heapsnapshot` files for Chrome DevTools' comparison view).
 * @module
 */
import { sessionLoad } from "./footprint.ts";
import { connectInspector } from "./inspector.ts";
import { round } from "./load.ts";
import { removeLogs } from "./process.ts";
import { spawnMain } from "./target.ts";

/** Live objects of one kind in a snapshot. */
interface HeapGroup {
  count: number;
  /** Sum of the objects' own sizes, in bytes. */
  bytes: number;
}

/** The parts of a `.heapsnapshot` read here. */
interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Groups a snapshot's nodes: objects and closures by constructor or function
 * name, strings and numbers by their type alone (their names are their values).
 */
function heapGroups(snapshot: HeapSnapshot): Map<string, HeapGroup> {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const valued = new Set(["string", "concatenated string", "sliced string", "number", "bigint"]);
  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]];
    const name = snapshot.strings[snapshot.nodes[i + nameAt]];
    const key = valued.has(type) ? `(${type})` : `${type} ${name.slice(0, 80)}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += snapshot.nodes[i + sizeAt];
    groups.set(key, group);
  }
  return groups;
}

/** The `top` groups that grew most in bytes from `before` to `after`, as table rows. */
function growth(
  before: Map<string, HeapGroup>,
  after: Map<string, HeapGroup>,
  top = 25,
): { group: string; count: number; bytes: number; countAfter: number; bytesAfter: number }[] {
  return [...after].map(([group, a]) => {
    const b = before.get(group) ?? { count: 0, bytes: 0 };
    return {
      group,
      count: a.count - b.count,
      bytes: a.bytes - b.bytes,
      countAfter: a.count,
      bytesAfter: a.bytes,
    };
  }).sort((x, y) => y.bytes - x.bytes).slice(0, top);
}

if (import.meta.main) {
  const option = (name: string, fallback: number) => {
    const at = Deno.args.indexOf(name);
    return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
  };
  const calls = option("--calls", 20_000);
  const runs = option("--runs", 2);
  const saveAt = Deno.args.indexOf("--save");
  const saveDir = saveAt >= 0 ? Deno.args[saveAt + 1] : undefined;
  const server = await spawnMain({}, { inspect: true });
  const inspector = await connectInspector(server.inspectorUrl!);
  try {
    const load = await sessionLoad(server, 32);
    const snapshot = async (label: string) => {
      const text = await inspector.heapSnapshot();
      if (saveDir) await Deno.writeTextFile(`${saveDir}/${label}.heapsnapshot`, text);
      const rss = round(await server.rssMiB(), 1);
      const heap = round(await inspector.heapUsedMiB(), 2);
      console.log(`${label}: RSS ${rss} MiB, V8 heap ${heap} MiB`);
      return heapGroups(JSON.parse(text));
    };
    await load.run(2_000, 60_000);
    let previous = await snapshot("warm");
    for (let run = 1; run <= runs; run++) {
      const { requests, errors } = await load.run(calls, 300_000);
      const current = await snapshot(`run${run}`);
      console.log(
        `\nRun ${run} (${requests} calls, ${errors} errors): growth since the last snapshot`,
      );
      console.table(growth(previous, current));
      previous = current;
    }
    await load.close();
  } finally {
    inspector.close();
    await server.stop();
  }
  await removeLogs();
}
