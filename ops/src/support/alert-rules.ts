import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ALERT_TESTS_DIR, ALERTS_FILE } from './paths';
import { readYaml } from './yaml-file';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RulesFile {
  groups: { name: string; rules: AlertRule[] }[];
}

interface PromtoolTests {
  tests: { name: string; alert_rule_test?: { alertname: string; eval_time: string; exp_alerts?: unknown[] }[] }[];
}

export function readAlertRules(file = ALERTS_FILE): AlertRule[] {
  return readYaml<RulesFile>(file).groups.flatMap((g) => g.rules);
}

/** Every alert_rule_test case of the promtool test files: alert name and whether it expects alerts. */
export function readAlertTestCases(dir = ALERT_TESTS_DIR): { alertname: string; fires: boolean; file: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) =>
      readYaml<PromtoolTests>(path.join(dir, f)).tests.flatMap((t) =>
        (t.alert_rule_test ?? []).map((c) => ({ alertname: c.alertname, fires: (c.exp_alerts ?? []).length > 0, file: f })),
      ),
    );
}
