import { CheckCircleFilled, CloseCircleFilled, MinusCircleOutlined } from '@ant-design/icons';
import { Typography } from 'antd';
import { useEffect, useState } from 'react';
import { checkPassword } from '../api/endpoints';
import type { AccountType, PasswordCheck } from '../api/types';
import { commonText } from './text';

/** Which rule text each error code belongs to (rule texts come from the server, in Chinese). */
const codeMatchers: Record<string, (rule: string) => boolean> = {
  TOO_SHORT: (r) => r.includes('长度'),
  TOO_LONG: (r) => r.includes('长度'),
  MISSING_DIGIT: (r) => isClassRule(r) && r.includes('数字'),
  MISSING_LOWER: (r) => isClassRule(r) && (r.includes('小写') || r.includes('字母')),
  MISSING_UPPER: (r) => isClassRule(r) && (r.includes('大写') || r.includes('字母')),
  MISSING_SPECIAL: (r) => isClassRule(r) && r.includes('特殊'),
  MISSING_CLASSES: (r) => isClassRule(r),
  SEQUENTIAL_CHARS: (r) => r.includes('连续'),
  REPEATED_CHARS: (r) => r.includes('重复'),
  CONTAINS_USERNAME: (r) => r.includes('用户名'),
  COMMON_PASSWORD: (r) => r.includes('常见') || r.includes('常用') || r.includes('弱'),
};

function isClassRule(rule: string): boolean {
  return rule.includes('包含') && !rule.includes('连续') && !rule.includes('重复') && !rule.includes('用户名') && !rule.includes('不能');
}

/** Shown before the server has answered once (the seed's standard policy). */
const defaultRules = [
  '长度为8-20个字符',
  '必须同时包含数字和大小写字母',
  '不能包含4个及以上连续的数字或字母（例如1234或abcd）',
  '不能包含4个及以上重复的数字或字母（例如2222或bbbb）',
];

/** The last rule list each site's server sent, so a remounted list does not flash the defaults. */
const lastRules = new Map<string, string[]>();

interface RuleLine {
  text: string;
  state: 'met' | 'unmet' | 'unknown';
}

export function buildRuleLines(result: PasswordCheck | null, hasPassword: boolean, rulesFallback: string[]): RuleLine[] {
  const rules = result?.rules?.length ? result.rules : rulesFallback;
  if (!result || !hasPassword) return rules.map((text) => ({ text, state: 'unknown' }));
  const failed = new Set<number>();
  const extra: RuleLine[] = [];
  for (const error of result.errors ?? []) {
    const matcher = codeMatchers[error.code];
    let matched = false;
    rules.forEach((rule, i) => {
      if ((matcher && matcher(rule)) || (error.message && rule === error.message)) {
        failed.add(i);
        matched = true;
      }
    });
    if (!matched) {
      const text = error.message ?? error.code;
      if (!extra.some((e) => e.text === text)) extra.push({ text, state: 'unmet' });
    }
  }
  return [...rules.map((text, i): RuleLine => ({ text, state: failed.has(i) ? 'unmet' : 'met' })), ...extra];
}

export interface PasswordRulesProps {
  siteCode: string | undefined;
  password: string | undefined;
  username?: string;
  accountType?: AccountType;
  /** Told whether the server accepted the password (null while unknown). */
  onResult?: (ok: boolean | null) => void;
}

/** Live list of the site's password rules, each with a green check or a red cross. */
export function PasswordRules({ siteCode, password, username, accountType, onResult }: PasswordRulesProps) {
  const [result, setResult] = useState<PasswordCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const [failed, setFailed] = useState(false);
  const pwd = password ?? '';

  useEffect(() => {
    if (!siteCode) return;
    const controller = new AbortController();
    setChecking(true);
    const timer = window.setTimeout(() => {
      checkPassword({ siteCode, password: pwd, username: username || undefined, accountType }, controller.signal).then(
        (r) => {
          if (r.rules?.length) lastRules.set(`${siteCode}:${accountType ?? ''}`, r.rules);
          setResult(r);
          setFailed(false);
          setChecking(false);
          onResult?.(pwd ? r.ok : null);
        },
        (err: unknown) => {
          if (err instanceof DOMException && err.name === 'AbortError') return;
          setFailed(true);
          setChecking(false);
          onResult?.(null);
        },
      );
    }, 250);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
    // onResult is a callback prop; re-checking only when the inputs change is intended.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [siteCode, pwd, username, accountType]);

  const lines = buildRuleLines(result, pwd.length > 0, lastRules.get(`${siteCode}:${accountType ?? ''}`) ?? defaultRules);
  return (
    <div className="zy-password-rules" aria-live="polite" data-testid="password-rules">
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {commonText.passwordRulesTitle}
        {checking && pwd ? `（${commonText.passwordRulesChecking}）` : ''}
      </Typography.Text>
      <ul style={{ listStyle: 'none', padding: 0, margin: '4px 0 0' }}>
        {lines.map((line) => (
          <li
            key={line.text}
            data-state={line.state}
            style={{ display: 'flex', gap: 6, alignItems: 'flex-start', fontSize: 13, lineHeight: '20px' }}
          >
            <span style={{ flex: 'none' }}>
              {line.state === 'met' && <CheckCircleFilled style={{ color: '#52c41a' }} aria-label={commonText.passwordRuleMet} />}
              {line.state === 'unmet' && <CloseCircleFilled style={{ color: '#ff4d4f' }} aria-label={commonText.passwordRuleNotMet} />}
              {line.state === 'unknown' && <MinusCircleOutlined style={{ color: '#bfbfbf' }} />}
            </span>
            <span style={{ color: line.state === 'unmet' ? '#cf1322' : line.state === 'met' ? '#389e0d' : undefined }}>{line.text}</span>
          </li>
        ))}
      </ul>
      {failed && (
        <Typography.Text type="warning" style={{ fontSize: 12 }}>
          {commonText.passwordRulesUnavailable}
        </Typography.Text>
      )}
    </div>
  );
}
