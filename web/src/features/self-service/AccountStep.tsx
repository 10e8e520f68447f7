import { EditOutlined, EyeOutlined, IdcardOutlined, KeyOutlined, MailOutlined, MobileOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Descriptions, Flex, Form, Input, Modal, Result, Row, Skeleton, Typography, type FormInstance } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { selfService, sendSmsCode } from '../../api/endpoints';
import type { SelfServiceAccount, SelfServiceTicket } from '../../api/types';
import { getLastSite } from '../../shared/lastSite';
import { NewPasswordFields, smsCodeRules } from '../../shared/NewPasswordFields';
import { applyProblemToForm } from '../../shared/problemToForm';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useCountdown } from '../../shared/useCountdown';
import { selfServiceText } from './text';

type Action = 'password' | 'email' | 'phone' | 'username' | 'name';

const USERNAME = /^(?!\d+$)[A-Za-z0-9_]{4,20}$/;
const MAINLAND_MOBILE = /^\s*1[3-9]\d{9}\s*$/;

const formatTime = (iso: string) =>
  new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
const formatDate = (iso: string) => new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(iso));

interface Props {
  ticket: SelfServiceTicket;
  onTicketProblem: (err: unknown) => boolean;
}

/** 自助服务详细信息: the account behind the checked identity, and what may be changed here. */
export function AccountStep({ ticket, onTicketProblem }: Props) {
  const [account, setAccount] = useState<SelfServiceAccount | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [loading, setLoading] = useState(true);
  const [revealed, setRevealed] = useState(false);
  const [action, setAction] = useState<Action | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setFailure(null);
    try {
      setAccount(await selfService.account(ticket.ticket));
    } catch (err) {
      if (!onTicketProblem(err)) setFailure(toFailure(err));
    } finally {
      setLoading(false);
    }
  }, [ticket.ticket, onTicketProblem]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!account) {
    return failure ? (
      <Alert
        type="error"
        showIcon
        title={selfServiceText.loadFailed}
        description={failure.title}
        action={<Button onClick={() => void load()}>{commonText.retry}</Button>}
      />
    ) : (
      <Skeleton active loading={loading} />
    );
  }

  const actions: { key: Action; icon: ReactNode; label: string }[] = [
    { key: 'password', icon: <KeyOutlined />, label: selfServiceText.changePassword },
    { key: 'email', icon: <MailOutlined />, label: selfServiceText.changeEmail },
    { key: 'phone', icon: <MobileOutlined />, label: selfServiceText.changePhone },
    { key: 'username', icon: <UserOutlined />, label: selfServiceText.changeUsername },
    { key: 'name', icon: <IdcardOutlined />, label: selfServiceText.changeName },
  ];

  return (
    <Flex vertical gap={16} data-testid="self-service-account">
      <Typography.Text type="secondary">{selfServiceText.validUntil(formatTime(ticket.expiresAt))}</Typography.Text>
      <Descriptions
        bordered
        size="small"
        column={1}
        items={[
          {
            key: 'username',
            label: selfServiceText.username,
            children: revealed ? (
              <Flex vertical gap={2}>
                <Typography.Text strong copyable style={{ fontSize: 18, wordBreak: 'break-all' }} data-testid="self-service-username">
                  {account.username}
                </Typography.Text>
                <Typography.Text type="warning" style={{ fontSize: 12 }}>
                  {commonText.screenshotHint}
                </Typography.Text>
              </Flex>
            ) : (
              <Flex align="center" gap={8} wrap>
                <span>{selfServiceText.hidden}</span>
                <Button size="small" icon={<EyeOutlined />} onClick={() => setRevealed(true)}>
                  {selfServiceText.showUsername}
                </Button>
              </Flex>
            ),
          },
          ...(account.name ? [{ key: 'name', label: selfServiceText.accountName, children: account.name }] : []),
          ...(account.volunteerNumber !== undefined
            ? [{ key: 'number', label: selfServiceText.volunteerNumber, children: account.volunteerNumber || selfServiceText.volunteerNumberPending }]
            : []),
          { key: 'phone', label: selfServiceText.phone, children: account.maskedPhone || selfServiceText.none },
          { key: 'email', label: selfServiceText.email, children: account.maskedEmail || selfServiceText.none },
        ]}
      />
      <div>
        <Typography.Text type="secondary">{selfServiceText.actions}</Typography.Text>
        <Row gutter={[8, 8]} style={{ marginTop: 8 }}>
          {actions.map((a) => (
            <Col key={a.key} xs={12} sm={8}>
              <Button block icon={a.icon} onClick={() => setAction(a.key)}>
                {a.label}
              </Button>
            </Col>
          ))}
        </Row>
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {selfServiceText.contactHint}
      </Typography.Text>
      <Link to="/login">
        <Button block>{commonText.toLogin}</Button>
      </Link>
      {action && (
      <ActionModal
        key={action}
        action={action}
        ticket={ticket.ticket}
        account={account}
        onClose={() => setAction(null)}
        onTicketProblem={(err) => {
          if (!onTicketProblem(err)) return false;
          setAction(null);
          return true;
        }}
        onChanged={(changes) => setAccount((a) => (a ? { ...a, ...changes } : a))}
      />
      )}
    </Flex>
  );
}

interface ActionProps {
  action: Action;
  ticket: string;
  account: SelfServiceAccount;
  onClose: () => void;
  onTicketProblem: (err: unknown) => boolean;
  onChanged: (changes: Partial<SelfServiceAccount>) => void;
}

const titles: Record<Action, string> = {
  password: selfServiceText.changePassword,
  email: selfServiceText.changeEmail,
  phone: selfServiceText.changePhone,
  username: selfServiceText.changeUsername,
  name: selfServiceText.changeName,
};

interface ActionForm {
  newPassword?: string;
  confirm?: string;
  email?: string;
  phone?: string;
  smsCode?: string;
  username?: string;
  name?: string;
}

const ACTION_FIELDS = ['newPassword', 'confirm', 'email', 'phone', 'smsCode', 'username', 'name'] as const;

function maskPhone(phone: string): string {
  return phone.length >= 11 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone;
}
function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.length > 2 ? `${local[0]}***${local[local.length - 1]}` : '***'}@${domain}`;
}

function ActionModal({ action, ticket, account, onClose, onTicketProblem, onChanged }: ActionProps) {
  const [form] = Form.useForm<ActionForm>();
  const { message } = App.useApp();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [wait, setWait] = useState(0);
  const [done, setDone] = useState<string | null>(null);
  const current = action;

  const changeableAt = account.usernameChangeableAt ? new Date(account.usernameChangeableAt) : null;
  const usernameLocked = !!changeableAt && changeableAt.getTime() > Date.now();

  const onFinish = async (v: ActionForm) => {
    setSubmitting(true);
    setFailure(null);
    try {
      if (current === 'password') {
        await selfService.password(ticket, v.newPassword ?? '');
        setDone(selfServiceText.passwordChanged);
      } else if (current === 'email') {
        const email = (v.email ?? '').trim();
        const answer = await selfService.contact(ticket, { email });
        onChanged({ maskedEmail: answer?.maskedEmail ?? maskEmail(email) });
        void message.success(selfServiceText.emailChanged);
        onClose();
      } else if (current === 'phone') {
        const phone = (v.phone ?? '').trim();
        const answer = await selfService.contact(ticket, { phone, smsCode: (v.smsCode ?? '').trim() });
        onChanged({ maskedPhone: answer?.maskedPhone ?? maskPhone(phone) });
        void message.success(selfServiceText.phoneChanged);
        onClose();
      } else if (current === 'username') {
        const username = (v.username ?? '').trim();
        const answer = await selfService.username(ticket, username);
        onChanged({ username: answer?.username ?? username, usernameChangeableAt: answer?.usernameChangeableAt ?? account.usernameChangeableAt });
        setDone(selfServiceText.usernameChanged);
      } else {
        const name = (v.name ?? '').trim();
        await selfService.name(ticket, name);
        onChanged({ name });
        setDone(selfServiceText.nameChanged);
      }
    } catch (err) {
      if (onTicketProblem(err)) return;
      const onField = applyProblemToForm(form, err, {
        fields: ACTION_FIELDS,
        aliases: { password: 'newPassword', code: 'smsCode' },
        codeFields: {
          PASSWORD_POLICY: 'newPassword',
          USERNAME_TAKEN: 'username',
          USERNAME_INVALID: 'username',
          USERNAME_UNCHANGED: 'username',
          USERNAME_CHANGE_TOO_SOON: 'username',
          SMS_CODE_INVALID: 'smsCode',
          PHONE_INVALID: 'phone',
          PHONE_REGISTERED: 'phone',
          EMAIL_INVALID: 'email',
          NAME_INVALID: 'name',
          NAME_UNCHANGED: 'name',
        },
      });
      if (!onField) setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  let fields: ReactNode = null;
  if (current === 'password') {
    fields = <NewPasswordFields siteCode={account.siteCode ?? getLastSite() ?? '11'} accountType={account.accountType ?? undefined} username={account.username} />;
  } else if (current === 'email') {
    fields = (
      <Form.Item
        name="email"
        label={selfServiceText.newEmail}
        rules={[
          { required: true, whitespace: true, message: selfServiceText.newEmailRequired },
          { type: 'email', message: commonText.emailInvalid },
        ]}
      >
        <Input placeholder={selfServiceText.newEmailPlaceholder} inputMode="email" autoComplete="email" maxLength={254} />
      </Form.Item>
    );
  } else if (current === 'phone') {
    fields = <PhoneFields form={form} />;
  } else if (current === 'username') {
    fields = (
      <>
        <Alert
          type={usernameLocked ? 'warning' : 'info'}
          showIcon
          title={selfServiceText.usernameOnce}
          description={changeableAt && usernameLocked ? selfServiceText.usernameNextDate(formatDate(changeableAt.toISOString())) : undefined}
          style={{ marginBottom: 16 }}
          data-testid="username-once"
        />
        <Form.Item
          name="username"
          label={selfServiceText.newUsername}
          extra={selfServiceText.usernameRule}
          rules={[
            { required: true, whitespace: true, message: selfServiceText.newUsernameRequired },
            { pattern: USERNAME, message: selfServiceText.usernameInvalid },
          ]}
        >
          <Input placeholder={selfServiceText.newUsernamePlaceholder} autoComplete="username" maxLength={20} disabled={usernameLocked} />
        </Form.Item>
      </>
    );
  } else {
    fields = (
      <>
        <Alert type="warning" showIcon title={selfServiceText.nameNote} style={{ marginBottom: 16 }} />
        <Form.Item name="name" label={selfServiceText.newName} rules={[{ required: true, whitespace: true, message: selfServiceText.newNameRequired }]}>
          <Input placeholder={selfServiceText.newNamePlaceholder} autoComplete="name" maxLength={50} />
        </Form.Item>
      </>
    );
  }

  return (
    <Modal open title={titles[current]} onCancel={onClose} footer={null} destroyOnHidden>
      {done ? (
        <Result
          status="success"
          title={<span data-testid="self-service-done">{done}</span>}
          subTitle={current === 'password' ? selfServiceText.passwordChangedHint : undefined}
          style={{ padding: '16px 0' }}
          extra={
            <Flex gap={8} justify="center" wrap>
              <Button onClick={onClose}>{selfServiceText.done}</Button>
              {(current === 'password' || current === 'username') && (
                <Link to={`/login?${new URLSearchParams({ username: account.username }).toString()}`}>
                  <Button type="primary">{selfServiceText.toLogin}</Button>
                </Link>
              )}
            </Flex>
          }
        />
      ) : (
        <Form<ActionForm> form={form} name={`self-${current}`} layout="vertical" requiredMark={false} onFinish={onFinish} autoComplete="off">
          {current === 'password' && <input type="text" name="username" value={account.username} autoComplete="username" readOnly hidden />}
          {fields}
          <ProblemAlert failure={failure} onWait={setWait} />
          <Flex gap={8} justify="flex-end">
            <Button onClick={onClose}>{selfServiceText.cancel}</Button>
            <Button
              type="primary"
              htmlType="submit"
              loading={submitting}
              disabled={wait > 0 || (current === 'username' && usernameLocked)}
              icon={<EditOutlined />}
            >
              {wait > 0 ? commonText.retryAfter(wait) : selfServiceText.submit}
            </Button>
          </Flex>
        </Form>
      )}
    </Modal>
  );
}

/** New phone + "获取验证码" (purpose change_phone) + the code. */
function PhoneFields({ form }: { form: FormInstance<ActionForm> }) {
  const { message } = App.useApp();
  const [sending, setSending] = useState(false);
  const [resendWait, startResendWait] = useCountdown();
  const [failure, setFailure] = useState<Failure | null>(null);

  const send = async () => {
    try {
      await form.validateFields(['phone']);
    } catch {
      return;
    }
    const phone = String(form.getFieldValue('phone') ?? '').trim();
    setSending(true);
    setFailure(null);
    try {
      await sendSmsCode({ phone, purpose: 'change_phone' });
      startResendWait(60);
      void message.success(selfServiceText.codeSent);
    } catch (err) {
      const problem = toFailure(err);
      if (problem.retryAfter) startResendWait(problem.retryAfter);
      if (!applyProblemToForm(form, err, { fields: ['phone'] })) setFailure(problem);
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <Form.Item
        name="phone"
        label={selfServiceText.newPhone}
        rules={[
          { required: true, whitespace: true, message: selfServiceText.newPhoneRequired },
          { pattern: MAINLAND_MOBILE, message: commonText.phoneInvalid },
        ]}
      >
        <Input placeholder={selfServiceText.newPhonePlaceholder} inputMode="tel" autoComplete="tel" maxLength={20} />
      </Form.Item>
      <Form.Item label={selfServiceText.smsCode} required htmlFor="self-phone_smsCode">
        <Flex gap={8}>
          <Form.Item name="smsCode" noStyle rules={smsCodeRules}>
            <Input placeholder={commonText.smsCodePlaceholder} inputMode="numeric" autoComplete="one-time-code" maxLength={6} style={{ flex: 1, minWidth: 0 }} />
          </Form.Item>
          <Button onClick={send} loading={sending} disabled={resendWait > 0} style={{ flex: 'none', minWidth: 96 }}>
            {resendWait > 0 ? commonText.resendIn(resendWait) : commonText.sendCode}
          </Button>
        </Flex>
      </Form.Item>
      {failure && <ProblemAlert failure={failure} />}
    </>
  );
}
