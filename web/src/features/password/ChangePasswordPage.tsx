import { Alert, App, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { ApiError, errorTitle } from '../../api/client';
import { changePassword } from '../../api/endpoints';
import { useSession } from '../../app/session';
import { Page } from '../../shared/Page';
import { PasswordRules } from '../../shared/PasswordRules';
import { applyProblemToForm } from '../../shared/problemToForm';
import { passwordText } from './text';

interface PasswordForm {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

/** 修改密码 (seed 002 §2.1.6.5). */
export function ChangePasswordPage() {
  const [form] = Form.useForm<PasswordForm>();
  const session = useSession();
  const { message } = App.useApp();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [succeeded, setSucceeded] = useState(false);
  const newPassword = Form.useWatch('newPassword', form);
  const me = session.me;

  const onFinish = async (values: PasswordForm) => {
    setSubmitting(true);
    setFailure(null);
    setSucceeded(false);
    try {
      await changePassword({ oldPassword: values.oldPassword, newPassword: values.newPassword });
      form.resetFields();
      setSucceeded(true);
      void message.success(passwordText.success);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && err.code !== 'OLD_PASSWORD_WRONG') {
        // The session itself is gone: RequireAuth sends the person to sign in and back here.
        session.signedOut(false);
        return;
      }
      const onField = applyProblemToForm(form, err, {
        fields: ['oldPassword', 'newPassword', 'confirm'],
        aliases: { password: 'newPassword' },
        codeFields: { OLD_PASSWORD_WRONG: 'oldPassword', PASSWORD_POLICY: 'newPassword', PASSWORD_UNCHANGED: 'newPassword' },
      });
      if (!onField || (err instanceof ApiError && err.code === 'PASSWORD_POLICY')) setFailure(errorTitle(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Page title={passwordText.title} width="narrow">
      {succeeded ? (
        <Alert type="success" showIcon title={passwordText.success} description={passwordText.successDetail} style={{ marginBottom: 16 }} data-testid="password-changed" />
      ) : (
        <Alert type="info" title={passwordText.intro} style={{ marginBottom: 16 }} />
      )}
      <Form<PasswordForm>
        form={form}
        layout="vertical"
        size="large"
        onFinish={onFinish}
        onValuesChange={() => failure && setFailure(null)}
        autoComplete="off"
      >
        {/* Lets password managers know whose password this is. */}
        <input type="text" name="username" value={me?.username ?? ''} autoComplete="username" readOnly hidden />
        <Form.Item name="oldPassword" label={passwordText.oldPassword} rules={[{ required: true, message: passwordText.oldPasswordRequired }]}>
          <Input.Password placeholder={passwordText.oldPasswordPlaceholder} autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={passwordText.newPassword}
          dependencies={['oldPassword']}
          rules={[
            { required: true, message: passwordText.newPasswordRequired },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) =>
                value && value === getFieldValue('oldPassword') ? Promise.reject(new Error(passwordText.sameAsOld)) : Promise.resolve(),
            }),
          ]}
          extra={
            <PasswordRules
              siteCode={me?.siteCode ?? undefined}
              password={newPassword}
              username={me?.username}
              accountType={me?.type === 'volunteer' ? 'volunteer' : undefined}
            />
          }
        >
          <Input.Password placeholder={passwordText.newPasswordPlaceholder} autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={passwordText.confirm}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: passwordText.confirmRequired },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) =>
                !value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(passwordText.confirmMismatch)),
            }),
          ]}
        >
          <Input.Password placeholder={passwordText.confirmPlaceholder} autoComplete="new-password" />
        </Form.Item>
        {failure && <Alert type="error" showIcon role="alert" title={failure} style={{ marginBottom: 16 }} />}
        <Form.Item style={{ marginBottom: 0 }}>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {passwordText.submit}
          </Button>
        </Form.Item>
      </Form>
    </Page>
  );
}
