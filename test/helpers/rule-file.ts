/** The rule file and Alertmanager configuration a stack deploys, read back from what index.ts declared. */
import { parse } from "yaml";

import { declaredRuleFile, type StackRun } from "../../tools/engine/program";
import { runStack, type Overrides } from "./stack";

export interface RuleFileRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleFile {
  groups: { name: string; interval: string; rules: RuleFileRule[] }[];
}

export function ruleFileOf(run: StackRun): { text: string; parsed: RuleFile } {
  const text = declaredRuleFile(run);
  return { text, parsed: parse(text) as RuleFile };
}

export async function deployedRuleFile(stack: string, overrides: Overrides = {}): Promise<{ text: string; parsed: RuleFile }> {
  return ruleFileOf(await runStack(stack, overrides));
}

export const allRules = (file: RuleFile): RuleFileRule[] => file.groups.flatMap((group) => group.rules);
export const alerts = (file: RuleFile): RuleFileRule[] => allRules(file).filter((rule) => rule.alert);
