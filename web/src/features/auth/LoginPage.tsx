import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Segmented, Select } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, errorTitle } from '../../api/client';
import { getSites, login } from '../../api/endpoints';
import { useSession } from '../../app/session';
import { CaptchaFormItem, captchaFields, useCaptcha } from '../../shared/captcha';
import { getLastSite, setLastSite } from '../../shared/lastSite';
import { Page } from '../../shared/Page';
import { applyProblemToForm } from '../../shared/problemToForm';
import { useCountdown } from '../../shared/useCountdown';
import { useLoad } from '../../shared/useLoad';
import { authText } from './text';

interface LoginForm {
  siteCode?: string;
  identifier: string;
  password: string;
  captchaAnswer?: string;
}

type Failure =
  | { kind: 'message'; text: string }
  | { kind: 'resetRequired'; text: string }
  | { kind: 'tooMany'; text: string }
  | { kind: 'contactUnverified'; text: string; username: string };

export function LoginPage() {
  const [form] = Form.useForm<LoginForm>();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const { message } = App.useApp();
  const captcha = useCaptcha();
  const sites = useLoad(getSites, []);
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [waitSeconds, startWait] = useCountdown();
  const from = (location.state as { from?: string } | null)?.from;
  const [asGroup, setAsGroup] = useState(params.get('as') === 'group');

  if (session.status === 'signedIn' && !submitting) {
    return <Navigate to={from && from !== '/login' ? from : session.me?.type === 'group' ? '/console' : '/'} replace />;
  }

  const onFinish = async (values: LoginForm) => {
    setSubmitting(true);
    setFailure(null);
    try {
      const { account } = await login({
        identifier: values.identifier.trim(),
        password: values.password,
        siteCode: values.siteCode || undefined,
        ...captchaFields(captcha, values.captchaAnswer),
      });
      setLastSite(values.siteCode || account.siteCode);
      session.signedIn(account);
      void message.success(authText.welcome(account.name || account.username));
      // The account type comes back with the sign-in: a group account's home is its console.
      navigate(from && from !== '/login' ? from : account.type === 'group' ? '/console' : '/', { replace: true });
    } catch (err) {
      captcha.refresh();
      form.setFieldValue('captchaAnswer', '');
      if (err instanceof ApiError && err.code === 'TOO_MANY_ATTEMPTS') {
        const seconds = err.problem.retryAfter ?? 60;
        startWait(seconds);
        setFailure({ kind: 'tooMany', text: err.problem.title });
      } else if (err instanceof ApiError && err.code === 'CONTACT_UNVERIFIED') {
        setFailure({ kind: 'contactUnverified', text: err.problem.title, username: values.identifier.trim() });
      } else if (err instanceof ApiError && err.code === 'PASSWORD_RESET_REQUIRED') {
        setFailure({ kind: 'resetRequired', text: err.problem.title });
      } else if (
        !applyProblemToForm(form, err, {
          fields: ['identifier', 'password', 'captchaAnswer', 'siteCode'],
          codeFields: { CAPTCHA_INVALID: 'captchaAnswer' },
        }) ||
        (err instanceof ApiError && err.code !== 'CAPTCHA_INVALID')
      ) {
        setFailure({ kind: 'message', text: errorTitle(err) });
      }
    } finally {
      setSubmitting(false);
    }
  };

  const siteOptions = (sites.data ?? []).map((s) => ({ value: s.code, label: s.name }));
  const lastSite = params.get('site') ?? getLastSite();

  return (
    <Page title={asGroup ? authText.groupLoginTitle : authText.loginTitle} width="narrow">
      <Segmented
        block
        value={asGroup ? 'group' : 'person'}
        onChange={(v) => setAsGroup(v === 'group')}
        options={[
          { value: 'person', label: authText.personTab },
          { value: 'group', label: authText.groupTab },
        ]}
        style={{ marginBottom: 16 }}
        data-testid="login-kind"
      />
      <Form<LoginForm>
        form={form}
        layout="vertical"
        size="large"
        requiredMark={false}
        onFinish={onFinish}
        onValuesChange={() => failure?.kind === 'message' && setFailure(null)}
        initialValues={{ siteCode: lastSite || undefined, identifier: params.get('username') ?? '' }}
        autoComplete="on"
      >
        <Form.Item name="siteCode" label={authText.site} extra={authText.siteHint}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={authText.sitePlaceholder}
            options={siteOptions}
            loading={sites.loading}
            aria-label={authText.site}
          />
        </Form.Item>
        <Form.Item
          name="identifier"
          label={authText.identifier}
          rules={[{ required: true, whitespace: true, message: authText.identifierRequired }]}
        >
          <Input
            prefix={<UserOutlined />}
            placeholder={asGroup ? authText.groupIdentifierPlaceholder : authText.identifierPlaceholder}
            autoComplete="username"
          />
        </Form.Item>
        <Form.Item name="password" label={authText.password} rules={[{ required: true, message: authText.passwordRequired }]}>
          <Input.Password prefix={<LockOutlined />} placeholder={authText.passwordPlaceholder} autoComplete="current-password" />
        </Form.Item>
        <CaptchaFormItem state={captcha} />

        {failure?.kind === 'message' && <Alert type="error" showIcon title={failure.text} style={{ marginBottom: 16 }} role="alert" />}
        {failure?.kind === 'tooMany' && (
          <Alert
            type="warning"
            showIcon
            role="alert"
            title={failure.text}
            description={waitSeconds > 0 ? authText.tooManyAttempts(waitSeconds) : undefined}
            style={{ marginBottom: 16 }}
          />
        )}
        {failure?.kind === 'contactUnverified' && (
          <Alert
            type="warning"
            showIcon
            role="alert"
            data-testid="contact-unverified"
            title={failure.text}
            description={
              <Link to={`/groups/contact-verification?${new URLSearchParams({ username: failure.username }).toString()}`}>
                {authText.contactVerifyLink}
              </Link>
            }
            style={{ marginBottom: 16 }}
          />
        )}
        {failure?.kind === 'resetRequired' && (
          <Alert
            type="warning"
            showIcon
            role="alert"
            title={authText.resetRequiredTitle}
            description={
              <>
                <div>{failure.text}</div>
                <div>{authText.resetRequired}</div>
                <Link to="/recover?tab=password">{authText.resetRequiredLink}</Link>
              </>
            }
            style={{ marginBottom: 16 }}
          />
        )}

        <Form.Item style={{ marginBottom: 12 }}>
          <Button type="primary" htmlType="submit" block loading={submitting} disabled={waitSeconds > 0}>
            {waitSeconds > 0 ? authText.waitSeconds(waitSeconds) : authText.submit}
          </Button>
        </Form.Item>
        <div style={{ display: 'flex', flexWrap: 'wrap', columnGap: 16, rowGap: 4 }} data-testid="login-links">
          <Link to="/recover?tab=password">{authText.forgot}</Link>
          <Link to="/recover">{authText.forgotUsername}</Link>
          <Link to="/activate">{authText.activate}</Link>
          <Link to="/self-service">{authText.selfService}</Link>
        </div>
        <div style={{ marginTop: 12 }}>
          {authText.noAccount}
          {asGroup ? <Link to="/groups/register">{authText.registerGroup}</Link> : <Link to="/register">{authText.register}</Link>}
        </div>
      </Form>
    </Page>
  );
}
