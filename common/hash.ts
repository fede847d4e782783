import { createHash } from "node:crypto";

/** The SHA-256 of a text, as hex (what `sha256sum` prints for it). */
export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
