/** Severities an alert can carry, most urgent first. Each has its own route and receiver. */
export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];
