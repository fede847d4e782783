/**
 * A local stand-in for Postmark's SMTP endpoint on port 587: offers STARTTLS with a throwaway certificate, refuses
 * mail before TLS and AUTH, and keeps every message it accepts, parsed. It can be stopped and started again on the
 * same port to simulate an outage, or made to refuse the credentials it accepted (a revoked Postmark token).
 */
import type { AddressInfo } from "node:net";

import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedEmail {
  readonly receivedAt: number;
  readonly subject: string;
  /** Envelope recipients (RCPT TO), sorted. */
  readonly recipients: readonly string[];
  readonly from: string;
  readonly text: string;
  /** The HTML part, as sent; undefined when the message has none. */
  readonly html?: string;
  readonly headers: ReadonlyMap<string, unknown>;
}

export interface SmtpSinkOptions {
  /** PEM certificate and key the server presents on STARTTLS. */
  readonly cert: string;
  readonly key: string;
  /** The only credentials it accepts. */
  readonly username: string;
  readonly password: string;
}

export class SmtpSink {
  readonly emails: ReceivedEmail[] = [];
  /** Failed logins and refused sessions, for diagnosing a misconfigured client. */
  readonly rejections: string[] = [];
  private readonly listeners: ((email: ReceivedEmail) => void)[] = [];
  private server?: SMTPServer;
  private port = 0;
  private refusing = false;

  constructor(private readonly options: SmtpSinkOptions) {}

  /** `host:port` for Alertmanager's smarthost. */
  get smarthost(): string {
    return `127.0.0.1:${this.port}`;
  }

  onEmail(listener: (email: ReceivedEmail) => void): void {
    this.listeners.push(listener);
  }

  /** Listens on 127.0.0.1: a free port the first time, the same port again after {@link stop}. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      secure: false,
      key: this.options.key,
      cert: this.options.cert,
      // Like Postmark: no AUTH and no mail without TLS first.
      authOptional: false,
      allowInsecureAuth: false,
      hideSTARTTLS: false,
      authMethods: ["PLAIN", "LOGIN"],
      banner: "billing-monitoring sandbox SMTP",
      logger: false,
      onAuth: (auth, session, callback) => {
        if (!session.secure) return callback(new Error("TLS required before AUTH"));
        if (!this.refusing && auth.username === this.options.username && auth.password === this.options.password) return callback(null, { user: auth.username });
        this.rejections.push(`bad credentials for ${auth.username}`);
        return callback(new Error("Invalid username or password"));
      },
      onMailFrom: (_address, session, callback) => {
        if (!session.secure || !session.user) {
          this.rejections.push("MAIL FROM without TLS and AUTH");
          return callback(new Error("TLS and AUTH required"));
        }
        return callback();
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            const email: ReceivedEmail = {
              receivedAt: Date.now(),
              subject: parsed.subject ?? "",
              recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address).sort(),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              text: parsed.text ?? "",
              ...(typeof parsed.html === "string" ? { html: parsed.html } : {}),
              headers: parsed.headers,
            };
            this.emails.push(email);
            for (const listener of this.listeners) listener(email);
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    server.on("error", (error) => this.rejections.push(String(error)));
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /**
   * Refuses (true) or accepts again (false) the configured credentials, as Postmark does with a revoked token: the
   * server stays up and answers every AUTH with 535, so the client's error is authentication, not connection.
   */
  refuseCredentials(refuse: boolean): void {
    this.refusing = refuse;
  }

  /** Stops accepting connections (and drops open ones): an outage, from the client's side. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
