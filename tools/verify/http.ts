/**
 * HTTP to a live Prometheus or Alertmanager, with the errors a person can act on: the server named, the URL without
 * its credentials, and never a token or password.
 */

/** How to authenticate to one server: a bearer token, or basic auth. Values are never printed. */
export type Credentials = { readonly bearer: string } | { readonly basic: { readonly username: string; readonly password: string } } | undefined;

export class UnreachableError extends Error {}

export class Server {
  /** The URL as printed: no user, no password. */
  readonly shown: string;
  private readonly base: URL;
  private readonly auth: Credentials;

  constructor(
    readonly name: "Prometheus" | "Alertmanager" | "Grafana",
    url: string,
    credentials: Credentials,
    private readonly timeoutMs: number,
  ) {
    this.base = new URL(url.endsWith("/") ? url : `${url}/`);
    // Credentials in the URL are basic auth, as curl takes them; a flag or variable wins over them.
    const fromUrl = this.base.username ? { basic: { username: decodeURIComponent(this.base.username), password: decodeURIComponent(this.base.password) } } : undefined;
    this.auth = credentials ?? fromUrl;
    this.base.username = "";
    this.base.password = "";
    this.shown = this.base.toString().replace(/\/$/, "");
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    const auth = this.auth;
    const authorization = !auth ? undefined : "bearer" in auth ? `Bearer ${auth.bearer}` : `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString("base64")}`;
    return { ...(authorization ? { authorization } : {}), ...extra };
  }

  private url(relative: string): URL {
    return new URL(relative.replace(/^\//, ""), this.base);
  }

  /** One request under the base URL: the response of a 2xx, or an {@link UnreachableError} saying why not. */
  private async send(relative: string, init: { method?: "GET" | "POST"; body?: unknown; accept: string }): Promise<Response> {
    const url = this.url(relative);
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method ?? "GET",
        headers: this.headers({ accept: init.accept, ...(init.body === undefined ? {} : { "content-type": "application/json" }) }),
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why =
        (error as Error).name === "TimeoutError"
          ? `no answer within ${this.timeoutMs / 1000} s`
          : cause?.code === "ECONNREFUSED"
            ? "connection refused (is it running, and is the port forwarded?)"
            : cause?.code === "ENOTFOUND"
              ? "host not found"
              : (cause?.message ?? (error as Error).message);
      throw new UnreachableError(`cannot reach ${this.name} at ${this.shown}: ${why}`);
    }
    if (response.status === 401 || response.status === 403) {
      throw new UnreachableError(
        `${this.name} at ${this.shown} refused the request (HTTP ${response.status}): ${this.auth ? "the credentials given were not accepted" : "it needs credentials"}; set them with the environment variables in \`npm run verify -- --help\``,
      );
    }
    if (!response.ok) throw new UnreachableError(`${this.name} at ${this.shown} answered HTTP ${response.status} to ${url.pathname}: ${(await response.text()).slice(0, 200)}`);
    return response;
  }

  /** GET or POST a path under the base URL; the parsed JSON body, or an {@link UnreachableError} saying why not. */
  async request<T>(relative: string, init: { method?: "GET" | "POST"; body?: unknown } = {}): Promise<T> {
    const text = await (await this.send(relative, { ...init, accept: "application/json" })).text();
    // Alertmanager answers a POST of alerts with 200 and no body.
    if (text.trim() === "" && init.method === "POST") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new UnreachableError(`${this.name} at ${this.shown} answered ${this.url(relative).pathname} with something that is not JSON (is this the right URL?)`);
    }
  }

  /** Prometheus' API envelope: the `data`, or its error. */
  async prometheusApi<T>(relative: string): Promise<T> {
    const body = await this.request<{ status: string; data: T; error?: string }>(relative);
    if (body.status !== "success") throw new Error(`${this.name} at ${this.shown}: ${relative}: ${body.error ?? body.status}`);
    return body.data;
  }

  /** The raw text of a path (Alertmanager's /metrics). */
  async text(relative: string): Promise<string> {
    return (await this.send(relative, { accept: "text/plain" })).text();
  }
}
