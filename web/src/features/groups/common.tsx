import { App, Button, Flex, Form, Input, Tag, type FormInstance } from 'antd';
import { useState } from 'react';
import { getServiceCategories, sendSmsCode } from '../../api/endpoints';
import { LEVEL_NAMES, type GroupLevel } from '../../api/groups';
import type { SmsCodePurpose } from '../../api/types';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { applyProblemToForm } from '../../shared/problemToForm';
import { commonText } from '../../shared/text';
import { useCountdown } from '../../shared/useCountdown';
import { useLoad } from '../../shared/useLoad';
import { groupText } from './text';

export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
export const USERNAME = /^(?!\d+$)[A-Za-z0-9_]{4,20}$/;

export const formatDate = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Asia/Shanghai' }).format(d);
};

export const formatTime = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('zh-CN', { dateStyle: 'short', timeStyle: 'short', hour12: false, timeZone: 'Asia/Shanghai' }).format(d);
};

export const formatHours = (hours: number | null | undefined) => {
  const n = Number(hours ?? 0);
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
};

export function levelName(level: GroupLevel | undefined, fromApi?: string | null): string {
  if (fromApi) return fromApi;
  return level ? (LEVEL_NAMES[level] ?? level) : '—';
}

export function LevelTag({ level, name }: { level: GroupLevel; name?: string | null }) {
  const color = level === 'advanced' ? 'gold' : level === 'intermediate' ? 'blue' : level === 'pending' ? 'default' : 'cyan';
  return (
    <Tag color={color} data-testid="group-level" data-level={level} style={{ marginInlineEnd: 0 }}>
      {levelName(level, name)}
    </Tag>
  );
}

/** Category code → name, from the catalog. */
export function useCategoryNames(): (codes: string[] | undefined) => string {
  const categories = useLoad(getServiceCategories, []);
  return (codes) => {
    if (!codes?.length) return '—';
    const map = new Map((categories.data ?? []).map((c) => [c.code, c.name]));
    return codes.map((c) => map.get(c) ?? c).join('、');
  };
}

interface SmsFieldProps {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  form: FormInstance<any>;
  phoneField: string;
  codeField: string;
  purpose: SmsCodePurpose;
  label?: string;
  required?: boolean;
  testId?: string;
}

/** "获取验证码" for the phone in `phoneField` (60 s countdown) and the code input named `codeField`. */
export function SmsCodeField({ form, phoneField, codeField, purpose, label = groupText.smsCode, required = true, testId = 'send-sms-code' }: SmsFieldProps) {
  const { message } = App.useApp();
  const [sending, setSending] = useState(false);
  const [wait, startWait] = useCountdown();
  const [failure, setFailure] = useState<Failure | null>(null);

  const send = async () => {
    const phone = String(form.getFieldValue(phoneField) ?? '').trim();
    if (!MAINLAND_MOBILE.test(phone)) {
      form.setFields([{ name: phoneField, errors: [groupText.contactPhoneFirst] }]);
      return;
    }
    setSending(true);
    setFailure(null);
    try {
      await sendSmsCode({ phone, purpose });
      startWait(60);
      void message.success(groupText.codeSent(`${phone.slice(0, 3)}****${phone.slice(7)}`));
    } catch (err) {
      const problem = toFailure(err);
      if (problem.retryAfter) startWait(problem.retryAfter);
      if (!applyProblemToForm(form, err, { fields: [phoneField], aliases: { phone: phoneField } })) setFailure(problem);
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <Form.Item label={label} required={required} htmlFor={codeField}>
        <Flex gap={8}>
          <Form.Item
            name={codeField}
            noStyle
            rules={
              required
                ? [
                    { required: true, whitespace: true, message: commonText.smsCodeRequired },
                    { pattern: /^\d{6}$/, message: commonText.smsCodeInvalid },
                  ]
                : [{ pattern: /^\d{6}$/, message: commonText.smsCodeInvalid }]
            }
          >
            <Input
              id={codeField}
              placeholder={commonText.smsCodePlaceholder}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              style={{ flex: 1, minWidth: 0 }}
            />
          </Form.Item>
          <Button onClick={send} loading={sending} disabled={wait > 0} style={{ flex: 'none', minWidth: 104 }} data-testid={testId}>
            {wait > 0 ? commonText.resendIn(wait) : commonText.sendCode}
          </Button>
        </Flex>
      </Form.Item>
      {failure && <ProblemAlert failure={failure} />}
    </>
  );
}

/** GB 32100-2015 统一社会信用代码 check (18 characters, last one a check character). */
export function isValidCreditCode(value: string): boolean {
  const charset = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const code = value.trim().toUpperCase();
  if (code.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = charset.indexOf(code[i]!);
    if (v < 0) return false;
    sum += v * weights[i]!;
  }
  const check = 31 - (sum % 31);
  return charset[check === 31 ? 0 : check] === code[17];
}
