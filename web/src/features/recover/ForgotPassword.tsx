import { Alert, App, Button, Descriptions, Flex, Form, Input, Radio, Result, Steps } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { requestPasswordReset, resetPassword } from '../../api/endpoints';
import type { RecoveryChannel, RequestPasswordResetBody, SentTo } from '../../api/types';
import { getLastSite } from '../../shared/lastSite';
import { NewPasswordFields, smsCodeRules } from '../../shared/NewPasswordFields';
import { applyProblemToForm } from '../../shared/problemToForm';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useCountdown } from '../../shared/useCountdown';
import { recoverText } from './text';

interface RequestForm {
  username: string;
  channel: RecoveryChannel;
  email?: string;
  phone?: string;
}

interface ResetForm {
  code: string;
  newPassword: string;
  confirm: string;
}

const RESEND_SECONDS = 60;

/** 忘记密码 (seed 002 §2.1.4): username + registered e-mail (or phone) → code → new password. */
export function ForgotPassword({ initialUsername }: { initialUsername?: string }) {
  const [stage, setStage] = useState<'request' | 'reset' | 'done'>('request');
  const [sent, setSent] = useState<{ body: RequestPasswordResetBody; answer: SentTo } | null>(null);
  const [resendWait, startResendWait] = useCountdown();

  const stepIndex = stage === 'request' ? 0 : stage === 'reset' ? 1 : 2;
  return (
    <Flex vertical gap={16}>
      <Steps
        size="small"
        current={stepIndex}
        responsive={false}
        items={[{ title: recoverText.stepRequest }, { title: recoverText.stepReset }, { title: recoverText.stepDone }]}
      />
      {stage === 'request' && (
        <RequestStep
          initial={sent?.body ?? (initialUsername ? { username: initialUsername, channel: 'email' } : undefined)}
          onSent={(body, answer) => {
            setSent({ body, answer });
            startResendWait(RESEND_SECONDS);
            setStage('reset');
          }}
        />
      )}
      {stage === 'reset' && sent && (
        <ResetStep
          sent={sent}
          resendWait={resendWait}
          onResent={(answer) => {
            setSent((s) => (s ? { ...s, answer } : s));
            startResendWait(RESEND_SECONDS);
          }}
          onBack={() => setStage('request')}
          onDone={() => setStage('done')}
        />
      )}
      {stage === 'done' && sent && (
        <Result
          status="success"
          title={<span data-testid="reset-done">{recoverText.resetDone}</span>}
          subTitle={recoverText.resetDoneText}
          style={{ paddingInline: 0 }}
          extra={
            <Link to={`/login?${new URLSearchParams({ ...(getLastSite() ? { site: getLastSite()! } : {}), username: sent.body.username }).toString()}`}>
              <Button type="primary" size="large">
                {recoverText.toLogin}
              </Button>
            </Link>
          }
        />
      )}
    </Flex>
  );
}

function RequestStep({
  initial,
  onSent,
}: {
  initial: RequestPasswordResetBody | undefined;
  onSent: (body: RequestPasswordResetBody, answer: SentTo) => void;
}) {
  const [form] = Form.useForm<RequestForm>();
  const channel = Form.useWatch('channel', form) ?? 'email';
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [wait, setWait] = useState(0);

  const onFinish = async (v: RequestForm) => {
    setSubmitting(true);
    setFailure(null);
    const body: RequestPasswordResetBody =
      v.channel === 'sms'
        ? { username: v.username.trim(), channel: 'sms', phone: (v.phone ?? '').trim() }
        : { username: v.username.trim(), channel: 'email', email: (v.email ?? '').trim() };
    try {
      const answer = await requestPasswordReset(body);
      onSent(body, answer);
    } catch (err) {
      const onField = applyProblemToForm(form, err, { fields: ['username', 'email', 'phone'] });
      if (!onField) setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Form<RequestForm>
      form={form}
      name="forgot-request"
      layout="vertical"
      size="large"
      requiredMark={false}
      initialValues={{ channel: 'email', ...initial }}
      onFinish={onFinish}
      autoComplete="on"
    >
      <Form.Item
        name="username"
        label={recoverText.username}
        extra={recoverText.usernameHint}
        rules={[{ required: true, whitespace: true, message: recoverText.usernameRequired }]}
      >
        <Input placeholder={recoverText.usernamePlaceholder} autoComplete="username" maxLength={64} />
      </Form.Item>
      <Form.Item name="channel" label={recoverText.channel}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={[
            { value: 'email', label: recoverText.channelEmail },
            { value: 'sms', label: recoverText.channelSms },
          ]}
        />
      </Form.Item>
      {channel === 'email' ? (
        <Form.Item
          name="email"
          label={recoverText.email}
          rules={[
            { required: true, whitespace: true, message: recoverText.emailRequired },
            { type: 'email', message: commonText.emailInvalid },
          ]}
        >
          <Input placeholder={recoverText.emailPlaceholder} inputMode="email" autoComplete="email" maxLength={254} />
        </Form.Item>
      ) : (
        <Form.Item
          name="phone"
          label={recoverText.mobile}
          rules={[
            { required: true, whitespace: true, message: recoverText.mobileRequired },
            { pattern: /^\s*\+?[\d\- ]{6,20}\s*$/, message: commonText.phoneInvalid },
          ]}
        >
          <Input placeholder={recoverText.mobilePlaceholder} inputMode="tel" autoComplete="tel" maxLength={20} />
        </Form.Item>
      )}
      <ProblemAlert failure={failure} onWait={setWait} />
      <Form.Item style={{ marginBottom: 0 }}>
        <Button type="primary" htmlType="submit" block loading={submitting} disabled={wait > 0}>
          {wait > 0 ? commonText.retryAfter(wait) : recoverText.sendCode}
        </Button>
      </Form.Item>
    </Form>
  );
}

function ResetStep({
  sent,
  resendWait,
  onResent,
  onBack,
  onDone,
}: {
  sent: { body: RequestPasswordResetBody; answer: SentTo };
  resendWait: number;
  onResent: (answer: SentTo) => void;
  onBack: () => void;
  onDone: () => void;
}) {
  const [form] = Form.useForm<ResetForm>();
  const { message } = App.useApp();
  const [submitting, setSubmitting] = useState(false);
  const [resending, setResending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [wait, setWait] = useState(0);
  const { body, answer } = sent;
  const email = body.channel === 'email';

  useEffect(() => {
    form.getFieldInstance('code')?.focus?.();
  }, [form]);

  const resend = async () => {
    setResending(true);
    setFailure(null);
    try {
      onResent(await requestPasswordReset(body));
      void message.success(recoverText.resent);
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setResending(false);
    }
  };

  const onFinish = async (v: ResetForm) => {
    setSubmitting(true);
    setFailure(null);
    try {
      await resetPassword({ username: body.username, code: v.code.trim(), newPassword: v.newPassword });
      onDone();
    } catch (err) {
      const onField = applyProblemToForm(form, err, {
        fields: ['code', 'newPassword', 'confirm'],
        aliases: { password: 'newPassword' },
        codeFields: { RECOVERY_CODE_INVALID: 'code', PASSWORD_POLICY: 'newPassword' },
      });
      if (!onField) setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Form<ResetForm> form={form} name="forgot-reset" layout="vertical" size="large" requiredMark={false} onFinish={onFinish} autoComplete="off">
      <Alert
        type="success"
        showIcon
        data-testid="reset-sent"
        title={email ? recoverText.sentEmail(answer.sentTo) : recoverText.sentSms(answer.sentTo)}
        description={
          <>
            <div>{email ? recoverText.sentEmailHint : recoverText.sentSmsHint}</div>
            <div style={{ marginTop: 4, color: '#8c8c8c' }}>{recoverText.notReceived}</div>
          </>
        }
        style={{ marginBottom: 16 }}
      />
      <Descriptions size="small" column={1} items={[{ key: 'u', label: recoverText.username, children: body.username }]} style={{ marginBottom: 8 }} />
      {/* Lets password managers know whose password this is. */}
      <input type="text" name="username" value={body.username} autoComplete="username" readOnly hidden />
      <Form.Item label={recoverText.code} required htmlFor="forgot-reset_code">
        <Flex gap={8}>
          <Form.Item name="code" noStyle rules={smsCodeRules}>
            <Input placeholder={commonText.smsCodePlaceholder} inputMode="numeric" autoComplete="one-time-code" maxLength={6} style={{ flex: 1, minWidth: 0 }} />
          </Form.Item>
          <Button onClick={resend} loading={resending} disabled={resendWait > 0} style={{ flex: 'none' }}>
            {resendWait > 0 ? commonText.resendIn(resendWait) : recoverText.resend}
          </Button>
        </Flex>
      </Form.Item>
      <NewPasswordFields siteCode={answer.siteCode ?? getLastSite() ?? '11'} accountType={answer.accountType ?? undefined} username={body.username} />
      <ProblemAlert failure={failure} onWait={setWait} />
      <Form.Item style={{ marginBottom: 8 }}>
        <Button type="primary" htmlType="submit" block loading={submitting} disabled={wait > 0}>
          {wait > 0 ? commonText.retryAfter(wait) : recoverText.resetSubmit}
        </Button>
      </Form.Item>
      <Button type="link" block onClick={onBack}>
        {recoverText.changeInfo}
      </Button>
    </Form>
  );
}
