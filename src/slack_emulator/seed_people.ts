/**
 * The demo workspace's people-to-people parts: direct messages and group
 * DMs with a few days of history, the messages the installer (Alice) has not
 * read yet, user groups and custom emoji.
 * @module
 */
import { DEMO_APP_ID, DEMO_BOT_ID, DEMO_BOT_USER_ID, DEMO_TEAM_ID, demoUsers } from "./seed_ids.ts";
import { DAY, dayAt, type Planned, type Unread } from "./seed_plan.ts";
import {
  createChannel,
  newConversation,
  type Usergroup,
  type WorkspaceChannel,
} from "./workspace.ts";

const { alice, bruno, chloe, diego, fiona, grace, hanna, jamal, kenji, laila } = demoUsers;

/** Handles by user ID, for group DM names (`mpdm-alice--chloe--fiona-1`). */
const handles = new Map<string, string>([
  ...Object.entries(demoUsers).map(([handle, id]) => [id, handle] as [string, string]),
  [DEMO_BOT_USER_ID, "slack-mcp"],
]);

/** The seeded DMs (`D…`) and group DMs (`G…`), with their members. */
const directSpecs: readonly { id: string; members: readonly string[] }[] = [
  { id: "D0DMBRUNO", members: [alice, bruno] },
  { id: "D0DMDIEGO", members: [alice, diego] },
  { id: "D0DMFIONA", members: [alice, fiona] },
  { id: "D0BOTALIC", members: [DEMO_BOT_USER_ID, alice] },
  { id: "D0BOTGRAC", members: [DEMO_BOT_USER_ID, grace] },
  { id: "G0MPDM001", members: [alice, chloe, fiona] },
  { id: "G0MPDM002", members: [bruno, diego, kenji] },
];

/** The seeded DMs and group DMs, empty, as of `now`. */
export function directConversations(now: number): WorkspaceChannel[] {
  const created = Math.floor((now - 90 * DAY) / 1000);
  return directSpecs.map(({ id, members }) => {
    const creator = members[0];
    if (id.startsWith("D")) {
      return createChannel(
        newConversation({ id, name: id, created, creator, kind: "im" }),
        [...members],
      );
    }
    const names = members.map((m) => handles.get(m)!);
    const conversation = newConversation({
      id,
      name: `mpdm-${names.join("--")}-1`,
      created,
      creator,
      kind: "mpim",
      purpose: {
        value: `Group messaging with: ${names.map((n) => `@${n}`).join(" ")}`,
        creator,
        last_set: created,
      },
    });
    return createChannel(conversation, [...members]);
  });
}

const fromBot = { user: DEMO_BOT_USER_ID, bot_id: DEMO_BOT_ID, app_id: DEMO_APP_ID };

/** The history of the DMs and group DMs. */
export function directPlan(now: number): Planned[] {
  const at = (daysAgo: number, hours: number) => dayAt(now, daysAgo, hours);
  return [
    {
      channel: "D0DMBRUNO",
      at: at(4, 15),
      message: {
        user: bruno,
        text: "Hey, do you have 10 minutes to go over the billing retries design?",
      },
      replies: [
        { after: 3, user: alice, text: "Sure, right after standup" },
        { after: 6, user: bruno, text: "Perfect, sending an invite" },
      ],
    },
    {
      channel: "D0DMBRUNO",
      at: at(2, 16.2),
      message: { user: alice, text: "The connection pool change looks good, merged it 🚢" },
    },
    {
      channel: "D0DMBRUNO",
      at: at(2, 16.5),
      message: { user: bruno, text: "Thanks! I'll keep an eye on the dashboards tonight" },
    },
    {
      channel: "D0DMDIEGO",
      at: at(3, 15.6),
      message: {
        user: diego,
        text: "The post-mortem draft is ready, want to review it before I share it?",
      },
      replies: [
        { after: 5, user: alice, text: "Yes please, send it over" },
        { after: 9, user: diego, text: "Sent 📄" },
      ],
    },
    {
      channel: "D0DMDIEGO",
      at: at(1, 14),
      message: { user: alice, text: "Great write-up. I shared it with <@U0EMEKA05>" },
    },
    {
      channel: "D0DMFIONA",
      at: at(5, 13.5),
      message: { user: fiona, text: "Can we move our 1:1 to Thursday?" },
    },
    { channel: "D0DMFIONA", at: at(5, 13.7), message: { user: alice, text: "Works for me" } },
    {
      channel: "D0BOTALIC",
      at: at(6, 13),
      message: {
        ...fromBot,
        text: "👋 Hi Alice! Ask me to summarise a channel or to catch you up on what you missed.",
      },
      noReactions: true,
    },
    {
      channel: "D0BOTALIC",
      at: at(6, 13.2),
      message: { user: alice, text: "Thanks! Catch me up on <#C0ENGINRG> tomorrow morning" },
    },
    {
      channel: "D0BOTGRAC",
      at: at(2, 14),
      message: { user: grace, text: "How do I get the weekly support report?" },
    },
    {
      channel: "D0BOTGRAC",
      at: at(2, 14.05),
      message: {
        ...fromBot,
        text: "Ask me for a support report any time: I'll summarise <#C0SUPPORT> for the week.",
      },
      noReactions: true,
    },
    {
      channel: "G0MPDM001",
      at: at(3, 17),
      message: { user: chloe, text: "Should we invite Laila to the research sync?" },
      replies: [
        { after: 4, user: fiona, text: "Yes!" },
        { after: 10, user: alice, text: "Agreed, I'll add her" },
      ],
    },
    {
      channel: "G0MPDM001",
      at: at(1, 16),
      message: { user: fiona, text: "Offsite venue options are in the planning doc" },
    },
    {
      channel: "G0MPDM002",
      at: at(2, 19),
      message: { user: kenji, text: "Pairing on the mobile crash later?" },
      replies: [{ after: 3, user: diego, text: "Sure, 4pm?" }],
    },
    { channel: "G0MPDM002", at: at(2, 19.2), message: { user: bruno, text: "Count me in" } },
  ];
}

/** What Alice has not read yet: the newest messages of #engineering, a DM and a group DM. */
export const installerUnread: readonly Unread[] = [
  {
    channel: "C0ENGINRG",
    user: kenji,
    text: "The release checklist for v1.49 is up, add your items before the freeze",
  },
  {
    channel: "C0ENGINRG",
    user: diego,
    text: `<@${alice}> can you approve the on-call swap for next week?`,
  },
  { channel: "C0ENGINRG", user: hanna, text: "The Vite migration PR is ready for review 🚀" },
  { channel: "D0DMBRUNO", user: bruno, text: "Quick one: could you approve my PTO for the 12th?" },
  {
    channel: "D0DMBRUNO",
    user: bruno,
    text: "Also, the incident runbook is now the canvas of <#C0ENGINRG>",
  },
  { channel: "G0MPDM001", user: chloe, text: "I booked the venue for the 14th 🎉" },
];

/** The seeded user groups; `launch-squad` is disabled. */
export function seedUsergroups(now: number): Usergroup[] {
  const created = Math.floor((now - 200 * DAY) / 1000);
  const group = (fields: {
    id: string;
    handle: string;
    name: string;
    description: string;
    users: string[];
    channels: string[];
    disabled?: boolean;
  }): Usergroup => ({
    id: fields.id,
    team_id: DEMO_TEAM_ID,
    is_usergroup: true,
    is_subteam: true,
    name: fields.name,
    description: fields.description,
    handle: fields.handle,
    is_external: false,
    date_create: created,
    date_update: created + 86_400,
    date_delete: fields.disabled ? created + 30 * 86_400 : 0,
    auto_type: null,
    auto_provision: false,
    enterprise_subteam_id: "",
    created_by: alice,
    updated_by: alice,
    deleted_by: fields.disabled ? alice : null,
    prefs: { channels: fields.channels, groups: [] },
    users: fields.users,
  });
  return [
    group({
      id: "S0ENGINRS",
      handle: "engineers",
      name: "Engineering",
      description: "Everyone who ships code",
      users: [alice, bruno, diego, hanna, jamal, kenji],
      channels: ["C0ENGINRG"],
    }),
    group({
      id: "S0ONCALL1",
      handle: "oncall",
      name: "On-call",
      description: "This week's on-call engineers: page them for incidents",
      users: [diego, bruno],
      channels: ["C0ENGINRG"],
    }),
    group({
      id: "S0DESIGNR",
      handle: "design-team",
      name: "Design",
      description: "Product design and research",
      users: [chloe, fiona, laila],
      channels: ["C0DESIGN0"],
    }),
    group({
      id: "S0LAUNCH1",
      handle: "launch-squad",
      name: "Launch squad",
      description: "The v1 launch team",
      users: [alice, bruno, hanna],
      channels: [],
      disabled: true,
    }),
  ];
}

const emojiBase = `https://emoji.slack-edge.com/${DEMO_TEAM_ID}`;

/** The workspace's custom emoji; `ship_it` and `yes` are aliases. */
export const seedEmoji: Readonly<Record<string, string>> = {
  acme: `${emojiBase}/acme/4a1f0c2d9e8b7a65.png`,
  lgtm: `${emojiBase}/lgtm/0b9c8d7e6f5a4b3c.png`,
  partyblob: `${emojiBase}/partyblob/9f8e7d6c5b4a3f2e.gif`,
  shipit: `${emojiBase}/shipit/5e1d3a6b2c4f8e90.png`,
  "this-is-fine": `${emojiBase}/this-is-fine/1c2d3e4f5a6b7c8d.png`,
  ship_it: "alias:shipit",
  yes: "alias:white_check_mark",
};
