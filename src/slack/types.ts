/**
 * The subset of Slack Web API object shapes that slack-mcp reads. Field names
 * follow Slack's OpenAPI spec (`objs_message`, `objs_conversation`, `objs_user`).
 * @module
 */

/** One reaction on a message: emoji name, count and who reacted. */
export interface SlackReaction {
  name: string;
  count: number;
  users: string[];
}

/** A message as `conversations.history` / `conversations.replies` return it. */
export interface SlackMessage {
  type: "message";
  ts: string;
  user?: string;
  bot_id?: string;
  username?: string;
  text: string;
  subtype?: string;
  thread_ts?: string;
  reply_count?: number;
  reply_users_count?: number;
  latest_reply?: string;
  reply_users?: string[];
  reactions?: SlackReaction[];
  edited?: { user: string; ts: string };
  /** Set by `conversations.history` in thread broadcasts and by our emulator. */
  parent_user_id?: string;
  team?: string;
  permalink?: string;
}

/** A conversation as `conversations.list` / `conversations.info` return it. */
export interface SlackChannel {
  id: string;
  name: string;
  is_channel?: boolean;
  is_group?: boolean;
  is_im?: boolean;
  is_private: boolean;
  is_archived: boolean;
  is_general?: boolean;
  is_member?: boolean;
  created: number;
  creator: string;
  num_members?: number;
  topic: { value: string; creator: string; last_set: number };
  purpose: { value: string; creator: string; last_set: number };
}

/** A user's profile as in `users.list`, `users.info` and `users.profile.get`. */
export interface SlackProfile {
  real_name?: string;
  display_name?: string;
  title?: string;
  email?: string;
  phone?: string;
  status_text?: string;
  status_emoji?: string;
  image_72?: string;
}

/** A user as `users.list` / `users.info` return it. */
export interface SlackUser {
  id: string;
  team_id?: string;
  name: string;
  real_name?: string;
  deleted: boolean;
  is_bot: boolean;
  is_admin?: boolean;
  tz?: string;
  tz_offset?: number;
  profile: SlackProfile;
}

/** Slack's cursor pagination block. `next_cursor` is `""` on the last page. */
export interface ResponseMetadata {
  next_cursor?: string;
}

/** Every Web API response: `ok`, and on failure an `error` code. */
export interface SlackResponse {
  ok: boolean;
  error?: string;
  warning?: string;
  needed?: string;
  provided?: string;
  response_metadata?: ResponseMetadata;
}
