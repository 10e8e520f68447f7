import { Form, Input } from 'antd';
import type { AccountType } from '../api/types';
import { PasswordRules } from './PasswordRules';
import { commonText } from './text';

interface Props {
  /** Whose rules apply: the site (last used, or Beijing '11' when unknown) and account type. */
  siteCode: string;
  accountType?: AccountType;
  username?: string;
  label?: string;
  placeholder?: string;
  confirmLabel?: string;
  confirmPlaceholder?: string;
}

/**
 * `newPassword` and `confirm` fields with the live rule list, for use inside a Form.
 * The server checks again on submit; its 422 PASSWORD_POLICY lands on `newPassword`.
 */
export function NewPasswordFields({
  siteCode,
  accountType,
  username,
  label = commonText.newPassword,
  placeholder = commonText.newPasswordPlaceholder,
  confirmLabel = commonText.confirmNewPassword,
  confirmPlaceholder = commonText.confirmNewPasswordPlaceholder,
}: Props) {
  const form = Form.useFormInstance();
  const password = Form.useWatch('newPassword', form) as string | undefined;
  return (
    <>
      <Form.Item
        name="newPassword"
        label={label}
        rules={[{ required: true, message: commonText.newPasswordRequired }]}
        extra={<PasswordRules siteCode={siteCode} password={password} username={username} accountType={accountType} />}
      >
        <Input.Password placeholder={placeholder} autoComplete="new-password" maxLength={64} />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={confirmLabel}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: commonText.confirmNewPasswordRequired },
          ({ getFieldValue }) => ({
            validator: (_, value: string | undefined) =>
              !value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(commonText.confirmMismatch)),
          }),
        ]}
      >
        <Input.Password placeholder={confirmPlaceholder} autoComplete="new-password" maxLength={64} />
      </Form.Item>
    </>
  );
}

/** A 6-digit code field rule set. */
export const smsCodeRules = [
  { required: true, whitespace: true, message: commonText.smsCodeRequired },
  { pattern: /^\s*\d{6}\s*$/, message: commonText.smsCodeInvalid },
];
