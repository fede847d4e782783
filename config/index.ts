/**
 * Typed stack configuration, pure: the schema ({@link CONFIG_SCHEMA}) and the parser ({@link parseConfig}). Reading
 * it from Pulumi is config/load.ts, which only the program imports, so nothing else loads Pulumi to read a constant.
 */
export * from "./parse";
export * from "./schema";
