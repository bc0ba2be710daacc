// Public addresses the diagnostics, the CLI's SARIF output and the editor's "Show rule documentation" point at.

export const REPO_URL = 'https://github.com/ropelens/ropelens';
export const DOCS_BASE = `${REPO_URL}/blob/main/docs/rules.md`;

export function ruleDocUrl(ruleId: string): string {
  return `${DOCS_BASE}#${ruleId}`;
}
