/**
 * The clients the server knows: those registered dynamically (RFC 7591),
 * kept in the store so every instance knows them, and those identified by a
 * client ID metadata document URL, fetched on first use and cached briefly.
 * @module
 */
import type { Store } from "../store/store.ts";
import { cleanClientName, type ClientMetadataResult, isClientIdUrl } from "./client_metadata.ts";
import { constantTimeEqual, hashToken, newOpaqueToken } from "./opaque_token.ts";
import { redirectUriProblem } from "./redirect_uri.ts";
import { ttl } from "./lifetimes.ts";
import { oauthKeys as keys } from "../store/keys.ts";

/** How a client authenticates at the token endpoint. */
export type TokenEndpointAuthMethod = "none" | "client_secret_post" | "client_secret_basic";

/** A client as the server sees it. */
export interface Client {
  clientId: string;
  /** As the client named itself; shown on the consent page. */
  clientName?: string;
  redirectUris: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Where the metadata came from. */
  source: "registered" | "metadata_document";
  /** Unix seconds of registration. */
  issuedAt?: number;
  /** SHA-256 (hex) of the secret of a confidential registered client. */
  secretHash?: string;
}

/** The answer to a registration: the client (and its secret, shown once), or the RFC 7591 error. */
export type Registration =
  | { ok: true; client: Client; secret?: string }
  | { ok: false; error: "invalid_redirect_uri" | "invalid_client_metadata"; description: string };

/** The answer to a lookup: the client, or why the ID is refused (for the error page). */
export type Lookup = { ok: true; client: Client } | { ok: false; problem: string };

/** Options of {@link createClientRegistry}. */
export interface ClientRegistryOptions {
  store: Store;
  /** Unix ms. */
  now: () => number;
  /** Fetches a client ID metadata document (see `client_metadata.ts`). */
  fetchMetadata: (url: string) => Promise<ClientMetadataResult>;
  /** Whether loopback `http` client ID URLs are allowed (tests). */
  allowPrivate: boolean;
}

/** The client registry. */
export interface ClientRegistry {
  /** Registers a client from an RFC 7591 request body. */
  register(body: unknown): Promise<Registration>;
  /** The client with `clientId`: registered, or a metadata document URL fetched now or cached. */
  find(clientId: string): Promise<Lookup>;
  /** Whether the presented secret authenticates `client` (public clients need none). */
  authenticate(client: Client, secret: string | undefined): Promise<boolean>;
}

const authMethods: readonly TokenEndpointAuthMethod[] = [
  "none",
  "client_secret_post",
  "client_secret_basic",
];
const grantTypes = ["authorization_code", "refresh_token"];

/** The RFC 7591 response body for a client (the secret only right after registering). */
export function registrationResponse(client: Client, secret?: string): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_id_issued_at: client.issuedAt,
    ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
    ...(client.clientName ? { client_name: client.clientName } : {}),
    redirect_uris: client.redirectUris,
    grant_types: grantTypes,
    response_types: ["code"],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
  };
}

function invalid(description: string): Registration {
  return { ok: false, error: "invalid_client_metadata", description };
}

/**
 * Creates the registry.
 *
 * @example
 * ```ts
 * const clients = createClientRegistry({ store, now: Date.now, allowPrivate: false,
 *   fetchMetadata: (url) => fetchClientMetadata(url, { fetch, resolve: resolveWithDns,
 *     allowPrivate: false }) });
 * const registered = await clients.register({ redirect_uris: ["http://127.0.0.1/cb"] });
 * ```
 */
export function createClientRegistry(options: ClientRegistryOptions): ClientRegistry {
  const { store } = options;

  async function register(body: unknown): Promise<Registration> {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return invalid("The registration must be a JSON object");
    }
    const meta = body as Record<string, unknown>;
    const uris = meta.redirect_uris;
    if (
      !Array.isArray(uris) || uris.length === 0 || uris.length > 10 ||
      !uris.every((u) => typeof u === "string" && u.length <= 2000)
    ) {
      return {
        ok: false,
        error: "invalid_redirect_uri",
        description: "redirect_uris must be a list of 1 to 10 URIs",
      };
    }
    for (const uri of uris as string[]) {
      const problem = redirectUriProblem(uri);
      if (problem) return { ok: false, error: "invalid_redirect_uri", description: problem };
    }
    const method = meta.token_endpoint_auth_method ?? "none";
    if (!authMethods.includes(method as TokenEndpointAuthMethod)) {
      return invalid(
        `token_endpoint_auth_method "${method}" is not supported; use ${authMethods.join(", ")}`,
      );
    }
    const grants = meta.grant_types ?? grantTypes;
    if (!Array.isArray(grants) || grants.some((g) => !grantTypes.includes(g))) {
      return invalid(`grant_types may only hold ${grantTypes.join(" and ")}`);
    }
    const responses = meta.response_types ?? ["code"];
    if (!Array.isArray(responses) || responses.some((r) => r !== "code")) {
      return invalid('response_types may only hold "code"');
    }
    const secret = method === "none" ? undefined : newOpaqueToken("mcpcs_");
    const client: Client = {
      clientId: newOpaqueToken("mcpc_", 18),
      clientName: cleanClientName(meta.client_name),
      redirectUris: uris as string[],
      tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
      source: "registered",
      issuedAt: Math.floor(options.now() / 1000),
      ...(secret ? { secretHash: await hashToken(secret) } : {}),
    };
    await store.set(keys.client(client.clientId), JSON.stringify(client), ttl.client);
    return { ok: true, client, secret };
  }

  async function find(clientId: string): Promise<Lookup> {
    if (!clientId || clientId.length > 2000) return { ok: false, problem: "client_id is missing" };
    if (!isClientIdUrl(clientId, options.allowPrivate)) {
      const stored = /^[\w-]+$/.test(clientId) ? await store.get(keys.client(clientId)) : null;
      return stored
        ? { ok: true, client: JSON.parse(stored) as Client }
        : { ok: false, problem: "this client is not registered with this server" };
    }
    const cacheKey = keys.metadataDocument(await hashToken(clientId));
    const cached = await store.get(cacheKey);
    if (cached) return { ok: true, client: JSON.parse(cached) as Client };
    const fetched = await options.fetchMetadata(clientId);
    if (!fetched.ok) return { ok: false, problem: fetched.problem };
    const client: Client = {
      clientId,
      clientName: fetched.document.clientName,
      redirectUris: fetched.document.redirectUris,
      tokenEndpointAuthMethod: "none",
      source: "metadata_document",
    };
    await store.set(cacheKey, JSON.stringify(client), ttl.metadataDocument);
    return { ok: true, client };
  }

  async function authenticate(client: Client, secret: string | undefined): Promise<boolean> {
    if (client.tokenEndpointAuthMethod === "none") return true;
    if (!secret || !client.secretHash) return false;
    return constantTimeEqual(await hashToken(secret), client.secretHash);
  }

  return { register, find, authenticate };
}
