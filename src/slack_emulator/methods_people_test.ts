import assert from "node:assert/strict";
import { assertSlackShape, bot, type Json, startEmulator, testNow, user } from "./testing.ts";
import { DEMO_BOT_USER_ID, DEMO_INSTALLER_ID, demoUsers } from "./seed_ids.ts";
import { createSeedWorkspace } from "./seed.ts";
import { readState } from "./workspace.ts";

const { alice, bruno, chloe, diego, fiona, grace, kenji, marco } = demoUsers;
const DAY = 86_400_000;

// Seed

Deno.test("the seed has DMs and group DMs, each with a few days of history and a thread", () => {
  const { dms } = createSeedWorkspace({ now: testNow });
  assert.deepEqual(dms.map((c) => c.conversation.id), [
    "D0DMBRUNO",
    "D0DMDIEGO",
    "D0DMFIONA",
    "D0BOTALIC",
    "D0BOTGRAC",
    "G0MPDM001",
    "G0MPDM002",
  ]);
  for (const { conversation: c, members, messages } of dms) {
    if (c.is_im) {
      assert.match(c.id, /^D[A-Z0-9]{8}$/);
      assert.equal(members.length, 2);
    } else {
      assert.equal(c.is_mpim, true);
      assert.match(c.id, /^G[A-Z0-9]{8}$/);
      assert.match(c.name, /^mpdm-[a-z]+(--[a-z]+)+-1$/);
      assert.ok(members.length >= 3);
    }
    assert.equal(c.is_private, true);
    assert.ok(messages.length >= 2, `${c.id} has history`);
    for (const m of messages) {
      assert.ok(Number(m.ts) * 1000 > testNow - 7 * DAY && Number(m.ts) * 1000 < testNow);
      assert.ok(m.user && members.includes(m.user), `${c.id}: written by a member`);
    }
  }
  assert.equal(
    dms.find((c) => c.conversation.id === "G0MPDM001")!.conversation.name,
    "mpdm-alice--chloe--fiona-1",
  );
  const threaded = dms.filter((c) => c.threads.size > 0).map((c) => c.conversation.id);
  assert.ok(threaded.length >= 3, `threads in ${threaded}`);
});

Deno.test("the demo user has unread messages in #engineering, a DM and a group DM, one mentioning her", () => {
  const workspace = createSeedWorkspace({ now: testNow });
  const all = [...workspace.channels, ...workspace.dms];
  const unread = Object.fromEntries(
    all.filter((c) => c.members.includes(DEMO_INSTALLER_ID))
      .map((c) => [c.conversation.id, readState(c, DEMO_INSTALLER_ID).unread_count] as const)
      .filter(([, count]) => count > 0),
  );
  assert.deepEqual(unread, { C0ENGINRG: 3, D0DMBRUNO: 2, G0MPDM001: 1 });
  const engineering = all.find((c) => c.conversation.id === "C0ENGINRG")!;
  const lastRead = engineering.lastRead.get(DEMO_INSTALLER_ID)!;
  const fresh = engineering.messages.filter((m) => m.ts > lastRead);
  assert.ok(fresh.some((m) => m.text.includes(`<@${DEMO_INSTALLER_ID}>`)));
  assert.ok(fresh.every((m) => m.user !== DEMO_INSTALLER_ID));
  for (const channel of all) {
    for (const member of channel.members) {
      if (member === DEMO_INSTALLER_ID || channel.messages.length === 0) continue;
      assert.equal(
        readState(channel, member).unread_count,
        0,
        `${member} read ${channel.conversation.id}`,
      );
    }
  }
});

// conversations.list and users.conversations

Deno.test("conversations.list lists DMs and group DMs only to their members, a DM naming the other person", async () => {
  await using t = await startEmulator();
  const asUser = await t.call("conversations.list", { types: "im,mpim" }, user);
  await assertSlackShape("conversations.list", asUser);
  assert.deepEqual(asUser.channels.map((c: Json) => c.id), [
    "D0DMBRUNO",
    "D0DMDIEGO",
    "D0DMFIONA",
    "D0BOTALIC",
    "G0MPDM001",
  ]);
  const dm = asUser.channels[0];
  assert.deepEqual([dm.is_im, dm.user, dm.name, dm.is_member], [true, bruno, undefined, undefined]);
  const asBot = await t.call("conversations.list", { types: "im" });
  assert.deepEqual(asBot.channels.map((c: Json) => [c.id, c.user]), [
    ["D0BOTALIC", alice],
    ["D0BOTGRAC", grace],
  ]);
  const mpim = asUser.channels.at(-1);
  assert.deepEqual([mpim.is_mpim, mpim.is_private, mpim.num_members], [true, true, 3]);
  const channelsOnly = await t.call("conversations.list", { types: "public_channel" }, user);
  assert.ok(channelsOnly.channels.every((c: Json) => c.id.startsWith("C")));
});

Deno.test("users.conversations lists a person's conversations the caller can see, without member fields", async () => {
  await using t = await startEmulator();
  const own = await t.call("users.conversations", {
    types: "public_channel,private_channel,mpim,im",
  }, user);
  await assertSlackShape("users.conversations", own);
  const ids = own.channels.map((c: Json) => c.id);
  assert.ok(ids.includes("C0PEOPLEO") && ids.includes("D0DMBRUNO") && ids.includes("G0MPDM001"));
  assert.ok(!ids.includes("C0SUPPORT"), "Alice is not in #support");
  assert.ok(
    own.channels.every((c: Json) => c.is_member === undefined && c.num_members === undefined),
  );
  const publicOnly = await t.call("users.conversations", {}, user);
  assert.ok(publicOnly.channels.every((c: Json) => !c.is_private));

  const brunosSeenByAlice = await t.call("users.conversations", {
    user: bruno,
    types: "public_channel,private_channel,mpim,im",
  }, user);
  const seen = brunosSeenByAlice.channels.map((c: Json) => c.id);
  assert.ok(seen.includes("C0SUPPORT"), "a public channel of Bruno's");
  assert.ok(seen.includes("D0DMBRUNO"), "the DM Alice shares with him");
  assert.ok(!seen.includes("G0MPDM002"), "a group DM without Alice stays hidden");

  const active = await t.call("users.conversations", { exclude_archived: true }, user);
  assert.ok(!active.channels.some((c: Json) => c.is_archived));
  assert.ok(publicOnly.channels.some((c: Json) => c.is_archived));
  assert.equal(
    (await t.call("users.conversations", { user: "U0NOBODY1" })).error,
    "user_not_found",
  );
  assert.equal((await t.call("users.conversations", { types: "dm" })).error, "invalid_types");
});

Deno.test("users.conversations pages walk every conversation once", async () => {
  await using t = await startEmulator();
  const types = "public_channel,private_channel,mpim,im";
  const all = await t.call("users.conversations", { types }, user);
  const { items, pages } = await t.walk(
    "users.conversations",
    "channels",
    { types, limit: 3 },
    user,
  );
  assert.deepEqual(items.map((c) => c.id), all.channels.map((c: Json) => c.id));
  assert.equal(pages, Math.ceil(all.channels.length / 3));
  assert.ok(pages >= 4);
});

// Read state

Deno.test("conversations.info gives a person their read state and a bot none", async () => {
  await using t = await startEmulator();
  const asUser = await t.call("conversations.info", { channel: "C0ENGINRG" }, user);
  await assertSlackShape("conversations.info", asUser);
  assert.deepEqual(
    [asUser.channel.unread_count, asUser.channel.unread_count_display],
    [3, 3],
  );
  assert.match(asUser.channel.last_read, /^\d{10}\.\d{6}$/);
  const asBot = await t.call("conversations.info", { channel: "C0ENGINRG" });
  for (const field of ["last_read", "unread_count", "unread_count_display"]) {
    assert.equal(asBot.channel[field], undefined, field);
  }
  const dm = await t.call("conversations.info", { channel: "D0DMBRUNO" }, user);
  await assertSlackShape("conversations.info", dm);
  assert.deepEqual(
    [dm.channel.is_im, dm.channel.user, dm.channel.is_open, dm.channel.unread_count],
    [true, bruno, true, 2],
  );
  const general = await t.call("conversations.info", { channel: "C0GENERAL" }, user);
  assert.equal(general.channel.unread_count, 0);
});

Deno.test("a DM or group DM does not exist for anyone outside it", async () => {
  await using t = await startEmulator();
  assert.equal(
    (await t.call("conversations.info", { channel: "D0DMBRUNO" })).error,
    "channel_not_found",
  );
  assert.equal(
    (await t.call("conversations.history", { channel: "G0MPDM002" }, user)).error,
    "channel_not_found",
  );
  assert.equal(
    (await t.call("conversations.members", { channel: "D0BOTGRAC" }, user)).error,
    "channel_not_found",
  );
  assert.equal(
    (await t.call("chat.postMessage", { channel: "D0DMDIEGO", text: "hi" })).error,
    "channel_not_found",
  );
});

Deno.test("history, replies and members work in DMs for their members", async () => {
  await using t = await startEmulator();
  const history = await t.call("conversations.history", { channel: "D0DMBRUNO" }, user);
  await assertSlackShape("conversations.history", history);
  assert.equal(history.messages.length, 5);
  const parent = history.messages.find((m: Json) => m.reply_count);
  const replies = await t.call(
    "conversations.replies",
    { channel: "D0DMBRUNO", ts: parent.ts },
    user,
  );
  await assertSlackShape("conversations.replies", replies);
  assert.deepEqual(replies.messages.map((m: Json) => m.user), [bruno, alice, bruno]);
  const members = await t.call("conversations.members", { channel: "G0MPDM001" }, user);
  assert.deepEqual(members.members, [alice, chloe, fiona]);
  const botDm = await t.call("conversations.history", { channel: "D0BOTALIC" });
  assert.ok(botDm.messages.some((m: Json) => m.bot_id === "B0BOT0001"));
});

Deno.test("conversations.mark moves the caller's read cursor, for user tokens only", async () => {
  await using t = await startEmulator();
  const before = (await t.call("conversations.info", { channel: "C0ENGINRG" }, user)).channel;
  const history = await t.call("conversations.history", { channel: "C0ENGINRG", limit: 3 }, user);
  const middle = history.messages[1].ts;
  assert.deepEqual(await t.call("conversations.mark", { channel: "C0ENGINRG", ts: middle }, user), {
    ok: true,
  });
  const after = (await t.call("conversations.info", { channel: "C0ENGINRG" }, user)).channel;
  assert.deepEqual([after.last_read, after.unread_count], [middle, 1]);
  assert.notEqual(before.last_read, after.last_read);
  await t.call("conversations.mark", { channel: "C0ENGINRG", ts: before.last_read }, user);
  assert.equal(
    (await t.call("conversations.info", { channel: "C0ENGINRG" }, user)).channel.unread_count,
    3,
    "a cursor can move back",
  );

  assert.equal(
    (await t.call("conversations.mark", { channel: "C0ENGINRG", ts: middle })).error,
    "not_allowed_token_type",
  );
  assert.equal(
    (await t.call("conversations.mark", { channel: "C0ENGINRG", ts: "soon" }, user)).error,
    "invalid_timestamp",
  );
  assert.equal(
    (await t.call("conversations.mark", { channel: "C0SUPPORT", ts: middle }, user)).error,
    "not_in_channel",
  );
  assert.equal(
    (await t.call("conversations.mark", { channel: "G0MPDM002", ts: middle }, user)).error,
    "channel_not_found",
  );
  const dm = await t.call("conversations.history", { channel: "D0DMBRUNO", limit: 1 }, user);
  await t.call("conversations.mark", { channel: "D0DMBRUNO", ts: dm.messages[0].ts }, user);
  assert.equal(
    (await t.call("conversations.info", { channel: "D0DMBRUNO" }, user)).channel.unread_count,
    0,
  );
});

Deno.test("posting marks a conversation read for the author, whose own messages never count as unread", async () => {
  await using t = await startEmulator();
  const before = (await t.call("conversations.info", { channel: "C0ENGINRG" }, user)).channel;
  const posted = await t.call(
    "chat.postMessage",
    { channel: "C0ENGINRG", text: "Catching up" },
    user,
  );
  const info = (await t.call("conversations.info", { channel: "C0ENGINRG" }, user)).channel;
  assert.deepEqual([info.last_read, info.unread_count], [posted.ts, 0]);
  await t.call("conversations.mark", { channel: "C0ENGINRG", ts: before.last_read }, user);
  const rewound = (await t.call("conversations.info", { channel: "C0ENGINRG" }, user)).channel;
  assert.deepEqual([rewound.unread_count, rewound.unread_count_display], [4, 3]);
});

// conversations.open

Deno.test("conversations.open with one user returns the existing DM, or opens a new one once", async () => {
  await using t = await startEmulator();
  assert.deepEqual(await t.call("conversations.open", { users: bruno }, user), {
    ok: true,
    no_op: true,
    already_open: true,
    channel: { id: "D0DMBRUNO" },
  });
  const opened = await t.call("conversations.open", { users: kenji }, user);
  assert.equal(opened.no_op, undefined);
  assert.match(opened.channel.id, /^D[A-Z0-9]{8,}$/);
  const again = await t.call("conversations.open", { users: kenji, return_im: true }, user);
  await assertSlackShape("conversations.open", again);
  assert.equal(again.channel.id, opened.channel.id);
  assert.deepEqual([again.already_open, again.channel.is_im, again.channel.user], [
    true,
    true,
    kenji,
  ]);
  const posted = await t.call(
    "chat.postMessage",
    { channel: opened.channel.id, text: "Hi Kenji!" },
    user,
  );
  assert.equal(posted.ok, true);
  const listed = await t.call("conversations.list", { types: "im" }, user);
  assert.ok(listed.channels.some((c: Json) => c.id === opened.channel.id));
  const fromBot = await t.call("conversations.open", { users: alice });
  assert.equal(fromBot.channel.id, "D0BOTALIC");
});

Deno.test("conversations.open with several users returns or creates the group DM", async () => {
  await using t = await startEmulator();
  const existing = await t.call("conversations.open", { users: `${fiona},${chloe}` }, user);
  assert.deepEqual([existing.channel.id, existing.already_open], ["G0MPDM001", true]);
  const created = await t.call("conversations.open", {
    users: `${bruno},${kenji}`,
    return_im: true,
  }, user);
  await assertSlackShape("conversations.open", created);
  assert.match(created.channel.id, /^G[A-Z0-9]{8,}$/);
  assert.deepEqual(
    [created.channel.is_mpim, created.channel.name, created.channel.purpose.value],
    [true, "mpdm-alice--bruno--kenji-1", "Group messaging with: @alice @bruno @kenji"],
  );
  const withSelf = await t.call(
    "conversations.open",
    { users: `${alice},${kenji},${bruno}` },
    user,
  );
  assert.equal(withSelf.channel.id, created.channel.id, "the caller is always in it");
  const members = await t.call("conversations.members", { channel: created.channel.id }, user);
  assert.deepEqual(members.members, [alice, bruno, kenji]);
});

Deno.test("conversations.open refuses what Slack refuses", async () => {
  await using t = await startEmulator();
  const open = async (params: Record<string, unknown>, token: string = user) =>
    (await t.call("conversations.open", params, token)).error;
  const nine = [
    "U0BRUNO02",
    "U0CHLOE03",
    "U0DIEGO04",
    "U0EMEKA05",
    "U0FIONA06",
    "U0GRACE07",
    "U0HANNA08",
    "U0IVANA09",
    "U0JAMAL10",
  ];
  assert.equal(await open({}), "users_list_not_supplied");
  assert.equal(await open({ users: " , " }), "not_enough_users");
  assert.equal(await open({ users: "U0NOBODY1" }), "user_not_found");
  assert.equal(await open({ users: marco }), "user_disabled");
  assert.equal(await open({ users: nine.join(",") }), "too_many_users");
  assert.equal(
    (await t.call("conversations.open", { users: nine.slice(0, 8).join(",") }, user)).ok,
    true,
  );
  assert.equal(await open({ users: DEMO_BOT_USER_ID }, bot), "cannot_dm_bot");
  assert.equal(await open({ channel: "C0GENERAL" }), "method_not_supported_for_channel_type");
  assert.equal(await open({ channel: "G0MPDM002" }), "channel_not_found");
  const reopened = await t.call("conversations.open", { channel: "D0DMBRUNO" }, user);
  assert.deepEqual(reopened.channel, { id: "D0DMBRUNO" });
});

Deno.test("a DM cannot take invitations", async () => {
  await using t = await startEmulator();
  const invited = await t.call(
    "conversations.invite",
    { channel: "D0DMBRUNO", users: kenji },
    user,
  );
  assert.equal(invited.error, "method_not_supported_for_channel_type");
});

Deno.test("a message in the bot's DM reaches the app as an im event", async () => {
  await using t = await startEmulator();
  const events: Json[] = [];
  t.served.emulator.onEvent((e) => events.push(e.event));
  await t.call("chat.postMessage", { channel: "D0BOTALIC", text: "Catch me up please" }, user);
  await t.call("chat.postMessage", { channel: "D0DMBRUNO", text: "Not for the bot" }, user);
  assert.deepEqual(events.map((e) => [e.type, e.channel, e.channel_type]), [[
    "message",
    "D0BOTALIC",
    "im",
  ]]);
});

Deno.test("search.messages finds DM messages for their members only", async () => {
  await using t = await startEmulator();
  const found = await t.call("search.messages", { query: '"approve my PTO"' }, user);
  assert.deepEqual(found.messages.matches.map((m: Json) => m.channel.id), ["D0DMBRUNO"]);
  assert.equal(found.messages.matches[0].channel.is_im, true);
  const asGrace = t.served.emulator.actAs(grace, "search.messages", {
    query: '"approve my PTO"',
  }) as Json;
  assert.equal(asGrace.messages.total, 0);
});

// User groups, emoji, people

Deno.test("usergroups.list gives enabled groups, with members and counts on request", async () => {
  await using t = await startEmulator();
  const plain = await t.call("usergroups.list");
  await assertSlackShape("usergroups.list", plain);
  assert.deepEqual(plain.usergroups.map((g: Json) => g.handle), [
    "engineers",
    "oncall",
    "design-team",
  ]);
  assert.ok(
    plain.usergroups.every((g: Json) => g.users === undefined && g.user_count === undefined),
  );
  const full = await t.call("usergroups.list", { include_users: true, include_count: true }, user);
  await assertSlackShape("usergroups.list", full);
  const oncall = full.usergroups.find((g: Json) => g.handle === "oncall");
  assert.deepEqual([oncall.id, oncall.name, oncall.users, oncall.user_count], [
    "S0ONCALL1",
    "On-call",
    [diego, bruno],
    2,
  ]);
  assert.ok(oncall.description);
  const all = await t.call("usergroups.list", { include_disabled: true });
  const disabled = all.usergroups.find((g: Json) => g.handle === "launch-squad");
  assert.ok(disabled.date_delete > 0);
});

Deno.test("emoji.list gives custom emoji with aliases, and reactions accept them", async () => {
  await using t = await startEmulator();
  const listed = await t.call("emoji.list", {}, user);
  assert.equal(listed.emoji.ship_it, "alias:shipit");
  assert.match(
    listed.emoji.shipit,
    /^https:\/\/emoji\.slack-edge\.com\/T0DEMO001\/shipit\/\w+\.png$/,
  );
  assert.ok(Object.keys(listed.emoji).length >= 5);
  const [message] =
    (await t.call("conversations.history", { channel: "C0GENERAL", limit: 1 })).messages;
  const react = (name: string) =>
    t.call("reactions.add", { channel: "C0GENERAL", timestamp: message.ts, name });
  assert.equal((await react("shipit")).ok, true);
  assert.equal((await react("ship_it")).error, "already_reacted", "an alias is its target");
  assert.equal((await react("yes")).ok, true);
  assert.equal((await react("not-an-emoji")).error, "invalid_name");
  const names = (await t.call("conversations.history", { channel: "C0GENERAL", limit: 1 }))
    .messages[0]
    .reactions.map((r: Json) => r.name);
  assert.ok(names.includes("shipit") && names.includes("white_check_mark"));
});

Deno.test("users.lookupByEmail finds active people by email, in any case", async () => {
  await using t = await startEmulator();
  const found = await t.call("users.lookupByEmail", { email: "Bruno@Acme-Demo.example" });
  await assertSlackShape("users.lookupByEmail", found);
  assert.deepEqual([found.user.id, found.user.profile.title], [bruno, "Staff Backend Engineer"]);
  assert.equal(
    (await t.call("users.lookupByEmail", { email: "nobody@acme-demo.example" })).error,
    "users_not_found",
  );
  assert.equal(
    (await t.call("users.lookupByEmail", { email: "marco@acme-demo.example" })).error,
    "users_not_found",
  );
  assert.equal((await t.call("users.lookupByEmail", {})).error, "users_not_found");
});

Deno.test("methods answer missing_scope when the app lacks the scope", async () => {
  await using t = await startEmulator();
  t.served.emulator.workspace.app.scopes = { bot: ["channels:read", "users:read"] };
  assert.deepEqual(await t.call("emoji.list"), {
    ok: false,
    error: "missing_scope",
    needed: "emoji:read",
    provided: "channels:read,users:read",
  });
  assert.equal((await t.call("usergroups.list")).error, "missing_scope");
  assert.equal((await t.call("emoji.list", {}, user)).ok, true, "the user token keeps every scope");
});
