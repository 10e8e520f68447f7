import { Alert, App, Button, Descriptions, Flex, Form, Input, Modal, Result, Steps, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { completeActivation, requestAdminRecovery, startActivation } from '../../api/endpoints';
import type { SentTo } from '../../api/types';
import { getLastSite } from '../../shared/lastSite';
import { NewPasswordFields, smsCodeRules } from '../../shared/NewPasswordFields';
import { Page } from '../../shared/Page';
import { applyProblemToForm } from '../../shared/problemToForm';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useCountdown } from '../../shared/useCountdown';
import { activationText } from './text';

interface StartForm {
  account: string;
  name: string;
}

interface CompleteForm {
  code: string;
  newPassword: string;
  confirm: string;
}

const RESEND_SECONDS = 60;

/** /activate: 新账号激活 (seed 003 一): account + name → SMS code → set a password. */
export function ActivatePage() {
  const [stage, setStage] = useState<'start' | 'complete' | 'done'>('start');
  const [who, setWho] = useState<StartForm | null>(null);
  const [sent, setSent] = useState<SentTo | null>(null);
  const [resendWait, startResendWait] = useCountdown();
  const [adminOpen, setAdminOpen] = useState(false);

  const current = stage === 'start' ? 0 : stage === 'complete' ? 1 : 2;
  return (
    <Page title={activationText.title} width="narrow">
      <Flex vertical gap={16}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {activationText.intro}
        </Typography.Paragraph>
        <Steps
          size="small"
          current={current}
          responsive={false}
          items={[{ title: activationText.stepAccount }, { title: activationText.stepPassword }, { title: activationText.stepDone }]}
        />
        {stage === 'start' && (
          <StartStep
            initial={who}
            onSent={(values, answer) => {
              setWho(values);
              setSent(answer);
              startResendWait(RESEND_SECONDS);
              setStage('complete');
            }}
          />
        )}
        {stage === 'complete' && who && sent && (
          <CompleteStep
            who={who}
            sent={sent}
            resendWait={resendWait}
            onResent={(answer) => {
              setSent(answer);
              startResendWait(RESEND_SECONDS);
            }}
            onWait={startResendWait}
            onBack={() => setStage('start')}
            onDone={() => setStage('done')}
          />
        )}
        {stage === 'done' && (
          <Result
            status="success"
            title={<span data-testid="activation-done">{activationText.doneTitle}</span>}
            subTitle={activationText.doneText}
            style={{ paddingInline: 0 }}
            extra={
              <Link
                to={`/login?${new URLSearchParams({ ...(sent?.siteCode ? { site: sent.siteCode } : {}), username: sent?.username || who?.account || '' }).toString()}`}
              >
                <Button type="primary" size="large">
                  {activationText.toLogin}
                </Button>
              </Link>
            }
          />
        )}
        {stage !== 'done' && (
          <Flex vertical gap={8} style={{ borderTop: '1px solid #f0f0f0', paddingTop: 12 }}>
            <div>
              <Typography.Text type="secondary">{activationText.adminQuestion}</Typography.Text>{' '}
              <Button type="link" onClick={() => setAdminOpen(true)} style={{ padding: 0, height: 'auto' }} data-testid="admin-request-open">
                {activationText.adminLink}
              </Button>
            </div>
            <div>
              <Typography.Text type="secondary">{activationText.otherWays}</Typography.Text> <Link to="/recover">{activationText.recover}</Link>
            </div>
          </Flex>
        )}
      </Flex>
      <AdminRequestModal open={adminOpen} initial={who} onClose={() => setAdminOpen(false)} />
    </Page>
  );
}

function StartStep({ initial, onSent }: { initial: StartForm | null; onSent: (values: StartForm, answer: SentTo) => void }) {
  const [form] = Form.useForm<StartForm>();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [wait, setWait] = useState(0);

  const onFinish = async (v: StartForm) => {
    setSubmitting(true);
    setFailure(null);
    const values = { account: v.account.trim(), name: v.name.trim() };
    try {
      onSent(values, await startActivation(values));
    } catch (err) {
      const onField = applyProblemToForm(form, err, { fields: ['account', 'name'] });
      if (!onField) setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Form<StartForm>
      form={form}
      name="activate-start"
      layout="vertical"
      size="large"
      requiredMark={false}
      initialValues={initial ?? undefined}
      onFinish={onFinish}
      autoComplete="off"
    >
      <Form.Item name="account" label={activationText.account} rules={[{ required: true, whitespace: true, message: activationText.accountRequired }]}>
        <Input placeholder={activationText.accountPlaceholder} autoComplete="username" maxLength={64} />
      </Form.Item>
      <Form.Item name="name" label={activationText.name} rules={[{ required: true, whitespace: true, message: activationText.nameRequired }]}>
        <Input placeholder={activationText.namePlaceholder} autoComplete="name" maxLength={50} />
      </Form.Item>
      <ProblemAlert failure={failure} onWait={setWait} />
      <Form.Item style={{ marginBottom: 0 }}>
        <Button type="primary" htmlType="submit" block loading={submitting} disabled={wait > 0}>
          {wait > 0 ? commonText.retryAfter(wait) : activationText.next}
        </Button>
      </Form.Item>
    </Form>
  );
}

function CompleteStep({
  who,
  sent,
  resendWait,
  onResent,
  onWait,
  onBack,
  onDone,
}: {
  who: StartForm;
  sent: SentTo;
  resendWait: number;
  onResent: (answer: SentTo) => void;
  onWait: (seconds: number) => void;
  onBack: () => void;
  onDone: () => void;
}) {
  const [form] = Form.useForm<CompleteForm>();
  const { message } = App.useApp();
  const [submitting, setSubmitting] = useState(false);
  const [resending, setResending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [wait, setWait] = useState(0);

  const resend = async () => {
    setResending(true);
    setFailure(null);
    try {
      onResent(await startActivation(who));
      void message.success(activationText.resent);
    } catch (err) {
      const problem = toFailure(err);
      // TOO_MANY_CODES: the resend button counts down the server's wait instead of ours.
      if (problem.retryAfter) onWait(problem.retryAfter);
      setFailure(problem);
    } finally {
      setResending(false);
    }
  };

  const onFinish = async (v: CompleteForm) => {
    setSubmitting(true);
    setFailure(null);
    try {
      await completeActivation({ account: who.account, code: v.code.trim(), newPassword: v.newPassword });
      onDone();
    } catch (err) {
      const onField = applyProblemToForm(form, err, {
        fields: ['code', 'newPassword', 'confirm'],
        aliases: { password: 'newPassword', smsCode: 'code' },
        codeFields: {
          PASSWORD_POLICY: 'newPassword',
          SMS_CODE_INVALID: 'code',
          CODE_INVALID: 'code',
          ACTIVATION_CODE_INVALID: 'code',
          RECOVERY_CODE_INVALID: 'code',
        },
      });
      if (!onField) setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Form<CompleteForm> form={form} name="activate-complete" layout="vertical" size="large" requiredMark={false} onFinish={onFinish} autoComplete="off">
      <Alert type="success" showIcon data-testid="activation-sent" title={activationText.sentTo(sent.sentTo)} description={activationText.sentHint} style={{ marginBottom: 16 }} />
      {sent.username && (
        <Descriptions
          size="small"
          column={1}
          style={{ marginBottom: 8 }}
          items={[
            {
              key: 'username',
              label: activationText.username,
              children: (
                <span>
                  <Typography.Text strong copyable data-testid="activation-username">
                    {sent.username}
                  </Typography.Text>
                  <span style={{ color: '#8c8c8c', fontSize: 12, marginInlineStart: 8 }}>{activationText.usernameHint}</span>
                </span>
              ),
            },
          ]}
        />
      )}
      <input type="text" name="username" value={sent.username ?? who.account} autoComplete="username" readOnly hidden />
      <Form.Item label={activationText.code} required htmlFor="activate-complete_code">
        <Flex gap={8}>
          <Form.Item name="code" noStyle rules={smsCodeRules}>
            <Input placeholder={commonText.smsCodePlaceholder} inputMode="numeric" autoComplete="one-time-code" maxLength={6} style={{ flex: 1, minWidth: 0 }} />
          </Form.Item>
          <Button onClick={resend} loading={resending} disabled={resendWait > 0} style={{ flex: 'none', minWidth: 96 }} data-testid="activation-resend">
            {resendWait > 0 ? commonText.resendIn(resendWait) : activationText.resend}
          </Button>
        </Flex>
      </Form.Item>
      <NewPasswordFields
        siteCode={sent.siteCode ?? getLastSite() ?? '11'}
        accountType={sent.accountType ?? 'volunteer'}
        username={sent.username ?? (/^\d+$/.test(who.account) ? undefined : who.account)}
        label={activationText.password}
        placeholder={activationText.passwordPlaceholder}
        confirmLabel={activationText.confirm}
        confirmPlaceholder={activationText.confirmPlaceholder}
      />
      <ProblemAlert failure={failure} onWait={setWait} />
      <Form.Item style={{ marginBottom: 8 }}>
        <Button type="primary" htmlType="submit" block loading={submitting} disabled={wait > 0 && failure?.code !== 'TOO_MANY_CODES'}>
          {activationText.submit}
        </Button>
      </Form.Item>
      <Button type="link" block onClick={onBack}>
        {activationText.back}
      </Button>
    </Form>
  );
}

function AdminRequestModal({ open, initial, onClose }: { open: boolean; initial: StartForm | null; onClose: () => void }) {
  const [form] = Form.useForm<StartForm>();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [wait, setWait] = useState(0);
  const [done, setDone] = useState(false);

  const close = () => {
    onClose();
    setDone(false);
    setFailure(null);
  };

  const onFinish = async (v: StartForm) => {
    setSubmitting(true);
    setFailure(null);
    try {
      await requestAdminRecovery({ account: v.account.trim(), name: v.name.trim() });
      setDone(true);
    } catch (err) {
      const onField = applyProblemToForm(form, err, { fields: ['account', 'name'] });
      if (!onField) setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={activationText.adminTitle}
      onCancel={close}
      footer={null}
      destroyOnHidden
    >
      {done ? (
        <Result
          status="success"
          title={<span data-testid="admin-request-done">{activationText.adminDone}</span>}
          style={{ padding: '16px 0' }}
          extra={
            <Button type="primary" onClick={close}>
              {activationText.close}
            </Button>
          }
        />
      ) : (
        <Form<StartForm>
          form={form}
          name="admin-request"
          layout="vertical"
          requiredMark={false}
          initialValues={initial ?? undefined}
          onFinish={onFinish}
          autoComplete="off"
        >
          <Typography.Paragraph type="secondary">{activationText.adminIntro}</Typography.Paragraph>
          <Form.Item
            name="account"
            label={activationText.adminAccount}
            rules={[{ required: true, whitespace: true, message: activationText.accountRequired }]}
          >
            <Input placeholder={activationText.accountPlaceholder} maxLength={64} />
          </Form.Item>
          <Form.Item name="name" label={activationText.name} rules={[{ required: true, whitespace: true, message: activationText.nameRequired }]}>
            <Input placeholder={activationText.namePlaceholder} maxLength={50} />
          </Form.Item>
          <ProblemAlert failure={failure} onWait={setWait} />
          <Flex gap={8} justify="flex-end">
            <Button onClick={close}>{activationText.cancel}</Button>
            <Button type="primary" htmlType="submit" loading={submitting} disabled={wait > 0}>
              {wait > 0 ? commonText.retryAfter(wait) : activationText.adminSubmit}
            </Button>
          </Flex>
        </Form>
      )}
    </Modal>
  );
}
