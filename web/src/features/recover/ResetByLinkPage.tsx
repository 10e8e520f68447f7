import { Alert, Button, Form, Result } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { resetPassword } from '../../api/endpoints';
import { getLastSite } from '../../shared/lastSite';
import { NewPasswordFields } from '../../shared/NewPasswordFields';
import { Page } from '../../shared/Page';
import { applyProblemToForm } from '../../shared/problemToForm';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { recoverText } from './text';

interface LinkForm {
  newPassword: string;
  confirm: string;
}

/** /recover/reset?token=… : the link in the 取回密码通知 e-mail. */
export function ResetByLinkPage() {
  const location = useLocation();
  const navigate = useNavigate();
  // Read once, into memory: the address bar is cleaned right after.
  const [token] = useState(() => new URLSearchParams(location.search).get('token'));
  const [form] = Form.useForm<LinkForm>();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [wait, setWait] = useState(0);
  const [done, setDone] = useState(false);

  // The token is a password-reset key: keep it out of the history and the address bar.
  useEffect(() => {
    if (new URLSearchParams(location.search).has('token')) {
      navigate({ pathname: location.pathname, search: '' }, { replace: true });
    }
  }, [location.pathname, location.search, navigate]);

  if (!token) {
    return (
      <Page title={recoverText.linkTitle} width="narrow">
        <Result
          status="warning"
          title={recoverText.linkMissingTitle}
          subTitle={recoverText.linkMissingText}
          style={{ paddingInline: 0 }}
          extra={
            <Link to="/recover?tab=password">
              <Button type="primary">{recoverText.requestAgain}</Button>
            </Link>
          }
        />
      </Page>
    );
  }

  if (done) {
    return (
      <Page title={recoverText.linkTitle} width="narrow">
        <Result
          status="success"
          title={<span data-testid="reset-done">{recoverText.resetDone}</span>}
          subTitle={recoverText.resetDoneText}
          style={{ paddingInline: 0 }}
          extra={
            <Link to={getLastSite() ? `/login?site=${getLastSite()}` : '/login'}>
              <Button type="primary" size="large">
                {recoverText.toLogin}
              </Button>
            </Link>
          }
        />
      </Page>
    );
  }

  const onFinish = async (v: LinkForm) => {
    setSubmitting(true);
    setFailure(null);
    try {
      await resetPassword({ token, newPassword: v.newPassword });
      setDone(true);
    } catch (err) {
      const onField = applyProblemToForm(form, err, {
        fields: ['newPassword', 'confirm'],
        aliases: { password: 'newPassword' },
        codeFields: { PASSWORD_POLICY: 'newPassword' },
      });
      if (!onField) setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  const expired = failure?.code === 'RECOVERY_CODE_INVALID';
  return (
    <Page title={recoverText.linkTitle} width="narrow">
      <Alert type="info" title={recoverText.linkIntro} style={{ marginBottom: 16 }} />
      <Form<LinkForm> form={form} name="reset-link" layout="vertical" size="large" requiredMark={false} onFinish={onFinish} autoComplete="off">
        <NewPasswordFields siteCode={getLastSite() ?? '11'} />
        <ProblemAlert
          failure={failure}
          onWait={setWait}
          description={
            expired ? (
              <>
                {recoverText.linkInvalidHint} <Link to="/recover?tab=password">{recoverText.requestAgain}</Link>
              </>
            ) : undefined
          }
        />
        <Form.Item style={{ marginBottom: 0 }}>
          <Button type="primary" htmlType="submit" block loading={submitting} disabled={wait > 0 || expired}>
            {wait > 0 ? commonText.retryAfter(wait) : recoverText.resetSubmit}
          </Button>
        </Form.Item>
      </Form>
    </Page>
  );
}
