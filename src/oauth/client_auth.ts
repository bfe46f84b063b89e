/**
 * Client authentication at the token and revocation endpoints: public
 * clients name themselves with `client_id`; registered confidential clients
 * add `client_secret` in the form or HTTP Basic (RFC 6749 §2.3.1).
 * @module
 */
import { isClientIdUrl } from "./client_metadata.ts";
import type { ClientRegistry } from "./clients.ts";

/** Who the client says it is. */
export interface ClientCredentials {
  clientId: string | undefined;
  secret: string | undefined;
  /** Whether they came in an `Authorization: Basic` header (a refusal then answers 401). */
  viaHeader: boolean;
}

/** The credentials of a token-endpoint request, from its Basic header or its form. */
export function readClientCredentials(
  authorization: string | undefined,
  form: Record<string, unknown>,
): ClientCredentials {
  const basic = /^Basic\s+(.*)$/i.exec(authorization ?? "")?.[1];
  if (basic !== undefined) {
    try {
      const decoded = atob(basic);
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        return {
          clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
          secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
          viaHeader: true,
        };
      }
    } catch {
      // Malformed: treated as no credentials, which fails below.
    }
    return { clientId: undefined, secret: undefined, viaHeader: true };
  }
  const text = (value: unknown) => typeof value === "string" && value ? value : undefined;
  return { clientId: text(form.client_id), secret: text(form.client_secret), viaHeader: false };
}

/**
 * Whether `credentials` authenticate a known client. A metadata-document
 * client is public and needs no fetch here: its codes and tokens are bound to
 * its ID, which is checked against them.
 */
export async function authenticateClient(
  clients: ClientRegistry,
  credentials: ClientCredentials,
  allowPrivate: boolean,
): Promise<boolean> {
  const { clientId, secret } = credentials;
  if (!clientId) return false;
  if (isClientIdUrl(clientId, allowPrivate)) return secret === undefined;
  const lookup = await clients.find(clientId);
  return lookup.ok && await clients.authenticate(lookup.client, secret);
}
